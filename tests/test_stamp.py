"""Stamp placement maths: upright at the visual bottom whatever /Rotate and box origin."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skilldoc.evidence.stamp import (
    BOTTOM_MARGIN,
    FONT_SIZE,
    SIDE_MARGIN,
    Box,
    format_stamp,
    normalise_rotation,
    place_stamp,
    stamp_content,
    visible_box,
    visual_size,
)

ROTATIONS = (0, 90, 180, 270)


def display(box: Box, rotation: int, x: float, y: float) -> tuple[float, float]:
    """Where a viewer shows user-space point (x, y): rotate the box clockwise, then move it to the origin.

    Derived independently of stamp.to_user: rotate every corner, take the minimum.
    """
    t = math.radians(rotation)

    def rot(px: float, py: float) -> tuple[float, float]:
        return px * math.cos(t) + py * math.sin(t), -px * math.sin(t) + py * math.cos(t)

    corners = [rot(cx, cy) for cx in (box.x0, box.x1) for cy in (box.y0, box.y1)]
    min_u = min(c[0] for c in corners)
    min_v = min(c[1] for c in corners)
    u, v = rot(x, y)
    return u - min_u, v - min_v


def direction(rotation: int, dx: float, dy: float) -> tuple[float, float]:
    t = math.radians(rotation)
    return dx * math.cos(t) + dy * math.sin(t), -dx * math.sin(t) + dy * math.cos(t)


boxes = st.builds(
    lambda x, y, w, h: Box(x, y, x + w, y + h),
    st.floats(-2000, 2000), st.floats(-2000, 2000), st.floats(1, 3000), st.floats(1, 3000),
)


@pytest.mark.parametrize("rotation", ROTATIONS)
@pytest.mark.parametrize("box", [Box(0, 0, 595.28, 841.89), Box(0, 0, 612, 792), Box(0, 0, 1190.55, 841.89),
                                 Box(357, 490, 612, 631), Box(-300, -400, 312, 392), Box(0, 482, 361, 792)])
def test_upright_centred_at_visual_bottom(box: Box, rotation: int) -> None:
    width_text = 40.0
    p = place_stamp(box, rotation, width_text)
    a, b, c, d, e, f = p.matrix
    u, v = display(box, rotation, e, f)
    vw, vh = visual_size(box, rotation)
    assert p.scale == 1.0 and p.font_size == FONT_SIZE  # same size on every normal page
    assert v == pytest.approx(BOTTOM_MARGIN)  # same distance from the visual bottom
    assert u == pytest.approx((vw - width_text) / 2)  # centred
    # text runs left-to-right and its up vector points up, as the reader sees it
    assert direction(rotation, a, b) == pytest.approx((1, 0), abs=1e-9)
    assert direction(rotation, c, d) == pytest.approx((0, 1), abs=1e-9)
    assert 0 <= u and u + width_text <= vw and v + FONT_SIZE <= vh


@given(boxes, st.sampled_from(ROTATIONS), st.floats(0, 500), st.sampled_from(["center", "left", "right"]))
def test_stamp_always_inside_the_visible_page(box: Box, rotation: int, text_width: float, align: str) -> None:
    p = place_stamp(box, rotation, text_width, align=align)  # type: ignore[arg-type]
    a, b, c, d, e, f = p.matrix
    u, v = display(box, rotation, e, f)
    vw, vh = visual_size(box, rotation)
    w = text_width * p.scale
    tol = 1e-6 * max(1.0, abs(box.x0), abs(box.y0), abs(box.x1), abs(box.y1))
    assert -tol <= u and u + w <= vw + tol
    assert -tol <= v and v + p.font_size <= vh + tol
    assert 0 < p.scale <= 1
    assert direction(rotation, a, b) == pytest.approx((1, 0), abs=1e-9)


def test_outer_edge_alignment() -> None:
    box = Box(0, 0, 595.28, 841.89)
    right = place_stamp(box, 0, 40, align="right")
    left = place_stamp(box, 0, 40, align="left")
    assert right.matrix[4] == pytest.approx(595.28 - SIDE_MARGIN - 40)
    assert left.matrix[4] == pytest.approx(SIDE_MARGIN)
    # on a page shown turned 90°, "right" is still the reader's right
    turned = place_stamp(box, 90, 40, align="right")
    u, _ = display(box, 90, turned.matrix[4], turned.matrix[5])
    assert u == pytest.approx(841.89 - SIDE_MARGIN - 40)


@pytest.mark.parametrize("rotation", ROTATIONS)
def test_tiny_pages_scale_down_without_crashing(rotation: int) -> None:
    p = place_stamp(Box(0, 0, 3.8, 3.8), rotation, 33.6)
    assert 0 < p.scale < 0.1
    assert p.font_size == pytest.approx(FONT_SIZE * p.scale)
    for degenerate in (Box(5, 5, 5, 5), Box(0, 0, 0, 100)):
        q = place_stamp(degenerate, rotation, 33.6)
        assert all(math.isfinite(v) for v in q.matrix)


@given(st.integers(-20, 20))
def test_normalise_rotation(k: int) -> None:
    assert normalise_rotation(90 * k) == (90 * k) % 360
    assert normalise_rotation(90 * k + 10) == (90 * k) % 360


def test_normalise_rotation_junk() -> None:
    assert normalise_rotation(360) == 0
    assert normalise_rotation(-90) == 270
    assert normalise_rotation(None) == 0
    assert normalise_rotation("x") == 0
    assert normalise_rotation(float("nan")) == 0


def test_visible_box_is_crop_clipped_to_media() -> None:
    media = Box(0, 0, 595, 842)
    assert visible_box(media, None) == media
    assert visible_box(media, Box(-50, -50, 400, 500)) == Box(0, 0, 400, 500)
    assert visible_box(media, Box(100, 50, 300, 200)) == Box(100, 50, 300, 200)
    assert visible_box(media, Box(700, 900, 800, 1000)) == media  # disjoint: fall back to the MediaBox
    assert visible_box(None, Box(1, 2, 3, 4)) == Box(1, 2, 3, 4)
    assert Box.from_array([10, 20, 0, 0]) == Box(0, 0, 10, 20)
    assert Box.from_array(["a", 1, 2, 3]) is None
    assert Box.from_array([1, 2, 3]) is None


def test_stamp_content_closes_the_wrapper_and_draws_in_black() -> None:
    p = place_stamp(Box(0, 0, 595.28, 841.89), 90, 40)
    data = stamp_content(p, "SkStamp", b"\x00\x10\x00\x01")
    assert data.startswith(b"\nQ\n")
    body = data[3:]
    assert body.count(b"q") == body.count(b"Q") == 1
    assert b"/SkStamp 10.5 Tf" in data and b"<00100001> Tj" in data and b" 0 g " in data
    m = re.search(rb"q ([-\d. ]+) cm", data)
    assert m is not None
    assert [float(v) for v in m.group(1).split()] == pytest.approx(list(p.matrix), abs=1e-4)
    assert b"-0 " not in data and b"e-" not in data


def test_format_stamp_keeps_other_text_verbatim() -> None:
    assert format_stamp("第 {n} 页", 12, 57) == "第 12 页"
    assert format_stamp("{n} / {total}", 3, 57) == "3 / 57"
    assert format_stamp("— {n} — {x} {{n}}", 4, 9) == "— 4 — {x} {4}"
