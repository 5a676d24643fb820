"""The check report: the Chinese text report and the JSON schema (stable, documented)."""

from __future__ import annotations

import dataclasses
import json
import re
from decimal import Decimal
from pathlib import Path

from test_checks import all_sections, check, long_text, make_app, rendered

from skilldoc.checks.engine import CheckReport
from skilldoc.checks.report import (
    GROUP_EVIDENCE,
    GROUP_FORM,
    GROUP_STANDARDS,
    GROUP_WORDS,
    SCHEMA,
    SCHEMA_VERSION,
    display_width,
    finding_group,
    format_json,
    format_text,
)
from skilldoc.errors import Location, Problem, Severity

ANSI = re.compile(r"\x1b\[[0-9;]*m")
DOC = Path(__file__).resolve().parent.parent / "docs" / "检查报告JSON格式.md"


def failing_report() -> CheckReport:
    """Two errors (a section over the limit, a threshold) and warnings of every group."""
    app = make_app()
    years = (*app.years[:2], dataclasses.replace(app.years[2], pass_rate=Decimal("88")))
    app = make_app({"category": "技工院校", "category_other": "行业协会"}, years=years)
    sections = all_sections(s1=rendered(1, long_text(3050)), s2=rendered(2, long_text(2900)),
                            s7=rendered(7, cited=()))
    bad_file = Problem("图片无法识别", Location("证明材料/证书.jpg", item="E02"), code="evidence.unreadable",
                       severity=Severity.WARNING)
    return check(app, sections, evidence_problems=[bad_file])


def test_text_report_groups_and_summary() -> None:
    text = format_text(failing_report())
    assert "\x1b[" not in text  # no colour unless asked
    heads = [line for line in text.splitlines() if re.match(r"^[一二三四]、", line)]
    assert [h.split("（")[0] for h in heads] == ["一、字数", "二、完整性与一致性", "三、证明材料", "四、遴选参考标准"]
    assert "国家技能根基工程培训基地建设遴选参考标准" in heads[3]
    assert text.splitlines()[-2] == "检查结果：2 个错误，4 个警告；遴选参考标准 6/7 项达标"
    assert "加 --force" in text.splitlines()[-1]


def test_text_report_sections_table() -> None:
    lines = format_text(failing_report()).splitlines()
    header = next(line for line in lines if line.strip().startswith("部分"))
    assert header.split() == ["部分", "字数", "上限", "字符数（不计空格）", "汉字", "结果"]
    row1 = next(line for line in lines if line.strip().startswith("1.申报背景"))
    assert row1.split()[:3] == ["1.申报背景", "3050", "3000"] and row1.endswith("超出 50 字")
    row2 = next(line for line in lines if line.strip().startswith("2.工作基础"))
    assert row2.endswith("接近上限（96%）")
    row3 = next(line for line in lines if line.strip().startswith("3.师资队伍"))
    assert row3.endswith("通过")
    # the columns line up in a terminal (wide characters take two columns)
    rows = [header, row1, row2, row3]
    ends = {display_width(r[: r.index(r.split()[1]) + len(r.split()[1])]) for r in rows[1:]}
    assert len(ends) == 1


def test_text_report_findings_under_their_group() -> None:
    text = format_text(failing_report())
    words, rest = text.split("二、完整性与一致性")
    form_part, rest = rest.split("三、证明材料")
    evidence, standards = rest.split("四、遴选参考标准")
    assert "✗ 错误 sections/1-申报背景.md：“1.申报背景”共 3050 字，超过上限 3000 字，超出 50 字" in words
    assert "! 警告 sections/7-合作交流.md" in words
    assert "单位类别为“技工院校”，但“其他”一行填了“行业协会”" in form_part
    assert "图片无法识别" in evidence and "图片无法识别" not in form_part
    assert "→ " in words  # hints are shown


def test_text_report_threshold_table() -> None:
    text = format_text(failing_report())
    part = text.split("四、遴选参考标准")[1]
    lines = part.splitlines()
    assert lines[1].split() == ["条款", "要求", "本单位", "结果"]
    assert any(line.split()[0] == "第四条、第九条" and line.endswith("达标") and "年培训规模 ≥ 2000 人次" in line
               for line in lines)
    failed = [line for line in lines if line.endswith("未达标")]
    assert len(failed) == 1 and failed[0].split()[0] == "第二十一条" and "88%（2021年）" in failed[0]
    # all three years are shown under the training rule
    assert all(f"{y}年：培训" in part for y in (2019, 2020, 2021))


def test_text_report_all_clear() -> None:
    text = format_text(check())
    assert "✓ 各部分均未超过字数上限" in text and "✓ 必填项齐全" in text and "✓ 证明材料齐全" in text
    assert text.splitlines()[-1] == "检查结果：0 个错误，0 个警告；遴选参考标准 7/7 项达标。全部通过"


def test_colour_only_when_asked() -> None:
    report = failing_report()
    coloured = format_text(report, color=True)
    assert "\x1b[31;1m" in coloured and "\x1b[33m" in coloured and "\x1b[32m" in coloured
    assert ANSI.sub("", coloured) == format_text(report, color=False)


def test_finding_groups() -> None:
    assert finding_group(Problem("x", code="section.over_limit")) == GROUP_WORDS
    assert finding_group(Problem("x", code="threshold.failed")) == GROUP_STANDARDS
    assert finding_group(Problem("x", code="evidence.missing")) == GROUP_EVIDENCE
    assert finding_group(Problem("x", Location("a.pdf", item="E01"), code="")) == GROUP_EVIDENCE
    assert finding_group(Problem("x", code="consistency.years")) == GROUP_FORM


# --- JSON ----------------------------------------------------------------------------------------

TOP_KEYS = ["schema", "schema_version", "summary", "standards", "sections", "thresholds", "findings"]
SUMMARY_KEYS = ["errors", "warnings", "has_errors", "thresholds_passed", "thresholds_total"]
SECTION_KEYS = ["number", "title", "file", "words", "chars_no_spaces", "han", "limit", "over_by", "status", "cited"]
THRESHOLD_KEYS = ["standard", "rule_id", "article", "rule", "text", "metric", "op", "threshold", "unit",
                  "requirement", "value", "actual", "passed", "severity", "details", "cells"]
FINDING_KEYS = ["code", "severity", "group", "message", "location", "hint"]
LOCATION_KEYS = ["file", "sheet", "cell", "line", "item", "paragraph", "cells", "text"]


def test_json_schema_is_stable() -> None:
    data = json.loads(format_json(failing_report()))
    assert list(data) == TOP_KEYS
    assert data["schema"] == SCHEMA == "skilldoc-check" and data["schema_version"] == SCHEMA_VERSION == 1
    assert list(data["summary"]) == SUMMARY_KEYS
    assert data["summary"] == {"errors": 2, "warnings": 4, "has_errors": True,
                               "thresholds_passed": 6, "thresholds_total": 7}
    assert data["standards"] == [{"key": "national", "title": "国家技能根基工程培训基地建设遴选参考标准"}]
    assert all(list(s) == SECTION_KEYS for s in data["sections"])
    assert all(list(t) == THRESHOLD_KEYS for t in data["thresholds"])
    assert all(list(f) == FINDING_KEYS for f in data["findings"])
    assert all(f["location"] is None or list(f["location"]) == LOCATION_KEYS for f in data["findings"])


def test_json_values() -> None:
    data = json.loads(format_json(failing_report()))
    s1 = data["sections"][0]
    assert s1 == {"number": 1, "title": "1.申报背景", "file": "sections/1-申报背景.md", "words": 3050,
                  "chars_no_spaces": s1["chars_no_spaces"], "han": s1["han"], "limit": 3000, "over_by": 50,
                  "status": "over", "cited": ["E02"]}
    assert [s["status"] for s in data["sections"]][:3] == ["over", "near", "ok"]
    t = data["thresholds"][0]
    assert t["value"] == 2350 and t["threshold"] == 2000 and t["op"] == ">=" and t["passed"] is True
    assert t["article"] == "第四条、第九条" and t["text"].startswith("第四条 ")
    pass_rate = next(t for t in data["thresholds"] if t["rule_id"] == "pass_rate")
    assert pass_rate["value"] == 88 and pass_rate["passed"] is False and pass_rate["severity"] == "error"
    ratio = next(t for t in data["thresholds"] if t["rule_id"] == "advanced_share")
    assert isinstance(ratio["value"], float) and abs(ratio["value"] - 600 / 2350 * 100) < 1e-9
    over = next(f for f in data["findings"] if f["code"] == "section.over_limit")
    assert over["severity"] == "error" and over["group"] == "字数"
    assert over["location"]["file"] == "sections/1-申报背景.md" and over["location"]["text"] == "sections/1-申报背景.md"
    assert "超过上限" in over["message"] and over["hint"]


def test_json_is_deterministic_and_keeps_chinese() -> None:
    a, b = format_json(failing_report()), format_json(failing_report())
    assert a == b
    assert "\\u" not in a and "申报背景" in a


def test_json_schema_is_documented() -> None:
    doc = DOC.read_text(encoding="utf-8")
    assert f"`{SCHEMA}`" in doc
    for key in TOP_KEYS + SUMMARY_KEYS + SECTION_KEYS + THRESHOLD_KEYS + FINDING_KEYS + LOCATION_KEYS:
        assert f"`{key}`" in doc, key
    # every finding code the checks produce is listed
    for code in ("section.over_limit", "section.near_limit", "section.empty", "section.no_evidence",
                 "field.missing", "field.format", "field.choice", "field.category_other",
                 "field.category_other_unused", "field.assessor_since", "field.assessed_occupations",
                 "field.assessor_inconsistent", "field.negative", "consistency.years",
                 "consistency.advanced_exceeds_trained", "consistency.occupation_sum_exceeds_total",
                 "consistency.instructors_by_title", "consistency.instructors_by_level",
                 "consistency.equipment_exceeds_total", "consistency.expert_occupation",
                 "consistency.percent_range", "template.literal_number", "evidence.uncited", "threshold.failed",
                 "cell.percent_fraction", "cell.percent", "cell.leading_zero"):
        assert f"`{code}`" in doc, code
    from skilldoc.checks.standards import METRICS
    for metric in METRICS:
        assert f"`{metric}`" in doc, metric
