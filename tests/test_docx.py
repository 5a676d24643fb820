"""The 申报书 DOCX (issue 3): read the generated file back with python-docx and LibreOffice."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import docx
import pytest
from docx.oxml.ns import qn
from docx.table import _Cell
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from readback import section_text

from skilldoc import form
from skilldoc.docx_form import (
    PLACEHOLDERS,
    STYLES,
    clean_xml_text,
    column_widths,
    default_template,
    format_number,
    make_template,
    write_docx,
)
from skilldoc.errors import InputError, OutputError, Severity
from skilldoc.markup import parse, plain_text
from skilldoc.model import Application, Header, Occupation, OccupationYear, YearTotal
from skilldoc.word import check_package, extract_text

W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

HEADER = {
    "org_name": "绍兴市技师学院（绍兴市高级技工学校）",
    "category": "其他",
    "category_other": "行业协会培训中心",
    "address": "浙江省绍兴市越城区“技能”路 1 号 <A&B栋>",
    "postcode": "312000",
    "website": "www.sxjsxy.edu.cn",
    "legal_name": "张三",
    "legal_title": "院长",
    "office_phone": "0575-88001234",
    "fax": None,
    "mobile": "13800001234",
    "email": "office@sxjsxy.edu.cn",
    "authority": "绍兴市人力资源和社会保障局",
    "floor_area": Decimal("52000.50"),
    "equipment_count": 1850,
    "equipment_value": Decimal("12680.5"),
    "robot_count": 120,
    "robot_value": Decimal("2E+3"),
    "fulltime_teachers": 320,
    "integrated_teachers": 210,
    "instructors": 97,
    "instr_senior": 31,
    "instr_first": 41,
    "instr_title_other": 25,
    "instr_senior_technician": 24,
    "instr_technician": 44,
    "instr_senior_worker": 22,
    "instr_level_other": 7,
    "is_assessor": "是",
    "assessor_since": dt.date(2020, 6, 15),
    "assessed_occupations": 12,
    "filled_on": dt.date(2022, 11, 20),
}
OCCUPATIONS = ("数控车工", "焊工", "工业机器人系统运维员")

SECTION_1 = """一、总体情况

绍兴市是制造业大市，**先进制造业**集群规模 <超过> 1 万亿元 & 增速 {{ 8% }}。
第二行（换行）😀“引号”'单引号'"双引号"，全角：；！？

（一）培训需求

- 项目一 & <二>
- 项目二
  - 子项目
1. 第一条
2） 第二条

| 年度 | 培训人次 | 合格率 |
|---|---|---|
| 2019 | 2,000 | 95% |
| 2020 | **2,350** | 96% |

结尾段落。"""


def make_app(**changes: object) -> Application:
    values = dict(HEADER)
    values.update(changes)
    years = tuple(
        YearTotal(y, 2000 + i * 350, 600 + i * 100, Decimal("95.5"), Decimal("97"))
        for i, y in enumerate((2019, 2020, 2021))
    )
    occupations = tuple(
        Occupation(name, tuple(OccupationYear(y, 300 + 10 * k + i, 90 + 10 * k + i)
                               for i, y in enumerate((2019, 2020, 2021))), 100, Decimal("800"))
        for k, name in enumerate(OCCUPATIONS)
    )
    return Application(Header(values), years, occupations, (), ())


def rendered(texts: dict[int, str] | None = None) -> list[SimpleNamespace]:
    texts = texts or {}
    out = []
    for s in form.SECTIONS:
        text = texts.get(s.number, SECTION_1 if s.number == 1 else f"{s.name}的正文。\n\n第{s.number}部分第二段。")
        out.append(SimpleNamespace(section=s, text=text, blocks=parse(text)))
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    out = tmp_path_factory.mktemp("docx") / "申报书.docx"
    problems = write_docx(make_app(), rendered(), out)
    return out, problems


def _xml(path: Path, name: str = "word/document.xml") -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(name).decode("utf-8")


def _main_table(path: Path):
    document = docx.Document(str(path))
    return document, document.tables[0]


# --- content ---------------------------------------------------------------------------


def test_cover_and_instructions_verbatim(built: tuple[Path, list]) -> None:
    out, problems = built
    assert problems == []
    document = docx.Document(str(out))
    paras = [p.text.replace("\u2060", "") for p in document.paragraphs]  # the seal's word joiner
    assert paras[0] == form.FORM_TITLE
    assert paras[1] == form.FORM_SUBTITLE
    assert f"申报单位\t{HEADER['org_name']}{form.COVER_SEAL}" in paras
    assert f"主管单位\t{HEADER['authority']}{form.COVER_SEAL}" in paras
    assert f"申报职业\t{'、'.join(OCCUPATIONS)}" in paras
    assert "填报时间\t2022年11月20日" in paras
    assert form.ISSUER in paras
    assert "2022年" in paras
    i = paras.index(form.INSTRUCTIONS_TITLE)
    assert tuple(paras[i + 1:i + 4]) == form.INSTRUCTIONS
    assert not any("{{" in p for p in paras), "every cover placeholder is filled"


def test_every_label_and_value_in_the_header_table(built: tuple[Path, list]) -> None:
    out, _ = built
    text = extract_text(out)
    labels = {f.label for f in form.HEADER_FIELDS if f.key != "filled_on"}
    labels |= {"法人代表信息", "培训场所条件", "教学实训设备", "智能机器人仪器设备", "培训师资情况", "职 称",
               "职业资格（技能等级）", "培训评价能力", form.TRAINING_TOTAL_LABEL, "培训数量", "高级工及以上数量"}
    for label in labels:
        assert label in text, label
    for key, value in HEADER.items():
        if value is None or key in ("category", "is_assessor", "filled_on"):
            continue
        expected = {
            "floor_area": "52000.5", "robot_value": "2000", "assessor_since": "2020年6月15日",
        }.get(key, str(value))
        assert expected in text, (key, expected)
    for year in (2019, 2020, 2021):
        assert f"{year}年" in text
    for k, name in enumerate(OCCUPATIONS, start=1):
        assert f"职业（工种）\n{k}. {name}" in text  # a line break keeps the name on one line
    # the groups are merged cells: each label is written once
    for group in ("法人代表信息", "培训场所条件", "培训师资情况"):
        assert text.count(group) == 1, group
    # 培训评价能力: once over its fields, once over the occupations (repeated on their continuation page)
    assert text.count("培训评价能力") == 2


def test_choices_are_ticked(built: tuple[Path, list]) -> None:
    out, _ = built
    text = extract_text(out)
    for option in form.UNIT_CATEGORIES[:-1]:
        assert f"☐{option}" in text
    assert "☑其他 行业协会培训中心" in text
    assert "☑是 ☐否" in text
    # a different choice ticks a different box
    other = out.parent / "other.docx"
    write_docx(make_app(category="技工院校", category_other=None, is_assessor="否"), rendered(), other)
    text = extract_text(other)
    assert "☑技工院校" in text and "☐其他______" in text and "☐是 ☑否" in text
    assert text.count("☑") == 2


def _row_texts(table) -> list[list[str]]:
    rows = []
    for tr in table._tbl.findall(qn("w:tr")):
        rows.append(["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in tr.findall(qn("w:tc"))])
    return rows


def _flags(tr) -> set[str]:
    trpr = tr.find(qn("w:trPr"))
    return set() if trpr is None else {el.tag.split("}")[1] for el in trpr}


def test_table_layout_like_the_form(built: tuple[Path, list]) -> None:
    out, _ = built
    document = docx.Document(str(out))
    # three tables one after the other: the header, the occupations, the eight sections
    assert len(document.tables) == 3
    body = list(document.element.body)
    tbls = [i for i, el in enumerate(body) if el.tag == qn("w:tbl")]
    assert tbls[1] - tbls[0] == 2 and tbls[2] - tbls[1] == 2  # one 1-pt paragraph between them
    for table in document.tables:
        tbl = table._tbl
        grid = [int(g.get(qn("w:w"))) for g in tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))]
        for tr in tbl.findall(qn("w:tr")):  # every row covers the whole grid
            spans = [int(tc.tcPr.find(qn("w:gridSpan")).get(qn("w:val")))
                     if tc.tcPr.find(qn("w:gridSpan")) is not None else 1 for tc in tr.findall(qn("w:tc"))]
            assert sum(spans) == len(grid)
    header, occupations, sections = document.tables
    rows = header._tbl.findall(qn("w:tr"))
    texts = _row_texts(header)
    assert texts[0][0] == "申报单位名称" and texts[0][2] == "单位类别"
    assert all("tblHeader" not in _flags(tr) and "cantSplit" in _flags(tr) for tr in rows)
    # 法人代表信息: one restart and two continuation cells in the first column
    legal = [i for i, r in enumerate(texts) if r[0] == "法人代表信息"][0]
    first_cells = [rows[legal + k].findall(qn("w:tc"))[0] for k in range(3)]
    vm = [c.tcPr.find(qn("w:vMerge")) for c in first_cells]
    assert vm[0].get(qn("w:val")) == "restart"
    assert all(v is not None and v.get(qn("w:val")) in (None, "continue") for v in vm[1:])
    assert [r[1] for r in texts[legal:legal + 3]] == ["姓名", "办公电话", "手机"]
    assert texts[-1][2:] == ["2000", "600", "2350", "700", "2700", "800"]  # 培训总量
    # the occupations: two header rows (group label, years, columns) repeated on every page
    occ = occupations._tbl.findall(qn("w:tr"))
    occ_texts = _row_texts(occupations)
    assert occ_texts[0] == ["培训评价能力", "职业（工种）", "2019年", "2020年", "2021年"]
    assert occ_texts[1][2:] == ["培训数量", "高级工及以上数量"] * 3
    assert [_flags(tr) >= {"tblHeader", "cantSplit"} for tr in occ] == [True, True] + [False] * len(OCCUPATIONS)
    assert all("cantSplit" in _flags(tr) for tr in occ)
    assert [r[1] for r in occ_texts[2:]] == [f"职业（工种）{k}. {n}" for k, n in enumerate(OCCUPATIONS, start=1)]
    assert occ_texts[3][2:] == ["310", "100", "311", "101", "312", "102"]
    top = occupations._tbl.find(f"{qn('w:tblPr')}/{qn('w:tblBorders')}/{qn('w:top')}")
    assert top.get(qn("w:val")) == "nil"  # the header table's bottom line is the line between them
    # the eight sections: title | body; a section's rows after the first continue its title cell
    sec_texts = _row_texts(sections)
    titles = [r[0] for r in sec_texts if r[0]]
    assert titles == [s.title for s in form.SECTIONS]
    assert not any("tblHeader" in _flags(tr) for tr in sections._tbl.findall(qn("w:tr")))


def _section_rows(document, title: str) -> list:
    """The rows of one section in the sections table (its first row and the rows continuing it)."""
    rows = document.tables[2]._tbl.findall(qn("w:tr"))
    texts = _row_texts(document.tables[2])
    start = [i for i, r in enumerate(texts) if r[0] == title][0]
    end = start + 1
    while end < len(rows) and not texts[end][0]:
        end += 1
    return rows[start:end]


def test_headings_stay_with_what_follows(built: tuple[Path, list]) -> None:
    """Section 1's body is cut before each heading; a heading and its next block are one row
    that does not split across pages, and no line is drawn between the rows."""
    out, _ = built
    document = docx.Document(str(out))
    rows = _section_rows(document, form.SECTIONS[0].title)
    bodies = [["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tr.findall(qn("w:tc"))[1].iter(qn("w:p"))]
              for tr in rows]
    assert [b[0] for b in bodies] == ["一、总体情况", "（一）培训需求", "项目二"]
    assert bodies[0][1].startswith("绍兴市") and bodies[1][1:] == ["项目一 & <二>"]
    # a heading and a short block: kept together; the rest (list, table, closing paragraph) may split
    assert ["cantSplit" in _flags(tr) for tr in rows] == [True, True, False]
    title_merge = [tr.find(qn("w:tc")).tcPr.find(qn("w:vMerge")) for tr in rows]
    assert title_merge[0].get(qn("w:val")) == "restart"
    assert all(m.get(qn("w:val")) in (None, "continue") for m in title_merge[1:])
    body_borders = [tr.findall(qn("w:tc"))[1].tcPr.find(qn("w:tcBorders")) for tr in rows]
    assert body_borders[0].find(qn("w:top")) is None and body_borders[0].find(qn("w:bottom")).get(qn("w:val")) == "nil"
    assert {b.find(qn("w:top")).get(qn("w:val")) for b in body_borders[1:]} == {"nil"}
    assert body_borders[-1].find(qn("w:bottom")) is None


def test_section_text_is_verbatim(built: tuple[Path, list]) -> None:
    out, _ = built
    texts = section_text(out)
    assert list(texts) == [s.title for s in form.SECTIONS]
    for rs in rendered():
        assert texts[rs.section.title] == plain_text(rs.blocks)
    first = texts["1.申报背景"]
    for needle in ("<超过>", "&", "{{ 8% }}", "😀", "“引号”", "'单引号'", '"双引号"', "全角：；！？",
                   "先进制造业集群", "规模 <超过> 1 万亿元 & 增速 {{ 8% }}。\n第二行"):
        assert needle in first


def test_markup_becomes_word_formatting(built: tuple[Path, list]) -> None:
    out, _ = built
    document = docx.Document(str(out))
    cells = [_Cell(tr.findall(qn("w:tc"))[1], document.tables[2])
             for tr in _section_rows(document, form.SECTIONS[0].title)]
    paragraphs = [p for c in cells for p in c.paragraphs]
    by_text = {p.text: p for p in paragraphs}
    assert by_text["一、总体情况"].style.name == "申报书标题1"
    assert by_text["（一）培训需求"].style.name == "申报书标题2"
    para = [p for p in paragraphs if p.text.startswith("绍兴市")][0]
    assert para.style.name == "申报书正文"
    assert [r.text for r in para.runs if r.bold] == ["先进制造业"]
    assert para._p.xpath(".//w:br"), "a line break inside a paragraph is a w:br"
    indent = document.styles["申报书正文"].element.pPr.find(qn("w:ind"))
    assert indent.get(qn("w:firstLineChars")) == "200"
    bullet = by_text["项目一 & <二>"]
    assert bullet._p.pPr.numPr is not None and bullet.style.name == "申报书列表"
    assert bullet._p.pPr.numPr.ilvl.val == 0 and by_text["子项目"]._p.pPr.numPr.ilvl.val == 1
    assert "1. 第一条" in by_text and "2） 第二条" in by_text
    assert by_text["1. 第一条"]._p.pPr.numPr is None, "numbers are the user's literal text"
    nested = [t for c in cells for t in c.tables][0]
    assert [c.text for c in nested.rows[0].cells] == ["年度", "培训人次", "合格率"]
    assert all(r.bold for c in nested.rows[0].cells for p in c.paragraphs for r in p.runs)
    assert nested.rows[2].cells[1].paragraphs[0].runs[0].bold


# --- typography ------------------------------------------------------------------------


def test_every_run_has_east_asian_font_and_chinese_language(built: tuple[Path, list]) -> None:
    out, _ = built
    with zipfile.ZipFile(out) as z:
        names = [n for n in z.namelist() if re.fullmatch(r"word/(document|footer\d*|header\d*)\.xml", n)]
        assert "word/footer1.xml" in names or any("footer" in n for n in names)
        for name in names + ["word/styles.xml", "word/numbering.xml"]:
            assert "Theme" not in z.read(name).decode(), f"theme font attribute in {name}"
    document = docx.Document(str(out))
    runs = list(document.element.body.iter(qn("w:r")))
    assert len(runs) > 150
    for r in runs:
        fonts = r.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        assert fonts is not None and fonts.get(qn("w:eastAsia")), r.xml[:200]
        lang = r.find(f"{qn('w:rPr')}/{qn('w:lang')}")
        seal = "".join(t.text for t in r.iter(qn("w:t"))) == "（公\u2060章）"  # kept whole: see test_joiners
        assert lang is not None and lang.get(qn("w:eastAsia")) == ("zxx" if seal else "zh-CN")
    body_fonts = {r.find(f"{qn('w:rPr')}/{qn('w:rFonts')}").get(qn("w:eastAsia")) for r in runs}
    assert {"仿宋_GB2312", "黑体", "方正小标宋简体", "Segoe UI Symbol"} <= body_fonts
    boxes = [r for r in runs if "".join(t.text for t in r.iter(qn("w:t"))) in ("☑", "☐")]
    assert boxes and all(b.find(f"{qn('w:rPr')}/{qn('w:rFonts')}").get(qn("w:eastAsia")) == "Segoe UI Symbol"
                         for b in boxes)


def test_page_setup_a4_binding_margins_and_page_numbers(built: tuple[Path, list]) -> None:
    out, _ = built
    document = docx.Document(str(out))
    assert len(document.sections) == 2
    for section in document.sections:
        assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
        assert section.left_margin > section.right_margin  # the inside (binding) margin is larger
    cover, form_part = document.sections
    assert cover.footer.is_linked_to_previous  # no footer of its own: no page number on the cover
    assert not form_part.footer.is_linked_to_previous
    footer_xml = form_part.footer._element.xml
    assert "PAGE" in footer_xml and 'w:fldCharType="begin"' in footer_xml
    assert form_part._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    assert document.settings.element.find(qn("w:mirrorMargins")) is not None


# --- nothing lost ----------------------------------------------------------------------


def test_control_characters_removed_with_a_warning(tmp_path: Path) -> None:
    text = "第一段\x0b含有\x00控制字符\x1f。\n\n第二段 <ok> & \x0c。"
    out = tmp_path / "申报书.docx"
    problems = write_docx(make_app(org_name="绍兴\x07技师学院"), rendered({3: text}), out)
    assert all(p.severity is Severity.WARNING for p in problems)
    by_code = [p for p in problems if p.code == "docx.control_char"]
    assert len(by_code) == 2
    section_warning = [p for p in by_code if p.location.file == "sections/3-师资队伍.md"][0]
    assert "师资队伍" in section_warning.message and "U+000B" in section_warning.message
    header_warning = [p for p in by_code if p.location.sheet == form.LAYOUT.sheets["header"]][0]
    assert "申报单位名称" in header_warning.message
    texts = section_text(out)
    assert texts["3.师资队伍"] == "第一段含有控制字符。\n第二段 <ok> & 。"
    assert "绍兴技师学院" in extract_text(out)


def test_clean_xml_text() -> None:
    assert clean_xml_text("a\r\nb\rc\td\x0be") == ("a\nb\nc\tde", ["\x0b"])
    assert clean_xml_text("😀\u3000“”") == ("😀\u3000“”", [])


def test_format_number_never_uses_an_exponent() -> None:
    assert format_number(Decimal("2E+3")) == "2000"
    assert format_number(Decimal("2680.50")) == "2680.5"
    assert format_number(Decimal("0.000")) == "0"
    assert format_number(2350) == "2350"
    assert format_number(1.5) == "1.5"


_TEXT = st.text(
    alphabet=st.sampled_from(list("申报书技能培训基地ab1 <>&'\"{}%|\\\t“”（）、。😀\u3000Ωé") + ["\n"]),
    min_size=1, max_size=60,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_TEXT)
def test_any_paragraph_text_round_trips(tmp_path: Path, text: str) -> None:
    # one Paragraph block with arbitrary text: what goes in comes out, character for character
    from skilldoc.markup import Paragraph, Run

    blocks = (Paragraph((Run(text),)),)
    sections = rendered()
    sections[4] = SimpleNamespace(section=form.SECTIONS[4], text=text, blocks=blocks)
    out = tmp_path / "h.docx"
    write_docx(make_app(), sections, out)
    assert section_text(out)["5.技能评价"] == text


# --- files -----------------------------------------------------------------------------


def test_two_builds_are_byte_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    a, b = tmp_path / "a.docx", tmp_path / "b.docx"
    write_docx(make_app(), rendered(), a)
    write_docx(make_app(), rendered(), b)
    assert _xml(a) == _xml(b)
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as z:
        infos = z.infolist()
        assert infos[0].filename == "[Content_Types].xml"
        assert [i.filename for i in infos[1:]] == sorted(i.filename for i in infos[1:])
        assert {i.date_time for i in infos} == {(2022, 11, 20, 12, 0, 0)}
    props = docx.Document(str(a)).core_properties
    assert props.created == props.modified == dt.datetime(2022, 11, 20, 12, 0, tzinfo=dt.UTC)
    assert props.title == form.FORM_NAME


def test_failed_build_leaves_existing_file_untouched(tmp_path: Path) -> None:
    out = tmp_path / "申报书.docx"
    out.write_bytes(b"previous build")
    with pytest.raises(InputError) as exc:
        write_docx(make_app(), rendered(), out, template=tmp_path / "missing.docx")
    assert exc.value.problems[0].code == "docx.template_missing"
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(InputError):
        write_docx(make_app(), rendered(), out, template=bad)
    assert out.read_bytes() == b"previous build"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.docx", "申报书.docx"]


def test_write_error_is_an_output_error_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "申报书.docx"
    target.mkdir()  # a folder where the file should go: os.replace fails
    (target / "keep.txt").write_text("x")
    with pytest.raises(OutputError) as exc:
        write_docx(make_app(), rendered(), target)
    assert exc.value.problems[0].location.file == str(target)
    assert (target / "keep.txt").read_text() == "x"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["申报书.docx"]


def test_output_file_mode_is_not_private(tmp_path: Path) -> None:
    out = tmp_path / "申报书.docx"
    write_docx(make_app(), rendered(), out)
    if os.name == "posix":
        assert out.stat().st_mode & 0o044  # readable by group/others like any other file (umask)


def test_empty_application_still_gives_the_whole_form(tmp_path: Path) -> None:
    app = Application(Header({"filled_on": dt.date(2023, 3, 1)}), (), (), (), ())
    out = tmp_path / "empty.docx"
    problems = write_docx(app, [], out)
    assert problems == []
    text = extract_text(out)
    assert "2020年" in text and "2022年" in text  # the three years before 填报时间
    assert "职业（工种）\n1. " in text
    assert set(section_text(out)) == {s.title for s in form.SECTIONS}
    assert all(v == "" for v in section_text(out).values())
    assert "☑" not in text


# --- the template ----------------------------------------------------------------------


def test_committed_template_has_styles_and_placeholders() -> None:
    path = default_template()
    assert path.is_file() and path.stat().st_size < 100_000
    document = docx.Document(str(path))
    names = {s.name for s in document.styles}
    assert {s.name for s in STYLES} <= names
    text = "\n".join(p.text for p in document.paragraphs)
    for name in ("申报单位", "主管单位", "申报职业", "填报时间", "填报年份", "申报表"):
        assert "{{" + name + "}}" in text
    assert set(re.findall(r"\{\{(.+?)\}\}", text)) <= set(PLACEHOLDERS)
    assert "Theme" not in _xml(path, "word/styles.xml")


def test_make_template_is_reproducible(tmp_path: Path) -> None:
    a, b = tmp_path / "a.docx", tmp_path / "b.docx"
    make_template(a)
    make_template(b)
    assert a.read_bytes() == b.read_bytes()


def _edited_template(tmp_path: Path) -> Path:
    """What a user does in Word: restyle the body, the table text, delete a style and a placeholder."""
    document = docx.Document(str(default_template()))
    body = document.styles["申报书正文"]
    body.font.size = docx.shared.Pt(14)
    body.element.rPr.rFonts.set(qn("w:eastAsia"), "楷体")
    body.paragraph_format.line_spacing = 2.0
    document.styles["表格文字"].element.rPr.rFonts.set(qn("w:eastAsiaTheme"), "minorEastAsia")
    document.styles["栏目标题"].element.getparent().remove(document.styles["栏目标题"].element)
    for p in document.paragraphs:
        if "{{主管单位}}" in p.text:
            p.add_run("{{未知项}}")
        if p.text == form.ISSUER:  # Word often splits a placeholder over several runs
            for piece in ("（{{单位", "地址", "}}，{{法人姓名}}）"):
                p.add_run(piece).bold = True
        if p.text == "{{申报表}}":
            p._p.getparent().remove(p._p)
    path = tmp_path / "我的模板.docx"
    document.save(str(path))
    return path


def test_template_styles_flow_into_the_build(tmp_path: Path) -> None:
    template = _edited_template(tmp_path)
    out = tmp_path / "申报书.docx"
    problems = write_docx(make_app(), rendered(), out, template=template)
    codes = sorted(p.code for p in problems)
    assert codes == ["docx.template_placeholder", "docx.template_placeholder", "docx.template_style"]
    assert any("{{未知项}}" in p.message for p in problems)
    assert any("栏目标题" in p.message for p in problems)
    document = docx.Document(str(out))
    style = document.styles["申报书正文"]
    assert style.font.size == docx.shared.Pt(14) and style.paragraph_format.line_spacing == 2.0
    body_runs = [r for p in document.element.body.iter(qn("w:p"))
                 if p.pPr is not None and p.pPr.pStyle is not None and p.pPr.pStyle.val == "申报书正文"
                 for r in p.iter(qn("w:r"))]
    assert body_runs and {r.rPr.rFonts.get(qn("w:eastAsia")) for r in body_runs} == {"楷体"}
    assert "Theme" not in _xml(out, "word/styles.xml")
    # the form table was still written (at the end, with a warning) and the titles are there
    assert set(section_text(out)) == {s.title for s in form.SECTIONS}
    text = extract_text(out)
    assert "{{未知项}}" in text
    assert f"{form.ISSUER}（{HEADER['address']}，张三）" in text


def test_values_are_not_read_as_placeholders(tmp_path: Path) -> None:
    out = tmp_path / "申报书.docx"
    name = "甲{{主管单位}}乙 <&> {{ x }}"
    assert write_docx(make_app(org_name=name), rendered(), out) == []
    document = docx.Document(str(out))
    assert f"申报单位\t{name}{form.COVER_SEAL}" in [p.text.replace("\u2060", "") for p in document.paragraphs]
    assert name in extract_text(out).split("\n")



# --- what Word and WPS open (issue 10, part 2) -------------------------------------------


@pytest.fixture(scope="module")
def sample_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample's 申报书.docx (evidence pages numbered in order, as the bundle would)."""
    from skilldoc.model import PageRange, SectionSource
    from skilldoc.render import render_sections
    from skilldoc.workbook import load_application

    sample = Path(__file__).resolve().parent.parent / "data_samples" / "demo"
    app, _ = load_application(sample / form.LAYOUT.workbook, sample)
    pages, first = {}, 1
    for item in app.evidence:
        pages[item.code] = PageRange(first, first + len(item.files))
        first += len(item.files) + 1
    sources = [SectionSource(s, p, p.read_text(encoding="utf-8"))
               for s in form.SECTIONS for p in [sample / form.LAYOUT.sections_dir / s.filename]]
    sections, _ = render_sections(app, sources, pages)
    out = tmp_path_factory.mktemp("sample") / "申报书.docx"
    assert write_docx(app, sections, out) == []
    return out


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


@pytest.mark.parametrize("which", ["template", "output"])
def test_package_has_no_leftovers_of_the_default_template(which: str, sample_docx: Path) -> None:
    path = default_template() if which == "template" else sample_docx
    parts = _parts(path)
    assert not [n for n in parts if "stylesWithEffects" in n or "thumbnail" in n or n.startswith("customXml")]
    assert b"stylesWithEffects" not in parts["word/_rels/document.xml.rels"]
    assert b"thumbnail" not in parts["_rels/.rels"]
    fonts = re.findall(r'<w:font w:name="([^"]+)"', parts["word/fontTable.xml"].decode())
    assert {"仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体", "宋体", "Segoe UI Symbol",
            "Times New Roman"} <= set(fonts)
    assert "ＭＳ 明朝" not in fonts and "Cambria" not in fonts
    app_xml = parts["docProps/app.xml"].decode()
    assert "<Application>skilldoc</Application>" in app_xml
    assert not re.search(r"Macintosh|Microsoft|<Pages>|<Words>|<Characters>|<Lines>", app_xml)
    settings = parts["word/settings.xml"].decode()
    assert re.search(r'<w:zoom w:percent="100"/>', settings) and "bestFit" not in settings
    assert 'w:eastAsia="zh-CN"' in re.search(r"<w:themeFontLang[^>]*>", settings).group(0)
    assert "savePreviewPicture" not in settings
    styles = parts["word/styles.xml"].decode()
    ids = re.findall(r'w:styleId="([^"]+)"', styles)
    assert len(ids) < 40, ids  # ours, the defaults and what they use; not python-docx's 160
    assert {"Normal"} <= set(ids)


def test_every_kept_style_is_ours_a_default_or_used(sample_docx: Path) -> None:
    document = docx.Document(str(default_template()))
    ours = {document.styles[s.name].style_id for s in STYLES}
    defaults = {st.style_id for st in document.styles if st.element.get(qn("w:default")) == "1"}
    xml = "".join(p.decode() for n, p in _parts(default_template()).items() if n != "word/styles.xml")
    used = set(re.findall(r'w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"', xml))
    based = {st.base_style.style_id for st in document.styles if getattr(st, "base_style", None)}
    assert {st.style_id for st in document.styles} <= ours | defaults | used | based


def _audit(path: Path) -> list[str]:
    from openxml_audit import FileFormat, OpenXmlValidator

    result = OpenXmlValidator(file_format=FileFormat.MICROSOFT_365, max_errors=0, strict=True).validate(path)
    return [str(e) for e in result.errors]


def test_sample_docx_passes_openxml_audit_with_no_findings(sample_docx: Path, built: tuple[Path, list],
                                                           tmp_path: Path) -> None:
    assert _audit(sample_docx) == []
    assert _audit(default_template()) == []
    assert _audit(built[0]) == []  # every kind of markup: lists, nested tables, joiners, control characters
    # the check can fail: python-docx's own default document is what Word was expected to repair
    stale = tmp_path / "python-docx-default.docx"
    document = docx.Document()
    document.styles.add_style("新样式", docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
    document.save(str(stale))
    assert _audit(stale)


# --- a hostile or broken template is refused (issue 9) -------------------------------------


def _template_with(tmp_path: Path, name: str, replace: Callable[[bytes], bytes]) -> Path:
    """The default template with one part rewritten (zip entries otherwise copied as they are)."""
    out = tmp_path / "模板.docx"
    with zipfile.ZipFile(default_template()) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info.filename, replace(data) if info.filename == name else data)
    return out


ENTITY_DTD = b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x "&#60;w:p/&#62;">]>'


@pytest.mark.parametrize(("part", "replace", "words"), [
    ("word/document.xml", lambda d: ENTITY_DTD + d[d.index(b"<w:document"):].replace(b"{{", b"&x;{{", 1),
     "实体"),
    ("word/document.xml", lambda d: d.replace(b"{{", b"&nbsp;{{", 1), "实体"),
    ("word/styles.xml", lambda d: d.replace(b"</w:styles>", b""), "不是格式正确的 XML"),
    ("word/settings.xml", lambda d: b'<?xml version="1.0"?><!DOCTYPE w:settings SYSTEM "file:///etc/passwd">'
     + d[d.index(b"<w:settings"):], "文档类型定义"),
])
def test_template_with_entities_or_broken_xml_is_refused(tmp_path: Path, part: str, replace, words: str) -> None:
    template = _template_with(tmp_path, part, replace)
    out = tmp_path / "申报书.docx"
    with pytest.raises(InputError) as err:
        write_docx(make_app(), rendered(), out, template=template)
    assert err.value.exit_code == 3
    (problem,) = err.value.problems
    assert part in problem.message and words in problem.message, problem.message
    assert problem.location.file == str(template) and "另存为" in problem.hint
    assert not out.exists()


def test_template_part_inflating_past_the_cap_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    from skilldoc import limits

    huge = b"<w:x/>" * (limits.DOCX_MAX_SIDE_PART // 6 + 10)  # compresses to a few tens of KB
    template = _template_with(tmp_path, "word/webSettings.xml", lambda d: d[:-30] + huge + d[-30:])
    assert template.stat().st_size < 1_000_000
    with pytest.raises(InputError) as err:
        write_docx(make_app(), rendered(), tmp_path / "申报书.docx", template=template)
    assert "webSettings.xml" in err.value.problems[0].message and "过大" in err.value.problems[0].message


def test_template_that_is_not_a_regular_file_or_zip_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "管道.docx"
    os.mkfifo(fifo)
    not_zip = tmp_path / "文本.docx"
    not_zip.write_text("不是 Word 文件", encoding="utf-8")
    for template, words in ((fifo, "命名管道"), (not_zip, "不是 Word"), (tmp_path, "文件夹")):
        with pytest.raises(InputError) as err:
            write_docx(make_app(), rendered(), tmp_path / "申报书.docx", template=template)
        assert words in err.value.problems[0].message
    check_package(default_template())  # the shipped template passes

# --- LibreOffice -------------------------------------------------------------------------


def _soffice() -> str:
    try:
        from skilldoc.office import find_soffice

        path = find_soffice()
    except ImportError:  # pragma: no cover
        path = shutil.which("soffice")
    assert path, "LibreOffice (soffice) is required: run scripts/install-system-deps.sh"
    return path


@pytest.mark.slow
def test_libreoffice_renders_every_label_and_glyph(built: tuple[Path, list], tmp_path: Path) -> None:
    out, _ = built
    src = tmp_path / "form.docx"
    shutil.copy(out, src)
    profile = tmp_path / "profile"
    subprocess.run(
        [_soffice(), "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
        check=True, capture_output=True, timeout=240,
    )
    pdf = tmp_path / "form.pdf"
    assert pdf.is_file()
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    squashed = re.sub(r"\s+", "", text)
    needles = [HEADER["org_name"], HEADER["authority"], form.FORM_TITLE, form.ISSUER, *form.INSTRUCTIONS,
               "☑", "☐", "2022年11月20日", "<A&B栋>", "{{8%}}"]
    needles += [f.label for f in form.HEADER_FIELDS if f.key != "filled_on"]
    needles += ["法人代表信息", "培训场所条件", "培训师资情况", "培训评价能力", form.TRAINING_TOTAL_LABEL]
    needles += [s.title for s in form.SECTIONS]
    for needle in needles:
        assert re.sub(r"\s+", "", needle) in squashed, needle
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows
    assert not any(" Type 3 " in r for r in rows), fonts
    assert all(" yes " in r for r in rows), fonts  # every font embedded
    assert any("CJK" in r or "WenQuanYi" in r for r in rows), fonts
    pages = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert 3 <= int(re.search(r"Pages:\s+(\d+)", pages).group(1)) <= 12


# --- the form across page breaks (issue 10, part 3) -----------------------------------------


def test_column_widths_follow_the_content() -> None:
    rows = [["序号", "职业（工种）", "设备数量", "主要设备"],
            ["1", "数控车工", "62", "数控车床、车削中心、仿真工作站"],
            ["2", "工业机器人系统运维员", "24", "六轴工业机器人工作站、智能制造单元集成平台"]]
    widths = column_widths(rows, 6630, header=True)
    assert sum(widths) == 6630
    seq, job, count, equipment = widths
    assert seq < count < job < equipment
    assert seq >= 170 + 4 * 105  # 序号 on one line: two characters of 10.5 pt and the padding
    assert equipment > 6630 * 0.4
    # short tables fill the width in proportion; one column gets it all
    assert column_widths([["a", "bbbbbbbbbb"]], 3000, header=False) == [712, 2288]
    assert column_widths([["只有一列"]], 3000, header=False) == [3000]
    # nothing wider than the table even when every column wants more
    assert sum(column_widths([["长" * 200] * 5], 6630, header=False)) == 6630


def test_section_table_header_repeats_and_short_rows_do_not_split(tmp_path: Path) -> None:
    long_cell = "很长的说明文字" * 60
    text = ("设备配置情况如下表：\n\n| 序号 | 主要设备 |\n|---|---|\n| 1 | 数控车床 |\n"
            f"| 2 | {long_cell} |\n\n表后的段落。")
    out = tmp_path / "申报书.docx"
    assert write_docx(make_app(), rendered({3: text}), out) == []
    document = docx.Document(str(out))
    rows = _section_rows(document, form.SECTIONS[2].title)
    nested = [t for tr in rows for t in tr.iter(qn("w:tbl"))]
    assert len(nested) == 1
    trs = nested[0].findall(qn("w:tr"))
    assert [_flags(tr) for tr in trs] == [{"cantSplit", "tblHeader"}, {"cantSplit"}, set()]
    grid = [int(g.get(qn("w:w"))) for g in nested[0].find(qn("w:tblGrid")).findall(qn("w:gridCol"))]
    assert grid[0] < grid[1] / 4
    widths = [int(tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}").get(qn("w:w"))) for tc in trs[1].findall(qn("w:tc"))]
    assert widths == grid
    # the caption is in the row of its table (kept whole when short); the paragraph after it follows
    body = ["".join(t.text for t in tr.findall(qn("w:tc"))[1].iter(qn("w:t"))) for tr in rows]
    assert body[0].startswith("设备配置情况如下表：序号主要设备") and body[1:] == ["表后的段落。"]
    caption = rows[0].findall(qn("w:tc"))[1].find(qn("w:p"))
    assert caption.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None


def test_joiners_keep_ranges_and_the_seal_whole_and_read_back_as_typed(tmp_path: Path) -> None:
    text = "见证明材料第12—15页，2019—2021年，A—B 不变。"
    out = tmp_path / "申报书.docx"
    assert write_docx(make_app(), rendered({2: text}), out) == []
    xml = _xml(out)
    assert xml.count("\u2060") == 4 + 2  # around two range dashes; one in each （公章）
    joiners = [r for r in docx.Document(str(out)).element.body.iter(qn("w:r"))
               if "\u2060" in "".join(t.text for t in r.iter(qn("w:t")))]
    assert all(r.find(f"{qn('w:rPr')}/{qn('w:noProof')}") is not None for r in joiners)
    assert section_text(out)[form.SECTIONS[1].title] == text
    assert text in extract_text(out).split("\n")
    assert f"{HEADER['org_name']}{form.COVER_SEAL}" in extract_text(out)
    from skilldoc.checks.wordcount import count_text

    assert count_text("\u2060—\u2060".join(["12", "15"])) == count_text("12—15")


def _pdf_pages(pdf: Path, mode: str = "-layout") -> list[list[str]]:
    text = subprocess.run(["pdftotext", mode, "-enc", "UTF-8", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    pages = []
    for page in text.split("\f"):
        lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
        pages.append([ln for ln in lines if not re.fullmatch(r"—\s*\d+\s*—", ln)])  # without the page number
    return [p for p in pages if p]


@pytest.mark.slow
def test_libreoffice_keeps_headings_tables_ranges_and_seal_on_the_page(
        sample_docx: Path, tmp_path: Path, soffice: str) -> None:
    """Rendered by LibreOffice: no page ends with a heading or a table caption, the occupations
    continue under their repeated headers, and no line ends inside 第12—15页 or （公章）."""
    from skilldoc.office import convert_many

    crafted = []
    for k in range(10):  # the seal and the ranges at every position on a line
        ranges = "\n\n".join("测" * j + "（见证明材料第12—15页）" + "试" * (40 - j) for j in range(28))
        out = tmp_path / f"c{k}.docx"
        write_docx(make_app(org_name="测" * (k + 4) + "技师学院", authority="试" * (k + 14) + "人社局"),
                   rendered({1: ranges}), out)
        crafted.append(out)
    sample = tmp_path / "sample.docx"
    shutil.copy(sample_docx, sample)
    pdfs = convert_many([(p, None) for p in [sample, *crafted]], tmp_path / "pdf")
    assert all(isinstance(p, Path) for p in pdfs.values()), pdfs
    for src in crafted:
        lines = [ln for page in _pdf_pages(pdfs[src]) for ln in page]
        squashed = re.sub(r"\s+", "", "\n".join(lines))
        assert squashed.count("（公章）") == 2 and squashed.count("第12—15页") == 28
        assert not [ln for ln in lines if re.search(r"\d\s*—$", ln) or ln.endswith("（公") or ln.startswith("章）")]
    # the sample: headings and captions never end a page
    document = docx.Document(str(sample_docx))
    heads = set()
    for p in document.element.body.iter(qn("w:p")):
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style is not None and style.get(qn("w:val")).startswith("申报书标题"):
            heads.add(_paragraph_plain(p))
    assert len(heads) > 30
    pages = _pdf_pages(pdfs[sample])
    for number, page in enumerate(pages, start=1):
        last = re.sub(r"\s+", "", page[-1])
        assert last not in heads and not last.endswith("如下表："), (number, page[-3:])
    # the occupations: every page with an occupation row shows the group label and the columns
    names = [re.sub(r"\s+", "", "".join(t.text for t in tr.findall(qn("w:tc"))[1].iter(qn("w:t"))))
             for tr in document.tables[1]._tbl.findall(qn("w:tr"))[2:]]
    assert len(names) >= 4 and all(n.startswith("职业（工种）") for n in names)
    raw = [re.sub(r"\s+", "", "".join(page)) for page in _pdf_pages(pdfs[sample], "-raw")]
    form_pages = raw[:[i for i, page in enumerate(raw) if form.SECTIONS[0].title in page][0] + 1]
    occ_pages = [page for page in form_pages if any(n.removeprefix("职业（工种）") in page for n in names)]
    assert len(occ_pages) >= 2, "the sample's occupations continue on a second page"
    for joined in occ_pages:
        assert "培训评价能力" in joined and "高级工及以上数量" in joined and "2021年" in joined


def _paragraph_plain(p) -> str:
    return re.sub(r"\s+", "", "".join(t.text or "" for t in p.iter(qn("w:t"))).replace("\u2060", ""))


def test_a_template_saved_by_word_gives_an_honest_app_xml_and_a_valid_zoom(tmp_path: Path) -> None:
    stale_app = (b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<Properties xmlns=\""
                 b"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\"><Template>Normal.dotm"
                 b"</Template><Pages>1</Pages><Words>0</Words><Application>Microsoft Office Word</Application>"
                 b"</Properties>")
    template = _template_with(tmp_path, "docProps/app.xml", lambda d: stale_app)
    edited = tmp_path / "zoom.docx"
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(edited, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/settings.xml":
                data = data.replace(b'<w:zoom w:percent="100"/>', b'<w:zoom w:val="bestFit"/>')
            dst.writestr(info.filename, data)
    out = tmp_path / "申报书.docx"
    assert write_docx(make_app(), rendered(), out, template=edited) == []
    parts = _parts(out)
    assert b"<Application>skilldoc</Application>" in parts["docProps/app.xml"]
    assert b"Pages" not in parts["docProps/app.xml"] and b"Word" not in parts["docProps/app.xml"]
    assert re.search(rb'<w:zoom w:val="bestFit" w:percent="100"/>', parts["word/settings.xml"])
    assert _audit(out) == []
