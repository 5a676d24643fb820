"""QA walk: ``skilldoc count`` on what users really feed it, and ``skilldoc bundle``'s output file."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from skilldoc.cli import cli
from skilldoc.errors import InputError, OutputError

SAMPLE = Path(__file__).resolve().parent.parent / "data_samples" / "demo"

TEXT = "2021年培训2,000人次，其中AI课程 deep learning 3门。"
COUNTS = {"字数": 18, "字符数（不计空格）": 36, "汉字": 10}


def _json(result) -> dict[str, int]:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "utf-16"])
def test_count_reads_standard_input_in_any_usual_encoding(runner: CliRunner, encoding: str) -> None:
    result = runner.invoke(cli, ["count", "--format", "json", "-"], input=TEXT.encode(encoding))
    assert _json(result) == COUNTS


@pytest.mark.parametrize("encoding", ["gbk", "utf-16"])
def test_count_reads_files_in_windows_encodings(runner: CliRunner, tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "正文.txt"
    path.write_bytes(TEXT.encode(encoding))
    assert _json(runner.invoke(cli, ["count", "--format", "json", str(path)])) == COUNTS


@pytest.mark.parametrize("name", ["证明.pdf", "申报数据.xlsx", "旧文档.doc"])
def test_count_names_the_file_kind_it_cannot_read(runner: CliRunner, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.7\n\x00\x01binary")
    result = runner.invoke(cli, ["count", str(path)])
    assert result.exit_code == InputError.exit_code
    assert "不能统计" in result.output and ".docx" in result.output
    assert "无法识别" not in result.output  # not the misleading "unknown encoding"


def test_count_on_a_folder_says_it_is_a_folder(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["count", str(tmp_path)])
    assert result.exit_code == InputError.exit_code
    assert "文件夹" in result.output and "不存在" not in result.output


def test_bundle_output_has_the_users_usual_mode(tmp_path: Path) -> None:
    from skilldoc import api

    out = tmp_path / "合并.pdf"
    api.bundle_files([SAMPLE / "证明材料" / "E21-质量督导记录.jpg"], out)
    old = os.umask(0o022)
    os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~old


def test_bundle_into_a_folder_or_an_unwritable_place_is_an_output_error(runner: CliRunner,
                                                                        tmp_path: Path) -> None:
    photo = str(SAMPLE / "证明材料" / "E21-质量督导记录.jpg")
    (tmp_path / "afile").write_text("x")
    result = runner.invoke(cli, ["bundle", photo, "-o", str(tmp_path / "afile" / "x.pdf")])
    assert result.exit_code == OutputError.exit_code, result.output
    assert "内部错误" not in result.output
    assert "文件夹" in result.output and "系统错误" not in result.output
