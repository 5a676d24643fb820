"""推荐报告.docx: the draft recommendation report, in the 申报书's typography.

The review package's one python-docx importer (the 申报书 writer is
``docx_form.py``).  It opens the 申报书 template (``templates/docx/申报书.docx``),
keeps its styles, page setup and footer, empties the body and writes the report
with the template's named styles — whatever the user changed there (fonts,
sizes, spacing) applies to the report too.  Output is deterministic: fixed core
properties, sorted zip entries with fixed dates.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm

from ..errors import InputError, Location, Problem
from ..reproducible import zip_bytes
from ..resources import template_path
from .sheets import write_atomically

TITLE_STYLE = "填写要求标题"
BODY_STYLE = "申报书正文"
HEADING1 = "申报书标题1"
HEADING2 = "申报书标题2"
LIST_STYLE = "申报书列表"
TABLE_TEXT = "正文表格文字"
TABLE_STYLE = "申报书表格"

_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass
class RecommendedPart:
    heading: str  # （一）单位名称
    figures: Sequence[str]  # key figures, one per line
    paragraph: str  # from the editable template


@dataclass
class ReportContent:
    title: str
    intro: Sequence[str]
    table_header: Sequence[str]
    table_rows: Sequence[Sequence[str]]
    recommended: Sequence[RecommendedPart]
    others: Sequence[str]  # one line per application not recommended
    notes: Sequence[str] = field(default_factory=list)


def _clean(text: str) -> str:
    return _ILLEGAL_XML.sub("", text)


def default_template() -> Path:
    return template_path("docx", "申报书.docx")


def write_report(path: Path, content: ReportContent, *, when: dt.datetime, template: Path | None = None) -> None:
    template = template or default_template()
    try:
        document = docx.Document(str(template))
    except Exception as exc:  # python-docx raises several types for a bad package
        raise InputError("申报书模板无法打开", [Problem(
            f"不是有效的 Word（.docx）文件：{type(exc).__name__}", Location(str(template)),
            hint="用 Word 或 WPS 把模板另存为 .docx，或改回默认模板 templates/docx/申报书.docx",
            code="review.template")]) from None
    # Word 2010's stylesWithEffects copy of the styles goes stale once styles change (Word may then call
    # the file damaged); Word rebuilds it when needed, so the report leaves it out.
    for rel_id, rel in list(document.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            del document.part.rels[rel_id]
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    names = {s.name for s in document.styles}

    def para(text: str, style: str, center: bool = False) -> None:
        p = document.add_paragraph(_clean(text), style=style if style in names else None)
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER

    para(content.title, TITLE_STYLE, center=True)
    for line in content.intro:
        para(line, BODY_STYLE)
    para("一、推荐排序", HEADING1)
    table = document.add_table(rows=1, cols=len(content.table_header))
    if TABLE_STYLE in names:
        table.style = document.styles[TABLE_STYLE]
    for cell, text in zip(table.rows[0].cells, content.table_header, strict=True):
        _cell_text(cell, text, names, bold=True)
    for row in content.table_rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            _cell_text(cell, text, names)
    widths = [Cm(1.4), Cm(6.0)] + [Cm(8.6 / max(1, len(content.table_header) - 2))] * (len(content.table_header) - 2)
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=False):
        column.width = width  # the grid (LibreOffice, WPS) …
        for cell in column.cells:
            cell.width = width  # … and each cell (Word)
    para("二、推荐单位基本情况", HEADING1)
    if not content.recommended:
        para("本次没有符合条件、可以推荐的申报单位。", BODY_STYLE)
    for part in content.recommended:
        para(part.heading, HEADING2)
        for line in part.figures:
            para(line, LIST_STYLE)
        for line in part.paragraph.splitlines():
            if line.strip():
                para(line.strip(), BODY_STYLE)
    para("三、未推荐的申报单位及原因", HEADING1)
    if not content.others:
        para("无。", BODY_STYLE)
    for line in content.others:
        para(line, LIST_STYLE)
    for line in content.notes:
        para(line, BODY_STYLE)

    props = document.core_properties
    stamp = when.replace(tzinfo=None, microsecond=0)
    props.author = props.last_modified_by = "skilldoc"
    props.title = content.title
    props.created = props.modified = stamp
    props.last_printed = stamp
    props.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    write_atomically(path, zip_bytes(buffer.getvalue(), stamp))


def _cell_text(cell: object, text: str, names: set[str], bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
    if TABLE_TEXT in names:
        paragraph.style = TABLE_TEXT
    run = paragraph.add_run(_clean(text))
    run.bold = bold or None
