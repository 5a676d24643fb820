"""Where a page-number stamp goes, and the content stream that draws it.

Pure geometry, no pypdf: given a page's visible box (CropBox ∩ MediaBox) and its
/Rotate, :func:`place_stamp` finds the transformation that puts upright text at
the bottom of the page *as a reader sees it*, and :func:`stamp_content` writes
the small content stream (``Q`` closing the ``q`` that wraps the page's own
content, then the stamp in its own ``q … Q``).

Visual coordinates (u, v): origin at the bottom-left corner of the page as
displayed, u to the right, v up, in points.  A page with /Rotate r is shown
turned r degrees clockwise, so:

====  ============================  =====================
 r    user space point of (u, v)    u axis, v axis (user)
====  ============================  =====================
   0  (x0 + u, y0 + v)              (1, 0), (0, 1)
  90  (x1 - v, y0 + u)              (0, 1), (-1, 0)
 180  (x1 - u, y1 - v)              (-1, 0), (0, -1)
 270  (x0 + v, y1 - u)              (0, -1), (1, 0)
====  ============================  =====================
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

Align = Literal["center", "left", "right"]

#: Nominal stamp geometry on a normal page (A4, Letter, A3, photos): 五号 text,
#: baseline 24 pt above the visual bottom edge, 36 pt from the side edge when
#: the stamp sits on the outer edge (duplex).
FONT_SIZE = 10.5
BOTTOM_MARGIN = 24.0
SIDE_MARGIN = 42.0
#: A page must be at least this many times the stamp's height tall before the
#: stamp is drawn at full size; smaller pages get a proportionally smaller stamp.
MIN_HEIGHT_FACTOR = 4.0


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @classmethod
    def from_array(cls, values: Iterable[Any] | None) -> Box | None:
        """A normalised box from a PDF rectangle [a b c d]; None if missing or unusable."""
        if values is None:
            return None
        try:
            a, b, c, d = (float(v) for v in values)
        except (TypeError, ValueError):
            return None
        if not all(math.isfinite(v) for v in (a, b, c, d)):
            return None
        return cls(min(a, c), min(b, d), max(a, c), max(b, d))


def visible_box(mediabox: Box | None, cropbox: Box | None) -> Box:
    """The effective visible area: CropBox clipped to MediaBox (either may be missing)."""
    if mediabox is None or mediabox.width <= 0 or mediabox.height <= 0:
        mediabox = cropbox if cropbox is not None else Box(0, 0, 612, 792)
    if cropbox is None:
        return mediabox
    box = Box(max(mediabox.x0, cropbox.x0), max(mediabox.y0, cropbox.y0),
              min(mediabox.x1, cropbox.x1), min(mediabox.y1, cropbox.y1))
    if box.width <= 0 or box.height <= 0:  # disjoint: viewers fall back to the MediaBox
        return mediabox
    return box


def normalise_rotation(value: Any) -> int:
    """/Rotate as 0, 90, 180 or 270 (360 → 0, -90 → 270, junk → 0, 45 → nearest multiple)."""
    try:
        degrees = float(value)
    except (TypeError, ValueError):
        return 0
    if not math.isfinite(degrees):
        return 0
    return int(round(degrees / 90.0)) % 4 * 90


@dataclass(frozen=True)
class Placement:
    """A stamp's transformation: ``a b c d e f cm``, then text at the origin in ``font_size``."""

    matrix: tuple[float, float, float, float, float, float]
    font_size: float
    scale: float  # 1.0 on normal pages, < 1 on pages too small for the nominal stamp


_AXES = {
    0: (1.0, 0.0, 0.0, 1.0),
    90: (0.0, 1.0, -1.0, 0.0),
    180: (-1.0, 0.0, 0.0, -1.0),
    270: (0.0, -1.0, 1.0, 0.0),
}


def visual_size(box: Box, rotation: int) -> tuple[float, float]:
    """(width, height) of the page as the reader sees it."""
    if rotation in (90, 270):
        return box.height, box.width
    return box.width, box.height


def to_user(box: Box, rotation: int, u: float, v: float) -> tuple[float, float]:
    """User-space point of the visual point (u, v)."""
    if rotation == 90:
        return box.x1 - v, box.y0 + u
    if rotation == 180:
        return box.x1 - u, box.y1 - v
    if rotation == 270:
        return box.x0 + v, box.y1 - u
    return box.x0 + u, box.y0 + v


def place_stamp(box: Box, rotation: int, text_width: float, *, align: Align = "center",
                font_size: float = FONT_SIZE, bottom: float = BOTTOM_MARGIN,
                side: float = SIDE_MARGIN) -> Placement:
    """Place a stamp whose width at ``font_size`` is ``text_width`` points.

    The stamp is upright and ``bottom`` points above the visual bottom edge,
    centred or ``side`` points from the left/right visual edge.  On pages too
    small for it (narrower than the stamp plus side margins, or lower than
    four stamp heights) everything is scaled down uniformly; degenerate boxes
    never divide by zero.
    """
    rotation = normalise_rotation(rotation)
    width, height = visual_size(box, rotation)
    width = max(width, 1e-3)
    height = max(height, 1e-3)
    text_width = max(text_width, 0.0)
    need_w = text_width + 2 * side
    need_h = MIN_HEIGHT_FACTOR * (bottom + font_size)
    scale = min(1.0, width / need_w if need_w > 0 else 1.0, height / need_h)
    w = text_width * scale
    if align == "left":
        u = side * scale
    elif align == "right":
        u = width - side * scale - w
    else:
        u = (width - w) / 2
    v = bottom * scale
    x, y = to_user(box, rotation, u, v)
    a, b, c, d = _AXES[rotation]
    return Placement((a, b, c, d, x, y), font_size * scale, scale)


def _num(value: float) -> bytes:
    """A PDF number with at most 4 decimals, no exponent, no '-0'."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.encode("ascii")


def stamp_content(placement: Placement, font_name: str, encoded: bytes) -> bytes:
    """The content stream appended after the page's own content.

    Starts with ``Q`` (closing the shared ``q`` stream put in front of the
    page's content), then draws the text in black.  ``font_name`` is the
    resource name without the slash; ``encoded`` the string's bytes in the
    font's encoding (written as a hex string).
    """
    m = b" ".join(_num(v) for v in placement.matrix)
    return b"".join((
        b"\nQ\nq ", m, b" cm BT 0 g 0 Tr /", font_name.encode("ascii"), b" ",
        _num(placement.font_size), b" Tf 0 0 Td <", encoded.hex().encode("ascii"), b"> Tj ET Q\n",
    ))


def format_stamp(template: str, number: int, total: int) -> str:
    """Fill ``{n}`` and ``{total}``; every other character (including braces) stays verbatim."""
    return template.replace("{n}", str(number)).replace("{total}", str(total))
