"""The applicant workbook: what write_workbook writes, and load_application reading it back."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from skilldoc import form
from skilldoc.errors import InputError, Problem, Severity
from skilldoc.workbook import SHEETS, load_application, training_years, write_workbook

RESOURCES = Path(__file__).resolve().parent / "resources"
_spec = importlib.util.spec_from_file_location("make_workbook_resources",
                                               RESOURCES / "make_workbook_resources.py")
assert _spec and _spec.loader
res = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(res)

WB = form.LAYOUT.workbook
REQUIRED_HEADER = [f for f in form.HEADER_FIELDS if f.required]


@pytest.fixture
def blank(tmp_path: Path) -> Path:
    path = tmp_path / WB
    write_workbook(path, res.YEAR)
    return path


@pytest.fixture
def filled(blank: Path) -> Path:
    res.fill(blank)
    return blank


def load(path: Path):
    return load_application(path, path.parent)


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(InputError) as info:
        load(path)
    return info.value.problems


def cells(problems: list[Problem]) -> set[str]:
    return {f"{p.location.sheet}!{p.location.cell}" for p in problems if p.location and p.location.cell}


def edit(path: Path, sheet: str, changes: dict[str, object]) -> None:
    wb = load_workbook(path)
    for coord, value in changes.items():
        wb[sheet][coord] = value
    wb.save(path)


H = SHEETS["header"]
Y = SHEETS["years"]
OCC = SHEETS["occupations"]
X = SHEETS["experts"]
E = SHEETS["evidence"]


# --- the starter workbook ----------------------------------------------------------------


def test_starter_workbook_layout(blank: Path):
    wb = load_workbook(blank)
    assert wb.sheetnames == list(SHEETS.values())
    hdr = wb[H]
    assert [c.value for c in hdr[1]] == ["分组", "项目", "填写内容", "单位", "填写提示"]
    for row, field in enumerate(form.HEADER_FIELDS, start=2):
        assert hdr.cell(row=row, column=1).value == (field.group or None)
        assert hdr.cell(row=row, column=2).value == field.label  # verbatim label
        assert hdr.cell(row=row, column=3).value is None
        assert hdr.cell(row=row, column=3).fill.fgColor.rgb.endswith("FFF2CC")  # visibly an input cell
        assert hdr.cell(row=row, column=3).border.left.style == "thin"
        assert hdr.cell(row=row, column=5).value == field.hint
    assert hdr.freeze_panes == "A2"
    assert hdr["C2"].font.name == "宋体"

    lists = {}
    for dv in hdr.data_validations.dataValidation:
        if dv.type == "list":
            for coord in str(dv.sqref).split():
                lists[coord] = dv.formula1
    assert lists[res.header_cell("category")] == '"' + ",".join(form.UNIT_CATEGORIES) + '"'
    assert lists[res.header_cell("is_assessor")] == '"是,否"'

    years = wb[Y]
    assert [c.value for c in years[1]][:5] == ["年度", "培训数量（人次）", "高级工及以上数量（人次）",
                                               "培训合格率（%）", "满意率（%）"]
    assert [years.cell(row=r, column=1).value for r in (2, 3, 4)] == [2019, 2020, 2021]
    assert all(years.cell(row=r, column=1).data_type == "n" for r in (2, 3, 4))  # values, not formulas

    occ = [c.value for c in wb[OCC][1]]
    assert occ == ["职业（工种）", "2019年培训数量（人次）", "2019年高级工及以上数量（人次）",
                   "2020年培训数量（人次）", "2020年高级工及以上数量（人次）",
                   "2021年培训数量（人次）", "2021年高级工及以上数量（人次）",
                   "实训设备数量（台/套）", "实训设备总值（万元）"]
    assert wb[OCC]["A10"].fill.fgColor.rgb.endswith("FFF2CC")  # several empty styled rows
    assert [c.value for c in wb[X][1]] == ["姓名", "职业（工种）", "专家类别", "单位", "职称或技能等级"]
    expert_lists = [dv.formula1 for dv in wb[X].data_validations.dataValidation if dv.type == "list"]
    assert '"' + ",".join(form.EXPERT_CATEGORIES) + '"' in expert_lists
    assert [c.value for c in wb[E][1]] == ["编号", "名称", "文件", "所属部分", "说明", "打开密码"]
    ev_lists = [dv.formula1 for dv in wb[E].data_validations.dataValidation if dv.type == "list"]
    assert ev_lists == ['"' + ",".join(form.EVIDENCE_PARTS) + '"']
    text = "\n".join(str(c.value) for c in wb[SHEETS["instructions"]]["A"] if c.value)
    assert "浅黄色" in text and "证明材料" in text and "2019—2021" in text


def test_training_years():
    assert training_years(2022) == [2019, 2020, 2021]


def test_write_is_deterministic(tmp_path: Path):
    a, b, c = tmp_path / "a.xlsx", tmp_path / "b.xlsx", tmp_path / "c.xlsx"
    write_workbook(a, 2025)
    write_workbook(b, 2025)
    write_workbook(c, 2026)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()
    wb = load_workbook(a)
    assert wb.properties.created == dt.datetime(2025, 1, 1)
    assert wb.properties.modified == dt.datetime(2025, 1, 1)
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".~")] == []  # no temp files left


def test_write_into_missing_folder_is_an_output_error(tmp_path: Path):
    from skilldoc.errors import OutputError

    with pytest.raises(OutputError):
        write_workbook(tmp_path / "nope" / WB, 2025)


# --- reading back ------------------------------------------------------------------------


def test_blank_workbook_reports_every_required_field_with_its_cell(blank: Path):
    problems = problems_of(blank)
    where = cells(problems)
    for field in REQUIRED_HEADER:
        assert f"{H}!{res.header_cell(field.key)}" in where, field.label
    for field in form.HEADER_FIELDS:
        if not field.required:
            assert f"{H}!{res.header_cell(field.key)}" not in where
    for row in (2, 3, 4):
        assert {f"{Y}!B{row}", f"{Y}!C{row}"} <= where
        assert f"{Y}!D{row}" not in where  # 合格率 is optional
    assert f"{OCC}!A2" in where  # no occupation yet
    assert all(p.location.file == WB for p in problems)
    assert all(p.severity is Severity.ERROR for p in problems)
    name = next(p for p in problems if p.location.cell == res.header_cell("org_name"))
    assert "申报单位名称" in name.message and "未填写" in name.message
    assert len(problems) == len(REQUIRED_HEADER) + 6 + 1


def test_filled_workbook_gives_typed_values(filled: Path):
    app, warnings = load(filled)
    assert warnings == []
    h = app.header
    assert h.org_name == "浙江省示例高级技工学校"
    assert h.category == "技工院校"
    assert h.category_other is None
    assert h.postcode == "312000"
    assert h.floor_area == Decimal("52000.5")
    assert h.equipment_count == 1260 and isinstance(h.equipment_count, int)
    assert h.equipment_value == Decimal("8650.75")
    assert h.robot_value == Decimal("1250") and str(h.robot_value) == "1250"
    assert h.is_assessor == "是"
    assert h.assessor_since == dt.date(2020, 6, 15) and type(h.assessor_since) is dt.date
    assert h.filled_on == dt.date(2022, 11, 20)
    assert h["instr_level_other"] == 15
    assert [(y.year, y.trained, y.advanced, y.pass_rate, y.satisfaction) for y in app.years] == [
        (2019, 5200, 2100, Decimal("93.5"), Decimal("94")),
        (2020, 5600, 2300, Decimal("94"), Decimal("95.2")),
        (2021, 6100, 2650, Decimal("95.5"), Decimal("96")),
    ]
    assert [o.name for o in app.occupations] == ["数控车工", "焊工", "电工", "工业机器人系统运维员"]
    lathe = app.occupations[0]
    assert lathe.year(2020).trained == 1300 and lathe.year(2021).advanced == 620
    assert lathe.equipment_count == 180 and lathe.equipment_value == Decimal("1650.5")
    assert lathe.row == 2
    assert [e.name for e in app.experts_for("数控车工")] == ["李明", "陈强"]
    assert app.experts[3].title == ""
    e01, e02, e03 = app.evidence
    root = filled.parent
    assert e01.files == (root / "证明材料" / "法人证书.pdf",)
    assert e02.files == (root / "证明材料/设备清单.pdf", root / "证明材料/设备照片.jpg")
    assert all(p.is_absolute() for p in e02.files)
    assert e03.files == (root / "证明材料/聘书1.jpg", root / "证明材料/聘书2.jpg")
    assert e03.password == "123456" and e01.password is None
    assert e02.part == "2.工作基础" and e01.part == form.HEADER_PART
    assert e02.note == "清单与照片"
    assert app.source == filled


def test_tolerated_cell_forms(blank: Path):
    header = dict(res.SAMPLE_HEADER)
    header.update({
        "org_name": "  示例学校 <技工> & {{ 校 }} “一号” 😀\u3000",
        "category": "专精特新\"小巨人\"企业",
        "postcode": "３１２０００",
        "mobile": "138 0000 1234",
        "email": "office＠example.edu.cn",
        "floor_area": "52,000.5平方米",
        "equipment_count": "1,260台",
        "equipment_value": "8650.75万元",
        "robot_count": "４６",
        "fulltime_teachers": "268人",
        "integrated_teachers": " 185 ",
        "instructors": "\xa0120\xa0",
        "assessor_since": "2020年6月15日",
        "filled_on": "2022.11.20",
        "assessed_occupations": "12个",
    })
    years = [(2019, "5,200", "2,100人次", "93.5%", "94％"), ("2020年", "５６００", 2300, 0.94, 95.2),
             (2021, "6100人次", "2650", "95.5", 96)]
    res.fill(blank, header=header, years=years, occupations=[("数控车工", "1,200", 500, "1300人次", 560, 1400,
                                                            "６２０", "180台/套", "1650.5万元")],
             experts=[("李明", " 数控车工 ", "行业专家", "协会", None)],
             evidence=[("Ｅ０１", "证书", "证明材料\\证书.pdf；", "3、师资队伍", None, 12345)])
    wb = load_workbook(blank)
    wb[Y]["D3"].number_format = "0.0%"  # 0.94 in a %-formatted cell is 94%
    wb.save(blank)
    app, warnings = load(blank)
    assert warnings == []
    h = app.header
    assert h.org_name == "示例学校 <技工> & {{ 校 }} “一号” 😀"  # user text verbatim, only trimmed
    assert h.category == "专精特新“小巨人”企业"
    assert (h.postcode, h.mobile, h.email) == ("312000", "13800001234", "office@example.edu.cn")
    assert h.floor_area == Decimal("52000.5")
    assert (h.equipment_count, h.robot_count, h.fulltime_teachers, h.integrated_teachers, h.instructors) == (
        1260, 46, 268, 185, 120)
    assert h.equipment_value == Decimal("8650.75")
    assert (h.assessor_since, h.filled_on) == (dt.date(2020, 6, 15), dt.date(2022, 11, 20))
    assert h.assessed_occupations == 12
    assert [(y.year, y.trained, y.advanced, y.pass_rate, y.satisfaction) for y in app.years] == [
        (2019, 5200, 2100, Decimal("93.5"), Decimal("94")),
        (2020, 5600, 2300, Decimal("94"), Decimal("95.2")),
        (2021, 6100, 2650, Decimal("95.5"), Decimal("96")),
    ]
    occ = app.occupations[0]
    assert [(y.trained, y.advanced) for y in occ.years] == [(1200, 500), (1300, 560), (1400, 620)]
    assert (occ.equipment_count, occ.equipment_value) == (180, Decimal("1650.5"))
    assert app.experts[0].occupation == "数控车工"
    item = app.evidence[0]
    assert (item.code, item.part, item.password) == ("E01", "3.师资队伍", "12345")
    assert item.files == (blank.parent / "证明材料" / "证书.pdf",)


def test_percent_fraction_without_percent_format_is_read_as_a_percentage(filled: Path):
    # 96.5% typed into a General cell is stored as 0.965: read 96.5, warn naming the cell
    edit(filled, Y, {"D4": 0.965})
    app, warnings = load(filled)
    assert app.years[-1].pass_rate == Decimal("96.5")
    assert [f"{w.location.sheet}!{w.location.cell}" for w in warnings] == [f"{Y}!D4"]
    assert "0.965" in warnings[0].message and "96.5%" in warnings[0].message
    assert warnings[0].code == "cell.percent_fraction"


def test_phone_typed_as_a_number_gets_its_leading_zero_back(filled: Path):
    edit(filled, H, {res.header_cell("office_phone"): 4711234568, res.header_cell("fax"): 4711234569})
    app, warnings = load(filled)
    assert app.header.get("office_phone") == "04711234568"
    assert app.header.get("fax") == "04711234569"
    assert cells(warnings) == {f"{H}!{res.header_cell('office_phone')}", f"{H}!{res.header_cell('fax')}"}
    assert all(w.code == "cell.leading_zero" and "04711234568"[:4] in w.message for w in warnings)


@pytest.mark.parametrize("fmt", ["yyyy-mm-dd", "General"])
def test_eight_digit_date_is_not_called_a_formula_error(filled: Path, fmt: str):
    wb = load_workbook(filled)
    cell = wb[H][res.header_cell("filled_on")]
    cell.value = 20221118
    cell.number_format = fmt
    wb.save(filled)  # in a date-formatted cell openpyxl reads it back as "#VALUE!" (an error cell)
    app, _ = load(filled)
    assert app.header.get("filled_on") == dt.date(2022, 11, 18)


def test_every_malformed_cell_is_named_in_one_run(filled: Path):
    bad_header = {
        "category": "普通高校",
        "postcode": "31200",
        "mobile": "1380000",
        "email": "office",
        "website": "没有网站",
        "floor_area": "五万平方米",
        "equipment_count": "1260.5",
        "equipment_value": "8650万美元",
        "fulltime_teachers": "两百六十八",
        "instructors": -3,
        "is_assessor": True,
        "assessor_since": "2020-02-30",
        "filled_on": "去年",
        "office_phone": "电话",
    }
    wb = load_workbook(filled)
    for key, value in bad_header.items():
        wb[H][res.header_cell(key)] = value
    wb[Y]["B3"] = "五千"
    wb[Y]["E4"] = "120%"
    wb[OCC]["C3"] = "很多"
    wb[OCC]["I4"] = "一千万"
    wb[X]["C2"] = "普通专家"
    wb[E]["D3"] = "9.附件"
    wb.save(filled)
    problems = problems_of(filled)
    expected = {f"{H}!{res.header_cell(k)}" for k in bad_header} | {
        f"{Y}!B3", f"{Y}!E4", f"{OCC}!C3", f"{OCC}!I4", f"{X}!C2", f"{E}!D3"}
    assert cells(problems) == expected
    assert len(problems) == len(expected)
    msg = {f"{p.location.sheet}!{p.location.cell}": p for p in problems}
    teachers = msg[f"{H}!{res.header_cell('fulltime_teachers')}"]
    assert teachers.message == "“培训师资情况/专任教师人数”填写了“两百六十八”，应为不小于 0 的整数（单位：人），例如 2000"
    assert str(teachers.location) == f"{WB} {H}!{res.header_cell('fulltime_teachers')}"
    assert "2020年培训数量" in msg[f"{Y}!B3"].message and "五千" in msg[f"{Y}!B3"].message
    assert "TRUE" in msg[f"{H}!{res.header_cell('is_assessor')}"].message
    assert "8650万美元" in msg[f"{H}!{res.header_cell('equipment_value')}"].message
    assert "万元" in msg[f"{H}!{res.header_cell('equipment_value')}"].message


def test_formula_without_cached_value_says_open_in_excel(filled: Path):
    edit(filled, Y, {"B2": "=2000+3200"})
    edit(filled, H, {res.header_cell("fulltime_teachers"): "=SUM(C21:C22)"})
    problems = problems_of(filled)
    assert cells(problems) == {f"{Y}!B2", f"{H}!{res.header_cell('fulltime_teachers')}"}
    for p in problems:
        assert "公式" in p.message and "Excel" in p.hint and "WPS" in p.hint
        assert p.code == "cell.formula"


def test_error_value_in_formula_cell(filled: Path, tmp_path: Path):
    # A cached error (#DIV/0!) as Excel saves it: patch the sheet XML of a filled workbook.
    edit(filled, Y, {"C2": "=1/0"})
    out = tmp_path / "err.xlsx"
    with zipfile.ZipFile(filled) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet3.xml":
                body = body.replace(b"<f>1/0</f><v></v>", b"<f>1/0</f><v>#DIV/0!</v>")
                body = body.replace(b'<c r="C2" s="', b'<c r="C2" t="e" s="', 1) if b't="e"' not in body else body
            dst.writestr(info, body)
    problems = problems_of(out)
    assert cells(problems) == {f"{Y}!C2"}
    assert "#DIV/0!" in problems[0].message


def test_required_fields_in_table_rows(filled: Path):
    edit(filled, X, {"D3": None})  # expert 陈强 without 单位
    edit(filled, E, {"C3": None, "B4": "  "})  # E02 without 文件, E03 without 名称
    edit(filled, OCC, {"F3": None})  # 焊工 2021 培训数量 missing
    assert cells(problems_of(filled)) == {f"{X}!D3", f"{E}!C3", f"{E}!B4", f"{OCC}!F3"}


def test_empty_trailing_rows_are_ignored(filled: Path):
    edit(filled, E, {"A50": " ", "C60": "\u3000"})
    edit(filled, X, {"A30": None})
    app, _ = load(filled)
    assert len(app.evidence) == 3 and len(app.experts) == 4


def test_duplicate_evidence_codes_and_occupations(filled: Path):
    edit(filled, E, {"A4": "E01"})
    edit(filled, OCC, {"A5": "焊工"})
    problems = problems_of(filled)
    assert cells(problems) == {f"{E}!A4", f"{OCC}!A5"}
    dup = next(p for p in problems if p.location.sheet == E)
    assert "E01" in dup.message and "A2" in dup.message


def test_expert_must_name_a_listed_occupation(filled: Path):
    edit(filled, X, {"B3": "车工"})
    problems = problems_of(filled)
    assert cells(problems) == {f"{X}!B3"}
    assert "车工" in problems[0].message and "数控车工" in problems[0].hint


def test_years_must_be_three_consecutive(filled: Path):
    edit(filled, Y, {"A3": 2018})
    problems = problems_of(filled)
    assert [p.code for p in problems] == ["years.sequence"]
    assert problems[0].location.sheet == Y
    wb = load_workbook(filled)
    wb[Y]["A3"] = 2020
    wb[Y]["A5"], wb[Y]["B5"], wb[Y]["C5"] = 2022, 1, 1
    wb.save(filled)
    assert "years.count" in [p.code for p in problems_of(filled)]


def test_years_not_matching_filled_on_is_a_warning(filled: Path):
    edit(filled, H, {res.header_cell("filled_on"): dt.datetime(2023, 3, 1)})
    _, warnings = load(filled)
    assert [w.code for w in warnings] == ["years.filled_on"]


def test_missing_sheet_and_renamed_header(filled: Path):
    wb = load_workbook(filled)
    del wb[X]
    wb[E]["A1"] = "序号"  # renamed header
    wb[Y].title = "培训情况"
    wb.save(filled)
    problems = problems_of(filled)
    by_sheet = {p.location.sheet: p for p in problems}
    assert set(by_sheet) == {X, E, Y}
    assert "缺少工作表" in by_sheet[X].message and "培训情况" in by_sheet[X].hint
    assert "编号" in by_sheet[E].message or "编号" in by_sheet[E].hint
    assert all(p.location.cell is None for p in problems)


def test_moved_header_and_reordered_columns_still_load(filled: Path):
    wb = load_workbook(filled)
    ws = wb[E]
    ws.insert_rows(1)
    ws["A1"] = "证明材料清单"
    for row in range(2, 6):  # swap 名称 and 文件 columns
        ws.cell(row=row, column=2).value, ws.cell(row=row, column=3).value = (
            ws.cell(row=row, column=3).value, ws.cell(row=row, column=2).value)
    hdr = wb[H]
    hdr.insert_rows(5)
    hdr["B5"] = "（插入的说明行）"
    wb.save(filled)
    app, _ = load(filled)
    assert [e.title for e in app.evidence] == ["事业单位法人证书", "实训设备清单", "专家聘书"]
    assert app.header.address == res.SAMPLE_HEADER["address"]
    assert app.header.postcode == "312000"
    # and problems name the moved cells
    edit(filled, E, {"A4": "E01"})
    assert cells(problems_of(filled)) == {f"{E}!A4"}


def test_merged_cells_read_their_top_left(filled: Path):
    wb = load_workbook(filled)
    ws = wb[X]
    ws.merge_cells("B2:B3")  # both experts of 数控车工
    ws["B2"] = "数控车工"
    ws = wb[E]
    ws["D4"] = None
    ws.merge_cells("D3:D4")
    ws["D3"] = "2.工作基础"
    wb.save(filled)
    app, _ = load(filled)
    assert [e.occupation for e in app.experts[:2]] == ["数控车工", "数控车工"]
    assert [e.part for e in app.evidence] == [form.HEADER_PART, "2.工作基础", "2.工作基础"]


def test_absolute_and_parent_relative_evidence_paths(filled: Path, tmp_path: Path):
    outside = tmp_path / "elsewhere" / "a.pdf"
    edit(filled, E, {"C2": f"{outside}\n../共享/b.pdf"})
    app, _ = load(filled)
    assert app.evidence[0].files == (outside, filled.parent.parent / "共享" / "b.pdf")


def test_file_name_relative_to_root(filled: Path, tmp_path: Path):
    sub = tmp_path / "data"
    sub.mkdir()
    moved = sub / WB
    shutil.copy(filled, moved)
    edit(moved, H, {"C2": None})
    with pytest.raises(InputError) as info:
        load_application(moved, tmp_path)
    assert info.value.problems[0].location.file == f"data/{WB}"


def test_not_an_xlsx(tmp_path: Path):
    fake = tmp_path / WB
    fake.write_text("姓名,单位\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load(fake)
    assert ".xlsx" in info.value.problems[0].hint
    with pytest.raises(InputError) as info:
        load(tmp_path / "missing.xlsx")
    assert "skilldoc init" in info.value.problems[0].hint


def test_loading_never_modifies_the_workbook(filled: Path):
    before = filled.read_bytes()
    stat = os.stat(filled)
    load(filled)
    assert filled.read_bytes() == before and os.stat(filled).st_mtime == stat.st_mtime


# --- real-world properties (resources) ---------------------------------------------------


def test_wps_like_workbook(tmp_path: Path):
    path = RESOURCES / "wb_wps_like.xlsx"
    with zipfile.ZipFile(path) as z:
        assert b"KSOProductBuildVer" in z.read("docProps/custom.xml")
        assert b"<Application>WPS Office</Application>" in z.read("docProps/app.xml")
        assert b"etCustomData" in z.read("xl/worksheets/sheet6.xml")
    app, warnings = load_application(path, tmp_path)
    assert warnings == []
    assert app.header.equipment_count == 1260 and app.header.fulltime_teachers == 268
    assert app.header.filled_on == dt.date(2022, 11, 20) and app.header.postcode == "312000"
    assert [y.trained for y in app.years] == [5200, 5600, 6100]
    assert app.years[1].satisfaction == Decimal("95.2")
    assert [(e.code, e.part) for e in app.evidence][-2:] == [("E03", "3.师资队伍"), ("E04", "3.师资队伍")]
    assert app.evidence[0].files == (tmp_path / "证明材料" / "法人证书.pdf",)


def test_date1904_workbook(tmp_path: Path):
    path = RESOURCES / "wb_date1904.xlsx"
    with zipfile.ZipFile(path) as z:
        assert b'date1904="1"' in z.read("xl/workbook.xml")
    app, _ = load_application(path, tmp_path)
    assert app.header.filled_on == dt.date(2022, 11, 20)  # not shifted by 1462 days
    assert app.header.assessor_since == dt.date(2020, 6, 15)  # a bare 1904 serial number


@pytest.mark.slow
def test_libreoffice_saved_workbook_loads(filled: Path, tmp_path: Path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice (soffice) is required for this test"
    edit(filled, Y, {"B2": "=2000+3200"})  # LibreOffice computes and caches formulas
    blank = tmp_path / "blank" / WB
    blank.parent.mkdir()
    write_workbook(blank, res.YEAR)
    profile = tmp_path / "lo-profile"
    outdir = tmp_path / "lo"
    for name, src in (("filled", filled), ("blank", blank)):
        subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                        "--convert-to", "xlsx", "--outdir", str(outdir / name), str(src)],
                       check=True, capture_output=True, timeout=180)
    converted = outdir / "filled" / WB
    with zipfile.ZipFile(converted) as z:
        assert b"LibreOffice" in z.read("docProps/app.xml")
    app, warnings = load_application(converted, filled.parent)
    assert warnings == []
    assert app.years[0].trained == 5200
    assert app.header.filled_on == dt.date(2022, 11, 20)
    assert app.header.assessor_since == dt.date(2020, 6, 15)
    assert app.header.equipment_value == Decimal("8650.75")
    assert app.header.postcode == "312000"
    assert [o.name for o in app.occupations] == [r[0] for r in res.SAMPLE_OCCUPATIONS]
    assert len(app.experts) == 4 and len(app.evidence) == 3
    assert app.evidence[1].files[1] == filled.parent / "证明材料/设备照片.jpg"
    # the converted blank workbook gives the same errors, naming the same cells
    blank_problems = problems_of(outdir / "blank" / WB)
    assert cells(blank_problems) == cells(problems_of(blank))
    assert len(blank_problems) == len(REQUIRED_HEADER) + 6 + 1
