"""The command line: Chinese help for every command, errors as messages and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from skilldoc.cli import EXIT_INTERNAL, cli
from skilldoc.errors import InputError

COMMANDS = ["init", "check", "build", "bundle", "count", "vars"]


def has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_group_help_lists_every_command(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output
    assert has_cjk(result.output)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_chinese_help(runner: CliRunner, name: str) -> None:
    result = runner.invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    command = cli.commands[name]
    assert command.help and has_cjk(command.help)
    for param in command.params:
        if param.name != "help" and getattr(param, "help", None) is not None:
            assert has_cjk(param.help), f"{name} --{param.name} help is not Chinese"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_documented_in_readme(name: str) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert f"skilldoc {name}" in readme


def test_missing_workbook_is_a_chinese_message_not_a_traceback(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["check", str(tmp_path)])
    assert result.exit_code == InputError.exit_code
    assert "Traceback" not in result.output
    assert "申报数据.xlsx" in result.output
    assert "skilldoc init" in result.output


def test_verbose_shows_the_traceback(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["--verbose", "check", str(tmp_path)])
    assert result.exit_code == InputError.exit_code
    assert "Traceback" in result.output


def test_usage_error_keeps_clicks_exit_code(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["build"])
    assert result.exit_code == 2


def test_internal_errors_have_their_own_exit_code(runner: CliRunner, monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    from skilldoc import api

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(api, "check", broken)
    result = runner.invoke(cli, ["check", str(tmp_path)])
    assert result.exit_code == EXIT_INTERNAL
    assert "内部错误" in result.output and "--verbose" in result.output


def test_count_reads_standard_input(runner: CliRunner) -> None:
    text = "2021年培训2,000人次，其中AI课程 deep learning 3门。"
    result = runner.invoke(cli, ["count", "-"], input=text)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "字数 18"
    assert lines[1].startswith("字符数（不计空格） ")
    assert lines[2].startswith("汉字 ")


def test_count_json(runner: CliRunner) -> None:
    import json

    result = runner.invoke(cli, ["count", "-", "--format", "json"], input="申报书 AI")
    assert result.exit_code == 0
    assert json.loads(result.output)["字数"] == 4


def test_count_of_a_section_template_says_check_gives_the_form_figure(runner: CliRunner, sample_dir: Path,
                                                                      tmp_path: Path) -> None:
    # the help's own example: counting sections/1-申报背景.md counts the template's {# 说明 #} and
    # {{ 证明(…) }} as typed, so its figure differs from check's; say so rather than leave two figures
    result = runner.invoke(cli, ["count", str(sample_dir / "sections" / "1-申报背景.md")])
    assert result.exit_code == 0, result.output
    assert "字数 " in result.output
    assert "正文模板" in result.output and "skilldoc check" in result.output
    plain = tmp_path / "plain.txt"
    plain.write_text("一段普通文字，{没有模板语法}。", encoding="utf-8")
    result = runner.invoke(cli, ["count", str(plain)])
    assert result.exit_code == 0 and "正文模板" not in result.output


def test_count_missing_file(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["count", str(tmp_path / "nope.txt")])
    assert result.exit_code == InputError.exit_code
    assert "文件不存在" in result.output


def test_init_then_refuse_to_overwrite(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "我的申报"
    first = runner.invoke(cli, ["init", str(target), "--year", "2022"])
    assert first.exit_code == 0, first.output
    assert (target / "申报数据.xlsx").is_file()
    assert len(list((target / "sections").glob("*.md"))) == 8
    before = (target / "申报数据.xlsx").read_bytes()
    second = runner.invoke(cli, ["init", str(target)])
    assert second.exit_code == InputError.exit_code
    assert (target / "申报数据.xlsx").read_bytes() == before


def test_vars_lists_every_template_name(runner: CliRunner) -> None:
    from skilldoc.form import HEADER_FIELDS

    result = runner.invoke(cli, ["vars"])
    assert result.exit_code == 0, result.output
    for f in HEADER_FIELDS:
        assert f"] {f.var}：" in result.output
    for name in ("证明", "页码", "千分位", "年度", "职业"):
        assert f"] {name}" in result.output
    only = runner.invoke(cli, ["vars", "--kind", "函数"])
    assert only.exit_code == 0 and "[变量]" not in only.output and "证明" in only.output
