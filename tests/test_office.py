"""LibreOffice headless conversion: finding soffice, real conversions, failures, timeouts."""

from __future__ import annotations

import hashlib
import os
import stat
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from skilldoc import office
from skilldoc.errors import ConversionError, ToolMissing


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fake_soffice(tmp_path: Path, body: str) -> Path:
    """A stand-in executable (a shell script) for failure paths LibreOffice cannot be made to take."""
    script = tmp_path / "fake-soffice"
    script.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


posix_only = pytest.mark.skipif(os.name != "posix", reason="shell-script stand-in")


def make_docx(path: Path, text: str) -> Path:
    import docx

    document = docx.Document()
    document.add_heading("营业执照（副本）", level=1)
    document.add_paragraph(text)
    document.save(str(path))
    return path


def make_xlsx(path: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "设备清单"
    sheet.append(["设备名称", "数量", "金额（万元）"])
    sheet.append(["数控车床", 12, 96.5])
    sheet.append(["焊接机器人", 3, 120])
    book.save(path)
    return path


# --- finding soffice -----------------------------------------------------------------


def test_env_var_wins(tmp_path, monkeypatch):
    fake = _fake_soffice(tmp_path, "exit 0\n")
    monkeypatch.setenv(office.ENV_VAR, str(fake))
    assert office.find_soffice() == str(fake)


def test_env_var_pointing_nowhere_is_ignored_and_named_when_nothing_else(tmp_path, monkeypatch):
    monkeypatch.setenv(office.ENV_VAR, str(tmp_path / "no-such-soffice"))
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(office, "_candidates", lambda: [])
    assert office.find_soffice() is None
    src = tmp_path / "a.docx"
    src.write_bytes(b"PK\x03\x04")
    with pytest.raises(ToolMissing) as info:
        office.convert_to_pdf(src, tmp_path / "out")
    (problem,) = info.value.problems
    assert problem.location.file == str(src)
    assert "LibreOffice" in problem.message and "no-such-soffice" in problem.message
    assert "sudo apt-get install libreoffice-writer-nogui libreoffice-calc-nogui" in problem.hint
    assert "libreoffice.org" in problem.hint and office.ENV_VAR in problem.hint
    assert info.value.exit_code == 6
    assert not (tmp_path / "out").exists()


def test_usual_install_locations_are_searched(tmp_path, monkeypatch):
    monkeypatch.delenv(office.ENV_VAR, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    installed = _fake_soffice(tmp_path, "exit 0\n")
    monkeypatch.setattr(office, "_candidates", lambda: [tmp_path / "missing", installed])
    assert office.find_soffice() == str(installed)


# --- failures, with a stand-in --------------------------------------------------------


@posix_only
def test_isolated_profile_and_arguments(tmp_path, monkeypatch):
    log = tmp_path / "args.txt"
    fake = _fake_soffice(tmp_path, f'for a in "$@"; do echo "$a" >> "{log}"; done\nexit 0\n')
    monkeypatch.setenv(office.ENV_VAR, str(fake))
    src = tmp_path / "报告 (1).docx"
    src.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(ConversionError):  # the stand-in writes no PDF
        office.convert_to_pdf(src, tmp_path / "out")
    args = log.read_text("utf-8").splitlines()
    profile = [a for a in args if a.startswith("-env:UserInstallation=file:///")]
    assert len(profile) == 1 and "skilldoc-soffice-" in profile[0]
    assert "--headless" in args and args[args.index("--convert-to") + 1] == "pdf"
    assert args[-1].endswith("source.docx")  # a private copy, never the user's file
    assert str(src) not in args


@posix_only
def test_failure_names_the_file(tmp_path, monkeypatch):
    fake = _fake_soffice(tmp_path, "echo 'Error: source file could not be loaded'\nexit 1\n")
    monkeypatch.setenv(office.ENV_VAR, str(fake))
    src = tmp_path / "坏文件.docx"
    src.write_bytes(b"garbage")
    with pytest.raises(ConversionError) as info:
        office.convert_to_pdf(src, tmp_path / "out")
    (problem,) = info.value.problems
    assert problem.location.file == str(src)
    assert "退出码 1" in problem.message and "could not be loaded" in problem.message
    assert info.value.exit_code == 8
    assert not list((tmp_path / "out").glob("*.pdf"))


@posix_only
def test_timeout_kills_the_whole_process_group(tmp_path, monkeypatch):
    pidfile = tmp_path / "child.pid"
    fake = _fake_soffice(tmp_path, f'sleep 60 &\necho $! > "{pidfile}"\nwait\n')
    monkeypatch.setenv(office.ENV_VAR, str(fake))
    src = tmp_path / "slow.docx"
    src.write_bytes(b"PK\x03\x04")
    start = time.monotonic()
    with pytest.raises(ConversionError) as info:
        office.convert_to_pdf(src, tmp_path / "out", timeout=1)
    assert time.monotonic() - start < 10
    assert "超时" in info.value.problems[0].message
    assert info.value.problems[0].location.file == str(src)
    child = int(pidfile.read_text().strip())
    for _ in range(50):  # the grandchild must be gone (killed with the group), not orphaned
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        if Path(f"/proc/{child}/stat").exists() and Path(f"/proc/{child}/stat").read_text().split()[2] == "Z":
            break
        time.sleep(0.1)
    else:
        pytest.fail("the converter's child process survived the timeout")


# --- the real LibreOffice --------------------------------------------------------------


@pytest.mark.slow
def test_real_docx_conversion(tmp_path, soffice):
    folder = tmp_path / "证明材料"
    folder.mkdir()
    src = make_docx(folder / "营业执照 说明.docx", "统一社会信用代码：91110000XXXXXXXX <&> {{ 不是模板 }}")
    before = _sha(src)
    listing = sorted(p.name for p in folder.iterdir())
    pdf = office.convert_to_pdf(src, tmp_path / "out")
    assert pdf == tmp_path / "out" / "营业执照 说明.pdf"
    reader = PdfReader(pdf)
    assert len(reader.pages) == 1
    text = "".join(reader.pages[0].extract_text().split())
    assert "营业执照" in text and "<&>" in text
    assert _sha(src) == before  # never modified
    assert sorted(p.name for p in folder.iterdir()) == listing  # no lock or temp files beside it
    assert not list((tmp_path / "out").glob(".*"))  # no partial files left


@pytest.mark.slow
def test_real_xlsx_conversion(tmp_path, soffice):
    src = make_xlsx(tmp_path / "设备.xlsx")
    before = _sha(src)
    pdf = office.convert_to_pdf(src, tmp_path / "out")
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 1
    assert "焊接机器人" in reader.pages[0].extract_text()
    assert _sha(src) == before


@pytest.mark.slow
def test_real_conversion_of_a_broken_file_fails_clearly(tmp_path, soffice):
    src = tmp_path / "broken.docx"
    src.write_bytes(b"PK\x03\x04" + b"\x00" * 200)  # a zip header and nothing else
    with pytest.raises(ConversionError) as info:
        office.convert_to_pdf(src, tmp_path / "out", timeout=120)
    assert info.value.problems[0].location.file == str(src)


@pytest.mark.slow
def test_wps_named_file_is_converted_by_its_content(tmp_path, soffice):
    real = make_docx(tmp_path / "real.docx", "WPS 文字另存的文档")
    src = tmp_path / "总结.wps"
    src.write_bytes(real.read_bytes())
    pdf = office.convert_to_pdf(src, tmp_path / "out", suffix=".docx")
    assert "WPS" in PdfReader(pdf).pages[0].extract_text()


def test_module_does_not_import_pypdf():
    source = Path(office.__file__).read_text("utf-8")
    assert "pypdf" not in source
    assert sys.modules["skilldoc.office"] is office
