"""Messages found while attacking the templates, the section files and ``count`` (issue 9)."""

from __future__ import annotations

import json
import os
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from skilldoc import api, limits
from skilldoc.cli import cli
from skilldoc.errors import InputError, Problem, Severity
from skilldoc.form import SECTIONS
from skilldoc.model import Application, Header, SectionSource
from skilldoc.project import load_sections, locate
from skilldoc.render import render_sections

FILE = "sections/1-申报背景.md"


def _render(text: str) -> tuple[str | None, list[Problem]]:
    """→ (rendered text or None when it failed, every problem)."""
    app = Application(Header({}), (), (), (), ())
    source = SectionSource(SECTIONS[0], Path(FILE), text)
    try:
        rendered, warnings = render_sections(app, [source], {})
    except InputError as exc:
        return None, exc.problems
    return rendered[0].text, warnings


def _one_error(text: str) -> Problem:
    out, problems = _render(text)
    assert out is None
    errors = [p for p in problems if p.severity is Severity.ERROR]
    assert len(errors) == 1, [p.render() for p in problems]
    return errors[0]


# --- the sandbox's refusals --------------------------------------------------------------


@pytest.mark.parametrize("expression, words", [
    ('"".__class__', "内部属性“__class__”"),
    ("range.__init__", "内部属性“__init__”"),
    ('"{}".format(1)', "“.format”"),
    ("[1].append(2)", "不能修改数据（“.append”）"),
    ("{}.update(a=1)", "不能修改数据（“.update”）"),
])
def test_sandbox_refusals_are_chinese_listed_once_with_their_line(expression: str, words: str) -> None:
    problem = _one_error(f"第一行\n{{{{ {expression} }}}}")
    assert problem.code == "render.security"
    assert problem.location is not None and problem.location.line == 2
    assert words in problem.message and "unsafe" not in problem.render()


@pytest.mark.parametrize("tag", ['{% include "2-工作基础.md" %}', '{% import "x.md" as m %}',
                                 '{% from "x.md" import m %}', '{% extends "x.md" %}'])
def test_include_and_import_are_refused_in_chinese(tag: str) -> None:
    problem = _one_error(f"第一行\n{tag}")
    assert problem.code == "render.include" and problem.location is not None and problem.location.line == 2
    assert "正文模板不能包含或导入其他文件" in problem.message
    assert "TemplateNotFound" not in problem.render()


# --- printing a function --------------------------------------------------------------------


@pytest.mark.parametrize("text, words", [
    ("{{ 证明 }}", '证明("E01")'),
    ('见{{ 证明 ~ "x" }}', '证明("E01")'),
    ("{{ 页码 | string }}", '页码("E01")'),
    ("{% macro 段落() %}x{% endmacro %}{{ 段落 }}", "段落()"),
    ("{{ range }}", "range()"),
    ('{{ ["a"] | map("upper") }}', "join"),
    ('{{ "a" ~ (["a"] | map("upper")) }}', "join"),
])
def test_printing_a_function_is_an_error_at_its_line(text: str, words: str) -> None:
    problem = _one_error("第一行\n" + text)
    assert problem.location is not None and problem.location.line == 2, problem.render()
    assert words in problem.message, problem.render()
    assert " at 0x" not in problem.render()


# --- characters a DOCX cannot hold, typed into a template ---------------------------------


@pytest.mark.parametrize("escape", ["\\ud800", "\\x07", "\\0"])
def test_an_escaped_control_character_is_blamed_on_the_template(escape: str) -> None:
    out, problems = _render(f'第一行\n前{{{{ "{escape}" }}}}后')
    assert out == "第一行\n前后"
    (problem,) = problems
    assert problem.severity is Severity.WARNING and problem.code == "render.control_char"
    assert problem.location is not None and problem.location.line == 2
    assert "模板" in problem.message and "工作簿" not in problem.render()


# --- names that look the same ------------------------------------------------------------------


def test_a_name_in_another_unicode_form_matches_with_a_warning() -> None:
    from skilldoc.model import YearTotal

    # U+F98E is a CJK compatibility ideograph: NFC and NFD both turn it into 年 (U+5E74)
    typed = "\uf98e份"
    assert typed != "年份" and unicodedata.normalize("NFC", typed) == "年份"
    app = Application(Header({}), (YearTotal(2021, 10, 5, None, None),), (), (), ())
    source = SectionSource(SECTIONS[0], Path(FILE), f"第一行\n{{{{ {typed} | join }}}}年")
    rendered, warnings = render_sections(app, [source], {})
    assert rendered[0].text == "第一行\n2021年"
    (problem,) = warnings
    assert problem.code == "render.name_form" and problem.severity is Severity.WARNING
    assert problem.location is not None and problem.location.line == 2
    assert "“年份”" in problem.message


@pytest.mark.parametrize("expression", ['最近年度["年份 "]', '{"名称": 2021}["名称 "]', '{"名称": 2021}[" 名称"]'])
def test_a_key_with_a_stray_space_matches_with_a_warning(expression: str) -> None:
    from skilldoc.model import YearTotal

    app = Application(Header({}), (YearTotal(2021, 10, 5, None, None),), (), (), ())
    source = SectionSource(SECTIONS[0], Path(FILE), f"{{{{ {expression} }}}}")
    rendered, warnings = render_sections(app, [source], {})
    assert rendered[0].text == "2021"
    assert [p.code for p in warnings] == ["render.name_form"]
    assert "是否想写" not in (warnings[0].hint or "")


def test_a_really_different_name_still_gets_a_suggestion() -> None:
    problem = _one_error("{% set 单位名称 = 1 %}{{ 单位名 }}")
    assert problem.code == "render.undefined" and "单位名称" in (problem.hint or "")


# --- section files ------------------------------------------------------------------------------


def test_a_section_file_with_one_invalid_byte_names_its_line(sample_dir: Path) -> None:
    path = sample_dir / FILE
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[6] = lines[6][:5] + "\udcff" + lines[6][5:]  # one stray byte 0xFF in line 7
    path.write_bytes("\n".join(lines).encode("utf-8", "surrogateescape"))
    with pytest.raises(InputError) as info:
        load_sections(locate(sample_dir))
    (problem,) = [p for p in info.value.problems if p.severity is Severity.ERROR]
    assert problem.location is not None and problem.location.file == FILE and problem.location.line == 7
    assert "第 7 行" in problem.message and "UTF-8" in problem.message


def test_a_gbk_section_file_is_still_read_as_gbk(sample_dir: Path) -> None:
    path = sample_dir / FILE
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    sources, warnings = load_sections(locate(sample_dir))
    assert sources[0].text.startswith("{#") and [p.code for p in warnings] == ["section.encoding"]


def test_a_fifo_or_huge_section_file_gets_its_own_message(sample_dir: Path) -> None:
    (sample_dir / FILE).unlink()
    os.mkfifo(sample_dir / FILE)
    huge = sample_dir / "sections" / "2-工作基础.md"
    with huge.open("wb") as fh:
        fh.truncate(limits.TEMPLATE_MAX_BYTES + 1)  # sparse
    with pytest.raises(InputError) as info:
        load_sections(locate(sample_dir))
    by_file = {p.location.file: p for p in info.value.problems if p.location}
    assert "命名管道" in by_file[FILE].message
    assert "文件过大" in by_file["sections/2-工作基础.md"].message


def test_a_section_linked_from_outside_the_folder_is_not_read(sample_dir: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("机密", encoding="utf-8")
    (sample_dir / FILE).unlink()
    (sample_dir / FILE).symlink_to(secret)
    with pytest.raises(InputError) as info:
        load_sections(locate(sample_dir))
    (problem,) = [p for p in info.value.problems if p.severity is Severity.ERROR]
    assert problem.code == "section.outside" and problem.location is not None and problem.location.file == FILE


# --- check reports what build would --------------------------------------------------------


@pytest.mark.slow
def test_check_reports_every_warning_build_gives(sample_dir: Path) -> None:
    gbk = sample_dir / "sections" / "2-工作基础.md"
    gbk.write_bytes(("\x07" + gbk.read_text(encoding="utf-8")).encode("gb18030"))
    utf16 = sample_dir / "sections" / "3-师资队伍.md"
    utf16.write_bytes(utf16.read_text(encoding="utf-8").encode("utf-16"))
    report = api.check(sample_dir)
    built = api.build(sample_dir)

    def key(p: Problem) -> tuple[str, str, str]:
        return p.code, p.message, str(p.location)

    checked = {key(p) for p in report.findings}
    missing = [p.render() for p in built.warnings if key(p) not in checked and not p.code.startswith("bundle")]
    assert missing == []
    codes = [p.code for p in report.warnings]
    assert codes.count("section.encoding") == 2 and "render.control_char" in codes


# --- count ------------------------------------------------------------------------------------------


def test_count_removes_a_nul_byte_with_a_warning_like_build(tmp_path: Path) -> None:
    path = tmp_path / "正文.txt"
    path.write_bytes("培训\0基地 AI".encode())
    result = CliRunner().invoke(cli, ["count", "--format", "json", str(path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"字数": 5, "字符数（不计空格）": 6, "汉字": 4}
    assert "U+0000" in result.stderr and "已删除" in result.stderr


def test_count_refuses_a_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"\0\1\2\3" * 100)
    result = CliRunner().invoke(cli, ["count", str(path)])
    assert result.exit_code == 3 and "不是文本文件" in result.output


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_count_names_a_fifo_or_device(tmp_path: Path, kind: str) -> None:
    if kind == "fifo":
        path = tmp_path / "管道.txt"
        os.mkfifo(path)
        words = "命名管道"
    else:
        path, words = Path("/dev/zero"), "设备文件"
    result = CliRunner().invoke(cli, ["count", str(path)])
    assert result.exit_code == 3, result.output
    assert words in result.output and "不存在" not in result.output and str(path) in result.output


def test_count_bounds_what_it_reads(tmp_path: Path) -> None:
    path = tmp_path / "大.txt"
    with path.open("wb") as fh:
        fh.truncate(limits.COUNT_MAX_BYTES + 1)
    result = CliRunner().invoke(cli, ["count", str(path)])
    assert result.exit_code == 3 and "MB" in result.output and str(path) in result.output
    result = CliRunner().invoke(cli, ["count", "-"], input=b"a " * (limits.COUNT_MAX_BYTES // 2 + 1))
    assert result.exit_code == 3 and "标准输入" in result.output
