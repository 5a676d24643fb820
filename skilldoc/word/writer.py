"""Section markup → a small, plain .docx the applicant edits in Word or WPS.

Used by ``skilldoc init --docx`` (the eight starter sections) and ``skilldoc import``
(sections taken from a 申报书).  The package is built element by element with lxml
(no XML strings), has Word's built-in styles (标题 1/2/3 are ``heading 1/2/3``, which
Word and WPS show under their Chinese names), one bullet list definition, and is
byte-reproducible (sorted zip entries, fixed dates).  :func:`skilldoc.word.read_section`
reads it back to the same markup: headings by style, bullets by list, numbered items
with their typed number, bold runs, tables with a bold header row.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..fileio import write_atomically
from ..markup import Block, Heading, ListItem, Paragraph, Run, Table, parse
from .ooxml import R_NS, W_NS, Element, element, serialize, sub, w

_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml"
BODY_FONT = "宋体"
HEADING_FONT = "黑体"
NOTE_COLOR = "7F7F7F"
BULLET_NUM = "1"
_DATE = (2022, 1, 1, 0, 0, 0)


def _nsmap() -> dict[str | None, str]:
    return {"w": W_NS, "r": R_NS}


def _rfonts(parent: Element, east_asia: str) -> None:
    sub(parent, w("rFonts"), {w("ascii"): "Times New Roman", w("hAnsi"): "Times New Roman",
                              w("eastAsia"): east_asia, w("cs"): "Times New Roman"})


def _styles() -> Element:
    root = element(w("styles"), nsmap=_nsmap())
    defaults = sub(root, w("docDefaults"))
    rpr = sub(sub(defaults, w("rPrDefault")), w("rPr"))
    _rfonts(rpr, BODY_FONT)
    sub(rpr, w("sz"), {w("val"): "24"})
    sub(rpr, w("lang"), {w("val"): "en-US", w("eastAsia"): "zh-CN"})
    ppr = sub(sub(defaults, w("pPrDefault")), w("pPr"))
    sub(ppr, w("spacing"), {w("after"): "120", w("line"): "360", w("lineRule"): "auto"})

    def style(sid: str, name: str, kind: str = "paragraph", *, default: bool = False) -> Element:
        attrs = {w("type"): kind, w("styleId"): sid}
        if default:
            attrs[w("default")] = "1"
        st = sub(root, w("style"), attrs)
        sub(st, w("name"), {w("val"): name})
        return st

    style("Normal", "Normal", default=True)
    for level in (1, 2, 3):
        st = style(f"Heading{level}", f"heading {level}")
        sub(st, w("basedOn"), {w("val"): "Normal"})
        sub(st, w("next"), {w("val"): "Normal"})
        sub(st, w("qFormat"))
        ppr = sub(st, w("pPr"))
        sub(ppr, w("keepNext"))
        sub(ppr, w("outlineLvl"), {w("val"): str(level - 1)})
        rpr = sub(st, w("rPr"))
        _rfonts(rpr, HEADING_FONT if level == 1 else BODY_FONT)
        sub(rpr, w("b"))
        sub(rpr, w("sz"), {w("val"): str({1: 30, 2: 28, 3: 24}[level])})
    st = style("ListParagraph", "List Paragraph")
    sub(st, w("basedOn"), {w("val"): "Normal"})
    sub(sub(st, w("pPr")), w("ind"), {w("left"): "420"})
    st = style("TableGrid", "Table Grid", "table")
    borders = sub(sub(st, w("tblPr")), w("tblBorders"))
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        sub(borders, w(edge), {w("val"): "single", w("sz"): "4", w("space"): "0", w("color"): "auto"})
    return root


def _numbering() -> Element:
    root = element(w("numbering"), nsmap=_nsmap())
    an = sub(root, w("abstractNum"), {w("abstractNumId"): "0"})
    sub(an, w("multiLevelType"), {w("val"): "hybridMultilevel"})
    for lvl in range(9):
        el = sub(an, w("lvl"), {w("ilvl"): str(lvl)})
        sub(el, w("start"), {w("val"): "1"})
        sub(el, w("numFmt"), {w("val"): "bullet"})
        sub(el, w("lvlText"), {w("val"): "•" if lvl % 2 == 0 else "◦"})
        sub(el, w("lvlJc"), {w("val"): "left"})
        sub(sub(el, w("pPr")), w("ind"), {w("left"): str(420 * (lvl + 1)), w("hanging"): "420"})
    num = sub(root, w("num"), {w("numId"): BULLET_NUM})
    sub(num, w("abstractNumId"), {w("val"): "0"})
    return root


def _runs(p: Element, runs: Iterable[Run], *, color: str | None = None) -> None:
    for run in runs:
        parts = run.text.split("\n")
        r = sub(p, w("r"))
        if run.bold or color:
            rpr = sub(r, w("rPr"))
            if run.bold:
                sub(rpr, w("b"))
                sub(rpr, w("bCs"))
            if color:
                sub(rpr, w("color"), {w("val"): color})
        for i, part in enumerate(parts):
            if i:
                sub(r, w("br"))
            if part:
                t = sub(r, w("t"), text=part)
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _paragraph(body: Element, runs: Sequence[Run], style: str | None = None, *, bullet_level: int | None = None,
               color: str | None = None) -> Element:
    p = sub(body, w("p"))
    if style or bullet_level is not None:
        ppr = sub(p, w("pPr"))
        if style:
            sub(ppr, w("pStyle"), {w("val"): style})
        if bullet_level is not None:
            numpr = sub(ppr, w("numPr"))
            sub(numpr, w("ilvl"), {w("val"): str(bullet_level)})
            sub(numpr, w("numId"), {w("val"): BULLET_NUM})
    _runs(p, runs, color=color)
    return p


def _table(body: Element, table: Table) -> None:
    tbl = sub(body, w("tbl"))
    tblpr = sub(tbl, w("tblPr"))
    sub(tblpr, w("tblStyle"), {w("val"): "TableGrid"})
    sub(tblpr, w("tblW"), {w("w"): "5000", w("type"): "pct"})
    width = max((len(r) for r in table.rows), default=0)
    grid = sub(tbl, w("tblGrid"))
    for _ in range(width):
        sub(grid, w("gridCol"), {w("w"): str(8300 // max(width, 1))})
    for i, row in enumerate(table.rows):
        tr = sub(tbl, w("tr"))
        if i == 0 and table.header:
            sub(sub(tr, w("trPr")), w("tblHeader"))
        for c in range(width):
            cell = row[c] if c < len(row) else ()
            tc = sub(tr, w("tc"))
            sub(sub(tc, w("tcPr")), w("tcW"), {w("w"): str(8300 // width), w("type"): "dxa"})
            runs = [Run(r.text, True) for r in cell] if i == 0 and table.header else list(cell)
            _paragraph(tc, runs)


def blocks_document(blocks: Sequence[Block], note: Sequence[str] = ()) -> Element:
    """A ``w:document`` holding ``note`` (grey paragraphs, typed verbatim) and then ``blocks``."""
    doc = element(w("document"), nsmap=_nsmap())
    body = sub(doc, w("body"))
    for line in note:
        _paragraph(body, [Run(line)], color=NOTE_COLOR)
    for block in blocks:
        if isinstance(block, Heading):
            _paragraph(body, block.runs, f"Heading{min(max(block.level, 1), 3)}")
        elif isinstance(block, Paragraph):
            _paragraph(body, block.runs)
        elif isinstance(block, ListItem):
            if block.ordered:
                marker = block.marker or (f"{block.number}." if block.number is not None else "")
                text = [Run(marker + (" " if marker.endswith(".") else ""))] + list(block.runs)
                _paragraph(body, text, "ListParagraph")
            else:
                _paragraph(body, block.runs, "ListParagraph", bullet_level=min(max(block.level, 1), 9) - 1)
        elif isinstance(block, Table):
            _table(body, block)
    sect = sub(body, w("sectPr"))
    sub(sect, w("pgSz"), {w("w"): "11906", w("h"): "16838"})
    sub(sect, w("pgMar"), {w("top"): "1440", w("right"): "1800", w("bottom"): "1440", w("left"): "1800",
                           w("header"): "851", w("footer"): "992", w("gutter"): "0"})
    return doc


def _content_types() -> Element:
    root = element(f"{{{_CT_NS}}}Types", nsmap={None: _CT_NS})
    sub(root, f"{{{_CT_NS}}}Default", {"Extension": "rels",
                                      "ContentType": "application/vnd.openxmlformats-package.relationships+xml"})
    sub(root, f"{{{_CT_NS}}}Default", {"Extension": "xml", "ContentType": "application/xml"})
    for part, kind in (("/word/document.xml", "document.main"), ("/word/styles.xml", "styles"),
                       ("/word/numbering.xml", "numbering")):
        sub(root, f"{{{_CT_NS}}}Override", {"PartName": part, "ContentType": f"{_MAIN_CT}.{kind}+xml"})
    return root


def _rels(targets: Sequence[tuple[str, str]]) -> Element:
    root = element(f"{{{_REL_NS}}}Relationships", nsmap={None: _REL_NS})
    for i, (kind, target) in enumerate(targets, start=1):
        sub(root, f"{{{_REL_NS}}}Relationship", {"Id": f"rId{i}", "Type": f"{_DOC_REL}/{kind}", "Target": target})
    return root


def docx_bytes(blocks: Sequence[Block], note: Sequence[str] = ()) -> bytes:
    parts = {
        "[Content_Types].xml": serialize(_content_types()),
        "_rels/.rels": serialize(_rels([("officeDocument", "word/document.xml")])),
        "word/_rels/document.xml.rels": serialize(_rels([("styles", "styles.xml"), ("numbering", "numbering.xml")])),
        "word/document.xml": serialize(blocks_document(blocks, note)),
        "word/numbering.xml": serialize(_numbering()),
        "word/styles.xml": serialize(_styles()),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(parts, key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, date_time=_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, parts[name])
    return out.getvalue()


def write_section(path: Path, markup: str, note: Sequence[str] = ()) -> None:
    """Write section ``markup`` (as a .md file holds it) to ``path`` as a .docx, atomically.

    ``note`` lines come first as grey paragraphs typed verbatim (the starter's guidance,
    wrapped in a Jinja comment so that it never reaches the 申报书).
    """
    write_atomically(Path(path), docx_bytes(parse(markup), note))
