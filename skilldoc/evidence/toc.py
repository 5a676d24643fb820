"""The 目录 (table of contents) at the front of the evidence PDF.

:func:`layout_toc` measures and paginates: a table with the columns 序号,
材料名称 and 页码, grouped under the section titles, long titles wrapped within
the 材料名称 column, rows never split across pages, the header row repeated on
every page.  :func:`render_toc` draws the layout into an A4 PDF with one
embedded subset font (deterministic bytes, no dates, no /ID, no page numbers:
the 目录 is not part of the evidence numbering).

The bundle writer may also take the pages straight from the layout:
``layout.font`` and :func:`page_content` give the font and each page's content
stream, with the font named ``/F1`` in the page resources.
"""

from __future__ import annotations

import os
import tempfile
import unicodedata
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    EncodedStreamObject,
    FloatObject,
    NameObject,
)

from ..errors import Location, OutputError, Problem
from .fonts import (
    EmbeddedFont,
    FontSource,
    GlyphMissing,
    embedded_font,
    find_cjk_font,
    glyph_missing_error,
    missing_chars,
)

__all__ = [
    "TocEntry",
    "TocRow",
    "TocLayout",
    "layout_toc",
    "render_toc",
    "page_content",
    "toc_text",
    "wrap_text",
    "FONT_RESOURCE",
]

# --------------------------------------------------------------------------- geometry (pt)

A4 = (595.276, 841.89)
MARGIN_X = 56.69  # 20 mm
MARGIN_TOP = 56.69
MARGIN_BOTTOM = 56.69
TITLE_SIZE = 18.0
TITLE_GAP = 18.0  # between the title's baseline box and the table
HEADER_SIZE = 11.0
GROUP_SIZE = 11.0
BODY_SIZE = 10.5  # 五号
LEADING = 1.5  # line height as a multiple of the font size
PAD_X = 5.0
PAD_Y = 4.0
MIN_CODE_WIDTH = 44.0
MAX_CODE_WIDTH = 120.0
MIN_PAGES_WIDTH = 64.0
MAX_PAGES_WIDTH = 140.0
BOLD_STROKE = 0.3  # pseudo-bold: fill + stroke (text render mode 2), line width per 10 pt of size
HEADER_FILL = 0.88
GROUP_FILL = 0.95
OUTER_LINE = 0.8
INNER_LINE = 0.4

HEADERS = ("序号", "材料名称", "页码")
CONTINUED = "（续）"
FONT_RESOURCE = "/F1"


@dataclass(frozen=True)
class TocEntry:
    """One evidence item in the 目录: its section (``part``), 编号, name and stamped pages ("3—5")."""

    part: str
    code: str
    title: str
    pages: str


@dataclass(frozen=True)
class TocRow:
    """One table row as laid out: a group heading spanning the table, or an entry's three cells.

    ``cells`` holds the lines of each column (one cell for a heading).
    """

    kind: str  # "group" | "entry"
    cells: tuple[tuple[str, ...], ...]
    height: float
    code: str = ""  # the entry's 编号 (for headings: "")


@dataclass(frozen=True)
class TocLayout:
    """A paginated 目录: ``pages`` A4 pages, each a tuple of rows (after the title and header row)."""

    pages: int
    title: str
    page_rows: tuple[tuple[TocRow, ...], ...]
    column_widths: tuple[float, float, float]
    header_height: float
    font: EmbeddedFont = field(compare=False, repr=False)

    @property
    def entries(self) -> int:
        return sum(1 for rows in self.page_rows for row in rows if row.kind == "entry" and row.code)


# --------------------------------------------------------------------------- wrapping

# Characters that must not begin a line (closing punctuation) or end one (opening punctuation).
_NO_LINE_START = frozenset("，。、；：？！）】》」』〕〉”’…·%,.;:?!)]}‰℃")
_NO_LINE_END = frozenset("（【《「『〔〈“‘([{")


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _tokens(text: str) -> list[str]:
    """Break opportunities: each wide (CJK) character is a token, runs of narrow characters form
    words, spaces are their own tokens; closing punctuation sticks to what precedes it and opening
    punctuation to what follows."""
    raw: list[str] = []
    for ch in text:
        if ch == " ":
            raw.append(ch)
        elif _is_wide(ch) or ch in _NO_LINE_START or ch in _NO_LINE_END:
            raw.append(ch)
        elif raw and raw[-1] != " " and not _is_wide(raw[-1][-1]) and raw[-1][-1] not in _NO_LINE_START:
            raw[-1] += ch
        else:
            raw.append(ch)
    merged: list[str] = []
    glue_next = False
    for tok in raw:
        if glue_next and tok != " ":
            merged[-1] += tok
            glue_next = tok[-1] in _NO_LINE_END
            continue
        glue_next = False
        if tok[0] in _NO_LINE_START and merged and merged[-1] != " ":
            merged[-1] += tok
        else:
            merged.append(tok)
        if tok != " " and tok[-1] in _NO_LINE_END:
            glue_next = True
    return merged


def wrap_text(text: str, max_width: float, measure: Callable[[str], float]) -> list[str]:
    """Lines of ``text`` no wider than ``max_width`` (by ``measure``).

    Breaks between CJK characters anywhere, between narrow-script words at
    spaces (the space at a break is not drawn), inside a word only when the
    word alone is too wide; keeps closing punctuation off line starts.  A
    newline forces a break; tabs count as spaces.  Returns at least one line.
    """
    lines: list[str] = []
    for paragraph in text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ").split("\n"):
        lines.extend(_wrap_paragraph(paragraph, max_width, measure))
    return lines or [""]


def _wrap_paragraph(text: str, max_width: float, measure: Callable[[str], float]) -> list[str]:
    lines: list[str] = []
    line = ""
    pending_space = ""
    for tok in _tokens(text):
        if tok == " ":
            pending_space += " " if line else ""
            continue
        candidate = line + pending_space + tok
        if measure(candidate) <= max_width or not line and measure(tok) <= max_width:
            line = candidate if line else tok
            pending_space = ""
            continue
        if line:
            lines.append(line)
            line, pending_space = "", ""
        if measure(tok) <= max_width:
            line = tok
            continue
        # A token wider than the column: break it between characters.
        for ch in tok:
            if line and measure(line + ch) > max_width:
                lines.append(line)
                line = ""
            line += ch
    if line or not lines:
        lines.append(line)
    return lines


# --------------------------------------------------------------------------- layout


def _grouped(
    entries: Sequence[TocEntry], part_order: Sequence[str] | None
) -> list[tuple[str, list[TocEntry]]]:
    groups: dict[str, list[TocEntry]] = {}
    for part in part_order or ():
        groups.setdefault(part, [])
    for entry in entries:
        groups.setdefault(entry.part, []).append(entry)
    return [(part, items) for part, items in groups.items() if items]


def _line_height(size: float) -> float:
    return size * LEADING


def _body_height(lines: int) -> float:
    return lines * _line_height(BODY_SIZE) + 2 * PAD_Y


def _all_text(entries: Sequence[TocEntry], title: str) -> str:
    parts = {e.part for e in entries}
    return "".join([title, CONTINUED, *HEADERS, *parts, *(e.code + e.title + e.pages for e in entries)])


def toc_text(entries: Sequence[TocEntry], title: str = "目录") -> str:
    """Every character the 目录 of ``entries`` draws (for a font made before the layout)."""
    return _all_text(entries, title)


def _attribute(err: GlyphMissing, entries: Sequence[TocEntry], title: str) -> GlyphMissing:
    """``err`` with each missing character located at the 编号 of the entries that contain it."""
    src = err.source or find_cjk_font()
    where: dict[str, list[str]] = {}
    for entry in entries:
        for ch in missing_chars(entry.code + entry.title + entry.pages + entry.part, src):
            where.setdefault(ch, []).append(entry.code)
    for ch in missing_chars(title, src):
        where.setdefault(ch, [])
    if not where:
        return err
    located = glyph_missing_error(list(where), src, "证明材料目录")
    problems: list[Problem] = []
    for problem, ch in zip(located.problems, where, strict=True):
        codes = "、".join(dict.fromkeys(c for c in where[ch] if c))
        location = Location("证明材料目录", item=codes) if codes else None
        problems.append(Problem(problem.message, location, problem.hint, problem.severity, problem.code))
    located.problems = problems
    return located


def layout_toc(
    entries: Sequence[TocEntry],
    *,
    title: str = "目录",
    part_order: Sequence[str] | None = None,
    source: FontSource | None = None,
    extra_chars: str = "",
    font: EmbeddedFont | None = None,
) -> TocLayout:
    """Measure and paginate the 目录 for ``entries``.

    Entries are grouped by ``part`` (in ``part_order``, then in order of first
    appearance; entries keep their order within a part); the part ``""`` gets
    no heading.  Raises :class:`~skilldoc.evidence.fonts.GlyphMissing` naming
    every character (and the 编号 it occurs in) the font cannot draw.

    ``extra_chars`` go into ``layout.font`` too (the bundle's page stamps, so
    one font subset serves the 目录 and every stamp); when the font cannot
    draw them they are left out and the caller makes its own subset.
    ``font``: a subset made beforehand (it must cover :func:`toc_text`; else a
    new one is made as without it).
    """
    text = _all_text(entries, title)
    if font is not None and not font.covers(text):
        font = None
    if font is None and extra_chars:
        try:
            font = embedded_font(text + extra_chars, source)
        except GlyphMissing:
            font = None
    if font is None:
        try:
            font = embedded_font(text, source)
        except GlyphMissing as err:
            raise _attribute(err, entries, title) from None

    def measure(size: float) -> Callable[[str], float]:
        return lambda s: font.width(s, size)

    body = measure(BODY_SIZE)
    header = measure(HEADER_SIZE)
    table_width = A4[0] - 2 * MARGIN_X
    code_w = max([header(HEADERS[0])] + [body(e.code) for e in entries]) + 2 * PAD_X
    code_w = min(max(code_w, MIN_CODE_WIDTH), MAX_CODE_WIDTH)
    pages_w = max([header(HEADERS[2])] + [body(e.pages) for e in entries]) + 2 * PAD_X
    pages_w = min(max(pages_w, MIN_PAGES_WIDTH), MAX_PAGES_WIDTH)
    title_w = table_width - code_w - pages_w
    widths = (code_w, title_w, pages_w)
    header_height = _line_height(HEADER_SIZE) + 2 * PAD_Y

    def entry_rows(entry: TocEntry) -> list[TocRow]:
        code = tuple(wrap_text(entry.code, code_w - 2 * PAD_X, body))
        name = tuple(wrap_text(entry.title, title_w - 2 * PAD_X, body))
        pages = tuple(wrap_text(entry.pages, pages_w - 2 * PAD_X, body))
        lines = max(len(code), len(name), len(pages))
        row = TocRow("entry", (code, name, pages), _body_height(lines), entry.code)
        if row.height <= capacity:
            return [row]
        # Taller than a whole page (an absurdly long name): the one case where a row must split.
        per_page = max(1, int((capacity - 2 * PAD_Y) // _line_height(BODY_SIZE)))
        pieces = []
        for start in range(0, lines, per_page):
            chunk = [col[start : start + per_page] for col in (code, name, pages)]
            n = max(len(c) for c in chunk)
            pieces.append(
                TocRow(
                    "entry", tuple(tuple(c) for c in chunk), _body_height(n), entry.code if start == 0 else ""
                )
            )
        return pieces

    def group_row(part: str, continued: bool) -> TocRow:
        text = part + (CONTINUED if continued else "")
        lines = tuple(wrap_text(text, table_width - 2 * PAD_X, measure(GROUP_SIZE)))
        return TocRow("group", (lines,), len(lines) * _line_height(GROUP_SIZE) + 2 * PAD_Y)

    top = A4[1] - MARGIN_TOP - _line_height(TITLE_SIZE) - TITLE_GAP
    # Heading rows are at most a few lines; reserve room for one of two lines.
    capacity = top - MARGIN_BOTTOM - header_height - (2 * _line_height(GROUP_SIZE) + 2 * PAD_Y)

    pages: list[list[TocRow]] = [[]]
    used = header_height

    def room() -> float:
        return top - MARGIN_BOTTOM - used

    for part, items in _grouped(entries, part_order):
        heading_on_page = False  # this part's heading already drawn on the current page
        first = True
        for entry in items:
            for row in entry_rows(entry):
                heading = group_row(part, continued=not first) if part and not heading_on_page else None
                need = row.height + (heading.height if heading else 0)
                if need > room() and pages[-1]:
                    pages.append([])
                    used = header_height
                    heading_on_page = False
                    heading = group_row(part, continued=not first) if part else None
                if heading is not None:
                    pages[-1].append(heading)
                    used += heading.height
                    heading_on_page = True
                pages[-1].append(row)
                used += row.height
                first = False
    return TocLayout(
        pages=len(pages),
        title=title,
        page_rows=tuple(tuple(rows) for rows in pages),
        column_widths=widths,
        header_height=header_height,
        font=font,
    )


# --------------------------------------------------------------------------- drawing


def _n(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


class _Canvas:
    """A tiny content-stream writer: text in one font, rectangles and lines."""

    def __init__(self, font: EmbeddedFont) -> None:
        self.font = font
        self.ops: list[str] = []

    def text(self, x: float, baseline: float, text: str, size: float, bold: bool = False) -> None:
        if not text:
            return
        hexcode = self.font.encode(text).hex().upper()
        mode = f"2 Tr {_n(BOLD_STROKE * size / 10)} w " if bold else ""
        self.ops.append(
            f"BT {mode}{FONT_RESOURCE} {_n(size)} Tf 1 0 0 1 {_n(x)} {_n(baseline)} Tm <{hexcode}> Tj ET"
        )

    def fill_rect(self, x: float, y: float, w: float, h: float, grey: float) -> None:
        self.ops.append(f"q {_n(grey)} g {_n(x)} {_n(y)} {_n(w)} {_n(h)} re f Q")

    def line(self, x1: float, y1: float, x2: float, y2: float, width: float) -> None:
        self.ops.append(f"q {_n(width)} w {_n(x1)} {_n(y1)} m {_n(x2)} {_n(y2)} l S Q")

    def rect(self, x: float, y: float, w: float, h: float, width: float) -> None:
        self.ops.append(f"q {_n(width)} w {_n(x)} {_n(y)} {_n(w)} {_n(h)} re S Q")

    def content(self) -> bytes:
        return ("\n".join(["0 g 0 G", *self.ops]) + "\n").encode("ascii")


def _baseline(line_top: float, size: float, font: EmbeddedFont) -> float:
    """Baseline that centres the font's ascent–descent box in a line of height size × LEADING."""
    centre = line_top - _line_height(size) / 2
    return centre - (font.ascent + font.descent) / 2000 * size


def _draw_lines(
    canvas: _Canvas,
    lines: Sequence[str],
    left: float,
    width: float,
    top: float,
    height: float,
    size: float,
    align: str,
    bold: bool = False,
    valign: str = "middle",
) -> None:
    block = len(lines) * _line_height(size)
    y = top - PAD_Y if valign == "top" else top - (height - block) / 2
    for line in lines:
        w = canvas.font.width(line, size)
        if align == "center":
            x = left + (width - w) / 2
        else:
            x = left + PAD_X
        canvas.text(x, _baseline(y, size, canvas.font), line, size, bold)
        y -= _line_height(size)


def page_content(layout: TocLayout, index: int) -> bytes:
    """The (uncompressed) content stream of 目录 page ``index`` (0-based); font resource ``/F1``."""
    font = layout.font
    canvas = _Canvas(font)
    width, height = A4
    left = MARGIN_X
    table_width = sum(layout.column_widths)
    title = layout.title if index == 0 else layout.title + CONTINUED
    title_top = height - MARGIN_TOP
    title_width = font.width(title, TITLE_SIZE)
    canvas.text(
        (width - title_width) / 2, _baseline(title_top, TITLE_SIZE, font), title, TITLE_SIZE, bold=True
    )
    top = title_top - _line_height(TITLE_SIZE) - TITLE_GAP

    xs = [left]
    for w in layout.column_widths:
        xs.append(xs[-1] + w)

    # Header row.
    y = top
    hh = layout.header_height
    canvas.fill_rect(left, y - hh, table_width, hh, HEADER_FILL)
    for col, label in enumerate(HEADERS):
        _draw_lines(canvas, [label], xs[col], layout.column_widths[col], y, hh, HEADER_SIZE, "center", True)
    row_bottoms = [y - hh]
    y -= hh

    rows = layout.page_rows[index]
    for row in rows:
        h = row.height
        if row.kind == "group":
            canvas.fill_rect(left, y - h, table_width, h, GROUP_FILL)
            _draw_lines(canvas, row.cells[0], left, table_width, y, h, GROUP_SIZE, "left", True)
        else:
            code, name, pages = row.cells
            _draw_lines(canvas, code, xs[0], layout.column_widths[0], y, h, BODY_SIZE, "center")
            _draw_lines(canvas, name, xs[1], layout.column_widths[1], y, h, BODY_SIZE, "left", valign="top")
            _draw_lines(canvas, pages, xs[2], layout.column_widths[2], y, h, BODY_SIZE, "center")
        y -= h
        row_bottoms.append(y)

    # Grid: horizontal lines under every row, column separators except across group headings.
    bottom = y
    for yb in row_bottoms[:-1]:
        canvas.line(left, yb, left + table_width, yb, INNER_LINE)
    y = top - hh
    canvas.line(xs[1], top, xs[1], y, INNER_LINE)
    canvas.line(xs[2], top, xs[2], y, INNER_LINE)
    for row in rows:
        if row.kind == "entry":
            canvas.line(xs[1], y, xs[1], y - row.height, INNER_LINE)
            canvas.line(xs[2], y, xs[2], y - row.height, INNER_LINE)
        y -= row.height
    canvas.rect(left, bottom, table_width, top - bottom, OUTER_LINE)
    return canvas.content()


def _flate(data: bytes) -> EncodedStreamObject:
    stream = EncodedStreamObject()
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    stream._data = zlib.compress(data, 9)
    return stream


def render_toc(layout: TocLayout, out: Path) -> None:
    """Write the 目录 as a PDF of exactly ``layout.pages`` A4 pages to ``out`` (atomically).

    Deterministic: the same layout gives the same bytes (no dates, no /ID).
    """
    from .fonts import add_font_to_writer

    writer = PdfWriter()
    font_ref = add_font_to_writer(layout.font, writer)
    resources = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Font"): DictionaryObject({NameObject(FONT_RESOURCE): font_ref}),
                NameObject("/ProcSet"): ArrayObject([NameObject("/PDF"), NameObject("/Text")]),
            }
        )
    )
    for index in range(layout.pages):
        page = writer.add_blank_page(A4[0], A4[1])
        page[NameObject("/MediaBox")] = ArrayObject(
            [FloatObject(0), FloatObject(0), FloatObject(A4[0]), FloatObject(A4[1])]
        )
        page[NameObject("/Resources")] = resources
        page[NameObject("/Contents")] = writer._add_object(_flate(page_content(layout, index)))
    writer.add_metadata({"/Title": layout.title})

    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".toc-", suffix=".pdf.tmp", dir=out.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                writer.write(fh)
            # mkstemp makes the file private (0600); give it an ordinary file's mode.
            os.chmod(tmp_name, out.stat().st_mode & 0o777 if out.exists() else 0o644)
            os.replace(tmp_name, out)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OutputError(
            problems=[
                Problem(
                    f"无法写入目录文件：{exc.strerror or exc}",
                    Location(str(out)),
                    hint="请检查文件夹是否存在、是否有写入权限，以及该文件是否正被其他程序打开",
                    code="output.toc",
                )
            ]
        ) from exc
