"""The applicant workbook (申报数据.xlsx): write the starter file, load it back.

This is the only module that imports openpyxl.  Everything about the layout
(sheet names, column titles, which cells take input) is derived from
:mod:`skilldoc.form`; no label is typed here.

Layout (sheet names from ``form.LAYOUT.sheets``):

* 填写说明 — instructions for the applicant.
* 基本信息 — one header-table field per row: 分组 | 项目 | 填写内容 | 单位 | 填写提示.
  Fields are found by (分组, 项目), so inserted or reordered rows still load.
* 培训总量 — one row per year (the three years before the 填报 year).
* 职业工种 — one row per 职业（工种）; per year a 培训数量 / 高级工及以上数量 pair
  with the year in the column title; then the matched 实训设备.
* 专家团队 — the expert team.
* 证明材料 — the evidence list.

Table sheets are read by column title (columns may be reordered); the header
row may sit anywhere in the first ten rows.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import posixpath
import re
import struct
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter
from python_calamine import CalamineError, CalamineWorkbook

from . import form, limits
from .errors import InputError, Location, OutputError, Problem, Severity, errors_in, warnings_in
from .fileio import write_atomically
from .form import FieldType
from .model import Application, EvidenceItem, Expert, Header, Occupation, OccupationYear, Value, YearTotal
from .reproducible import zip_bytes
from .values import (
    ValueProblem,
    display,
    evidence_part_aliases,
    expected_text,
    is_blank,
    normalise_decimal,
    parse_field,
    percent_is_fraction,
    restored_leading_zero,
    spaced,
    split_paths,
)

# --- layout: derived from the form spec, shared by writer and loader ---------------

SHEETS = form.LAYOUT.sheets
HEADER_SHEET_COLUMNS = ("分组", "项目", "填写内容", "单位", "填写提示")
YEAR_LABEL = "年度"
OCCUPATION_ROWS = 15  # styled empty rows written by init
EXPERT_ROWS = 40
EVIDENCE_ROWS = 60
HEADER_SEARCH_ROWS = 10  # the header row may sit anywhere in the first rows

FONT_NAME = "宋体"  # present on every Chinese Windows/WPS install; LibreOffice maps it to a CJK font
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
LABEL_FILL = PatternFill("solid", fgColor="F2F2F2")
_THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
FONT = Font(name=FONT_NAME, size=11)
BOLD = Font(name=FONT_NAME, size=11, bold=True)
HINT_FONT = Font(name=FONT_NAME, size=10, color="7F7F7F")
TITLE_FONT = Font(name=FONT_NAME, size=16, bold=True)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)

TEXT_FORMAT = "@"
DATE_FORMAT = "yyyy-mm-dd"
# Types whose input cells are formatted as text so Excel keeps leading zeros and long digit runs.
_TEXT_TYPES = {FieldType.POSTCODE, FieldType.PHONE, FieldType.MOBILE}


def column_title(field: form.Field, year: int | None = None) -> str:
    """The column title of a table field: its label, plus its unit when the label lacks it."""
    title = field.label
    if field.unit and field.unit not in title:
        title = f"{title}（{field.unit}）"
    if year is not None:
        title = f"{year}年{title}"
    return title


def training_years(year: int) -> list[int]:
    """The 培训总量 years for a 填报 year: the three years before it, oldest first."""
    return [year - n for n in range(form.TRAINING_YEARS, 0, -1)]


@dataclass(frozen=True)
class Column:
    """One column of a table sheet."""

    title: str
    field: form.Field
    year: int | None = None  # per-year occupation columns


def year_sheet_columns() -> list[Column]:
    year_field = form.Field("year", YEAR_LABEL, YEAR_LABEL, FieldType.INT, unit="年", hint="年份，如 2021")
    return [Column(YEAR_LABEL, year_field)] + [Column(column_title(f), f) for f in form.YEAR_COLUMNS]


def occupation_sheet_columns(years: Sequence[int]) -> list[Column]:
    name, *equipment = form.OCCUPATION_COLUMNS
    cols = [Column(column_title(name), name)]
    for y in years:
        cols.extend(Column(column_title(f, y), f, y) for f in form.YEAR_COLUMNS[:2])
    cols.extend(Column(column_title(f), f) for f in equipment)
    return cols


def expert_sheet_columns() -> list[Column]:
    return [Column(column_title(f), f) for f in form.EXPERT_COLUMNS]


def evidence_sheet_columns() -> list[Column]:
    return [Column(column_title(f), f) for f in form.EVIDENCE_COLUMNS]


# --- writing the starter workbook ----------------------------------------------------


def write_workbook(path: Path, year: int, app: Application | None = None) -> None:
    """Write the starter applicant workbook for the 填报 year ``year`` to ``path``.

    With ``app`` (``skilldoc import``), its header values, 培训总量 and occupations
    are filled in (see :func:`_fill`).

    The output is deterministic: the same ``year`` gives the same bytes (fixed
    document dates derived from ``year``, fixed zip timestamps).  The file is
    written to a temporary file next to ``path`` and moved into place.
    """
    path = Path(path)
    years = training_years(year)
    wb = Workbook()
    wb.remove(wb.active)
    _write_instructions(wb.create_sheet(SHEETS["instructions"]), year, years)
    _write_header_sheet(wb.create_sheet(SHEETS["header"]))
    _write_years_sheet(wb.create_sheet(SHEETS["years"]), years)
    _write_occupation_sheet(wb.create_sheet(SHEETS["occupations"]), years)
    _write_expert_sheet(wb.create_sheet(SHEETS["experts"]))
    _write_evidence_sheet(wb.create_sheet(SHEETS["evidence"]))
    wb.active = 1  # open on 基本信息
    if app is not None:
        _fill(wb, app, years)

    stamp = dt.datetime(year, 1, 1)
    props = wb.properties
    props.creator = "skilldoc"
    props.lastModifiedBy = "skilldoc"
    props.title = f"{form.FORM_NAME} 申报数据"
    props.created = stamp
    props.modified = stamp

    raw = io.BytesIO()
    archive = zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(wb, archive).save()  # unlike save_workbook, keeps props.modified as set
    _write_atomically(path, zip_bytes(raw.getvalue(), (year, 1, 1, 0, 0, 0)))


def _fill(wb: Workbook, app: Application, years: Sequence[int]) -> None:
    """Write ``app``'s header values, 培训总量 and occupations into a fresh workbook's input cells."""
    header = wb[SHEETS["header"]]
    for row, field in enumerate(form.HEADER_FIELDS, start=2):
        value = app.header.get(field.key)
        if value is not None:
            header.cell(row=row, column=3, value=str(value) if field.type in _TEXT_TYPES else value)
    by_year = {y.year: y for y in app.years}
    sheet = wb[SHEETS["years"]]
    for row, year in enumerate(years, start=2):
        total = by_year.get(year)
        if total is not None:
            for col, value in enumerate((total.trained, total.advanced, total.pass_rate, total.satisfaction), start=2):
                sheet.cell(row=row, column=col, value=value)
    sheet = wb[SHEETS["occupations"]]
    columns = occupation_sheet_columns(years)
    for row, occ in enumerate(app.occupations, start=2):
        for col, column in enumerate(columns, start=1):
            if column.year is not None:
                oy = occ.year(column.year)
                figure = getattr(oy, column.field.key) if oy is not None else None
            else:
                figure = getattr(occ, column.field.key)
            if figure is not None:
                cell = sheet.cell(row=row, column=col, value=figure)
                if row > OCCUPATION_ROWS + 1:
                    _style_input(cell, column.field)


def _write_atomically(path: Path, data: bytes) -> None:
    try:
        write_atomically(path, data)
    except OSError as exc:
        raise OutputError(problems=[Problem(
            f"无法写入工作簿：{exc.strerror or exc}",
            Location(str(path)),
            hint="请确认文件夹存在且可写，并且该文件没有在 Excel/WPS 中打开。",
            code="output.workbook",
        )]) from exc


def _instructions_text(year: int, years: Sequence[int]) -> list[tuple[str, str]]:
    """(style, text) lines of the 填写说明 sheet."""
    s = SHEETS
    span = f"{years[0]}—{years[-1]}"
    return [
        ("title", f"{form.FORM_NAME} · 申报数据填写说明"),
        ("text", f"本工作簿是生成申报书的数据来源，按 {year} 年填报准备（培训总量为 {span} 三个年度）。"),
        ("head", "一、怎么填"),
        ("text", "1. 只在浅黄色的格子里填写；灰色和蓝色的格子是项目名称和表头，请不要修改。"),
        ("text", "2. 不要删除、重命名或调换工作表，不要修改表头行的文字；表格不够时可以在下面接着填写。"),
        ("text", "3. 每个格子右边或表头里写了单位，只填数字即可，例如 2000；写成 2,000、2000人次 也可以。"),
        ("text", "4. 金额一律以“万元”为单位（例如 1.5 表示 1.5 万元）；面积以“平方米”为单位。"),
        ("text", "5. 百分比填数字，例如 92.5 表示 92.5%；写成 92.5% 也可以。"),
        ("text", "6. 日期写成 2022-11-20 或 2022年11月20日。"),
        ("text", "7. 有下拉箭头的格子（单位类别、是否为技能等级认定机构、专家类别、所属部分）请从列表中选择。"),
        ("text", "8. 邮政编码、电话、手机号码的格子已设为文本格式，直接输入即可，开头的 0 不会丢失。"),
        ("head", "二、各工作表"),
        ("text", f"· {s['header']}：申报书首页表格的每一项，一项一行，在“填写内容”列填写。"),
        ("text", f"· {s['years']}：{span} 每年的培训数量、高级工及以上数量，以及培训合格率、满意率。"),
        ("text", f"· {s['occupations']}：每个职业（工种）一行，填写每年的培训人次和与之匹配的实训设备。"),
        ("text", f"· {s['experts']}：专家团队，每人一行；“职业（工种）”须与“{s['occupations']}”表中的名称一致。"),
        ("text", f"· {s['evidence']}：证明材料清单，每份材料一行，编号如 E01、E02……"),
        ("head", "三、证明材料"),
        ("text", f"1. 把文件（PDF、照片、扫描件）放进申报文件夹里的“{form.LAYOUT.evidence_dir}”文件夹。"),
        ("text", f"2. 在“文件”列填写文件的位置，例如 {form.LAYOUT.evidence_dir}/营业执照.pdf；"
                 "一份材料有多个文件时，用换行（Alt+回车）或分号隔开。"),
        ("text", "3. 正文中写 {{ 证明(\"E01\") }} 引用材料，生成时会换成它在证明材料中的页码。"),
        ("text", "4. 加密的 PDF 请在“打开密码”列填写密码。"),
        ("head", "四、填好之后"),
        ("text", "1. 用 Excel 或 WPS 保存（保持 .xlsx 格式），然后运行 skilldoc check 申报文件夹 检查。"),
        ("text", "2. 如果用了公式，或者文件是由其他程序生成的，请先在 Excel/WPS 中打开并保存一次，以便保存计算结果。"),
        ("text", "3. 检查会指出有问题的格子，例如“基本信息!C7”表示“基本信息”工作表的 C 列第 7 行。"),
        ("head", f"五、申报书{form.INSTRUCTIONS_TITLE}（原文）"),
        *(("text", line) for line in form.INSTRUCTIONS),
    ]


def _write_instructions(ws: Worksheet, year: int, years: Sequence[int]) -> None:
    ws.column_dimensions["A"].width = 110
    ws.sheet_view.showGridLines = False
    fonts = {"title": TITLE_FONT, "head": BOLD, "text": FONT}
    for row, (style, text) in enumerate(_instructions_text(year, years), start=1):
        cell = ws.cell(row=row, column=1, value=text)
        cell.font = fonts[style]
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        if style == "title":
            ws.row_dimensions[row].height = 30


def _style_header_row(ws: Worksheet, titles: Sequence[str], widths: Sequence[float]) -> None:
    for col, (title, width) in enumerate(zip(titles, widths, strict=True), start=1):
        cell = ws.cell(row=1, column=col, value=title)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = CENTER
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.row_dimensions[1].height = 36


def _style_input(cell: Any, field: form.Field) -> None:
    cell.fill = INPUT_FILL
    cell.border = BORDER
    cell.font = FONT
    cell.alignment = WRAP
    if field.type is FieldType.DATE:
        cell.number_format = DATE_FORMAT
    elif field.type in _TEXT_TYPES or field.key == "password":
        cell.number_format = TEXT_FORMAT


def _list_validation(options: Iterable[str], prompt: str = "") -> DataValidation:
    formula = '"' + ",".join(options) + '"'
    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showDropDown=False)
    _set_prompt(dv, prompt)
    dv.error = "请从下拉列表中选择。"
    dv.errorTitle = "选项无效"
    dv.showErrorMessage = True
    return dv


def _set_prompt(dv: DataValidation, prompt: str) -> None:
    if prompt:
        dv.prompt = prompt[:250]  # Excel's limit is 255 characters
        dv.showInputMessage = True


def _write_header_sheet(ws: Worksheet) -> None:
    _style_header_row(ws, HEADER_SHEET_COLUMNS, (26, 34, 36, 10, 56))
    ws.freeze_panes = "A2"
    for row, field in enumerate(form.HEADER_FIELDS, start=2):
        values = (field.group, field.label, None, field.unit, field.hint)
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col, value=value)
            cell.border = BORDER
            cell.font = FONT
            cell.alignment = WRAP
            if col in (1, 2):
                cell.fill = LABEL_FILL
        ws.cell(row=row, column=5).font = HINT_FONT
        input_cell = ws.cell(row=row, column=3)
        _style_input(input_cell, field)
        if field.type is FieldType.CHOICE:
            dv = _list_validation(field.options, field.hint)
        else:
            dv = DataValidation(allow_blank=True)
            _set_prompt(dv, field.hint)
        ws.add_data_validation(dv)
        dv.add(input_cell.coordinate)
        ws.row_dimensions[row].height = 22


def _write_table(ws: Worksheet, columns: Sequence[Column], rows: int, widths: Sequence[float],
                 validations: dict[int, DataValidation] | None = None, freeze: str = "B2") -> None:
    _style_header_row(ws, [c.title for c in columns], widths)
    ws.freeze_panes = freeze
    for col, column in enumerate(columns, start=1):
        for row in range(2, rows + 2):
            _style_input(ws.cell(row=row, column=col), column.field)
        letter = get_column_letter(col)
        span = f"{letter}2:{letter}{rows + 1}"
        dv = (validations or {}).get(col)
        if dv is None and column.field.hint:
            dv = DataValidation(allow_blank=True)
            _set_prompt(dv, column.field.hint)
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(span)


def _write_years_sheet(ws: Worksheet, years: Sequence[int]) -> None:
    columns = year_sheet_columns()
    _write_table(ws, columns, len(years), [10] + [18] * (len(columns) - 1), freeze="B2")
    for row, year in enumerate(years, start=2):
        cell = ws.cell(row=row, column=1, value=year)  # plain values, no formulas
        cell.fill = LABEL_FILL
        cell.font = BOLD
        cell.alignment = CENTER
        cell.number_format = "0"
    # The note sits to the right of the table so the loader never mistakes it for a year row.
    ws.column_dimensions["G"].width = 60
    note = ws.cell(row=2, column=len(year_sheet_columns()) + 2,
                   value=f"说明：年度为填报年份之前三年（{form.TRAINING_TOTAL_LABEL}）；"
                         "培训合格率、满意率填百分数，如 95 表示 95%，至少填写最近一年。")
    note.font = HINT_FONT
    note.alignment = WRAP


def _write_occupation_sheet(ws: Worksheet, years: Sequence[int]) -> None:
    columns = occupation_sheet_columns(years)
    widths = [24] + [14] * (len(columns) - 3) + [16, 16]
    _write_table(ws, columns, OCCUPATION_ROWS, widths, freeze="B2")


def _write_expert_sheet(ws: Worksheet) -> None:
    columns = expert_sheet_columns()
    occupations = f"'{SHEETS['occupations']}'!$A$2:$A${OCCUPATION_ROWS + 1}"
    occ_dv = DataValidation(type="list", formula1=occupations, allow_blank=True)
    _set_prompt(occ_dv, form.EXPERT_COLUMNS[1].hint)
    occ_dv.errorStyle = "warning"  # allow typing; the loader checks the name
    occ_dv.error = f"名称须与“{SHEETS['occupations']}”表中的职业（工种）一致。"
    occ_dv.showErrorMessage = True
    validations = {2: occ_dv, 3: _list_validation(form.EXPERT_CATEGORIES, "从下拉列表中选择专家类别")}
    _write_table(ws, columns, EXPERT_ROWS, (12, 24, 20, 30, 22), validations, freeze="B2")


def _write_evidence_sheet(ws: Worksheet) -> None:
    columns = evidence_sheet_columns()
    part_col = next(i for i, c in enumerate(columns, start=1) if c.field.key == "part")
    validations = {part_col: _list_validation(form.EVIDENCE_PARTS, "从下拉列表中选择材料所属部分")}
    _write_table(ws, columns, EVIDENCE_ROWS, (8, 36, 44, 16, 30, 12), validations, freeze="C2")


# --- loading -------------------------------------------------------------------------------

_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_BROKEN = object()  # a cell already reported (formula without a value, #DIV/0!): skip further checks
_OPEN_HINT = "请在 Excel 或 WPS 中打开该文件，确认能正常显示后“另存为” .xlsx 格式再试。"
_LAYOUT_HINT = "请不要修改、移动表头行或重命名工作表；可以运行 skilldoc init 生成一个新的工作簿作对照。"


def _norm(text: object) -> str:
    """A label for comparison: NFKC, no whitespace (so “职 称” matches “职称”)."""
    if text is None:
        return ""
    return "".join(ch for ch in unicodedata.normalize("NFKC", str(text)) if not ch.isspace())


def _field_name(field: form.Field) -> str:
    return f"{field.group}/{field.label}" if field.group else field.label


def _relative_name(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


_SHEET_ROW_LIMITS = {
    "header": limits.MAX_HEADER_ROWS,
    "years": limits.MAX_YEAR_ROWS,
    "occupations": limits.MAX_OCCUPATION_ROWS,
    "experts": limits.MAX_EXPERT_ROWS,
    "evidence": limits.MAX_EVIDENCE_ROWS,
}
_MAX_DATE_SERIAL = 2958465  # 9999-12-31: openpyxl turns a larger number in a date-formatted cell into #VALUE!
_SAVE_AS_XLSX = ("请在 Excel 或 WPS 中打开它，“文件 → 另存为”，保存类型选“Excel 工作簿（*.xlsx）”；在 LibreOffice Calc 中"
                 "“文件 → 另存为”，文件类型选“Excel 2007-365 (.xlsx)”。文件名为 " + form.LAYOUT.workbook
                 + "。不需要重新运行 skilldoc init（那会生成空白的工作簿）。")


def _zip_entries(path: Path) -> int | None:
    """How many entries the zip's end-of-central-directory record declares (None if not found).

    Read from the last 64 KB of the file, so a directory of millions of entries
    is refused before :mod:`zipfile` builds an object for each of them.
    """
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        fh.seek(max(0, size - 65_557))
        tail = fh.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return None
    entries: int = struct.unpack_from("<H", tail, at + 10)[0]
    if entries == 0xFFFF:  # Zip64: the count is in the Zip64 end record
        at64 = tail.rfind(b"PK\x06\x06", 0, at)
        if at64 < 0 or at64 + 40 > len(tail):
            return None
        entries = struct.unpack_from("<Q", tail, at64 + 32)[0]
    return entries


def _slim_copy(archive: zipfile.ZipFile, kept: Sequence[str], unused_sheets: set[str]) -> io.BytesIO:
    """The workbook with only the parts that are read: every other sheet an empty stub.

    openpyxl's read-only mode still parses each sheet up to its ``<dimension>``
    (all of it when there is none), and reads a chartsheet's drawings; a stub in
    place of each sheet the form does not use keeps them from being read at all.
    Pictures and binary parts are left out (nothing here reads them).
    """
    unused_rels = {posixpath.join(posixpath.dirname(p), "_rels", posixpath.basename(p) + ".rels")
                   for p in unused_sheets}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as slim:
        for name in kept:
            if name not in unused_rels:
                slim.writestr(name, archive.read(name))
        for name in sorted(unused_sheets):
            root = "chartsheet" if "/chartsheets/" in name else "worksheet"
            slim.writestr(name, f'<{root} xmlns="{_SHEET_NS}"><dimension ref="A1"/><sheetData/></{root}>')
        for name in sorted(unused_rels):  # no drawings (openpyxl needs the file for a chartsheet)
            slim.writestr(name, f'<Relationships xmlns="{_REL_NS}"/>')
    out.seek(0)
    return out


def _check_zip_directory_size(loader: _Loader) -> None:
    entries = _zip_entries(loader.path)
    if entries is not None and entries > limits.MAX_WORKBOOK_PARTS:
        raise loader.refuse(f"工作簿由 {entries:,} 个部分组成，超过 {limits.MAX_WORKBOOK_PARTS:,} 的上限",
                            "该文件可能已损坏；请在 Excel 或 WPS 中打开后另存为新的 .xlsx 再试。",
                            "workbook.too_large")


def _mb(size: int) -> str:
    return f"{size / limits.MiB:,.0f} MB" if size >= limits.MiB else f"{size / 1024:,.0f} KB"


@dataclass
class _Cell:
    value: Any
    data_type: str  # openpyxl's: n, s, d, b, e
    number_format: str | None  # None: not known (.ods, .xls)


@dataclass
class _Scan:
    """What a streaming pass over one sheet's XML found, before openpyxl reads any of it."""

    last_row: int = 0
    last_col: int = 0
    formulas: set[tuple[int, int]] = dataclass_field(default_factory=set)
    errors: set[tuple[int, int]] = dataclass_field(default_factory=set)  # t="e" in the file: real error values
    big_numbers: dict[tuple[int, int], str] = dataclass_field(default_factory=dict)  # beyond any date: kept as typed
    merged: list[tuple[int, int, int, int]] = dataclass_field(default_factory=list)  # min_row, min_col, max_row, max_col
    beyond: tuple[int, int] | None = None  # the first value past the row/column limit


_TAG_C, _TAG_ROW, _TAG_V, _TAG_F, _TAG_IS, _TAG_MERGE = (
    f"{{{_SHEET_NS}}}{t}" for t in ("c", "row", "v", "f", "is", "mergeCell"))


def _scan_sheet(stream: Any, max_rows: int) -> _Scan:
    """One streaming pass: where values are, which cells hold formulas or errors, merged ranges.

    Stops at the first value past ``max_rows`` or ``limits.MAX_SHEET_COLUMNS``;
    memory stays flat whatever the sheet holds (each row is dropped once seen).
    """
    scan = _Scan()
    row_no, col_no = 0, 0
    sheet_data: Any = None
    for event, elem in ElementTree.iterparse(stream, events=("start", "end")):
        tag = elem.tag
        if event == "start":
            if tag == _TAG_ROW:
                row_no = int(elem.get("r") or row_no + 1)
                col_no = 0
            elif tag == f"{{{_SHEET_NS}}}sheetData":
                sheet_data = elem
            continue
        if tag == _TAG_C:
            ref = elem.get("r")
            if ref:
                col_no, row_no = _split_ref(ref, row_no)
            else:
                col_no += 1
            v = elem.findtext(_TAG_V)
            has_formula = elem.find(_TAG_F) is not None
            if not (v or has_formula or elem.find(_TAG_IS) is not None):
                continue
            where = (row_no, col_no)
            if row_no > max_rows or col_no > limits.MAX_SHEET_COLUMNS:
                scan.beyond = where
                break
            scan.last_row = max(scan.last_row, row_no)
            scan.last_col = max(scan.last_col, col_no)
            if has_formula:
                scan.formulas.add(where)
            kind = elem.get("t", "n")
            if kind == "e":
                scan.errors.add(where)
            elif kind == "n" and v:
                try:
                    if not 0 <= float(v) <= _MAX_DATE_SERIAL:
                        scan.big_numbers[where] = v
                except ValueError:
                    pass
        elif tag == _TAG_ROW and sheet_data is not None:
            sheet_data.clear()  # rows seen so far: nothing of them is kept
        elif tag == _TAG_MERGE:
            if len(scan.merged) >= limits.MAX_MERGED_RANGES:
                raise ValueError("too many merged ranges")
            try:
                bounds = range_boundaries(elem.get("ref", ""))
            except (ValueError, TypeError):
                continue
            if None not in bounds:
                min_col, min_row, max_col, max_row = bounds
                scan.merged.append((min_row, min_col, max_row, max_col))  # type: ignore[arg-type]
    return scan


def _split_ref(ref: str, row_no: int) -> tuple[int, int]:
    """(column, row) of ``B7``; a reference without a row keeps the current row."""
    letters = ref.rstrip("0123456789")
    digits = ref[len(letters):]
    try:
        return column_index_from_string(letters), int(digits) if digits else row_no
    except ValueError:
        return 0, row_no


# --- .ods and .xls: python-calamine --------------------------------------------------------

_ODF_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_ODF_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_T_TABLE, _T_ROW, _T_CELL, _T_COVERED = (f"{{{_ODF_TABLE}}}{t}" for t in (
    "table", "table-row", "table-cell", "covered-table-cell"))
_T_NAME, _T_ROWS, _T_COLS = (f"{{{_ODF_TABLE}}}{a}" for a in ("name", "number-rows-repeated",
                                                               "number-columns-repeated"))
_O_VALUE_TYPE = f"{{{_ODF_OFFICE}}}value-type"
_T_P = f"{{{_ODF_TEXT}}}p"


def _scan_ods(stream: Any, max_rows: dict[str, int]) -> dict[str, tuple[int, int]]:
    """The first value past its sheet's limits, by sheet title, in an ODF content.xml (streamed).

    ODF compresses repeated rows and cells (``number-rows-repeated="1000000"``):
    a few bytes can stand for a billion cells, which a reader would build in
    memory.  Repeats of empty cells are what LibreOffice writes for formatted
    areas and are fine; a value repeated past the limits is not.
    """
    beyond: dict[str, tuple[int, int]] = {}
    title, row_no, col_no, row_repeat = "", 0, 0, 1
    table: Any = None
    for event, elem in ElementTree.iterparse(stream, events=("start", "end")):
        tag = elem.tag
        if event == "start":
            if tag == _T_TABLE:
                title, row_no, table = elem.get(_T_NAME, ""), 0, elem
            elif tag == _T_ROW:
                row_repeat = int(elem.get(_T_ROWS, "1"))
                col_no = 0
            continue
        if tag in (_T_CELL, _T_COVERED):
            repeat = int(elem.get(_T_COLS, "1"))
            filled = elem.get(_O_VALUE_TYPE) is not None or elem.find(_T_P) is not None
            last_row, last_col = row_no + row_repeat, col_no + repeat
            limit = max_rows.get(title, max(max_rows.values(), default=limits.MAX_EVIDENCE_ROWS))
            if filled and title not in beyond and (last_row > limit or last_col > limits.MAX_SHEET_COLUMNS):
                beyond[title] = (min(last_row, limit + 1), min(last_col, limits.MAX_SHEET_COLUMNS + 1))
            col_no = last_col
        elif tag == _T_ROW:
            row_no += row_repeat
            if table is not None:
                table.clear()  # rows seen so far: nothing of them is kept
    return beyond


def _merged_cells(scan: _Scan) -> int:
    """How many cells the merged ranges cover inside the used area (what resolving them costs)."""
    return sum(max(0, min(max_row, scan.last_row) - min_row + 1) * max(0, min(max_col, scan.last_col) - min_col + 1)
               for min_row, min_col, max_row, max_col in scan.merged)


class _Sheet:
    """The cells of one worksheet the form uses, up to its last value, with merged cells resolved."""

    def __init__(self, name: str, cells: dict[tuple[int, int], _Cell], scan: _Scan) -> None:
        self.name = name
        self.cells = cells
        self.scan = scan
        self.max_row = scan.last_row
        self.max_column = scan.last_col
        self.merged: dict[tuple[int, int], tuple[int, int]] = {}
        for min_row, min_col, max_row, max_col in scan.merged:
            # only the part inside the used area matters (a range may span the whole sheet)
            for row in range(min_row, min(max_row, self.max_row) + 1):
                for col in range(min_col, min(max_col, self.max_column) + 1):
                    self.merged[(row, col)] = (min_row, min_col)

    def origin(self, row: int, col: int) -> tuple[int, int]:
        return self.merged.get((row, col), (row, col))

    def cell(self, row: int, col: int) -> _Cell | None:
        return self.cells.get(self.origin(row, col))

    def peek(self, row: int, col: int) -> Any:
        """The cached value (top-left of a merged range), no checks."""
        found = self.cell(row, col)
        return None if found is None else found.value


class _Loader:
    def __init__(self, path: Path, root: Path) -> None:
        self.path = path
        self.file = _relative_name(path, root)
        self.root = Path(os.path.abspath(root))
        self.problems: list[Problem] = []
        self.epoch = 1900
        self.titles: list[str] = []  # every sheet in the workbook, in order
        self.sheets: dict[str, _Sheet] = {}  # the sheets the form uses, by title
        self.cells: dict[str, tuple[str, str]] = {}  # "header.<key>" / "year.<year>" → (sheet, cell)

    # -- problems --------------------------------------------------------------------

    def add(self, message: str, sheet: str | None = None, cell: str | None = None, hint: str | None = None,
            code: str = "workbook", severity: Severity = Severity.ERROR) -> None:
        self.problems.append(Problem(message, Location(self.file, sheet=sheet, cell=cell), hint,
                                     severity, code))

    def refuse(self, message: str, hint: str, code: str, sheet: str | None = None,
               cell: str | None = None) -> InputError:
        return InputError(f"无法读取工作簿 {self.file}", [Problem(
            message, Location(self.file, sheet=sheet, cell=cell), hint, code=code)])

    # -- opening ---------------------------------------------------------------------

    def open(self) -> None:
        """Check the file's kind and sizes, scan the sheets the form uses, then read just those cells."""
        if not self.path.exists():
            raise InputError(f"找不到工作簿 {self.file}", [Problem(
                f"找不到工作簿 {self.file}", Location(self.file),
                "请先运行 skilldoc init 创建申报文件夹，或确认文件名为 " + form.LAYOUT.workbook,
                code="workbook.missing")])
        kind = limits.file_kind(self.path)
        if kind is not None:
            raise self.refuse(f"{self.file} 是{kind}，不是工作簿文件", _OPEN_HINT, "workbook.unreadable")
        size = self.path.stat().st_size
        if size > limits.MAX_WORKBOOK_FILE_BYTES:
            raise self.refuse(f"工作簿有 {_mb(size)}，超过 {_mb(limits.MAX_WORKBOOK_FILE_BYTES)} 的上限",
                              "申报数据工作簿只需要文字和数字；请删除其中的图片和不需要的工作表后另存。",
                              "workbook.too_large")
        with open(self.path, "rb") as fh:
            head = fh.read(8)
        if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
            message, hint, code = self._compound_file()
            if code == "workbook.encrypted":
                raise self.refuse(message, hint, code)
            self._open_with_calamine("xls")
            return
        if not head.startswith(b"PK"):
            raise self.refuse("该文件不是 .xlsx 格式（可能是 CSV、网页或其他文件改了扩展名）", _SAVE_AS_XLSX,
                              "workbook.format")
        _check_zip_directory_size(self)
        try:
            with zipfile.ZipFile(self.path) as archive:
                if self._is_ods(archive):
                    return self._open_with_calamine("ods")
                parts = self._sheet_parts(archive)
                scans, kept = self._scan_sheets(archive, parts)
                slim = _slim_copy(archive, kept, set(parts.values()) - {parts[t] for t in scans})
        except (zipfile.BadZipFile, ElementTree.ParseError, KeyError, ValueError, OSError, EOFError) as exc:
            raise self.unreadable(exc) from exc
        try:
            with warnings.catch_warnings():
                # openpyxl warns about parts it drops (WPS extensions, slicers, …) and about numbers
                # in date-formatted cells beyond any date; none of it is data we read.
                warnings.simplefilter("ignore")
                book = load_workbook(slim, read_only=True, data_only=True)
                try:
                    self.epoch = 1904 if book.epoch.year == 1904 else 1900
                    for title, scan in scans.items():
                        self.sheets[title] = _Sheet(title, self._read_cells(book[title], scan), scan)
                finally:
                    book.close()
        except InputError:
            raise
        except Exception as exc:  # openpyxl raises many types for damaged or foreign files
            raise self.unreadable(exc) from exc

    def unreadable(self, exc: BaseException) -> InputError:
        return self.refuse(f"无法按 .xlsx 格式读取该文件（{type(exc).__name__}: {exc}）",
                           "请确认文件是 Excel 2007 及以后的 .xlsx 格式（不是 .xls、.et、.csv），且没有设置打开密码。"
                           + _OPEN_HINT, "workbook.unreadable")

    def _is_ods(self, archive: zipfile.ZipFile) -> bool:
        """An OpenDocument spreadsheet (whatever its name): its parts checked and scanned for repeat bombs."""
        names = set(archive.namelist())
        if "mimetype" not in names or archive.getinfo("mimetype").file_size > 200:
            return False
        mimetype = archive.read("mimetype").decode("ascii", "replace")
        if "opendocument.spreadsheet" not in mimetype:
            if "opendocument" in mimetype:
                raise self.refuse("该文件是 OpenDocument 文档，但不是表格", _SAVE_AS_XLSX, "workbook.format")
            return False
        for part in ("content.xml", "styles.xml"):
            if part in names:
                self._check_part(archive, part, f"工作簿中的“{part}”")
        wanted = {_norm(name): key for key, name in SHEETS.items() if key in _SHEET_ROW_LIMITS}
        try:
            with archive.open("content.xml") as stream:
                beyond = _scan_ods(stream, {name: _SHEET_ROW_LIMITS[wanted[_norm(name)]] + HEADER_SEARCH_ROWS
                                            for name in SHEETS.values() if _norm(name) in wanted})
        except (KeyError, ElementTree.ParseError, ValueError) as exc:
            raise self.refuse(f"无法读取该 .ods 工作簿（文件已损坏：{exc}）", _SAVE_AS_XLSX,
                              "workbook.unreadable") from None
        self._raise_beyond({title: (where, _SHEET_ROW_LIMITS.get(wanted.get(_norm(title), ""),
                                                                  limits.MAX_EVIDENCE_ROWS))
                            for title, where in beyond.items()})
        return True

    def _raise_beyond(self, beyond: dict[str, tuple[tuple[int, int], int]]) -> None:
        """Refuse the values found past their sheet's limits: {title: ((row, col), row limit)}."""
        problems = []
        for title, ((row, col), limit) in beyond.items():
            coord = f"{get_column_letter(min(col, 16384))}{row}"
            if col > limits.MAX_SHEET_COLUMNS:
                message = (f"工作表“{title}”第 {get_column_letter(col)} 列还有内容，"
                           f"超出了表格的范围（{limits.MAX_SHEET_COLUMNS:,} 列）")
            else:
                message = f"工作表“{title}”第 {row:,} 行还有内容，超过了该表 {limit:,} 行的上限"
            problems.append(Problem(message, Location(self.file, sheet=title, cell=coord),
                                    "一份申报用不到这么多行；请删除该格及下面（或右边）多余的内容"
                                    "（选中多余的行或列后“删除”），或检查是否误把其他表格粘贴了进来。",
                                    code="workbook.too_many_rows"))
        if problems:
            raise InputError(f"无法读取工作簿 {self.file}", problems)

    def _open_with_calamine(self, kind: str) -> None:
        """Read an .ods or .xls workbook (python-calamine): values only, no formats or formulas."""
        try:
            with open(self.path, "rb") as fh:  # by content: from_path would go by the name (.xlsx)
                book = CalamineWorkbook.from_filelike(fh)
            self.titles = list(book.sheet_names)
            wanted = {_norm(name): key for key, name in SHEETS.items() if key in _SHEET_ROW_LIMITS}
            beyond: dict[str, tuple[tuple[int, int], int]] = {}
            for title in self.titles:
                key = wanted.get(_norm(title))
                if key is None:
                    continue
                limit = _SHEET_ROW_LIMITS[key]
                sheet = book.get_sheet_by_name(title)
                scan = _Scan()
                cells = self._calamine_cells(title, sheet, scan, limit + HEADER_SEARCH_ROWS)
                if scan.beyond is not None:
                    beyond[title] = (scan.beyond, limit)
                for (r1, c1), (r2, c2) in (sheet.merged_cell_ranges or [])[:limits.MAX_MERGED_RANGES]:
                    scan.merged.append((r1 + 1, c1 + 1, r2 + 1, c2 + 1))
                if _merged_cells(scan) > limits.MAX_MERGED_CELLS:
                    scan.merged = []  # .xls only; past the limit merged ranges are not resolved
                self.sheets[title] = _Sheet(title, cells, scan)
            book.close()
        except CalamineError as exc:
            raise self.refuse(f"无法读取该 .{kind} 工作簿（{type(exc).__name__}: {exc}）", _SAVE_AS_XLSX,
                              "workbook.unreadable") from exc
        self._raise_beyond(beyond)
        what = "OpenDocument 表格（.ods）" if kind == "ods" else "Excel 97-2003 格式（.xls）"
        self.add(f"工作簿是 {what}，已按此格式读取（不含公式和单元格格式）", None, None,
                 "建议“另存为”Excel 工作簿（.xlsx），公式未保存计算结果、百分数格式等问题才能准确指出。",
                 code="workbook.other_format", severity=Severity.WARNING)

    def _calamine_cells(self, title: str, sheet: Any, scan: _Scan, max_rows: int) -> dict[tuple[int, int], _Cell]:
        cells: dict[tuple[int, int], _Cell] = {}
        first_row, first_col = sheet.start or (0, 0)
        for i, values in enumerate(sheet.iter_rows()):
            row = first_row + i + 1
            for j, value in enumerate(values):
                if value is None or value == "":
                    continue
                col = first_col + j + 1
                if row > max_rows or col > limits.MAX_SHEET_COLUMNS:
                    scan.beyond = (row, col)
                    return cells
                scan.last_row, scan.last_col = max(scan.last_row, row), max(scan.last_col, col)
                kind = "s" if isinstance(value, str) else "b" if isinstance(value, bool) else \
                    "n" if isinstance(value, int | float) else "d"
                if isinstance(value, str) and len(value) > limits.MAX_CELL_CHARS:
                    self.add(f"该格有 {len(value):,} 个字符，超过每格 {limits.MAX_CELL_CHARS:,} 个字符的上限",
                             title, f"{get_column_letter(col)}{row}",
                             "工作簿每格只填一项内容；长段文字请写进 sections/ 下相应部分的正文。", code="cell.too_long")
                    value, kind = _BROKEN, "e"
                cells[(row, col)] = _Cell(value, kind, None)
        return cells

    def _compound_file(self) -> tuple[str, str, str]:
        """(message, hint, code) for an OLE compound file: .xls/.et, or a password-protected .xlsx."""
        with open(self.path, "rb") as fh:
            head = fh.read(256 * 1024)
        if "EncryptionInfo".encode("utf-16-le") in head:
            return ("工作簿设置了打开密码，无法读取",
                    "请在 Excel 或 WPS 中打开，“文件 → 信息 → 保护工作簿 → 用密码进行加密”，清空密码后保存。",
                    "workbook.encrypted")
        return ("该文件是 Excel 97-2003（.xls）或 WPS（.et）格式，只是扩展名为 .xlsx", _SAVE_AS_XLSX, "workbook.format")

    def _sheet_parts(self, archive: zipfile.ZipFile) -> dict[str, str]:
        """Sheet title → its part in the zip, from workbook.xml and its relationships."""
        names = set(archive.namelist())
        book_part = "xl/workbook.xml"
        if "_rels/.rels" in names:
            for rel in self._xml(archive, "_rels/.rels").iter(f"{{{_REL_NS}}}Relationship"):
                if rel.get("Type", "").endswith("/officeDocument"):
                    book_part = rel.get("Target", book_part).lstrip("/")
        if book_part not in names:
            raise self.refuse("该文件是 zip 压缩包，但不是 Excel 工作簿（缺少 workbook.xml）", _SAVE_AS_XLSX,
                              "workbook.format")
        folder = posixpath.dirname(book_part)
        rels_part = posixpath.join(folder, "_rels", posixpath.basename(book_part) + ".rels")
        targets: dict[str, str] = {}
        if rels_part in names:
            for rel in self._xml(archive, rels_part).iter(f"{{{_REL_NS}}}Relationship"):
                target = rel.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                    posixpath.join(folder, target))
                targets[rel.get("Id", "")] = path
        parts: dict[str, str] = {}
        for sheet in self._xml(archive, book_part).iter(f"{{{_SHEET_NS}}}sheet"):
            title = sheet.get("name", "")
            self.titles.append(title)
            part = targets.get(sheet.get(f"{{{_DOC_REL_NS}}}id", ""), "")
            if part in names:
                parts[title] = part
        return parts

    def _xml(self, archive: zipfile.ZipFile, part: str) -> Any:
        self._check_part(archive, part, f"工作簿中的“{part}”")
        return ElementTree.fromstring(archive.read(part))

    def _check_part(self, archive: zipfile.ZipFile, part: str, what: str, sheet: str | None = None) -> None:
        size = archive.getinfo(part).file_size
        if size > limits.MAX_WORKBOOK_PART_BYTES:
            raise self.refuse(
                f"{what}解压后有 {_mb(size)}，超过 {_mb(limits.MAX_WORKBOOK_PART_BYTES)} 的上限",
                "申报数据工作簿只需要几十 KB；该文件可能已损坏，或者粘贴进了大量无关内容。请删除多余的行、列和工作表后"
                "另存为新的 .xlsx 再试。", "workbook.too_large", sheet=sheet)

    def _scan_sheets(self, archive: zipfile.ZipFile, parts: dict[str, str]) -> tuple[dict[str, _Scan], list[str]]:
        """Check the sizes of what openpyxl will read, then scan each sheet the form uses.

        Returns the scans by sheet title and the parts that may be read (size-checked).
        """
        wanted = {_norm(name): key for key, name in SHEETS.items() if key in _SHEET_ROW_LIMITS}
        used = {title: wanted[_norm(title)] for title in parts if _norm(title) in wanted}
        sheet_parts = set(parts.values())
        read_total = 0
        kept: list[str] = []
        for info in archive.infolist():
            name = info.filename
            if name in sheet_parts and name not in {parts[t] for t in used}:
                continue  # a sheet the form does not use: never read
            if name.startswith("xl/") and not name.endswith((".xml", ".rels")) or "/media/" in name:
                continue  # pictures, printer settings, VBA: never read
            title = next((t for t in used if parts[t] == name), None)
            what = f"工作表“{title}”" if title else "工作簿中的" + {
                "xl/sharedStrings.xml": "共享字符串表（sharedStrings.xml）",
                "xl/styles.xml": "样式表（styles.xml）"}.get(name, f"“{name}”")
            self._check_part(archive, name, what, sheet=title)
            read_total += info.file_size
            kept.append(name)
        if read_total > limits.MAX_WORKBOOK_READ_BYTES:
            raise self.refuse(f"工作簿解压后有 {_mb(read_total)}，超过 {_mb(limits.MAX_WORKBOOK_READ_BYTES)} 的上限",
                              "请删除多余的行、列和工作表后另存为新的 .xlsx 再试。", "workbook.too_large")
        scans: dict[str, _Scan] = {}
        too_long: dict[str, tuple[tuple[int, int], int]] = {}
        for title, key in used.items():
            max_rows = _SHEET_ROW_LIMITS[key] + HEADER_SEARCH_ROWS
            try:
                with archive.open(parts[title]) as stream:
                    scan = _scan_sheet(stream, max_rows)
            except ValueError as exc:
                if "merged" not in str(exc):
                    raise
                raise self.refuse(f"工作表“{title}”中合并单元格超过 {limits.MAX_MERGED_RANGES:,} 处",
                                  "请取消多余的合并单元格后另存。", "workbook.too_large", sheet=title) from None
            if scan.beyond is not None:
                too_long[title] = (scan.beyond, _SHEET_ROW_LIMITS[key])
            if _merged_cells(scan) > limits.MAX_MERGED_CELLS:
                raise self.refuse(f"工作表“{title}”中合并的单元格超过 {limits.MAX_MERGED_CELLS:,} 个",
                                  "请取消多余的合并单元格后另存。", "workbook.too_large", sheet=title)
            scans[title] = scan
        self._raise_beyond(too_long)
        return scans, kept

    def _read_cells(self, ws: Any, scan: _Scan) -> dict[tuple[int, int], _Cell]:
        """The non-empty cells up to the sheet's last value (read-only openpyxl, one pass)."""
        cells: dict[tuple[int, int], _Cell] = {}
        if not scan.last_row:
            return cells
        for row in ws.iter_rows(min_row=1, max_row=scan.last_row, max_col=scan.last_col):
            for c in row:
                value = getattr(c, "value", None)
                if value is None:
                    continue
                where = (c.row, c.column)
                data_type = c.data_type
                if data_type == "e" and where not in scan.errors and where in scan.big_numbers:
                    value, data_type = float(scan.big_numbers[where]), "n"  # a number, not a date: as typed
                if isinstance(value, str) and len(value) > limits.MAX_CELL_CHARS:
                    self.add(f"该格有 {len(value):,} 个字符，超过每格 {limits.MAX_CELL_CHARS:,} 个字符的上限",
                             ws.title, c.coordinate, "工作簿每格只填一项内容；长段文字请写进 sections/ 下相应部分的正文。",
                             code="cell.too_long")
                    value, data_type = _BROKEN, "e"
                cells[where] = _Cell(value, data_type, c.number_format or "")
        return cells

    def sheet(self, key: str) -> _Sheet | None:
        name = SHEETS[key]
        found = self.sheets.get(name) or next(
            (s for title, s in self.sheets.items() if _norm(title) == _norm(name)), None)
        if found is None:
            self.add(f"缺少工作表“{name}”", sheet=name,
                     hint="现有工作表：" + "、".join(self.titles) + "。" + _LAYOUT_HINT, code="workbook.sheet")
        return found

    # -- cells -----------------------------------------------------------------------

    def raw(self, sheet: _Sheet, row: int, col: int) -> tuple[Any, str, bool]:
        """(value, coordinate, percent_format) of a cell; value is _BROKEN if already reported."""
        coord = f"{get_column_letter(col)}{row}"
        origin = sheet.origin(row, col)
        cell = sheet.cell(row, col)
        value = None if cell is None else cell.value
        if value is _BROKEN:
            return _BROKEN, coord, False
        if origin in sheet.scan.formulas and value is None:
            self.add("该格是公式，但文件中没有保存计算结果（文件可能由其他程序生成，从未在 Excel/WPS 中打开过）",
                     sheet.name, coord, "请在 Excel 或 WPS 中打开该工作簿并保存一次，再重新运行；"
                     "或者把公式改为直接填写数值。", code="cell.formula")
            return _BROKEN, coord, False
        if cell is not None and cell.data_type == "e":
            if origin in sheet.scan.formulas:
                self.add(f"该格的公式计算出错（{value}）", sheet.name, coord,
                         "请修正公式或直接填写数值。", code="cell.error")
            else:
                self.add(f"该格是错误值 {value}，不是可用的数据", sheet.name, coord,
                         "请直接填写数值或文字。", code="cell.error")
            return _BROKEN, coord, False
        # formats unknown (.ods, .xls): a fraction in a % field is read as in a %-formatted cell
        percent_format = cell is not None and (cell.number_format is None or "%" in cell.number_format)
        return value, coord, percent_format

    def read(self, sheet: _Sheet, row: int, col: int, field: form.Field, *, name: str | None = None,
             required: bool | None = None, aliases: dict[str, str] | None = None) -> Value:
        value, coord, percent_format = self.raw(sheet, row, col)
        if value is _BROKEN:
            return None
        name = name or _field_name(field)
        required = field.required if required is None else required
        if is_blank(value):
            if required:
                self.add(f"“{name}”未填写，应为{spaced(expected_text(field))}", sheet.name, coord, field.hint or None,
                         code="cell.required")
            return None
        try:
            parsed = parse_field(field, value, percent_format=percent_format, epoch=self.epoch,
                                 aliases=aliases)
        except ValueProblem as vp:
            self.add(f"“{name}”{vp.message}", sheet.name, coord, field.hint or None, code="cell.value")
            return None
        if field.type is FieldType.PERCENT and isinstance(parsed, Decimal):
            if percent_is_fraction(value) and not percent_format:
                self.add(f"“{name}”填写的是小数 {display(value)}（在常规格式的格子里输入 {parsed}% 时就存为这个数），"
                         f"按 {parsed}% 读取", sheet.name, coord,
                         "如果本意不是这个百分数，请直接填写百分数，例如 92.5 表示 92.5%。",
                         code="cell.percent_fraction", severity=Severity.WARNING)
            elif 0 < parsed < 1:
                meant = normalise_decimal(parsed * 100)
                self.add(f"“{name}”填写了“{display(value)}”，按 {parsed}% 读取；若是指 {meant}%，请填写 {meant}",
                         sheet.name, coord, field.hint or None, code="cell.percent", severity=Severity.WARNING)
        restored = restored_leading_zero(value, field.type)
        if restored is not None:
            self.add(f"“{name}”是数字格式，开头的 0 丢失了（显示为 {display(value)}），按 {restored} 读取",
                     sheet.name, coord, "请把该格设为文本格式后重新输入号码，开头的 0 就不会丢失。",
                     code="cell.leading_zero", severity=Severity.WARNING)
        return parsed

    def row_is_blank(self, sheet: _Sheet, row: int, cols: Iterable[int]) -> bool:
        return all(is_blank(sheet.peek(row, c)) for c in cols)

    # -- table layout ----------------------------------------------------------------

    def find_header(self, sheet: _Sheet, anchor: str) -> int | None:
        """The row (in the first rows) that holds the column title ``anchor``."""
        for row in range(1, min(sheet.max_row, HEADER_SEARCH_ROWS) + 1):
            for col in range(1, sheet.max_column + 1):
                if _norm(sheet.peek(row, col)) == _norm(anchor):
                    return row
        return None

    def map_columns(self, sheet: _Sheet, header_row: int, columns: Sequence[Column]) -> dict[int, int] | None:
        """Column index (1-based) of each expected column, by title; None after reporting missing ones."""
        titles = {col: _norm(sheet.peek(header_row, col)) for col in range(1, sheet.max_column + 1)}
        found: dict[int, int] = {}
        missing = []
        for i, column in enumerate(columns):
            accepted = {_norm(column.title)}
            if column.year is None:
                accepted.add(_norm(column.field.label))
            col = next((c for c, t in titles.items() if t in accepted and c not in found.values()), None)
            if col is None:
                missing.append(column.title)
            else:
                found[i] = col
        if missing:
            self.add(f"工作表“{sheet.name}”第 {header_row} 行的表头缺少：" + "、".join(missing), sheet.name,
                     hint="表头应为：" + " | ".join(c.title for c in columns) + "。" + _LAYOUT_HINT,
                     code="workbook.header")
            return None
        return found

    def table(self, key: str, columns: Sequence[Column]) -> tuple[_Sheet, dict[int, int], list[int]] | None:
        """Locate a table sheet: (sheet, column map, non-blank data rows)."""
        sheet = self.sheet(key)
        if sheet is None:
            return None
        header_row = self.find_header(sheet, columns[0].title)
        if header_row is None:
            self.add(f"工作表“{sheet.name}”中找不到表头行（应以“{columns[0].title}”开头）", sheet.name,
                     hint="表头应为：" + " | ".join(c.title for c in columns) + "。" + _LAYOUT_HINT,
                     code="workbook.header")
            return None
        cols = self.map_columns(sheet, header_row, columns)
        if cols is None:
            return None
        rows = [r for r in range(header_row + 1, sheet.max_row + 1)
                if not self.row_is_blank(sheet, r, cols.values())]
        return sheet, cols, rows

    # -- the sheets ------------------------------------------------------------------

    def header(self) -> dict[str, Value]:
        values: dict[str, Value] = {}
        sheet = self.sheet("header")
        if sheet is None:
            return values
        header_row = self.find_header(sheet, "填写内容")
        cols = None
        if header_row is not None:
            titles = {_norm(sheet.peek(header_row, c)): c for c in range(1, sheet.max_column + 1)}
            cols = [titles.get(_norm(t)) for t in HEADER_SHEET_COLUMNS[:3]]
        if header_row is None or cols is None or None in cols:
            self.add(f"工作表“{sheet.name}”中找不到表头行（{' | '.join(HEADER_SHEET_COLUMNS)}）", sheet.name,
                     hint=_LAYOUT_HINT, code="workbook.header")
            return values
        group_col, label_col, value_col = cols
        assert group_col and label_col and value_col
        by_key: dict[tuple[str, str], list[int]] = {}
        by_label: dict[str, list[int]] = {}
        for row in range(header_row + 1, sheet.max_row + 1):
            label = _norm(sheet.peek(row, label_col))
            if label:
                by_key.setdefault((_norm(sheet.peek(row, group_col)), label), []).append(row)
                by_label.setdefault(label, []).append(row)
        label_counts: dict[str, int] = {}
        for f in form.HEADER_FIELDS:
            label_counts[_norm(f.label)] = label_counts.get(_norm(f.label), 0) + 1
        for f in form.HEADER_FIELDS:
            rows = by_key.get((_norm(f.group), _norm(f.label)))
            if rows is None and label_counts[_norm(f.label)] == 1:
                rows = by_label.get(_norm(f.label))
            if not rows:
                self.add(f"工作表“{sheet.name}”中找不到项目“{_field_name(f)}”所在的行", sheet.name,
                         hint="请不要删除或改写“分组”“项目”两列的文字。" + _LAYOUT_HINT, code="workbook.row")
                continue
            if len(rows) > 1:
                cells = "、".join(f"{get_column_letter(label_col)}{r}" for r in rows)
                self.add(f"项目“{_field_name(f)}”出现了 {len(rows)} 次（{cells}），只应有一行", sheet.name,
                         hint="请删除重复的行。", code="workbook.row")
                continue
            values[f.key] = self.read(sheet, rows[0], value_col, f)
            self.cells[f"header.{f.key}"] = (sheet.name, f"{get_column_letter(value_col)}{rows[0]}")
        return values

    def years(self, filled_on: Value) -> tuple[YearTotal, ...]:
        columns = year_sheet_columns()
        located = self.table("years", columns)
        if located is None:
            return ()
        sheet, cols, rows = located
        totals: list[YearTotal] = []
        year_cells: list[tuple[int, str]] = []
        for row in rows:
            year = self.read(sheet, row, cols[0], columns[0].field, name=YEAR_LABEL)
            prefix = f"{year}年" if isinstance(year, int) else ""
            vals = [year] + [self.read(sheet, row, cols[i], c.field, name=prefix + c.title)
                             for i, c in enumerate(columns) if i > 0]
            if not isinstance(year, int):
                continue
            if not 1949 < year < 2100:
                self.add(f"“{YEAR_LABEL}”填写了“{year}”，应为四位年份，例如 2021", sheet.name,
                         f"{get_column_letter(cols[0])}{row}", code="cell.value")
                continue
            year_cells.append((year, f"{get_column_letter(cols[0])}{row}"))
            self.cells[f"year.{year}"] = (sheet.name, f"{row}:{row}")
            for i, c in enumerate(columns[1:], start=1):
                self.cells[f"year.{year}.{c.field.key}"] = (sheet.name, f"{get_column_letter(cols[i])}{row}")
            totals.append(YearTotal(year, *vals[1:]))  # type: ignore[arg-type]
        if len(rows) != form.TRAINING_YEARS:
            self.add(f"“{sheet.name}”应填写 {form.TRAINING_YEARS} 个年度（填报时间之前三年），现有 {len(rows)} 行",
                     sheet.name, hint="每个年度一行，不要增删年度行。", code="years.count")
        elif len(year_cells) == form.TRAINING_YEARS:
            ordered = sorted(y for y, _ in year_cells)
            if ordered != list(range(ordered[0], ordered[0] + form.TRAINING_YEARS)):
                listing = "、".join(f"{cell}={y}" for y, cell in year_cells)
                self.add(f"“{sheet.name}”的年度应为连续的三年，现为 {listing}", sheet.name,
                         year_cells[0][1], hint="年度为填报时间之前的三年，如 2019、2020、2021。",
                         code="years.sequence")
            elif isinstance(filled_on, dt.date) and ordered != training_years(filled_on.year):
                expected = training_years(filled_on.year)
                self.add(f"“{sheet.name}”的年度为 {ordered[0]}—{ordered[-1]}，而填报时间是 {filled_on.year} 年，"
                         f"应为 {expected[0]}—{expected[-1]}", sheet.name, year_cells[0][1],
                         hint="培训总量取填报年份之前三年；请核对年度或填报时间。", code="years.filled_on",
                         severity=Severity.WARNING)
        return tuple(sorted(totals, key=lambda t: t.year))

    def occupations(self, years: Sequence[int]) -> tuple[Occupation, ...]:
        sheet = self.sheet("occupations")
        if sheet is None:
            return ()
        name_col = form.OCCUPATION_COLUMNS[0]
        header_row = self.find_header(sheet, column_title(name_col))
        if header_row is None:
            self.add(f"工作表“{sheet.name}”中找不到表头行（应以“{column_title(name_col)}”开头）", sheet.name,
                     hint=_LAYOUT_HINT, code="workbook.header")
            return ()
        sheet_years = self._occupation_years(sheet, header_row)
        if years and sheet_years != list(years):
            shown = "、".join(map(str, sheet_years)) or "（无）"
            self.add(f"工作表“{sheet.name}”表头中的年度（{shown}）与“{SHEETS['years']}”的年度"
                     f"（{'、'.join(map(str, years))}）不一致", sheet.name,
                     hint="每个年度应有“培训数量”“高级工及以上数量”两列，表头写明年份，如 2021年培训数量（人次）。",
                     code="workbook.header")
            return ()
        columns = occupation_sheet_columns(sheet_years)
        cols = self.map_columns(sheet, header_row, columns)
        if cols is None:
            return ()
        rows = [r for r in range(header_row + 1, sheet.max_row + 1)
                if not self.row_is_blank(sheet, r, cols.values())]
        for i, c in enumerate(columns):  # column letters, for findings that name cells
            key = f"occupations.{c.year}.{c.field.key}" if c.year is not None else f"occupations.{c.field.key}"
            self.cells[key] = (sheet.name, get_column_letter(cols[i]))
        result: list[Occupation] = []
        seen: dict[str, str] = {}
        for row in rows:
            vals = [self.read(sheet, row, cols[i], c.field, name=c.title,
                              required=True if c.year is not None else None)
                    for i, c in enumerate(columns)]
            name = vals[0]
            if isinstance(name, str):
                key = _norm(name)
                coord = f"{get_column_letter(cols[0])}{row}"
                if key in seen:
                    self.add(f"职业（工种）“{name}”重复（与 {seen[key]} 相同）", sheet.name, coord,
                             hint="每个职业（工种）只填一行。", code="occupation.duplicate")
                    continue
                seen[key] = coord
            per_year = tuple(OccupationYear(y, vals[1 + 2 * i], vals[2 + 2 * i])  # type: ignore[arg-type]
                             for i, y in enumerate(sheet_years))
            if isinstance(name, str):
                result.append(Occupation(name, per_year, vals[-2], vals[-1], row))  # type: ignore[arg-type]
        if not rows:
            self.add(f"工作表“{sheet.name}”还没有填写职业（工种）", sheet.name,
                     f"{get_column_letter(cols[0])}{header_row + 1}",
                     hint="申报书须写明申报职业；每个职业（工种）一行。", code="occupation.none")
        return tuple(result)

    def _occupation_years(self, sheet: _Sheet, header_row: int) -> list[int]:
        per_year = re.compile(r"(\d{4})年?(.+)")
        labels = {_norm(f.label) for f in form.YEAR_COLUMNS[:2]}
        found: list[int] = []
        for col in range(1, sheet.max_column + 1):
            m = per_year.fullmatch(_norm(sheet.peek(header_row, col)))
            if m and re.sub(r"\(.*\)$", "", m.group(2)) in labels and int(m.group(1)) not in found:
                found.append(int(m.group(1)))
        return sorted(found)

    def experts(self, occupations: Sequence[Occupation], occupations_known: bool) -> tuple[Expert, ...]:
        columns = expert_sheet_columns()
        located = self.table("experts", columns)
        if located is None:
            return ()
        sheet, cols, rows = located
        for i, c in enumerate(columns):
            self.cells[f"experts.{c.field.key}"] = (sheet.name, get_column_letter(cols[i]))
        names = {_norm(o.name): o.name for o in occupations}
        result = []
        for row in rows:
            vals = [self.read(sheet, row, cols[i], c.field, name=c.title) for i, c in enumerate(columns)]
            name, occupation, category, employer, title = vals
            if isinstance(occupation, str) and occupations_known:
                canonical = names.get(_norm(occupation))
                if canonical is None:
                    listed = "、".join(o.name for o in occupations) or "（还没有填写）"
                    self.add(f"职业（工种）“{occupation}”不在“{SHEETS['occupations']}”表中", sheet.name,
                             f"{get_column_letter(cols[1])}{row}",
                             hint=f"应为其中之一：{listed}。", code="expert.occupation")
                    continue
                occupation = canonical
            if all(isinstance(v, str) for v in (name, occupation, category)):
                result.append(Expert(name, occupation, category, employer or "", title or "", row))  # type: ignore[arg-type]
        return tuple(result)

    def evidence(self) -> tuple[EvidenceItem, ...]:
        columns = evidence_sheet_columns()
        located = self.table("evidence", columns)
        if located is None:
            return ()
        sheet, cols, rows = located
        index = {c.field.key: i for i, c in enumerate(columns)}
        aliases = evidence_part_aliases()
        seen: dict[str, str] = {}
        result = []
        for row in rows:
            vals = {c.field.key: self.read(sheet, row, cols[i], c.field, name=c.title,
                                           aliases=aliases if c.field.key == "part" else None)
                    for i, c in enumerate(columns)}
            code = vals["code"]
            code_cell = f"{get_column_letter(cols[index['code']])}{row}"
            if isinstance(code, str):
                code = unicodedata.normalize("NFKC", code).strip()
                if re.search(r"[\s\"'“”‘’(){}]", code):
                    self.add(f"编号“{code}”中不能有空格、引号或括号", sheet.name, code_cell,
                             hint="编号如 E01、E02，正文用 {{ 证明(\"E01\") }} 引用。", code="evidence.code")
                    code = None
                elif code in seen:
                    self.add(f"编号“{code}”重复（与 {seen[code]} 相同）", sheet.name, code_cell,
                             hint="每份证明材料的编号必须不同。", code="evidence.duplicate")
                    code = None
                else:
                    seen[code] = code_cell
            files_raw = vals["files"]
            files: list[Path] = []
            if isinstance(files_raw, str):
                for text in split_paths(files_raw):
                    p = Path(text)
                    files.append(p if p.is_absolute() else Path(os.path.normpath(self.root / p)))
                if not files:
                    self.add("“文件”只有分隔符，没有文件路径", sheet.name,
                             f"{get_column_letter(cols[index['files']])}{row}",
                             hint=columns[index["files"]].field.hint, code="evidence.files")
            if isinstance(code, str) and isinstance(vals["title"], str) and files \
                    and isinstance(vals["part"], str):
                password = vals["password"]
                result.append(EvidenceItem(code, vals["title"], vals["part"], tuple(files),
                                           vals["note"] or "", password or None, row))  # type: ignore[arg-type]
        return tuple(result)


def load_application(path: Path, root: Path) -> tuple[Application, list[Problem]]:
    """Load and check the applicant workbook; return the typed application and warnings.

    Every problem in the workbook is collected; if any is an error, one
    :class:`~skilldoc.errors.InputError` lists them all (warnings included).
    Each problem names the workbook (relative to ``root``), the sheet and the
    cell.  Relative evidence paths are resolved against ``root``.
    """
    app, problems = read_application(path, root)
    errors = errors_in(problems)
    if errors:
        raise InputError(f"工作簿 {_relative_name(Path(path), Path(root))} 有 {len(errors)} 处需要修改", problems)
    return app, warnings_in(problems)


def read_application(path: Path, root: Path) -> tuple[Application, list[Problem]]:
    """Like :func:`load_application`, but cell errors are returned, not raised.

    The application then holds what could be read (a value in error is None, a
    row in error is left out), so that templates and evidence files can still
    be checked in the same run.  Raises :class:`InputError` only when the
    workbook cannot be opened at all.
    """
    loader = _Loader(Path(path), Path(root))
    loader.open()
    header = loader.header()
    years = loader.years(header.get("filled_on"))
    year_problems = any(p.code in ("years.count", "years.sequence") for p in loader.problems)
    year_numbers = [y.year for y in years] if len(years) == form.TRAINING_YEARS and not year_problems else []
    errors_before = len(errors_in(loader.problems))
    occupations = loader.occupations(year_numbers)
    occupations_known = SHEETS["occupations"] in loader.sheets and not any(
        p.code in ("workbook.header",) and p.location and p.location.sheet == SHEETS["occupations"]
        for p in loader.problems[errors_before:])
    experts = loader.experts(occupations, occupations_known)
    evidence = loader.evidence()
    app = Application(Header(header), years, occupations, experts, evidence, source=Path(path),
                      cells=dict(loader.cells))
    return app, list(loader.problems)
