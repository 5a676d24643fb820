"""The applicant folder: init_project, locate, load_sections."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2
import pytest
from openpyxl import load_workbook

from skilldoc import form
from skilldoc.errors import InputError, Severity
from skilldoc.project import InitResult, init_project, load_sections, locate, section_starter
from skilldoc.workbook import SHEETS, load_application

WB = form.LAYOUT.workbook


def test_init_creates_the_folder(tmp_path: Path):
    root = tmp_path / "我的申报"
    result = init_project(root, 2025)
    assert isinstance(result, InitResult) and result.root == root
    expected = [root / WB] + [root / "sections" / s.filename for s in form.SECTIONS] + [
        root / "证明材料" / "说明.txt"]
    assert result.created == expected
    assert all(p.is_file() for p in expected)
    assert (root / "sections" / "1-申报背景.md").is_file() and (root / "sections" / "8-建设规划.md").is_file()
    assert "证明材料" in (root / "证明材料" / "说明.txt").read_text(encoding="utf-8")
    assert sorted(p.name for p in root.iterdir()) == sorted([WB, "sections", "证明材料"])
    years = load_workbook(root / WB)[SHEETS["years"]]
    assert [years.cell(row=r, column=1).value for r in (2, 3, 4)] == [2022, 2023, 2024]


def test_init_workbook_reads_back_with_required_field_errors(tmp_path: Path):
    result = init_project(tmp_path / "a", 2025)
    with pytest.raises(InputError) as info:
        load_application(result.root / WB, result.root)
    assert info.value.exit_code == 3
    problems = info.value.problems
    assert all(p.location.file == WB and p.location.sheet and p.location.cell for p in problems)
    required = [f for f in form.HEADER_FIELDS if f.required]
    assert sum(p.location.sheet == SHEETS["header"] for p in problems) == len(required)


def test_section_files_start_with_the_form_guidance(tmp_path: Path):
    root = init_project(tmp_path / "a", 2025).root
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    for section in form.SECTIONS:
        text = (root / "sections" / section.filename).read_text(encoding="utf-8")
        assert text.startswith("{#")
        comment = text[: text.index("#}")]
        assert section.guidance in comment and form.SECTION_NOTE in comment
        assert '{{ 证明("E01") }}' in comment and "**" in comment
        rendered = env.from_string(text).render(单位名称="示例学校")  # the comment disappears
        assert rendered.strip().startswith("示例学校") and section.name in rendered
        assert section.guidance not in rendered
        assert text == section_starter(section)


def test_init_in_an_existing_empty_folder_and_default_year(tmp_path: Path):
    result = init_project(tmp_path)
    assert result.root == tmp_path
    years = load_workbook(tmp_path / WB)[SHEETS["years"]]
    this_year = dt.date.today().year
    assert years["A4"].value == this_year - 1


def test_init_refuses_to_overwrite(tmp_path: Path):
    root = tmp_path / "a"
    init_project(root, 2025)
    section = root / "sections" / "3-师资队伍.md"
    section.write_text("我写的正文", encoding="utf-8")
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    with pytest.raises(InputError) as info:
        init_project(root, 2026)
    assert info.value.exit_code == 3
    assert len(info.value.problems) == 1 + len(form.SECTIONS)  # every clash listed
    assert any("3-师资队伍.md" in p.message for p in info.value.problems)
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


def test_init_refuses_a_single_existing_section_file(tmp_path: Path):
    (tmp_path / "sections").mkdir()
    (tmp_path / "sections" / "5-技能评价.md").write_text("已有", encoding="utf-8")
    with pytest.raises(InputError) as info:
        init_project(tmp_path, 2025)
    assert [p.location.file for p in info.value.problems] == [str(tmp_path / "sections" / "5-技能评价.md")]
    assert not (tmp_path / WB).exists()


def test_init_on_a_file(tmp_path: Path):
    target = tmp_path / "x"
    target.write_text("", encoding="utf-8")
    with pytest.raises(InputError):
        init_project(target, 2025)


def test_locate(tmp_path: Path):
    root = init_project(tmp_path / "a", 2025).root
    project = locate(root)
    assert project.root == root.resolve()
    assert project.workbook == root.resolve() / WB
    assert project.sections_dir == root.resolve() / "sections"
    assert project.evidence_dir == root.resolve() / "证明材料"
    assert project.output_dir == root.resolve() / "output"


def test_locate_without_workbook_says_run_init(tmp_path: Path):
    with pytest.raises(InputError) as info:
        locate(tmp_path)
    assert "skilldoc init" in info.value.problems[0].hint
    (tmp_path / "申报数据(1).xlsx").write_bytes(b"")
    with pytest.raises(InputError) as info:
        locate(tmp_path)
    assert "申报数据(1).xlsx" in info.value.problems[0].hint
    with pytest.raises(InputError):
        locate(tmp_path / "missing")


def test_load_sections(tmp_path: Path):
    project = locate(init_project(tmp_path / "a", 2025).root)
    sources, warnings = load_sections(project)
    assert warnings == []
    assert [s.section for s in sources] == list(form.SECTIONS)
    assert sources[0].path == project.sections_dir / "1-申报背景.md"
    assert sources[0].text == section_starter(form.SECTIONS[0])


def test_load_sections_encodings(tmp_path: Path):
    project = locate(init_project(tmp_path / "a", 2025).root)
    d = project.sections_dir
    text = "一、背景\r\n{{ 单位名称 }} 位于绍兴，<b>&“引号”😀\r\n"
    (d / "1-申报背景.md").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    (d / "2-工作基础.md").write_bytes("二、工作基础\r\n我校始建于1958年。".encode("gbk"))
    (d / "3-师资队伍.md").write_bytes("三、师资".encode("utf-16"))
    sources, warnings = load_sections(project)
    assert sources[0].text == text.replace("\r\n", "\n")  # BOM dropped, no warning
    assert sources[1].text == "二、工作基础\n我校始建于1958年。"
    assert sources[2].text == "三、师资"
    assert sorted(w.location.file for w in warnings) == ["sections/2-工作基础.md", "sections/3-师资队伍.md"]
    assert all(w.severity is Severity.WARNING and w.code == "section.encoding" for w in warnings)
    assert "GBK" in next(w for w in warnings if "2-" in w.location.file).message


def test_missing_sections_are_all_errors(tmp_path: Path):
    project = locate(init_project(tmp_path / "a", 2025).root)
    (project.sections_dir / "3-师资队伍.md").unlink()
    (project.sections_dir / "6-技能竞赛.md").unlink()
    (project.sections_dir / "草稿.md").write_text("x", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_sections(project)
    errors = [p for p in info.value.problems if p.severity is Severity.ERROR]
    assert [p.location.file for p in errors] == ["sections/3-师资队伍.md", "sections/6-技能竞赛.md"]
    assert "师资队伍" in errors[0].message
    extra = [p for p in info.value.problems if p.severity is Severity.WARNING]
    assert [p.location.file for p in extra] == ["sections/草稿.md"]


def test_section_file_named_a_little_differently(tmp_path: Path):
    project = locate(init_project(tmp_path / "a", 2025).root)
    d = project.sections_dir
    (d / "4-技能培训.md").rename(d / "04 技能培训.md")
    (d / "7-合作交流.md").rename(d / "7.合作交流.md")
    (d / "备注.md").write_text("x", encoding="utf-8")
    sources, warnings = load_sections(project)
    assert [s.path.name for s in sources][3] == "04 技能培训.md"
    assert [s.path.name for s in sources][6] == "7.合作交流.md"
    assert sorted(w.code for w in warnings) == ["section.extra", "section.filename", "section.filename"]
