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
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from . import form
from .errors import Location, OutputError, Problem
from .form import FieldType

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


def write_workbook(path: Path, year: int) -> None:
    """Write the starter applicant workbook for the 填报 year ``year`` to ``path``.

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
