"""Presentation helpers: rendered section blocks as HTML, problems as plain dicts for the pages.

Everything that reaches the page is escaped here or by the page templates' autoescape.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path
from typing import Any

from .. import form
from ..checks.report import GROUPS, finding_group
from ..errors import SEVERITY_LABEL, Problem, Severity
from ..markup import Block, Heading, ListItem, Paragraph, Run, Table


def _runs(runs: tuple[Run, ...]) -> str:
    out = []
    for r in runs:
        text = escape(r.text)
        out.append(f"<strong>{text}</strong>" if r.bold else text)
    return "".join(out)


def blocks_html(blocks: tuple[Block, ...] | list[Block]) -> str:
    """The section as the DOCX lays it out: headings, indented paragraphs, lists, tables."""
    out: list[str] = []
    open_list: str | None = None
    for block in blocks:
        kind = "ol" if isinstance(block, ListItem) and block.ordered else "ul" if isinstance(block, ListItem) else None
        if open_list and kind != open_list:
            out.append(f"</{open_list}>")
            open_list = None
        if isinstance(block, Heading):
            level = min(block.level + 1, 4)
            out.append(f'<h{level} class="h{block.level}">{_runs(block.runs)}</h{level}>')
        elif isinstance(block, Paragraph):
            out.append(f"<p>{_runs(block.runs)}</p>")
        elif isinstance(block, ListItem):
            if open_list is None:
                out.append(f"<{kind}>")
                open_list = kind
            marker = f'<span class="marker">{escape(block.marker)}</span> ' if block.ordered and block.marker else ""
            out.append(f'<li class="level{block.level}">{marker}{_runs(block.runs)}</li>')
        elif isinstance(block, Table):
            rows = []
            for i, row in enumerate(block.rows):
                tag = "th" if block.header and i == 0 else "td"
                rows.append("<tr>" + "".join(f"<{tag}>{_runs(cell)}</{tag}>" for cell in row) + "</tr>")
            out.append('<table class="doc">' + "".join(rows) + "</table>")
    if open_list:
        out.append(f"</{open_list}>")
    return "\n".join(out)


_SECTION_FILE = re.compile(r"(?:^|/)sections/0*(\d)")


def section_number_of(p: Problem) -> int | None:
    """The section a problem is in, when it names a section template."""
    if p.location is None:
        return None
    m = _SECTION_FILE.search(p.location.file.replace("\\", "/"))
    if m:
        number = int(m.group(1))
        return number if any(s.number == number for s in form.SECTIONS) else None
    return None


_VARS_HINT = "运行 skilldoc vars 查看全部可用的名称"


def problem_view(p: Problem) -> dict[str, Any]:
    """A problem as the pages show it: place, message, hint, and the editor link for a template line."""
    number = section_number_of(p)
    link = None
    if number is not None:
        link = f"/section/{number}" + (f"?line={p.location.line}" if p.location and p.location.line else "")
    return {
        "severity": p.severity.value,
        "label": SEVERITY_LABEL[p.severity],
        "place": str(p.location) if p.location else "",
        "line": p.location.line if p.location else None,
        "message": p.message,
        # the library's hints send terminal users to `skilldoc vars`; here the editor lists the names
        "hint": (p.hint or "").replace(_VARS_HINT, "编辑页右侧的“插入”栏列出了全部可用的名称"),
        "link": link,
        "code": p.code,
    }


def grouped(problems: list[Problem]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Problems in the report's groups (字数, 完整性与一致性, 证明材料, 遴选参考标准), errors first."""
    groups: dict[str, list[Problem]] = {g: [] for g in GROUPS}
    for p in problems:
        groups[finding_group(p)].append(p)
    result = []
    for name, items in groups.items():
        if items:
            items.sort(key=lambda p: p.severity is not Severity.ERROR)
            result.append((name, [problem_view(p) for p in items]))
    return result


def file_size(path: Path) -> str:
    try:
        size = path.stat().st_size
    except OSError:
        return ""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(1, size // 1024)} KB"
