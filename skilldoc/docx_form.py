"""The 申报书 DOCX: the official form of 附件2, filled in.

The layout lives in an editable Word template, ``templates/docx/申报书.docx``
(regenerate it with ``templates/docx/make_template.py``; the committed file is
the source of truth a user may edit in Word or WPS).  The template holds:

- the named styles every paragraph of the output uses (``申报书正文``,
  ``申报书标题1`` …, see :data:`STYLES`), so a font or spacing changed in the
  template reaches every build;
- the cover and the 填写要求 page, with placeholders such as ``{{申报单位}}``;
- a paragraph ``{{申报表}}`` where this module puts the form table: the header
  table of the form (labels verbatim from :mod:`skilldoc.form`) followed by the
  eight sections, each a row ``title | body`` as on the official form;
- page setup (A4, mirrored margins for left binding) and the footer with the
  page number.

How section markup becomes Word (see ``skilldoc/markup.py`` for the grammar):
paragraphs use ``申报书正文`` (first-line indent of two characters), headings
``申报书标题1/2/3``, bulleted items a real Word bullet list (the bullet is
formatting, not text), numbered items the user's literal marker followed by a
space and the text, with a hanging indent (no Word auto-numbering), pipe tables
a Word table nested in the section cell.  A line break inside a paragraph is a
``<w:br/>``.

This is the only module that imports python-docx.  The raw-XML helpers
(fonts, language, merged cells, fields, page setup, the reproducible zip) are
kept together in the ``--- OOXML helpers`` part below.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, Twips
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

from . import form
from .errors import InputError, Location, OutputError, Problem, Severity
from .fileio import write_atomically
from .form import LAYOUT, SECTIONS, Section
from .markup import Block, Heading, Inlines, ListItem, Paragraph, Run, Table
from .model import Application, Occupation, RenderedSection, Value
from .reproducible import build_timestamp, zip_bytes
from .resources import template_path

__all__ = [
    "PLACEHOLDERS",
    "STYLES",
    "column_widths",
    "default_template",
    "make_template",
    "write_docx",
]


# --- fonts and styles ------------------------------------------------------------

LATIN_FONT = "Times New Roman"
BODY_FONT = "仿宋_GB2312"  # Word/WPS substitute 仿宋 when missing; for LibreOffice see office.CJK_FONT_SUBSTITUTES
HEI_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
TITLE_FONT = "方正小标宋简体"
SYMBOL_FONT = "Segoe UI Symbol"  # has ☑ ☐; office.py maps it to DejaVu Sans for LibreOffice on Linux

TICKED, UNTICKED = "☑", "☐"
GROUP_TRAINING = form.HEADER_BY_KEY["is_assessor"].group  # 培训评价能力, repeated on the continuation page


LIST_STEP = 0.85  # cm: a list level is indented like a first line (two characters of 12 pt)
LIST_HANG = 0.75  # cm: from the marker to the item text


@dataclass(frozen=True)
class StyleSpec:
    """A named style of the template (created by :func:`make_template`)."""

    name: str
    kind: str = "paragraph"  # paragraph | character | table
    east_asia: str = BODY_FONT
    latin: str = LATIN_FONT
    size: float | None = 12  # points
    bold: bool | None = None
    underline: bool | None = None
    align: str | None = None  # left | center | both
    first_line_chars: int = 0  # first-line indent in hundredths of a character (200 = 2 characters)
    line_spacing: float | None = None  # multiple of single
    before: float = 0  # points
    after: float = 0
    keep_next: bool = False
    left: float = 0  # cm
    hanging: float = 0  # cm
    tabs: tuple[float, ...] = ()  # left tab stops, cm


STYLES: tuple[StyleSpec, ...] = (
    StyleSpec("申报书正文", size=12, align="both", first_line_chars=200, line_spacing=1.5),
    StyleSpec("申报书标题1", east_asia=HEI_FONT, size=12, bold=True, first_line_chars=200,
              line_spacing=1.5, before=6, keep_next=True),
    StyleSpec("申报书标题2", east_asia=KAI_FONT, size=12, bold=True, first_line_chars=200,
              line_spacing=1.5, keep_next=True),
    StyleSpec("申报书标题3", size=12, bold=True, first_line_chars=200, line_spacing=1.5, keep_next=True),
    StyleSpec("申报书列表", size=12, align="both", line_spacing=1.5, left=LIST_STEP + LIST_HANG, hanging=LIST_HANG),
    StyleSpec("表格文字", size=10.5, align="center", line_spacing=1.0),
    StyleSpec("栏目标题", east_asia=HEI_FONT, size=12, align="center", line_spacing=1.0, before=6),
    StyleSpec("正文表格文字", size=10.5, align="left", line_spacing=1.0),
    StyleSpec("封面标题", east_asia=TITLE_FONT, size=26, align="center", before=72, after=18),
    StyleSpec("封面副标题", east_asia=TITLE_FONT, size=42, align="center", after=84),
    StyleSpec("封面项目", size=16, line_spacing=1.5, after=12, left=4.6, hanging=2.6, tabs=(4.6,)),
    StyleSpec("封面落款", size=16, align="center", line_spacing=1.5),
    StyleSpec("填写要求标题", east_asia=HEI_FONT, size=16, align="center", before=24, after=24),
    StyleSpec("填写要求", size=16, align="both", first_line_chars=200, line_spacing=1.75),
    StyleSpec("页码", east_asia="宋体", size=10.5, align="center"),
    StyleSpec("勾选框", kind="character", east_asia=SYMBOL_FONT, latin=SYMBOL_FONT, size=None),
    StyleSpec("填写内容", kind="character", size=None, underline=True),
    StyleSpec("申报书表格", kind="table", size=None),
)

PLACEHOLDER_RE = re.compile(r"\{\{\s*([^{}\s]+)\s*\}\}")
TABLE_PLACEHOLDER = "申报表"
COVER_PLACEHOLDERS = ("申报单位", "主管单位", "申报职业", "填报时间", "填报年份")
PLACEHOLDERS: tuple[str, ...] = COVER_PLACEHOLDERS + (TABLE_PLACEHOLDER,) + tuple(
    f.var for f in form.HEADER_FIELDS
)

# Page geometry (twips; 1 cm = 567 twips).  A4, mirrored margins for duplex printing
# with left binding: inside 2.8 cm, outside 2.2 cm.
PAGE_W, PAGE_H = 11906, 16838
MARGIN_IN, MARGIN_OUT, MARGIN_TOP, MARGIN_BOTTOM = Cm(2.8), Cm(2.2), Cm(2.5), Cm(2.5)

# The form table: a group column plus 24 equal units (16.0 cm in all).
GROUP_W = 907  # 1.6 cm
UNIT_W = 340  # 0.6 cm
UNITS = 24
GRID = (GROUP_W,) + (UNIT_W,) * UNITS
CELL_MARGIN = 85  # left/right cell padding, twips (0.15 cm)
ROW_H = 510  # minimum height of a form row, twips (0.9 cm)


# --- text cleaning and formatting --------------------------------------------------

_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean_xml_text(text: str) -> tuple[str, list[str]]:
    """``text`` without XML-illegal characters (normalising CR/CRLF to LF), plus the removed ones."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    removed = _ILLEGAL_XML.findall(text)
    return (_ILLEGAL_XML.sub("", text), removed) if removed else (text, [])


def format_number(value: int | Decimal | float) -> str:
    """2350 → "2350"; Decimal("2680.50") → "2680.5"; never an exponent."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    if not d.is_finite():
        return str(d)
    text = format(d.normalize(), "f")
    return "0" if text in ("-0", "") else text


def format_date(value: dt.date) -> str:
    """date(2022, 11, 20) → "2022年11月20日"."""
    return f"{value.year}年{value.month}月{value.day}日"


def format_value(value: Value | float) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, int | Decimal | float):
        return format_number(value)
    return str(value)


class _Cleaner:
    """Strips XML-illegal characters; one warning per place they were found (see :meth:`finish`)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        self._found: dict[tuple[str, str], tuple[Location, str, set[str]]] = {}

    def __call__(self, text: str, where: Location, what: str) -> str:
        clean, removed = clean_xml_text(text)
        if removed:
            entry = self._found.setdefault((str(where), what), (where, what, set()))
            entry[2].update(removed)
        return clean

    def finish(self) -> None:
        for where, what, removed in self._found.values():
            codes = "、".join(f"U+{ord(c):04X}" for c in sorted(removed))
            self.problems.append(Problem(
                f"{what}含有无法写入 Word 的控制字符（{codes}），已删除",
                where,
                hint="这些字符通常来自从网页或其他软件复制的文本；请检查删除后的文字是否完整",
                severity=Severity.WARNING,
                code="docx.control_char",
            ))
        self._found.clear()


# --- OOXML helpers (raw XML kept here) -----------------------------------------------

_THEME_ATTRS = tuple(qn(f"w:{a}") for a in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"))
_FONT_SLOTS = ("ascii", "hAnsi", "eastAsia", "cs")
_RPR_AFTER_LANG = tuple(qn(f"w:{t}") for t in ("eastAsianLayout", "specVanish", "oMath", "rPrChange"))


def _strip_theme_fonts(root: Any) -> None:
    """Remove every ``w:*Theme`` font attribute below ``root`` (they override explicit names)."""
    for rfonts in root.iter(qn("w:rFonts")):
        for attr in _THEME_ATTRS:
            rfonts.attrib.pop(attr, None)


def _set_fonts(rpr: Any, east_asia: str, latin: str, *, hint: bool = True) -> None:
    rfonts = rpr.get_or_add_rFonts()
    for attr in _THEME_ATTRS:
        rfonts.attrib.pop(attr, None)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:cs"), latin)
    if hint:
        rfonts.set(qn("w:hint"), "eastAsia")


def _set_lang(rpr: Any) -> None:
    """``<w:lang w:val="en-US" w:eastAsia="zh-CN"/>`` in schema order."""
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        successor = next((c for c in rpr if c.tag in _RPR_AFTER_LANG), None)
        if successor is not None:
            successor.addprevious(lang)
        else:
            rpr.append(lang)
    if lang.get(qn("w:val")) is None:
        lang.set(qn("w:val"), "en-US")
    if lang.get(qn("w:eastAsia")) != NO_LANGUAGE:  # a joined unit keeps its "no language" (see _joined_run)
        lang.set(qn("w:eastAsia"), "zh-CN")


# --- keeping units whole across line ends ---------------------------------------------------
#
# U+2060 WORD JOINER forbids a line break where it stands.  skilldoc writes it only in runs
# marked ``w:noProof`` (which changes nothing on the page), and reading a DOCX back drops
# U+2060 from such runs (skilldoc.word.text), so the joiners are never mistaken for text and never counted.
# LibreOffice's Chinese line breaking ignores U+2060 between two ideographs; it honours it
# in a run whose East Asian language is "zxx" (no linguistic content), which is what the
# cover's （公章） gets.  Between a digit and a dash (第4—5页, 2019—2021年) zh-CN is enough.

WORD_JOINER = "\u2060"
NO_LANGUAGE = "zxx"
_RANGE_DASH = re.compile(r"(?<=\d)—(?=\d)")


def _joiner_rpr(run: Any, *, no_language: bool = False) -> None:
    rpr = run.get_or_add_rPr()
    rpr.insert_element_before(OxmlElement("w:noProof"), *(f"w:{t}" for t in (
        "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs",
        "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang",
        "eastAsianLayout", "specVanish", "oMath")))
    if no_language:
        _set_lang(rpr)
        rpr.find(qn("w:lang")).set(qn("w:eastAsia"), NO_LANGUAGE)


def _joined_run(paragraph: DocxParagraph, text: str) -> Any:
    """A run holding ``text`` (East Asian characters) with a word joiner between each two,
    so that no line ends inside it: the cover's （公章）."""
    inner = text[1:-1] if text[:1] in "（(" and text[-1:] in "）)" else text
    joined = WORD_JOINER.join(inner)
    run = paragraph.add_run(text.replace(inner, joined, 1) if inner else text)
    _joiner_rpr(run._r, no_language=True)
    return run


def _add_text(paragraph: DocxParagraph, text: str) -> list[Any]:
    """Runs for ``text``, with a joiner run on each side of the dash of a number range."""
    runs = []
    pieces = _RANGE_DASH.split(text)
    for i, piece in enumerate(pieces):
        if i:
            for part in (WORD_JOINER, "—", WORD_JOINER):
                run = paragraph.add_run(part)
                if part == WORD_JOINER:
                    _joiner_rpr(run._r)
                runs.append(run)
        if piece:
            runs.append(paragraph.add_run(piece))
    return runs


def _set_first_line_chars(ppr: Any, chars: int, size_pt: float) -> None:
    """First-line indent in characters (``w:firstLineChars``) with a twips fallback."""
    ind = ppr.get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(chars))
    ind.set(qn("w:firstLine"), str(round(chars / 100 * size_pt * 20)))


def _el(tag: str, **attrs: str) -> Any:
    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), value)
    return element


def _tc(width: int, span: int, *, vmerge: str | None = None, valign: str = "center") -> Any:
    """A ``w:tc`` with its properties and no content yet."""
    tc = OxmlElement("w:tc")
    tcpr = OxmlElement("w:tcPr")
    tcpr.append(_el("w:tcW", w=str(width), type="dxa"))
    if span > 1:
        tcpr.append(_el("w:gridSpan", val=str(span)))
    if vmerge == "restart":
        tcpr.append(_el("w:vMerge", val="restart"))
    elif vmerge == "continue":
        tcpr.append(_el("w:vMerge"))
    tcpr.append(_el("w:vAlign", val=valign))
    tc.append(tcpr)
    return tc


def _tbl(grid: Sequence[int], style_id: str | None, *, top_border: bool = True) -> Any:
    """An empty ``w:tbl`` with a fixed layout over ``grid`` (twips).

    ``top_border=False`` for a table that continues the one above it (the bottom
    border of that one is the line between them).
    """
    tbl = OxmlElement("w:tbl")
    tblpr = OxmlElement("w:tblPr")
    if style_id:
        tblpr.append(_el("w:tblStyle", val=style_id))
    tblpr.append(_el("w:tblW", w=str(sum(grid)), type="dxa"))
    tblpr.append(_el("w:jc", val="center"))
    tblpr.append(_el("w:tblInd", w="0", type="dxa"))
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        if side == "top" and not top_border:
            borders.append(_el("w:top", val="nil"))
        else:
            borders.append(_el(f"w:{side}", val="single", sz="4", space="0", color="000000"))
    tblpr.append(borders)
    tblpr.append(_el("w:tblLayout", type="fixed"))
    mar = OxmlElement("w:tblCellMar")
    mar.append(_el("w:left", w=str(CELL_MARGIN), type="dxa"))
    mar.append(_el("w:right", w=str(CELL_MARGIN), type="dxa"))
    tblpr.append(mar)
    tblpr.append(_el("w:tblLook", val="0000", firstRow="0", lastRow="0", firstColumn="0",
                     lastColumn="0", noHBand="1", noVBand="1"))
    tbl.append(tblpr)
    tblgrid = OxmlElement("w:tblGrid")
    for w in grid:
        tblgrid.append(_el("w:gridCol", w=str(w)))
    tbl.append(tblgrid)
    return tbl


def _tr(*, min_height: int | None, cant_split: bool, header: bool = False) -> Any:
    tr = OxmlElement("w:tr")
    trpr = OxmlElement("w:trPr")
    if cant_split:
        trpr.append(_el("w:cantSplit"))
    if min_height:
        trpr.append(_el("w:trHeight", val=str(min_height), hRule="atLeast"))
    if header:
        trpr.append(_el("w:tblHeader"))
    if len(trpr):
        tr.append(trpr)
    return tr


def _spacer() -> Any:
    """The paragraph between two tables that continue each other: 1 pt high, so they look like one."""
    p = OxmlElement("w:p")
    ppr = OxmlElement("w:pPr")
    ppr.append(_el("w:keepNext"))
    ppr.append(_el("w:spacing", before="0", after="0", line="20", lineRule="exact"))
    rpr = OxmlElement("w:rPr")
    rpr.append(_el("w:sz", val="2"))
    rpr.append(_el("w:szCs", val="2"))
    ppr.append(rpr)
    p.append(ppr)
    return p


def _add_page_field(paragraph: DocxParagraph) -> None:
    """``— PAGE —`` as a complex field (Word, WPS and LibreOffice all update it)."""
    paragraph.add_run("— ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        r = paragraph.add_run()._r
        if kind:
            r.append(_el("w:fldChar", fldCharType=kind))
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            r.append(instr)
        elif text is not None:
            r.add_t(text)
    paragraph.add_run(" —")


def _page_setup(section: Any) -> None:
    section.page_width, section.page_height = Twips(PAGE_W), Twips(PAGE_H)
    section.left_margin, section.right_margin = MARGIN_IN, MARGIN_OUT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.header_distance, section.footer_distance = Cm(1.5), Cm(1.5)
    section.gutter = 0


def _set_page_number_start(section: Any, start: int) -> None:
    sectpr = section._sectPr
    pg = sectpr.find(qn("w:pgNumType"))
    if pg is None:
        pg = OxmlElement("w:pgNumType")
        # w:pgNumType goes after pgBorders/lnNumType, before cols
        cols = sectpr.find(qn("w:cols"))
        if cols is not None:
            cols.addprevious(pg)
        else:
            sectpr.append(pg)
    pg.set(qn("w:start"), str(start))


def _mirror_margins(settings_element: Any) -> None:
    if settings_element.find(qn("w:mirrorMargins")) is None:
        mm = OxmlElement("w:mirrorMargins")
        # after w:writeProtection/view/zoom/removePersonalInformation/removeDateAndTime/doNotDisplayPageBoundaries/displayBackgroundShape/printPostScriptOverText/printFractionalCharacterWidth/printFormsData/embedTrueTypeFonts/embedSystemFonts/saveSubsetFonts/saveFormsData
        anchor = None
        for tag in ("zoom", "view", "writeProtection"):
            anchor = settings_element.find(qn(f"w:{tag}"))
            if anchor is not None:
                break
        if anchor is not None:
            anchor.addnext(mm)
        else:
            settings_element.insert(0, mm)


def _settings(settings_element: Any) -> None:
    """Mirrored margins (duplex, left binding) and no stretching of lines ended by a line break."""
    _mirror_margins(settings_element)
    compat = settings_element.find(qn("w:compat"))
    if compat is None:
        compat = OxmlElement("w:compat")
        anchor = next((c for c in settings_element if c.tag in _SETTINGS_AFTER_COMPAT), None)
        (anchor.addprevious(compat) if anchor is not None else settings_element.append(compat))
    if compat.find(qn("w:doNotExpandShiftReturn")) is None:
        compat.insert(0, OxmlElement("w:doNotExpandShiftReturn"))


_SETTINGS_AFTER_COMPAT = tuple(qn(f"w:{t}") for t in (
    "docVars", "rsids", "mathPr", "attachedSchema", "themeFontLang", "clrSchemeMapping",
    "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures", "forceUpgrade", "captions",
    "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags",
    "decimalSymbol", "listSeparator"))


# --- the package: what Word and WPS open (no leftovers of python-docx's default template) ---

# Every font the styles name, for the font table (Word's substitution uses altName and
# charset; 86 = GB2312).  (name, altName, charset, family, pitch)
FONT_TABLE: tuple[tuple[str, str | None, str, str, str], ...] = (
    (LATIN_FONT, None, "00", "roman", "variable"),
    (BODY_FONT, "FangSong_GB2312", "86", "modern", "fixed"),
    (HEI_FONT, "SimHei", "86", "modern", "fixed"),
    (KAI_FONT, "KaiTi_GB2312", "86", "modern", "fixed"),
    (TITLE_FONT, "FZXiaoBiaoSong-B05S", "86", "script", "variable"),
    ("宋体", "SimSun", "86", "auto", "variable"),
    (SYMBOL_FONT, None, "00", "swiss", "variable"),
)
APPLICATION = "skilldoc"
_RT_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _font_table_xml() -> bytes:
    fonts = []
    for name, alt, charset, family, pitch in FONT_TABLE:
        alt_el = f'<w:altName w:val="{alt}"/>' if alt else ""
        fonts.append(f'<w:font w:name="{name}">{alt_el}<w:charset w:val="{charset}"/>'
                     f'<w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>')
    return ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
            f'<w:fonts xmlns:w="{_W_NS}">{"".join(fonts)}</w:fonts>').encode()


def _app_xml() -> bytes:
    """docProps/app.xml naming skilldoc, without page or word counts (no count is better than a wrong one)."""
    return ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            f"<Application>{APPLICATION}</Application><DocSecurity>0</DocSecurity>"
            "<LinksUpToDate>false</LinksUpToDate></Properties>").encode()


def _honest_package(document: Any) -> None:
    """What every written DOCX gets: our app.xml, no thumbnail of something else, a valid zoom."""
    package = document.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rid)
        elif rel.reltype == RT.EXTENDED_PROPERTIES and not rel.is_external:
            rel.target_part._blob = _app_xml()
    settings = document.settings.element
    zoom = settings.find(qn("w:zoom"))
    if zoom is not None and zoom.get(qn("w:percent")) is None:
        zoom.set(qn("w:percent"), "100")
    preview = settings.find(qn("w:savePreviewPicture"))
    if preview is not None:
        settings.remove(preview)


def _clean_template_package(document: Any) -> None:
    """Drop python-docx's default-template leftovers from a new template.

    Removes stylesWithEffects.xml (python-docx's own 160 styles, none of ours), the
    bibliography customXml, the styles nothing uses; writes a font table of our fonts,
    zoom 100 % and zh-CN as the theme's East Asian language.
    """
    _honest_package(document)
    part = document.part
    for rid, rel in list(part.rels.items()):
        if rel.reltype in (_RT_STYLES_WITH_EFFECTS, RT.CUSTOM_XML):
            part.rels.pop(rid)
        elif rel.reltype == RT.FONT_TABLE and not rel.is_external:
            rel.target_part._blob = _font_table_xml()
    settings = document.settings.element
    zoom = settings.find(qn("w:zoom"))
    if zoom is not None:
        zoom.attrib.pop(qn("w:val"), None)
        zoom.set(qn("w:percent"), "100")
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    _prune_styles(document)


def _prune_styles(document: Any) -> None:
    """Keep only the styles the document uses (and ours, the defaults and what they build on)."""
    styles_el = document.styles.element
    by_id = {st.get(qn("w:styleId")): st for st in styles_el.findall(qn("w:style"))}
    keep: set[str] = {document.styles[spec.name].style_id for spec in STYLES}
    keep |= {sid for sid, st in by_id.items() if st.get(qn("w:default")) in ("1", "true", "on")}
    roots = [document.element] + [p.element for p in _header_footer_parts(document)]
    roots.append(document.part.numbering_part.element)
    for root in roots:
        for tag in ("w:pStyle", "w:rStyle", "w:tblStyle"):
            keep |= {el.get(qn("w:val")) for el in root.iter(qn(tag))}
    todo = list(keep)
    while todo:
        st = by_id.get(todo.pop())
        if st is None:
            continue
        for tag in ("w:basedOn", "w:link", "w:next"):
            ref = st.find(qn(tag))
            if ref is not None and ref.get(qn("w:val")) not in keep:
                keep.add(ref.get(qn("w:val")))
                todo.append(ref.get(qn("w:val")))
    for sid, st in by_id.items():
        if sid not in keep:
            styles_el.remove(st)

# --- styles --------------------------------------------------------------------------


def _define_style(document: Any, spec: StyleSpec) -> Any:
    """Create (or reset) the named style ``spec`` in ``document``."""
    styles = document.styles
    kind = {"paragraph": WD_STYLE_TYPE.PARAGRAPH, "character": WD_STYLE_TYPE.CHARACTER,
            "table": WD_STYLE_TYPE.TABLE}[spec.kind]
    try:
        style = styles[spec.name]
    except KeyError:
        style = styles.add_style(spec.name, kind)
    style.hidden = False
    style.quick_style = spec.kind != "table"
    if spec.kind == "table":
        el = style.element
        if el.find(qn("w:tblPr")) is None:
            tblpr = OxmlElement("w:tblPr")
            borders = OxmlElement("w:tblBorders")
            for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
                borders.append(_el(f"w:{side}", val="single", sz="4", space="0", color="000000"))
            tblpr.append(borders)
            mar = OxmlElement("w:tblCellMar")
            mar.append(_el("w:left", w=str(CELL_MARGIN), type="dxa"))
            mar.append(_el("w:right", w=str(CELL_MARGIN), type="dxa"))
            tblpr.append(mar)
            el.append(tblpr)
        return style
    if spec.kind == "paragraph":
        normal = styles["Normal"]
        style.base_style = normal
        style.next_paragraph_style = style
    font = style.font
    rpr = style.element.get_or_add_rPr()
    if spec.kind == "paragraph" or spec.east_asia != BODY_FONT:
        _set_fonts(rpr, spec.east_asia, spec.latin, hint=False)
    if spec.size:
        font.size = Pt(spec.size)
        _set_cs_size(rpr, spec.size)
    if spec.bold is not None:
        font.bold = spec.bold
        font.cs_bold = spec.bold
    if spec.underline is not None:
        font.underline = spec.underline
    _set_lang(rpr)
    if spec.kind != "paragraph":
        return style
    pf = style.paragraph_format
    pf.alignment = {None: None, "left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                    "both": WD_ALIGN_PARAGRAPH.JUSTIFY}[spec.align]
    pf.space_before, pf.space_after = Pt(spec.before), Pt(spec.after)
    if spec.line_spacing:
        pf.line_spacing_rule = WD_LINE_SPACING.MULTIPLE
        pf.line_spacing = spec.line_spacing
    pf.keep_with_next = spec.keep_next or None
    pf.widow_control = True
    if spec.left or spec.hanging:
        pf.left_indent = Cm(spec.left)
        pf.first_line_indent = Cm(-spec.hanging) if spec.hanging else None
    if spec.first_line_chars and spec.size:
        _set_first_line_chars(style.element.get_or_add_pPr(), spec.first_line_chars, spec.size)
    for pos in spec.tabs:
        pf.tab_stops.add_tab_stop(Cm(pos))
    # East Asian line breaking rules and no snapping to the document grid
    ppr = style.element.get_or_add_pPr()
    if ppr.find(qn("w:snapToGrid")) is None:
        snap = _el("w:snapToGrid", val="0")
        anchor = ppr.find(qn("w:spacing"))
        (anchor.addprevious(snap) if anchor is not None else ppr.append(snap))
    return style


def _set_cs_size(rpr: Any, size: float) -> None:
    szcs = rpr.find(qn("w:szCs"))
    if szcs is None:
        szcs = OxmlElement("w:szCs")
        rpr.find(qn("w:sz")).addnext(szcs)
    szcs.set(qn("w:val"), str(round(size * 2)))


def _setup_defaults(document: Any) -> None:
    """Document defaults and Normal: body font, zh-CN, no theme fonts anywhere."""
    styles_el = document.styles.element
    _strip_theme_fonts(styles_el)
    defaults = styles_el.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles_el.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = parse_xml(f"<w:rPr {nsdecls('w')}/>")
        rpr_default.append(rpr)
    rpr.get_or_add_rFonts()
    _set_fonts(rpr, BODY_FONT, LATIN_FONT, hint=False)
    _set_lang(rpr)
    ppr_default = defaults.find(qn("w:pPrDefault"))
    if ppr_default is not None:
        defaults.remove(ppr_default)
    defaults.append(parse_xml(
        f'<w:pPrDefault {nsdecls("w")}><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'
        "</w:pPr></w:pPrDefault>"))
    normal = document.styles["Normal"]
    normal.font.size = Pt(12)
    nrpr = normal.element.get_or_add_rPr()
    _set_fonts(nrpr, BODY_FONT, LATIN_FONT, hint=False)
    _set_lang(nrpr)


def _ensure_styles(document: Any, problems: list[Problem], template: Path) -> None:
    """Strip theme fonts; recreate any style the template lacks (with a warning)."""
    _strip_theme_fonts(document.styles.element)
    names = {s.name for s in document.styles}
    missing = [spec for spec in STYLES if spec.name not in names]
    for spec in missing:
        _define_style(document, spec)
    if missing:
        problems.append(Problem(
            f"模板中缺少样式：{'、'.join(s.name for s in missing)}；已按默认格式补上",
            Location(str(template)),
            hint="不要删除或改名模板中的这些样式（可以修改它们的字体、字号和间距），见 templates/docx/README.md",
            severity=Severity.WARNING,
            code="docx.template_style",
        ))


# --- run fonts: every run carries its resolved East Asian font --------------------------


class _FontResolver:
    """Resolves the fonts a run gets from docDefaults → paragraph style → character style."""

    def __init__(self, styles_el: Any) -> None:
        self.by_id: dict[str, Any] = {}
        self.default_para: str | None = None
        for st in styles_el.iter(qn("w:style")):
            sid = st.get(qn("w:styleId"))
            if sid:
                self.by_id[sid] = st
                if st.get(qn("w:type")) == "paragraph" and st.get(qn("w:default")) in ("1", "true", "on"):
                    self.default_para = sid
        self.base: dict[str, str] = {"ascii": LATIN_FONT, "hAnsi": LATIN_FONT, "eastAsia": BODY_FONT,
                                     "cs": LATIN_FONT}
        defaults = styles_el.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
        if defaults is not None:
            self.base.update(self._attrs(defaults))
        self._cache: dict[tuple[str | None, str | None], dict[str, str]] = {}

    @staticmethod
    def _attrs(rfonts: Any) -> dict[str, str]:
        return {slot: rfonts.get(qn(f"w:{slot}")) for slot in _FONT_SLOTS if rfonts.get(qn(f"w:{slot}"))}

    def _chain(self, sid: str | None) -> list[Any]:
        chain: list[Any] = []
        seen: set[str] = set()
        while sid and sid in self.by_id and sid not in seen:
            seen.add(sid)
            st = self.by_id[sid]
            chain.append(st)
            based = st.find(qn("w:basedOn"))
            sid = based.get(qn("w:val")) if based is not None else None
        return chain[::-1]

    def fonts(self, pstyle: str | None, rstyle: str | None) -> dict[str, str]:
        key = (pstyle, rstyle)
        if key not in self._cache:
            fonts = dict(self.base)
            for st in self._chain(pstyle or self.default_para) + self._chain(rstyle):
                rf = st.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
                if rf is not None:
                    fonts.update(self._attrs(rf))
            self._cache[key] = fonts
        return self._cache[key]


def _stamp_run_fonts(root: Any, resolver: _FontResolver) -> None:
    """Give every run below ``root`` explicit fonts (from its styles) and zh-CN; no theme fonts."""
    for r in root.iter(qn("w:r")):
        p = next((a for a in r.iterancestors(qn("w:p"))), None)
        pstyle = None
        if p is not None:
            ps = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            pstyle = ps.get(qn("w:val")) if ps is not None else None
        rpr = r.get_or_add_rPr()
        rs = rpr.find(qn("w:rStyle"))
        fonts = resolver.fonts(pstyle, rs.get(qn("w:val")) if rs is not None else None)
        rfonts = rpr.get_or_add_rFonts()
        for attr in _THEME_ATTRS:
            rfonts.attrib.pop(attr, None)
        for slot in _FONT_SLOTS:
            if not rfonts.get(qn(f"w:{slot}")):
                rfonts.set(qn(f"w:{slot}"), fonts.get(slot) or (BODY_FONT if slot == "eastAsia" else LATIN_FONT))
        rfonts.set(qn("w:hint"), "eastAsia")
        _set_lang(rpr)


# --- the template ---------------------------------------------------------------------


def default_template() -> Path:
    return template_path("docx", "申报书.docx")


def make_template(out: Path) -> Path:
    """Write the editable form template (styles, cover, 填写要求, page setup) to ``out``."""
    document = docx.Document()
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    _setup_defaults(document)
    for spec in STYLES:
        _define_style(document, spec)
    _strip_theme_fonts(document.styles.element)

    # Cover
    document.add_paragraph(form.FORM_TITLE, style="封面标题")
    document.add_paragraph(form.FORM_SUBTITLE, style="封面副标题")
    seals = {"申报单位": True, "主管单位": True}
    for label in form.COVER_LABELS:
        p = document.add_paragraph(style="封面项目")
        p.add_run(label)
        p.add_run("\t")
        p.add_run("{{" + label + "}}", style="填写内容")
        if seals.get(label):
            _joined_run(p, form.COVER_SEAL)
    spacer = document.add_paragraph(style="封面落款")
    spacer.paragraph_format.space_before = Pt(110)
    spacer.add_run(form.ISSUER)
    document.add_paragraph("{{填报年份}}年", style="封面落款")
    # 填写要求 on the next page (the back of the cover when printed duplex)
    title = document.add_paragraph(form.INSTRUCTIONS_TITLE, style="填写要求标题")
    title.paragraph_format.page_break_before = True
    for item in form.INSTRUCTIONS:
        document.add_paragraph(item, style="填写要求")
    # Section 2: the form table, numbered pages from 1
    first = document.sections[0]
    _page_setup(first)
    second = document.add_section(WD_SECTION.NEW_PAGE)
    _page_setup(second)
    _set_page_number_start(second, 1)
    footer = second.footer
    footer.is_linked_to_previous = False
    fp = footer.paragraphs[0]
    fp.style = document.styles["页码"]
    _add_page_field(fp)
    document.add_paragraph("{{" + TABLE_PLACEHOLDER + "}}", style="申报书正文")
    _settings(document.settings.element)

    props = document.core_properties
    props.title = form.FORM_NAME
    props.author = "skilldoc"
    props.last_modified_by = "skilldoc"
    props.comments = "skilldoc 申报书模板：可修改样式的字体、字号、间距；占位符见 README.md"
    props.revision = 1
    fixed = dt.datetime(2022, 11, 1, 0, 0, 0)
    props.created = props.modified = fixed
    props.last_printed = fixed
    resolver = _FontResolver(document.styles.element)
    _stamp_run_fonts(document.element.body, resolver)
    for part in _header_footer_parts(document):
        _stamp_run_fonts(part.element, resolver)
    _clean_template_package(document)
    buf = io.BytesIO()
    document.save(buf)
    _atomic_write(Path(out), zip_bytes(buf.getvalue(), fixed))
    return Path(out)


def _header_footer_parts(document: Any) -> list[Any]:
    parts = []
    for rel in sorted(document.part.rels.values(), key=lambda r: r.rId):
        if rel.reltype in (RT.HEADER, RT.FOOTER) and not rel.is_external:
            parts.append(rel.target_part)
    return parts


# --- filling -------------------------------------------------------------------------


def _placeholder_values(app: Application, clean: _Cleaner) -> dict[str, str]:
    header = app.header
    where = Location(LAYOUT.workbook, sheet=LAYOUT.sheets["header"])
    values: dict[str, str] = {}
    for f in form.HEADER_FIELDS:
        values[f.var] = clean(format_value(header.get(f.key)), where, f"“{f.label}”")
    filled = header.get("filled_on")
    values["申报单位"] = values["单位名称"]
    values["主管单位"] = values["主管部门"]
    occ_where = Location(LAYOUT.workbook, sheet=LAYOUT.sheets["occupations"])
    values["申报职业"] = clean("、".join(o.name for o in app.occupations), occ_where, "职业（工种）名称")
    values["填报年份"] = str(filled.year) if isinstance(filled, dt.date) else ""
    return values


def _replace_placeholders(p: Any, values: Mapping[str, str], unknown: set[str]) -> None:
    """Replace ``{{name}}`` in one ``w:p``, even when Word split it over several runs.

    The replacement goes into the run where the placeholder starts (keeping that run's
    formatting); the text is never rescanned, so a value containing ``{{`` stays literal.
    """
    ts = [t for t in p.iter(qn("w:t"))]
    if not ts:
        return
    full = "".join(t.text or "" for t in ts)
    matches = [m for m in PLACEHOLDER_RE.finditer(full) if m.group(1) != TABLE_PLACEHOLDER]
    if not matches:
        return
    starts = []
    pos = 0
    for t in ts:
        starts.append(pos)
        pos += len(t.text or "")

    def locate(offset: int, end: bool) -> tuple[int, int]:
        for i in range(len(ts) - 1, -1, -1):
            if starts[i] < offset or (not end and starts[i] == offset):
                return i, offset - starts[i]
        return 0, 0

    for m in reversed(matches):
        name = m.group(1)
        if name not in values:
            unknown.add(name)
            continue
        si, so = locate(m.start(), end=False)
        ei, eo = locate(m.end(), end=True)
        if si == ei:
            text = ts[si].text or ""
            ts[si].text = text[:so] + values[name] + text[eo:]
        else:
            ts[si].text = (ts[si].text or "")[:so] + values[name]
            for k in range(si + 1, ei):
                ts[k].text = ""
            ts[ei].text = (ts[ei].text or "")[eo:]
        ts[si].set(qn("xml:space"), "preserve")
        ts[ei].set(qn("xml:space"), "preserve")


@dataclass
class _Writer:
    """Builds the form table into a python-docx document."""

    document: Any
    clean: _Cleaner
    style_ids: dict[str, str] = field(default_factory=dict)
    bullet_num: int | None = None

    def __post_init__(self) -> None:
        for spec in STYLES:
            self.style_ids[spec.name] = self.document.styles[spec.name].style_id

    # -- cells -------------------------------------------------------------------

    def cell(self, tr: Any, span: int, start: int, *, vmerge: str | None = None,
             valign: str = "center") -> _Cell:
        tc = _tc(sum(GRID[start:start + span]), span, vmerge=vmerge, valign=valign)
        tr.append(tc)
        return _Cell(tc, self._table_obj)

    def para(self, container: Any, style: str, runs: Iterable[Run | tuple[str, str | None]] = ()) -> DocxParagraph:
        p = container.add_paragraph()
        p._p.style = self.style_ids[style]  # by id: python-docx's lookup by name is slow
        for item in runs:
            if isinstance(item, Run):
                for run in _add_text(p, item.text):
                    if item.bold:
                        run.bold = True
                        run.font.cs_bold = True
            else:
                text, char_style = item
                run = p.add_run(text)
                if char_style:
                    run._r.style = self.style_ids[char_style]
        return p

    # -- the form table ----------------------------------------------------------

    def build_table(self, app: Application, sections: Sequence[RenderedSection]) -> list[Any]:
        """The form: the header table, the occupations table and the sections table (with the
        tiny paragraphs Word needs between tables), in document order."""
        tbl = self._new_table(GRID)
        header = app.header
        where = Location(LAYOUT.workbook, sheet=LAYOUT.sheets["header"])

        def v(key: str) -> str:
            f = form.HEADER_BY_KEY[key]
            return self.clean(format_value(header.get(key)), where, f"“{f.label}”")

        L = form.HEADER_BY_KEY
        # Each row: list of (content, span, vmerge); content: str (label/value) or callable(cell)
        rows: list[list[tuple[Any, int, str | None]]] = []
        rows.append([(L["org_name"].label, 5, None), (v("org_name"), 8, None),
                     (L["category"].label, 4, None), (self._category_options(header, v), 8, None)])
        rows.append([(L["address"].label, 5, None), (v("address"), 20, None)])
        rows.append([(L["postcode"].label, 5, None), (v("postcode"), 8, None),
                     (L["website"].label, 4, None), (v("website"), 8, None)])
        legal = [("legal_name", "legal_title"), ("office_phone", "fax"), ("mobile", "email")]
        for i, (a, b) in enumerate(legal):
            rows.append([("法人代表信息", 1, "restart" if i == 0 else "continue"),
                         (L[a].label, 4, None), (v(a), 8, None), (L[b].label, 4, None), (v(b), 8, None)])
        rows.append([(L["authority"].label, 5, None), (v("authority"), 20, None)])
        rows.append([("培训场所条件", 1, "restart"), (L["floor_area"].label, 12, None), (v("floor_area"), 12, None)])
        rows.append([("", 1, "continue"), ("教学实训设备", 4, "restart"), (L["equipment_count"].label, 4, None),
                     (v("equipment_count"), 4, None), ("智能机器人仪器设备", 4, "restart"),
                     (L["robot_count"].label, 4, None), (v("robot_count"), 4, None)])
        rows.append([("", 1, "continue"), ("", 4, "continue"), (L["equipment_value"].label, 4, None),
                     (v("equipment_value"), 4, None), ("", 4, "continue"),
                     (L["robot_value"].label, 4, None), (v("robot_value"), 4, None)])
        rows.append([("培训师资情况", 1, "restart"), (L["fulltime_teachers"].label, 6, None),
                     (v("fulltime_teachers"), 6, None), (L["integrated_teachers"].label, 6, None),
                     (v("integrated_teachers"), 6, None)])
        rows.append([("", 1, "continue"), (L["instructors"].label, 3, "restart"), ("职 称", 9, None),
                     ("职业资格（技能等级）", 12, None)])
        breakdown = ("instr_senior", "instr_first", "instr_title_other", "instr_senior_technician",
                     "instr_technician", "instr_senior_worker", "instr_level_other")
        rows.append([("", 1, "continue"), ("", 3, "continue")] + [(L[k].label, 3, None) for k in breakdown])
        rows.append([("", 1, "continue"), (v("instructors"), 3, None)] + [(v(k), 3, None) for k in breakdown])
        occupations = list(app.occupations)
        rows.append([(GROUP_TRAINING, 1, "restart"), (L["is_assessor"].label, 4, None),
                     (self._yes_no(header.get("is_assessor")), 4, None),
                     (L["assessor_since"].label, 4, None), (v("assessor_since"), 4, None),
                     (L["assessed_occupations"].label, 5, None), (v("assessed_occupations"), 3, None)])
        years = _years(app)
        totals = {y.year: y for y in app.years}
        rows.append([("", 1, "continue"), (form.TRAINING_TOTAL_LABEL, 6, "restart")]
                    + [(f"{y}年", 6, None) for y in years])
        sub = [form.YEAR_COLUMNS[0].label, form.YEAR_COLUMNS[1].label]
        rows.append([("", 1, "continue"), ("", 6, "continue")] + [(s, 3, None) for _ in years for s in sub])
        figures: list[tuple[Any, int, str | None]] = []
        for y in years:
            t = totals.get(y)
            figures += [(format_value(t.trained if t else None), 3, None),
                        (format_value(t.advanced if t else None), 3, None)]
        rows.append([("", 1, "continue"), ("", 6, "continue")] + figures)
        for row in rows:
            self._form_row(row)
        parts = [tbl]
        # The occupations: a table of their own whose first two rows (the group label
        # 培训评价能力 and the column headers) Word and LibreOffice repeat on every page
        # the rows continue on, as the official form's continuation page does.
        rows = []
        rows.append([(GROUP_TRAINING, 1, "restart"), (form.OCCUPATION_COLUMNS[0].label, 6, "restart")]
                    + [(f"{y}年", 6, None) for y in years])
        rows.append([("", 1, "continue"), ("", 6, "continue")] + [(s, 3, None) for _ in years for s in sub])
        occ_where = Location(LAYOUT.workbook, sheet=LAYOUT.sheets["occupations"])
        for i, occ in enumerate(occupations or [None], start=1):
            name = self.clean(occ.name, occ_where, "职业（工种）名称") if occ else ""
            cells: list[tuple[Any, int, str | None]] = [("", 1, "continue"),
                                                         (f"{form.OCCUPATION_COLUMNS[0].label}\n{i}. {name}", 6, None)]
            for y in years:
                oy = occ.year(y) if isinstance(occ, Occupation) else None
                cells += [(format_value(oy.trained if oy else None), 3, None),
                          (format_value(oy.advanced if oy else None), 3, None)]
            rows.append(cells)
        parts += [_spacer(), self._new_table(GRID, top_border=False)]
        for r, row in enumerate(rows):
            self._form_row(row, header=r < 2)
        # The eight sections: a third table, so that the occupation headers do not repeat
        # over the sections' pages.
        parts += [_spacer(), self._new_table(GRID, top_border=False)]
        by_title = {s.section.title: s for s in sections}
        for section in SECTIONS:
            self._section_rows(section, by_title.get(section.title))
        return parts

    def _new_table(self, grid: Sequence[int], *, top_border: bool = True) -> Any:
        tbl = _tbl(grid, self.style_ids["申报书表格"], top_border=top_border)
        self.tbl = tbl
        self._table_obj = DocxTable(tbl, self.document)
        return tbl

    def _form_row(self, cells: Sequence[tuple[Any, int, str | None]], *, header: bool = False) -> None:
        tr = _tr(min_height=ROW_H, cant_split=True, header=header)
        self.tbl.append(tr)
        col = 0
        for content, span, vmerge in cells:
            cell = self.cell(tr, span, col, vmerge=vmerge)
            col += span
            if callable(content):
                content(cell)
            else:
                self.para(cell, "表格文字", [(content, None)] if content and vmerge != "continue" else [])
        assert col == len(GRID), f"row spans {col} grid columns"

    def _options(self, chosen: set[str], options: Sequence[tuple[str, str | None]], *,
                 separator: str = " ") -> Callable[[_Cell], None]:
        def fill(cell: _Cell) -> None:
            p = self.para(cell, "表格文字")
            if separator == "\n":
                p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
            for i, (option, extra) in enumerate(options):
                if i:
                    p.add_run(separator)
                box = p.add_run(TICKED if option in chosen else UNTICKED)
                box._r.style = self.style_ids["勾选框"]
                p.add_run(option)
                if extra is not None:
                    if extra:
                        r = p.add_run(f" {extra} ")
                        r._r.style = self.style_ids["填写内容"]
                    else:
                        p.add_run("______")
        return fill

    def _category_options(self, header: Mapping[str, Value], v: Callable[[str], str]) -> Callable[[_Cell], None]:
        chosen = str(header.get("category") or "")
        other = v("category_other") if chosen == "其他" else ""
        options = [(o, (other if o == "其他" else None)) for o in form.UNIT_CATEGORIES]
        return self._options({chosen}, options, separator="\n")

    def _yes_no(self, value: Value) -> Callable[[_Cell], None]:
        return self._options({str(value)} if value else set(), [(o, None) for o in form.YES_NO])

    # -- sections ---------------------------------------------------------------

    def _section_rows(self, section: Section, rendered: RenderedSection | None) -> None:
        """One section: the title on the left (one cell merged down), the body on the right.

        The body is split into rows at its headings, each heading in a row with the block it
        introduces; that row does not split across pages when it is short, so a heading never
        ends a page.  (Neither Word nor LibreOffice applies "keep with next" to paragraphs
        inside one table cell.)  The lines between the body rows are not drawn.
        """
        source = getattr(rendered, "source", None)
        where = Location(f"{source.parent.name}/{source.name}" if isinstance(source, Path)
                         else f"{LAYOUT.sections_dir}/{section.filename}")
        what = f"第 {section.number} 部分“{section.name}”的正文"
        blocks: Sequence[Block] = ()
        if rendered is not None:
            blocks = tuple(rendered.blocks)
            if not blocks and rendered.text.strip():
                blocks = tuple(Paragraph((Run(chunk.strip("\n")),))
                               for chunk in re.split(r"\n\s*\n", rendered.text) if chunk.strip())
        chunks = _chunks_at_headings(blocks) or [((), False)]
        body_width = sum(GRID[5:]) - 2 * CELL_MARGIN
        for i, (chunk, keep) in enumerate(chunks):
            first, last = i == 0, i == len(chunks) - 1
            tr = _tr(min_height=ROW_H * 4 if first and last else None, cant_split=keep)
            self.tbl.append(tr)
            title = self.cell(tr, 5, 0, valign="top", vmerge=None if first and last else
                              "restart" if first else "continue")
            if first:
                self.para(title, "栏目标题", [(section.title, None)])
            else:
                self.para(title, "栏目标题")
            body = self.cell(tr, 20, 5, valign="top")
            _open_borders(body._tc, top=not first, bottom=not last)
            for k, block in enumerate(chunk):
                self._block(body, block, where, what, body_width)
                if isinstance(block, Paragraph) and k + 1 < len(chunk) and isinstance(chunk[k + 1], Table):
                    body.paragraphs[-1].paragraph_format.keep_with_next = True  # a caption (Word honours it)
            if not chunk:
                self.para(body, "申报书正文")
            elif body._tc[-1].tag == qn("w:tbl"):  # Word wants a paragraph at the end of a cell
                self.para(body, "正文表格文字").paragraph_format.space_after = Pt(0)

    def _runs(self, runs: Inlines, where: Location, what: str) -> list[Run]:
        return [Run(self.clean(r.text, where, what), r.bold) for r in runs]

    def _block(self, cell: _Cell, block: Block, where: Location, what: str, width: int) -> None:
        if isinstance(block, Heading):
            style = {1: "申报书标题1", 2: "申报书标题2"}.get(block.level, "申报书标题3")
            self.para(cell, style, self._runs(block.runs, where, what))
        elif isinstance(block, Paragraph):
            self.para(cell, "申报书正文", self._runs(block.runs, where, what))
        elif isinstance(block, ListItem):
            self._list_item(cell, block, where, what)
        elif isinstance(block, Table):
            self._table(cell, block, where, what, width)

    def _list_item(self, cell: _Cell, item: ListItem, where: Location, what: str) -> None:
        level = max(1, item.level)
        runs = self._runs(item.runs, where, what)
        if item.ordered:
            marker = self.clean(item.marker or (f"{item.number}." if item.number is not None else ""),
                                where, what)
            if marker:
                runs = [Run(marker + " ")] + runs
        p = self.para(cell, "申报书列表", runs)
        if level > 1:  # level 1 is the style's own indent
            p.paragraph_format.left_indent = Cm(LIST_STEP * level + LIST_HANG)
            p.paragraph_format.first_line_indent = Cm(-LIST_HANG)
        if not item.ordered:
            ppr = p._p.get_or_add_pPr()
            numpr = ppr.get_or_add_numPr()
            numpr.get_or_add_ilvl().val = min(level - 1, 8)
            numpr.get_or_add_numId().val = self._bullets()

    def _bullets(self) -> int:
        """The numId of a bullet list definition (added to numbering.xml once per build)."""
        if self.bullet_num is None:
            numbering = self.document.part.numbering_part.element
            used = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
            abstract_id = max(used, default=-1) + 1
            levels = []
            for lvl in range(9):
                left = round((LIST_STEP * (lvl + 1) + LIST_HANG) * 567)
                levels.append(
                    f'<w:lvl w:ilvl="{lvl}"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
                    f'<w:lvlText w:val="{"•" if lvl % 2 == 0 else "◦"}"/><w:lvlJc w:val="left"/>'
                    f'<w:pPr><w:ind w:left="{left}" w:hanging="{round(LIST_HANG * 567)}"/></w:pPr>'
                    f'<w:rPr><w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" w:eastAsia="{BODY_FONT}"'
                    f' w:cs="{LATIN_FONT}" w:hint="default"/></w:rPr></w:lvl>'
                )
            abstract = parse_xml(
                f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
                f'<w:multiLevelType w:val="hybridMultilevel"/>{"".join(levels)}</w:abstractNum>'
            )
            first_num = numbering.find(qn("w:num"))
            if first_num is not None:
                first_num.addprevious(abstract)
            else:
                numbering.append(abstract)
            self.bullet_num = numbering.add_num(abstract_id).numId
        return self.bullet_num

    def _table(self, cell: _Cell, table: Table, where: Location, what: str, width: int) -> None:
        """A pipe table in a section: columns sized by their content, the header row repeated
        on every page the table continues on, short rows never split across pages."""
        ncols = max((len(r) for r in table.rows), default=0)
        if not ncols:
            return
        texts = [[self.clean(_inline_text(row[c]), where, what) if c < len(row) else "" for c in range(ncols)]
                 for row in table.rows]
        grid = column_widths(texts, width, header=table.header)
        tbl = _tbl(grid, self.style_ids["申报书表格"])
        cell._tc.append(tbl)
        parent = DocxTable(tbl, self.document)
        for r, row in enumerate(table.rows):
            is_header = table.header and r == 0
            lines = max(_text_width(t) * round(TABLE_PT * 10) // max(w - 2 * CELL_MARGIN, 1) + 1
                        for t, w in zip(texts[r], grid, strict=True))
            tr = _tr(min_height=None, cant_split=is_header or lines <= ROW_KEEP_LINES, header=is_header)
            tbl.append(tr)
            for c in range(ncols):
                inl = row[c] if c < len(row) else ()
                tc = _tc(grid[c], 1)
                tr.append(tc)
                sub = _Cell(tc, parent)
                runs = self._runs(inl, where, what)
                if is_header:
                    runs = [Run(x.text, True) for x in runs]
                p = self.para(sub, "正文表格文字", runs)
                if is_header:
                    p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    p.paragraph_format.keep_with_next = True


TABLE_PT = 10.5  # 正文表格文字: a half-em is 5.25 pt = 105 twips
ROW_KEEP_LINES = 8  # a table row of at most this many lines never splits across pages


def column_widths(rows: Sequence[Sequence[str]], width: int, *, header: bool) -> list[int]:
    """Column widths (twips, summing to ``width``) sized by the text in each column.

    Like a browser's automatic table layout: each column wants the width of its longest
    cell (capped at the whole table) and needs at least its longest unbreakable piece
    (a number, a Latin word; the header text when short, so that 序号 never wraps).
    Columns get what they need, then the rest is shared in proportion to what they want.
    """
    ncols = max((len(r) for r in rows), default=0)
    half_em = round(TABLE_PT * 10)  # twips
    pad = 2 * CELL_MARGIN
    want = [pad + half_em * 2] * ncols
    need = [pad + half_em * 2] * ncols
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            for line in text.split("\n"):
                want[c] = max(want[c], pad + half_em * _text_width(line))
            pieces = re.findall(r"[\x21-\x7e]+", text)
            if header and r == 0 and _text_width(text) <= 12:
                pieces.append(text)
            for piece in pieces:
                need[c] = max(need[c], pad + half_em * _text_width(piece))
    want = [min(w, width) for w in want]
    need = [min(n, w) for n, w in zip(need, want, strict=True)]
    if sum(need) >= width:
        widths = [n * width / sum(need) for n in need]
    elif sum(want) <= width:
        widths = [w * width / sum(want) for w in want]
    else:
        spare = (width - sum(need)) / (sum(want) - sum(need))
        widths = [n + (w - n) * spare for n, w in zip(need, want, strict=True)]
    out = [int(w) for w in widths]
    out[-1] += width - sum(out)
    return out


# A heading and the block it introduces stay on one page when they take this many body lines
# or fewer (a page holds about 26); a caption or heading with its table, up to TABLE_KEEP_LINES
# (LibreOffice repeats no header row of a table inside a table cell, so a table kept whole is
# also one whose columns are always labelled).  Longer ones may split: a blank that large
# at the foot of a page would look worse than the split.
KEEP_LINES = 12
TABLE_KEEP_LINES = 20
BODY_CHARS_PER_LINE = 27  # East Asian characters of 12 pt on a line of the section body (11.7 cm)


def _block_lines(block: Block) -> int:
    """About how many lines of body text ``block`` takes in the section body."""
    if isinstance(block, Table):  # 10.5 pt single-spaced: about half a body line each
        ncols = max((len(r) for r in block.rows), default=1)
        per_cell = 2 * BODY_CHARS_PER_LINE * 12 / TABLE_PT / ncols
        lines = sum(1 + max((_text_width(_inline_text(c)) for c in row), default=0) / per_cell
                    for row in block.rows)
        return 1 + int(lines) // 2
    width = _text_width(_inline_text(block.runs)) + 4  # the first-line indent or the list marker
    return 1 + width // (2 * BODY_CHARS_PER_LINE)


def _inline_text(runs: Inlines) -> str:
    return "".join(r.text for r in runs)


def _chunks_at_headings(blocks: Sequence[Block]) -> list[tuple[tuple[Block, ...], bool]]:
    """``blocks`` cut into the rows of a section body: (blocks, keep together).

    A new row starts at each heading, which takes the block after it along, and at each
    table caption (a paragraph right before a table), which takes its table along.  Such
    a row is kept on one page when it is at most KEEP_LINES long.
    """
    chunks: list[tuple[tuple[Block, ...], bool]] = []
    current: list[Block] = []
    i, n = 0, len(blocks)

    def is_caption(k: int) -> bool:
        return k + 1 < n and isinstance(blocks[k], Paragraph) and isinstance(blocks[k + 1], Table)

    while i < n:
        if not isinstance(blocks[i], Heading) and not is_caption(i):
            current.append(blocks[i])
            i += 1
            continue
        if current:
            chunks.append((tuple(current), False))
            current = []
        group: list[Block] = []
        while i < n and isinstance(blocks[i], Heading):
            group.append(blocks[i])
            i += 1
        if i < n:  # the block a heading introduces, or the caption; a caption brings its table
            group.append(blocks[i])
            i += 1
            if is_caption(i - 1):
                group.append(blocks[i])
                i += 1
        limit = TABLE_KEEP_LINES if any(isinstance(b, Table) for b in group) else KEEP_LINES
        chunks.append((tuple(group), sum(_block_lines(b) for b in group) <= limit))
    if current:
        chunks.append((tuple(current), False))
    return chunks


def _text_width(text: str) -> int:
    """Width of ``text`` in half-em units: East Asian and full-width characters 2, others 1."""
    return sum(2 if ord(c) >= 0x2E80 or c in "—“”‘’…·" else 1 for c in text if c != "\u2060")


def _open_borders(tc: Any, *, top: bool, bottom: bool) -> None:
    """No top/bottom border on a cell that continues the one above/below it."""
    if not (top or bottom):
        return
    tcpr = tc.find(qn("w:tcPr"))
    borders = OxmlElement("w:tcBorders")
    if top:
        borders.append(_el("w:top", val="nil"))
    if bottom:
        borders.append(_el("w:bottom", val="nil"))
    valign = tcpr.find(qn("w:vAlign"))
    (valign.addprevious(borders) if valign is not None else tcpr.append(borders))


def _years(app: Application) -> list[int]:
    if app.years:
        return [y.year for y in app.years][-form.TRAINING_YEARS:]
    filled = app.header.get("filled_on")
    if isinstance(filled, dt.date):
        return [filled.year - form.TRAINING_YEARS + i for i in range(form.TRAINING_YEARS)]
    return []


def _open_template(template: Path) -> Any:
    if not template.is_file() and not template.exists():
        raise InputError("找不到申报书模板", [Problem(
            "模板文件不存在", Location(str(template)),
            hint="检查路径；默认模板在 templates/docx/申报书.docx，可用 templates/docx/make_template.py 重新生成",
            code="docx.template_missing")])
    from .word import check_package  # every part capped and well-formed before python-docx loads it whole

    try:
        check_package(template)
    except InputError as exc:
        raise InputError("申报书模板无法使用", exc.problems) from None
    try:
        return docx.Document(str(template))
    except Exception as exc:  # python-docx raises several types for a bad package
        raise InputError("申报书模板无法打开", [Problem(
            f"不是有效的 Word（.docx）文件：{type(exc).__name__}", Location(str(template)),
            hint="用 Word 或 WPS 打开模板后“另存为” .docx 格式，或改回默认模板",
            code="docx.template_invalid")]) from exc


def _atomic_write(out: Path, data: bytes) -> None:
    """Write ``data`` to ``out`` atomically (OutputError naming the file on failure)."""
    try:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        write_atomically(Path(out), data)
    except OSError as exc:
        raise OutputError("无法写入申报书", [Problem(
            f"写入失败：{exc.strerror or exc}", Location(str(out)),
            hint="如果该文件正在 Word 或 WPS 中打开，请先关闭；并检查文件夹是否可写、磁盘是否已满",
            code="docx.write")]) from exc


def write_docx(app: Application, sections: Sequence[RenderedSection], out: Path, *,
               template: Path | None = None) -> list[Problem]:
    """Write the filled 申报书 to ``out`` (atomically); returns warnings.

    Raises :class:`InputError` for an unusable template and :class:`OutputError`
    when the file cannot be written (an existing file is then left untouched).
    """
    problems: list[Problem] = []
    template = Path(template) if template else default_template()
    document = _open_template(template)
    clean = _Cleaner(problems)
    _ensure_styles(document, problems, template)

    values = _placeholder_values(app, clean)
    unknown: set[str] = set()
    anchor = None
    parts = [document.element.body] + [p.element for p in _header_footer_parts(document)]
    for root in parts:
        for p in list(root.iter(qn("w:p"))):
            text = "".join(t.text or "" for t in p.iter(qn("w:t")))
            if anchor is None and text.strip() == "{{" + TABLE_PLACEHOLDER + "}}":
                anchor = p
                continue
            _replace_placeholders(p, values, unknown)
    if unknown:
        problems.append(Problem(
            f"模板中有无法识别的占位符：{'、'.join('{{' + n + '}}' for n in sorted(unknown))}，已原样保留",
            Location(str(template)),
            hint=f"可用的占位符：{'、'.join('{{' + n + '}}' for n in PLACEHOLDERS)}",
            severity=Severity.WARNING, code="docx.template_placeholder"))

    _settings(document.settings.element)
    writer = _Writer(document, clean)
    form_parts = writer.build_table(app, sections)
    body = document.element.body
    if anchor is None:
        problems.append(Problem(
            "模板中没有单独成段的 {{申报表}} 占位符，申报表已放在文档末尾",
            Location(str(template)),
            hint="在模板中希望出现申报表的位置单独一段写 {{申报表}}",
            severity=Severity.WARNING, code="docx.template_placeholder"))
        anchor = body.add_p()
    for element in form_parts:
        anchor.addprevious(element)
    # keep the anchor as a tiny empty paragraph (Word wants a paragraph after a table)
    for child in list(anchor):
        if child.tag != qn("w:pPr"):
            anchor.remove(child)
    pf = DocxParagraph(anchor, document._body).paragraph_format
    pf.space_before = pf.space_after = Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(1)
    clean.finish()

    resolver = _FontResolver(document.styles.element)
    _stamp_run_fonts(document.element.body, resolver)
    for part in _header_footer_parts(document):
        _stamp_run_fonts(part.element, resolver)
    numbering = document.part.numbering_part.element
    _strip_theme_fonts(numbering)

    when = build_timestamp(app)
    naive = when.astimezone(dt.UTC).replace(tzinfo=None)
    props = document.core_properties
    props.title = form.FORM_NAME
    props.subject = values.get("申报单位", "")
    props.author = values.get("申报单位", "") or "skilldoc"
    props.last_modified_by = "skilldoc"
    props.comments = ""
    props.revision = 1
    props.created = props.modified = naive
    props.last_printed = naive
    props.keywords = ""
    _honest_package(document)

    buf = io.BytesIO()
    document.save(buf)
    _atomic_write(Path(out), zip_bytes(buf.getvalue(), when))
    return problems

