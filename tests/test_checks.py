"""Every check of ``skilldoc check``: one passing and one failing case each.

Applications are built by hand (no workbook); rendered sections are a small
stand-in with the attributes of :class:`skilldoc.render.RenderedSection`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from skilldoc import form
from skilldoc.checks import standards as std
from skilldoc.checks.engine import CheckReport, run_checks, section_plain_text
from skilldoc.errors import InputError, Location, Problem, Severity
from skilldoc.markup import parse
from skilldoc.model import (
    Application,
    EvidenceItem,
    Expert,
    Header,
    Occupation,
    OccupationYear,
    SectionSource,
    YearTotal,
)

POLICY = Path(__file__).resolve().parent.parent / "policy"  # policy/README.md
SEED = POLICY / "000_32a81bcac964ca42.txt"

HEADER: dict[str, Any] = {
    "org_name": "示例市高级技工学校（虚构）",
    "category": "技工院校",
    "address": "浙江省示例市示例区学院路 1 号",
    "postcode": "312000",
    "website": "www.example.edu.cn",
    "legal_name": "王示例",
    "legal_title": "校长",
    "office_phone": "0575-88001234",
    "fax": "0575-88001235",
    "mobile": "13800001234",
    "email": "office@example.edu.cn",
    "authority": "示例市人力资源和社会保障局",
    "floor_area": Decimal("52000"),
    "equipment_count": 860,
    "equipment_value": Decimal("2680.5"),
    "robot_count": 40,
    "robot_value": Decimal("600"),
    "fulltime_teachers": 210,
    "integrated_teachers": 150,
    "instructors": 60,
    "instr_senior": 20,
    "instr_first": 25,
    "instr_title_other": 15,
    "instr_senior_technician": 12,
    "instr_technician": 30,
    "instr_senior_worker": 10,
    "instr_level_other": 8,
    "is_assessor": "是",
    "assessor_since": dt.date(2020, 6, 15),
    "assessed_occupations": 12,
    "filled_on": dt.date(2022, 11, 20),
}
OCCUPATIONS = ("数控车工", "焊工", "电工", "工业机器人系统运维员")


def make_app(header: dict[str, Any] | None = None, *, years: tuple[YearTotal, ...] | None = None,
             occupations: tuple[Occupation, ...] | None = None, experts: tuple[Expert, ...] | None = None,
             evidence: tuple[EvidenceItem, ...] | None = None) -> Application:
    """A fictional applicant that passes every check; override parts to make one fail."""
    values = {**HEADER, **(header or {})}
    if years is None:
        years = (
            YearTotal(2019, 2100, 500, Decimal("95"), Decimal("93")),
            YearTotal(2020, 2200, 520, Decimal("95.5"), Decimal("93.5")),
            YearTotal(2021, 2350, 600, Decimal("96.5"), Decimal("94.2")),
        )
    if occupations is None:
        occupations = tuple(
            Occupation(name, (OccupationYear(2019, 500, 100), OccupationYear(2020, 520, 110),
                              OccupationYear(2021, 560, 140)), 120, Decimal("600"), row=i + 2)
            for i, name in enumerate(OCCUPATIONS))
    if experts is None:
        experts = tuple(Expert(f"专家{o}{k}", o, form.EXPERT_CATEGORIES[k], "某单位", row=2 + 3 * i + k)
                        for i, o in enumerate(OCCUPATIONS) for k in range(3))
    if evidence is None:
        evidence = (
            EvidenceItem("E01", "营业执照", form.HEADER_PART, (), row=2),
            EvidenceItem("E02", "培训统计表", "4.技能培训", (), row=3),
        )
    return Application(Header(values), years, occupations, experts, evidence, source=Path("申报数据.xlsx"))


@dataclass
class FakeRendered:
    section: form.Section
    source: Path
    text: str
    blocks: tuple[Any, ...]
    cited: tuple[str, ...]


PARAGRAPH = "2021年培训2,000人次，其中AI课程 deep learning 3门。"  # 18 字


def rendered(number: int, text: str = PARAGRAPH, cited: tuple[str, ...] = ("E02",)) -> FakeRendered:
    section = form.SECTIONS[number - 1]
    return FakeRendered(section, Path("/申报/sections") / section.filename, text, tuple(parse(text)), cited)


def all_sections(**overrides: FakeRendered) -> list[FakeRendered]:
    return [overrides.get(f"s{s.number}", rendered(s.number)) for s in form.SECTIONS]


def codes(report: CheckReport) -> list[str]:
    return [p.code for p in report.findings]


def find(report: CheckReport, code: str) -> list[Problem]:
    return [p for p in report.findings if p.code == code]


def check(app: Application | None = None, sections: list[FakeRendered] | None = None, **kw: Any) -> CheckReport:
    return run_checks(app or make_app(), all_sections() if sections is None else sections, **kw)


# --- the baseline ---------------------------------------------------------------------------------


def test_baseline_passes_everything() -> None:
    report = check()
    assert report.findings == []
    assert not report.has_errors and report.errors == [] and report.warnings == []
    assert [s.counts.words for s in report.sections] == [18] * 8
    assert len(report.thresholds) == 7 and all(t.passed for t in report.thresholds)
    assert report.standards == [("national", "国家技能根基工程培训基地建设遴选参考标准")]


# --- section limits ----------------------------------------------------------------------------------


def long_text(words: int) -> str:
    """A section of exactly ``words`` 字 (paragraphs of 18 plus a Han filler)."""
    n, rest = divmod(words, 18)
    return "\n\n".join([PARAGRAPH] * n + (["字" * rest] if rest else []))


def test_over_limit_is_an_error_saying_by_how_much() -> None:
    report = check(sections=all_sections(s3=rendered(3, long_text(3120))))
    sc = report.sections[2]
    assert (sc.counts.words, sc.limit, sc.over, sc.status) == (3120, 3000, 120, "over")
    [p] = find(report, "section.over_limit")
    assert p.severity is Severity.ERROR and report.has_errors
    assert "3120 字" in p.message and "120 字" in p.message and "3.师资队伍" in p.message
    assert p.location == Location("sections/3-师资队伍.md")


def test_exactly_at_the_limit_is_a_warning_not_an_error() -> None:
    report = check(sections=all_sections(s1=rendered(1, long_text(3000))))
    assert report.sections[0].over == 0 and report.sections[0].near
    assert codes(report) == ["section.near_limit"]
    assert not report.has_errors


def test_near_limit_starts_at_95_percent() -> None:
    below = check(sections=all_sections(s1=rendered(1, long_text(2849))))
    at = check(sections=all_sections(s1=rendered(1, long_text(2850))))
    assert below.findings == [] and below.sections[0].status == "ok"
    [p] = find(at, "section.near_limit")
    assert p.severity is Severity.WARNING and "还可写 150 字" in p.message


def test_limit_is_configurable() -> None:
    report = check(limit=100, sections=all_sections(s2=rendered(2, long_text(120))))
    assert report.sections[1].limit == 100 and report.sections[1].over == 20
    assert codes(report) == ["section.over_limit"]
    assert report.limit == 100


def test_limit_none_uses_each_sections_own_limit() -> None:
    report = check(limit=None)
    assert [s.limit for s in report.sections] == [s.limit for s in form.SECTIONS]


def test_counts_the_text_as_it_appears_in_the_docx_not_the_markup() -> None:
    text = "一、总体情况\n\n**重点**工作：\n\n- 数控\n- 焊接\n\n| 年度 | 人次 |\n|---|---|\n| 2021 | 2,350 |"
    r = rendered(1, text)
    plain = section_plain_text(r)
    assert "**" not in plain and "|" not in plain and "---" not in plain
    report = check(sections=all_sections(s1=r))
    # 一、总体情况 6 + 重点工作： 5 + 数控 2 + 焊接 2 + 年度 2 + 人次 2 + 2021 1 + 2,350 1
    assert report.sections[0].counts.words == 21


def test_section_without_evidence_is_a_warning() -> None:
    report = check(sections=all_sections(s5=rendered(5, cited=())))
    [p] = find(report, "section.no_evidence")
    assert p.severity is Severity.WARNING and "5.技能评价" in p.message
    assert p.location is not None and p.location.file == "sections/5-技能评价.md"


def test_empty_section_is_a_warning() -> None:
    report = check(sections=all_sections(s6=rendered(6, "", cited=())))
    assert codes(report) == ["section.empty"]


# --- completeness and form --------------------------------------------------------------------------


def test_missing_required_field() -> None:
    report = check(make_app({"authority": None, "legal_title": "  "}))
    problems = find(report, "field.missing")
    assert {p.message for p in problems} == {"必填项“申报单位主管部门”未填写", "必填项“职务”未填写"}
    assert all(p.location == Location("申报数据.xlsx", sheet="基本信息") for p in problems)


def test_optional_fields_may_be_empty() -> None:
    report = check(make_app({"website": None, "fax": None}))
    assert report.findings == []


@pytest.mark.parametrize(("key", "value"), [
    ("postcode", "31200"), ("postcode", "3120001"), ("postcode", "31200A"),
    ("office_phone", "88-1"), ("fax", "传真"), ("mobile", "1380000123"), ("mobile", "23800001234"),
    ("email", "office.example.edu.cn"), ("email", "a@b"), ("website", "example"),
])
def test_implausible_contact_fields(key: str, value: str) -> None:
    [p] = check(make_app({key: value})).findings
    assert p.code == "field.format" and p.severity is Severity.ERROR
    assert value in p.message and p.hint


@pytest.mark.parametrize(("key", "value"), [
    ("office_phone", "0575 88001234"), ("office_phone", "(0571)87654321".replace("(", "").replace(")", "-")),
    ("office_phone", "010-12345678-801"), ("office_phone", "400-123-4567"),
    ("mobile", "138 0000 1234"), ("mobile", "+86 13800001234"),
    ("website", "https://www.example.edu.cn/index.html"), ("website", "http://示例.中国"),
    ("email", "zhang.san+jd@mail.example.com.cn"),
])
def test_plausible_contact_fields(key: str, value: str) -> None:
    assert check(make_app({key: value})).findings == []


def test_category_must_be_an_option() -> None:
    [p] = check(make_app({"category": "民办学校"})).findings
    assert p.code == "field.choice" and "技工院校" in (p.hint or "")


def test_category_other_needs_its_text() -> None:
    assert codes(check(make_app({"category": "其他"}))) == ["field.category_other"]
    assert check(make_app({"category": "其他", "category_other": "行业协会"})).findings == []
    [p] = check(make_app({"category_other": "行业协会"})).findings
    assert p.code == "field.category_other_unused" and p.severity is Severity.WARNING


def test_assessor_since_required_when_yes() -> None:
    report = check(make_app({"assessor_since": None}))
    [p] = report.findings
    assert p.code == "field.assessor_since" and p.severity is Severity.ERROR
    assert check(make_app({"is_assessor": "否", "assessor_since": None, "assessed_occupations": None})).findings == []
    [w] = check(make_app({"is_assessor": "否"})).findings
    assert w.code == "field.assessor_inconsistent" and w.severity is Severity.WARNING


# --- consistency --------------------------------------------------------------------------------------


def test_years_must_be_the_three_before_filled_on() -> None:
    [p] = check(make_app({"filled_on": dt.date(2023, 3, 1)})).findings
    assert p.code == "consistency.years"
    assert "2020、2021、2022" in p.message and p.location == Location("申报数据.xlsx", sheet="培训总量")


def test_advanced_not_more_than_trained_per_year() -> None:
    app = make_app()
    years = (*app.years[:2], dataclasses.replace(app.years[2], trained=2350, advanced=2400))
    [p] = find(check(make_app(years=years)), "consistency.advanced_exceeds_trained")
    assert "2021年" in p.message and "2400" in p.message


def test_advanced_not_more_than_trained_per_occupation() -> None:
    app = make_app()
    bad = dataclasses.replace(app.occupations[1], years=(OccupationYear(2019, 50, 60),
                                                           *app.occupations[1].years[1:]))
    report = check(make_app(occupations=(app.occupations[0], bad, *app.occupations[2:])))
    [p] = report.findings
    assert p.code == "consistency.advanced_exceeds_trained" and "焊工" in p.message and "2019年" in p.message
    assert p.location == Location("申报数据.xlsx", sheet="职业工种", cell="3:3")


def test_occupation_sums_not_more_than_totals() -> None:
    app = make_app()
    years = (dataclasses.replace(app.years[0], trained=1999), *app.years[1:])
    report = check(make_app(years=years))
    [p] = find(report, "consistency.occupation_sum_exceeds_total")
    assert "2019年" in p.message and "2000" in p.message and "1999" in p.message
    # the occupation sum may be lower than the total (other training)
    assert check(make_app(years=tuple(dataclasses.replace(y, trained=y.trained + 500)
                                      for y in app.years))).findings == []


def test_instructor_counts_agree() -> None:
    [p] = check(make_app({"instr_first": 26})).findings
    assert p.code == "consistency.instructors_by_title" and "61" in p.message and "60" in p.message
    [q] = check(make_app({"instr_level_other": 7})).findings
    assert q.code == "consistency.instructors_by_level"


def test_equipment_of_occupations_within_header_total() -> None:
    [p] = check(make_app({"equipment_value": Decimal("2300"), "equipment_count": 100})).findings[:1]
    assert p.code == "consistency.equipment_exceeds_total" and p.severity is Severity.WARNING


def test_expert_occupation_must_be_listed() -> None:
    app = make_app()
    experts = (*app.experts, Expert("李某", "钳工", "行业专家", row=30))
    [p] = check(make_app(experts=experts)).findings
    assert p.code == "consistency.expert_occupation" and "钳工" in p.message
    assert p.location == Location("申报数据.xlsx", sheet="专家团队", cell="30:30")


def test_literal_number_in_template_suggests_the_variable() -> None:
    path = Path("/申报/sections/4-技能培训.md")
    text = ("近三年培训规模稳步增长。\n"
            "{{ 年份[2] }}年培训{{ 最近年度.培训数量 }}人次。\n"
            "2021年培训2,350人次，专任教师210人，开设3个专业，12 个制造类职业（工种）具备认定资质。\n"
            "{# 2350 in a comment is fine #}{{ 2350 }}")
    report = check(sources=[SectionSource(form.SECTIONS[3], path, text)])
    problems = find(report, "template.literal_number")
    assert [(p.location.line if p.location else None, p.hint) for p in problems] == [
        (3, "改用变量 {{ 最近年度.培训数量 }}，工作簿修改后正文会自动一致"),
        (3, "改用变量 {{ 专任教师人数 }}，工作簿修改后正文会自动一致"),
        (3, "改用变量 {{ 认定职业数量 }}，工作簿修改后正文会自动一致"),
    ]
    assert problems[0].location == Location("sections/4-技能培训.md", line=3)
    assert all(p.severity is Severity.WARNING for p in problems)


def test_a_literal_number_warns_only_where_its_context_points_to_the_same_figure() -> None:
    text = ("2020年培训合格率为95.5%。\n"  # the 2020 pass rate, typed: warn
            "到2025年，培训合格率达到95.5%以上。\n"  # a 2025 target that happens to equal it: fine
            "满意率 95.5% 的企业占比较高。\n"  # 95.5 is 2020's pass rate, not a 满意率: fine
            "2020年满意率93.5%。")  # 2020's 满意率: warn
    report = check(sources=[SectionSource(form.SECTIONS[3], Path("4.md"), text)])
    problems = find(report, "template.literal_number")
    assert [(p.location.line, p.hint) for p in problems] == [
        (1, "改用变量 {{ 年度[1].合格率 }}，工作簿修改后正文会自动一致"),
        (4, "改用变量 {{ 年度[1].满意率 }}，工作簿修改后正文会自动一致"),
    ]


def test_literal_numbers_that_are_not_workbook_figures_are_fine() -> None:
    text = ("2019年至2021年，累计培训6650人次，占地52,001平方米，1.5倍。调查了 2350 家企业，"
            "开设 210 个专业，2100 年，相关专业 12 个。")
    assert check(sources=[SectionSource(form.SECTIONS[0], Path("1.md"), text)]).findings == []


# --- evidence ----------------------------------------------------------------------------------------


def test_evidence_problems_are_included() -> None:
    bad = Problem("文件已损坏，无法打开", Location("证明材料/营业执照.pdf", item="E01"), code="evidence.unreadable")
    report = check(evidence_problems=[bad])
    assert report.findings == [bad] and report.has_errors


def test_uncited_evidence_is_a_warning() -> None:
    app = make_app(evidence=(*make_app().evidence, EvidenceItem("E03", "竞赛获奖证书", "6.技能竞赛", (), row=4)))
    [p] = check(app).findings
    assert p.code == "evidence.uncited" and p.severity is Severity.WARNING
    assert p.location == Location("申报数据.xlsx", sheet="证明材料", cell="4:4", item="E03")
    # shown to a clerk as the row, not as Excel's whole-row range 证明材料!4:4
    assert str(p.location) == "申报数据.xlsx 工作表“证明材料”第 4 行 证明材料 E03"
    assert '{{ 证明("E03") }}' in (p.hint or "")
    # cited from any section: fine
    assert check(app, all_sections(s6=rendered(6, cited=("E03",)))).findings == []


def test_header_table_evidence_need_not_be_cited() -> None:
    app = make_app(evidence=(EvidenceItem("E01", "营业执照", form.HEADER_PART, ()),
                             EvidenceItem("E02", "培训统计表", "4.技能培训", ())))
    assert check(app).findings == []


# --- thresholds ---------------------------------------------------------------------------------------


def threshold(report: CheckReport, rule_id: str) -> Any:
    return next(t for t in report.thresholds if t.rule_id == rule_id)


def failed(report: CheckReport) -> list[str]:
    return [t.rule_id for t in report.thresholds if not t.passed]


def with_latest(**changes: Any) -> Application:
    app = make_app()
    return make_app(years=(*app.years[:2], dataclasses.replace(app.years[2], **changes)))


def test_threshold_rows_show_article_rule_and_figure() -> None:
    t = threshold(check(), "annual_training")
    assert (t.standard, t.article, t.rule) == ("national", "第四条、第九条", "年培训规模不少于2000人次")
    assert t.requirement == "年培训规模 ≥ 2000 人次" and t.actual == "2350 人次（2021年）" and t.passed
    assert t.value == 2350 and t.threshold == 2000 and t.op == ">="
    assert len(t.details) == 3 and t.details[0].startswith("2019年")  # all three years shown


def test_annual_training_below_2000_fails() -> None:
    report = check(with_latest(trained=1999, advanced=500))
    assert "annual_training" in failed(report)
    [p] = find(report, "threshold.failed")
    assert p.severity is Severity.ERROR and "第四条、第九条" in p.message and "1999" in p.message
    # the latest year decides: an older bigger year does not help
    assert threshold(report, "annual_training").value == 1999


def test_advanced_share_below_20_percent_fails() -> None:
    report = check(with_latest(trained=2000, advanced=399))  # 19.95%
    assert failed(report) == ["advanced_share"]
    # one decimal rounded half up would read 20.0%: the figure is shown unrounded so it agrees with the verdict
    assert threshold(report, "advanced_share").actual.startswith("19.95%（")
    assert threshold(check(with_latest(trained=2000, advanced=400)), "advanced_share").passed


def test_occupations_with_equipment() -> None:
    app = make_app()
    occs = tuple(dataclasses.replace(o, equipment_count=None, equipment_value=None) if i >= 2 else o
                 for i, o in enumerate(app.occupations))
    report = check(make_app(occupations=occs))
    assert failed(report) == ["occupations_with_equipment"]
    assert threshold(report, "occupations_with_equipment").value == 2


def test_equipment_value_from_header() -> None:
    report = check(make_app({"equipment_value": Decimal("2400")}))
    assert threshold(report, "equipment_value").passed
    report = check(make_app({"equipment_value": Decimal("1999.9")}))
    assert "equipment_value" in failed(report)
    # header empty: the per-occupation sum stands in (and is said to)
    t = threshold(check(make_app({"equipment_value": None})), "equipment_value")
    assert t.value == 2400 and "按各职业（工种）合计" in t.actual


def test_experts_per_occupation() -> None:
    app = make_app()
    experts = tuple(e for e in app.experts if not (e.occupation == "电工" and e.category == "行业专家"))
    report = check(make_app(experts=experts))
    assert failed(report) == ["experts_per_occupation"]
    t = threshold(report, "experts_per_occupation")
    assert t.value == 2 and "电工" in t.actual and "电工：2 名" in t.details


@pytest.mark.parametrize(("changes", "rule"), [
    ({"pass_rate": Decimal("89.9")}, "pass_rate"),
    ({"pass_rate": None}, "pass_rate"),
    ({"satisfaction": Decimal("89")}, "satisfaction"),
    ({"satisfaction": None}, "satisfaction"),
])
def test_pass_rate_and_satisfaction(changes: dict[str, Any], rule: str) -> None:
    report = check(with_latest(**changes))
    assert failed(report) == [rule]
    if None in changes.values():
        assert threshold(report, rule).actual == "未填写"
        assert "未填写" in find(report, "threshold.failed")[0].message


def test_exactly_at_the_threshold_passes() -> None:
    report = check(with_latest(trained=2000, advanced=400, pass_rate=Decimal(90), satisfaction=Decimal(90)))
    assert failed(report) == []


def test_no_years_at_all_fails_the_training_rules() -> None:
    report = check(make_app({"filled_on": None}, years=()))
    assert set(failed(report)) == {"annual_training", "advanced_share", "pass_rate", "satisfaction"}


# --- standards as data ----------------------------------------------------------------------------------


def test_national_standard_quotes_the_seed_verbatim() -> None:
    standard = std.load_standard("national")
    assert [r.article for r in standard.rules] == [
        "第四条、第九条", "第四条", "第十条", "第十条", "第十二条", "第二十一条", "第二十一条"]
    for rule in standard.rules:
        assert rule.clause in rule.text
        assert rule.metric in std.METRICS
    seed_lines = SEED.read_text(encoding="utf-8").splitlines()
    for rule in standard.rules:
        for line in rule.text.splitlines():
            assert line in seed_lines, line


def test_a_new_standard_is_a_file(tmp_path: Path) -> None:
    path = tmp_path / "local.toml"
    path.write_text('''
title = "某市实训基地认定条件"
severity = "warning"
[[rules]]
id = "occupations"
article = "第三条"
clause = "开设5个以上职业（工种）"
text = "第三条 开设5个以上职业（工种）。"
label = "职业（工种）数"
metric = "occupation_count"
op = ">="
threshold = 5
unit = "个"
[[rules]]
id = "schools_only"
article = "第四条"
clause = "年培训1500人次以上"
text = "第四条 技工院校年培训1500人次以上。"
metric = "latest_trained"
op = ">="
threshold = 1500
applies_to = ["技工院校"]
[[rules]]
id = "companies_only"
article = "第四条"
clause = "年培训1000人次以上"
text = "第四条 企业年培训1000人次以上。"
metric = "latest_trained"
op = ">="
threshold = 1000
applies_to = ["制造业龙头企业"]
''', encoding="utf-8")
    report = check(standards=("national", str(path)))
    assert [k for k, _ in report.standards] == ["national", "local"]
    local = [t for t in report.thresholds if t.standard == "local"]
    assert [t.rule_id for t in local] == ["occupations", "schools_only"]  # companies_only does not apply
    assert not local[0].passed and local[0].severity is Severity.WARNING
    assert local[0].requirement == "职业（工种）数 ≥ 5 个"
    [p] = find(report, "threshold.failed")
    assert p.severity is Severity.WARNING and not report.has_errors


def test_malformed_standard_reports_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('''
title = "坏标准"
[[rules]]
id = "a"
article = "第一条"
clause = "不在原文中"
text = "第一条 原文。"
metric = "no_such_metric"
op = "=>"
threshold = 1
[[rules]]
id = "b"
article = "第二条"
''', encoding="utf-8")
    with pytest.raises(InputError) as exc:
        std.load_standard(path)
    assert {p.code for p in exc.value.problems} == {
        "standard.metric", "standard.op", "standard.clause", "standard.field"}
    syntax = tmp_path / "syntax.toml"
    syntax.write_text("title = ", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        std.load_standard(syntax)
    assert exc.value.problems[0].code == "standard.syntax"
    with pytest.raises(InputError) as exc:
        std.load_standard("no-such-standard")
    assert "national" in (exc.value.problems[0].hint or "")


def test_every_shipped_standard_loads() -> None:
    assert "national" in std.available_standards()
    for name in std.available_standards():
        assert std.load_standard(name).rules


def test_accepts_the_renderers_sections() -> None:
    render = pytest.importorskip("skilldoc.render")
    sections = [render.RenderedSection(s.section, s.source, s.text, s.blocks, s.cited) for s in all_sections()]
    report = run_checks(make_app(), sections)
    assert report.findings == [] and [s.counts.words for s in report.sections] == [18] * 8
