"""Section rendering: the template context, 证明()/页码(), filters, and every error with its template line."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skilldoc import form
from skilldoc.errors import InputError, Location, Problem, Severity
from skilldoc.markup import Heading, ListItem, Paragraph, Run, Table, parse, plain_text
from skilldoc.model import (
    Application,
    EvidenceItem,
    Expert,
    Header,
    Occupation,
    OccupationYear,
    PageRange,
    SectionSource,
    YearTotal,
)
from skilldoc.render import (
    RenderedSection,
    build_context,
    chinese_integer,
    chinese_number,
    context_reference_markdown,
    describe_context,
    render_sections,
)

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "模板与标记.md"
SECTIONS_DIR = Path("/申报/sections")


def make_app(**header: object) -> Application:
    values: dict[str, object] = {
        "org_name": "绍兴市技师学院",
        "category": "技工院校",
        "address": "浙江省绍兴市越城区",
        "legal_name": "王五",
        "authority": "绍兴市人力资源和社会保障局",
        "floor_area": Decimal("52000.5"),
        "equipment_count": 2350,
        "equipment_value": Decimal("2.6805E+3"),
        "fulltime_teachers": 320,
        "integrated_teachers": 210,
        "fax": None,
        "is_assessor": "是",
        "assessor_since": dt.date(2020, 6, 15),
        "filled_on": dt.date(2022, 11, 20),
    }
    values.update(header)
    return Application(
        header=Header(values),  # type: ignore[arg-type]
        years=(
            YearTotal(2019, 2800, 700, Decimal("91.2"), Decimal("95")),
            YearTotal(2020, 3000, 800, None, None),
            YearTotal(2021, 3650, 1000, Decimal("92.5"), Decimal("96.4")),
        ),
        occupations=(
            Occupation("数控车工", (OccupationYear(2019, 800, 200), OccupationYear(2020, 900, 250),
                                OccupationYear(2021, 1000, 300)), 120, Decimal("680.5")),
            Occupation("焊工", (OccupationYear(2021, 500, 100),), 80, Decimal("300")),
        ),
        experts=(
            Expert("张三", "数控车工", "行业专家", "某机床厂", "高级工程师"),
            Expert("李四", "数控车工", "企业实践专家", "某汽车公司", "高级技师"),
            Expert("赵六", "焊工", "职业技能培训专家", "本院", "正高级讲师"),
        ),
        evidence=(
            EvidenceItem("E01", "营业执照", form.HEADER_PART, ()),
            EvidenceItem("E03", "实训基地建设资料", "2.工作基础", ()),
            EvidenceItem("E07", "师资名册", "3.师资队伍", ()),
            EvidenceItem("E12", "竞赛获奖证书", "6.技能竞赛", ()),
        ),
    )


PAGES = {"E01": PageRange(1, 2), "E03": PageRange(12, 15), "E07": PageRange(21, 21), "E12": PageRange(30, 31)}


def source(number: int, text: str) -> SectionSource:
    section = form.SECTIONS[number - 1]
    return SectionSource(section, SECTIONS_DIR / section.filename, text)


def render_one(text: str, app: Application | None = None, number: int = 1) -> tuple[RenderedSection, list[Problem]]:
    rendered, warnings = render_sections(app or make_app(), [source(number, text)], PAGES)
    assert len(rendered) == 1
    return rendered[0], warnings


def render_text(text: str, app: Application | None = None) -> str:
    section, warnings = render_one(text, app)
    assert warnings == []
    return section.text


def errors_of(texts: dict[int, str], app: Application | None = None) -> list[Problem]:
    with pytest.raises(InputError) as info:
        render_sections(app or make_app(), [source(n, t) for n, t in texts.items()], PAGES)
    return info.value.problems


# --- the context ----------------------------------------------------------------------


def test_header_fields_by_their_template_names() -> None:
    text = render_text("{{ 单位名称 }}|{{ 单位类别 }}|{{ 法人姓名 }}|{{ 主管部门 }}|{{ 是否认定机构 }}")
    assert text == "绍兴市技师学院|技工院校|王五|绍兴市人力资源和社会保障局|是"


def test_every_header_field_is_in_the_context() -> None:
    ctx = build_context(make_app(), PAGES)
    for f in form.HEADER_FIELDS:
        assert f.var in ctx


def test_dates_print_chinese_and_stay_dates() -> None:
    assert render_text("{{ 填报时间 }}") == "2022年11月20日"
    assert render_text("{{ 认定资质时间 | 日期 }}") == "2020年6月15日"
    assert render_text("{{ 填报时间.year }}/{{ 填报时间.month }}") == "2022/11"
    assert render_text("截至{{ 填报时间 ~ '' }}") == "截至2022年11月20日"
    assert render_text("{% if 认定资质时间 < 填报时间 %}早{% endif %}") == "早"


def test_numbers_print_without_exponent() -> None:
    assert render_text("{{ 设备总值 }} {{ 场所面积 }} {{ 设备数量 }}") == "2680.5 52000.5 2350"
    assert render_text("{{ 设备总值 * 2 }} {{ 设备数量 + 1 }}") == "5361.0 2351"
    assert "E" not in render_text("{{ 设备总值 ~ '' }}")


def test_derived_names() -> None:
    text = render_text(
        "{{ 申报职业 }}|{{ 年份 }}|{{ 年份[0] }}|{{ 职业数 }}|{{ 专家人数 }}|"
        "{{ 最近年度.年份 }}|{{ 最近年度.培训数量 }}|{{ 最近年度.高级工占比 }}|{{ 年度[0].合格率 }}"
    )
    assert text == "数控车工、焊工|2019、2020、2021|2019|2|3|2021|3650|27.4|91.2"


def test_occupations_experts_and_evidence() -> None:
    template = (
        "{% for o in 职业 %}\n"
        "- {{ o.名称 }}：设备{{ o.设备数量 }}台套，{{ o.设备总值 | 万元 }}，专家{{ o.专家人数 }}人"
        "（{% for e in o.专家 %}{{ e.姓名 }}{% if not loop.last %}、{% endif %}{% endfor %}），"
        "最近培训{{ o.最近培训数量 }}人次，其中高级工及以上{{ o.最近高级工及以上数量 }}人次\n"
        "{% endfor %}\n"
        "{{ 职业[0].培训[2019].培训数量 }}\n"
        "{% for m in 证明材料 %}\n"
        "{{ m.编号 }} {{ m.名称 }} {{ m.所属部分 }} {{ m.页码 }}\n"
        "{% endfor %}"
    )
    assert render_text(template).rstrip("\n").split("\n") == [
        "- 数控车工：设备120台套，680.5万元，专家2人（张三、李四），最近培训1000人次，其中高级工及以上300人次",
        "- 焊工：设备80台套，300万元，专家1人（赵六），最近培训500人次，其中高级工及以上100人次",
        "800",
        "E01 营业执照 基本信息表 1—2",
        "E03 实训基地建设资料 2.工作基础 12—15",
        "E07 师资名册 3.师资队伍 21",
        "E12 竞赛获奖证书 6.技能竞赛 30—31",
    ]


def test_experts_by_category() -> None:
    text = render_text("{% for e in 专家 if e.类别 == '行业专家' %}{{ e.姓名 }}（{{ e.单位 }}，{{ e.职称 }}）{% endfor %}")
    assert text == "张三（某机床厂，高级工程师）"


def test_block_tags_leave_no_blank_lines() -> None:
    text = render_text("开头\n{% for y in 年度 %}\n{% if y.培训数量 %}\n- {{ y.年份 }}\n{% endif %}\n{% endfor %}\n结尾\n")
    assert text == "开头\n- 2019\n- 2020\n- 2021\n结尾\n"


def test_context_is_read_only_for_templates() -> None:
    problems = errors_of({1: "{{ 年度.append(1) }}"})
    assert problems[0].location == Location(file="sections/1-申报背景.md", line=1)
    problems = errors_of({1: "\n{{ 职业[0].__class__.__mro__ }}"})
    assert problems[0].location is not None and problems[0].location.line == 2


# --- 证明() and 页码() ----------------------------------------------------------------------


def test_evidence_references() -> None:
    assert render_text('{{ 证明("E03") }}') == "（见证明材料第12—15页）"
    assert render_text('{{ 证明("E03", "E07") }}') == "（见证明材料第12—15页、第21页）"
    assert render_text("{{ 证明('E07') }}") == "（见证明材料第21页）"
    assert render_text('{{ 页码("E03") }}|{{ 页码("E07") }}') == "12—15|21"
    assert "\u2014" in render_text('{{ 页码("E03") }}')


def test_cited_in_order_of_first_citation() -> None:
    section, _ = render_one('{{ 证明("E07") }}{{ 页码("E03") }}{{ 证明("E07", "E12") }}{{ 证明("E03") }}')
    assert section.cited == ("E07", "E03", "E12")
    section, _ = render_one("没有引用")
    assert section.cited == ()


def test_unknown_evidence_code_names_file_line_and_similar_codes() -> None:
    problems = errors_of({3: '第一行\n第二行{{ 证明("E3") }}\n{{ 页码("E13") }}'})
    assert [p.location for p in problems] == [
        Location(file="sections/3-师资队伍.md", line=2),
        Location(file="sections/3-师资队伍.md", line=3),
    ]
    assert "E3" in problems[0].message and "不存在" in problems[0].message
    assert problems[0].hint is not None and "E03" in problems[0].hint
    assert problems[1].hint is not None and "E12" in problems[1].hint
    assert all(p.code == "render.evidence" for p in problems)


def test_evidence_call_without_code_or_with_unquoted_code() -> None:
    problems = errors_of({1: "{{ 证明() }}\n{{ 证明(E03) }}"})
    assert [p.location.line for p in problems if p.location] == [1, 2]
    assert "未定义" in problems[1].message and "E03" in problems[1].message


def test_code_without_pages_is_a_warning() -> None:
    rendered, warnings = render_sections(make_app(), [source(1, '{{ 证明("E03") }}')], {})
    assert rendered[0].text == "（见证明材料第?页）"
    assert [w.code for w in warnings] == ["render.no_pages"]


# --- verbatim text ---------------------------------------------------------------------------


def test_user_text_survives_verbatim() -> None:
    literal = '<w:t> & &amp; "双引号" \'单引号\' “全角”‘引号’ 😀👍🏽 ，。；：！？（）【】《》…—— 一\\二 %s {0}'
    template = literal + "\n第二行\n\n{{ '{{' }} 不是变量 {{ '}}' }} {{ 单位名称 }}\n"
    app = make_app(org_name='A&B <公司> "甲" 😀')
    section, warnings = render_one(template, app)
    assert warnings == []
    assert section.text == literal + '\n第二行\n\n{{ 不是变量 }} A&B <公司> "甲" 😀\n'
    assert section.blocks == parse(section.text)
    assert plain_text(section.blocks).split("\n") == [
        literal.replace("\\二", "\\二"), "第二行", '{{ 不是变量 }} A&B <公司> "甲" 😀'
    ]


def test_rendered_blocks_are_the_parsed_markup() -> None:
    section, _ = render_one("一、{{ 单位名称 }}概况\n\n**{{ 单位名称 }}**位于{{ 单位地址 }}。\n\n"
                            "| 年份 | 人次 |\n|--|--|\n{% for y in 年度 %}\n| {{ y.年份 }} | {{ y.培训数量 | 千分位 }} |\n"
                            "{% endfor %}\n\n1. 第一\n- 要点")
    assert section.blocks[0] == Heading(1, (Run("一、绍兴市技师学院概况"),))
    assert section.blocks[1] == Paragraph((Run("绍兴市技师学院", bold=True), Run("位于浙江省绍兴市越城区。")))
    table = section.blocks[2]
    assert isinstance(table, Table) and table.header and len(table.rows) == 4
    assert isinstance(section.blocks[3], ListItem) and section.blocks[3].number == 1
    assert section.source == SECTIONS_DIR / "1-申报背景.md"
    assert section.section is form.SECTIONS[0]


def test_control_characters_are_removed_with_a_warning_naming_the_line() -> None:
    section, warnings = render_one("第一行\n第二\x0b行\x01\n第三行\t保留制表符\n")
    assert section.text == "第一行\n第二行\n第三行\t保留制表符\n"
    assert len(warnings) == 1
    assert warnings[0].location == Location(file="sections/1-申报背景.md", line=2)
    assert warnings[0].severity is Severity.WARNING
    assert "U+000B" in warnings[0].message and "U+0001" in warnings[0].message


def test_control_characters_from_a_workbook_value() -> None:
    section, warnings = render_one("第一行\n单位：{{ 单位名称 }}", make_app(org_name="绍兴\x0c技师学院"))
    assert section.text == "第一行\n单位：绍兴技师学院"
    assert [w.code for w in warnings] == ["render.control_char"]
    assert warnings[0].location == Location(file="sections/1-申报背景.md", line=2)
    assert "U+000C" in warnings[0].message


def test_empty_value_prints_nothing_and_warns() -> None:
    section, warnings = render_one("传真：\n{{ 传真 }}。")
    assert section.text == "传真：\n。"
    assert [(w.code, w.location.line if w.location else None) for w in warnings] == [("render.empty", 2)]
    assert "{{ 传真 }}" in warnings[0].message


# --- errors: every one, with the user's line ----------------------------------------------


def test_undefined_name_reports_the_template_line_and_a_suggestion() -> None:
    template = (
        "{# 注释\n跨两行 #}\n"  # lines 1-2
        "{% for y in 年度 %}\n{{ y.年份 }}\n{% endfor %}\n"  # lines 3-5
        "{% set 甲 = 1 %}\n"  # line 6
        "正文\n\n"  # lines 7-8
        "本校有专任教师{{ 专任老师人数 }}人。\n"  # line 9
    )
    problems = errors_of({3: template})
    assert len(problems) == 1
    p = problems[0]
    assert p.location == Location(file="sections/3-师资队伍.md", line=9)
    assert "专任老师人数" in p.message
    assert p.hint is not None and "专任教师人数" in p.hint
    assert p.code == "render.undefined"


def test_an_evidence_code_without_quotes_says_to_quote_it() -> None:
    # 证明(E01) typed without quotes reads E01 as a variable name
    [p] = errors_of({3: "见材料{{ 证明(E01) }}。\n"})
    assert "E01" in p.message and p.location == Location(file="sections/3-师资队伍.md", line=1)
    assert p.hint is not None and '证明("E01")' in p.hint and "引号" in p.hint
    assert "skilldoc vars" not in p.hint


def test_every_undefined_name_in_a_template_is_reported() -> None:
    problems = errors_of({2: "{{ 单位名 }}\n{% if 是否认证机构 %}x{% endif %}\n{% for z in 职业们 %}{% endfor %}\n{{ 专家人数 }}"})
    assert [(p.location.line if p.location else None) for p in problems] == [1, 2, 3]
    assert "单位名称" in (problems[0].hint or "")
    assert "是否认定机构" in (problems[1].hint or "")


def test_misspelled_attribute_suggests_the_right_one() -> None:
    problems = errors_of({4: "\n{% for y in 年度 %}\n{{ y.培训人数 }}\n{% endfor %}"})
    assert problems[0].location == Location(file="sections/4-技能培训.md", line=3)
    assert "培训人数" in problems[0].message
    assert ".培训数量" in (problems[0].hint or "")


def test_missing_year_and_index() -> None:
    problems = errors_of({4: "{{ 职业[0].培训[2030].培训数量 }}"})
    assert "2030" in problems[0].message and "2019" in (problems[0].hint or "")
    problems = errors_of({4: "\n{{ 年度[5].年份 }}"})
    assert problems[0].location == Location(file="sections/4-技能培训.md", line=2)
    assert "第 5 项" in problems[0].message


def test_syntax_error_reports_the_user_line() -> None:
    problems = errors_of({5: "第一行\n\n第三行 {{ 单位名称 }\n第四行"})
    assert problems[0].location == Location(file="sections/5-技能评价.md", line=3)
    assert problems[0].code == "render.syntax"
    assert "语法" in problems[0].message


def test_unclosed_block_and_unknown_filter() -> None:
    problems = errors_of({6: "{% if 职业数 %}\n有职业\n", 7: "\n\n{{ 设备数量 | 千位分 }}"})
    assert "endif" in (problems[0].hint or "")
    assert problems[1].location == Location(file="sections/7-合作交流.md", line=3)
    assert "千位分" in problems[1].message and "千分位" in (problems[1].hint or "")


def test_problems_from_all_templates_are_collected_in_one_error() -> None:
    problems = errors_of({
        1: "{{ 单位名称 }}正常",
        2: "{{ 单位名 }}",
        3: '{{ 证明("E99") }}',
        4: "{% for %}",
        5: "传真{{ 传真 }}",  # a warning, carried along with the errors
    })
    files = [(p.location.file if p.location else None, p.severity) for p in problems]
    assert files == [
        ("sections/2-工作基础.md", Severity.ERROR),
        ("sections/3-师资队伍.md", Severity.ERROR),
        ("sections/4-技能培训.md", Severity.ERROR),
        ("sections/5-技能评价.md", Severity.WARNING),
    ]


def test_runtime_errors_name_the_line() -> None:
    problems = errors_of({8: "一\n二\n{{ 设备数量 / 0 }}"})
    assert problems[0].location == Location(file="sections/8-建设规划.md", line=3)
    assert problems[0].code == "render.runtime"


def test_printing_a_list_of_objects_is_an_error_with_a_hint() -> None:
    problems = errors_of({1: "\n{{ 职业 }}"})
    assert problems[0].location == Location(file="sections/1-申报背景.md", line=2)
    assert ".名称" in (problems[0].hint or "")


def test_filter_misuse_is_reported() -> None:
    problems = errors_of({1: "{{ 单位名称 | 千分位 }}\n{{ 单位名称 | 日期 }}"})
    assert [p.location.line for p in problems if p.location] == [1, 2]
    assert all(p.code == "render.filter" for p in problems)


# --- filters ----------------------------------------------------------------------------------


def test_filters() -> None:
    assert render_text("{{ 2350 | 千分位 }} {{ 设备总值 | 千分位 }} {{ 1234567 | 千分位 }}") == "2,350 2,680.5 1,234,567"
    assert render_text("{{ 3 | 中文数字 }} {{ 12 | 中文数字 }} {{ 职业数 | 中文数字 }}") == "三 十二 二"
    assert render_text("{{ 最近年度.合格率 | 百分比 }} {{ 最近年度.合格率 | 百分比(0) }}") == "92.5% 93%"
    assert render_text("{{ 年度[0].满意率 | 百分比(1) }} {{ 最近年度.高级工占比 | 百分比 }}") == "95.0% 27.4%"
    assert render_text("{{ 设备总值 | 万元 }} {{ 300 | 万元 }}") == "2680.5万元 300万元"
    assert render_text("{{ 填报时间 | 日期 }}") == "2022年11月20日"


def test_filters_on_empty_values_print_nothing_with_a_warning() -> None:
    section, warnings = render_one("{{ 年度[1].合格率 | 百分比 }}")
    assert section.text == ""
    assert [w.code for w in warnings] == ["render.empty"]


@pytest.mark.parametrize(
    ("n", "expected"),
    [(0, "零"), (1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (105, "一百零五"), (110, "一百一十"),
     (1000, "一千"), (1005, "一千零五"), (1050, "一千零五十"), (10000, "一万"), (10010, "一万零一十"),
     (100000, "十万"), (120000, "十二万"), (1001000, "一百万一千"), (100000001, "一亿零一"),
     (201000000, "二亿零一百万"), (-3, "负三")],
)
def test_chinese_integer(n: int, expected: str) -> None:
    assert chinese_integer(n) == expected


def test_chinese_number_with_decimals() -> None:
    assert chinese_number(Decimal("3.5")) == "三点五"
    assert chinese_number(Decimal("12.05")) == "十二点零五"


@given(st.integers(min_value=1, max_value=10**15))
def test_chinese_integer_is_well_formed(n: int) -> None:
    text = chinese_integer(n)
    assert set(text) <= set("零一二三四五六七八九十百千万亿")
    assert "零零" not in text and not text.endswith("零") and not text.startswith("零")


# --- docs ---------------------------------------------------------------------------------------


def test_every_context_name_is_documented() -> None:
    documented = {c.name for c in describe_context()}
    assert set(build_context(make_app(), PAGES)) <= documented
    from skilldoc.render import FILTERS

    assert set(FILTERS) <= documented


def test_docs_reference_is_current() -> None:
    text = DOCS.read_text(encoding="utf-8")
    begin, end = "<!-- 以下由 skilldoc.render.context_reference_markdown() 生成，请勿手改 -->\n", "<!-- 生成结束 -->"
    assert begin in text and end in text
    generated = text.split(begin, 1)[1].split(end, 1)[0]
    assert generated == context_reference_markdown(), (
        "docs/模板与标记.md 的变量表已过期：用 skilldoc.render.context_reference_markdown() 的输出替换两个标记之间的内容"
    )


def test_docs_examples_render_as_documented() -> None:
    """The doc's examples, rendered against the test application, give the outputs the doc shows."""
    for c in describe_context():
        if c.kind in ("函数", "过滤器"):
            for part in c.example.split("；"):
                if "→" not in part or "`" not in part:
                    continue
                template = part.split("`")[1]
                expected = part.split("→", 1)[1].strip()
                assert render_text(template) == expected, (c.name, template)


def test_docs_worked_example_renders_as_described() -> None:
    text = DOCS.read_text(encoding="utf-8")
    example = text.split("模板 `sections/3-师资队伍.md`：\n\n```\n", 1)[1].split("\n```", 1)[0]
    section, warnings = render_one(example, number=3)
    assert warnings == []
    kinds = [type(b).__name__ for b in section.blocks]
    assert kinds == ["Heading", "Paragraph", "ListItem", "ListItem", "Table"]
    assert "（见证明材料第12—15页）" in plain_text(section.blocks)
    assert section.blocks[1].runs[1] == Run("行业企业专家", bold=True)  # type: ignore[union-attr]
    table = section.blocks[4]
    assert isinstance(table, Table) and table.header and len(table.rows) == 4


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="{"), max_size=200))
def test_text_without_template_tags_renders_verbatim(text: str) -> None:
    """Apart from line-ending normalisation and XML-illegal control characters, nothing changes."""
    rendered, warnings = render_sections(make_app(), [source(1, text)], PAGES)
    expected = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", text.replace("\r\n", "\n").replace("\r", "\n"))
    assert rendered[0].text == expected
    assert all(w.code == "render.control_char" for w in warnings)
    assert bool(warnings) == (expected != text.replace("\r\n", "\n").replace("\r", "\n"))
