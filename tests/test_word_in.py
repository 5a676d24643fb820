"""Word in: sections written in Word, ``skilldoc import`` of a 申报书.docx, ``check X.docx``, hostile .docx."""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from skilldoc import api, form, limits
from skilldoc.cli import cli
from skilldoc.errors import InputError
from skilldoc.project import load_sections, locate
from skilldoc.word import extract_text, load_form, read_form, read_section, read_ticks
from skilldoc.word.writer import docx_bytes, write_section
from skilldoc.workbook import read_application
from tests.conftest import SAMPLE


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample built once: its folder (with output/申报书.docx)."""
    root = tmp_path_factory.mktemp("word-in") / "demo"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("output"))
    api.build(root)
    return root


def _fill_occupation_equipment(imported: Path, sample: Path) -> None:
    """The form has no per-occupation equipment: copy it from the sample workbook (as an applicant would)."""
    src = load_workbook(sample / "申报数据.xlsx")["职业工种"]
    wb = load_workbook(imported / "申报数据.xlsx")
    dst = wb["职业工种"]
    for row in range(2, 8):
        for col in (8, 9):
            dst.cell(row=row, column=col, value=src.cell(row=row, column=col).value)
    wb.save(imported / "申报数据.xlsx")


# --- import: the round trip ------------------------------------------------------------


def test_import_round_trip_keeps_values_years_occupations_and_counts(built: Path, tmp_path: Path) -> None:
    docx = built / "output" / "申报书.docx"
    before = docx.read_bytes()
    result = api.import_docx(docx, tmp_path / "new")
    assert docx.read_bytes() == before  # input never modified
    assert (tmp_path / "new" / "sections" / "1-申报背景.docx").is_file()
    assert result.literal_refs and all("证明材料第" in ref for _, ref in result.literal_refs)
    _fill_occupation_equipment(tmp_path / "new", built)
    original, _ = read_application(built / "申报数据.xlsx", built)
    imported, _ = read_application(tmp_path / "new" / "申报数据.xlsx", tmp_path / "new")
    assert dict(imported.header) == dict(original.header)
    assert [(y.year, y.trained, y.advanced) for y in imported.years] == \
        [(y.year, y.trained, y.advanced) for y in original.years]
    assert [(o.name, o.years) for o in imported.occupations] == [(o.name, o.years) for o in original.occupations]
    counts_before = [s.counts for s in api.check(built).sections]
    counts_after = [s.counts for s in api.check(tmp_path / "new").sections]
    assert counts_after == counts_before
    assert [s.counts for s in api.check_docx(docx).sections] == counts_before


def test_import_as_md_keeps_literal_text_and_jinja_braces(built: Path, tmp_path: Path) -> None:
    api.import_docx(built / "output" / "申报书.docx", tmp_path / "md", md=True)
    text = (tmp_path / "md" / "sections" / "7-合作交流.md").read_text(encoding="utf-8")
    assert "校企合作 & 产教融合" in text
    assert "（见证明材料第" in text


def test_import_refuses_a_folder_that_is_not_empty(built: Path, tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "busy"
    target.mkdir()
    (target / "keep.txt").write_text("x")
    result = runner.invoke(cli, ["import", str(built / "output" / "申报书.docx"), str(target)])
    assert result.exit_code == 3
    assert "不是空文件夹" in result.output
    assert sorted(p.name for p in target.iterdir()) == ["keep.txt"]


def test_import_cli_reports_values_and_where(built: Path, tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(cli, ["import", str(built / "output" / "申报书.docx"), str(tmp_path / "cli")])
    assert result.exit_code == 0, result.output
    assert "“申报单位名称”：浙江省示范市高级技工学校（虚构）（第 1 行第 2 列）" in result.output
    assert "职业（工种）5：多工序数控机床操作调整工" in result.output
    assert "手写的证明材料页码" in result.output
    # the form has no column for each occupation's equipment: the next step names it with the other gaps
    [next_step] = [line for line in result.output.splitlines() if line.startswith("下一步")]
    assert "实训设备" in next_step and "专家团队" in next_step and "证明材料" in next_step


# --- check X.docx ------------------------------------------------------------------------


def test_check_docx_json_and_standard(built: Path, runner) -> None:  # type: ignore[no-untyped-def]
    docx = built / "output" / "申报书.docx"
    result = runner.invoke(cli, ["check", str(docx), "--format", "json", "--standard", "hr2022-62-new"])
    data = json.loads(result.output)
    expected = [s.counts.words for s in api.check(built).sections]
    assert [s["words"] for s in data["sections"]] == expected
    assert data["sections"][0]["cited"][0].startswith("（见证明材料第")  # literal references count as citations
    assert [k for k, _ in api.check_docx(docx, standards=("hr2022-62-new",)).standards] == ["hr2022-62-new"]
    assert result.exit_code == 0, result.output
    unchecked = [f for f in data["findings"] if f["code"] == "threshold.not_on_form"]
    assert unchecked and all(f["severity"] == "info" for f in unchecked)  # no experts on the form: not a failure
    text = runner.invoke(cli, ["check", str(docx)]).output
    assert re.search(r"第十二条 .*表中无此项数据\s+未核对", text)
    # the summary counts them and does not call a partly checked 申报书 全部通过
    last = text.strip().splitlines()[-1]
    assert "项未核对" in last and "全部通过" not in last


def test_import_of_the_workbook_says_it_is_an_excel_workbook(tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    # a clerk passing 申报数据.xlsx where the 申报书 is expected: name what it is, no "WordprocessingML"
    result = runner.invoke(cli, ["import", str(SAMPLE / "申报数据.xlsx"), str(tmp_path / "new")])
    assert result.exit_code == 3
    assert "Excel 工作簿" in result.output and "WordprocessingML" not in result.output
    assert not (tmp_path / "new").exists()


def test_check_of_the_workbook_points_at_its_folder(tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(cli, ["check", str(SAMPLE / "申报数据.xlsx")])
    assert result.exit_code == 3
    assert "申报文件夹" in result.output and f"skilldoc check {SAMPLE}" in result.output


def test_check_docx_that_is_not_the_form_lists_missing_labels(tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    other = tmp_path / "其他文件.docx"
    other.write_bytes(docx_bytes([]))
    result = runner.invoke(cli, ["check", str(other)])
    assert result.exit_code == 3
    assert "不是国家技能根基工程培训基地申报书" in result.output
    assert "“申报单位名称”" in result.output and "“1.申报背景”" in result.output


# --- sections written in Word -------------------------------------------------------------

SECTION_MD = """一、师资队伍基本情况

学校现有专任教师 {{ 专任教师人数 }} 人，其中**一体化（双师型）教师** {{ 一体化教师人数 }} 人{{ 证明("E03") }}。

（一）专家团队

- 行业专家 & 企业实践专家 <共建>
- 技能培训专家

1. 第一项
2. 第二项

| 年度 | 培训数量 |
| --- | --- |
| 2021 | {{ 最近年度.培训数量 }} |
"""


def test_same_count_for_the_same_text_in_md_and_docx(sample_dir: Path, tmp_path: Path) -> None:
    md_dir = tmp_path / "md"
    shutil.copytree(sample_dir, md_dir)
    section = form.SECTIONS[2]
    (md_dir / "sections" / section.filename).write_text(SECTION_MD, encoding="utf-8")
    (sample_dir / "sections" / section.filename).unlink()
    write_section(sample_dir / "sections" / "3-师资队伍.docx", SECTION_MD)
    md_counts = api.check(md_dir).sections[2].counts
    docx_counts = api.check(sample_dir).sections[2].counts
    assert docx_counts == md_counts
    assert md_counts.words > 40


def test_docx_section_markup(tmp_path: Path) -> None:
    path = tmp_path / "s.docx"
    write_section(path, SECTION_MD)
    text = read_section(path).text
    assert "一、师资队伍基本情况" in text
    assert "**一体化（双师型）教师**" in text
    assert "- 行业专家 & 企业实践专家 <共建>" in text
    assert "1. 第一项" in text
    assert "| 年度 | 培训数量 |\n|---|---|" in text
    assert '{{ 证明("E03") }}' in text


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx_with_document(document_xml: bytes) -> bytes:
    """A .docx whose word/document.xml is ``document_xml`` (the other parts from our writer)."""
    base = zipfile.ZipFile(io.BytesIO(docx_bytes([])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name in base.namelist():
            zf.writestr(name, document_xml if name == "word/document.xml" else base.read(name))
    return out.getvalue()


def _docx_with_body(body_xml: str) -> bytes:
    return _docx_with_document(
        f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{body_xml}</w:body></w:document>'.encode())


def test_jinja_split_across_runs_is_joined_and_plain_runs_keep_bold(tmp_path: Path) -> None:
    # {{ 单位名称 }} typed, corrected and re-typed: four runs, one of them bold; curly quotes from AutoCorrect
    body = ('<w:p><w:r><w:t xml:space="preserve">本单位</w:t></w:r>'
            '<w:r><w:rPr><w:b/></w:rPr><w:t>重点</w:t></w:r>'
            '<w:r><w:t>{{ 单位</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>名</w:t></w:r>'
            '<w:r><w:t xml:space="preserve">称 }}</w:t></w:r>'
            '<w:r><w:t>{{ 证明(“E01”) }}</w:t></w:r></w:p>')
    path = tmp_path / "split.docx"
    path.write_bytes(_docx_with_body(body))
    text = read_section(path).text
    assert text.strip() == '本单位**重点**{{ 单位名称 }}{{ 证明("E01") }}'


def test_docx_section_error_names_the_paragraph(sample_dir: Path) -> None:
    (sample_dir / "sections" / "2-工作基础.md").unlink()
    write_section(sample_dir / "sections" / "2-工作基础.docx", "第一段文字。\n\n学校有 {{ 不存在的名称 }} 人。\n")
    with pytest.raises(InputError) as info:
        api.check(sample_dir)
    located = [p for p in info.value.problems if p.location and p.location.file.endswith("2-工作基础.docx")]
    assert located, info.value
    assert located[0].location is not None
    assert located[0].location.paragraph == "第 2 段“学校有 {{ 不存在的名…”"
    assert "第 2 段" in str(info.value)


def test_both_md_and_docx_for_one_section_is_an_error(sample_dir: Path) -> None:
    write_section(sample_dir / "sections" / "1-申报背景.docx", "文字\n")
    with pytest.raises(InputError) as info:
        load_sections(locate(sample_dir))
    message = str(info.value)
    assert "sections/1-申报背景.md" in message and "sections/1-申报背景.docx" in message


def test_init_docx_writes_word_sections_whose_guidance_never_reaches_the_form(tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(cli, ["init", str(tmp_path / "w"), "--docx", "--year", "2022"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "w" / "sections").iterdir()) == \
        sorted(Path(s.filename).with_suffix(".docx").name for s in form.SECTIONS)
    sources, warnings = load_sections(locate(tmp_path / "w"))
    assert not warnings
    assert sources[0].text.startswith("{# 【填写说明")
    assert "{{ 单位名称 }}（请在此撰写“申报背景”部分的正文" in sources[0].text
    from skilldoc.render import render_sections
    app, _ = read_application(tmp_path / "w" / "申报数据.xlsx", tmp_path / "w")
    rendered, _ = render_sections(app, sources, {})
    assert "填写说明" not in rendered[0].text


def test_count_docx_goes_through_the_word_reader(built: Path) -> None:
    counts = api.count(built / "output" / "申报书.docx")
    assert counts.words > 10_000
    assert "申报单位名称" in extract_text(built / "output" / "申报书.docx")


# --- ticks ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "chosen"), [
    ("☐制造业龙头企业 ☐单项冠军企业 ☑技工院校 ☐其他____", "技工院校"),
    ("□制造业龙头企业 √技工院校 □公共实训中心", "技工院校"),
    ("■ 单项冠军企业 □ 技工院校", "单项冠军企业"),
    ("技工院校✓ □公共实训中心", "技工院校"),
    ("技工院校", "技工院校"),  # the other options deleted
])
def test_read_ticks(text: str, chosen: str) -> None:
    assert read_ticks(text, form.UNIT_CATEGORIES)[0] == chosen


def test_read_ticks_other_with_text() -> None:
    chosen, other, _ = read_ticks("☐技工院校 ☑其他 行业协会培训中心", form.UNIT_CATEGORIES)
    assert (chosen, other) == ("其他", "行业协会培训中心")


def test_two_ticks_are_not_guessed() -> None:
    assert read_ticks("☑技工院校 ☑公共实训中心", form.UNIT_CATEGORIES)[0] is None


# --- hostile and broken .docx ---------------------------------------------------------------


def _ole(stream_name: str) -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + stream_name.encode("utf-16-le") + b"\0" * 512


@pytest.mark.parametrize(("data", "needle", "code"), [
    (_ole("EncryptedPackage"), "打开密码", "docx.encrypted"),
    (_ole("WordDocument"), "旧版 Word 文档", "docx.doc"),
    (b"PK\x03\x04" + b"\0" * 100, "已损坏", "docx.damaged"),
    (b"", "0 字节", "docx.empty"),
    (b"{\\rtf1 hello}", "不是 Word 文档", "docx.not_docx"),
])
def test_broken_docx_each_gets_its_own_message(tmp_path: Path, data: bytes, needle: str, code: str) -> None:
    path = tmp_path / "申报书.docx"
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        read_form(path)
    assert info.value.problems[0].code == code
    assert needle in info.value.problems[0].message


def test_dtd_and_entities_are_refused(tmp_path: Path) -> None:
    data = _docx_with_document(
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        + f'<w:document {W}><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>'.encode())
    path = tmp_path / "bomb.docx"
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        api.count(path)
    assert info.value.problems[0].code == "docx.dtd"


def test_part_size_and_paragraph_count_are_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.docx"
    path.write_bytes(_docx_with_body("<w:p><w:r><w:t>字</w:t></w:r></w:p>" * 3000))
    assert api.count(path).words == 3000
    monkeypatch.setattr(limits, "DOCX_MAX_PARAGRAPHS", 2000)
    with pytest.raises(InputError) as info:
        api.count(path)
    assert "段落数超过" in info.value.problems[0].message
    monkeypatch.setattr(limits, "DOCX_MAX_PART", 10_000)
    with pytest.raises(InputError) as info:
        api.count(path)
    assert "word/document.xml" in info.value.problems[0].message


def test_a_fifo_is_not_read(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe.docx"
    os.mkfifo(fifo)
    with pytest.raises(InputError) as info:
        read_form(fifo)
    assert "命名管道" in info.value.problems[0].message


# --- hand-filled forms re-saved by LibreOffice (tests/resources/make_word_resources.py) -------

RESOURCES = Path(__file__).resolve().parent / "resources"


@pytest.mark.parametrize(("name", "occupations"), [("word_ticks_units", 6), ("word_deleted_shuffled", 5)])
def test_hand_filled_variants(built: Path, name: str, occupations: int) -> None:
    document = read_form(RESOURCES / f"{name}.docx")
    original, _ = read_application(built / "申报数据.xlsx", built)
    assert dict(document.app.header) == dict(original.header)  # ticks, units, separators, dates, shuffled rows
    assert [(y.year, y.trained, y.advanced) for y in document.app.years] == \
        [(y.year, y.trained, y.advanced) for y in original.years]
    names = [o.name for o in document.app.occupations]
    assert names[:5] == [o.name for o in original.occupations]
    assert len(names) == occupations  # the extra row read, the spare n. _____ rows skipped
    assert not [p for p in document.problems if p.code != "import.label_missing"]
    section_two = document.sections[1].text
    assert "一、申报主体基本情况" in section_two and "**是国家级重点技工院校**" in section_two
    assert "- 数控加工实训中心" in section_two
    assert "| 五轴加工中心 | 6 |" in section_two  # the pasted table
    assert form.SECTIONS[1].guidance not in document.sections[0].text  # the form's guidance is not text
    assert ("1.申报背景", "（见证明材料第12—15页）") in document.literal_refs


def test_import_of_a_hand_filled_variant_writes_the_extra_occupation(tmp_path: Path) -> None:
    source = RESOURCES / "word_ticks_units.docx"
    before = source.read_bytes()
    result = api.import_docx(source, tmp_path / "v")
    assert source.read_bytes() == before
    app, problems = read_application(tmp_path / "v" / "申报数据.xlsx", tmp_path / "v")
    assert [o.name for o in app.occupations][-1] == "钳工"
    assert app.header["floor_area"] == 38650
    assert any(f.what == "“单位类别”" and f.value == "技工院校" for f in result.found)


@pytest.mark.slow
def test_doc_is_converted_with_libreoffice(built: Path, tmp_path: Path, soffice: str) -> None:
    import subprocess

    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
                    "doc", "--outdir", str(tmp_path), str(RESOURCES / "word_deleted_shuffled.docx")],
                   check=True, capture_output=True, timeout=180)
    doc = tmp_path / "word_deleted_shuffled.doc"
    report = api.check_docx(doc)
    converted = [p for p in report.findings if p.code == "docx.converted"]
    assert converted and converted[0].location is not None and converted[0].location.file == str(doc)
    assert report.sections[1].source == doc  # messages name the user's .doc, not the converted copy
    document = load_form(doc)
    original, _ = read_application(built / "申报数据.xlsx", built)
    assert dict(document.app.header) == dict(original.header)


def _docx_with_numbering(body_xml: str, numbering_xml: str) -> bytes:
    """Like :func:`_docx_with_body`, with its own numbering.xml (Word's automatic lists)."""
    data = _docx_with_body(body_xml)
    base = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name in base.namelist():
            part = base.read(name)
            if name == "word/numbering.xml":
                part = f'<?xml version="1.0" encoding="UTF-8"?><w:numbering {W}>{numbering_xml}</w:numbering>'.encode()
            zf.writestr(name, part)
    return out.getvalue()


def test_word_automatic_numbering_becomes_typed_numbers_and_headings(tmp_path: Path) -> None:
    def level(ilvl: int, fmt: str, text: str) -> str:
        return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                f'<w:lvlText w:val="{text}"/></w:lvl>')

    numbering = (f'<w:abstractNum w:abstractNumId="0">{level(0, "chineseCounting", "%1、")}'
                 f'{level(1, "chineseCounting", "（%2）")}</w:abstractNum>'
                 f'<w:abstractNum w:abstractNumId="1">{level(0, "decimal", "%1.")}</w:abstractNum>'
                 '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
                 '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>')

    def para(text: str, num: int, ilvl: int = 0) -> str:
        return (f'<w:p><w:pPr><w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num}"/></w:numPr></w:pPr>'
                f'<w:r><w:t>{text}</w:t></w:r></w:p>')

    body = (para("总体情况", 1) + para("场地", 1, 1) + para("设备", 1, 1) + para("第一项", 2) + para("第二项", 2)
            + para("师资", 1))
    path = tmp_path / "numbered.docx"
    path.write_bytes(_docx_with_numbering(body, numbering))
    lines = [x for x in read_section(path).text.split("\n") if x]
    assert lines == ["一、总体情况", "  （一）场地", "  （二）设备", "1. 第一项", "2. 第二项", "二、师资"]
    from skilldoc.markup import Heading, ListItem, parse
    blocks = parse(read_section(path).text)
    assert [type(b).__name__ for b in blocks] == ["Heading", "Heading", "Heading", "ListItem", "ListItem", "Heading"]
    assert isinstance(blocks[1], Heading) and blocks[1].level == 2
    assert isinstance(blocks[3], ListItem) and blocks[3].number == 1


def test_imported_text_with_jinja_braces_renders_back_verbatim(sample_dir: Path) -> None:
    from skilldoc.importer import escape_jinja
    from skilldoc.model import SectionSource
    from skilldoc.render import render_sections

    typed = '写法 {{ 单位名称 }}、{% if %} 和 {# 注释 #} 都是原文 & <标记>'
    app, _ = read_application(sample_dir / "申报数据.xlsx", sample_dir)
    source = SectionSource(form.SECTIONS[0], sample_dir / "sections" / "1-申报背景.md", escape_jinja(typed))
    rendered, _ = render_sections(app, [source], {})
    assert rendered[0].text.strip() == typed


def test_check_package_refuses_a_template_with_entities(tmp_path: Path) -> None:
    from skilldoc.docx_form import default_template
    from skilldoc.word import check_package

    check_package(default_template())  # the shipped template passes
    bad = tmp_path / "申报书.docx"
    with zipfile.ZipFile(default_template()) as src, zipfile.ZipFile(bad, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "word/styles.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE w:styles [<!ENTITY x "x">]>', 1)
            dst.writestr(name, data)
    with pytest.raises(InputError) as info:
        check_package(bad)
    assert info.value.problems[0].code == "docx.dtd" and "word/styles.xml" in info.value.problems[0].message


def test_sections_written_below_the_table_as_attached_pages(tmp_path: Path) -> None:
    from skilldoc.markup import parse

    markup = "\n\n".join(f"{s.number}.{s.name}\n\n{s.guidance}\n\n正文第 {s.number} 部分，**加粗**。" for s in form.SECTIONS)
    path = tmp_path / "附页.docx"
    path.write_bytes(docx_bytes(parse(markup)))
    document = read_form(path)
    assert [s.text.strip() for s in document.sections] == \
        [f"正文第 {s.number} 部分，**加粗**。" for s in form.SECTIONS]
    assert any("表格后的正文" in f.where for f in document.found)


def test_occupation_names_lose_their_label_number_and_blanks() -> None:
    from skilldoc.word.form_reader import _occupation_name

    assert _occupation_name("职业（工种）\n3. 电工") == "电工"
    assert _occupation_name("职业(工种) n. _____") == ""


def test_a_workbook_renamed_docx_is_not_a_word_document(tmp_path: Path) -> None:
    from skilldoc.workbook import write_workbook

    path = tmp_path / "申报书.docx"
    write_workbook(path, 2022)
    with pytest.raises(InputError) as info:
        read_form(path)
    assert info.value.problems[0].code == "docx.not_docx"


def test_an_encrypted_section_docx_is_named_in_the_message(sample_dir: Path, runner) -> None:  # type: ignore[no-untyped-def]
    (sample_dir / "sections" / "4-技能培训.md").unlink()
    (sample_dir / "sections" / "4-技能培训.docx").write_bytes(_ole("EncryptedPackage"))
    result = runner.invoke(cli, ["check", str(sample_dir)])
    assert result.exit_code == 3
    assert "sections/4-技能培训.docx：文档设置了打开密码" in result.output


def test_section_texts_match_the_writer_side_reader(built: Path) -> None:
    from readback import section_text

    from skilldoc.word import section_texts

    out = built / "output" / "申报书.docx"
    assert section_texts(out) == section_text(out)


def test_check_docx_summary_does_not_call_unchecked_rules_passed(built: Path, runner) -> None:  # type: ignore[no-untyped-def]
    """3/7 项达标 with four rules the form cannot show is not “全部通过”: the last line says what is left."""
    text = runner.invoke(cli, ["check", str(built / "output" / "申报书.docx")]).output
    last = text.strip().splitlines()[-1]
    assert "全部通过" not in last, last
    assert "3/7 项达标" in last and "4 项未核对" in last and "人工核对" in last, last


def test_check_docx_with_errors_gives_no_build_advice(built: Path, runner) -> None:  # type: ignore[no-untyped-def]
    """A 申报书.docx is not built by skilldoc: “skilldoc build … --force” means nothing to its reader."""
    result = runner.invoke(cli, ["check", str(built / "output" / "申报书.docx"), "--limit", "100"])
    assert "超出" in result.output and "个错误" in result.output
    assert "skilldoc build" not in result.output and "--force" not in result.output
