"""``skilldoc import 申报书.docx DIR``: an applicant folder from a 申报书 filled in by hand.

Reads the form with :func:`skilldoc.word.read_form`, then writes a new folder:
the workbook (header values, 培训总量, occupations filled in), the eight sections
(``.docx`` by default, ``.md`` with ``md=True``) and the evidence folder.  The
folder is assembled in a temporary sibling and renamed into place at the end, so
a failure leaves nothing half-made; the input is only read.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import form
from .errors import InputError, Location, OutputError, Problem, Severity
from .word import Found, load_form

_JINJA_OPEN = re.compile(r"\{[{%#]")


@dataclass
class ImportResult:
    root: Path
    source: Path
    created: list[Path] = field(default_factory=list)
    found: list[Found] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    literal_refs: list[tuple[str, str]] = field(default_factory=list)


def escape_jinja(text: str) -> str:
    """Text typed in Word → template text that renders to exactly that text (``{{`` → ``{{ "{{" }}``)."""
    return _JINJA_OPEN.sub(lambda m: '{{ "' + m.group(0) + '" }}', text)


def _check_target(directory: Path) -> None:
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        what = "不是空文件夹" if directory.is_dir() else "已存在，且不是文件夹"
        raise InputError("无法导入：目标文件夹已存在", [Problem(
            f"{directory} {what}", Location(str(directory)),
            "导入只写入新的（或空的）文件夹，不会覆盖已有内容；请换一个文件夹名。", code="import.target")])


def import_form(source: Path, directory: Path, *, md: bool = False) -> ImportResult:
    """Read ``source`` (a 申报书.docx) and create the applicant folder ``directory``."""
    from .project import EVIDENCE_README, evidence_readme
    from .word.writer import write_section
    from .workbook import training_years, write_workbook

    source, directory = Path(source), Path(directory)
    _check_target(directory)
    document = load_form(source)
    app = document.app
    warnings = list(document.problems)
    filled = app.header.get("filled_on")
    if isinstance(filled, dt.date):
        year = filled.year
    elif app.years:
        year = app.years[-1].year + 1
        warnings.append(Problem(f"没有找到“填报时间”，按培训总量的年份取 {year} 年", Location(str(source)),
                                "请在工作簿“基本信息”表中填写填报时间", Severity.WARNING, "import.year"))
    else:
        year = dt.date.today().year
        warnings.append(Problem(f"没有找到“填报时间”和培训总量年份，按今年（{year} 年）建立工作簿",
                                Location(str(source)), "请在工作簿中填写填报时间", Severity.WARNING, "import.year"))
    if app.years and [y.year for y in app.years] != training_years(year):
        warnings.append(Problem(
            f"培训总量的年份（{'、'.join(str(y.year) for y in app.years)}）不是填报时间之前的三年"
            f"（{'、'.join(str(y) for y in training_years(year))}），不在这三年中的数据未导入",
            Location(str(source)), "请核对填报时间和培训总量的年份", Severity.WARNING, "import.years"))
    if app.occupations:
        warnings.append(Problem(
            "申报书表格中没有各职业（工种）的实训设备数量和总值，也没有专家团队和证明材料清单，工作簿中这些栏目为空",
            Location(str(source)), "请在工作簿“职业工种”“专家团队”“证明材料”表中补填，然后运行 skilldoc check",
            Severity.WARNING, "import.not_on_form"))
    parent = directory.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".skilldoc-import-", dir=parent))
    except OSError as exc:
        raise OutputError("无法创建申报文件夹", [Problem(f"无法写入：{exc.strerror or exc}", Location(str(parent)),
                                                       "请确认有写入权限、磁盘未满。", code="import.write")]) from exc
    relative: list[Path] = []
    try:
        sections_dir = staging / form.LAYOUT.sections_dir
        evidence_dir = staging / form.LAYOUT.evidence_dir
        sections_dir.mkdir()
        evidence_dir.mkdir()
        write_workbook(staging / form.LAYOUT.workbook, year, app)
        relative.append(Path(form.LAYOUT.workbook))
        for src in document.sections:
            text = escape_jinja(src.text)
            name = src.section.filename if md else Path(src.section.filename).with_suffix(".docx").name
            if md:
                (sections_dir / name).write_text(text, encoding="utf-8", newline="\n")
            else:
                write_section(sections_dir / name, text)
            relative.append(Path(form.LAYOUT.sections_dir) / name)
        (evidence_dir / EVIDENCE_README).write_text(evidence_readme(), encoding="utf-8", newline="\n")
        relative.append(Path(form.LAYOUT.evidence_dir) / EVIDENCE_README)
        if directory.exists():
            directory.rmdir()  # empty, checked above
        os.replace(staging, directory)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError("无法创建申报文件夹", [Problem(
            f"写入失败：{exc.strerror or exc}", Location(str(exc.filename or directory)),
            "请确认有写入权限、磁盘未满。", code="import.write")]) from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if document.literal_refs:
        warnings.append(Problem(
            f"正文中有 {len(document.literal_refs)} 处手写的证明材料页码，已按原文保留",
            Location(str(directory / form.LAYOUT.sections_dir)),
            "在工作簿“证明材料”表中登记材料后，把它们换成 {{ 证明(\"E01\") }}，页码就会随材料自动更新",
            Severity.INFO, "import.literal_ref"))
    return ImportResult(directory, source, [directory / p for p in relative], document.found, warnings,
                        document.literal_refs)
