"""The applicant folder: create it (``skilldoc init``), locate it, read its section files.

::

    我的申报/
      申报数据.xlsx          the workbook (see skilldoc.workbook)
      sections/1-申报背景.md … sections/8-建设规划.md
      证明材料/              evidence files, listed in the workbook's 证明材料 sheet
      output/                what ``skilldoc build`` writes
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from . import form, limits
from .errors import InputError, Location, OutputError, Problem, Severity, errors_in, warnings_in
from .fileio import write_atomically
from .model import Project, SectionSource
from .workbook import write_workbook

EVIDENCE_README = "说明.txt"
_INIT_HINT = "请换一个新的文件夹名，或先把原有文件移走。"


@dataclass(frozen=True)
class InitResult:
    root: Path
    created: list[Path] = field(default_factory=list)


# --- init ---------------------------------------------------------------------------------


def section_starter(section: form.Section) -> str:
    """The starter text of a section file: the form's guidance as a Jinja comment, then a first line."""
    example_var = form.HEADER_BY_KEY["org_name"].var
    teachers = form.HEADER_BY_KEY["fulltime_teachers"].var
    value = form.HEADER_BY_KEY["equipment_value"].var
    return f"""{{#
  {section.title}
  申报书原文填写要求：{section.guidance}
  {form.SECTION_NOTE}
  字数：本部分不超过 {section.limit} 字。

  （本段是注释，不会出现在申报书中，可以保留也可以删除。）

  写法示例：
    一、一级标题
    （一）二级标题
    正文段落直接书写，段落之间空一行；**加粗的文字** 用两个星号括起来。
    - 列表项（以“- ”开头）
    | 表头一 | 表头二 |
    | --- | --- |
    | 内容 | 内容 |

  引用工作簿中的数据（不要重复手工录入）：
    {{{{ {example_var} }}}}、{{{{ {teachers} }}}} 人、{{{{ {value} }}}} 万元
  引用证明材料（编号见工作簿“证明材料”表），生成时换成证明材料中的页码：
    {{{{ 证明("E01") }}}}
  全部可用的变量、函数和过滤器：在命令行运行 skilldoc vars
#}}
{{{{ {example_var} }}}}（请在此撰写“{section.name}”部分的正文，并删除本括号内的提示。）
"""


def _write_text(path: Path, text: str) -> None:
    write_atomically(path, text.encode("utf-8"))


def evidence_readme() -> str:
    return (
        "把证明材料文件（PDF、照片、扫描件）放在这个文件夹里。\n"
        f"然后在 {form.LAYOUT.workbook} 的“{form.LAYOUT.sheets['evidence']}”表中每份材料填一行：\n"
        "  编号（如 E01）、名称、文件（如 证明材料/营业执照.pdf，多个文件用换行或分号分隔）、所属部分。\n"
        "正文中用 {{ 证明(\"E01\") }} 引用，生成申报书时会换成它在 证明材料.pdf 中的页码。\n"
        "加密的 PDF 请在“打开密码”列填写密码。照片会自动转正并排成 A4 页面。\n"
    )


def section_starter_docx_note(section: form.Section) -> list[str]:
    """The guidance of a starter section written as .docx: grey paragraphs inside one Jinja comment."""
    org = form.HEADER_BY_KEY["org_name"].var
    return [
        f"{{# 【填写说明：本段是注释，不会出现在申报书中，可以保留也可以删除】{section.title}",
        f"申报书原文填写要求：{section.guidance}{form.SECTION_NOTE}字数：本部分不超过 {section.limit} 字。",
        "写法：标题用 Word 的“标题 1”“标题 2”样式，或直接输入“一、”“（一）”开头；加粗、项目符号、编号和表格照常使用。",
        f"引用工作簿中的数据：{{{{ {org} }}}}；引用证明材料（编号见工作簿“证明材料”表）：{{{{ 证明(\"E01\") }}}}，"
        "生成时换成证明材料中的页码。全部可用的名称：在命令行运行 skilldoc vars。 #}",
    ]


def section_starter_docx_body(section: form.Section) -> str:
    org = form.HEADER_BY_KEY["org_name"].var
    return f"{{{{ {org} }}}}（请在此撰写“{section.name}”部分的正文，并删除本括号内的提示。）\n"


def init_project(directory: Path, year: int | None = None, *, docx: bool = False) -> InitResult:
    """Create a starter applicant folder in ``directory`` (new or existing, without a workbook).

    Refuses (:class:`InputError`) to overwrite an existing workbook or section
    file; nothing is written in that case.  ``year`` is the 填报 year (default:
    this year); the workbook's 培训总量 covers the three years before it.
    """
    directory = Path(directory)
    year = dt.date.today().year if year is None else year
    if not 1990 <= year <= 2100:
        raise InputError("填报年份无效", [Problem(f"填报年份 {year} 不合理", None,
                                                "请用四位数年份，如 --year 2025。", code="init.year")])
    if directory.exists() and not directory.is_dir():
        raise InputError("无法创建申报文件夹", [Problem(
            f"{directory} 已存在，但不是文件夹", Location(str(directory)), _INIT_HINT, code="init.exists")])
    workbook = directory / form.LAYOUT.workbook
    sections_dir = directory / form.LAYOUT.sections_dir
    section_files = [sections_dir / (section_docx_name(s) if docx else s.filename) for s in form.SECTIONS]
    other_kind = [sections_dir / (s.filename if docx else section_docx_name(s)) for s in form.SECTIONS]
    clashes = [p for p in [workbook, *section_files, *other_kind] if p.exists()]
    if clashes:
        raise InputError("申报文件夹中已有文件，未做任何修改", [Problem(
            f"{p.relative_to(directory).as_posix()} 已存在，不会覆盖", Location(str(p)), _INIT_HINT,
            code="init.exists") for p in clashes])
    evidence_dir = directory / form.LAYOUT.evidence_dir
    created: list[Path] = []
    try:
        for d in (directory, sections_dir, evidence_dir):
            d.mkdir(parents=True, exist_ok=True)
        write_workbook(workbook, year)
        created.append(workbook)
        for section, path in zip(form.SECTIONS, section_files, strict=True):
            if docx:
                from .word.writer import write_section

                write_section(path, section_starter_docx_body(section), section_starter_docx_note(section))
            else:
                _write_text(path, section_starter(section))
            created.append(path)
        readme = evidence_dir / EVIDENCE_README
        if not readme.exists():
            _write_text(readme, evidence_readme())
            created.append(readme)
    except OSError as exc:
        raise OutputError("无法创建申报文件夹", [Problem(
            f"写入失败：{exc.strerror or exc}", Location(str(exc.filename or directory)),
            "请确认有写入权限、磁盘未满。", code="init.write")]) from exc
    return InitResult(directory, created)


# --- locate -------------------------------------------------------------------------------


# spreadsheets a clerk may have saved instead of 申报数据.xlsx (named in the message when it is missing)
_SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".ods", ".fods", ".numbers", ".csv")


def locate(directory: Path) -> Project:
    """The applicant folder at ``directory`` (nothing read yet); InputError without a workbook."""
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError("找不到申报文件夹", [Problem(
            f"{directory} 不存在或不是文件夹", Location(str(directory)),
            f"请检查路径，或运行 skilldoc init {directory} 创建申报文件夹。", code="project.missing")])
    root = directory.resolve()
    workbook = root / form.LAYOUT.workbook
    if not workbook.exists():  # a FIFO or folder of that name: the workbook reader says what it is
        # 申报数据 saved by LibreOffice or as Excel 97-2003 is read as it is (the reader warns)
        stem = Path(form.LAYOUT.workbook).stem
        saved_as = [root / f"{stem}{ext}" for ext in (".ods", ".xls") if (root / f"{stem}{ext}").is_file()]
        if len(saved_as) == 1:
            workbook = saved_as[0]
    if not workbook.exists():
        others = sorted(p.name for p in root.iterdir() if p.suffix.lower() in _SPREADSHEET_SUFFIXES
                        and not p.name.startswith(("~$", ".~lock")))
        hint = f"请运行 skilldoc init {directory} 创建申报文件夹（会生成 {form.LAYOUT.workbook}）。"
        if others:
            # never send the clerk to init here: that makes a blank workbook beside the filled one
            hint = (f"文件夹里有 {'、'.join(others)}：如果这是填好的申报数据，请用 Excel、WPS 或 LibreOffice 打开它，"
                    f"“文件 → 另存为”Excel 工作簿（.xlsx），文件名为 {form.LAYOUT.workbook}，保存在这个文件夹里。")
        raise InputError("找不到申报数据工作簿", [Problem(
            f"{form.LAYOUT.workbook} 不在申报文件夹 {directory} 中", Location(form.LAYOUT.workbook), hint,
            code="project.workbook")])
    return Project(root=root, workbook=workbook, sections_dir=root / form.LAYOUT.sections_dir,
                   evidence_dir=root / form.LAYOUT.evidence_dir, output_dir=root / form.LAYOUT.output_dir)


# --- sections -------------------------------------------------------------------------------

SECTION_SUFFIXES = (".md", ".docx")


def section_docx_name(section: form.Section) -> str:
    """``1-申报背景.docx``: the name of a section written in Word."""
    return Path(section.filename).with_suffix(".docx").name


def _name_key(stem: str) -> str:
    """A section file stem for loose matching: ``1.申报背景``, ``01 申报背景``, ``1-申报背景`` → ``1申报背景``."""
    text = unicodedata.normalize("NFKC", stem)
    text = re.sub(r"[\s\-_.、,，:：]+", "", text)
    return text.lstrip("0") or text


def _decode(path: Path, data: bytes, rel: str) -> tuple[str | None, Problem | None]:
    """The text of a section file; UTF-8 (with or without BOM), else UTF-16 with BOM, else GBK."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), Problem(
                "文件是 UTF-16（Unicode）编码，已按 UTF-16 读取", Location(rel),
                "建议在记事本中“另存为”并选择 UTF-8 编码。", Severity.WARNING, "section.encoding")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    damaged = _damaged_utf8(data, rel)
    if damaged is not None:
        return None, damaged
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None, Problem("无法识别文件编码（不是 UTF-8，也不是 GBK）", Location(rel),
                             "请用记事本或 VS Code 打开，“另存为”时选择 UTF-8 编码。", code="section.encoding")
    return text, Problem("文件是 GBK（ANSI）编码，已按 GBK 读取", Location(rel),
                         "建议“另存为”UTF-8 编码，以免在其他电脑上出现乱码。", Severity.WARNING, "section.encoding")


def _read_docx_section(section: form.Section, path: Path, rel: str) -> tuple[SectionSource | None, list[Problem]]:
    """A section written in Word → its markup (see :mod:`skilldoc.word.text`), with each line's paragraph."""
    from .word import read_section

    try:
        markup = read_section(path)
    except InputError as exc:
        return None, [Problem(p.message, Location(rel), p.hint, p.severity, p.code) for p in exc.problems]
    return SectionSource(section, path, markup.text, tuple(markup.origins)), []


def _damaged_utf8(data: bytes, rel: str) -> Problem | None:
    """A UTF-8 file with a few invalid bytes (a bad copy, a truncated save): the error naming their lines.

    None when the file does not look like UTF-8 at all (then it is tried as GBK).
    """
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    good = sum(1 for c in text if ord(c) > 0x7F and c != "\ufffd")
    if bad == 0 or good < 4 * bad:
        return None
    lines = sorted({n for n, line in enumerate(text.split("\n"), start=1) if "\ufffd" in line})
    shown = "、".join(str(n) for n in lines[:10]) + ("…" if len(lines) > 10 else "")
    return Problem(f"第 {shown} 行有不是 UTF-8 编码的字节（文件的其余部分是 UTF-8），无法读取",
                   Location(rel, line=lines[0]),
                   "用编辑器打开该行，删除并重新输入显示为乱码的文字，再保存为 UTF-8 编码。",
                   code="section.encoding")


def _present(path: Path) -> bool:
    """A section file is there: anything but a folder (a FIFO or device is reported, not skipped)."""
    return path.exists() and not path.is_dir()


def _outside(path: Path, rel: str, root: Path) -> Problem | None:
    """The problem when a section file is a link leading out of the applicant folder."""
    if path.resolve().is_relative_to(root.resolve()):
        return None
    return Problem("这是指向申报文件夹之外的链接（快捷方式），不会读取", Location(rel),
                   "请把正文文件本身复制到申报文件夹的 sections/ 中。", code="section.outside")


def _read_section(path: Path, rel: str, root: Path) -> tuple[bytes | None, Problem | None]:
    """The bytes of a section file, or the problem: outside the folder, not a regular file, too large, unreadable."""
    outside = _outside(path, rel, root)
    if outside is not None:
        return None, outside
    try:
        kind = limits.file_kind(path)
        if kind is not None:
            return None, Problem(f"这是一个{kind}，不是文本文件", Location(rel),
                                 "正文文件应是普通的文本文件（UTF-8 编码）。", code="section.unreadable")
        with path.open("rb") as fh:
            data = fh.read(limits.TEMPLATE_MAX_BYTES + 1)
    except OSError as exc:
        return None, Problem(f"无法读取：{exc.strerror or exc}", Location(rel),
                             "请确认文件没有被其他程序独占打开。", code="section.unreadable")
    if len(data) > limits.TEMPLATE_MAX_BYTES:
        return None, Problem(
            f"文件过大（超过 {limits.TEMPLATE_MAX_BYTES // limits.MiB} MB），不像是一部分正文", Location(rel),
            f"每部分正文不超过 {form.SECTIONS[0].limit} 字（约 10 KB）；请确认这是正确的文件。",
            code="section.size")
    return data, None


def load_sections(project: Project) -> tuple[list[SectionSource], list[Problem]]:
    """Read the eight section files in form order; return them and warnings.

    A missing section file is an error naming the expected path; files named a
    little differently (``1.申报背景.md``, ``01 申报背景.md``) are accepted with a
    warning; other ``.md`` files are a warning.  All errors are raised together
    as one :class:`InputError`.
    """
    problems: list[Problem] = []
    root = project.root
    sections_dir = project.sections_dir

    def rel(p: Path) -> str:
        try:
            return p.relative_to(root).as_posix()
        except ValueError:
            return str(p)

    present = sorted(p for p in sections_dir.glob("*") if p.suffix.lower() in SECTION_SUFFIXES and not p.is_dir()
                     and not p.name.startswith("~$")) if sections_dir.is_dir() else []
    by_key: dict[str, list[Path]] = {}
    for p in present:
        by_key.setdefault(_name_key(p.stem), []).append(p)
    used: set[Path] = set()
    sources: list[SectionSource] = []
    for section in form.SECTIONS:
        expected = sections_dir / section.filename
        as_docx = sections_dir / section_docx_name(section)
        if _present(expected) and _present(as_docx):
            problems.append(Problem(
                f"第 {section.number} 部分“{section.name}”有两个正文文件：{rel(expected)} 和 {rel(as_docx)}",
                Location(rel(as_docx)), "只保留其中一个（Word 文档或文本文件），把另一个移出 sections 文件夹。",
                code="section.both"))
            used.update((expected, as_docx))
            continue
        if _present(expected) or _present(as_docx):
            path = expected if _present(expected) else as_docx
        else:
            candidates = [p for p in by_key.get(_name_key(f"{section.number}{section.name}"), []) if p not in used]
            if len(candidates) != 1:
                problems.append(Problem(
                    f"缺少第 {section.number} 部分“{section.name}”的正文文件 {rel(expected)}",
                    Location(rel(expected)),
                    f"请按此文件名创建（UTF-8 编码的文本文件），或用 Word 写成 {section_docx_name(section)}；"
                    "可在一个空文件夹运行 skilldoc init（或 skilldoc init --docx）得到模板。",
                    code="section.missing"))
                continue
            path = candidates[0]
            problems.append(Problem(
                f"正文文件名应为 {section.filename}，已按 {path.name} 读取", Location(rel(path)),
                f"建议改名为 {section.filename}。", Severity.WARNING, "section.filename"))
        used.add(path)
        if path.suffix.lower() == ".docx":
            outside = _outside(path, rel(path), root)
            if outside is not None:
                problems.append(outside)
                continue
            source, docx_problems = _read_docx_section(section, path, rel(path))
            problems.extend(docx_problems)
            if source is not None:
                sources.append(source)
            continue
        data, problem = _read_section(path, rel(path), root)
        if data is None:
            if problem:
                problems.append(problem)
            continue
        text, problem = _decode(path, data, rel(path))
        if problem:
            problems.append(problem)
        if text is None:
            continue
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        sources.append(SectionSource(section, path, text))
    for p in present:
        if p not in used:
            problems.append(Problem(
                f"{rel(p)} 不是八个部分之一，不会放进申报书", Location(rel(p)),
                "正文文件名应为：" + "、".join(s.filename for s in form.SECTIONS) + "（或同名的 .docx）。",
                Severity.WARNING, "section.extra"))
    errors = errors_in(problems)
    if errors:
        raise InputError(f"正文文件有 {len(errors)} 处问题", problems)
    return sources, warnings_in(problems)


def relocate_docx_problems(problems: list[Problem], sources: list[SectionSource]) -> list[Problem]:
    """Problems at a line of a .docx section's markup → at its paragraph (第 N 段“…”) instead.

    The renderer counts lines of the markup text; a Word user sees paragraphs.
    """
    by_name = {f"{s.path.parent.name}/{s.path.name}": s for s in sources if s.origins}
    out = []
    for p in problems:
        loc = p.location
        source = by_name.get(loc.file) if loc is not None else None
        if loc is not None and source is not None and loc.line is not None and 0 < loc.line <= len(source.origins):
            p = dataclasses.replace(p, location=dataclasses.replace(loc, line=None,
                                                                   paragraph=source.origins[loc.line - 1]))
        out.append(p)
    return out
