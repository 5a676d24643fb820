"""The reviewer's workbooks: the one module of the review package that imports openpyxl.

It knows cells, styles and files, not applications: the callers build
:class:`Table`/:class:`TextSheet` contents (or a :class:`ScoreSheetSpec`) and
this module lays them out — frozen header, filters, widths that fit the text,
conditional colours, data validation, sheet protection — and writes them with
fixed dates and zip timestamps, so the same contents give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from .. import fileio, limits
from ..errors import InputError, Location, OutputError, Problem
from ..reproducible import zip_bytes

FONT_NAME = "宋体"
FONT = Font(name=FONT_NAME, size=11)
BOLD = Font(name=FONT_NAME, size=11, bold=True)
TITLE = Font(name=FONT_NAME, size=14, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
LOCKED_FILL = PatternFill("solid", fgColor="EDEDED")
_THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)

GOOD = PatternFill("solid", fgColor="C6EFCE", bgColor="C6EFCE")
BAD = PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE")
WARN = PatternFill("solid", fgColor="FFEB9C", bgColor="FFEB9C")
GOOD_FONT = Font(color="006100")
BAD_FONT = Font(color="9C0006")
WARN_FONT = Font(color="9C5700")

MAX_WIDTH = 60  # characters; longer text wraps
META_SHEET = "skilldoc"  # hidden sheet of a score sheet: what it belongs to


def text_width(text: str) -> int:
    """Column width in Excel units: wide (CJK) characters take two."""
    return max((sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
                for line in text.splitlines() or [""]), default=0)


# --- generic tables ----------------------------------------------------------------------------

Value = str | int | Decimal | float | None


@dataclass(frozen=True)
class Column:
    """A column of a table; ``colour`` names the conditional colouring of its cells.

    ``status``: 达标/推荐 green, 未达标/不推荐/无法读取 red, 未核对 yellow; ``errors``: > 0 red;
    ``warnings``: > 0 yellow; ``limit`` (with a number): above it red, at 95% of it yellow;
    ``flag``: any text yellow.
    """

    title: str
    colour: str = ""
    limit: int | None = None
    width: float | None = None  # fixed width; default: fit the contents
    number_format: str = ""


@dataclass
class Table:
    name: str  # sheet name
    columns: Sequence[Column]
    rows: Sequence[Sequence[Value]]
    frozen_columns: int = 0  # columns kept in view when scrolling right
    notes: Sequence[str] = ()  # lines written under the table


@dataclass
class TextSheet:
    name: str
    lines: Sequence[str]


def _fit(values: Sequence[Value], title: str) -> float:
    longest = max([text_width(title)] + [text_width(_display(v)) for v in values])
    return float(min(MAX_WIDTH, max(6, longest + 2)))


def _display(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")  # control characters a worksheet cannot hold
EXCEL_MAX_TEXT = 32_767  # characters in one cell


def _cell_value(value: Value) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, str):
        value = _ILLEGAL.sub("", value)
        return value if len(value) <= EXCEL_MAX_TEXT else value[:EXCEL_MAX_TEXT - 1] + "…"
    return value


def put(cell: Any, value: Value) -> None:
    """Set a cell; text is always text — an applicant's ``=HYPERLINK(…)`` never becomes a formula."""
    cell.value = _cell_value(value)
    if isinstance(cell.value, str):
        cell.data_type = "s"


def _landscape(ws: Worksheet, title_rows: str, *, one_page_wide: bool = False) -> None:
    """Printed: landscape A4, the header rows repeated on every page (score sheets: one page wide)."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    if one_page_wide:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
    ws.print_title_rows = title_rows


def _lines(text: str, width: float) -> int:
    """Lines ``text`` takes wrapped in a column ``width`` wide (a unit of margin)."""
    return math.ceil(text_width(text) / max(1.0, width - 1))


def _write_table(ws: Worksheet, table: Table) -> None:
    _landscape(ws, "1:1")
    header_lines = 1
    for col, column in enumerate(table.columns, start=1):
        cell = ws.cell(row=1, column=col)
        put(cell, column.title)
        cell.font, cell.fill, cell.border, cell.alignment = BOLD, HEADER_FILL, BORDER, CENTER
        letter = get_column_letter(col)
        width = column.width or _fit([r[col - 1] for r in table.rows], column.title)
        ws.column_dimensions[letter].width = width
        header_lines = max(header_lines, _lines(column.title, width))
    if header_lines > 1:  # a wrapped title is cut off unless its row is tall enough
        ws.row_dimensions[1].height = 16 * header_lines
    for r, row in enumerate(table.rows, start=2):
        for col, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=col)
            put(cell, value)
            cell.font, cell.border = FONT, BORDER
            cell.alignment = WRAP
            fmt = table.columns[col - 1].number_format
            if fmt:
                cell.number_format = fmt
    last_row = max(2, len(table.rows) + 1)
    last_col = get_column_letter(len(table.columns))
    ws.freeze_panes = ws.cell(row=2, column=table.frozen_columns + 1)
    ws.auto_filter.ref = f"A1:{last_col}{last_row}"
    for col, column in enumerate(table.columns, start=1):
        _colour(ws, column, f"{get_column_letter(col)}2:{get_column_letter(col)}{last_row}")
    for i, note in enumerate(table.notes):
        put(ws.cell(row=last_row + 2 + i, column=1), note)
        ws.cell(row=last_row + 2 + i, column=1).font = FONT


def _colour(ws: Worksheet, column: Column, ref: str) -> None:
    first = ref.split(":")[0]
    cf = ws.conditional_formatting
    if column.colour == "status":
        for word, fill, font in (("未达标", BAD, BAD_FONT), ("不推荐", BAD, BAD_FONT), ("无法", BAD, BAD_FONT),
                                 ("未核对", WARN, WARN_FONT), ("达标", GOOD, GOOD_FONT), ("推荐", GOOD, GOOD_FONT)):
            cf.add(ref, FormulaRule(formula=[f'ISNUMBER(SEARCH("{word}",{first}))'], fill=fill, font=font,
                                    stopIfTrue=True))
    elif column.colour == "errors":
        cf.add(ref, CellIsRule(operator="greaterThan", formula=["0"], fill=BAD, font=BAD_FONT))
    elif column.colour == "warnings":
        cf.add(ref, CellIsRule(operator="greaterThan", formula=["0"], fill=WARN, font=WARN_FONT))
    elif column.colour == "limit" and column.limit:
        cf.add(ref, CellIsRule(operator="greaterThan", formula=[str(column.limit)], fill=BAD, font=BAD_FONT,
                               stopIfTrue=True))
        near = int(column.limit * 95 / 100)
        cf.add(ref, CellIsRule(operator="greaterThanOrEqual", formula=[str(near)], fill=WARN, font=WARN_FONT))
    elif column.colour == "flag":
        cf.add(ref, FormulaRule(formula=[f'LEN({first})>0'], fill=WARN, font=WARN_FONT))


def _write_text(ws: Worksheet, sheet: TextSheet) -> None:
    width = 10.0
    for r, line in enumerate(sheet.lines, start=1):
        cell = ws.cell(row=r, column=1)
        put(cell, line)
        cell.font = BOLD if r == 1 else FONT
        width = max(width, min(float(MAX_WIDTH * 2), text_width(line) + 2.0))
    ws.column_dimensions["A"].width = width


def sheet_title(text: str, taken: set[str]) -> str:
    """A valid, unique sheet name (≤ 31 characters, none of []:*?/\\)."""
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in _ILLEGAL.sub("", text)).strip("'") or "Sheet"
    name = clean[:31]
    n = 2
    while name.lower() in taken:
        suffix = f"~{n}"
        name = clean[:31 - len(suffix)] + suffix
        n += 1
    taken.add(name.lower())
    return name


def write_tables(path: Path, sheets: Sequence[Table | TextSheet], *, title: str, when: dt.datetime) -> None:
    """Write ``sheets`` (tables and text) to the workbook ``path``, deterministically and atomically."""
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for sheet in sheets:
        ws = wb.create_sheet(sheet_title(sheet.name, taken))
        if isinstance(sheet, Table):
            _write_table(ws, sheet)
        else:
            _write_text(ws, sheet)
    _save(wb, path, title, when)


# --- score sheets ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreCell:
    low: int
    high: int
    fixed: bool  # filled in and locked
    note: str  # the input message: how the range was derived


@dataclass(frozen=True)
class ScoreRow:
    app_id: str
    source: str
    name: str
    cells: Sequence[ScoreCell]  # one per item


@dataclass(frozen=True)
class ScoreSheetSpec:
    title: str  # the rubric's name
    rubric_key: str
    variant: str
    expert_no: int
    item_ids: Sequence[str]
    headings: Sequence[str]  # 培训成果·上年度培训量（10分）
    points: Sequence[int]
    rows: Sequence[ScoreRow]
    guide: Sequence[tuple[str, str, str]] = ()  # (heading, 评审细则, 佐证材料) for the 评审细则 sheet


SCORE_SHEET = "评分"
GUIDE_SHEET = "评审细则"
FIRST_ROW = 6  # the first application row
ID_ROW = 4  # hidden: item ids
EXPERT_CELL = "B2"
FIXED_COLUMNS = ("编号", "来源", "申报单位名称")
ITEM_WIDTH = 12.0  # the column of an item's scores


def write_score_sheet(path: Path, spec: ScoreSheetSpec, *, when: dt.datetime) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = SCORE_SHEET
    n_items = len(spec.item_ids)
    first_item_col = len(FIXED_COLUMNS) + 1
    total_col = first_item_col + n_items
    comment_col = total_col + 1

    put(ws["A1"], f"{spec.title} 评分表（第 {spec.expert_no} 位专家）")
    ws["A1"].font = TITLE
    ws.cell(row=2, column=1, value="评审专家").font = BOLD
    expert = ws[EXPERT_CELL]
    expert.fill, expert.border, expert.protection = INPUT_FILL, BORDER, Protection(locked=False)
    ws.cell(row=2, column=3, value="黄色单元格填写分数（灰色为按申报数据确定的分数，已锁定）；"
                                   "鼠标停在单元格上可看到该项允许的分数范围。").font = FONT

    titles = [*FIXED_COLUMNS, *spec.headings, "合计", "评语"]
    for col, text in enumerate(titles, start=1):
        cell = ws.cell(row=3, column=col)
        put(cell, text)
        cell.font, cell.fill, cell.border, cell.alignment = BOLD, HEADER_FILL, BORDER, CENTER
    for col, item_id in enumerate(spec.item_ids, start=first_item_col):
        put(ws.cell(row=ID_ROW, column=col), item_id)
    ws.cell(row=ID_ROW, column=1, value="#item")
    ws.row_dimensions[ID_ROW].hidden = True
    ws.cell(row=5, column=1, value="满分").font = BOLD
    for col, pts in enumerate(spec.points, start=first_item_col):
        cell = ws.cell(row=5, column=col, value=pts)
        cell.font, cell.alignment, cell.border = BOLD, CENTER, BORDER
    ws.cell(row=5, column=total_col, value=sum(spec.points)).font = BOLD
    # item headings wrap in their ITEM_WIDTH columns (bold CJK: about 2 width units a character plus margins)
    lines = max((_lines(h, ITEM_WIDTH) for h in spec.headings), default=3)
    ws.row_dimensions[3].height = max(48, 16 * lines)

    validations: dict[tuple[int, int, bool], DataValidation] = {}
    for r, row in enumerate(spec.rows, start=FIRST_ROW):
        for col, value in enumerate((row.app_id, row.source, row.name), start=1):
            cell = ws.cell(row=r, column=col)
            put(cell, value)
            cell.font, cell.border = FONT, BORDER
        for col, sc in enumerate(row.cells, start=first_item_col):
            cell = ws.cell(row=r, column=col)
            cell.border, cell.alignment = BORDER, CENTER
            if sc.fixed:
                cell.value = sc.low
                cell.fill = LOCKED_FILL
                cell.protection = Protection(locked=True)
            else:
                cell.fill = INPUT_FILL
                cell.protection = Protection(locked=False)
            key = (sc.low, sc.high, sc.fixed)
            dv = validations.get(key)
            if dv is None:
                dv = DataValidation(type="decimal", operator="between", formula1=str(sc.low),
                                    formula2=str(sc.high), allow_blank=True)
                span = f"{sc.low}" if sc.low == sc.high else f"{sc.low}–{sc.high}"
                dv.error = f"该项分数应为 {span} 分。" if sc.low == sc.high else f"该项分数应在 {span} 分之间。"
                dv.errorTitle = "分数超出范围"
                dv.showErrorMessage = True
                dv.prompt = f"允许 {span} 分"
                dv.promptTitle = "分数范围"
                dv.showInputMessage = True
                validations[key] = dv
                ws.add_data_validation(dv)
            dv.add(cell)
            if sc.note:
                cell.comment = Comment(sc.note, "skilldoc", width=260, height=80)
        first = get_column_letter(first_item_col)
        last = get_column_letter(total_col - 1)
        total = ws.cell(row=r, column=total_col, value=f"=SUM({first}{r}:{last}{r})")
        total.font, total.border, total.alignment = BOLD, BORDER, CENTER
        remark = ws.cell(row=r, column=comment_col)
        remark.fill, remark.border, remark.alignment = INPUT_FILL, BORDER, WRAP
        remark.protection = Protection(locked=False)

    widths = [6.0, _fit([r.source for r in spec.rows], "来源"), _fit([r.name for r in spec.rows], "申报单位名称")]
    widths += [ITEM_WIDTH] * n_items + [8.0, 40.0]
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=first_item_col)
    _landscape(ws, "3:5", one_page_wide=True)
    ws.protection.sheet = True  # locked cells (the pre-filled scores, titles) cannot be edited
    ws.protection.formatColumns = False
    ws.protection.formatRows = False

    guide = wb.create_sheet(GUIDE_SHEET)
    for col, (text, width) in enumerate((("评审项目", 28), ("评审细则", 80), ("佐证材料", 60)), start=1):
        cell = guide.cell(row=1, column=col, value=text)
        cell.font, cell.fill, cell.border = BOLD, HEADER_FILL, BORDER
        guide.column_dimensions[get_column_letter(col)].width = width
    for r, line in enumerate(spec.guide, start=2):
        for col, text in enumerate(line, start=1):
            cell = guide.cell(row=r, column=col)
            put(cell, text)
            cell.font, cell.alignment, cell.border = FONT, WRAP, BORDER
    guide.freeze_panes = "A2"

    meta = wb.create_sheet(META_SHEET)
    meta_rows: list[tuple[str, Value]] = [("rubric", spec.rubric_key), ("variant", spec.variant),
                                          ("expert", spec.expert_no)]
    for r, (k, v) in enumerate(meta_rows, start=1):
        put(meta.cell(row=r, column=1), k)
        put(meta.cell(row=r, column=2), v)
    meta.sheet_state = "hidden"
    wb.active = 0
    _save(wb, path, f"{spec.title} 评分表", when)


@dataclass
class FilledSheet:
    """A score sheet as an expert returned it (values as typed: numbers, text or None)."""

    path: Path
    expert: str
    rubric_key: str
    variant: str
    item_ids: list[str]
    rows: list[tuple[str, str, str, list[object], str]] = field(default_factory=list)
    # (app_id, source, name, one value per item, 评语)


def read_score_sheet(path: Path) -> FilledSheet:
    """Read back a filled score sheet; raise InputError naming the file when it is not one.

    Bounded: the file size and its inflated size are checked before openpyxl parses it
    (``limits.SCORE_SHEET_*``), and it is read in read-only mode, row by row.
    """
    def fail(message: str, hint: str = "请使用 skilldoc review --score-sheets 生成的评分表") -> InputError:
        return InputError("评分表无法读取", [Problem(message, Location(str(path)), hint, code="scores.sheet")])

    try:
        kind = limits.file_kind(path)
    except OSError:
        raise fail("文件不存在", "检查路径") from None
    if kind is not None:
        raise fail(f"这是{kind}，不是评分表文件")
    if path.stat().st_size > limits.SCORE_SHEET_MAX_FILE:
        raise fail(f"文件超过 {limits.SCORE_SHEET_MAX_FILE // limits.MiB} MB，不像评分表")
    try:
        with zipfile.ZipFile(path) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        raise fail("不是有效的 Excel 工作簿（.xlsx）") from None
    if inflated > limits.SCORE_SHEET_MAX_INFLATED:
        raise fail(f"解压后超过 {limits.SCORE_SHEET_MAX_INFLATED // limits.MiB} MB，不像评分表")
    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise fail(f"不是有效的 Excel 工作簿（{type(exc).__name__}）") from None
    try:
        if SCORE_SHEET not in wb.sheetnames or META_SHEET not in wb.sheetnames:
            raise fail(f"缺少“{SCORE_SHEET}”工作表或评分表信息，不是 skilldoc 生成的评分表")
        meta = {str(r[0]): r[1] for r in wb[META_SHEET].iter_rows(max_row=10, max_col=2, values_only=True)
                if r and r[0]}
        rows = wb[SCORE_SHEET].iter_rows(values_only=True)
        head: list[tuple[object, ...]] = [tuple(next(rows, ())) for _ in range(FIRST_ROW - 1)]
        expert_value = head[1][1] if len(head[1]) > 1 else None
        expert = str(expert_value).strip() if expert_value not in (None, "") else ""
        if not expert:
            expert = f"第 {meta.get('expert', '?')} 位专家（{path.stem}）"
        ids: list[str] = []
        for value in head[ID_ROW - 1][len(FIXED_COLUMNS):]:
            if value in (None, ""):
                break
            ids.append(str(value))
        width = len(FIXED_COLUMNS) + len(ids) + 2
        sheet = FilledSheet(path, expert, str(meta.get("rubric", "")), str(meta.get("variant") or ""), ids)
        for n, raw in enumerate(rows, start=FIRST_ROW):
            if n - FIRST_ROW >= limits.SCORE_SHEET_MAX_ROWS:
                raise fail(f"评分表超过 {limits.SCORE_SHEET_MAX_ROWS} 行")
            row = list(raw[:width]) + [None] * (width - len(raw))
            if row[0] in (None, ""):
                continue
            values = [v.strip() if isinstance(v, str) else v for v in row[len(FIXED_COLUMNS):width - 2]]
            remark = row[width - 1]
            sheet.rows.append((str(row[0]), str(row[1] or ""), str(row[2] or ""), values,
                               str(remark).strip() if remark else ""))
        return sheet
    finally:
        wb.close()


# --- saving ----------------------------------------------------------------------------------


def _save(wb: Workbook, path: Path, title: str, when: dt.datetime) -> None:
    stamp = when.replace(tzinfo=None, microsecond=0)
    props = wb.properties
    props.creator = "skilldoc"
    props.lastModifiedBy = "skilldoc"
    props.title = title
    props.created = stamp
    props.modified = stamp
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()  # unlike save_workbook, keeps props.modified as set
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    write_atomically(path, zip_bytes(raw.getvalue(), date_time))


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` beside ``path`` and move it into place (OutputError naming the file on failure)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fileio.write_atomically(path, data)
    except OSError as exc:
        raise OutputError(problems=[Problem(
            f"无法写入：{exc.strerror or exc}", Location(str(path)),
            hint="请确认文件夹存在且可写，并且该文件没有在 Excel/WPS/Word 中打开；或用 -o 指定另一个文件夹",
            code="output.review")]) from None
