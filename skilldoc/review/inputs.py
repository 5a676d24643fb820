"""Find the applications among the reviewer's inputs and check each one on its own.

An input is an applicant folder (it holds 申报数据.xlsx), a 申报书.docx, or a
folder holding several of either.  Each application is checked independently:
whatever goes wrong with one (a missing workbook, a corrupt .docx, a bug)
becomes that application's reason, and the others are still reviewed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..checks.engine import CheckReport, ThresholdResult
from ..checks.standards import METRICS, Measurement
from ..errors import Location, Problem, Severity, SkilldocError
from ..form import LAYOUT
from ..limits import file_kind
from ..model import Application

WORD_SUFFIXES = (".docx", ".doc")  # a .doc is converted with LibreOffice by the Word reader
OLD_WORD = {".wps": "WPS 文字文档（.wps）"}


@dataclass(frozen=True)
class Candidate:
    """One application to review: where it is and what kind of input it is."""

    path: Path
    kind: str  # "folder", "docx", or "unknown" (an input that is neither; reviewed as an error row)
    reason: str = ""  # why an "unknown" input is not an application


@dataclass
class Reviewed:
    """One application after checking: its data and report, or the reason it could not be read."""

    id: str  # A01, A02 … in input order
    candidate: Candidate
    app: Application | None = None
    report: CheckReport | None = None
    evidence_pages: int | None = None  # pages of 证明材料.pdf as it would be built
    problems: list[Problem] = field(default_factory=list)  # why it could not be reviewed

    @property
    def ok(self) -> bool:
        return self.report is not None

    @property
    def source(self) -> str:
        """The folder or file name, as the reviewer gave it."""
        return self.candidate.path.name or str(self.candidate.path)

    @property
    def name(self) -> str:
        """申报单位名称, else the file or folder name."""
        if self.app is not None:
            org = self.app.header.get("org_name")
            if isinstance(org, str) and org.strip():
                return org.strip()
        return self.source

    @property
    def category(self) -> str:
        value = self.app.header.get("category") if self.app is not None else None
        return str(value) if value else ""

    @property
    def occupations(self) -> list[str]:
        return [o.name for o in self.app.occupations] if self.app is not None else []

    def figure(self, metric: str) -> Measurement | None:
        """The application's figure; None when there is none — for a 申报书.docx, the form has no cells
        for the figures in ``api.NOT_ON_FORM`` (they would read 0, which the form does not say)."""
        from ..api import NOT_ON_FORM

        if self.app is None or (self.candidate.kind == "docx" and metric in NOT_ON_FORM):
            return None
        return METRICS[metric](self.app)

    @property
    def reason(self) -> str:
        """Why the application could not be reviewed (one line)."""
        errors = [p for p in self.problems if p.severity is Severity.ERROR] or self.problems
        if not errors:
            return ""
        first = errors[0]
        loc = first.location
        plain = loc is None or (loc.file == str(self.candidate.path) and str(loc) == loc.file)
        text = first.message if plain else f"{_short(loc)}：{first.message}"  # type: ignore[arg-type]
        return text + (f"（另有 {len(errors) - 1} 处问题）" if len(errors) > 1 else "")

    @property
    def thresholds_passed(self) -> bool:
        """Every threshold met — or, for a 申报书.docx, not checkable from the form (see :attr:`unchecked`)."""
        return self.report is not None and not self.failed

    @property
    def failed(self) -> list[ThresholdResult]:
        return [t for t in self.report.thresholds if not t.passed and t.severity is not Severity.INFO] \
            if self.report else []

    @property
    def unchecked(self) -> list[ThresholdResult]:
        """Thresholds the 申报书 form has no cells for (``api.check_docx`` marks them 提示): checked by hand."""
        return [t for t in self.report.thresholds if not t.passed and t.severity is Severity.INFO] \
            if self.report else []

    @property
    def over_limit(self) -> list[str]:
        return [s.section.title for s in self.report.sections if s.over] if self.report else []


def _short(loc: Location) -> str:
    text = str(loc)
    parts = text.split(" ", 1)
    return Path(parts[0]).name + (f" {parts[1]}" if len(parts) > 1 else "")


def collect(inputs: Sequence[Path], exclude: Sequence[Path] = ()) -> tuple[list[Candidate], list[Path]]:
    """The applications among ``inputs``, in the order given (folders: by name); and the files skipped.

    Every input named on the command line becomes a candidate (an error row when
    it is not an application); inside a folder of applications, files that are
    neither a folder nor a Word document are skipped and returned.  ``exclude``: folders that are
    never applications (the output folder, when it sits among the inputs).
    """
    excluded = {Path(p).resolve() for p in exclude}
    found: list[Candidate] = []
    skipped: list[Path] = []
    seen: set[Path] = set()

    def add(c: Candidate) -> None:
        key = c.path.resolve() if c.path.exists() else c.path
        if key not in seen:
            seen.add(key)
            found.append(c)

    for path in inputs:
        path = Path(path)
        if path.exists() and path.resolve() in excluded:
            continue
        if not path.exists():
            add(Candidate(path, "unknown", "找不到该文件或文件夹"))
        elif path.is_dir():
            if (path / LAYOUT.workbook).exists():
                add(Candidate(path, "folder"))
                continue
            children = sorted((p for p in path.iterdir() if not p.name.startswith((".", "~$"))),
                              key=lambda p: p.name)
            if not children:
                add(Candidate(path, "unknown", f"文件夹是空的：既不是申报文件夹（缺少 {LAYOUT.workbook}），也不含申报书"))
            for child in children:
                if child.resolve() in excluded:
                    continue
                c = _classify(child, top=False)
                if c is None:
                    skipped.append(child)
                else:
                    add(c)
        else:
            c = _classify(path, top=True)
            add(c if c is not None else Candidate(
                path, "unknown", "不是申报文件夹，也不是申报书（.docx）"))
    return found, skipped


def _classify(path: Path, *, top: bool) -> Candidate | None:
    if path.is_dir():
        if (path / LAYOUT.workbook).exists():
            return Candidate(path, "folder")
        if path.name == LAYOUT.output_dir:
            return None
        return Candidate(path, "unknown", f"不是申报文件夹：缺少 {LAYOUT.workbook}")
    suffix = path.suffix.lower()
    if suffix in WORD_SUFFIXES:
        return Candidate(path, "docx")
    if suffix in OLD_WORD:
        return Candidate(path, "unknown", f"{OLD_WORD[suffix]}无法读取：请用 Word/WPS 另存为 .docx")
    return None if not top else Candidate(path, "unknown", "不是申报文件夹，也不是申报书（.docx）")


def review_one(c: Candidate, index: int, *, limit: int | None, standards: Sequence[str | Path]) -> Reviewed:
    """Check one application; never raises (every failure becomes the row's reason)."""
    r = Reviewed(id=f"A{index:02d}", candidate=c)
    try:
        if c.kind == "unknown":
            r.problems.append(Problem(c.reason, Location(str(c.path)), code="review.input"))
        elif c.kind == "folder":
            _review_folder(r, limit, standards)
        else:
            _review_docx(r, limit, standards)
    except SkilldocError as exc:
        r.problems.extend(exc.problems or [Problem(exc.summary, Location(str(c.path)))])
    except Exception as exc:  # one broken application must never stop the others
        r.problems.append(Problem(f"内部错误（{type(exc).__name__}: {exc}）", Location(str(c.path)),
                                  hint="这是 skilldoc 的缺陷，请单独对该申报运行 skilldoc check --verbose 并报告",
                                  code="review.internal"))
    return r


def _review_folder(r: Reviewed, limit: int | None, standards: Sequence[str | Path]) -> None:
    from ..pipeline import prepare
    from ..workdirs import work_folder  # locked while in use: a killed run's folder is swept later

    kind = file_kind(r.candidate.path / LAYOUT.workbook)
    if kind is not None:
        r.problems.append(Problem(f"{LAYOUT.workbook} 是{kind}，不是工作簿文件",
                                  Location(str(r.candidate.path / LAYOUT.workbook)), code="review.input"))
        return
    with work_folder("skilldoc-") as workdir:
        prepared = prepare(r.candidate.path, workdir, limit=limit, standards=standards, toc=False)
    r.app = prepared.loaded.app
    r.report = prepared.report
    r.evidence_pages = prepared.plan.evidence_pages if prepared.plan is not None else None


def _review_docx(r: Reviewed, limit: int | None, standards: Sequence[str | Path]) -> None:
    """A 申报书.docx (or .doc): the Word reader gives the figures, ``api.check_docx`` the report.

    The form holds no expert or evidence sheet, so those columns stay empty and the
    thresholds that need them are reported as the check reports them.
    """
    from .. import api
    from ..word import load_form

    kind = file_kind(r.candidate.path)
    if kind is not None:
        r.problems.append(Problem(f"这是{kind}，不是 Word 文档", Location(str(r.candidate.path)),
                                  code="review.input"))
        return
    r.app = load_form(r.candidate.path).app
    r.report = api.check_docx(r.candidate.path, limit=limit, standards=standards)


def review_all(inputs: Sequence[Path], *, limit: int | None = None, standards: Sequence[str | Path] = ("national",),
               exclude: Sequence[Path] = ()) -> tuple[list[Reviewed], list[Path]]:
    candidates, skipped = collect(inputs, exclude)
    return [review_one(c, i, limit=limit, standards=standards)
            for i, c in enumerate(candidates, start=1)], skipped

