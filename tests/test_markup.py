"""Section markup: each construct, escapes, and that no character of text is ever lost."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from skilldoc.markup import (
    Heading,
    ListItem,
    Paragraph,
    Run,
    Table,
    block_text,
    parse,
    parse_inline,
    plain_text,
    runs_text,
)


def texts(blocks: tuple) -> list[str]:
    return [block_text(b) for b in blocks]


# --- headings ------------------------------------------------------------------------


def test_chinese_numbered_headings_keep_their_numbering() -> None:
    blocks = parse("一、总体情况\n\n（二）师资队伍\n\n十、其他\n\n十二、更多")
    assert blocks == (
        Heading(1, (Run("一、总体情况"),)),
        Heading(2, (Run("（二）师资队伍"),)),
        Heading(1, (Run("十、其他"),)),
        Heading(1, (Run("十二、更多"),)),
    )


def test_markdown_headings_drop_the_hashes() -> None:
    blocks = parse("# 一级\n## 二级\n### 三级\n#### 四级算三级\n#没有空格不是标题")
    assert blocks[:4] == (
        Heading(1, (Run("一级"),)),
        Heading(2, (Run("二级"),)),
        Heading(3, (Run("三级"),)),
        Heading(3, (Run("四级算三级"),)),
    )
    assert blocks[4] == Paragraph((Run("#没有空格不是标题"),))


def test_heading_is_one_line_and_following_lines_form_a_paragraph() -> None:
    blocks = parse("一、基本情况\n我校始建于1958年。\n现有教职工320人。")
    assert blocks == (
        Heading(1, (Run("一、基本情况"),)),
        Paragraph((Run("我校始建于1958年。\n现有教职工320人。"),)),
    )


def test_heading_may_contain_bold() -> None:
    (h,) = parse("（一）**重点**工作")
    assert h == Heading(2, (Run("（一）"), Run("重点", bold=True), Run("工作")))


# --- paragraphs ---------------------------------------------------------------------------


def test_blank_lines_separate_paragraphs_and_single_newlines_are_line_breaks() -> None:
    blocks = parse("第一段第一行\n第一段第二行\n\n\n第二段\n \u3000\n第三段\n")
    assert texts(blocks) == ["第一段第一行\n第一段第二行", "第二段", "第三段"]
    assert all(isinstance(b, Paragraph) for b in blocks)


def test_typed_indentation_is_stripped_because_the_docx_indents() -> None:
    (p,) = parse("\u3000\u3000我校位于绍兴。  \n  第二行")
    assert p == Paragraph((Run("我校位于绍兴。\n第二行"),))


def test_crlf_line_endings() -> None:
    assert texts(parse("甲\r\n乙\r\n\r\n丙\r丁")) == ["甲\n乙", "丙\n丁"]


def test_special_characters_are_literal() -> None:
    text = '<b>不是标签</b> & "引号" ‘单引号’ {{ 不是变量 }} {% 也不是 %} 😀👍🏽 ，。；：！？「」《》…—— ~ ^ _ ` [链接](x)'
    (p,) = parse(text)
    assert p == Paragraph((Run(text),))


def test_empty_and_whitespace_only_text() -> None:
    assert parse("") == ()
    assert parse(" \n\u3000\n\t\n") == ()
    assert plain_text(()) == ""


# --- bold ---------------------------------------------------------------------------------


def test_bold_runs() -> None:
    assert parse_inline("我校**始建于1958年**，占地**200亩**。") == (
        Run("我校"),
        Run("始建于1958年", bold=True),
        Run("，占地"),
        Run("200亩", bold=True),
        Run("。"),
    )


def test_unmatched_and_empty_bold_markers_are_literal() -> None:
    assert parse_inline("5**2 等于 25") == (Run("5**2 等于 25"),)
    assert parse_inline("****") == (Run("****"),)
    assert parse_inline("a * b * c") == (Run("a * b * c"),)


def test_bold_may_span_a_line_break_inside_a_paragraph() -> None:
    (p,) = parse("**第一行\n第二行**")
    assert p == Paragraph((Run("第一行\n第二行", bold=True),))


def test_bold_does_not_cross_paragraphs() -> None:
    blocks = parse("**甲\n\n乙**")
    assert texts(blocks) == ["**甲", "乙**"]


# --- lists --------------------------------------------------------------------------------


def test_bulleted_items() -> None:
    blocks = parse("- 数控车工\n* 焊工")
    assert blocks == (
        ListItem(False, None, 1, (Run("数控车工"),), "-"),
        ListItem(False, None, 1, (Run("焊工"),), "*"),
    )


def test_numbered_items_keep_the_typed_number_and_marker() -> None:
    blocks = parse("1. 第一项\n3. 第三项\n2）第二项\n10) 第十项")
    assert [(b.ordered, b.number, b.marker, runs_text(b.runs)) for b in blocks] == [
        (True, 1, "1.", "第一项"),
        (True, 3, "3.", "第三项"),
        (True, 2, "2）", "第二项"),
        (True, 10, "10)", "第十项"),
    ]


def test_things_that_look_like_list_markers_but_are_not() -> None:
    for text in ("1.5倍于全省平均", "2022年培训3000人次", "-5℃", "*注：单位为万元", "2022. 年"):
        (p,) = parse(text)
        assert p == Paragraph((Run(text),)), text


def test_nested_items_by_indentation() -> None:
    blocks = parse("- 甲\n  - 甲一\n    1. 甲一一\n  - 甲二\n- 乙")
    assert [(b.level, runs_text(b.runs)) for b in blocks] == [
        (1, "甲"), (2, "甲一"), (3, "甲一一"), (2, "甲二"), (1, "乙"),
    ]


def test_continuation_lines_join_the_item_with_a_line_break() -> None:
    blocks = parse("1. 第一项\n接着写\n2. 第二项\n\n新段落")
    assert blocks == (
        ListItem(True, 1, 1, (Run("第一项\n接着写"),), "1."),
        ListItem(True, 2, 1, (Run("第二项"),), "2."),
        Paragraph((Run("新段落"),)),
    )


def test_item_with_bold() -> None:
    (item,) = parse("- **数控车工**：设备 12 台")
    assert item.runs == (Run("数控车工", bold=True), Run("：设备 12 台"))


# --- tables -------------------------------------------------------------------------------


def test_pipe_table_with_header() -> None:
    (t,) = parse("| 年份 | 培训人次 |\n|---|---:|\n| 2021 | 3,000 |\n| 2022 | **3,500** |")
    assert t == Table(
        rows=(
            ((Run("年份"),), (Run("培训人次"),)),
            ((Run("2021"),), (Run("3,000"),)),
            ((Run("2022"),), (Run("3,500", bold=True),)),
        ),
        header=True,
    )


def test_pipe_table_without_separator_has_no_header() -> None:
    (t,) = parse("| 甲 | 乙 |\n| 丙 | 丁 |")
    assert t.header is False
    assert [[runs_text(c) for c in row] for row in t.rows] == [["甲", "乙"], ["丙", "丁"]]


def test_table_cells_escapes_empty_cells_and_ragged_rows() -> None:
    (t,) = parse("| 项目 | 说明 | 备注 |\n|:--|:-:|--|\n| 设备 \\| 台套 |  |\n| a\\\\ | b |")
    rows = [[runs_text(c) for c in row] for row in t.rows]
    assert rows == [["项目", "说明", "备注"], ["设备 | 台套", "", ""], ["a\\", "b", ""]]
    assert all(len(r) == 3 for r in t.rows)


def test_table_between_paragraph_lines_of_one_chunk() -> None:
    blocks = parse("表1 培训情况\n| 甲 | 乙 |\n|--|--|\n| 1 | 2 |\n数据来源：统计台账")
    assert [type(b).__name__ for b in blocks] == ["Paragraph", "Table", "Paragraph"]
    assert texts(blocks) == ["表1 培训情况", "甲\t乙\n1\t2", "数据来源：统计台账"]


def test_a_line_ending_in_an_escaped_pipe_is_not_a_table() -> None:
    (p,) = parse("| 不是表格 \\|")
    assert p == Paragraph((Run("| 不是表格 |"),))


# --- escapes ------------------------------------------------------------------------------


def test_escapes_give_literal_markup_characters() -> None:
    cases = {
        "\\*\\*不加粗\\*\\*": "**不加粗**",
        "a \\| b": "a | b",
        "反斜杠 \\\\ 本身": "反斜杠 \\ 本身",
        "\\# 不是标题": "# 不是标题",
        "\\- 不是列表": "- 不是列表",
        "1\\. 不是列表": "1. 不是列表",
        "\\（一）不是标题": "（一）不是标题",
        "一\\、不是标题": "一、不是标题",
        "路径 C:\\Users\\张三 保留": "路径 C:\\Users\\张三 保留",
    }
    for source, expected in cases.items():
        (p,) = parse(source)
        assert p == Paragraph((Run(expected),)), source


# --- plain text -----------------------------------------------------------------------------


def test_plain_text_is_the_text_as_it_appears_in_the_docx() -> None:
    blocks = parse(
        "一、概况\n\n我校**始建于**1958年。\n第二行\n\n- 要点\n1. 第一\n2）第二\n\n| 甲 | 乙 |\n|--|--|\n| 1 | 2 |"
    )
    assert plain_text(blocks) == "一、概况\n我校始建于1958年。\n第二行\n要点\n1. 第一\n2） 第二\n甲\t乙\n1\t2"


# --- properties -----------------------------------------------------------------------------

MARKUP = set("*|\\#-:")
# Everything a narrative uses except the markup characters: CJK, digits, Latin, punctuation
# (ASCII and full-width), the heading/list marker shapes, emoji and every kind of space and line break.
_PLAIN_ALPHABET = st.sampled_from(
    list("我校始建于年的培训人次设备一二三四五六七八九十百、（）()。，；：！？“”‘’《》【】…—")
    + list("0123456789.abcXYZ<>&\"'{}%$@!?=+_~^`[]/")
    + ["😀", "👍🏽", "\u3000", " ", "\t", "\n", "\n\n", "\r\n", "\u00a0"]
)
plain_texts = st.lists(_PLAIN_ALPHABET, max_size=80).map("".join)


def visible(text: str, drop: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    return [c for c in text if not c.isspace() and c not in drop]


@settings(max_examples=400)
@given(plain_texts)
def test_text_without_markup_keeps_every_visible_character_in_order(text: str) -> None:
    assert visible(plain_text(parse(text))) == visible(text)


@settings(max_examples=400)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=120))
def test_any_text_parses_and_loses_nothing_but_markup(text: str) -> None:
    blocks = parse(text)
    assert visible(plain_text(blocks), MARKUP) == visible(text, MARKUP)


markup_texts = st.lists(
    st.sampled_from(["**", "*", "|", "\\", "#", "# ", "- ", "1. ", "2）", "一、", "（一）", "|---|", "\n", "\n\n",
                     " ", "甲", "乙", "12", "<&>"]),
    max_size=40,
).map("".join)


@settings(max_examples=400)
@given(markup_texts)
def test_markup_heavy_text_loses_nothing_but_markup(text: str) -> None:
    assert visible(plain_text(parse(text)), MARKUP) == visible(text, MARKUP)


@given(plain_texts)
def test_parse_is_deterministic_and_blocks_have_text(text: str) -> None:
    blocks = parse(text)
    assert parse(text) == blocks
    for b in blocks:
        assert block_text(b).strip() or isinstance(b, Table)
