"""The library API the CLI (and any other program) calls.

Each function takes paths and options, returns a result object or raises a
:class:`skilldoc.errors.SkilldocError`; none prints.

    >>> from skilldoc import api
    >>> report = api.check("我的申报")          # doctest: +SKIP
    >>> result = api.build("我的申报", pdf=True)  # doctest: +SKIP
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .errors import ChecksFailed, InputError, Location, Problem
from .pipeline import BuildResult, Progress
from .pipeline import build as _build
from .pipeline import check as _check

__all__ = ["BuildResult", "ChecksFailed", "build", "bundle_files", "check", "count", "init"]


def init(directory: str | Path, *, year: int | None = None) -> Any:
    """Create an applicant folder (workbook, eight section templates, evidence folder)."""
    from .project import init_project

    return init_project(Path(directory), year)


def check(directory: str | Path, *, limit: int | None = None) -> Any:
    """Run every check; returns a :class:`skilldoc.checks.engine.CheckReport`."""
    return _check(Path(directory), limit=limit)


def build(directory: str | Path, *, out_dir: str | Path | None = None, force: bool = False,
          pdf: bool = False, duplex: bool = False, progress: Progress = None) -> BuildResult:
    """Check, then write 申报书.docx and 证明材料.pdf (and the print PDFs with ``pdf=True``)."""
    return _build(Path(directory), out_dir=Path(out_dir) if out_dir else None, force=force, pdf=pdf,
                  duplex=duplex, progress=progress)


def bundle_files(files: Sequence[str | Path], out: str | Path, *, stamp: str = "第 {n} 页", start: int = 1,
                 toc: bool = True, password: str | None = None, duplex: bool = False,
                 progress: Progress = None) -> Any:
    """Bundle any files into one stamped PDF with 目录 and bookmarks (``skilldoc bundle``)."""
    from .evidence.bundle import BundleOptions, plan_bundle, write_bundle
    from .evidence.sources import prepare_paths

    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="skilldoc-") as tmp:
        inputs, warnings = prepare_paths([Path(f) for f in files], Path(tmp), password=password)
        plan = plan_bundle(inputs, BundleOptions(stamp=stamp, start=start, toc=toc, duplex=duplex))
        result = write_bundle(plan, out, progress=progress)
    result.warnings[:0] = warnings
    return result


def count(source: str | Path) -> Any:
    """Word-style counts (字数, 字符数（不计空格）, 汉字) of a text file, a .docx, or ``-`` (stdin)."""
    from .checks.wordcount import count_text

    return count_text(_read_text(source))


def _read_text(source: str | Path) -> str:
    if str(source) == "-":
        return sys.stdin.read()
    path = Path(source)
    if not path.is_file():
        raise InputError(problems=[Problem("文件不存在", Location(str(path)),
                                           hint="检查文件路径；读取标准输入请用 -")])
    if path.suffix.lower() == ".docx":
        from .docx_form import extract_text

        return extract_text(path)
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(problems=[Problem("无法识别文件编码（既不是 UTF-8 也不是 GBK）", Location(str(path)),
                                       hint="请用记事本或 WPS 另存为 UTF-8 编码的文本文件")])
