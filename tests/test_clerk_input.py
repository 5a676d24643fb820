"""What clerks type (issue 10, part 1), seen through `skilldoc check` and `skilldoc build` on the sample."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from skilldoc.cli import cli
from skilldoc.workbook import SHEETS

Y = SHEETS["years"]
WB = "申报数据.xlsx"


def edit(folder: Path, sheet: str, changes: dict[str, object]) -> None:
    wb = load_workbook(folder / WB)
    for coord, value in changes.items():
        wb[sheet][coord] = value
        wb[sheet][coord].number_format = "General"
    wb.save(folder / WB)


def check(runner: CliRunner, folder: Path, *args: str):
    return runner.invoke(cli, ["check", str(folder), *args])


def test_a_rate_typed_as_a_percentage_in_a_general_cell_is_read_as_one(runner: CliRunner, sample_dir: Path):
    edit(sample_dir, Y, {"D4": 0.965})  # 96.5% typed into a General cell
    text = check(runner, sample_dir)
    assert text.exit_code == 0, text.output
    assert f"{WB} {Y}!D4：" in text.output and "0.965" in text.output and "按 96.5% 读取" in text.output
    assert "0.965%" not in text.output
    report = json.loads(check(runner, sample_dir, "--format", "json").output)
    [finding] = [f for f in report["findings"] if f["code"] == "cell.percent_fraction"]
    assert finding["severity"] == "warning" and finding["location"]["cells"] == [f"{Y}!D4"]
    assert next(t for t in report["thresholds"] if t["rule_id"] == "pass_rate")["value"] == 96.5


def test_a_failed_threshold_names_its_cells_and_does_not_send_a_typo_away(runner: CliRunner, sample_dir: Path):
    edit(sample_dir, Y, {"D4": 0.5})  # read as 50%: below 第二十一条's 90%, but the reader warned about the cell
    report = json.loads(check(runner, sample_dir, "--format", "json").output)
    [failed] = [f for f in report["findings"] if f["code"] == "threshold.failed"]
    assert "第二十一条" in failed["message"] and failed["location"]["cells"] == [f"{Y}!D4"]
    assert f"{Y}!D4" in failed["hint"] and "暂缓" not in failed["hint"]
    assert next(t for t in report["thresholds"] if t["rule_id"] == "pass_rate")["cells"] == [f"{Y}!D4"]
    text = check(runner, sample_dir).output.split("四、遴选参考标准")[1]
    assert re.search(rf"✗ 错误 {WB} {Y}!D4：.*第二十一条要求“培训合格率达 ?90%以上”，本单位为 50%", text), text
    assert "→ 先核对" in text and "暂缓" not in text

    edit(sample_dir, Y, {"D4": 85})  # a real shortfall, typed plainly: named, and postponing is mentioned
    report = json.loads(check(runner, sample_dir, "--format", "json").output)
    [failed] = [f for f in report["findings"] if f["code"] == "threshold.failed"]
    assert failed["location"]["cells"] == [f"{Y}!D4"] and "暂缓" in failed["hint"]


def test_every_consistency_finding_names_its_cells(runner: CliRunner, sample_dir: Path):
    edit(sample_dir, Y, {"C4": 99999})  # 高级工 more than 培训数量 in 2021
    report = json.loads(check(runner, sample_dir, "--format", "json").output)
    found = [f for f in report["findings"] if f["code"].startswith("consistency.")]
    assert found
    for f in found:
        assert f["location"]["cells"], f
    advanced = next(f for f in found if f["code"] == "consistency.advanced_exceeds_trained")
    assert advanced["location"]["cells"] == [f"{Y}!C4", f"{Y}!B4"]


def test_a_refused_build_leaves_no_output_folder(runner: CliRunner, sample_dir: Path):
    edit(sample_dir, Y, {"D4": 50})
    result = runner.invoke(cli, ["build", str(sample_dir)])
    assert result.exit_code == 5, result.output
    assert not (sample_dir / "output").exists()


def test_the_build_summary_counts_the_warnings_it_printed(runner: CliRunner, sample_dir: Path):
    edit(sample_dir, Y, {"D4": 0.965, "E4": 0.975})
    result = runner.invoke(cli, ["build", str(sample_dir)])
    assert result.exit_code == 0, result.output
    printed = len(re.findall(r"^警告：", result.output, re.MULTILINE))
    assert printed >= 2
    assert f"0 个错误，{printed} 个警告" in result.output
