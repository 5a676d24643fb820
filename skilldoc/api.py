"""The library API the CLI (and any other program) calls.

Each function takes paths and options, returns a result object or raises a
:class:`skilldoc.errors.SkilldocError`; none prints.

    >>> from skilldoc import api
    >>> report = api.check("我的申报")          # doctest: +SKIP
    >>> result = api.build("我的申报", pdf=True)  # doctest: +SKIP
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import fileio, limits
from .errors import ChecksFailed, EvidenceError, InputError, Location, OutputError, Problem, Severity
from .form import SECTIONS

if TYPE_CHECKING:  # pragma: no cover
    from .checks.engine import CheckReport
    from .checks.wordcount import Counts
    from .evidence.bundle import BundleResult, Progress
    from .importer import ImportResult
    from .pipeline import BuildResult
    from .project import InitResult
    from .review.rubric import RubricOutlook
    from .review.run import ReviewResult
    from .workspace import ContextValue, Overview, SaveResult, SectionPreview, SectionText

__all__ = ["BuildResult", "ChecksFailed", "EvidenceError", "build", "bundle_files", "check", "check_docx", "context_values", "count",
           "folder_version", "import_docx", "init", "overview", "preview_section", "read_section", "review",
           "rubric_outlook", "save_section"]


def __getattr__(name: str) -> Any:
    # The pipeline (workbook, openpyxl, templates) is imported when first needed, not by
    # ``import skilldoc.api``: ``skilldoc bundle`` never needs it (start-up time).
    if name == "BuildResult":
        from .pipeline import BuildResult

        return BuildResult
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def init(directory: str | Path, *, year: int | None = None, docx: bool = False) -> InitResult:
    """Create an applicant folder (workbook, eight section templates, evidence folder).

    ``docx``: the section templates are Word documents (``sections/N-名称.docx``).
    """
    from .project import init_project

    return init_project(Path(directory), year, docx=docx)


def import_docx(source: str | Path, directory: str | Path, *, md: bool = False) -> ImportResult:
    """Create an applicant folder from a 申报书.docx filled in by hand (``skilldoc import``).

    ``directory`` must not exist or be empty; ``md``: sections as .md instead of .docx.
    """
    from .importer import import_form

    return import_form(Path(source), Path(directory), md=md)


def check(directory: str | Path, *, limit: int | None = None,
          standards: Sequence[str | Path] = ("national",)) -> CheckReport:
    """Run every check; returns a :class:`skilldoc.checks.engine.CheckReport`.

    ``standards``: shipped standard keys (see ``skilldoc/standards/*.toml``) or .toml paths.
    """
    from .pipeline import check as _check

    return _check(Path(directory), limit=limit, standards=standards)


def check_docx(path: str | Path, *, limit: int | None = None,
               standards: Sequence[str | Path] = ("national",)) -> CheckReport:
    """Check a 申报书.docx that skilldoc may not have made: the same report as :func:`check`.

    Reads the form with :func:`skilldoc.word.read_form` (header table, 培训总量, occupations,
    the eight sections) and runs every check that does not need the workbook's expert and
    evidence sheets.  A literal （见证明材料第…页） counts as a citation.  Raises InputError
    when the file is not a readable Word document or not the form.
    """
    from .checks.engine import run_checks
    from .word import load_form, rendered_sections

    if Path(path).suffix.lower() in _SPREADSHEETS:  # the workbook given instead of its folder
        folder = Path(path).parent
        raise InputError("这是工作簿，不是申报文件夹或申报书", [Problem(
            "skilldoc check 检查的是整个申报文件夹（工作簿、正文和证明材料），或一份申报书 .docx",
            Location(str(path)), f"请给出工作簿所在的申报文件夹：skilldoc check {folder}", code="check.workbook")])
    document = load_form(Path(path))
    reading = [p for p in document.problems if p.code != "import.label_missing"]
    report = run_checks(document.app, rendered_sections(document), evidence_problems=reading,
                        limit=limit or SECTIONS[0].limit, standards=standards)
    return _not_on_form(report, Path(path))


_SPREADSHEETS = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".et"})


# Measurements the official form has no cells for (they come from the workbook's 职业工种 equipment
# columns, 专家团队 and the years' 合格率/满意率): a .docx cannot fail them, only leave them unchecked.
NOT_ON_FORM = frozenset({"occupations_with_equipment", "min_experts_per_occupation", "experts_total",
                          "latest_pass_rate", "latest_satisfaction"})


def _not_on_form(report: CheckReport, path: Path) -> CheckReport:
    import dataclasses

    from .errors import Severity

    unchecked = [r for r in report.thresholds if r.metric in NOT_ON_FORM and not r.passed]
    if not unchecked:
        return report
    ids = {(r.standard, r.rule_id) for r in unchecked}
    report.thresholds = [dataclasses.replace(r, actual="表中无此项数据", severity=Severity.INFO, details=())
                         if (r.standard, r.rule_id) in ids else r for r in report.thresholds]
    drop = {f"{r.standard_title}{r.article}要求“{r.rule}”" for r in unchecked}
    report.findings = [p for p in report.findings
                       if not (p.code == "threshold.failed" and any(p.message.startswith(d) for d in drop))]
    report.findings += [Problem(
        f"{r.standard_title}{r.article}要求“{r.rule}”：申报书表格中没有这项数据，未核对", Location(str(path)),
        "请对照申报书正文和证明材料人工核对", Severity.INFO, "threshold.not_on_form") for r in unchecked]
    return report


def rubric_outlook(directory: str | Path, rubric: str | Path, *, variant: str | None = None) -> RubricOutlook:
    """The applicant's view of a scoring rubric (``skilldoc check --rubric``).

    The points the workbook's figures earn on the automatic items, the ranges of the
    others, and the 佐证材料 the rubric asks for that the evidence sheet seems to lack.
    ``directory`` may also be a 申报书.docx (it has no evidence sheet: that part is left out).
    """
    from .review.rubric import load_rubric, outlook

    loaded_rubric = load_rubric(rubric, variant)
    path = Path(directory)
    if path.is_dir():
        from .pipeline import load

        return outlook(loaded_rubric, load(path).app)
    from .word import read_form

    return outlook(loaded_rubric, read_form(path).app, evidence_listed=False)


def review(inputs: Sequence[str | Path], out_dir: str | Path, *,
           standards: Sequence[str | Path] = ("national",), limit: int | None = None,
           rubric: str | Path | None = None, variant: str | None = None, score_sheets: int = 0,
           scores: Sequence[str | Path] = (), quota: int | None = None,
           report_template: str | Path | None = None) -> ReviewResult:
    """Review many applications (``skilldoc review``): 审核汇总表.xlsx, score sheets, ranking, 推荐报告.

    ``inputs``: applicant folders, 申报书.docx files, or folders holding several of either.
    One unreadable application never stops the others: it gets its row with the reason.
    """
    from .review.run import ReviewOptions
    from .review.run import review as _review

    options = ReviewOptions(standards=standards, limit=limit, rubric=rubric, variant=variant,
                            score_sheets=score_sheets, scores=[Path(p) for p in scores], quota=quota,
                            report_template=Path(report_template) if report_template else None)
    return _review([Path(p) for p in inputs], Path(out_dir), options)


def overview(directory: str | Path, *, limit: int | None = None,
             standards: Sequence[str | Path] = ("national",)) -> Overview:
    """The check report plus the evidence table, page map and 未登记 files (the workbench's 总览).

    Input errors do not raise: they are in ``Overview.problems`` (``report`` is None then).
    """
    from .workspace import overview as _overview

    return _overview(directory, limit=limit, standards=standards)


def folder_version(directory: str | Path) -> str:
    """A cheap fingerprint of the folder's inputs (stat only): poll it to notice saved changes."""
    from .workspace import folder_version as _version

    return _version(directory)


def preview_section(directory: str | Path, number: int, text: str, *, basis: Overview | None = None,
                    limit: int | None = None) -> SectionPreview:
    """Section ``number`` rendered from unsaved ``text``: blocks, 字数 by the rule of ``check``, problems.

    ``basis``: a previous :func:`overview` of the folder (its workbook values and page map are used).
    """
    from .workspace import preview_section as _preview

    return _preview(directory, number, text, basis=basis, limit=limit)


def read_section(directory: str | Path, number: int) -> SectionText:
    """The saved text of section ``number`` with a version for :func:`save_section`."""
    from .workspace import read_section as _read

    return _read(directory, number)


def save_section(directory: str | Path, number: int, text: str, *, base_version: str | None) -> SaveResult:
    """Save section ``number`` atomically, keeping the previous version; refuses when changed on disk."""
    from .workspace import save_section as _save

    return _save(directory, number, text, base_version=base_version)


def context_values(basis: Overview) -> list[ContextValue]:
    """The names ``skilldoc vars`` lists, with their current values and the expression to insert."""
    from .workspace import context_values as _values

    return _values(basis)


def build(directory: str | Path, *, out_dir: str | Path | None = None, force: bool = False,
          pdf: bool = False, duplex: bool = False, odd_items: bool = False, stamp: str | None = None,
          start: int = 1, progress: Progress = None) -> BuildResult:
    """Check, then write 申报书.docx and 证明材料.pdf (and the print PDFs with ``pdf=True``).

    ``duplex``: every part starts on a right-hand page and stamps sit on the outer edge;
    ``odd_items`` (with ``duplex``): every evidence item starts on a right-hand page too.
    ``stamp``/``start``: the page-number format (``{n}``, ``{total}``) and first number.
    """
    from .pipeline import build as _build

    return _build(Path(directory), out_dir=Path(out_dir) if out_dir else None, force=force, pdf=pdf,
                  duplex=duplex, odd_items=odd_items, stamp=stamp, start=start, progress=progress)


def bundle_files(files: Sequence[str | Path], out: str | Path, *, stamp: str = "第 {n} 页", start: int = 1,
                 toc: bool = True, password: str | None = None, duplex: bool = False,
                 progress: Progress = None) -> BundleResult:
    """Bundle any files into one stamped PDF with 目录 and bookmarks (``skilldoc bundle``)."""
    from .evidence.bundle import BundleOptions, bundle_paths

    out = Path(out)
    _check_output_file(out)  # before converting anything: that can take minutes
    from .workdirs import work_folder

    with work_folder("skilldoc-") as tmp:
        # checks every file and copies it in one pass (each PDF parsed once); all problems are
        # still raised together before the output is replaced
        result = bundle_paths([Path(f) for f in files], out, Path(tmp),
                              BundleOptions(stamp=stamp, start=start, toc=toc, duplex=duplex),
                              password=password, progress=progress)
    try:  # the writer's temp file is private (0600); the output gets the user's usual mode
        os.chmod(out, fileio.user_mode())
    except OSError:
        pass
    return result


def _check_output_file(out: Path) -> None:
    """Raise OutputError when ``out`` cannot be written (a folder, an unwritable or missing place)."""
    def fail(message: str, hint: str) -> OutputError:
        return OutputError(problems=[Problem(message, Location(str(out)), hint, code="output.write")])

    if out.is_dir():
        raise fail("无法写入：这是一个文件夹", "用 -o 指定 PDF 文件名，例如 -o 合并.pdf")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".skilldoc-", dir=out.parent)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        from .pipeline import os_reason  # only on failure: the pipeline is slow to import

        raise fail(f"无法写入：{os_reason(exc)}",
                   "检查文件夹是否存在、是否有写入权限、磁盘是否已满；或用 -o 指定另一个位置") from None


def count(source: str | Path, warnings: list[Problem] | None = None) -> Counts:
    """Word-style counts (字数, 字符数（不计空格）, 汉字) of a text file, a .docx, or ``-`` (stdin).

    Control characters are removed before counting, as ``build`` removes them from the
    sections; ``warnings`` (when given) receives a warning saying so.
    """
    from .checks.wordcount import count_text

    text = _read_text(source)
    found = sorted({f"U+{ord(c):04X}" for c in _CONTROL.findall(text)})
    if found:
        text = _CONTROL.sub("", text)
        if warnings is not None:
            where = "标准输入" if str(source) == "-" else str(source)
            warnings.append(Problem(f"含有控制字符 {'、'.join(found)}，已删除后统计（生成申报书时同样会删除）",
                                    Location(where), "多来自从其他软件复制的文字", Severity.WARNING,
                                    "count.control_char"))
    if warnings is not None and any(a in text and b in text for a, b in _TEMPLATE_SYNTAX):
        # a section template counted as typed: its figure is not the one check and the 申报书 have
        warnings.append(Problem("这是正文模板的原文：{# … #} 说明和 {{ … }} 等模板语句也按原样计入了字数，"
                                "与申报书中该部分的字数不同",
                                Location("标准输入" if str(source) == "-" else str(source)),
                                "申报书中各部分的字数（代入数据和证明材料页码之后）请以 skilldoc check 为准",
                                Severity.INFO, "count.template"))
    return count_text(text)


# Jinja delimiters in a text: a section template (sections/N-名称.md) counted as typed
# (substring tests, linear on any input).
_TEMPLATE_SYNTAX = (("{{", "}}"), ("{%", "%}"), ("{#", "#}"))


# The characters a DOCX cannot hold, which build removes from the sections (render.py).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


# Files ``count`` cannot read as text, and what to do instead.
_NOT_TEXT = {
    ".doc": "旧版 Word 文档（.doc）",
    ".wps": "WPS 文字文档（.wps）",
    ".pdf": "PDF 文件",
    ".xlsx": "Excel 工作簿", ".xls": "Excel 工作簿", ".et": "WPS 表格",
    ".pptx": "演示文稿", ".ppt": "演示文稿",
    ".odt": "OpenDocument 文档", ".rtf": "RTF 文档",
    ".jpg": "图片", ".jpeg": "图片", ".png": "图片", ".zip": "压缩包",
}


def _read_text(source: str | Path) -> str:
    if str(source) == "-":
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:  # a text-only stdin (some embedding programs)
            return sys.stdin.read(limits.COUNT_MAX_BYTES)
        return _decode(_read_capped(stream, "标准输入"), "标准输入",
                       "把文字保存为 UTF-8 或 GBK 编码的文本文件后再统计")
    path = Path(source)
    try:
        kind = limits.file_kind(path)
    except OSError:
        raise InputError(problems=[Problem("文件不存在", Location(str(path)),
                                           hint="检查文件路径；读取标准输入请用 -")]) from None
    if kind == "文件夹":
        raise InputError(problems=[Problem("这是一个文件夹，不是文件", Location(str(path)),
                                           hint="请给出一个文本文件（.txt、.md）或 Word 文档（.docx）")])
    if kind is not None:
        raise InputError(problems=[Problem(f"这是一个{kind}，不是普通文件，不能统计字数", Location(str(path)),
                                           hint="请给出一个文本文件（.txt、.md）或 Word 文档（.docx）；"
                                                "要统计其他程序输出的文字，请用管道送到标准输入：… | skilldoc count -")])
    suffix = path.suffix.lower()
    if suffix == ".docx":
        from .word import extract_text

        return extract_text(path)
    if suffix in _NOT_TEXT:
        raise InputError(problems=[Problem(
            f"不能统计{_NOT_TEXT[suffix]}的字数", Location(str(path)),
            hint="只支持文本文件（.txt、.md 等，UTF-8 或 GBK 编码）和 Word 文档（.docx）；"
                 "请用 Word/WPS 把它另存为 .docx，或把文字复制到文本文件中")])
    try:
        with path.open("rb") as fh:
            data = _read_capped(fh, str(path))
    except OSError as exc:
        raise InputError(problems=[Problem(f"无法读取：{exc.strerror or exc}", Location(str(path)),
                                           hint="检查文件的读取权限")]) from None
    return _decode(data, str(path), "请用记事本或 WPS 另存为 UTF-8 编码的文本文件")


def _read_capped(stream: Any, where: str) -> bytes:
    """At most COUNT_MAX_BYTES; InputError beyond (never the whole of an endless input)."""
    data: bytes = stream.read(limits.COUNT_MAX_BYTES + 1)
    if len(data) > limits.COUNT_MAX_BYTES:
        raise InputError(problems=[Problem(
            f"内容超过 {limits.COUNT_MAX_BYTES // limits.MiB} MB，不像是一份申报书的正文，未统计", Location(where),
            hint="请只给出要统计的那部分文字")])
    return data


def _decode(data: bytes, where: str, hint: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM (Notepad's “Unicode”), else GBK/GB18030."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif data.count(b"\0") <= max(8, len(data) // 10):  # many NULs: UTF-16 or binary, not text we read
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    raise InputError(problems=[Problem("无法识别文字编码（既不是 UTF-8 也不是 GBK），或者不是文本文件",
                                       Location(where), hint=hint)])
