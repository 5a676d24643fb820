"""``skilldoc review`` end to end: applications made here, score sheets filled as experts would, the quota.

The applications (built once per module from the bundled sample): four that meet every
threshold (different names and figures), one that fails a threshold, one over the word
limit, a corrupt .docx and a folder that is not an application.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from skilldoc.cli import cli
from skilldoc.errors import InputError

SAMPLE = Path(__file__).resolve().parent.parent / "data_samples" / "demo"
RUBRIC = "gaojineng-jidi"

# folder → (申报单位名称, changes to the workbook)
APPLICATIONS = {
    "01-示范": ("浙江省示范市高级技工学校（虚构）", {}),
    "02-乙市": ("乙市技师学院（虚构）", {"floor_area": 1500}),
    "03-丙市": ("丙市公共实训中心（虚构）", {"category": "公共实训中心", "floor_area": 800}),
    "04-丁市": ("丁市高级技工学校（虚构）", {}),
    "05-未达标": ("戊市职业技能培训中心（虚构）", {"trained_2021": 1500}),
    "06-超字数": ("己市技工学校（虚构）", {"long_section": True}),
}
ELIGIBLE = ["01-示范", "02-乙市", "03-丙市", "04-丁市"]
_HEADER_LABELS = {"org_name": "申报单位名称", "category": "单位类别", "floor_area": "教学与实训场所建筑面积（平方米）"}


def _make_application(target: Path, name: str, changes: dict[str, object]) -> None:
    shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns("output"))
    wb_path = target / "申报数据.xlsx"
    wb = load_workbook(wb_path)
    values = {"org_name": name, **changes}
    ws = wb["基本信息"]
    for row in ws.iter_rows(min_row=2):
        for key, label in _HEADER_LABELS.items():
            if row[1].value == label and key in values:
                row[2].value = values[key]
    for row in wb["证明材料"].iter_rows(min_row=2):  # the one Word evidence file: a PDF (no LibreOffice needed)
        if row[2].value and str(row[2].value).endswith(".docx"):
            pdf = target / "证明材料" / "E26-校企合作联席会议纪要.pdf"
            shutil.copy(target / "证明材料" / "E24-校企合作协议.pdf", pdf)
            (target / str(row[2].value)).unlink()
            row[2].value = "证明材料/" + pdf.name
    if "trained_2021" in values:
        for row in wb["培训总量"].iter_rows(min_row=2):
            if row[0].value == 2021:
                row[1].value = values["trained_2021"]
    wb.save(wb_path)
    if values.get("long_section"):
        section = target / "sections" / "1-申报背景.md"
        section.write_text(section.read_text(encoding="utf-8") + "\n\n" + "技能人才培养" * 200 + "\n",
                           encoding="utf-8")


HAND_MADE = "丙寅市高级技工学校（虚构，手工填写）"


def _hand_made_docx(path: Path) -> None:
    """A 申报书 typed in Word by hand: labels and values in one table, no skilldoc styles."""
    import docx

    document = docx.Document()
    document.add_paragraph("国家技能根基工程培训基地")
    document.add_paragraph("填报时间：2022年11月20日")
    rows = [
        ("申报单位名称", HAND_MADE), ("单位类别", "☑技工院校"), ("申报单位地址", "某省某市某路 1 号"),
        ("邮政编码", "310000"), ("申报单位主管部门", "某市人力资源和社会保障局"),
        ("教学与实训场所建筑面积（平方米）", "12,000"),
        ("教学实训设备", "数量（台/套）", "300", "总值（万元）", "2,500"),
        ("培训总量（人次）", "2019年", "", "2020年", "", "2021年", ""),
        ("", "培训数量", "高级工及以上数量", "培训数量", "高级工及以上数量", "培训数量", "高级工及以上数量"),
        ("", "1900", "420", "2100", "480", "2600", "700"),
    ]
    table = document.add_table(rows=0, cols=7)
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=False):
            cell.text = text
    sections = document.add_table(rows=0, cols=2)
    for n, name in enumerate(("申报背景", "工作基础", "师资队伍", "技能培训", "技能评价", "技能竞赛", "合作交流",
                              "建设规划"), start=1):
        cells = sections.add_row().cells
        cells[0].text = f"{n}.{name}"
        cells[1].text = f"本单位{name}情况良好 <注> & {{{{ 原样 }}}}（见证明材料第{n}页）。"
    document.save(str(path))


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("review") / "收到的申报"
    root.mkdir()
    for folder, (name, changes) in APPLICATIONS.items():
        _make_application(root / folder, name, changes)
    _hand_made_docx(root / "09-手工申报书.docx")
    (root / "07-损坏.docx").write_bytes(b"PK\x03\x04 this is not a complete zip")
    (root / "08-不是申报").mkdir()
    (root / "08-不是申报" / "说明.txt").write_text("没有工作簿", encoding="utf-8")
    (root / "附言.txt").write_text("这不是申报，应被跳过", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def reviewed(inbox: Path) -> tuple[Path, str]:
    out = inbox.parent / "审核结果"
    result = CliRunner().invoke(cli, ["review", str(inbox), "-o", str(out), "--rubric", RUBRIC,
                                      "--score-sheets", "3"])
    assert result.exit_code == 0, result.output
    return out, result.output


def _rows(path: Path, sheet: str) -> list[tuple[object, ...]]:
    wb = load_workbook(path)
    try:
        return [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()


def test_summary_workbook_has_a_row_per_application(reviewed: tuple[Path, str]) -> None:
    out, output = reviewed
    assert "附言.txt" in output  # skipped files are named
    rows = _rows(out / "审核汇总表.xlsx", "审核汇总")
    header = rows[0]
    body = [r for r in rows[1:] if r[0] and str(r[0]).startswith("A")]
    assert len(body) == 9  # six folders, the hand-made and the corrupt .docx, the folder without a workbook
    col = {title: i for i, title in enumerate(header)}
    by_source = {r[col["来源"]]: r for r in body}
    for folder in ELIGIBLE:
        row = by_source[folder]
        assert row[col["申报单位名称"]] == APPLICATIONS[folder][0]
        assert row[col["结果"]] == "全部达标"
        assert row[col["错误"]] == 0
        assert row[col["证明材料（页）"]] > 0
    assert by_source["01-示范"][col["培训数量（人次）"]] == 2350
    assert by_source["01-示范"][col["高级工及以上占比（%）"]] == 26
    assert by_source["01-示范"][col["设备总值（万元）"]] == 2860
    assert "数控车工 4" in by_source["01-示范"][col["各职业专家（名）"]]
    failing = by_source["05-未达标"]
    assert failing[col["结果"]] == "未达标 1 项"
    threshold_col = next(i for t, i in col.items() if t and "年培训规模" in str(t))
    assert failing[threshold_col] == "未达标"
    assert "1500" in failing[col["说明"]]
    long_row = by_source["06-超字数"]
    assert long_row[col["1.申报背景（字）"]] > 3000
    assert "超出" in long_row[col["说明"]]
    broken = by_source["07-损坏.docx"]
    assert broken[col["结果"]] == "无法读取" and broken[col["说明"]]
    assert "申报数据.xlsx" in by_source["08-不是申报"][col["说明"]]
    hand = by_source["09-手工申报书.docx"]  # read through the Word reader and checked like the others
    assert hand[col["申报单位名称"]] == HAND_MADE and hand[col["单位类别"]] == "技工院校"
    assert hand[col["培训数量（人次）"]] == 2600 and hand[col["最近年度"]] == 2021
    # the form holds no expert team, per-occupation equipment or 合格率: those thresholds are 未核对, not failed
    assert hand[col["结果"]] == "达标（4 项未核对）", hand[col["说明"]]
    experts_col = next(i for t, i in col.items() if t and "每个职业（工种）的专家" in str(t))
    assert hand[experts_col] == "未核对" and hand[threshold_col] == "达标"


def test_summary_workbook_layout(reviewed: tuple[Path, str]) -> None:
    out, _ = reviewed
    wb = load_workbook(out / "审核汇总表.xlsx")
    ws = wb["审核汇总"]
    assert ws.freeze_panes == "D2"
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
    rules = [rule for cf in ws.conditional_formatting for rule in cf.rules]
    assert len(rules) >= 10
    assert ws.column_dimensions["C"].width >= 20  # 申报单位名称 fits
    names = wb.sheetnames
    assert len(names) == 1 + 9  # one sheet per application with its full report
    report_sheet = wb[names[1]]
    text = "\n".join(str(c.value) for c in report_sheet["A"] if c.value)
    assert "skilldoc 检查报告" in text and "遴选参考标准" in text
    wb.close()


def test_same_inputs_same_bytes(reviewed: tuple[Path, str], inbox: Path) -> None:
    out, _ = reviewed
    again = inbox.parent / "再审核"
    result = CliRunner().invoke(cli, ["review", str(inbox), "-o", str(again), "--rubric", RUBRIC,
                                      "--score-sheets", "3"])
    assert result.exit_code == 0, result.output
    for name in ("审核汇总表.xlsx", "评分表-专家01.xlsx", "评分表-专家03.xlsx"):
        assert hashlib.sha256((out / name).read_bytes()).digest() == \
            hashlib.sha256((again / name).read_bytes()).digest(), name


def test_score_sheets_ready_to_hand_out(reviewed: tuple[Path, str]) -> None:
    out, _ = reviewed
    wb = load_workbook(out / "评分表-专家01.xlsx")
    ws = wb["评分"]
    assert ws.protection.sheet
    ids = [ws.cell(row=4, column=c).value for c in range(4, 4 + 13)]
    assert ids[0] == "org-structure" and "results-volume" in ids
    rows = {ws.cell(row=r, column=2).value: r for r in range(6, ws.max_row + 1) if ws.cell(row=r, column=1).value}
    assert set(rows) == {*APPLICATIONS, "09-手工申报书.docx"}  # the unreadable ones are not scored
    volume_col = 4 + ids.index("results-volume")
    area_col = 4 + ids.index("facility-area")
    r = rows["01-示范"]
    fixed = ws.cell(row=r, column=volume_col)
    assert fixed.value == 10 and fixed.protection.locked  # 2350 > 2000 人: 10 分, filled in and locked
    manual = ws.cell(row=r, column=4)
    assert manual.value is None and not manual.protection.locked
    ranged = ws.cell(row=rows["02-乙市"], column=area_col)  # 1500 m² ≥ 1000: 12–14, left to the experts
    assert ranged.value is None and not ranged.protection.locked
    validations = {(str(dv.formula1), str(dv.formula2)): dv for dv in ws.data_validations.dataValidation}
    assert ("12", "14") in validations and ranged.coordinate in validations[("12", "14")].sqref
    assert ("0", "4") in validations and manual.coordinate in validations[("0", "4")].sqref
    assert "评审细则" in wb.sheetnames
    wb.close()


# scores of the three experts for the manual items, per application (before the range check)
BASE = {"01-示范": 0.7, "02-乙市": 0.8, "03-丙市": 0.9, "04-丁市": 0.5, "05-未达标": 1.0, "06-超字数": 1.0,
        "09-手工申报书.docx": 0.6}


def _fill(sheet: Path, expert: str, *, out_of_range: bool = False, missing: bool = False) -> None:
    wb = load_workbook(sheet)
    ws = wb["评分"]
    ws["B2"] = expert
    points = {c: ws.cell(row=5, column=c).value for c in range(4, 17)}
    validations = ws.data_validations.dataValidation
    for r in range(6, ws.max_row + 1):
        source = ws.cell(row=r, column=2).value
        if not source:
            continue
        for c in range(4, 17):
            cell = ws.cell(row=r, column=c)
            if cell.protection.locked:
                continue
            dv = next(dv for dv in validations if cell.coordinate in dv.sqref)
            low, high = int(dv.formula1), int(dv.formula2)
            cell.value = max(low, min(high, round(points[c] * BASE[source])))
        ws.cell(row=r, column=18, value=f"{expert}的评语")
    first = next(r for r in range(6, ws.max_row + 1) if ws.cell(row=r, column=2).value == "04-丁市")
    if out_of_range:
        ws.cell(row=first, column=4, value=9)  # 组织架构 is out of 4
    if missing:
        ws.cell(row=first, column=5).value = None
    wb.save(sheet)
    wb.close()


@pytest.fixture(scope="module")
def ranked(reviewed: tuple[Path, str], inbox: Path) -> tuple[Path, str]:
    out, _ = reviewed
    filled = inbox.parent / "回收的评分表"
    filled.mkdir()
    for n, (expert, kw) in enumerate((("张专家", {"out_of_range": True}), ("李专家", {"missing": True}),
                                      ("王专家", {})), start=1):
        target = filled / f"评分表-专家{n:02d}.xlsx"
        shutil.copy(out / f"评分表-专家{n:02d}.xlsx", target)
        _fill(target, expert, **kw)
    final = inbox.parent / "推荐"
    result = CliRunner().invoke(cli, ["review", str(inbox), "-o", str(final), "--rubric", RUBRIC,
                                      "--scores", str(filled), "--quota", "3"])
    assert result.exit_code == 0, result.output
    return final, result.output


def test_the_same_expert_twice_is_refused(ranked: tuple[Path, str], inbox: Path, tmp_path: Path) -> None:
    sheet = inbox.parent / "回收的评分表" / "评分表-专家01.xlsx"
    copy = tmp_path / "又一份.xlsx"
    shutil.copy(sheet, copy)
    result = CliRunner().invoke(cli, ["review", str(inbox / "01-示范"), "-o", str(tmp_path / "o"), "--rubric", RUBRIC,
                                      "--scores", str(sheet), "--scores", str(copy)])
    assert result.exit_code == InputError.exit_code
    assert "又一份.xlsx" in result.output and "同一位专家（张专家）" in result.output


def test_scores_collected_with_flags(ranked: tuple[Path, str]) -> None:
    final, output = ranked
    assert "3 位专家" in output
    flags = _rows(final / "评分汇总表.xlsx", "评分标记")
    kinds = {(r[1], r[3], r[4]) for r in flags[1:]}
    assert ("丁市高级技工学校（虚构）", "张专家", "超出范围") in kinds
    assert ("丁市高级技工学校（虚构）", "李专家", "缺少评分") in kinds
    rows = _rows(final / "评分汇总表.xlsx", "评分汇总")
    header = rows[0]
    body = [r for r in rows[1:] if r[1] and str(r[1]).startswith("A")]
    total = header.index("总分")
    names = [r[2] for r in body]
    assert names == ["戊市职业技能培训中心（虚构）", "己市技工学校（虚构）", "丙市公共实训中心（虚构）",
                     "乙市技师学院（虚构）", "浙江省示范市高级技工学校（虚构）", HAND_MADE, "丁市高级技工学校（虚构）"]
    assert [r[total] for r in body] == sorted((r[total] for r in body), reverse=True)


def test_quota_recommends_exactly_the_top_three_eligible(ranked: tuple[Path, str]) -> None:
    final, output = ranked
    rows = _rows(final / "推荐汇总表.xlsx", "推荐汇总")
    header = rows[0]
    body = [r for r in rows[1:] if r[1] and str(r[1]).startswith("A")]
    verdict, name, reason = header.index("推荐"), header.index("申报单位名称"), header.index("理由")
    chosen = [r[name] for r in body if r[verdict] == "推荐"]
    assert chosen == ["丙市公共实训中心（虚构）", "乙市技师学院（虚构）", "浙江省示范市高级技工学校（虚构）"]
    by_name = {r[name]: r for r in body}
    assert "超出推荐名额" in by_name["丁市高级技工学校（虚构）"][reason]
    assert "需人工核对" in by_name[HAND_MADE][reason] and "超出推荐名额" in by_name[HAND_MADE][reason]
    assert "未达标" in by_name["戊市职业技能培训中心（虚构）"][reason]  # scored highest, yet not eligible
    assert "字数超过上限" in by_name["己市技工学校（虚构）"][reason]
    assert any("无法审核" in str(r[reason]) for r in body)


def test_recommendation_report_docx(ranked: tuple[Path, str]) -> None:
    import docx

    final, _ = ranked
    document = docx.Document(str(final / "推荐报告.docx"))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "推荐报告" in text
    assert "（一）丙市公共实训中心（虚构）" in text and "（三）浙江省示范市高级技工学校（虚构）" in text
    assert "建议推荐，排序第1" in text  # the paragraph from the Jinja template
    assert "戊市职业技能培训中心（虚构）：未达标" in text
    styles = {p.style.name for p in document.paragraphs}
    assert {"申报书正文", "申报书标题1", "申报书标题2"} <= styles  # the 申报书's typography
    table = document.tables[0]
    assert table.rows[1].cells[1].text == "丙市公共实训中心（虚构）"


def test_recommendation_report_passes_openxml_audit(ranked: tuple[Path, str], tmp_path: Path) -> None:
    """The same validation as the 申报书 (Word's own schema and semantic rules, Microsoft 365)."""
    import docx
    from openxml_audit import FileFormat, OpenXmlValidator

    def audit(path: Path) -> list[str]:
        result = OpenXmlValidator(file_format=FileFormat.MICROSOFT_365, max_errors=0, strict=True).validate(path)
        return [str(e) for e in result.errors]

    final, _ = ranked
    assert audit(final / "推荐报告.docx") == []
    stale = tmp_path / "python-docx-default.docx"  # the check can fail: python-docx's default needs repair
    document = docx.Document()
    document.styles.add_style("新样式", docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
    document.save(str(stale))
    assert audit(stale)


def test_custom_paragraph_template_and_its_errors(reviewed: tuple[Path, str], inbox: Path, tmp_path: Path) -> None:
    good = tmp_path / "理由.j2"
    good.write_text("{{ 单位名称 }}：培训 {{ 培训数量 }} 人次 <好> & {{ '{{' }}\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["review", str(inbox / "01-示范"), "-o", str(out), "--quota", "1", "--report-template"]
    result = CliRunner().invoke(cli, [*args, str(good)])
    assert result.exit_code == 0, result.output
    import docx

    text = "\n".join(p.text for p in docx.Document(str(out / "推荐报告.docx")).paragraphs)
    assert "浙江省示范市高级技工学校（虚构）：培训 2350 人次 <好> & {{" in text
    bad = tmp_path / "坏.j2"
    bad.write_text("第一行\n{{ 单位名称 }\n", encoding="utf-8")
    result = CliRunner().invoke(cli, [*args, str(bad)])
    assert result.exit_code == InputError.exit_code
    assert "坏.j2 第 2 行" in result.output
    misspelt = tmp_path / "错名.j2"
    misspelt.write_text("{{ 单位名 }}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, [*args, str(misspelt)])
    assert result.exit_code == InputError.exit_code and "单位名" in result.output


def test_report_and_recommendation_are_reproducible(inbox: Path, tmp_path: Path) -> None:
    outputs = []
    for n in (1, 2):
        out = tmp_path / f"run{n}"
        result = CliRunner().invoke(cli, ["review", str(inbox / "01-示范"), str(inbox / "02-乙市"), "-o", str(out),
                                          "--quota", "1"])
        assert result.exit_code == 0, result.output
        outputs.append(out)
    for name in ("推荐报告.docx", "推荐汇总表.xlsx"):
        assert (outputs[0] / name).read_bytes() == (outputs[1] / name).read_bytes(), name
    rows = _rows(outputs[0] / "推荐汇总表.xlsx", "推荐汇总")
    # no scores: by 培训数量, 高级工占比 — equal here — then by 申报单位名称
    assert rows[1][2] == "乙市技师学院（虚构）" and rows[1][6] == "推荐"
    assert rows[2][6] == "不推荐" and "超出推荐名额" in rows[2][7]


def test_output_folder_inside_the_inbox_is_not_an_application(tmp_path: Path) -> None:
    inbox = tmp_path / "收到的申报"
    _make_application(inbox / "01-示范", "浙江省示范市高级技工学校（虚构）", {})
    for _ in range(2):  # the second run finds 审核结果/ (with its outputs) inside the inbox
        result = CliRunner().invoke(cli, ["review", str(inbox), "-o", str(inbox / "审核结果")])
        assert result.exit_code == 0, result.output
        assert "共 1 份申报" in result.output


def test_usage_errors(inbox: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["review", str(inbox), "-o", str(tmp_path), "--score-sheets", "2"])
    assert result.exit_code == 2 and "--rubric" in result.output
    result = runner.invoke(cli, ["review", str(inbox / "01-示范"), "-o", str(tmp_path), "--rubric", RUBRIC,
                                 "--variant", "空中基地"])
    assert result.exit_code == InputError.exit_code and "线上平台" in result.output


def test_a_score_sheet_that_is_not_one(inbox: Path, tmp_path: Path) -> None:
    fake = tmp_path / "评分表.xlsx"
    fake.write_bytes(b"not a workbook")
    result = CliRunner().invoke(cli, ["review", str(inbox / "01-示范"), "-o", str(tmp_path / "o"),
                                      "--rubric", RUBRIC, "--scores", str(fake)])
    assert result.exit_code == InputError.exit_code
    assert "评分表.xlsx" in result.output and "不是有效的 Excel 工作簿" in result.output
    assert not (tmp_path / "o" / "审核汇总表.xlsx").exists()  # options are checked before any work


@pytest.mark.slow
def test_outputs_open_in_libreoffice(ranked: tuple[Path, str], reviewed: tuple[Path, str], tmp_path: Path,
                                     soffice: str) -> None:
    from skilldoc.office import convert_many

    final, _ = ranked
    out, _ = reviewed
    files = [out / "审核汇总表.xlsx", out / "评分表-专家01.xlsx", final / "评分汇总表.xlsx",
             final / "推荐汇总表.xlsx", final / "推荐报告.docx"]
    results = convert_many([(f, None) for f in files], tmp_path)
    for f in files:
        pdf = results[f]
        assert isinstance(pdf, Path) and pdf.stat().st_size > 1000, (f, pdf)


def test_score_sheet_reader_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt
    import os

    from skilldoc import limits
    from skilldoc.review.sheets import (
        ScoreCell,
        ScoreRow,
        ScoreSheetSpec,
        read_score_sheet,
        write_score_sheet,
    )

    spec = ScoreSheetSpec("细则", "key", "", 1, ["a"], ["甲·一（5分）"], [5],
                          [ScoreRow("A01", "来源", "单位", [ScoreCell(0, 5, False, "专家评定")])])
    sheet = tmp_path / "评分表.xlsx"
    write_score_sheet(sheet, spec, when=dt.datetime(2000, 1, 1, 12))
    read = read_score_sheet(sheet)
    assert (read.item_ids, read.rows) == (["a"], [("A01", "来源", "单位", [None], "")])
    monkeypatch.setattr(limits, "SCORE_SHEET_MAX_INFLATED", 1000)
    with pytest.raises(InputError) as exc:
        read_score_sheet(sheet)
    assert "解压后超过" in exc.value.problems[0].message
    fifo = tmp_path / "管道.xlsx"
    os.mkfifo(fifo)
    with pytest.raises(InputError) as exc:
        read_score_sheet(fifo)
    assert "命名管道" in exc.value.problems[0].message


def test_applicant_text_stays_text_in_the_workbooks(tmp_path: Path) -> None:
    import datetime as dt

    from skilldoc.review.sheets import Column, Table, TextSheet, sheet_title, write_tables

    hostile = '=HYPERLINK("http://example.com","点我") <甲> & {{ 名 }}\x01'
    path = tmp_path / "表.xlsx"
    write_tables(path, [Table("汇总", [Column("名称")], [[hostile]]), TextSheet("A01 [乙]:*?/\\单位" * 3, [hostile])],
                 title="t", when=dt.datetime(2000, 1, 1, 12))
    wb = load_workbook(path)
    cell = wb["汇总"]["A2"]
    assert cell.value == hostile[:-1] and cell.data_type == "s"  # not a formula; only the control character goes
    text_sheet = wb.worksheets[1]
    assert len(text_sheet.title) <= 31 and not set("[]:*?/\\") & set(text_sheet.title)
    assert text_sheet["A1"].value == hostile[:-1]
    wb.close()
    taken: set[str] = set()
    assert [sheet_title("同名单位", taken) for _ in range(3)] == ["同名单位", "同名单位~2", "同名单位~3"]


def test_check_a_hand_made_docx_with_the_rubric(tmp_path: Path) -> None:
    path = tmp_path / "申报书.docx"
    _hand_made_docx(path)
    result = CliRunner().invoke(cli, ["check", str(path), "--rubric", RUBRIC])
    assert result.exit_code in (0, 5), result.output
    assert "培训成果·上年度培训量（10分）：10 分 [按数据]" in result.output  # 2600 人次 read from the Word table
    assert "设施设备·基地培训场地（15分）：15 分 [按数据]" in result.output  # 12,000 m²
    assert "申报书中没有证明材料清单，无法判断" in result.output


def test_a_docx_shows_no_made_up_zero_for_what_the_form_lacks(reviewed: tuple[Path, str], tmp_path: Path) -> None:
    """The form has no 专家团队 or per-occupation equipment: the figures are blank, not 0, and the
    推荐报告 does not claim “0个职业…配有…设备” or “至少有0名专家” for a hand-made 申报书."""
    import docx

    out, _ = reviewed
    rows = _rows(out / "审核汇总表.xlsx", "审核汇总")
    col = {title: i for i, title in enumerate(rows[0])}
    hand = next(r for r in rows[1:] if r[1] == "09-手工申报书.docx")
    for title in ("有匹配设备的职业（个）", "每个职业最少专家（名）", "各职业专家（名）", "培训合格率（%）"):
        assert hand[col[title]] is None, (title, hand[col[title]])
    path = tmp_path / "申报书.docx"
    _hand_made_docx(path)
    final = tmp_path / "推荐"
    result = CliRunner().invoke(cli, ["review", str(path), "-o", str(final), "--quota", "1"])
    assert result.exit_code == 0, result.output
    text = "\n".join(p.text for p in docx.Document(str(final / "推荐报告.docx")).paragraphs)
    assert "建议推荐，排序第1" in text
    assert "0个职业" not in text and "至少有0名" not in text and "：0 个" not in text and "：0 名" not in text
    assert "合格率 未填写" not in text  # the form has no such cell: not the applicant's omission
    assert "未核对" in text


def test_score_sheet_headings_are_not_cut_off(reviewed: tuple[Path, str]) -> None:
    """The item headings wrap in their 12-wide columns: LibreOffice fits about 7 CJK characters a line
    of the bold heading, about 16 points a line; the header row must be tall enough for the longest."""
    import math

    out, _ = reviewed
    wb = load_workbook(out / "评分表-专家01.xlsx")
    ws = wb["评分"]
    headings = [str(ws.cell(row=3, column=c).value) for c in range(4, 4 + 13)]
    assert all(ws.column_dimensions[ws.cell(row=3, column=c).column_letter].width <= 12 for c in range(4, 17))
    lines = max(math.ceil(len(h) / 7) for h in headings)  # 培训成果·上年度培训高级工及以上等级技能人才（10分）: 4
    assert lines >= 4
    assert ws.row_dimensions[3].height >= 15 * lines, (ws.row_dimensions[3].height, lines)
    wb.close()


def test_wrapped_column_titles_are_not_cut_off(ranked: tuple[Path, str], reviewed: tuple[Path, str]) -> None:
    """Titles wider than their column wrap; LibreOffice fits about width/2 + 1 CJK characters a line,
    about 16 points a line: row 1 must be tall enough for the longest (评分汇总表 cut them to one line)."""
    import math

    final, _ = ranked
    out, _ = reviewed
    for path, sheet in ((final / "评分汇总表.xlsx", "评分汇总"), (out / "审核汇总表.xlsx", "审核汇总")):
        wb = load_workbook(path)
        ws = wb[sheet]
        need = max(math.ceil(len(str(c.value)) / (int(ws.column_dimensions[c.column_letter].width / 2) + 1))
                   for c in ws[1] if c.value)
        assert need >= 2, (path.name, need)
        assert (ws.row_dimensions[1].height or 15) >= 15 * need, (path.name, ws.row_dimensions[1].height, need)
        wb.close()


def test_each_run_says_what_to_do_next(reviewed: tuple[Path, str], ranked: tuple[Path, str], inbox: Path,
                                        tmp_path: Path) -> None:
    first = CliRunner().invoke(cli, ["review", str(inbox / "01-示范"), "-o", str(tmp_path / "一")])
    assert first.exit_code == 0, first.output
    assert "下一步" in first.output and "--score-sheets" in first.output and "--quota" in first.output
    _, handed_out = reviewed  # score sheets made: hand them out, then collect them
    assert "下一步" in handed_out and "--scores" in handed_out
    _, final = ranked  # recommended: read the draft report
    assert "下一步" in final and "推荐报告" in final.split("下一步", 1)[1]
    assert "评分标记" in final.split("下一步", 1)[1]
    unscored = CliRunner().invoke(cli, ["review", str(inbox / "01-示范"), "-o", str(tmp_path / "二"), "--quota", "1"])
    assert "推荐报告" in unscored.output.split("下一步", 1)[1] and "评分标记" not in unscored.output


def test_the_same_unit_twice_is_pointed_out(tmp_path: Path) -> None:
    """A unit that sent its folder and its 申报书.docx (or applied twice) is named on screen and in 说明."""
    root = tmp_path / "收到的申报"
    root.mkdir()
    _hand_made_docx(root / "01-手工.docx")
    _hand_made_docx(root / "02-再次提交.docx")
    out = tmp_path / "审核结果"
    result = CliRunner().invoke(cli, ["review", str(root), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "A02" in result.output and "A01" in result.output and "申报单位名称相同" in result.output
    rows = _rows(out / "审核汇总表.xlsx", "审核汇总")
    col = {title: i for i, title in enumerate(rows[0])}
    second = next(r for r in rows[1:] if r[0] == "A02")
    assert "与 A01 申报单位名称相同" in str(second[col["说明"]])


def test_a_single_allowed_score_reads_as_one_number(reviewed: tuple[Path, str]) -> None:
    out, _ = reviewed
    wb = load_workbook(out / "评分表-专家01.xlsx")
    prompts = {dv.prompt for dv in wb["评分"].data_validations.dataValidation}
    errors = {dv.error for dv in wb["评分"].data_validations.dataValidation}
    wb.close()
    assert "允许 10 分" in prompts and "允许 0–4 分" in prompts
    assert not any("10–10" in p or "15–15" in p for p in prompts | errors), prompts | errors


def test_an_out_of_range_number_option_is_said_in_chinese(inbox: Path, tmp_path: Path) -> None:
    for option, value in (("--quota", "0"), ("--score-sheets", "100000")):
        result = CliRunner().invoke(cli, ["review", str(inbox / "01-示范"), "-o", str(tmp_path), option, value])
        assert result.exit_code == 2
        assert "is not in the range" not in result.output and f"{value} 超出允许的范围" in result.output, \
            result.output


def test_shares_are_rounded_as_check_rounds_them(tmp_path: Path) -> None:
    """613/2350 = 26.085%: check and the 申报书 say 26.1%, so must 审核汇总表 and 推荐报告 (they said 26.0)."""
    import docx

    folder = tmp_path / "收到的申报" / "示范"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("output"))
    wb = load_workbook(folder / "申报数据.xlsx")
    for row in wb["培训总量"].iter_rows(min_row=2):
        if row[0].value == 2021:
            row[2].value = 613
    wb.save(folder / "申报数据.xlsx")
    checked = CliRunner().invoke(cli, ["check", str(folder)])
    assert "26.1%（2021年 613/2350）" in checked.output
    out = tmp_path / "审核结果"
    result = CliRunner().invoke(cli, ["review", str(folder.parent), "-o", str(out), "--quota", "1"])
    assert result.exit_code == 0, result.output
    rows = _rows(out / "审核汇总表.xlsx", "审核汇总")
    col = rows[0].index("高级工及以上占比（%）")
    assert float(rows[1][col]) == 26.1  # type: ignore[arg-type]
    text = "\n".join(p.text for p in docx.Document(str(out / "推荐报告.docx")).paragraphs)
    assert "高级工及以上占比 26.1%" in text and "26.0%" not in text


def test_an_application_no_expert_scored_is_not_ranked_on_its_automatic_points(
        ranked: tuple[Path, str], inbox: Path, tmp_path: Path) -> None:
    """Arrived after the sheets went out: no sheet has it. It is “没有专家评分”, not 第 N 名 on 25 分."""
    late_inbox = tmp_path / "收到的申报"
    shutil.copytree(inbox, late_inbox)
    _make_application(late_inbox / "00-后到", "庚市技工学校（虚构）", {})
    out = tmp_path / "推荐"
    result = CliRunner().invoke(cli, ["review", str(late_inbox), "-o", str(out), "--rubric", RUBRIC,
                                      "--scores", str(inbox.parent / "回收的评分表"), "--quota", "5"])
    assert result.exit_code == 0, result.output
    rows = _rows(out / "推荐汇总表.xlsx", "推荐汇总")
    header = rows[0]
    late = next(r for r in rows[1:] if r[header.index("申报单位名称")] == "庚市技工学校（虚构）")
    assert late[header.index("推荐")] == "不推荐"
    assert "没有专家评分" in late[header.index("理由")] and "超出推荐名额" not in late[header.index("理由")], late
    scores = _rows(out / "评分汇总表.xlsx", "评分汇总")
    late = next(r for r in scores[1:] if r[2] == "庚市技工学校（虚构）")
    assert "没有专家评分" in str(late[-1]), late


def test_ranks_are_numbers_so_excel_sorts_them(ranked: tuple[Path, str]) -> None:
    """名次 as text sorts 10 before 2 in Excel's filter; only a shared rank needs the words “（并列）”."""
    final, _ = ranked
    for name, sheet in (("评分汇总表.xlsx", "评分汇总"), ("推荐汇总表.xlsx", "推荐汇总")):
        rows = _rows(final / name, sheet)
        col = rows[0].index("名次")
        ranks = [r[col] for r in rows[1:] if r[1] and str(r[1]).startswith("A") and r[col] is not None]
        assert ranks and all(isinstance(v, int) or "并列" in str(v) for v in ranks), (name, ranks)


def test_scores_show_two_decimals(ranked: tuple[Path, str]) -> None:
    """The rule says 保留两位小数: 95 reads 95.00, as in 推荐报告, next to 62.69."""
    final, _ = ranked
    for name, sheet in (("评分汇总表.xlsx", "评分汇总"), ("推荐汇总表.xlsx", "推荐汇总")):
        wb = load_workbook(final / name)
        ws = wb[sheet]
        titles = [c.value for c in ws[1]]
        assert ws.cell(row=2, column=titles.index("总分") + 1).number_format == "0.00", name
        wb.close()


def test_an_application_sheet_holds_no_applicant_build_advice(reviewed: tuple[Path, str]) -> None:
    """The reviewer builds nothing: “有错误时 skilldoc build 不会生成申报书” is the applicant's line."""
    out, _ = reviewed
    wb = load_workbook(out / "审核汇总表.xlsx")
    sheet = next(ws for ws in wb.worksheets if "戊市职业技能培训中心" in ws.title)  # the one with errors
    text = "\n".join(str(c.value) for c in sheet["A"] if c.value)
    wb.close()
    assert "个错误" in text and "skilldoc build" not in text and "--force" not in text


def test_review_where_no_application_can_be_read_exits_3_with_the_reasons(tmp_path: Path) -> None:
    broken = tmp_path / "收到的申报"
    broken.mkdir()
    (broken / "甲单位申报书.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (broken / "乙单位").mkdir()
    (broken / "乙单位" / "申报数据.xlsx").write_bytes(b"")
    result = CliRunner().invoke(cli, ["review", str(broken), "-o", str(tmp_path / "审核结果")])
    assert result.exit_code == InputError.exit_code, result.output
    assert "没有一份申报可以审核" in result.output and "甲单位申报书.docx" in result.output
    assert (tmp_path / "审核结果" / "审核汇总表.xlsx").is_file()  # the reasons are in the workbook too
