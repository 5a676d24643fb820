"""An applicant folder as an interactive program sees it: overview, live preview, safe saving.

The browser workbench (:mod:`skilldoc.ui`) calls these functions through
:mod:`skilldoc.api`; they hold the business rules so that the app stays a thin
layer and nothing here knows about HTTP.

* :func:`folder_version` — a cheap fingerprint (names, sizes, times) of every
  input file: a program polls it to notice that the workbook was saved in
  Excel/WPS or a section or evidence file changed.
* :func:`overview` — the check report plus what a person needs beside it: the
  page map, the evidence table (pages, page range, which sections cite each
  item), files present in 证明材料/ but not listed (未登记) with the row to add,
  listed files that are missing.
* :func:`preview_section` — one section rendered from unsaved text, counted by
  exactly the rule of ``skilldoc check`` (:func:`skilldoc.checks.engine.count_section`).
* :func:`save_section` — atomic write, the previous version kept in
  ``sections/历史版本/``, and a conflict reported (not overwritten) when the file
  changed on disk since it was opened.
* :func:`context_values` — the names ``skilldoc vars`` lists with their current values.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import form, limits
from .errors import InputError, Location, OutputError, Problem, Severity, SkilldocError
from .fileio import write_atomically
from .model import Application, Header, PageRange, SectionSource

if TYPE_CHECKING:  # pragma: no cover
    from .checks.engine import CheckReport
    from .checks.wordcount import Counts
    from .markup import Block

HISTORY_DIR = "历史版本"  # inside sections/: earlier versions of each section file
LOCK_PREFIX = "~$"  # Office's lock files beside an open document


# --- fingerprint ------------------------------------------------------------------


def folder_version(directory: str | Path) -> str:
    """A fingerprint of the inputs (workbook, sections, evidence files): changes when any of them does.

    Only ``stat`` calls (no file is read), bounded by :data:`limits.WORKBENCH_SCAN_FILES`.
    """
    root = Path(directory)
    h = hashlib.blake2b(digest_size=12)

    def add(path: Path) -> None:
        try:
            st = path.stat()
        except OSError:
            h.update(f"{path.name}\0-\n".encode())
            return
        h.update(f"{path.name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())

    add(root / form.LAYOUT.workbook)
    for sub in (form.LAYOUT.sections_dir, form.LAYOUT.evidence_dir):
        h.update(f"[{sub}]".encode())
        for path in _walk(root / sub, skip_dirs={HISTORY_DIR}):
            h.update(path.relative_to(root).as_posix().encode())
            add(path)
    return h.hexdigest()


def _walk(top: Path, *, skip_dirs: set[str] = frozenset()) -> list[Path]:  # type: ignore[assignment]
    """Regular files under ``top`` (sorted; hidden and Office lock files skipped; bounded)."""
    found: list[Path] = []
    if not top.is_dir():
        return found
    stack = [top]
    while stack and len(found) < limits.WORKBENCH_SCAN_FILES:
        current = stack.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith((".", LOCK_PREFIX)):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in skip_dirs:
                        stack.append(Path(entry.path))
                elif entry.is_file():
                    found.append(Path(entry.path))
            except OSError:
                continue
    return sorted(found)


# --- overview ---------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceRow:
    """One item of the evidence list as the 总览 and 证明材料 pages show it."""

    code: str
    title: str
    part: str
    row: int  # workbook row
    files: tuple[str, ...]  # as listed, relative to the folder where possible
    missing: tuple[str, ...]  # listed files that do not exist
    pages: int | None  # None when the evidence could not be planned
    page_range: str | None  # “12—15” in 证明材料.pdf
    cited_by: tuple[str, ...]  # section titles that cite it
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class UnlistedFile:
    """A file in 证明材料/ that no row of the evidence list names (未登记)."""

    path: str  # relative to the folder, with /
    row: tuple[str, ...]  # the row to add, in the sheet's column order (编号、名称、文件、所属部分、说明、打开密码)


@dataclass
class Overview:
    """Everything the 总览 shows, computed in one run of the checks."""

    root: Path
    version: str
    report: CheckReport | None  # None when the inputs could not be read (see ``problems``)
    problems: list[Problem]  # input errors when there is no report (its findings hold the warnings)
    app: Application | None
    page_map: dict[str, PageRange]
    sources: list[SectionSource]
    evidence: list[EvidenceRow] = field(default_factory=list)
    unlisted: list[UnlistedFile] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def findings(self) -> list[Problem]:
        """Every error and warning: input problems first, then the report's findings."""
        return [*self.problems, *(self.report.findings if self.report else [])]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.findings if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.findings if p.severity is Severity.WARNING]


def overview(directory: str | Path, *, limit: int | None = None,
             standards: Sequence[str | Path] = ("national",)) -> Overview:
    """Run the checks and gather the evidence table; raises only when the folder is not an applicant folder."""
    from . import pipeline, project

    started = time.perf_counter()
    root = project.locate(Path(directory)).root
    version = folder_version(root)
    report = None
    problems: list[Problem] = []
    app: Application | None = None
    page_map: dict[str, PageRange] = {}
    sources: list[SectionSource] = []
    planned_pages: dict[str, int] = {}
    from .workdirs import work_folder  # locked while in use: a later run's sweep never takes it

    with work_folder("skilldoc-") as tmp:
        try:
            prepared = pipeline.checked(root, tmp, limit=limit, standards=standards)
        except InputError as exc:
            problems.extend(exc.problems)
            app, sources = _read_what_can_be_read(root)
        else:
            report = prepared.report  # its findings hold the reading and rendering warnings too
            app, sources = prepared.loaded.app, prepared.loaded.sources
            if prepared.plan is not None:
                page_map = dict(prepared.plan.page_map)
                planned_pages = {item.input.code: item.input.pages for item in prepared.plan.items}
    result = Overview(root, version, report, problems, app, page_map, sources)
    if app is not None:
        result.evidence = _evidence_rows(root, app, report, page_map, planned_pages)
        result.unlisted = unlisted_files(root, app)
    result.seconds = time.perf_counter() - started
    return result


def _read_what_can_be_read(root: Path) -> tuple[Application | None, list[SectionSource]]:
    """The workbook and sections as far as they can be read when the checks could not run."""
    from . import project
    from .workbook import read_application

    proj = project.locate(root)
    app = None
    try:
        app, _ = read_application(proj.workbook, proj.root)
    except SkilldocError:
        pass
    try:
        sources, _ = project.load_sections(proj)
    except SkilldocError:
        sources = []
    return app, sources


def relative_name(root: Path, path: Path) -> str:
    """``证明材料/营业执照.pdf`` for a file inside the folder; the full path otherwise."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _evidence_rows(root: Path, app: Application, report: CheckReport | None,
                   page_map: dict[str, PageRange], planned_pages: dict[str, int]) -> list[EvidenceRow]:
    from .pipeline import ordered_evidence

    cited: dict[str, list[str]] = {}
    if report is not None:
        for sc in report.sections:
            for code in sc.cited:
                cited.setdefault(code, []).append(sc.section.title)
    findings = report.findings if report is not None else []
    rows = []
    for item in ordered_evidence(app.evidence):
        pr = page_map.get(item.code)
        rows.append(EvidenceRow(
            code=item.code, title=item.title, part=item.part, row=item.row,
            files=tuple(relative_name(root, f) for f in item.files),
            missing=tuple(relative_name(root, f) for f in item.files if not f.exists()),
            pages=planned_pages.get(item.code),
            page_range=str(pr) if pr is not None and pr.first else None,
            cited_by=tuple(cited.get(item.code, ())),
            problems=tuple(p for p in findings if p.location is not None and p.location.item == item.code),
        ))
    return rows


def unlisted_files(root: Path, app: Application) -> list[UnlistedFile]:
    """Files in 证明材料/ that no evidence row names, each with the row to add (编号 not yet used)."""
    from .project import EVIDENCE_README

    listed = set()
    for item in app.evidence:
        for f in item.files:
            listed.add(os.path.normcase(os.path.abspath(f)))
    used = {item.code for item in app.evidence}
    numbers = [int(m.group(1)) for code in used if (m := re.fullmatch(r"[Ee](\d+)", code))]
    next_number = max(numbers, default=0) + 1
    result = []
    for path in _walk(root / form.LAYOUT.evidence_dir):
        if path.name == EVIDENCE_README or os.path.normcase(os.path.abspath(path)) in listed:
            continue
        while f"E{next_number:02d}" in used:
            next_number += 1
        code = f"E{next_number:02d}"
        used.add(code)
        rel = relative_name(root, path)
        result.append(UnlistedFile(rel, (code, path.stem, rel, "", "", "")))
    return result


# --- preview ----------------------------------------------------------------------


@dataclass(frozen=True)
class SectionPreview:
    number: int
    title: str
    blocks: tuple[Block, ...]  # empty when the template has errors
    counts: Counts | None  # None when the template has errors
    limit: int
    status: str  # ok / near / over / error
    problems: tuple[Problem, ...]  # template errors and warnings, with lines
    cited: tuple[str, ...] = ()


def section_by_number(number: int) -> form.Section:
    for s in form.SECTIONS:
        if s.number == number:
            return s
    raise InputError("没有这一部分", [Problem(f"没有第 {number} 部分", None,
                                          "申报书正文共八个部分（1—8）", code="section.number")])


def preview_section(directory: str | Path, number: int, text: str, *, basis: Overview | None = None,
                    limit: int | None = None) -> SectionPreview:
    """Render unsaved ``text`` as section ``number`` and count it exactly as ``skilldoc check`` does.

    ``basis``: an :func:`overview` of the folder to take the workbook values and
    the page map from (computed when not given; a program keeps the last one).
    """
    from .checks.engine import count_section
    from .render import render_sections

    section = section_by_number(number)
    limit = limit or section.limit
    if basis is None:
        basis = overview(directory, limit=limit)
    app = basis.app or Application(Header({}), (), (), (), ())
    page_map = basis.page_map or {item.code: PageRange(0, 0) for item in app.evidence}
    path = section_path(basis.root, number)
    source = SectionSource(section, path, text.replace("\r\n", "\n").replace("\r", "\n"))
    try:
        rendered, warnings = render_sections(app, [source], page_map)
    except InputError as exc:
        return SectionPreview(number, section.title, (), None, limit, "error", tuple(exc.problems))
    sc = count_section(rendered[0], limit)
    return SectionPreview(number, section.title, tuple(rendered[0].blocks), sc.counts, limit, sc.status,
                          tuple(warnings), tuple(rendered[0].cited))


# --- section files: read, save --------------------------------------------------------


def section_path(root: Path, number: int) -> Path:
    """The file of section ``number``: the one ``skilldoc check`` reads, or where it should be."""
    from . import project

    section = section_by_number(number)
    sections_dir = root / form.LAYOUT.sections_dir
    expected = sections_dir / section.filename
    if expected.is_file() or not sections_dir.is_dir():
        return expected
    proj = project.locate(root)
    try:
        sources, _ = project.load_sections(proj)
    except SkilldocError:
        return expected
    return next((s.path for s in sources if s.section.number == number), expected)


def word_section(root: Path, number: int) -> Path | None:
    """A Word file written for section ``number`` (edited in Word, not in the browser), if there is one."""
    section = section_by_number(number)
    candidate = root / form.LAYOUT.sections_dir / (Path(section.filename).stem + ".docx")
    return candidate if candidate.is_file() else None


@dataclass(frozen=True)
class SectionText:
    number: int
    title: str
    path: Path
    text: str
    version: str  # content hash: pass it back to save_section to detect changes on disk
    exists: bool


def content_version(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:24]


def read_section(directory: str | Path, number: int) -> SectionText:
    """The saved text of section ``number`` (empty when the file does not exist yet)."""
    from .project import _decode

    root = Path(directory).resolve()
    section = section_by_number(number)
    path = section_path(root, number)
    _inside_or_refuse(root, path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return SectionText(number, section.title, path, "", content_version(b""), False)
    except OSError as exc:
        raise InputError("无法读取正文文件", [Problem(f"无法读取：{exc.strerror or exc}",
                                               Location(relative_name(root, path)),
                                               "请确认文件没有被其他程序独占打开", code="section.unreadable")]) from None
    if len(data) > limits.WORKBENCH_SECTION_BYTES:
        raise InputError("正文文件太大", [Problem(
            f"文件有 {len(data) // 1024} KB，超过 {limits.WORKBENCH_SECTION_BYTES // 1024} KB",
            Location(relative_name(root, path)), "正文每部分不超过 3000 字，请检查是否放错了文件",
            code="section.too_large")])
    if path.suffix.lower() == ".docx":  # written in Word: its text as check reads it (edited in Word)
        from .project import _read_docx_section

        source, problems = _read_docx_section(section, path, relative_name(root, path))
        if source is None:
            raise InputError("无法读取正文文件", problems)
        return SectionText(number, section.title, path, source.text, content_version(data), True)
    text, problem = _decode(path, data, relative_name(root, path))
    if text is None:
        raise InputError("无法读取正文文件", [problem] if problem else [])
    return SectionText(number, section.title, path, text.replace("\r\n", "\n").replace("\r", "\n"),
                       content_version(data), True)


@dataclass(frozen=True)
class SaveResult:
    saved: bool  # False: the file changed on disk since ``base_version`` (nothing written)
    path: Path
    version: str  # the file's version now (after saving, or the one on disk after a conflict)
    backup: Path | None = None  # where the previous version was kept
    disk_text: str | None = None  # on a conflict: what is on disk now


def save_section(directory: str | Path, number: int, text: str, *, base_version: str | None) -> SaveResult:
    """Write section ``number`` atomically, keeping the previous version in ``sections/历史版本/``.

    ``base_version``: the version the editor opened (from :func:`read_section`);
    when the file on disk is no longer that version nothing is written and the
    result says so (``saved=False`` with the text on disk) — the caller lets the
    user choose. ``None`` saves regardless (the user chose to overwrite).
    Line endings of the existing file (CRLF or LF) are kept; the text is UTF-8.
    """
    root = Path(directory).resolve()
    current = read_section(root, number)
    path = current.path
    if base_version is not None and current.version != base_version:
        return SaveResult(False, path, current.version, None, current.text)
    if len(text.encode("utf-8")) > limits.WORKBENCH_SECTION_BYTES:
        raise InputError("正文太长，未保存", [Problem(
            f"超过 {limits.WORKBENCH_SECTION_BYTES // 1024} KB", Location(relative_name(root, path)),
            "每部分不超过 3000 字", code="section.too_large")])
    body = text.replace("\r\n", "\n").replace("\r", "\n")
    if current.exists and b"\r\n" in path.read_bytes():
        body = body.replace("\n", "\r\n")
    data = body.encode("utf-8")
    backup = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if current.exists:
            backup = _keep_previous(path)
        write_atomically(path, data)
    except OSError as exc:
        from .pipeline import os_reason

        raise OutputError("正文未保存", [Problem(f"无法写入：{os_reason(exc)}", Location(relative_name(root, path)),
                                             "如果该文件正在其他编辑器中打开，请先关闭再保存",
                                             code="section.write")]) from None
    return SaveResult(True, path, content_version(data), backup)


def _keep_previous(path: Path) -> Path:
    """Copy ``path`` into ``历史版本/`` as ``name 2026-12-02 081530.md``; keep the newest few."""
    history = path.parent / HISTORY_DIR
    history.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H%M%S")
    target = history / f"{path.stem} {stamp}{path.suffix}"
    n = 2
    while target.exists():
        target = history / f"{path.stem} {stamp}-{n}{path.suffix}"
        n += 1
    write_atomically(target, path.read_bytes())
    kept = sorted((p for p in history.glob(f"{path.stem} *{path.suffix}") if p.is_file()),
                  key=lambda p: (p.stat().st_mtime_ns, p.name))
    for old in kept[:-limits.WORKBENCH_SECTION_HISTORY]:
        try:
            old.unlink()
        except OSError:
            pass
    return target


def _inside_or_refuse(root: Path, path: Path) -> None:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        raise InputError("正文文件在申报文件夹之外", [Problem(
            "正文文件是指向申报文件夹以外的链接，不在这里读写", Location(relative_name(root, path)),
            "请把文件本身放进 sections/ 文件夹", code="section.outside")]) from None


# --- the names a template can use, with their values ------------------------------------


@dataclass(frozen=True)
class ContextValue:
    name: str  # as written in a template: 单位名称, 最近年度.培训数量
    kind: str  # 变量 / 列表 / 过滤器
    description: str
    value: str  # what it prints now ("" when not filled or not a text)
    insert: str  # the expression to insert, e.g. {{ 单位名称 }}


def context_values(basis: Overview) -> list[ContextValue]:
    """The variables and filters ``skilldoc vars`` lists, with current values; objects expanded one level.

    (The functions 证明/页码 are offered per evidence item by the caller.)
    """
    from .render import _attributes, _finalize, build_context, describe_context

    app = basis.app or Application(Header({}), (), (), (), ())
    context = build_context(app, basis.page_map or {item.code: PageRange(0, 0) for item in app.evidence})

    def shown(value: object) -> str:
        if value is None:
            return ""
        try:
            out = _finalize(value)
        except Exception:  # a value the template could not print either
            return ""
        return out if isinstance(out, str) else str(out)

    result = []
    for entry in describe_context():
        if entry.kind == "过滤器":  # inserted after a value inside {{ }}: {{ 场所面积 | 千分位 }}
            result.append(ContextValue(entry.name, entry.kind, entry.description,
                                       entry.example.replace("`", ""), f" | {entry.name}"))
            continue
        if entry.kind != "变量":
            continue
        value = context.get(entry.name)
        attrs = _attributes(value)
        if isinstance(value, tuple | list) and value and not isinstance(value[0], str | int):
            first = _attributes(value[0])
            snippet = f"{{% for x in {entry.name} %}}{{{{ x.{first[0]} }}}}{{% endfor %}}" if first else ""
            result.append(ContextValue(entry.name, "列表", entry.description, f"{len(value)} 项",
                                       snippet or f"{{{{ {entry.name} }}}}"))
            continue
        if attrs:
            for attr in attrs:
                result.append(ContextValue(f"{entry.name}.{attr}", entry.kind, entry.description,
                                           shown(getattr(value, attr, None)),
                                           f"{{{{ {entry.name}.{attr} }}}}"))
            continue
        result.append(ContextValue(entry.name, entry.kind, entry.description, shown(value),
                                   f"{{{{ {entry.name} }}}}"))
    return result
