"""`pip install .` then run from elsewhere: templates and standards ship inside the package."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_installed_package_runs_from_another_directory(tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(ROOT)],
        check=True, cwd=tmp_path,
    )
    assert (target / "skilldoc" / "templates" / "docx" / "申报书.docx").is_file()
    assert (target / "skilldoc" / "standards" / "national.toml").is_file()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    probe = subprocess.run(
        [sys.executable, "-c",
         "import skilldoc, skilldoc.resources as r, skilldoc.docx_form as d;"
         "print(skilldoc.__file__); print(d.default_template())"],
        check=True, cwd=elsewhere, env=env, capture_output=True, text=True,
    )
    module_file, template = probe.stdout.splitlines()
    assert module_file.startswith(str(target)), "imported the checkout, not the installed package"
    assert template.startswith(str(target))
    init = subprocess.run([sys.executable, "-m", "skilldoc", "init", "新申报", "--year", "2022"],
                          cwd=elsewhere, env=env, capture_output=True, text=True)
    assert init.returncode == 0, init.stderr
    assert (elsewhere / "新申报" / "申报数据.xlsx").is_file()
    check = subprocess.run([sys.executable, "-m", "skilldoc", "check", "新申报"],
                           cwd=elsewhere, env=env, capture_output=True, text=True)
    assert check.returncode == 3, check.stderr  # the empty workbook is an input error, reported in Chinese
    assert "必填" in check.stderr or "未填写" in check.stderr
    assert "Traceback" not in check.stderr
