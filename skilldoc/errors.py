"""Errors and findings: the one vocabulary every stage uses to report problems.

The library never prints and never imports click.  A stage that finds problems
collects them as :class:`Problem` objects (all of them, not just the first) and
raises one :class:`SkilldocError` subclass carrying the list.  The CLI is the one
place that turns these into Chinese messages on stderr and exit codes.

Exit codes sit above click's own (1 = ClickException, 2 = usage error).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


SEVERITY_LABEL = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}


_WHOLE_ROW = re.compile(r"(\d+):\1")


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file plus, when known, a sheet!cell or a line."""

    file: str
    sheet: str | None = None
    cell: str | None = None
    line: int | None = None
    item: str | None = None  # evidence 编号
    paragraph: str | None = None  # inside a Word file: 第 N 段“first words…”
    # every cell a finding's figures came from, as ``sheet!cell``, when they span several sheets
    # (``sheet``/``cell`` then name the first of them)
    refs: tuple[str, ...] = ()

    def __str__(self) -> str:
        parts = [self.file]
        if self.paragraph:
            parts.append(self.paragraph)
        if self.refs:
            parts.append("、".join(self.refs))
        elif self.sheet and self.cell and _WHOLE_ROW.fullmatch(self.cell):
            # a whole row (``5:5`` in Excel's notation, kept in JSON) reads as 第 5 行 to a clerk
            parts.append(f"工作表“{self.sheet}”第 {self.cell.split(':')[0]} 行")
        elif self.sheet and self.cell:
            parts.append(f"{self.sheet}!{self.cell}")
        elif self.sheet:
            parts.append(f"工作表“{self.sheet}”")
        if self.line is not None:
            parts.append(f"第 {self.line} 行")
        if self.item:
            parts.append(f"证明材料 {self.item}")
        return " ".join(parts)


@dataclass(frozen=True)
class Problem:
    """One finding: what is wrong, where, and what to do about it."""

    message: str
    location: Location | None = None
    hint: str | None = None
    severity: Severity = Severity.ERROR
    code: str = ""  # stable machine-readable identifier, e.g. "cell.number"

    def render(self) -> str:
        head = f"{self.location}：" if self.location else ""
        text = f"{head}{self.message}"
        if self.hint:
            text += f"\n    → {self.hint}"
        return text


def errors_in(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity is Severity.ERROR]


def warnings_in(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity is Severity.WARNING]


class SkilldocError(Exception):
    """Base of every error the library raises on purpose.

    ``summary`` is one Chinese sentence; ``problems`` lists every individual
    finding (all of them, collected in one run).
    """

    exit_code = 10
    summary = "处理失败"

    def __init__(self, summary: str | None = None, problems: Sequence[Problem] = ()) -> None:
        self.summary = summary or self.summary
        self.problems = list(problems)
        super().__init__(self.summary)

    def __str__(self) -> str:
        lines = [self.summary]
        lines.extend(p.render() for p in self.problems)
        return "\n".join(lines)


class InputError(SkilldocError):
    """The applicant folder, workbook or a section template is not usable."""

    exit_code = 3
    summary = "输入有误"


class EvidenceError(SkilldocError):
    """An evidence file is missing, unreadable, encrypted or not what it claims."""

    exit_code = 4
    summary = "证明材料有误"


class ChecksFailed(SkilldocError):
    """Checks found errors a reviewer would reject the application for."""

    exit_code = 5
    summary = "检查未通过"


class ToolMissing(SkilldocError):
    """An external program (LibreOffice) is needed but not installed."""

    exit_code = 6
    summary = "缺少外部程序"


class OutputError(SkilldocError):
    """An output could not be written (permissions, disk, a file open in Word)."""

    exit_code = 7
    summary = "无法写入输出文件"


class ConversionError(SkilldocError):
    """An external conversion (LibreOffice) failed or timed out."""

    exit_code = 8
    summary = "文档转换失败"
