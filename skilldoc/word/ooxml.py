"""The bottom layer of the Word reader: open a .docx safely and parse the parts we need.

This is the one module that imports lxml.  A .docx is a zip of XML parts; we read
only the main document, its styles and its numbering (never pictures or other
parts), each through a size cap (:mod:`skilldoc.limits`), and refuse XML with a
DTD or entity declarations.  Files that are not a .docx get their own message:
an encrypted Office file (a password-protected .docx is an OLE container holding
``EncryptedPackage``), a Word 97–2003 ``.doc``, a damaged zip.
"""

from __future__ import annotations

import contextlib
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from .. import limits
from ..errors import InputError, Location, Problem

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W_STRICT_NS = "http://purl.oclc.org/ooxml/wordprocessingml/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

Element = Any  # lxml.etree._Element (untyped library)


def w(tag: str) -> str:
    """Clark name of a WordprocessingML tag: ``w("p")`` → ``{…/main}p``."""
    return f"{{{W_NS}}}{tag}"


def wattr(el: Element, name: str) -> str | None:
    value: str | None = el.get(w(name))
    return value


class DocxProblem(InputError):
    """A Word file that cannot be read, with the message saying why and what to do."""


def _fail(path: Path, message: str, hint: str, code: str) -> DocxProblem:
    return DocxProblem("无法读取 Word 文件", [Problem(message, Location(str(path)), hint, code=code)])


SAVE_AS_DOCX = "用 Word 或 WPS 打开，选择“文件 → 另存为”，保存类型选“Word 文档（*.docx）”后再试"
# the main part's root element of the other Office files → what to call them
_OTHER_OFFICE = {"workbook": " Excel 工作簿", "presentation": " PowerPoint 演示文稿"}


@dataclass
class WordPackage:
    """The parsed parts of one .docx: the document body, styles and numbering."""

    path: Path
    document: Element
    styles: Element | None = None
    numbering: Element | None = None
    style_names: dict[str, str] = field(default_factory=dict)  # styleId → lower-case name
    style_based: dict[str, str] = field(default_factory=dict)  # styleId → basedOn styleId

    @property
    def body(self) -> Element:
        body = self.document.find(w("body"))
        if body is None:
            raise _fail(self.path, "文档中没有正文（word/document.xml 缺少 body）", SAVE_AS_DOCX, "docx.damaged")
        return body


def sniff(path: Path) -> str:
    """What the file is by its first bytes: ``zip``, ``ole`` (.doc or encrypted), ``empty`` or ``other``."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    if not head:
        return "empty"
    if head.startswith(ZIP_MAGIC) or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head == OLE_MAGIC:
        return "ole"
    return "other"


def _ole_kind(path: Path) -> str:
    """``encrypted`` (an OLE container holding an encrypted OOXML package) or ``doc`` (Word 97–2003)."""
    size = min(path.stat().st_size, limits.DOCX_MAX_FILE)
    with open(path, "rb") as fh:
        data = fh.read(size)
    if "EncryptedPackage".encode("utf-16-le") in data:
        return "encrypted"
    if "WordDocument".encode("utf-16-le") in data:
        return "doc"
    return "ole"


def check_file(path: Path) -> None:
    """Raise DocxProblem unless ``path`` is a regular, readable file of a plausible size."""
    try:
        kind = limits.file_kind(path)
    except OSError:
        raise _fail(path, "文件不存在", "检查文件路径", "docx.missing") from None
    if kind is not None:
        raise _fail(path, f"这是{kind}，不是 Word 文档", "请给出一个 .docx 文件", "docx.not_file")
    size = path.stat().st_size
    if size > limits.DOCX_MAX_FILE:
        raise _fail(path, f"文件太大（{size // limits.MiB} MiB，上限 {limits.DOCX_MAX_FILE // limits.MiB} MiB）",
                    "请压缩文档中的图片（Word：文件 → 压缩图片）后再试", "docx.too_large")


def open_package(path: Path, *, styles: bool = True) -> WordPackage:
    """Open ``path`` as a .docx and parse its document, styles and numbering parts (size-capped).

    ``styles=False``: the document part alone (plain text needs neither styles nor numbering).
    """
    path = Path(path)
    check_file(path)
    kind = sniff(path)
    if kind == "empty":
        raise _fail(path, "文件是空的（0 字节）", "请重新保存或重新复制这个文件", "docx.empty")
    if kind == "ole":
        ole = _ole_kind(path)
        if ole == "encrypted":
            raise _fail(path, "文档设置了打开密码（已加密），无法读取",
                        "在 Word 中打开，选择“文件 → 信息 → 保护文档 → 用密码进行加密”，清空密码后保存，再试",
                        "docx.encrypted")
        raise _fail(path, "这是旧版 Word 文档（.doc，Word 97–2003 格式），不是 .docx", SAVE_AS_DOCX, "docx.doc")
    if kind != "zip":
        raise _fail(path, "不是 Word 文档（.docx）：文件内容不是 Office 文档格式",
                    "如果是 WPS 或 RTF 文档，请" + SAVE_AS_DOCX, "docx.not_docx")
    with _zip(path) as (zf, names):
        main = _main_part(zf, names, path)
        document = _parse(zf, names, main, path, limits.DOCX_MAX_PART)
        if document is None:
            raise _fail(path, "不是 Word 文档：缺少 word/document.xml（可能是其他 Office 文件）",
                        SAVE_AS_DOCX, "docx.not_docx")
        targets = _relationships(zf, names, _rels_name(main), path) if styles else []
        style_root = numbering = None
        for rel_type, target in targets:
            if rel_type.endswith("/styles"):
                style_root = _parse(zf, names, target, path, limits.DOCX_MAX_SIDE_PART)
            elif rel_type.endswith("/numbering"):
                numbering = _parse(zf, names, target, path, limits.DOCX_MAX_SIDE_PART)
    if document.tag == f"{{{W_STRICT_NS}}}document":
        raise _fail(path, "文档是“Strict Open XML”格式，暂不支持",
                    "在 Word 中“另存为”时选择“Word 文档（*.docx）”而不是“Strict Open XML 文档”", "docx.strict")
    if document.tag != w("document"):
        # another Office file (most often the workbook given where the 申报书 is meant): say which
        other = _OTHER_OFFICE.get(document.tag.rpartition("}")[2])
        raise _fail(path, f"这是{other}，不是 Word 文档（.docx）" if other else "不是 Word 文档（.docx），而是其他 Office 文件",
                    "请给出 Word 文档（.docx），例如申报书.docx" if other else SAVE_AS_DOCX, "docx.not_docx")
    package = WordPackage(path, document, style_root, numbering)
    if style_root is not None:
        for st in style_root.iter(w("style")):
            sid = wattr(st, "styleId")
            name = st.find(w("name"))
            if sid:
                package.style_names[sid] = (wattr(name, "val") or "").lower() if name is not None else ""
                based = st.find(w("basedOn"))
                if based is not None and wattr(based, "val"):
                    package.style_based[sid] = wattr(based, "val") or ""
    count_limits(package)
    return package


def check_package(path: Path) -> None:
    """Check every part of a .docx before another library loads it whole (the form template).

    python-docx reads all parts of a package into memory; this refuses first what it
    should never see: a part or a package over its inflated-size cap (a few KB can
    inflate to gigabytes), a DTD or entity declaration, XML that is not well-formed
    (which would otherwise be copied into a 申报书.docx that Word and LibreOffice
    cannot open).  Raises :class:`DocxProblem` naming the part.
    """
    path = Path(path)
    check_file(path)
    if sniff(path) != "zip":
        open_package(path)  # raises the message for what it is (.doc, encrypted, empty, other)
    total = 0
    with _zip(path) as (zf, names):
        for name, info in names.items():
            if info.is_dir():
                continue
            if name.endswith((".xml", ".rels")):
                cap = limits.DOCX_MAX_PART if name.startswith("word/document") else limits.DOCX_MAX_SIDE_PART
                _parse(zf, names, name, path, cap)
                size = info.file_size
            else:  # pictures and other binary parts: only their inflated size matters
                size = _inflated_size(zf, info, limits.DOCX_MAX_TOTAL - total, path)
            total += size
            if total > limits.DOCX_MAX_TOTAL:
                raise _too_large(path, f"文档各部分解压后合计超过上限 {limits.DOCX_MAX_TOTAL // limits.MiB} MiB")


def _inflated_size(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, path: Path) -> int:
    """The real inflated size of one member, read in chunks and never past ``budget`` (+1 chunk)."""
    size = 0
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 20):
            size += len(chunk)
            if size > budget:
                raise _too_large(path, f"文档部分 {info.filename} 解压后过大，"
                                       f"各部分合计上限 {limits.DOCX_MAX_TOTAL // limits.MiB} MiB")
    return size


def _too_large(path: Path, message: str) -> DocxProblem:
    return _fail(path, message, "请检查是否误选了其他文件；或用 Word 打开后“另存为”新的 .docx", "docx.too_large")


@contextlib.contextmanager
def _zip(path: Path) -> Iterator[tuple[zipfile.ZipFile, dict[str, zipfile.ZipInfo]]]:
    """The open zip and its members by name; a damaged zip or too many members → DocxProblem."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > limits.DOCX_MAX_ENTRIES:
                raise _fail(path, f"压缩包中有 {len(infos)} 个条目，超过 Word 文档的合理范围（{limits.DOCX_MAX_ENTRIES}）",
                            SAVE_AS_DOCX, "docx.too_large")
            yield zf, {i.filename: i for i in infos}
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, NotImplementedError, ValueError) as exc:
        raise _fail(path, f"文件已损坏，无法解压（{type(exc).__name__}）",
                    "文件可能没有下载或复制完整；请重新获取原文件，或用 Word 打开后“另存为”.docx", "docx.damaged") from None
    except OSError as exc:
        raise _fail(path, f"无法读取：{exc.strerror or exc}", "请确认文件没有被其他程序独占打开",
                    "docx.unreadable") from None


def count_limits(package: WordPackage) -> None:
    """Refuse documents with absurd numbers of paragraphs, tables or rows before walking them."""
    path = package.path
    paragraphs = int(package.document.xpath("count(//w:p)", namespaces={"w": W_NS}))
    if paragraphs > limits.DOCX_MAX_PARAGRAPHS:
        raise _fail(path, f"文档段落数超过 {limits.DOCX_MAX_PARAGRAPHS:,}，超出申报书的合理范围",
                    "请检查是否误选了其他文件", "docx.too_large")
    for tables, tbl in enumerate(package.document.iter(w("tbl")), start=1):
        if tables > limits.DOCX_MAX_TABLES:
            raise _fail(path, f"文档中的表格超过 {limits.DOCX_MAX_TABLES:,} 个，超出申报书的合理范围",
                        "请检查是否误选了其他文件", "docx.too_large")
        rows = tbl.findall(w("tr"))
        if len(rows) > limits.DOCX_MAX_ROWS:
            raise _fail(path, f"第 {tables} 个表格有 {len(rows):,} 行，超过上限 {limits.DOCX_MAX_ROWS:,}",
                        "请检查是否误选了其他文件", "docx.too_large")
        if any(len(tr.findall(w("tc"))) > limits.DOCX_MAX_CELLS for tr in rows):
            raise _fail(path, f"第 {tables} 个表格一行超过 {limits.DOCX_MAX_CELLS} 个单元格",
                        "请检查是否误选了其他文件", "docx.too_large")


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _relationships(zf: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo], rels: str,
                   path: Path) -> list[tuple[str, str]]:
    root = _parse(zf, names, rels, path, limits.DOCX_MAX_SIDE_PART)
    if root is None:
        return []
    source = rels.replace("_rels/", "").removesuffix(".rels")
    out = []
    for rel in root.iter(f"{{{PKG_REL_NS}}}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target") or ""
        out.append((rel.get("Type") or "", _resolve(source, target)))
    return out


def _main_part(zf: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo], path: Path) -> str:
    for rel_type, target in _relationships(zf, names, "_rels/.rels", path):
        if rel_type.endswith("/officeDocument"):
            return target
    return "word/document.xml"


def _parser() -> Any:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           remove_comments=True, remove_pis=True)


def _parse(zf: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo], name: str, path: Path,
           cap: int) -> Element | None:
    info = names.get(name)
    if info is None:
        return None
    if info.file_size > cap:
        raise _too_large(path, f"文档部分 {name} 解压后 {info.file_size // limits.MiB} MiB，过大（上限 {cap // limits.MiB} MiB）")
    with zf.open(info) as fh:  # the header's size may lie: read at most cap + 1 bytes
        data = fh.read(cap + 1)
    if len(data) > cap:
        raise _too_large(path, f"文档部分 {name} 解压后过大（上限 {cap // limits.MiB} MiB）")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise _fail(path, f"文档部分 {name} 含有文档类型定义（DTD）或实体声明（Word 不会写出这样的内容），拒绝读取",
                    "这个文件可能被篡改；请用 Word 打开后“另存为”新的 .docx", "docx.dtd")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        what = "含有未定义的实体引用，" if "Entity" in str(exc.msg) else ""
        raise _fail(path, f"文档部分 {name} {what}不是格式正确的 XML（{exc.msg}，第 {exc.lineno} 行）",
                    "文件可能已损坏；请用 Word 打开（会提示修复）后“另存为”新的 .docx", "docx.damaged") from None
    if root.getroottree().docinfo.internalDTD is not None:  # a UTF-16 part hides the bytes above
        raise _fail(path, f"文档部分 {name} 含有文档类型定义（DTD）或实体声明，拒绝读取",
                    "这个文件可能被篡改；请用 Word 打开后“另存为”新的 .docx", "docx.dtd")
    return root


def serialize(root: Element) -> bytes:
    """XML bytes of an element tree (for the writer in :mod:`skilldoc.word.writer`)."""
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return data


def element(tag: str, attrs: dict[str, str] | None = None, text: str | None = None,
            nsmap: dict[str | None, str] | None = None) -> Element:
    el = etree.Element(tag, attrs or {}, nsmap=nsmap)
    if text is not None:
        el.text = text
    return el


def sub(parent: Element, tag: str, attrs: dict[str, str] | None = None, text: str | None = None) -> Element:
    el = etree.SubElement(parent, tag, attrs or {})
    if text is not None:
        el.text = text
    return el
