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
import re
import tempfile
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from . import form
from .errors import InputError, Location, OutputError, Problem, Severity, errors_in, warnings_in
from .form import FieldType
from .model import Application, EvidenceItem, Expert, Header, Occupation, OccupationYear, Value, YearTotal
from .values import (
    ValueProblem,
    display,
    evidence_part_aliases,
    expected_text,
    is_blank,
    normalise_decimal,
    parse_field,
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
    _write_atomically(path, _fixed_zip(raw.getvalue(), (year, 1, 1, 0, 0, 0)))


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


def _fixed_zip(data: bytes, date_time: tuple[int, int, int, int, int, int]) -> bytes:
    """Re-pack a zip with every entry's timestamp fixed (zipfile stamps the current time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=date_time)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info))
    return out.getvalue()


def _write_atomically(path: Path, data: bytes) -> None:
    try:
        fd, tmp = tempfile.mkstemp(prefix=".~", suffix=".xlsx.tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
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


class _Sheet:
    """One worksheet read twice (cached values and formulas), with merged cells resolved."""

    def __init__(self, values: Worksheet, formulas: Worksheet) -> None:
        self.name = values.title
        self.values = values
        self.formulas = formulas
        self.merged: dict[tuple[int, int], tuple[int, int]] = {}
        for rng in values.merged_cells.ranges:
            for row in range(rng.min_row, rng.max_row + 1):
                for col in range(rng.min_col, rng.max_col + 1):
                    self.merged[(row, col)] = (rng.min_row, rng.min_col)

    @property
    def max_row(self) -> int:
        return self.values.max_row

    def origin(self, row: int, col: int) -> tuple[int, int]:
        return self.merged.get((row, col), (row, col))

    def peek(self, row: int, col: int) -> Any:
        """The cached value (top-left of a merged range), no checks."""
        r, c = self.origin(row, col)
        return self.values.cell(row=r, column=c).value


class _Loader:
    def __init__(self, path: Path, root: Path) -> None:
        self.path = path
        self.file = _relative_name(path, root)
        self.root = Path(os.path.abspath(root))
        self.problems: list[Problem] = []
        self.epoch = 1900
        self.sheets: dict[str, _Sheet] = {}
        self.cells: dict[str, tuple[str, str]] = {}  # "header.<key>" / "year.<year>" → (sheet, cell)

    # -- problems --------------------------------------------------------------------

    def add(self, message: str, sheet: str | None = None, cell: str | None = None, hint: str | None = None,
            code: str = "workbook", severity: Severity = Severity.ERROR) -> None:
        self.problems.append(Problem(message, Location(self.file, sheet=sheet, cell=cell), hint,
                                     severity, code))

    # -- opening ---------------------------------------------------------------------

    def open(self) -> None:
        if not self.path.is_file():
            raise InputError(f"找不到工作簿 {self.file}", [Problem(
                f"找不到工作簿 {self.file}", Location(self.file),
                "请先运行 skilldoc init 创建申报文件夹，或确认文件名为 " + form.LAYOUT.workbook,
                code="workbook.missing")])
        try:
            with warnings.catch_warnings():
                # openpyxl warns about parts it drops on reading (WPS extensions, slicers, …);
                # none of them carry data we read.
                warnings.simplefilter("ignore")
                values = load_workbook(self.path, data_only=True)
                formulas = load_workbook(self.path, data_only=False)
        except Exception as exc:  # openpyxl raises many types for damaged or foreign files
            raise InputError(f"无法读取工作簿 {self.file}", [Problem(
                f"无法按 .xlsx 格式读取该文件（{type(exc).__name__}: {exc}）", Location(self.file),
                "请确认文件是 Excel 2007 及以后的 .xlsx 格式（不是 .xls、.et、.csv），且没有设置打开密码。"
                + _OPEN_HINT, code="workbook.unreadable")]) from exc
        self.epoch = 1904 if values.epoch.year == 1904 else 1900
        for ws in values.worksheets:
            self.sheets[ws.title] = _Sheet(ws, formulas[ws.title])

    def sheet(self, key: str) -> _Sheet | None:
        name = SHEETS[key]
        found = self.sheets.get(name) or next(
            (s for title, s in self.sheets.items() if _norm(title) == _norm(name)), None)
        if found is None:
            self.add(f"缺少工作表“{name}”", sheet=name,
                     hint="现有工作表：" + "、".join(self.sheets) + "。" + _LAYOUT_HINT, code="workbook.sheet")
        return found

    # -- cells -----------------------------------------------------------------------

    def raw(self, sheet: _Sheet, row: int, col: int) -> tuple[Any, str, bool]:
        """(value, coordinate, percent_format) of a cell; value is _BROKEN if already reported."""
        r, c = sheet.origin(row, col)
        coord = f"{get_column_letter(col)}{row}"
        cell = sheet.values.cell(row=r, column=c)
        value = cell.value
        formula = sheet.formulas.cell(row=r, column=c)
        if formula.data_type == "f" and value is None:
            self.add("该格是公式，但文件中没有保存计算结果（文件可能由其他程序生成，从未在 Excel/WPS 中打开过）",
                     sheet.name, coord, "请在 Excel 或 WPS 中打开该工作簿并保存一次，再重新运行；"
                     "或者把公式改为直接填写数值。", code="cell.formula")
            return _BROKEN, coord, False
        if cell.data_type == "e":
            self.add(f"该格的公式计算出错（{value}）", sheet.name, coord,
                     "请修正公式或直接填写数值。", code="cell.error")
            return _BROKEN, coord, False
        return value, coord, "%" in (cell.number_format or "")

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
        if field.type is FieldType.PERCENT and isinstance(parsed, Decimal) and 0 < parsed < 1 \
                and not percent_format:
            meant = normalise_decimal(parsed * 100)
            self.add(f"“{name}”填写了“{display(value)}”，按 {parsed}% 读取；若是指 {meant}%，请填写 {meant}",
                     sheet.name, coord, field.hint or None, code="cell.percent", severity=Severity.WARNING)
        return parsed

    def row_is_blank(self, sheet: _Sheet, row: int, cols: Iterable[int]) -> bool:
        return all(is_blank(sheet.peek(row, c)) for c in cols)

    # -- table layout ----------------------------------------------------------------

    def find_header(self, sheet: _Sheet, anchor: str) -> int | None:
        """The row (in the first rows) that holds the column title ``anchor``."""
        for row in range(1, min(sheet.max_row, HEADER_SEARCH_ROWS) + 1):
            for col in range(1, sheet.values.max_column + 1):
                if _norm(sheet.peek(row, col)) == _norm(anchor):
                    return row
        return None

    def map_columns(self, sheet: _Sheet, header_row: int, columns: Sequence[Column]) -> dict[int, int] | None:
        """Column index (1-based) of each expected column, by title; None after reporting missing ones."""
        titles = {col: _norm(sheet.peek(header_row, col)) for col in range(1, sheet.values.max_column + 1)}
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
            titles = {_norm(sheet.peek(header_row, c)): c for c in range(1, sheet.values.max_column + 1)}
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
        for col in range(1, sheet.values.max_column + 1):
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
