"""Evidence files → validated PDFs the bundle writer can read pages from.

Every file of every item is checked, and all problems are reported together
(one :class:`EvidenceError`) before any output is replaced: by
:func:`prepare_inputs`/:func:`prepare_paths` before the bundle is planned, or,
for ``skilldoc bundle``, by :func:`stream_paths` file by file while the bundle
writer copies each checked file into its temporary file (each PDF parsed once).  What each kind
becomes:

- **PDF**: used in place (``SourceFile.pdf`` is the user's file, never
  modified).  Encrypted PDFs that open with an empty user password are used
  with ``password=""``; others need the item's 打开密码 (the 证明材料 sheet's
  column; ``--password`` for ``skilldoc bundle``).  A damaged PDF that pypdf
  can only read in its lenient mode is rewritten once into the work folder (a
  repaired, decrypted copy: the writer then reads it without tricks) and used
  with a warning.  Embedded attachments are not carried into the bundle (it is
  made of pages): a warning says so, naming them.
- **Image** (JPG/PNG/TIFF/BMP/GIF/WEBP): a one-page-per-frame A4 PDF in the
  work folder, see :mod:`skilldoc.evidence.images`.
- **Office** (DOCX/DOC/XLSX/XLS/ODT/ODS/ODP/PPTX/PPT/RTF/WPS/ET/DPS): converted by
  LibreOffice (:mod:`skilldoc.office`) into the work folder — all of one call's Office files
  in a single LibreOffice run (:func:`skilldoc.office.convert_many`), before the files are checked.

The file's content decides, not only its name: a ``.pdf`` that is really a
JPEG is used as the image it is (with a warning); one that is an HTML page is
an error.  Conversions are cached in the work folder by content hash, so a
file listed twice (or a second run with the same work folder) is converted once.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import unicodedata
import warnings
from collections.abc import Hashable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pypdf import PasswordType, PdfReader, PdfWriter
from pypdf.errors import DependencyError
from pypdf.generic import StreamObject

from .. import limits
from ..cache import DiskCache, Memo, file_key
from ..errors import (
    ConversionError,
    EvidenceError,
    Location,
    Problem,
    Severity,
    ToolMissing,
    errors_in,
)
from ..form import LAYOUT
from ..model import EvidenceItem

PDF_EXTENSIONS = (".pdf",)
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".tif", ".tiff", ".bmp", ".gif", ".webp")
OFFICE_EXTENSIONS = (".docx", ".doc", ".docm", ".xlsx", ".xls", ".xlsm", ".odt", ".ods", ".odp",
                     ".pptx", ".ppt", ".rtf", ".wps", ".et", ".dps")

SUPPORTED_TEXT = ("PDF；图片 JPG/JPEG/PNG/TIFF/BMP/GIF/WEBP；"
                  "Office 文档 DOCX/DOC/XLSX/XLS/ODT/ODS/ODP/PPTX/PPT/RTF/WPS（需安装 LibreOffice）")

# WPS Office's own extensions hold either the old binary (OLE) or the new zip formats.
_WPS_SUFFIX = {".wps": (".doc", ".docx"), ".et": (".xls", ".xlsx"), ".dps": (".ppt", ".pptx")}

_MAGIC_NAMES = {"jpeg": "JPEG", "png": "PNG", "gif": "GIF", "bmp": "BMP", "tiff": "TIFF", "webp": "WEBP",
                "pdf": "PDF", "html": "网页（HTML）", "zip": "压缩包或 Office 文档（zip）",
                "ole": "Office 97-2003 文档", "rtf": "RTF 文档", "heic": "HEIC/AVIF 照片"}
IMAGE_MAGIC = ("jpeg", "png", "gif", "bmp", "tiff", "webp")
_CACHE_VERSION = "1"

# Across runs (skilldoc.cache): Office files converted by LibreOffice, by content hash and converter;
# within a process: what an unchanged PDF holds (pages, the password that opened it, attachments).
_OFFICE_DISK = DiskCache("office", suffix=".pdf")
_IMAGE_DISK = DiskCache("images", suffix=".pdf")


def _image_disk_key(key: str) -> str:
    """The user-cache key of an image's PDF: its content hash and the converter's version (with
    Pillow's: pypdf has already imported Pillow, so loading images.py here costs little)."""
    from .images import converter_version

    return hashlib.sha256(f"{key}\0{converter_version()}".encode()).hexdigest()[:40]


# What an unencrypted, undamaged PDF was found to hold, across runs (by content hash and pypdf's
# version): a second `skilldoc check` does not parse the evidence PDFs again.
_PDF_FACTS_DISK = DiskCache("pdf-facts", suffix=".bin")


def _pdf_facts_key(identity: tuple[Hashable, ...]) -> str | None:
    digest = identity[-1]  # file_key's content hash ("" for a file too large to hash each time)
    if not isinstance(digest, str) or not digest:
        return None
    from pypdf import __version__ as pypdf_version

    return hashlib.sha256(f"{digest}\0pdf-facts {_CACHE_VERSION} pypdf {pypdf_version}".encode()).hexdigest()[:40]


def _pdf_facts_from_disk(identity: tuple[Hashable, ...]) -> tuple[int, str | None, tuple[str, ...]] | None:
    key = _pdf_facts_key(identity)
    found = _PDF_FACTS_DISK.get_bytes(key) if key is not None else None
    if found is None:
        return None
    pages, attachments = found[1].get("pages"), found[1].get("attachments")
    if not isinstance(pages, int) or pages < 1 or not isinstance(attachments, list):
        return None
    return pages, None, tuple(str(a) for a in attachments)


def _pdf_facts_to_disk(identity: tuple[Hashable, ...], pages: int, attachments: Sequence[str]) -> None:
    key = _pdf_facts_key(identity)
    if key is not None:
        _PDF_FACTS_DISK.put_bytes(key, b"", {"pages": pages, "attachments": list(attachments)})


_PDF_MEMO: Memo[tuple[int, str | None, tuple[str, ...]]] = Memo("evidence PDFs", limits.MEMO_EVIDENCE_FILES)


@dataclass(frozen=True)
class SourceFile:
    origin: Path  # the user's file (never modified)
    pdf: Path  # a PDF to read pages from: the original PDF itself, or a converted one inside workdir
    pages: int
    kind: str  # "pdf" | "image" | "office"
    password: str | None  # for encrypted PDFs: the password that opened it ("" for empty user password)
    warnings: tuple[Problem, ...]


@dataclass(frozen=True)
class BundleInput:
    code: str
    title: str
    part: str
    files: tuple[SourceFile, ...]
    pages: int


# --- sniffing -------------------------------------------------------------------


def sniff(head: bytes) -> str | None:
    """What a file really is, from its first bytes (up to 2 KiB is plenty)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")):
        return "tiff"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    if (head.startswith(b"BM") and len(head) >= 18
            and int.from_bytes(head[14:18], "little") in (12, 40, 52, 56, 64, 108, 124)):
        return "bmp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1",
                                               b"msf1", b"avif", b"avis"):
        return "heic"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<script", b"<title")):
        return "html"
    if text.startswith((b"<?xml", b"<!--")) and b"<html" in text:
        return "html"
    return None


def declared_kind(path: Path) -> str | None:
    """The kind a file's extension promises: "pdf", "image", "office" or None."""
    ext = path.suffix.lower().rstrip()  # "营业执照.pdf " (a trailing space) is still a PDF
    if ext in PDF_EXTENSIONS:
        return "pdf"
    if ext in IMAGE_EXTENSIONS:
        return "image"
    if ext in OFFICE_EXTENSIONS:
        return "office"
    return None


# --- pypdf, quietly ---------------------------------------------------------------


class _ListHandler(logging.Handler):
    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(record.getMessage())


@contextmanager
def capture_pypdf() -> Iterator[list[str]]:
    """Collect pypdf's log records and Python warnings instead of letting them reach stderr.

    The bundle writer may use it too when it reads the PDFs again.
    """
    sink: list[str] = []
    logger = logging.getLogger("pypdf")
    handler = _ListHandler(sink)
    old_level, old_propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield sink
        sink.extend(str(w.message) for w in caught)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.propagate = old_propagate


class _NeedsPassword(Exception):
    pass


class _WrongPassword(Exception):
    pass


class _NeedsCrypto(Exception):
    pass


class _TooBig(Exception):
    """The PDF exceeds a limit of :mod:`skilldoc.limits`; ``str()`` says which, in Chinese."""


@dataclass
class _PdfFacts:
    reader: PdfReader
    pages: int
    password: str | None
    attachments: tuple[str, ...]


def _open_pdf(path: Path, password: str | None, *, strict: bool) -> _PdfFacts:
    try:
        return _read_pdf_facts(path, password, strict=strict)
    except DependencyError as exc:  # AES-256 needs the cryptography package
        raise _NeedsCrypto(str(exc)) from None


def _read_pdf_facts(path: Path, password: str | None, *, strict: bool) -> _PdfFacts:
    reader = PdfReader(path, strict=strict)
    objects = sum(len(entries) for entries in reader.xref.values()) + len(reader.xref_objStm)
    if objects > limits.PDF_MAX_OBJECTS:
        raise _TooBig(f"PDF 中的对象过多（{objects:,} 个，上限 {limits.PDF_MAX_OBJECTS:,} 个）")
    used: str | None = None
    if reader.is_encrypted:
        candidates = [""] + ([password] if password else [])
        for candidate in candidates:
            if reader.decrypt(candidate) != PasswordType.NOT_DECRYPTED:
                used = candidate
                break
        else:
            raise _WrongPassword() if password else _NeedsPassword()
    _check_object_streams(reader)
    count = len(reader.pages)
    if count > limits.PDF_MAX_PAGES:
        raise _TooBig(f"PDF 页数过多（{count:,} 页，上限 {limits.PDF_MAX_PAGES:,} 页）")
    for page in reader.pages:  # resolve inherited attributes now: a broken page tree fails here
        _ = page.mediabox, page.get("/Rotate", 0)
    names: list[str] = []
    try:
        names.extend(reader.attachments)
    except Exception:  # a broken name tree only costs us the list of names
        names.append("?")
    try:
        names.extend(_page_attachments(reader))
    except Exception:  # only used for a warning: never a reason to reject the file
        pass
    return _PdfFacts(reader, count, used, tuple(dict.fromkeys(names)))


def _check_object_streams(reader: PdfReader) -> None:
    """Refuse a PDF whose object streams inflate to more than the limits allow, before pypdf
    decodes any of them (it keeps each decoded stream and parses it byte by byte).

    Only plain-Flate streams are measured (chunk by chunk); other filters are left to pypdf's
    own output limits.
    """
    from .writer import inflated_size

    total = 0
    for number in sorted({entry[0] for entry in reader.xref_objStm.values()}):
        try:
            stream = reader.get_object(number)
        except Exception:  # pypdf reports a broken stream itself when (if) it is needed
            continue
        if not isinstance(stream, StreamObject) or stream.get("/Filter") not in ("/FlateDecode", "/Fl"):
            continue
        size = inflated_size(stream._data or b"", limits.PDF_MAX_OBJECT_STREAM_BYTES)
        total += size
        if size > limits.PDF_MAX_OBJECT_STREAM_BYTES or total > limits.PDF_MAX_OBJECT_STREAMS_TOTAL_BYTES:
            raise _TooBig(f"PDF 的对象流解压后过大（超过 {limits.PDF_MAX_OBJECT_STREAM_BYTES // limits.MiB} MB，"
                          f"或合计超过 {limits.PDF_MAX_OBJECT_STREAMS_TOTAL_BYTES // limits.MiB} MB），可能是恶意构造的文件")


def _page_attachments(reader: PdfReader) -> Iterator[str]:
    """Names of files attached to pages (FileAttachment annotations)."""
    for page in reader.pages:
        annots = page.get("/Annots")
        annots = annots.get_object() if annots is not None else None
        for annot in annots or []:
            obj = annot.get_object()
            if hasattr(obj, "get") and obj.get("/Subtype") == "/FileAttachment":
                spec = obj.get("/FS")
                spec = spec.get_object() if spec is not None else None
                label = (spec.get("/UF") or spec.get("/F")) if spec is not None and hasattr(spec, "get") else None
                yield str(label or "页面附件")


# --- the per-file checks ----------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    display: str
    item: str | None
    password: str | None
    password_hint: str  # where the user gives a password
    missing_hint: str
    output: str = LAYOUT.evidence_pdf_name  # what the bundle is called, for messages
    add_hint: str = "作为单独的文件列入“证明材料”工作表"  # how to add another file

    def problem(self, message: str, hint: str, code: str, severity: Severity = Severity.ERROR) -> Problem:
        return Problem(message, Location(self.display, item=self.item), hint=hint, severity=severity,
                       code=code)


class _Cache:
    """Converted PDFs in the work folder, keyed by content hash (+ a sidecar with pages and notes)."""

    def __init__(self, workdir: Path) -> None:
        self.root = Path(workdir) / "sources"

    def paths(self, kind: str, key: str) -> tuple[Path, Path]:
        folder = self.root / kind
        return folder / f"{key}.pdf", folder / f"{key}.json"

    def get(self, kind: str, key: str) -> tuple[Path, int, list[str]] | None:
        pdf, meta = self.paths(kind, key)
        if pdf.is_file() and meta.is_file():
            try:
                data = json.loads(meta.read_text("utf-8"))
                return pdf, int(data["pages"]), [str(n) for n in data["notes"]]
            except (OSError, ValueError, KeyError, TypeError):
                return None
        return None

    def put(self, kind: str, key: str, pages: int, notes: Sequence[str]) -> None:
        _, meta = self.paths(kind, key)
        tmp = meta.with_name(f".{meta.name}.partial")
        tmp.write_text(json.dumps({"pages": pages, "notes": list(notes)}, ensure_ascii=False), "utf-8")
        os.replace(tmp, meta)


def _hash_file(path: Path, salt: str) -> str:
    digest = hashlib.sha256(f"skilldoc-{salt}-v{_CACHE_VERSION}\0".encode())
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:40]


class _Preparer:
    def __init__(self, workdir: Path, *, keep_readers: bool = False) -> None:
        self.workdir = Path(workdir)
        self.cache = _Cache(self.workdir)
        # keep_readers: the validated (open, decrypted) reader of a PDF used in place is handed
        # over through take_reader(), so a caller copying the file right away does not parse it again
        self.keep_readers = keep_readers
        self._reader: PdfReader | None = None
        self._office_keys: dict[Path, str] = {}  # content hash of each Office file seen
        self._office_failed: dict[str, list[Problem]] = {}  # content hash → its conversion problems
        self._office_identity: str | None = None  # office.converter_identity() once there is an Office file

    def take_reader(self) -> PdfReader | None:
        reader, self._reader = self._reader, None
        return reader

    def file(self, path: Path, ctx: _Context) -> tuple[SourceFile | None, list[Problem]]:
        """Check one file; the SourceFile (None on error) and its problems (errors and warnings)."""
        if not path.exists():
            near = _near_files(path)
            hint = ctx.missing_hint
            if near:
                hint = ("找到名称相近的文件：" + "、".join(display_path(p) for p in near)
                        + "。若是其中之一，请改正路径；否则" + hint)
            return None, [ctx.problem("文件不存在", hint, "evidence.missing")]
        try:
            kind = limits.file_kind(path)  # before opening: a FIFO or a device would block or never end
        except OSError as exc:
            return None, [ctx.problem(f"无法读取文件：{exc.strerror or exc}",
                                      "检查文件权限，或关闭正在占用该文件的程序后重试", "evidence.unreadable")]
        if kind == "文件夹":
            return None, [ctx.problem("这是一个文件夹，不是文件", "请逐个列出文件夹中的文件", "evidence.folder")]
        if kind is not None:
            return None, [ctx.problem(f"这不是普通文件，而是{kind}，无法作为证明材料读取",
                                      "证明材料只能是普通文件（PDF、图片或 Office 文档）：请把实际的文件复制到"
                                      "证明材料文件夹中，并列出该文件", "evidence.special")]
        try:
            size = path.stat().st_size
            if size > limits.EVIDENCE_MAX_FILE_BYTES:
                return None, [ctx.problem(
                    f"文件过大（{size / limits.MiB:,.0f} MB），超过单个证明材料文件的上限 "
                    f"{limits.EVIDENCE_MAX_FILE_BYTES // limits.MiB} MB",
                    "请压缩该文件（如扫描件降低分辨率、用 PDF 阅读器“减小文件大小”），或把它拆分为几个文件分别列出",
                    "evidence.too_large")]
            with open(path, "rb") as fh:
                head = fh.read(2048)
        except OSError as exc:
            return None, [ctx.problem(f"无法读取文件：{exc.strerror or exc}",
                                      "检查文件权限，或关闭正在占用该文件的程序后重试", "evidence.unreadable")]
        if size == 0:
            return None, [ctx.problem("文件是空的（0 字节）", "文件可能下载或复制不完整，请重新获取该文件",
                                      "evidence.empty")]

        declared = declared_kind(path)
        magic = sniff(head)
        ext = path.suffix.lower().rstrip()  # "营业执照.pdf " (a trailing space) is still a PDF
        notes: list[Problem] = []
        if declared is None:
            return None, [ctx.problem(f"不支持的文件类型“{ext or '（无扩展名）'}”",
                                      _unsupported_hint(ext, magic), "evidence.unsupported")]
        if magic == "heic":
            return None, [ctx.problem("这是 HEIC/AVIF 格式的照片，暂不支持",
                                      "在手机或看图软件中把照片另存（导出）为 JPG 后使用", "evidence.heic")]
        if magic == "pdf" and declared != "pdf":
            notes.append(ctx.problem(f"扩展名是 {ext}，但内容其实是 PDF，已按 PDF 处理",
                                     "建议把扩展名改为 .pdf", "evidence.misnamed", Severity.WARNING))
            declared = "pdf"
        elif magic in IMAGE_MAGIC and declared != "image":
            notes.append(ctx.problem(f"扩展名是 {ext}，但内容其实是 {_MAGIC_NAMES[magic]} 图片，已按图片处理",
                                     f"建议把扩展名改为 .{'jpg' if magic == 'jpeg' else magic}",
                                     "evidence.misnamed", Severity.WARNING))
            declared = "image"

        if declared == "pdf":
            if magic != "pdf":
                return None, [self._not_a_pdf(ctx, magic)]
            source, problems = self._pdf(path, ctx)
        elif declared == "image":
            if magic not in IMAGE_MAGIC:
                what = _MAGIC_NAMES.get(magic or "")
                return None, [ctx.problem(f"不是有效的图片文件（{f'内容是{what}' if what else '无法识别文件内容'}）",
                                          "用看图软件打开确认；能打开的话另存为 JPG 或 PNG 后使用",
                                          "evidence.not_image")]
            source, problems = self._image(path, ctx)
        else:
            source, problems = self._office(path, ctx)
        problems = notes + problems
        if source is not None:
            source = SourceFile(source.origin, source.pdf, source.pages, source.kind, source.password,
                                tuple(p for p in problems if p.severity is not Severity.ERROR))
        return source, problems

    # -- PDF --

    @staticmethod
    def _not_a_pdf(ctx: _Context, magic: str | None) -> Problem:
        if magic == "html":
            return ctx.problem(
                "扩展名是 .pdf，但内容其实是网页（HTML），可能是下载失败时保存下来的错误页或登录页",
                "在浏览器中重新下载该 PDF；或打开该网页后用“打印 → 另存为 PDF”", "evidence.html")
        if magic in ("zip", "ole", "rtf"):
            return ctx.problem(
                f"扩展名是 .pdf，但内容其实是{_MAGIC_NAMES[magic]}",
                "确认文件来源；若是 Word/Excel 文档，请改成正确的扩展名（如 .docx、.xlsx）或另存为 PDF",
                "evidence.not_pdf")
        return ctx.problem("不是有效的 PDF 文件（文件开头没有 PDF 标识）",
                           "用 PDF 阅读器打开确认；请重新获取或重新导出该 PDF", "evidence.not_pdf")

    def _pdf(self, path: Path, ctx: _Context) -> tuple[SourceFile | None, list[Problem]]:
        # What an unchanged, undamaged PDF was found to hold is reused: in-process (the workbench,
        # repeated api.check) and, for an unencrypted one, across runs.  Not when the caller takes
        # the validated reader to copy the pages right away (skilldoc bundle).
        identity: tuple[Hashable, ...] | None = None
        if not self.keep_readers:
            try:
                identity = file_key(path)
            except OSError:
                identity = None
        if identity is not None:
            known = _PDF_MEMO.get((identity, ctx.password))
            if known is None and ctx.password is None:
                known = _pdf_facts_from_disk(identity)
                if known is not None:
                    _PDF_MEMO.put((identity, ctx.password), known)
            if known is not None:
                pages, used, attachments = known
                return SourceFile(path, path, pages, "pdf", used, ()), self._pdf_notes(ctx, attachments)
        repaired = False
        with capture_pypdf():
            try:
                facts = _open_pdf(path, ctx.password, strict=True)
            except (_NeedsPassword, _WrongPassword, _NeedsCrypto) as exc:
                return None, [self._password_problem(ctx, exc)]
            except _TooBig as exc:
                return None, [self._too_big_problem(ctx, exc)]
            except Exception:
                try:
                    facts = _open_pdf(path, ctx.password, strict=False)
                    repaired = True
                except (_NeedsPassword, _WrongPassword, _NeedsCrypto) as exc:
                    return None, [self._password_problem(ctx, exc)]
                except _TooBig as exc:
                    return None, [self._too_big_problem(ctx, exc)]
                except Exception as exc:
                    return None, [ctx.problem(
                        f"PDF 文件已损坏，无法读取（{_short(exc)}）",
                        "用 PDF 阅读器打开确认：能打开的话用“打印 → 另存为 PDF”生成新文件；否则请重新获取原件",
                        "evidence.damaged")]
        if facts.pages == 0:
            return None, [ctx.problem("PDF 中没有任何页面", "请重新导出或重新获取该 PDF", "evidence.no_pages")]
        problems = self._pdf_notes(ctx, facts.attachments)
        if not repaired:
            if self.keep_readers:
                self._reader = facts.reader
            elif identity is not None:
                _PDF_MEMO.put((identity, ctx.password), (facts.pages, facts.password, facts.attachments))
                if facts.password is None:  # never an encrypted file's facts (nor its password) on disk
                    _pdf_facts_to_disk(identity, facts.pages, facts.attachments)
            return SourceFile(path, path, facts.pages, "pdf", facts.password, ()), problems
        try:
            copy = self._repaired_copy(path, facts.reader)
        except Exception as exc:
            return None, [ctx.problem(
                f"PDF 文件已损坏，无法修复（{_short(exc)}）",
                "用 PDF 阅读器打开确认：能打开的话用“打印 → 另存为 PDF”生成新文件；否则请重新获取原件",
                "evidence.damaged")]
        problems.append(ctx.problem(
            "PDF 文件有损坏（如交叉引用表错误），已自动修复后使用",
            f"请在生成的 {ctx.output} 中核对该文件的页面是否完整；最好重新导出一份完好的 PDF",
            "evidence.repaired", Severity.WARNING))
        return SourceFile(path, copy, facts.pages, "pdf", None, ()), problems

    @staticmethod
    def _pdf_notes(ctx: _Context, attachments: Sequence[str]) -> list[Problem]:
        if not attachments:
            return []
        return [ctx.problem(
            f"PDF 内嵌了附件（{'、'.join(attachments)}），附件不会放入{ctx.output}",
            f"如果附件本身也是证明材料，请用 PDF 阅读器把它另存出来，{ctx.add_hint}",
            "evidence.attachments", Severity.WARNING)]

    def _repaired_copy(self, path: Path, reader: PdfReader) -> Path:
        key = _hash_file(path, "repaired")
        target, _ = self.cache.paths("repaired", key)
        if target.is_file():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.partial")
        with capture_pypdf():
            writer = PdfWriter(clone_from=reader)
            with open(tmp, "wb") as fh:
                writer.write(fh)
            check = PdfReader(tmp, strict=False)
            if len(check.pages) != len(reader.pages):
                raise ValueError("修复后的页数不一致")
        os.replace(tmp, target)
        return target

    @staticmethod
    def _too_big_problem(ctx: _Context, exc: Exception) -> Problem:
        return ctx.problem(str(exc), "请把该 PDF 拆分为几个文件分别列出，或用 PDF 阅读器“打印 → 另存为 PDF”"
                           "生成一份精简的副本后使用", "evidence.pdf_too_large")

    @staticmethod
    def _password_problem(ctx: _Context, exc: Exception) -> Problem:
        if isinstance(exc, _NeedsCrypto):
            return ctx.problem("PDF 使用 AES 加密，读取它需要 Python 库 cryptography",
                               "运行 pip install cryptography 后重试", "evidence.crypto")
        if isinstance(exc, _WrongPassword):
            return ctx.problem("PDF 已加密，提供的打开密码不正确",
                               f"核对密码（区分大小写）：{ctx.password_hint}", "evidence.password_wrong")
        return ctx.problem("PDF 已加密，需要打开密码",
                           f"{ctx.password_hint}；或用 PDF 阅读器输入密码打开后，另存一份不加密的副本",
                           "evidence.password")

    # -- images --

    def _image(self, path: Path, ctx: _Context) -> tuple[SourceFile | None, list[Problem]]:
        key = _hash_file(path, "image")
        cached = self.cache.get("image", key) or self._image_from_disk(key)
        if cached is None:
            from .images import ImageProblem, ImageTooLarge, image_to_pdf  # Pillow only here

            target, _ = self.cache.paths("image", key)
            try:
                made = image_to_pdf(path, target)
            except ImageTooLarge as exc:
                return None, [ctx.problem(str(exc),
                                          "请用看图软件降低图片的分辨率（像素尺寸），或另存为 JPEG 后使用；"
                                          "多页的 TIFF 请另存为 PDF 或拆分为几个文件",
                                          "evidence.image_too_large")]
            except ImageProblem as exc:
                return None, [ctx.problem(f"图片无法读取：{exc}",
                                          "用看图软件打开确认；能打开的话另存为 JPG 或 PNG 后使用",
                                          "evidence.bad_image")]
            except OSError as exc:
                return None, [ctx.problem(f"无法读取文件：{exc.strerror or exc}",
                                          "检查文件权限后重试", "evidence.unreadable")]
            self.cache.put("image", key, made.pages, made.warnings)
            _IMAGE_DISK.put_file(_image_disk_key(key), target, {"pages": made.pages, "notes": list(made.warnings)})
            cached = (target, made.pages, list(made.warnings))
        pdf, pages, notes = cached
        problems = [ctx.problem(n, "请核对生成的页面", "evidence.image_note", Severity.WARNING) for n in notes]
        return SourceFile(path, pdf, pages, "image", None, ()), problems

    def _image_from_disk(self, key: str) -> tuple[Path, int, list[str]] | None:
        """An image's PDF made by an earlier run (user cache) put into the work folder; None: not there."""
        target, _ = self.cache.paths("image", key)
        meta = _IMAGE_DISK.copy_out(_image_disk_key(key), target)
        if meta is None:
            return None
        pages, notes = meta.get("pages"), meta.get("notes")
        if not isinstance(pages, int) or pages < 1 or not isinstance(notes, list):
            return None
        self.cache.put("image", key, pages, [str(n) for n in notes])
        return target, pages, [str(n) for n in notes]

    # -- office --

    def _office(self, path: Path, ctx: _Context) -> tuple[SourceFile | None, list[Problem]]:
        key = self._office_key(path)
        if key not in self._office_failed and self.cache.get("office", key) is None:
            self.convert_office([(path, ctx)])  # not converted ahead (stream_paths' late file)
        if key in self._office_failed:
            found = self._office_failed[key]
            if any(p.code == "office.missing" for p in found):
                self._office_failed[key] = []  # named once, with every file that needs LibreOffice
            return None, [_relocate(p, ctx) for p in found]
        cached = self.cache.get("office", key)
        if cached is None:  # pragma: no cover - convert_office records a problem for every failure
            return None, [ctx.problem("LibreOffice 未能把该文件转换为 PDF",
                                      "用 Word/WPS 打开该文件，另存为 PDF 后改用该 PDF", "office.failed")]
        pdf, pages, _notes = cached
        if pages == 0:
            return None, [ctx.problem("转换后的 PDF 中没有任何页面（文档可能是空的）",
                                      "用 Word/WPS 打开确认文档有内容", "evidence.no_pages")]
        return SourceFile(path, pdf, pages, "office", None, ()), []

    def _office_key(self, path: Path) -> str:
        if path not in self._office_keys:
            self._office_keys[path] = _hash_file(path, "office")
        return self._office_keys[path]

    def convert_office(self, entries: Sequence[tuple[Path, _Context]]) -> None:
        """Convert every Office file among ``entries`` not yet in the cache, in one LibreOffice run.

        Files that are not Office documents (by name and content), or that cannot be read, are
        skipped: :meth:`file` reports them.  A failure is kept for :meth:`_office` to report under
        the file's own context; a missing LibreOffice is reported once, naming every file, on the
        first of them.
        """
        pending: dict[str, tuple[Path, str | None]] = {}
        shown: dict[str, list[str]] = {}
        for path, ctx in entries:
            path = Path(path)
            suffix = _office_suffix(path)
            if suffix is None:
                continue
            try:
                key = self._office_key(path)
            except OSError:
                continue
            if key in self._office_failed or self.cache.get("office", key) is not None:
                continue
            pending.setdefault(key, (path, suffix or None))
            label = ctx.display + (f"（证明材料 {ctx.item}）" if ctx.item else "")
            if label not in shown.setdefault(key, []):
                shown[key].append(label)
        if not pending:
            return
        from .. import office  # only when there is an Office file: it is slow to import
        from ..workdirs import work_folder

        self._office_identity = office.converter_identity()
        for key in list(pending):  # converted by an earlier run with the same LibreOffice and fonts
            if self._office_from_disk(key):
                del pending[key]
        if not pending:
            return
        try:
            with work_folder("skilldoc-convert-") as tmp:
                results = office.convert_many(list(pending.values()), Path(tmp))
                for key, (path, _suffix) in pending.items():
                    self._store_office(key, results[path])
        except ToolMissing:
            missing = office.tool_missing([path for path, _ in pending.values()],
                                          [label for key in pending for label in shown[key]])
            self._office_failed.update({key: [] for key in pending})  # reported once, on the first
            self._office_failed[next(iter(pending))] = list(missing.problems)

    def _store_office(self, key: str, result: Path | ConversionError) -> None:
        if isinstance(result, ConversionError):
            self._office_failed[key] = list(result.problems)
            return
        target, _ = self.cache.paths("office", key)
        try:
            pages = self._count_converted(result)
        except _Unreadable as exc:
            self._office_failed[key] = [Problem(
                f"LibreOffice 转换出的 PDF 无法读取（{exc}）", Location(str(result)),
                hint="用 Word/WPS 打开该文件，另存为 PDF 后改用该 PDF", code="evidence.converted_bad")]
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        shutil.copyfile(result, partial)
        os.replace(partial, target)
        self.cache.put("office", key, pages, [])
        disk_key = self._office_disk_key(key)
        if disk_key is not None:
            _OFFICE_DISK.put_file(disk_key, target, {"pages": pages})

    def _office_disk_key(self, key: str) -> str | None:
        """The user-cache key of a conversion: the document's content hash and what converts it."""
        if self._office_identity is None:  # no LibreOffice: report it, never use an old conversion
            return None
        return hashlib.sha256(f"{key}\0{self._office_identity}".encode()).hexdigest()[:40]

    def _office_from_disk(self, key: str) -> bool:
        """Take the conversion of ``key`` from the user cache into the work folder; False: not there."""
        disk_key = self._office_disk_key(key)
        if disk_key is None:
            return False
        target, _ = self.cache.paths("office", key)
        meta = _OFFICE_DISK.copy_out(disk_key, target)
        pages = meta.get("pages") if meta is not None else None
        if not isinstance(pages, int) or pages < 0:
            return False
        self.cache.put("office", key, pages, [])
        return True

    @staticmethod
    def _count_converted(pdf: Path) -> int:
        with capture_pypdf():
            try:
                return len(PdfReader(pdf, strict=False).pages)
            except Exception as exc:
                raise _Unreadable(_short(exc)) from None


class _Unreadable(Exception):
    pass


def _office_suffix(path: Path) -> str | None:
    """For an Office document to convert: the suffix to show LibreOffice ("" for its own name);
    None when ``path`` is not one (or cannot be read: :meth:`_Preparer.file` reports why)."""
    if declared_kind(path) != "office":
        return None
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return None
        with open(path, "rb") as fh:
            magic = sniff(fh.read(2048))
    except OSError:
        return None
    if magic in ("pdf", "heic", *IMAGE_MAGIC):
        return None
    ext = path.suffix.lower().rstrip()  # "营业执照.pdf " (a trailing space) is still a PDF
    if ext in _WPS_SUFFIX:
        old, new = _WPS_SUFFIX[ext]
        return old if magic == "ole" else new if magic == "zip" else ""
    return ext if ext != path.suffix.lower() else ""  # LibreOffice is shown "x.docx", not "x.docx "


def _relocate(problem: Problem, ctx: _Context) -> Problem:
    return Problem(problem.message, Location(ctx.display, item=ctx.item), hint=problem.hint,
                   severity=problem.severity, code=problem.code)


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
    return text[:160]


def _unsupported_hint(ext: str, magic: str | None) -> str:
    special = {
        ".ofd": "OFD 文件请用 OFD 阅读器（如数科阅读器）打开后“打印 → 另存为 PDF”",
        ".heic": "HEIC 照片请在手机或看图软件中另存（导出）为 JPG",
        ".heif": "HEIF 照片请在手机或看图软件中另存（导出）为 JPG",
        ".zip": "压缩包请先解压，再把其中的文件逐个列出",
        ".rar": "压缩包请先解压，再把其中的文件逐个列出",
        ".7z": "压缩包请先解压，再把其中的文件逐个列出",
    }
    hint = special.get(ext, "")
    if not hint and magic == "pdf":
        hint = "内容看起来是 PDF：把扩展名改为 .pdf 即可"
    elif not hint and magic in IMAGE_MAGIC:
        hint = f"内容看起来是 {_MAGIC_NAMES[magic]} 图片：把扩展名改为 .{'jpg' if magic == 'jpeg' else magic} 即可"
    base = f"支持的类型：{SUPPORTED_TEXT}"
    return f"{hint}。{base}" if hint else f"{base}；其他格式请先另存为 PDF"


# --- where a path is shown from ---------------------------------------------------


def _near_files(path: Path, limit: int = 3) -> list[Path]:
    """Existing files a mistyped path probably meant: close names beside it, or the same name
    one folder down (营业执照.pdf written without its 证明材料/ folder)."""
    import difflib
    import unicodedata

    def key(name: str) -> str:
        return unicodedata.normalize("NFKC", name).casefold()

    folder = path.parent
    try:
        if not folder.is_dir():
            return []
        beside = [p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")]
        below = [p for d in folder.iterdir() if d.is_dir() and not d.name.startswith(".")
                 for p in d.iterdir() if p.is_file() and key(p.name) == key(path.name)]
    except OSError:
        return []
    same = [p for p in beside if key(p.name) == key(path.name) or key(p.stem) == key(path.stem)]
    by_key = {key(p.name): p for p in beside}
    close = [by_key[k] for k in difflib.get_close_matches(key(path.name), list(by_key), n=limit, cutoff=0.75)]
    found: list[Path] = []
    for p in [*same, *below, *close]:
        if p not in found:
            found.append(p)
    return found[:limit]



def display_path(path: Path, root: Path | None = None) -> str:
    """``path`` relative to the applicant folder when it can be found (``root``, or the nearest
    folder above the file that holds the workbook), else as given."""
    path = Path(path)
    bases: list[Path] = [root] if root is not None else []
    if root is None:
        for parent in path.parents:
            if (parent / LAYOUT.workbook).is_file():
                bases.append(parent)
                break
    for base in bases:
        try:
            return path.relative_to(base).as_posix()
        except ValueError:
            try:
                return path.resolve().relative_to(Path(base).resolve()).as_posix()
            except (ValueError, OSError):
                continue
    return str(path)


# --- the two entry points -----------------------------------------------------------


def _raise_if_errors(problems: list[Problem]) -> None:
    errors = errors_in(problems)
    if not errors:
        return
    others = [p for p in problems if p.severity is not Severity.ERROR]
    if all(p.code == "office.missing" for p in errors):
        raise ToolMissing("缺少 LibreOffice，无法转换 Office 格式的证明材料", [*errors, *others])
    raise EvidenceError(f"证明材料有误：{len(errors)} 个问题，需修改后重试", [*errors, *others])


def prepare_inputs(items: Sequence[EvidenceItem], workdir: Path, *,
                   root: Path | None = None) -> tuple[list[BundleInput], list[Problem]]:
    """Check and prepare every file of every evidence item (in the given order).

    Returns the bundle inputs and the warnings.  Raises one :class:`EvidenceError`
    listing every problem of every file (or :class:`ToolMissing` when the only
    problem is that LibreOffice is missing) before anything is bundled.
    ``root`` is the applicant folder, for the file names in messages (found
    from the workbook's location when not given).
    """
    preparer = _Preparer(workdir)
    inputs: list[BundleInput] = []
    problems: list[Problem] = []
    # where each listed file really is: names matched up to Unicode normalisation / trailing
    # spaces, and anything leading out of the applicant folder refused (None) before it is read
    listed: list[tuple[EvidenceItem, list[tuple[Path, _Context] | None]]] = []
    for item in items:
        entries: list[tuple[Path, _Context] | None] = []
        for raw in item.files:
            path = Path(raw)
            ctx = _item_context(item, path, root)
            if root is not None:
                located, found = _locate_inside(path, Path(root), ctx)
                problems.extend(found)
                entries.append((located, ctx) if located is not None else None)
            else:
                entries.append((path, ctx))
        listed.append((item, entries))
    preparer.convert_office([entry for _, entries in listed for entry in entries if entry is not None])
    for item, entries in listed:
        if not item.files:
            problems.append(Problem("该证明材料没有列出任何文件",
                                    Location(f"{LAYOUT.workbook}", sheet=LAYOUT.sheets["evidence"], line=item.row or None,
                                             item=item.code),
                                    hint="在“证明材料”工作表该行的“文件”列填写文件路径（相对于申报文件夹）",
                                    code="evidence.no_files"))
            continue
        files: list[SourceFile] = []
        for entry in entries:
            if entry is None:
                continue
            source, found = preparer.file(*entry)
            problems.extend(found)
            if source is not None:
                files.append(source)
        if len(files) == len(item.files):
            inputs.append(BundleInput(item.code, item.title, item.part, tuple(files),
                                      sum(f.pages for f in files)))
    _raise_if_errors(problems)
    return inputs, problems


# --- containment: evidence comes from inside the applicant folder ---------------------


def _name_key(name: str) -> str:
    """A file name as a person typing it means it: NFC (macOS disks store NFD), no trailing spaces
    (before the extension or at the end)."""
    name = unicodedata.normalize("NFC", name).rstrip()
    stem, dot, ext = name.rpartition(".")
    return f"{stem.rstrip()}.{ext}" if dot and stem.strip() else name


def _match_names(path: Path) -> Path | None:
    """The existing file ``path`` means when its name (or a folder's) differs from the disk's only by
    Unicode normalisation or trailing spaces; None when there is no such file or more than one."""
    missing: list[str] = []
    base = path
    while not os.path.lexists(base):
        if base.parent == base:
            return None
        missing.append(base.name)
        base = base.parent
    for name in reversed(missing):
        try:
            hits = [entry for entry in os.listdir(base) if _name_key(entry) == _name_key(name)]
        except OSError:
            return None
        if len(hits) != 1:
            return None
        base = base / hits[0]
    return base if missing else None


def _within(path: str, folder: str) -> bool:
    path, folder = os.path.normcase(path), os.path.normcase(folder)
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _locate_inside(path: Path, root: Path, ctx: _Context) -> tuple[Path | None, list[Problem]]:
    """``path`` (a file listed on the 证明材料 sheet) as found inside the applicant folder ``root``.

    A name that matches a file only up to Unicode normalisation or trailing spaces is used with a
    warning.  A path that leads out of the folder — ``../``, an absolute path elsewhere, or a
    symbolic link (the file's or a folder's on the way) pointing outside — is refused (None):
    the bundle, and LibreOffice converting a file, must read nothing the applicant did not put
    into the folder.
    """
    problems: list[Problem] = []
    if not os.path.lexists(path):
        matched = _match_names(path)
        if matched is not None:
            problems.append(ctx.problem(
                f"磁盘上的文件名是“{display_path(matched, root)}”，与工作表中填写的只差 Unicode 规范化形式"
                "（如 macOS 磁盘上的 NFD 写法）或末尾的空格，已按该文件处理",
                "建议把“证明材料”工作表中的文件名改成与磁盘上一致，或给文件改名", "evidence.name_normalised",
                Severity.WARNING))
            path = matched
    real_root = os.path.realpath(root)
    if _within(os.path.realpath(path), real_root):
        return path, problems
    if _within(os.path.normpath(os.path.abspath(path)), os.path.normpath(os.path.abspath(root))):
        message = (f"这是指向申报文件夹之外（{os.path.realpath(path)}）的符号链接（快捷方式），"
                   "为安全起见不读取")
    else:
        message = "路径指向申报文件夹之外（含“../”或是其他位置的绝对路径），为安全起见不读取"
    problems.append(ctx.problem(
        message, f"证明材料必须放在申报文件夹内：请把该文件本身复制到 {LAYOUT.evidence_dir}/ 文件夹中，"
        f"并在“证明材料”工作表“文件”列填写 {LAYOUT.evidence_dir}/文件名", "evidence.outside"))
    return None, problems


def _item_context(item: EvidenceItem, path: Path, root: Path | None) -> _Context:
    """Messages for a file listed on the 证明材料 sheet."""
    return _Context(
        display=display_path(path, root), item=item.code, password=item.password,
        password_hint="在“证明材料”工作表该行的“打开密码”列填写该 PDF 的打开密码",
        missing_hint="检查“证明材料”工作表该行“文件”列中的路径（相对于申报文件夹）是否写对，"
                     "或把文件放到该位置")


def _path_context(path: Path, password: str | None) -> _Context:
    """Messages for a file given on the ``skilldoc bundle`` command line."""
    return _Context(display=str(path), item=None, password=password,
                    password_hint="用 --password 提供该 PDF 的打开密码",
                    missing_hint="检查文件路径是否写对",
                    output="合并后的 PDF", add_hint="作为单独的文件一并列出")


def prepare_paths(paths: Sequence[Path], workdir: Path,
                  password: str | None = None) -> tuple[list[BundleInput], list[Problem]]:
    """``skilldoc bundle FILE...``: one input per file, coded "1", "2", …, titled by the file's stem.

    ``password`` is tried on every encrypted PDF.  Errors are raised all together
    as in :func:`prepare_inputs`.
    """
    preparer = _Preparer(workdir)
    inputs: list[BundleInput] = []
    problems: list[Problem] = []
    preparer.convert_office([(Path(path), _path_context(Path(path), password)) for path in paths])
    for index, path in enumerate(paths, start=1):
        path = Path(path)
        ctx = _path_context(path, password)
        source, found = preparer.file(path, ctx)
        problems.extend(found)
        if source is not None:
            inputs.append(BundleInput(str(index), path.stem, "", (source,), source.pages))
    _raise_if_errors(problems)
    return inputs, problems


def stream_paths(paths: Sequence[Path], workdir: Path, password: str | None = None,
                 ) -> Iterator[tuple[BundleInput | None, list[Problem], PdfReader | None]]:
    """:func:`prepare_paths` one file at a time, for a caller that copies each file right away.

    Yields, per path: the input (``None`` when the file has an error), the file's problems
    (errors and warnings), and — for a PDF used in place — the reader validation opened
    (decrypted, page tree read), which the caller must close.  Nothing is raised here: the
    caller collects the problems and raises them all together (:func:`raise_problems`)
    before it replaces any output.
    """
    preparer = _Preparer(workdir, keep_readers=True)
    preparer.convert_office([(Path(path), _path_context(Path(path), password)) for path in paths])
    for index, path in enumerate(paths, start=1):
        path = Path(path)
        ctx = _path_context(path, password)
        source, found = preparer.file(path, ctx)
        reader = preparer.take_reader()
        bi = BundleInput(str(index), path.stem, "", (source,), source.pages) if source is not None else None
        yield bi, found, reader


def raise_problems(problems: list[Problem]) -> None:
    """Raise the errors among ``problems`` (with the warnings) as :func:`prepare_paths` does; else nothing."""
    _raise_if_errors(problems)


__all__ = [
    "IMAGE_EXTENSIONS",
    "OFFICE_EXTENSIONS",
    "PDF_EXTENSIONS",
    "BundleInput",
    "SourceFile",
    "capture_pypdf",
    "declared_kind",
    "display_path",
    "prepare_inputs",
    "prepare_paths",
    "raise_problems",
    "sniff",
    "stream_paths",
]
