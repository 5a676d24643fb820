"""The check report as text (for people, in Chinese) and as JSON (for other tools).

The JSON schema is stable and documented in ``docs/检查报告JSON格式.md``; bump
:data:`SCHEMA_VERSION` on any incompatible change.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ..errors import SEVERITY_LABEL, Location, Problem, Severity
from .engine import CheckReport, SectionCount, ThresholdResult, display_path

SCHEMA = "skilldoc-check"
SCHEMA_VERSION = 1

# Groups of the text report, in order; a finding's group follows from its code.
GROUP_WORDS = "字数"
GROUP_FORM = "完整性与一致性"
GROUP_EVIDENCE = "证明材料"
GROUP_STANDARDS = "遴选参考标准"
GROUPS = (GROUP_WORDS, GROUP_FORM, GROUP_EVIDENCE, GROUP_STANDARDS)

_EVIDENCE_PREFIXES = ("evidence.", "bundle.", "pdf.", "image.", "office.", "file.")


def finding_group(p: Problem) -> str:
    """Which part of the report a finding belongs to."""
    code = p.code or ""
    if code.startswith("section."):
        return GROUP_WORDS
    if code.startswith("threshold."):
        return GROUP_STANDARDS
    if code.startswith(_EVIDENCE_PREFIXES) or (p.location is not None and p.location.item):
        return GROUP_EVIDENCE
    return GROUP_FORM


# --- text ---------------------------------------------------------------------------------

_ANSI = {"red": "31", "yellow": "33", "green": "32", "bold": "1", "dim": "2"}


class _Style:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, *styles: str) -> str:
        if not self.color or not styles:
            return text
        codes = ";".join(_ANSI[s] for s in styles)
        return f"\x1b[{codes}m{text}\x1b[0m"


def display_width(text: str) -> int:
    """Terminal columns: wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill


def _table(rows: Sequence[Sequence[str]], right: Sequence[bool] = (), strip: bool = True) -> list[str]:
    widths = [max(display_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [_pad(c, widths[i], i < len(right) and right[i]) for i, c in enumerate(row)]
        line = "  " + "  ".join(cells)
        out.append(line.rstrip() if strip else line)
    return out


_MARK = {Severity.ERROR: ("✗", "red"), Severity.WARNING: ("!", "yellow"), Severity.INFO: ("·", "dim")}


def _finding_lines(p: Problem, s: _Style) -> list[str]:
    mark, colour = _MARK[p.severity]
    head = f"{p.location}：" if p.location else ""
    lines = [f"  {s(mark + ' ' + SEVERITY_LABEL[p.severity], colour, 'bold')} {head}{p.message}"]
    if p.hint:
        lines.append(f"      → {p.hint}")
    return lines


def _section_rows(sections: Sequence[SectionCount], s: _Style) -> list[str]:
    rows = [["部分", "字数", "上限", "字符数（不计空格）", "汉字", "结果"]]
    results = []
    for sc in sections:
        rows.append([sc.section.title, str(sc.counts.words), str(sc.limit), str(sc.counts.chars_no_spaces),
                     str(sc.counts.han), ""])
        if sc.over:
            results.append(s(f"超出 {sc.over} 字", "red", "bold"))
        elif sc.near:
            results.append(s(f"接近上限（{sc.counts.words * 100 // sc.limit}%）", "yellow"))
        else:
            results.append(s("通过", "green"))
    lines = _table([r[:-1] for r in rows], right=(False, True, True, True, True), strip=False)
    # the result column is added after padding so that colour codes do not disturb widths
    out = [lines[0] + "  " + rows[0][-1]]
    out += [line + "  " + res for line, res in zip(lines[1:], results, strict=True)]
    return out


def _threshold_rows(results: Sequence[ThresholdResult], s: _Style) -> list[str]:
    rows = [["条款", "要求", "本单位", "结果"]]
    marks = []
    for r in results:
        rows.append([r.article, r.requirement or r.rule, r.actual, ""])
        if r.passed:
            marks.append(s("达标", "green"))
        elif r.severity is Severity.ERROR:
            marks.append(s("未达标", "red", "bold"))
        elif r.severity is Severity.INFO:  # no data to check it against (check 申报书.docx)
            marks.append(s("未核对", "dim"))
        else:
            marks.append(s("未达标（提示）", "yellow"))
    lines = _table([r[:-1] for r in rows], strip=False)
    out = [lines[0] + "  " + rows[0][-1]]
    previous: tuple[str, ...] = ()
    for line, mark, r in zip(lines[1:], marks, results, strict=True):
        out.append(line + "  " + mark)
        if r.details != previous:  # the year lines are shared by 第四条's two rules: print once
            out += [s(f"      {d}", "dim") for d in r.details]
        previous = r.details
    return out


def format_text(report: CheckReport, color: bool = False) -> str:
    """A readable Chinese report: grouped, errors and warnings first in each group, then a summary line."""
    s = _Style(color)
    groups: dict[str, list[Problem]] = {g: [] for g in GROUPS}
    for p in report.findings:
        groups[finding_group(p)].append(p)
    for g in groups.values():  # errors first, order of discovery otherwise
        g.sort(key=lambda p: p.severity is not Severity.ERROR)

    out: list[str] = [s("skilldoc 检查报告", "bold"), ""]
    numerals = "一二三四"

    def heading(i: int, title: str, note: str = "") -> None:
        out.append(s(f"{numerals[i]}、{title}", "bold") + (f"（{note}）" if note else ""))

    def findings(group: str, clean: str) -> None:
        items = groups[group]
        for p in items:
            out.extend(_finding_lines(p, s))
        if not items:
            out.append("  " + s("✓ " + clean, "green"))

    heading(0, GROUP_WORDS, "按 Word“字数统计”规则：每个汉字、中文标点算 1 字，连续的英文或数字算 1 字")
    if report.sections:
        out.extend(_section_rows(report.sections, s))
    else:
        out.append("  （没有正文）")
    if groups[GROUP_WORDS]:
        out.append("")
    findings(GROUP_WORDS, "各部分均未超过字数上限，均引用了证明材料")
    out.append("")

    heading(1, GROUP_FORM)
    findings(GROUP_FORM, "必填项齐全，格式正确，数据前后一致")
    out.append("")

    heading(2, GROUP_EVIDENCE)
    findings(GROUP_EVIDENCE, "证明材料齐全可读，均已在正文中引用")
    out.append("")

    titles = "；".join(title for _, title in report.standards)
    heading(3, GROUP_STANDARDS, titles)
    if report.thresholds:
        out.extend(_threshold_rows(report.thresholds, s))
    else:
        out.append("  （未检查遴选标准）")
    # every finding of the group, failed rules included: they carry the cells and what to do
    for p in groups[GROUP_STANDARDS]:
        out.extend(_finding_lines(p, s))
    out.append("")

    n_err, n_warn = len(report.errors), len(report.warnings)
    passed = sum(1 for t in report.thresholds if t.passed)
    summary = f"检查结果：{n_err} 个错误，{n_warn} 个警告；遴选参考标准 {passed}/{len(report.thresholds)} 项达标"
    # rules with no data to check them against (check 申报书.docx): neither passed nor failed
    unchecked = sum(1 for t in report.thresholds if not t.passed and t.severity is Severity.INFO)
    if unchecked:
        summary += f"，{unchecked} 项未核对"
    if n_err:
        out.append(s(summary, "red", "bold"))
        out.append("有错误时 skilldoc build 不会生成申报书（加 --force 可强制生成）。")
    elif n_warn:
        out.append(s(summary, "yellow", "bold"))
    elif unchecked:
        out.append(s(summary + "。未核对的项目请对照正文和证明材料人工核对", "green", "bold"))
    else:
        out.append(s(summary + "。全部通过", "green", "bold"))
    return "\n".join(out)


# --- JSON ---------------------------------------------------------------------------------


def _number(value: Decimal | int | None) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, int):
        return value
    return int(value) if value == value.to_integral_value() else float(value)


def location_cells(loc: Location) -> list[str]:
    """Every workbook cell of a location as ``sheet!cell`` (``cell`` may hold several: ``B4、C4``)."""
    if loc.refs:
        return list(loc.refs)
    if loc.sheet and loc.cell:
        return [f"{loc.sheet}!{c}" for c in loc.cell.split("、")]
    return []


def problem_dict(p: Problem) -> dict[str, Any]:
    loc = p.location
    return {
        "code": p.code,
        "severity": p.severity.value,
        "group": finding_group(p),
        "message": p.message,
        "location": None if loc is None else {
            "file": loc.file, "sheet": loc.sheet, "cell": loc.cell, "line": loc.line, "item": loc.item,
            "paragraph": loc.paragraph, "cells": location_cells(loc), "text": str(loc),
        },
        "hint": p.hint,
    }


def section_dict(sc: SectionCount) -> dict[str, Any]:
    return {
        "number": sc.section.number,
        "title": sc.section.title,
        "file": None if sc.source is None else display_path(sc.source),
        "words": sc.counts.words,
        "chars_no_spaces": sc.counts.chars_no_spaces,
        "han": sc.counts.han,
        "limit": sc.limit,
        "over_by": sc.over,
        "status": sc.status,
        "cited": list(sc.cited),
    }


def threshold_dict(t: ThresholdResult) -> dict[str, Any]:
    return {
        "standard": t.standard,
        "rule_id": t.rule_id,
        "article": t.article,
        "rule": t.rule,
        "text": t.text,
        "metric": t.metric,
        "op": t.op,
        "threshold": _number(t.threshold),
        "unit": t.unit,
        "requirement": t.requirement,
        "value": _number(t.value),
        "actual": t.actual,
        "passed": t.passed,
        "severity": t.severity.value,
        "details": list(t.details),
        "cells": [f"{sheet}!{cell}" for sheet, cell in t.cells],
    }


def report_dict(report: CheckReport) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "summary": {
            "errors": len(report.errors),
            "warnings": len(report.warnings),
            "has_errors": report.has_errors,
            "thresholds_passed": sum(1 for t in report.thresholds if t.passed),
            "thresholds_total": len(report.thresholds),
        },
        "standards": [{"key": k, "title": t} for k, t in report.standards],
        "sections": [section_dict(sc) for sc in report.sections],
        "thresholds": [threshold_dict(t) for t in report.thresholds],
        "findings": [problem_dict(p) for p in report.findings],
    }


def format_json(report: CheckReport) -> str:
    """The report as JSON (UTF-8 text, Chinese not escaped, keys in a fixed order)."""
    return json.dumps(report_dict(report), ensure_ascii=False, indent=2)


__all__ = ["SCHEMA", "SCHEMA_VERSION", "finding_group", "format_json", "format_text", "report_dict"]
