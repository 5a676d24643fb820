"""LibreOffice headless conversion: an office document → PDF.

Used for DOCX/XLSX/… evidence files (issue 4) and for 申报书.docx → 申报书.pdf
(issue 6).  Each run gets its own throw-away LibreOffice user profile (so a
LibreOffice the user has open, or a broken profile, does not interfere), the
source is copied into a private folder first (LibreOffice never sees, locks or
writes next to the user's file), and a timeout kills the whole process group.

:func:`convert_many` converts several files in one run (LibreOffice's start-up is
most of the time a small document takes); :func:`convert_to_pdf` is its one-file form.

``soffice`` is looked up in ``$SKILLDOC_SOFFICE`` (an explicit path wins), then
``PATH``, then the usual install locations on Windows, macOS and Linux.

Fonts: the form asks for Chinese government-document fonts (仿宋_GB2312, 黑体,
楷体_GB2312, 方正小标宋简体) that Linux machines do not have; LibreOffice's own
fallback then sets everything in a sans-serif face.  On platforms where
LibreOffice finds fonts through fontconfig (Linux, the BSDs) each conversion
gets its own ``fonts.conf`` (``$FONTCONFIG_FILE`` for the soffice process
only): it includes the system configuration and maps those names to the best
installed Simplified-Chinese faces of the same style (see
:data:`CJK_FONT_SUBSTITUTES`).  A font that is really installed still wins;
the user's configuration is never touched.  Windows and macOS have the real
fonts (or their own substitutes) and are left alone.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import limits
from .errors import ConversionError, Location, Problem, ToolMissing
from .workdirs import work_folder

ENV_VAR = "SKILLDOC_SOFFICE"

INSTALL_HINT = (
    "请安装 LibreOffice：Debian/Ubuntu 运行 "
    "sudo apt-get install libreoffice-writer-nogui libreoffice-calc-nogui；"
    "Windows/macOS 从 libreoffice.org 下载安装，并把其 program 文件夹加入 PATH，"
    f"或设置环境变量 {ENV_VAR} 为 soffice 的完整路径"
)

_NAMES = ("soffice", "libreoffice", "soffice.exe", "soffice.com")

_WINDOWS_DIRS = (
    "LibreOffice/program",
    "LibreOffice 7/program",
    "LibreOffice 24/program",
    "LibreOffice 25/program",
)


def _candidates() -> list[Path]:
    """Usual install locations, most likely first."""
    found: list[Path] = []
    if sys.platform.startswith("win"):
        roots = [os.environ.get(v) for v in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)")]
        roots += ["C:/Program Files", "C:/Program Files (x86)"]
        for root in roots:
            if root:
                found += [Path(root) / d / "soffice.exe" for d in _WINDOWS_DIRS]
    elif sys.platform == "darwin":
        found += [Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"),
                  Path.home() / "Applications/LibreOffice.app/Contents/MacOS/soffice"]
    else:
        found += [Path("/usr/bin/soffice"), Path("/usr/local/bin/soffice"),
                  Path("/usr/lib/libreoffice/program/soffice"), Path("/snap/bin/libreoffice")]
        found += sorted(Path("/opt").glob("libreoffice*/program/soffice"), reverse=True)
    return found


def find_soffice() -> str | None:
    """The LibreOffice executable to run, or None when none is installed.

    ``$SKILLDOC_SOFFICE`` is used as given when it names an existing file (and
    ignored otherwise, see :func:`convert_to_pdf`'s message).
    """
    explicit = os.environ.get(ENV_VAR, "").strip().strip('"')
    if explicit and Path(explicit).is_file():
        return explicit
    for name in _NAMES:
        hit = shutil.which(name)
        if hit:
            return hit
    for path in _candidates():
        if path.is_file():
            return str(path)
    return None


def tool_missing(sources: Sequence[Path], names: Sequence[str] | None = None) -> ToolMissing:
    """LibreOffice is not installed: one problem, located at the first file, naming every file that
    needs it (shown as ``names`` when given, e.g. with their 编号)."""
    shown = list(names) if names is not None else [str(p) for p in sources]
    explicit = os.environ.get(ENV_VAR, "").strip()
    if len(shown) == 1:
        found = "找不到 LibreOffice（soffice），无法把该文件转换为 PDF"
    else:
        found = (f"找不到 LibreOffice（soffice），无法把以下 {len(shown)} 个文件转换为 PDF："
                 + "、".join(shown))
    if explicit:
        found += f"；环境变量 {ENV_VAR} 指向的“{explicit}”不存在"
    return ToolMissing(
        "缺少 LibreOffice，无法转换 Office 文档",
        [Problem(found, Location(str(sources[0])),
                 hint=INSTALL_HINT + ("；或者自己把该文件另存为 PDF 再使用" if len(shown) == 1
                                      else "；或者自己把这些文件另存为 PDF 再使用"),
                 code="office.missing")],
    )


def _conversion_error(src: Path, message: str, hint: str | None = None) -> ConversionError:
    return ConversionError(
        "文档转换失败",
        [Problem(message, Location(str(src)),
                 hint=hint or "用 Word/WPS/LibreOffice 打开该文件确认能正常显示，另存为 PDF 后改用该 PDF",
                 code="office.failed")],
    )


# Free faces, best first, for each style of Chinese government-document font.
_SONG_SC = ("Noto Serif CJK SC", "Noto Serif SC", "Source Han Serif SC", "Source Han Serif CN",
            "思源宋体", "AR PL UMing CN", "AR PL SungtiL GB")
_HEI_SC = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
           "思源黑体", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei")
_KAI_SC = ("AR PL UKai CN", "LXGW WenKai", "AR PL KaitiM GB") + _SONG_SC

#: (font names documents ask for, installed faces to use instead (best first), make it bold).
#: There is no free 仿宋 face with simplified glyphs: 仿宋 is set in a 宋体 (serif) face.
#: 楷体 gets a real Kai face where one is installed (fonts-arphic-ukai, fonts-lxgw-wenkai),
#: otherwise the serif face too.
#: 小标宋 is a heavy 宋体 for titles: its stand-in is the bold weight of the serif face.
CJK_FONT_SUBSTITUTES: tuple[tuple[tuple[str, ...], tuple[str, ...], bool], ...] = (
    (("仿宋_GB2312", "仿宋", "仿宋_GBK", "FangSong", "FangSong_GB2312", "华文仿宋", "STFangsong",
      "方正仿宋_GBK", "方正仿宋简体"), _SONG_SC, False),
    (("方正小标宋简体", "方正小标宋_GBK", "小标宋"), _SONG_SC, True),
    (("宋体", "SimSun", "新宋体", "NSimSun", "华文宋体", "STSong", "华文中宋", "STZhongsong",
      "方正书宋_GBK", "方正书宋简体"), _SONG_SC, False),
    (("黑体", "SimHei", "方正黑体_GBK", "方正黑体简体", "华文黑体", "STHeiti", "微软雅黑",
      "Microsoft YaHei", "等线", "DengXian"), _HEI_SC, False),
    (("楷体_GB2312", "楷体", "楷体_GBK", "KaiTi", "KaiTi_GB2312", "华文楷体", "STKaiti",
      "方正楷体_GBK", "方正楷体简体"), _KAI_SC, False),
    (("Segoe UI Symbol",), ("DejaVu Sans", "OpenSymbol"), False),  # ☑ ☐
)

_SYSTEM_FONTS_CONF = ("/etc/fonts/fonts.conf", "/usr/local/etc/fonts/fonts.conf")


def _uses_fontconfig() -> bool:
    """LibreOffice finds fonts through fontconfig everywhere but on Windows and macOS."""
    return os.name == "posix" and sys.platform != "darwin"


def _base_fonts_conf() -> Path | None:
    """The fontconfig configuration the soffice process would otherwise read, if any."""
    own = os.environ.get("FONTCONFIG_FILE", "").strip()
    candidates = ([own] if own else []) + list(_SYSTEM_FONTS_CONF)
    for candidate in candidates:
        path = Path(candidate)
        if path.is_absolute() and path.is_file():
            return path
    return None


def _escape(text: str) -> str:
    """XML character data (xml.sax.saxutils.escape without its import of urllib.request: start-up time)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fonts_conf_text(base: Path | None) -> str:
    """A fontconfig configuration: ``base`` (included first), then the Chinese substitutes.

    Each substitute list is inserted right after the name asked for
    (``<accept>``, bound like the name itself), so an installed font of that
    name is still used and otherwise the first installed substitute is.
    Names whose stand-in should be bold also get ``weight=bold``.
    """
    lines = ['<?xml version="1.0"?>',
             '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
             "<fontconfig>"]
    if base is not None:
        lines.append(f'  <include ignore_missing="yes">{_escape(str(base))}</include>')
    for names, faces, bold in CJK_FONT_SUBSTITUTES:
        accept = "".join(f"<family>{_escape(face)}</family>" for face in faces)
        for name in names:
            lines.append(f'  <alias binding="same"><family>{_escape(name)}</family>'
                         f"<accept>{accept}</accept></alias>")
            if bold:
                lines.append(f'  <match target="pattern"><test name="family"><string>{_escape(name)}</string>'
                             '</test><edit name="weight" mode="assign"><const>bold</const></edit></match>')
    lines.append("</fontconfig>")
    return "\n".join(lines) + "\n"


# --- what a conversion depends on besides the document (the cache key, see skilldoc.cache) ---

#: Bump when a change here changes the PDFs LibreOffice makes (options, fonts.conf, staging).
CONVERTER_VERSION = "1"

_FONT_DIRS_POSIX = ("/var/cache/fontconfig", "/usr/lib/fontconfig/cache", "/usr/local/var/cache/fontconfig",
                    "/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")


def _stamp(path: Path) -> str:
    try:
        st = path.stat()
    except OSError:
        return f"{path}:-"
    return f"{path}:{st.st_size}:{st.st_mtime_ns}"


def converter_identity(soffice: str | None = None) -> str | None:
    """What else decides a converted PDF: LibreOffice's build, our options, the installed fonts.

    A string that changes when LibreOffice is upgraded (its executable, ``versionrc``/``version.ini``
    and main library, by size and modification time: cheap, where ``soffice --version`` starts
    LibreOffice), when :data:`CONVERTER_VERSION` or the font substitutes change, or when fonts
    are installed or removed (the font folders' and fontconfig caches' modification times).
    None when LibreOffice is not installed.
    """
    exe = soffice or find_soffice()
    if exe is None:
        return None
    program = Path(exe).resolve()
    parts = [f"converter {CONVERTER_VERSION}", _stamp(program)]
    folder = program.parent
    for name in ("versionrc", "version.ini", "libmergedlo.so", "mergedlo.dll", "libmergedlo.dylib"):
        if (folder / name).exists():
            parts.append(_stamp(folder / name))
    for resources in (folder.parent / "Resources" / "versionrc",):  # macOS bundle layout
        if resources.exists():
            parts.append(_stamp(resources))
    if _uses_fontconfig():
        parts.append(fonts_conf_text(_base_fonts_conf()))
        parts += [_stamp(Path(d).expanduser()) for d in _FONT_DIRS_POSIX]
    elif sys.platform.startswith("win"):  # pragma: no cover - Windows
        windir = os.environ.get("WINDIR") or os.environ.get("SystemRoot") or r"C:\Windows"
        parts.append(_stamp(Path(windir) / "Fonts"))
        local = os.environ.get("LOCALAPPDATA")
        if local:
            parts.append(_stamp(Path(local) / "Microsoft" / "Windows" / "Fonts"))
    else:  # pragma: no cover - macOS
        parts += [_stamp(Path(d).expanduser()) for d in ("/Library/Fonts", "~/Library/Fonts")]
    return "\n".join(parts)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """End the converter and everything it started."""
    try:
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows
            subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)],
                           capture_output=True, check=False)
    except (ProcessLookupError, PermissionError, OSError):
        pass
    try:
        proc.kill()
    except OSError:
        pass
    try:
        proc.communicate(timeout=10)  # reap it and close the pipe
    except subprocess.TimeoutExpired:  # pragma: no cover - a grandchild still holds the pipe
        if proc.stdout is not None:
            proc.stdout.close()
        proc.wait()


def convert_to_pdf(src: Path, out_dir: Path, *, timeout: float = 180, suffix: str | None = None) -> Path:
    """Convert ``src`` with LibreOffice headless; the PDF is ``out_dir/<src stem>.pdf``.

    ``suffix`` (e.g. ".doc") overrides the file-name extension LibreOffice is
    shown, for files whose real type differs from their name (a WPS ``.wps``
    that is really a Word document).  The source file is never modified.

    Raises :class:`ToolMissing` when LibreOffice is not installed and
    :class:`ConversionError` when it fails, produces nothing or exceeds
    ``timeout`` seconds (the whole process group is killed).
    """
    src = Path(src)
    result = convert_many([(src, suffix)], out_dir, timeout_per_file=0, base_timeout=timeout)[src]
    if isinstance(result, ConversionError):
        raise result
    return result


def convert_to_docx(src: Path, out_dir: Path, *, timeout: float = 120) -> Path:
    """A Word 97–2003 ``.doc`` (or anything Writer opens) → ``out_dir/source.docx`` via LibreOffice.

    Same isolation as :func:`convert_to_pdf` (private copy, throw-away profile, process group
    killed on timeout).  Raises ToolMissing / ConversionError like it.
    """
    src = Path(src)
    soffice = find_soffice()
    if soffice is None:
        raise tool_missing([src])
    out_dir = Path(out_dir)
    target = out_dir / "source.docx"
    job = _Job(src, "source.doc", target)
    with work_folder("skilldoc-soffice-") as tmp:
        run_dir = Path(tmp) / "run"
        outcome = _run(soffice, [job], run_dir, _environment(Path(tmp)), timeout, convert_to="docx")
        produced = run_dir / "out" / "source.docx"
        if not produced.is_file() or produced.stat().st_size == 0:
            raise outcome.error(src)
        out_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(produced, target)
    return target


# Batching: LibreOffice's start-up with a fresh profile costs ~1.3 s, the conversion of a small
# document ~0.1-0.3 s.  Measured (10 small DOCX/XLSX files, this machine): one run per file
# 11.2-11.5 s, all ten in one run 1.6-1.8 s (~1.1 s per file saved).
def convert_many(sources: Sequence[tuple[Path, str | None]], out_dir: Path, *,
                 timeout_per_file: float = 60, base_timeout: float = 120,
                 ) -> dict[Path, Path | ConversionError]:
    """Convert several files in ONE LibreOffice run; each source → its PDF or its error.

    ``sources`` are (file, suffix) pairs, ``suffix`` as in :func:`convert_to_pdf`.
    The PDFs are ``out_dir/<stem>.pdf`` (``<stem>~N.pdf`` when two sources share
    a stem).  Every source is first copied, under a unique name, into a private
    folder; one throw-away profile and one fonts.conf serve the whole run, whose
    timeout is ``base_timeout + timeout_per_file × files``.  When the run fails,
    times out or leaves a file's PDF missing, just those files are converted again
    one by one (timeout ``base_timeout + timeout_per_file`` each), so each error
    names its own file.

    Raises :class:`ToolMissing` (one problem naming every file) when LibreOffice
    is not installed; every other failure is the file's :class:`ConversionError`
    in the result.
    """
    wanted: dict[Path, str | None] = {}
    for src, suffix in sources:
        wanted.setdefault(Path(src), suffix)
    out_dir = Path(out_dir)
    results: dict[Path, Path | ConversionError] = {}
    if not wanted:
        return results
    soffice = find_soffice()
    if soffice is None:
        raise tool_missing(list(wanted))
    jobs: list[_Job] = []
    used: set[str] = set()
    for index, (src, suffix) in enumerate(wanted.items(), start=1):
        if not src.is_file():
            results[src] = _conversion_error(src, "文件不存在，无法转换", "检查文件路径")
            continue
        name = src.stem if src.stem.casefold() not in used else f"{src.stem}~{index}"
        used.add(name.casefold())
        ext = (suffix or src.suffix).lower() or ".bin"
        # the private copy's name is unique (two sources may share a stem): the PDF is matched by it
        stage = "source" if len(wanted) == 1 else f"source-{index:03d}"
        jobs.append(_Job(src, f"{stage}{ext}", out_dir / f"{name}.pdf"))
    if not jobs:
        return results
    out_dir.mkdir(parents=True, exist_ok=True)

    with work_folder("skilldoc-soffice-") as tmp:
        tmp_path = Path(tmp)
        env = _environment(tmp_path)
        timeout = base_timeout + timeout_per_file * len(jobs)
        outcome = _run(soffice, jobs, tmp_path / "batch", env, timeout)
        left = [job for job in jobs if not _deliver(job, tmp_path / "batch")]
        if len(jobs) == 1:
            for job in left:
                results[job.src] = outcome.error(job.src)
        else:
            # a failed batch says nothing about which file broke it: try each leftover alone
            for number, job in enumerate(left, start=1):
                run_dir = tmp_path / f"single-{number}"
                single = _run(soffice, [job], run_dir, env, base_timeout + timeout_per_file)
                if not _deliver(job, run_dir):
                    results[job.src] = single.error(job.src)
        for job in jobs:
            results.setdefault(job.src, job.target)
    return {src: results[src] for src in wanted}


@dataclass(frozen=True)
class _Job:
    src: Path  # the user's file
    staged: str  # the private copy's file name (unique in a run, with the extension LibreOffice is shown)
    target: Path  # where the PDF goes


@dataclass(frozen=True)
class _Outcome:
    """How one soffice run ended."""

    returncode: int | None  # None: not started or killed
    output: bytes
    timeout: float
    timed_out: bool = False
    start_error: str | None = None

    def error(self, src: Path) -> ConversionError:
        """The error for ``src`` when this run left no PDF for it."""
        if self.start_error is not None:
            return _conversion_error(src, f"无法启动 LibreOffice：{self.start_error}", INSTALL_HINT)
        if self.timed_out:
            return _conversion_error(
                src, f"LibreOffice 转换超时（超过 {self.timeout:g} 秒），已终止",
                "文件可能过大、已损坏或设置了打开密码；请用 Word/WPS 打开后另存为 PDF 再使用")
        return _no_pdf_error(src, self.returncode, self.output)


def _environment(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DISPLAY", None)  # headless: never try an X server
    if _uses_fontconfig():
        base = _base_fonts_conf()
        if base is not None:  # without a base configuration soffice would find no fonts at all
            conf = tmp_path / "fonts.conf"
            conf.write_text(fonts_conf_text(base), encoding="utf-8")
            env["FONTCONFIG_FILE"] = str(conf)
    return env


def _run(soffice: str, jobs: Sequence[_Job], run_dir: Path, env: dict[str, str], timeout: float,
         convert_to: str = "pdf") -> _Outcome:
    """One LibreOffice run over ``jobs`` (private copies, a fresh profile) into ``run_dir/out``."""
    indir, outdir, profile = run_dir / "in", run_dir / "out", run_dir / "profile"
    indir.mkdir(parents=True)
    outdir.mkdir()
    for job in jobs:
        shutil.copyfile(job.src, indir / job.staged)
    cmd = [
        soffice,
        f"-env:UserInstallation={profile.resolve().as_uri()}",
        "--headless", "--invisible", "--nologo", "--nodefault", "--norestore",
        "--nolockcheck", "--nofirststartwizard",
        "--convert-to", convert_to,
        "--outdir", str(outdir),
        *(str(indir / job.staged) for job in jobs),
    ]
    kwargs: dict[str, object] = {}
    if os.name == "posix":
        kwargs["start_new_session"] = True
        kwargs["preexec_fn"] = functools.partial(_limit_child, timeout)
    else:  # pragma: no cover - Windows
        kwargs["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP  # type: ignore[attr-defined]
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, cwd=run_dir, env=env, **kwargs)  # type: ignore[call-overload]
    except OSError as exc:
        return _Outcome(None, b"", timeout, start_error=f"{soffice}：{exc}")
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        return _Outcome(None, b"", timeout, timed_out=True)
    return _Outcome(proc.returncode, output, timeout)


def _limit_child(cpu_seconds: float) -> None:  # pragma: no cover - runs in the child, before exec
    """POSIX only: cap the converter's address space (``limits.OFFICE_MAX_ADDRESS_SPACE_BYTES``), so a
    hostile document makes LibreOffice fail instead of taking the machine's memory, and its CPU time
    (the run's timeout), so the kernel ends it even when skilldoc itself was killed before its timeout."""
    import resource

    for which, cap in ((resource.RLIMIT_AS, limits.OFFICE_MAX_ADDRESS_SPACE_BYTES),
                       (resource.RLIMIT_CPU, max(1, int(cpu_seconds)))):
        try:
            soft, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY:
                cap = min(cap, hard)
            if soft == resource.RLIM_INFINITY or soft > cap:
                resource.setrlimit(which, (cap, hard))
        except (ValueError, OSError):
            pass


def _deliver(job: _Job, run_dir: Path) -> bool:
    """Copy the job's PDF from ``run_dir/out`` (matched by the staged name) to its target, atomically.

    False when there is none, or only a truncated one (a run killed mid-write leaves a PDF
    without its trailer).
    """
    pdf = run_dir / "out" / f"{Path(job.staged).stem}.pdf"
    try:
        size = pdf.stat().st_size
        if size == 0:
            return False
        with open(pdf, "rb") as fh:
            fh.seek(max(0, size - 1024))
            if b"%%EOF" not in fh.read():
                return False
    except OSError:
        return False
    partial = job.target.with_name(f".{job.target.name}.partial")
    shutil.copyfile(pdf, partial)
    os.replace(partial, job.target)
    return True


def _no_pdf_error(src: Path, returncode: int | None, output: bytes) -> ConversionError:
    tail = output.decode("utf-8", "replace").strip().splitlines()[-3:]
    detail = "；".join(line.strip() for line in tail if line.strip())
    message = "LibreOffice 未能把该文件转换为 PDF"
    if returncode:
        message += f"（退出码 {returncode}）"
    if detail:
        message += f"：{detail}"
    return _conversion_error(
        src, message,
        "文件可能已损坏、设置了打开密码或不是它的扩展名所示的格式；"
        "请用 Word/WPS 打开后另存为 PDF 再使用")


__all__ = ["CJK_FONT_SUBSTITUTES", "CONVERTER_VERSION", "ENV_VAR", "converter_identity", "INSTALL_HINT", "convert_many", "convert_to_pdf", "find_soffice",
           "tool_missing",
           "fonts_conf_text"]
