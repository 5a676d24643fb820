"""QA walk: outputs that cannot be written, and LibreOffice missing for --pdf.

Each failure is a Chinese message with its own exit code (never an internal
error), and a build that fails while moving its outputs into place leaves the
previous outputs exactly as they were (never a new 申报书.docx beside an old
证明材料.pdf).
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from skilldoc import api, pipeline
from skilldoc.cli import cli
from skilldoc.errors import OutputError, ToolMissing


def _blocked_dir(path: Path) -> Path:
    """A folder nobody may create files in (root ignores mode bits: use a read-only tmpfs or chattr)."""
    path.mkdir()
    if os.geteuid() != 0:
        path.chmod(0o555)
        return path
    if shutil.which("chattr") and subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0:
        return path
    pytest.skip("cannot make a folder unwritable for root here")


def _unblock(path: Path) -> None:
    if os.geteuid() == 0 and shutil.which("chattr"):
        subprocess.run(["chattr", "-i", str(path)], capture_output=True)
    path.chmod(0o755)


def test_existing_unwritable_output_folder_is_an_output_error(sample_dir: Path, tmp_path: Path,
                                                              runner: CliRunner) -> None:
    out = _blocked_dir(tmp_path / "locked")
    try:
        result = runner.invoke(cli, ["build", str(sample_dir), "-o", str(out)])
    finally:
        _unblock(out)
    assert result.exit_code == OutputError.exit_code, result.output
    assert "内部错误" not in result.output
    assert "无法在输出文件夹中写入文件" in result.output
    assert str(out) in result.output


def test_output_folder_under_a_file_says_so_in_chinese(sample_dir: Path, tmp_path: Path,
                                                      runner: CliRunner) -> None:
    (tmp_path / "afile").write_text("x")
    result = runner.invoke(cli, ["build", str(sample_dir), "-o", str(tmp_path / "afile" / "out")])
    assert result.exit_code == OutputError.exit_code
    assert "路径中有一项是文件而不是文件夹" in result.output
    assert "Not a directory" not in result.output


def test_a_folder_where_an_output_goes_changes_nothing(sample_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "申报书.docx").write_bytes(b"previous build")
    (out / "证明材料.pdf").mkdir()  # stands for an output that cannot be replaced
    with pytest.raises(OutputError) as info:
        api.build(sample_dir, out_dir=out)
    assert (out / "申报书.docx").read_bytes() == b"previous build"
    assert "证明材料.pdf" in str(info.value)
    assert sorted(p.name for p in out.iterdir()) == ["申报书.docx", "证明材料.pdf"]  # no work folder left


def test_a_failed_move_puts_back_the_outputs_already_replaced(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    work, out = tmp_path / "work", tmp_path / "out"
    work.mkdir()
    out.mkdir()
    for name in ("a.docx", "b.pdf"):
        (work / name).write_bytes(b"new " + name.encode())
        (out / name).write_bytes(b"old " + name.encode())
    real_replace = os.replace

    def replace(src: os.PathLike[str] | str, dst: os.PathLike[str] | str) -> None:
        if Path(src) == work / "b.pdf":  # the second output is held open by another program
            raise PermissionError(errno.EACCES, "Permission denied", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(pipeline.os, "replace", replace)
    with pytest.raises(OutputError) as info:
        pipeline._move_into_place({"A": work / "a.docx", "B": work / "b.pdf"}, out)
    assert (out / "a.docx").read_bytes() == b"old a.docx"
    assert (out / "b.pdf").read_bytes() == b"old b.pdf"
    text = str(info.value)
    assert "没有写入权限" in text and "没有替换任何输出文件" in text and "b.pdf" in text


def test_os_reason_is_chinese() -> None:
    assert pipeline.os_reason(OSError(errno.EROFS, "Read-only file system")) == "所在磁盘是只读的"
    assert pipeline.os_reason(OSError(errno.ENOSPC, "No space left on device")) == "磁盘空间不足"
    assert "12345" in pipeline.os_reason(OSError(12345, "odd"))


def test_pdf_without_libreoffice_fails_before_any_work(sample_dir: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import skilldoc.office as office

    monkeypatch.setenv("SKILLDOC_SOFFICE", str(tmp_path / "nonexistent"))
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(office, "_candidates", lambda: [])
    out = tmp_path / "out"
    with pytest.raises(ToolMissing) as info:
        api.build(sample_dir, out_dir=out, pdf=True)
    text = str(info.value)
    assert "--pdf" in text and "libreoffice" in text.lower() and "nonexistent" in text
    assert ".skilldoc-" not in text  # no scratch path in the message
    assert not out.exists()  # nothing was started
