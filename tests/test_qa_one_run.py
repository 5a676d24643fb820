"""QA walk: a workbook with errors does not hide template and evidence mistakes (one run reports all).

A user fixing the workbook should not find, on the next run, a template typo
or a missing evidence file that the first run could already have named; and
the incomplete workbook must not produce findings that are not real.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from skilldoc import api
from skilldoc.errors import InputError


def _set(workbook: Path, sheet: str, cell: str, value: object) -> None:
    wb = openpyxl.load_workbook(workbook)
    wb[sheet][cell] = value
    wb.save(workbook)


def _evidence_cell(workbook: Path, code: str, column: str) -> str:
    wb = openpyxl.load_workbook(workbook)
    for row in wb["证明材料"].iter_rows(min_row=2):
        if row[0].value == code:
            return f"{column}{row[0].row}"
    raise AssertionError(code)


def _problems(directory: Path) -> list[str]:
    with pytest.raises(InputError) as info:
        api.check(directory)
    return [p.render() for p in info.value.problems if p.severity.value == "error"]


def test_workbook_template_and_evidence_errors_in_one_run(sample_dir: Path) -> None:
    workbook = sample_dir / "申报数据.xlsx"
    _set(workbook, "基本信息", "C6", "31200")  # a five-digit postcode
    (sample_dir / "证明材料" / "E07-实训设备清单.pdf").unlink()
    with (sample_dir / "sections" / "1-申报背景.md").open("a", encoding="utf-8") as fh:
        fh.write("\n本校{{ 单位明称 }}。{{ 证明(\"E99\") }}\n")
    with (sample_dir / "sections" / "2-工作基础.md").open("a", encoding="utf-8") as fh:
        fh.write("\n{% if 专任教师人数 > 100 %}师资充足\n")

    found = "\n".join(_problems(sample_dir))
    assert "基本信息!C6" in found
    assert "E07-实训设备清单.pdf" in found and "文件不存在" in found
    assert "sections/1-申报背景.md" in found and "单位明称" in found
    assert "E99" in found  # the evidence sheet itself is fine, so unknown 编号 are real
    assert "sections/2-工作基础.md" in found and "模板语法错误" in found


def test_incomplete_workbook_adds_no_false_findings(sample_dir: Path) -> None:
    workbook = sample_dir / "申报数据.xlsx"
    _set(workbook, "基本信息", "C6", "31200")
    _set(workbook, "培训总量", "B4", "二千")  # the latest year unreadable: templates use it a lot
    _set(workbook, "证明材料", _evidence_cell(workbook, "E04", "D"), "9.其他")  # E04 is cited, row in error
    found = _problems(sample_dir)
    assert len(found) == 3, "\n".join(found)


def test_unreadable_workbook_still_checks_template_syntax(sample_dir: Path) -> None:
    (sample_dir / "申报数据.xlsx").write_bytes(b"not a workbook")
    with (sample_dir / "sections" / "8-建设规划.md").open("a", encoding="utf-8") as fh:
        fh.write("\n{{ 设备总值 | 万圆 }}\n")
    found = "\n".join(_problems(sample_dir))
    assert "申报数据.xlsx" in found
    assert "sections/8-建设规划.md" in found and "万圆" in found
