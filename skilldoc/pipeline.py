"""The one orchestrator: load → plan evidence (page map) → render → check → write → move into place.

Reads top to bottom.  Every stage collects all of its problems; the pipeline
adds them up so that one run reports everything it can find before anything
is written.  Intermediate files live in a work folder inside the output
folder; the finished files are moved into place with ``os.replace`` only at
the very end, so a failed run leaves earlier outputs untouched.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import limits
from . import project as project_mod
from .cache import DiskCache, Memo
from .errors import (
    ChecksFailed,
    EvidenceError,
    InputError,
    Location,
    OutputError,
    Problem,
    Severity,
    SkilldocError,
    ToolMissing,
)
from .fileio import user_mode
from .form import EVIDENCE_PARTS, LAYOUT, SECTIONS
from .model import Application, EvidenceItem, Header, PageRange, Project, SectionSource

if TYPE_CHECKING:  # imported where used: a check needs neither jinja2 nor the PDF writer loaded up front
    from .checks.engine import CheckReport
    from .evidence.bundle import BundlePlan, Progress
    from .render import RenderedSection


_WORKBOOK_MEMO: Memo[tuple[Application, list[Problem]]] = Memo("workbooks", limits.MEMO_WORKBOOKS)


@dataclass
class Loaded:
    """An applicant folder read and checked for input errors (nothing written)."""

    project: Project
    app: Application
    sources: list[SectionSource]
    warnings: list[Problem] = field(default_factory=list)


def load(directory: Path) -> Loaded:
    """Read the workbook and the section templates; raise one InputError with every problem."""
    parts = _read_inputs(directory)
    if parts.failed:
        raise InputError(_INPUT_SUMMARY, parts.problems)
    assert parts.app is not None
    return Loaded(parts.project, parts.app, parts.sources, parts.problems)


_INPUT_SUMMARY = "申报数据或正文模板有误，请按下列提示修改后重试"


@dataclass
class _Inputs:
    project: Project
    app: Application | None  # None when the workbook cannot be opened
    sources: list[SectionSource]
    problems: list[Problem]
    workbook_ok: bool

    @property
    def failed(self) -> bool:
        return self.app is None or any(p.severity is Severity.ERROR for p in self.problems)


def _read_workbook(path: Path, root: Path) -> tuple[Application, list[Problem]]:
    """:func:`skilldoc.workbook.read_application`, reused while the workbook's content is unchanged
    (:func:`skilldoc.cache.file_key`: a long-running caller checks again and again)."""
    from .cache import file_key
    from .workbook import read_application

    try:
        key = (file_key(path), str(path), str(root))  # as given too: the result records them
    except OSError:  # missing or unreadable: the reader says so
        return read_application(path, root)
    found = _WORKBOOK_MEMO.get(key)
    if found is None:
        found = read_application(path, root)  # an InputError (cannot be opened) is never kept
        _WORKBOOK_MEMO.put(key, found)
    app, problems = found
    return app, list(problems)


def _read_inputs(directory: Path) -> _Inputs:
    proj = project_mod.locate(directory)
    problems: list[Problem] = []
    app: Application | None = None
    try:
        app, wb_problems = _read_workbook(proj.workbook, proj.root)
        problems.extend(wb_problems)
    except InputError as exc:
        problems.extend(exc.problems)
    workbook_ok = app is not None and not any(p.severity is Severity.ERROR for p in problems)
    try:
        sources, section_problems = project_mod.load_sections(proj)
        problems.extend(section_problems)
    except InputError as exc:
        problems.extend(exc.problems)
        sources = []
    return _Inputs(proj, app, sources, problems, workbook_ok)


def _problems_beside_workbook_errors(parts: _Inputs, workdir: Path) -> list[Problem]:
    """What else can be found while the workbook has errors: evidence files and template mistakes.

    The workbook's values are incomplete then, so only findings that do not
    depend on them are kept: every evidence file listed in a readable row,
    template syntax, names that do not exist at all, and (when the evidence
    sheet itself is fine) 编号 that do not exist.
    """
    from .evidence.sources import prepare_inputs
    from .render import render_sections
    from .workbook import SHEETS

    app = parts.app or Application(Header({}), (), (), (), ())
    found: list[Problem] = []
    items = ordered_evidence(app.evidence)
    try:
        _, ev_warnings = prepare_inputs(items, workdir, root=parts.project.root)
        found.extend(ev_warnings)
    except SkilldocError as exc:
        found.extend(exc.problems)
    evidence_sheet_ok = parts.app is not None and not any(
        p.severity is Severity.ERROR and p.location is not None and p.location.sheet == SHEETS["evidence"]
        for p in parts.problems)
    try:
        render_sections(app, parts.sources, {it.code: PageRange(0, 0) for it in items})
    except InputError as exc:
        for p in project_mod.relocate_docx_problems(exc.problems, parts.sources):
            if p.severity is not Severity.ERROR:
                continue
            if (p.code in ("render.syntax", "render.security", "render.limit", "render.include", "render.function")
                    or (p.code == "render.undefined" and p.message.startswith("未定义的名称"))
                    or (p.code == "render.evidence" and evidence_sheet_ok)):
                found.append(p)
    return found


def ordered_evidence(items: Sequence[EvidenceItem]) -> list[EvidenceItem]:
    """Evidence in the sheet's order, grouped by the part of the form it belongs to."""
    rank = {part: i for i, part in enumerate(EVIDENCE_PARTS)}
    return sorted(items, key=lambda it: (rank.get(it.part, len(rank)), it.row))


@dataclass
class Prepared:
    """Everything needed to write outputs: loaded inputs, evidence plan, rendered sections, checks."""

    loaded: Loaded
    plan: BundlePlan | None  # None when the evidence has errors
    rendered: list[RenderedSection]
    report: CheckReport
    warnings: list[Problem]


def prepare(directory: Path, workdir: Path, *, limit: int | None = None, duplex: bool = False,
            odd_items: bool = False, stamp: str | None = None, start: int = 1,
            standards: Sequence[str | Path] = ("national",), toc: bool = True) -> Prepared:
    """Load, validate evidence, plan the bundle, render the sections and run every check.

    ``toc=False`` plans without laying out the 目录 (it needs a CJK font; the page map does not).
    """
    from .checks.engine import run_checks
    from .evidence.bundle import BundleOptions, plan_bundle
    from .evidence.sources import prepare_inputs
    from .render import render_sections

    parts = _read_inputs(directory)
    if parts.failed:
        extra = _problems_beside_workbook_errors(parts, workdir) if not parts.workbook_ok else []
        raise InputError(_INPUT_SUMMARY, [*parts.problems, *extra])
    assert parts.app is not None
    loaded = Loaded(parts.project, parts.app, parts.sources, parts.problems)
    warnings = list(loaded.warnings)
    evidence_problems: list[Problem] = []
    plan = None
    items = ordered_evidence(loaded.app.evidence)
    try:
        inputs, ev_warnings = prepare_inputs(items, workdir, root=loaded.project.root)
        evidence_problems.extend(ev_warnings)
        options = BundleOptions(duplex=duplex, item_starts_odd=duplex and odd_items, start=start, toc=toc,
                                **({"stamp": stamp} if stamp else {}))
        plan = plan_bundle(inputs, options)
        page_map = plan.page_map
    except EvidenceError as exc:
        # Keep going so that one run reports evidence, template and check problems
        # together; references render against placeholder pages meanwhile.
        evidence_problems.extend(exc.problems)
        page_map = {it.code: PageRange(0, 0) for it in items}
    try:
        rendered, render_warnings = render_sections(loaded.app, loaded.sources, page_map)
    except InputError as exc:
        located = project_mod.relocate_docx_problems(exc.problems, loaded.sources)
        raise InputError(exc.summary, [*evidence_problems, *located]) from None
    warnings.extend(project_mod.relocate_docx_problems(render_warnings, loaded.sources))
    report = run_checks(
        loaded.app,
        rendered,
        sources=loaded.sources,
        page_map=page_map if plan is not None else None,
        evidence_problems=evidence_problems,
        limit=limit or SECTIONS[0].limit,
        standards=standards,
        input_problems=warnings,  # workbook and template warnings: check reports all that build would
    )
    report.evidence_failed = plan is None
    report.findings = project_mod.relocate_docx_problems(report.findings, loaded.sources)
    return Prepared(loaded, plan, rendered, report, warnings)


def check(directory: Path, *, limit: int | None = None,
          standards: Sequence[str | Path] = ("national",)) -> CheckReport:
    """Run every check and return the report (raises only when inputs cannot be read)."""
    with _workdir(None) as workdir:
        return checked(directory, workdir, limit=limit, standards=standards).report


def checked(directory: Path, workdir: Path, *, limit: int | None = None,
            standards: Sequence[str | Path] = ("national",)) -> Prepared:
    """:func:`prepare` for checking: the report holds every warning ``build`` would give.

    That is, before writing the PDFs: those found while reading (workbook, section encodings)
    and rendering (removed control characters), and those of writing 申报书.docx (written to a
    scratch file here, or reused: see :func:`docx_warnings`).  ``check`` and the workbench's
    总览 both go through here, so they report the same findings.
    """
    prepared = prepare(directory, workdir, limit=limit, standards=standards, toc=False)
    report = prepared.report
    extra = [*prepared.warnings, *docx_warnings(prepared.loaded.app, prepared.rendered, workdir)]
    known = {(p.code, p.message, str(p.location)) for p in report.findings}
    report.findings[:0] = [p for p in extra if (p.code, p.message, str(p.location)) not in known]
    return prepared


# What writing 申报书.docx warns about (a template's missing styles or placeholders, control
# characters in the text) depends only on what is written: the workbook's values, the rendered
# sections, the form template and the writer's code.  ``check`` reuses it while those are unchanged
# (writing the DOCX with python-docx is ≈ 0.15 s of a 0.6 s check); ``build`` always writes.
_DOCX_WARNINGS_DISK = DiskCache("docx-warnings", suffix=".bin")
_DOCX_WARNINGS_MEMO: Memo[tuple[Problem, ...]] = Memo("DOCX warnings", limits.MEMO_DOCX_WARNINGS)
_DOCX_WARNINGS_VERSION = "1"
# the writer and what it formats with; python-docx is identified by its installed __init__.py
_DOCX_WRITER_SOURCES = ("docx_form.py", "form.py", "markup.py", "values.py", "reproducible.py", "model.py")


def _docx_warnings_key(app: Application, sections: Sequence[RenderedSection]) -> str | None:
    """A digest of everything ``write_docx`` reads, or None when it cannot be formed (then no reuse)."""
    import hashlib
    import importlib.util
    import pickle

    from .resources import template_path

    try:
        h = hashlib.sha256(f"docx-warnings {_DOCX_WARNINGS_VERSION}\0".encode())
        # pickle only to digest the values (never unpickled): equal bytes mean equal content.  The
        # writer never reads evidence passwords: left out, so no on-disk key derives from one.
        unlocked = replace(app, evidence=tuple(replace(e, password=None) for e in app.evidence))
        h.update(pickle.dumps((unlocked, tuple(sections)), protocol=5))
        template = template_path("docx", "申报书.docx")
        h.update(f"{template}\0".encode() + template.read_bytes())
        here = Path(__file__).resolve().parent
        for name in _DOCX_WRITER_SOURCES:
            h.update((here / name).read_bytes())
        spec = importlib.util.find_spec("docx")
        if spec is None or spec.origin is None:
            return None
        st = os.stat(spec.origin)
        h.update(f"{spec.origin}\0{st.st_size}\0{st.st_mtime_ns}".encode())
    except (OSError, pickle.PicklingError, TypeError, AttributeError, ValueError):
        return None
    return h.hexdigest()[:40]


def _problem_record(p: Problem) -> dict[str, Any]:
    loc = None
    if p.location is not None:
        loc = {f.name: getattr(p.location, f.name) for f in fields(p.location)}
        loc["refs"] = list(p.location.refs)
    return {"message": p.message, "location": loc, "hint": p.hint, "severity": p.severity.value,
            "code": p.code}


def _problem_from_record(r: dict[str, Any]) -> Problem:
    loc = r["location"]
    location = None if loc is None else Location(**{**loc, "refs": tuple(loc["refs"])})
    return Problem(str(r["message"]), location, r["hint"], Severity(r["severity"]), str(r["code"]))


def docx_warnings(app: Application, sections: Sequence[RenderedSection], workdir: Path) -> list[Problem]:
    """The warnings of writing 申报书.docx for ``app`` and ``sections`` (written into ``workdir`` when
    not known from an earlier run with the same content: in-process, then the on-disk cache)."""
    key = _docx_warnings_key(app, sections)
    if key is not None:
        known = _DOCX_WARNINGS_MEMO.get(key)
        if known is None:
            found = _DOCX_WARNINGS_DISK.get_bytes(key)
            if found is not None:
                try:
                    known = tuple(_problem_from_record(r) for r in found[1]["problems"])
                except (KeyError, TypeError, ValueError):
                    known = None
                if known is not None:
                    _DOCX_WARNINGS_MEMO.put(key, known)
        if known is not None:
            return list(known)
    from .docx_form import write_docx

    problems = write_docx(app, sections, workdir / LAYOUT.docx_name)
    if key is not None:
        _DOCX_WARNINGS_MEMO.put(key, tuple(problems))
        _DOCX_WARNINGS_DISK.put_bytes(key, b"", {"problems": [_problem_record(p) for p in problems]})
    return problems


# --- build -------------------------------------------------------------------------


@dataclass
class BuildResult:
    outputs: dict[str, Path]
    report: CheckReport | None
    warnings: list[Problem]
    details: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> str:
        lines = ["生成完成："]
        for label, path in self.outputs.items():
            size = path.stat().st_size if path.exists() else 0
            lines.append(f"  {label}：{path}（{_human_size(size)}）")
        for label, value in self.details.items():
            lines.append(f"  {label}：{value}")
        if self.report is not None:
            n_err = len(self.report.errors)
            # the warnings printed above this summary, counted the same way (see build())
            n_warn = sum(1 for p in self.warnings if p.severity is Severity.WARNING)
            lines.append(f"  检查：{n_err} 个错误，{n_warn} 个警告（" + ("见上文；" if n_warn else "")
                         + "详见 skilldoc check）")
        return "\n".join(lines)


def build(directory: Path, *, out_dir: Path | None = None, force: bool = False, pdf: bool = False,
          duplex: bool = False, odd_items: bool = False, stamp: str | None = None, start: int = 1,
          progress: Progress = None) -> BuildResult:
    """Build 申报书.docx and 证明材料.pdf (and with ``pdf`` 申报书.pdf, 申报材料.pdf)."""
    directory = Path(directory)
    out_dir = Path(out_dir) if out_dir else directory / LAYOUT.output_dir
    if pdf:
        _require_soffice()  # before any work: the PDFs are the last step
    created = not out_dir.exists()
    try:
        return _build(directory, out_dir, force, pdf, duplex, odd_items, stamp, start, progress)
    except BaseException:
        if created:  # a refused or failed build leaves no empty output folder behind
            with suppress(OSError):
                out_dir.rmdir()  # only if empty: never removes anything a run wrote
        raise


def _build(directory: Path, out_dir: Path, force: bool, pdf: bool, duplex: bool, odd_items: bool,
           stamp: str | None, start: int, progress: Progress) -> BuildResult:
    from .docx_form import write_docx
    from .evidence.bundle import write_bundle

    with _workdir(out_dir) as workdir:
        prepared = prepare(directory, workdir, duplex=duplex, odd_items=odd_items, stamp=stamp, start=start)
        report, plan = prepared.report, prepared.plan
        if plan is None:
            raise EvidenceError("证明材料有误，无法生成（即使加 --force）；请按下列提示修改后重试",
                                report.errors)
        if report.has_errors and not force:
            raise ChecksFailed(
                "检查发现错误，未生成申报书（修改后重试，或加 --force 强制生成）",
                report.errors,
            )
        # everything the report found that is not an error (workbook and template warnings are in
        # it too), then what writing adds: the summary's count is the number printed
        warnings = list(report.warnings)
        staged: dict[str, Path] = {}

        docx_path = workdir / LAYOUT.docx_name
        warnings.extend(write_docx(prepared.loaded.app, prepared.rendered, docx_path))
        staged["申报书（Word）"] = docx_path

        evidence_path = workdir / LAYOUT.evidence_pdf_name
        bundle_result = write_bundle(plan, evidence_path, progress=progress)
        warnings.extend(bundle_result.warnings)
        staged["证明材料（PDF）"] = evidence_path
        details: dict[str, Any] = {
            "证明材料": f"{bundle_result.evidence_pages} 页，目录 {bundle_result.toc_pages} 页"
                    + (f"，插入空白页 {bundle_result.blank_pages} 页" if bundle_result.blank_pages else ""),
        }
        if bundle_result.fonts:
            details["页码和目录字体"] = "、".join(bundle_result.fonts)

        if pdf:
            from .printready import build_print_pdfs

            extra, extra_details = build_print_pdfs(plan, docx_path, workdir, progress=progress)
            staged.update(extra)
            details.update(extra_details)

        outputs = _move_into_place(staged, out_dir)
    return BuildResult(outputs, report, warnings, details)


# --- plumbing ----------------------------------------------------------------------


def _require_soffice() -> None:
    from .office import ENV_VAR, INSTALL_HINT, find_soffice

    if find_soffice() is not None:
        return
    message = "生成 申报书.pdf 和 申报材料.pdf 需要 LibreOffice（soffice），但没有找到"
    explicit = os.environ.get(ENV_VAR, "").strip()
    if explicit:
        message += f"；环境变量 {ENV_VAR} 指向的“{explicit}”不存在"
    raise ToolMissing("缺少 LibreOffice，无法生成 PDF（--pdf）", [Problem(
        message, None, INSTALL_HINT + "。不加 --pdf 时只生成 申报书.docx 和 证明材料.pdf，"
        "除 Office 格式的证明材料外不需要 LibreOffice", code="office.missing")])


@contextmanager
def _workdir(out_dir: Path | None) -> Iterator[Path]:
    """A scratch folder; inside the output folder when there is one, so moves are atomic renames.

    With an output folder, the build holds its lock (:class:`skilldoc.workdirs.FolderLock`) for the
    whole run: a second build into the same folder is refused while this one runs.  Scratch folders
    that earlier killed runs left (``output/.skilldoc-*``, ``skilldoc-*`` in the temporary folder)
    are removed on the way in (:mod:`skilldoc.workdirs`).
    """
    from .workdirs import FolderLock, work_folder

    if out_dir is None:
        with work_folder("skilldoc-") as path:
            yield path
        return
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(problems=[Problem(f"无法创建输出文件夹：{os_reason(exc)}", Location(str(out_dir)),
                                            hint="检查路径是否写对、是否有写入权限；或用 -o 指定另一个输出文件夹",
                                            code="output.folder")]) from None
    with ExitStack() as stack:
        try:
            stack.enter_context(FolderLock(out_dir))
            path = stack.enter_context(work_folder(".skilldoc-", out_dir))
        except OSError as exc:
            raise OutputError(problems=[Problem(f"无法在输出文件夹中写入文件：{os_reason(exc)}", Location(str(out_dir)),
                                                hint="检查该文件夹的写入权限、磁盘是否已满；或用 -o 指定另一个输出文件夹",
                                                code="output.folder")]) from None
        yield path


def _move_into_place(staged: dict[str, Path], out_dir: Path) -> dict[str, Path]:
    """Move every staged file into ``out_dir``: all of them or, on failure, none.

    Targets that cannot be replaced (a folder of that name) are reported before
    anything moves; if a move still fails (a file held open on Windows), the
    files already replaced are put back, so the outputs never mix two builds.
    """
    targets = {label: out_dir / path.name for label, path in staged.items()}
    blocked = [Problem(f"无法写入：已有同名的文件夹“{target.name}”", Location(str(target)),
                       hint="请把该文件夹改名或移走后重试", code="output.blocked")
               for target in targets.values() if target.is_dir()]
    if blocked:
        raise OutputError(problems=blocked)
    mode = user_mode()  # temp files are private (0600); outputs get the user's usual mode
    backup_dir = next(iter(staged.values())).parent / ".previous" if staged else out_dir
    done: list[tuple[Path, Path | None]] = []  # (target, backup of the file it replaced)
    try:
        for label, path in staged.items():
            target = targets[label]
            backup: Path | None = None
            if target.exists():
                backup_dir.mkdir(exist_ok=True)
                backup = backup_dir / target.name
                os.replace(target, backup)  # fails (nothing changed) when the file is locked
            try:
                os.chmod(path, mode)
                os.replace(path, target)
            except OSError:
                if backup is not None:
                    os.replace(backup, target)
                raise
            done.append((target, backup))
    except OSError as exc:
        for target, backup in reversed(done):
            try:
                if backup is not None:
                    os.replace(backup, target)
                else:
                    target.unlink()
            except OSError:
                pass
        failed = Path(exc.filename) if exc.filename else out_dir
        name = next((t for t in targets.values() if t.name == failed.name), failed)
        raise OutputError(problems=[Problem(
            f"无法写入：{os_reason(exc)}；本次没有替换任何输出文件", Location(str(name)),
            hint="如果该文件正在 Word/WPS 或 PDF 阅读器中打开，请先关闭再重试；也可用 -o 指定另一个输出文件夹",
            code="output.write")]) from None
    return dict(targets)


_ERRNO_TEXT = {
    errno.EACCES: "没有写入权限",
    errno.EPERM: "操作不被允许（没有权限，或文件被锁定）",
    errno.EROFS: "所在磁盘是只读的",
    errno.ENOSPC: "磁盘空间不足",
    errno.ENOENT: "路径不存在",
    errno.ENOTDIR: "路径中有一项是文件而不是文件夹",
    errno.EISDIR: "这是一个文件夹",
    errno.EEXIST: "已有同名的文件，而这里需要的是文件夹",
    errno.EBUSY: "文件正被其他程序占用",
    errno.ETXTBSY: "文件正被其他程序占用",
    errno.EDQUOT: "超出磁盘配额",
    errno.ENAMETOOLONG: "路径太长",
}


def os_reason(exc: OSError) -> str:
    """A Chinese reason for an operating-system error (the English strerror is not shown)."""
    if getattr(exc, "winerror", None) in (32, 33):  # ERROR_SHARING_VIOLATION / ERROR_LOCK_VIOLATION
        return "文件正被其他程序打开（如 Word、WPS 或 PDF 阅读器）"
    text = _ERRNO_TEXT.get(exc.errno or -1)
    return text if text else f"系统错误 {exc.errno}（{exc.strerror or exc}）"


def _human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{size / 1024:.0f} KB"


__all__ = ["BuildResult", "Loaded", "SkilldocError", "build", "check", "load", "ordered_evidence", "prepare"]
