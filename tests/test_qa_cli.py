"""QA walk: the command line speaks Chinese throughout, including click's own help and usage errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from skilldoc.cli import _display_width, cli

COMMANDS = ["init", "check", "build", "bundle", "count"]
ENGLISH = ("Usage:", "Options:", "Commands:", "Show this message", "Show the version", "[default:",
           "[required]", "[OPTIONS]", "DIRECTORY", "FILES", "INTEGER", "TEXT")


@pytest.mark.parametrize("args", [[], *([c] for c in COMMANDS)])
def test_help_has_no_english_boilerplate(runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(cli, [*args, "--help"])
    assert result.exit_code == 0
    for word in ENGLISH:
        assert word not in result.output, (word, result.output)
    assert "用法:" in result.output and "选项:" in result.output


@pytest.mark.parametrize("name", ["init", "check", "build", "bundle", "count"])
def test_each_command_help_has_an_example(runner: CliRunner, name: str) -> None:
    result = runner.invoke(cli, [name, "--help"])
    assert "例：" in result.output and f"skilldoc {name} " in result.output


def test_help_table_is_aligned_with_chinese_metavars(runner: CliRunner) -> None:
    rows = [line for line in runner.invoke(cli, ["bundle", "--help"]).output.splitlines()
            if line.startswith("  -")]
    columns = set()
    for row in rows:
        gap = row.index("  ", 2)  # the padding after "-o, --output 文件.pdf"
        described = len(row) - len(row[gap:].lstrip(" "))
        columns.add(_display_width(row[:described]))
    assert len(rows) >= 5 and len(columns) == 1, rows


@pytest.mark.parametrize("args, expected", [
    (["build"], "缺少参数 '申报文件夹'"),
    (["bundle", "a.pdf"], "缺少选项 '-o'"),
    (["buidl"], "没有命令“buidl”"),
    (["check", "--frmat", "json", "."], "没有选项 --frmat"),
    (["check", "--limit", "abc", "."], "“abc”不是整数"),
    (["check", "--format", "xml", "."], "“xml”不是可选值"),
    (["count", "a", "b"], "多余的参数"),
])
def test_usage_errors_are_chinese_with_clicks_exit_code(runner: CliRunner, args: list[str],
                                                       expected: str) -> None:
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert expected in result.output, result.output
    assert "错误：" in result.output and "查看帮助" in result.output
    assert "Error:" not in result.output and "Try '" not in result.output


def test_path_errors_are_chinese(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["build", str(tmp_path / "没有这个文件夹")])
    assert result.exit_code == 2
    assert "不存在" in result.output and "does not exist" not in result.output
    result = runner.invoke(cli, ["bundle", "x.jpg", "-o", str(tmp_path)])
    assert "是一个文件夹" in result.output and "is a directory" not in result.output
