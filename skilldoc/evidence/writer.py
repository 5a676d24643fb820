"""A streaming PDF writer over pypdf's parser.

pypdf's ``PdfWriter`` keeps every object until ``write()`` and deep-clones each
page; for a bundle of thousands of pages that costs memory proportional to the
bundle and several times qpdf's time.  This writer instead:

* opens one input at a time with ``PdfReader(strict=False)``;
* walks the objects reachable from its pages (never the page tree: /Parent of
  pages is rewritten, /Pages and /Catalog nodes reached by accident become
  ``null``), renumbers references and serialises each object straight to the
  output file — streams with their raw encoded bytes, never decoded;
* drops JavaScript, additional actions (/AA), /OpenAction and Launch /
  JavaScript / ImportData actions; keeps annotations, links, widgets and their
  appearance streams;
* forgets the reader and moves on, so memory is bounded by the largest input.

Stamping (see :meth:`_Serializer.write_page`): the page's own content streams
are referenced, never decoded into or rewritten; its /Contents becomes
``[q-stream, original streams…, stamp stream]`` where the q-stream (``q`` ×
depth, one shared object per depth) saves the initial graphics state and the
stamp stream starts by restoring it.  The depth comes from
:func:`_save_depths`, a bracket count of the ``q``/``Q`` tokens in the
content.  Decision (issue 4, "stamping must not re-parse page content"): the
count is kept because real files need it — iText writes a ``Q`` too many
(``pdf_mediabox_offset_mixed.pdf``: 2 ``q``, 3 ``Q`` per page) and poppler
stops drawing at an unmatched ``Q``, so without it the stamp vanishes there —
and it is cheap: a C-speed inflate per plain-Flate content stream, chunk by
chunk (never the whole stream: a 1 MB file can inflate to gigabytes), a regex
pass only over chunks holding ``q``/``Q`` (≈ 10 µs for a small text page,
≈ 0.35 ms for a dense 51 KB iText form page), no operator parsing, other
filter chains skipped, a stream shared by pages scanned once; past the caps in
:mod:`skilldoc.limits` (bytes per page and per file, ``q``/``Q`` per file) the
rest is taken as balanced and the bundle warns; details in ``benchmarks/README.md``.
Alternatives considered and rejected: drawing the stamp before the content
(hidden under full-page scans), an annotation (not page content; hidden
by "no annotations" printing), wrapping the content in a Form XObject
(breaks /Contents arrays whose graphics state spans streams).

At the end :meth:`StreamingPdfWriter.finish` writes the flat page tree,
outlines, page labels, catalog, xref table and trailer.  No dates, a /ID
derived from the written bytes: the same inputs give the same output bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import re
import warnings
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

from .. import limits
from .stamp import Box, normalise_rotation, visible_box

PRODUCER = "skilldoc"

#: Dictionary keys never copied: document/page/annotation scripts and triggers.
DROP_KEYS = frozenset({"/JavaScript", "/AA", "/OpenAction"})
#: Keys whose value is an action that may be dropped.
ACTION_KEYS = frozenset({"/A", "/Next"})
#: Action types dropped from the bundle.
DROP_ACTIONS = frozenset({"/Launch", "/JavaScript", "/ImportData", "/Rendition", "/SubmitForm"})
# page keys write_page writes itself (resolved, inherited or rewritten), never copied as they are
_PAGE_KEYS_REWRITTEN = frozenset({"/Parent", "/Contents", "/Resources", "/Rotate", "/MediaBox", "/CropBox"})

_NAME_CACHE: dict[str, bytes] = {}
_ESCAPES = {ord("\\"): b"\\\\", ord("("): b"\\(", ord(")"): b"\\)", ord("\r"): b"\\r"}


def _name(name: str) -> bytes:
    """A name's serialised bytes (cached: the same few hundred names recur)."""
    raw = _NAME_CACHE.get(name)
    if raw is None:
        raw = NameObject(name).renumber()
        _NAME_CACHE[name] = raw
    return raw


def _literal(data: bytes) -> bytes:
    if b"\\" in data or b"(" in data or b")" in data or b"\r" in data:
        data = b"".join(_ESCAPES.get(c, bytes((c,))) for c in data)
    return b"(" + data + b")"


def text_string(text: str) -> bytes:
    """A PDF text string: plain ASCII literal when possible, else UTF-16BE with BOM (hex)."""
    if text.isascii():
        return _literal(text.encode("ascii"))
    return b"<feff" + text.encode("utf-16-be").hex().encode("ascii") + b">"


def _string_bytes(obj: TextStringObject) -> bytes:
    try:
        return obj.original_bytes
    except Exception:  # a TextStringObject made in memory, without original bytes
        try:
            return obj.encode("latin-1")
        except UnicodeEncodeError:
            return b"\xfe\xff" + obj.encode("utf-16-be")


def _float(value: float) -> bytes:
    if value != value or value in (float("inf"), float("-inf")):
        return b"0"
    if value == int(value) and abs(value) < 1e15:
        return b"%d" % int(value)
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text.encode("ascii") if text not in ("-0", "") else b"0"


@dataclass
class OutlineNode:
    """One bookmark: a title, the 0-based output page it opens, children."""

    title: str
    page: int
    children: list[OutlineNode] = field(default_factory=list)
    open: bool = True


@dataclass(frozen=True)
class PageLabel:
    """One /PageLabels range starting at output page ``start`` (0-based)."""

    start: int
    style: str | None = "D"  # "D", "r", "R", "a", "A" or None (prefix only)
    prefix: str = ""
    first: int = 1


@dataclass(frozen=True)
class StampSpec:
    """What to draw on one page: the font resource and a callback building the content."""

    font_ref: int
    # (visible box, rotation, font resource name without slash) -> content stream bytes (starting with "Q")
    content: Callable[[Box, int, str], bytes]


@contextlib.contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """Keep pypdf's log messages about repaired files off stderr while copying.

    The files were validated (and their problems reported) before bundling; the
    library never prints.
    """
    logger = logging.getLogger("pypdf")
    handler = logging.NullHandler()
    old = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = old


class _Resolve:
    """Turn pypdf values (possibly indirect) into Python values."""

    @staticmethod
    def obj(value: Any) -> Any:
        seen = 0
        while isinstance(value, IndirectObject) and seen < 32:
            value = value.get_object()
            seen += 1
        return value


class StreamingPdfWriter:
    """Writes a PDF object by object to a binary file."""

    def __init__(self, fh: BinaryIO) -> None:
        self._fh = fh
        self._pos = 0
        self._offsets: list[int] = [0]  # index = object number; 0 = not yet written
        self._crc = 0
        self.pages: list[int] = []  # output page object numbers, in page order
        self._q_streams: dict[int, int] = {}
        #: pages of the last :meth:`copy_pages` whose content was too large to scan to its end
        self.capped_pages = 0
        self.pages_root = self.alloc()
        self._write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    # -- low level -------------------------------------------------------
    def _write(self, data: bytes) -> None:
        self._fh.write(data)
        self._pos += len(data)
        self._crc = zlib.crc32(data, self._crc)

    def alloc(self) -> int:
        self._offsets.append(0)
        return len(self._offsets) - 1

    def write_raw(self, num: int, body: bytes) -> None:
        """Write object ``num`` whose serialised value is ``body``."""
        self._offsets[num] = self._pos
        self._write(b"%d 0 obj\n%s\nendobj\n" % (num, body))

    def write_stream(self, num: int, dict_body: bytes, data: bytes) -> None:
        """Write stream object ``num``: ``dict_body`` is the dictionary without << >> and /Length."""
        self._offsets[num] = self._pos
        head = b"%d 0 obj\n<<%s/Length %d>>\nstream\n" % (num, dict_body, len(data))
        self._write(head)
        self._write(data)
        self._write(b"\nendstream\nendobj\n")

    def q_stream(self, depth: int = 1) -> int:
        """The shared stream of ``depth`` ``q`` operators put before a stamped page's content.

        Written once per depth; almost every page uses depth 1.
        """
        num = self._q_streams.get(depth)
        if num is None:
            num = self._q_streams[depth] = self.alloc()
            self.write_stream(num, b"", b"q\n" * depth)
        return num

    @property
    def position(self) -> int:
        return self._pos

    # -- in-memory objects (fonts, blank pages) ------------------------
    def add_object(self, obj: PdfObject) -> int:
        """Write a pypdf object built in memory (direct children, streams allowed inside).

        Nested streams become their own objects; ``IndirectObject`` values are
        not allowed (there is no reader to resolve them against).
        """
        num = self.alloc()
        ser = _Serializer(self, None)
        ser.write_value(num, obj)
        ser.drain()
        return num

    # -- copying pages from an input ------------------------------------
    def copy_pages(self, path: Path, password: str | None = None,
                   stamps: Sequence[StampSpec | None] | None = None,
                   reader: PdfReader | None = None) -> list[int]:
        """Copy every page of ``path`` (in order), stamping page i with ``stamps[i]``.

        ``reader``: ``path`` already opened (and decrypted) by validation, so its page tree is
        not parsed twice; it is switched to lenient parsing, as a reader opened here would be,
        and closed like one.  Returns the output page object numbers (also appended to
        ``self.pages``).
        """
        with warnings.catch_warnings(), _quiet_pypdf():
            warnings.simplefilter("ignore")
            validated = reader is not None
            if reader is None:
                reader = PdfReader(path, strict=False)
            reader.strict = False
            ser = _Serializer(self, reader)
            try:
                if not validated and reader.is_encrypted:
                    reader.decrypt(password or "")
                pages = list(reader.pages)
                # pre-assign page numbers so links and annotation /P resolve to the copies
                nums = []
                for page in pages:
                    ref = page.indirect_reference
                    num = self.alloc()
                    if ref is not None and (ref.idnum, ref.generation) not in ser.map:
                        ser.map[(ref.idnum, ref.generation)] = num
                    nums.append(num)
                for i, (page, num) in enumerate(zip(pages, nums, strict=True)):
                    stamp = stamps[i] if stamps is not None and i < len(stamps) else None
                    ser.write_page(num, page, stamp)
                    ser.drain()
            finally:
                # break the reader <-> object reference cycles now, so memory stays flat
                # without waiting for (or paying for) the cyclic garbage collector
                pages = []
                self.capped_pages = ser.qscan.capped_pages
                ser.close()
                reader.close()
        self.pages.extend(nums)
        return nums

    def add_blank_page(self, width: float = 595.276, height: float = 841.89) -> int:
        num = self.alloc()
        self.write_raw(num, b"<</Type/Page/Parent %d 0 R/MediaBox[0 0 %s %s]/Resources<<>>>>"
                       % (self.pages_root, _float(width), _float(height)))
        self.pages.append(num)
        return num

    # -- the end ------------------------------------------------------
    def finish(self, outline: Sequence[OutlineNode] = (), labels: Sequence[PageLabel] = (),
               title: str | None = None) -> None:
        kids = b" ".join(b"%d 0 R" % n for n in self.pages)
        self.write_raw(self.pages_root, b"<</Type/Pages/Count %d/Kids[%s]>>" % (len(self.pages), kids))
        catalog = [b"/Type/Catalog/Pages %d 0 R" % self.pages_root]
        if outline:
            catalog.append(b"/Outlines %d 0 R/PageMode/UseOutlines" % self._write_outline(outline))
        if labels:
            nums = []
            for label in labels:
                entry = b""
                if label.style:
                    entry += b"/S/" + label.style.encode("ascii")
                if label.prefix:
                    entry += b"/P" + text_string(label.prefix)
                if label.first != 1:
                    entry += b"/St %d" % label.first
                nums.append(b"%d<<%s>>" % (label.start, entry))
            catalog.append(b"/PageLabels<</Nums[%s]>>" % b" ".join(nums))
        root = self.alloc()
        self.write_raw(root, b"<<" + b"".join(catalog) + b">>")
        info = self.alloc()
        info_body = b"/Producer" + text_string(PRODUCER)
        if title:
            info_body += b"/Title" + text_string(title)
        self.write_raw(info, b"<<" + info_body + b">>")
        # any object allocated but never written becomes null
        for num in range(1, len(self._offsets)):
            if not self._offsets[num]:
                self.write_raw(num, b"null")
        xref_pos = self._pos
        size = len(self._offsets)
        table = [b"xref\n0 %d\n0000000000 65535 f \n" % size]
        table.extend(b"%010d 00000 n \n" % off for off in self._offsets[1:])
        xref = b"".join(table)
        digest = hashlib.md5(xref + b"%d" % self._crc).hexdigest().encode("ascii")
        self._write(xref)
        self._write(b"trailer\n<</Size %d/Root %d 0 R/Info %d 0 R/ID[<%s><%s>]>>\nstartxref\n%d\n%%%%EOF\n"
                    % (size, root, info, digest, digest, xref_pos))

    def _write_outline(self, nodes: Sequence[OutlineNode]) -> int:
        top = self.alloc()
        count = self._write_outline_level(nodes, top)
        # allocate children first so numbers are known; written recursively
        first, last = self._level_refs[top]
        self.write_raw(top, b"<</Type/Outlines/First %d 0 R/Last %d 0 R/Count %d>>" % (first, last, count))
        return top

    _level_refs: dict[int, tuple[int, int]]

    def _write_outline_level(self, nodes: Sequence[OutlineNode], parent: int) -> int:
        """Write ``nodes`` under ``parent``; returns the number of visible descendants."""
        if not hasattr(self, "_level_refs"):
            self._level_refs = {}
        nums = [self.alloc() for _ in nodes]
        self._level_refs[parent] = (nums[0], nums[-1])
        visible = len(nodes)
        for i, (node, num) in enumerate(zip(nodes, nums, strict=True)):
            body = [b"/Title", text_string(node.title), b"/Parent %d 0 R" % parent]
            if i > 0:
                body.append(b"/Prev %d 0 R" % nums[i - 1])
            if i + 1 < len(nums):
                body.append(b"/Next %d 0 R" % nums[i + 1])
            if 0 <= node.page < len(self.pages):
                body.append(b"/Dest[%d 0 R/Fit]" % self.pages[node.page])
            if node.children:
                inner = self._write_outline_level(node.children, num)
                first, last = self._level_refs[num]
                body.append(b"/First %d 0 R/Last %d 0 R" % (first, last))
                if node.open:
                    body.append(b"/Count %d" % inner)
                    visible += inner
                else:
                    body.append(b"/Count -%d" % len(node.children))
            self.write_raw(num, b"<<" + b"".join(body) + b">>")
        return visible


class _Serializer:
    """Serialises the objects of one reader (or in-memory objects) with renumbered references."""

    def __init__(self, writer: StreamingPdfWriter, reader: PdfReader | None) -> None:
        self.w = writer
        self.reader = reader
        self.map: dict[tuple[int, int], int] = {}
        self.queue: list[IndirectObject] = []
        self.pending: list[tuple[int, StreamObject]] = []  # direct streams of in-memory objects
        self._resources: dict[tuple[tuple[int, int], int], tuple[int, str]] = {}
        self.qscan = _QScan()

    def close(self) -> None:
        self.map.clear()
        self.queue.clear()
        self.pending.clear()
        self._resources.clear()
        self.reader = None

    # -- references ------------------------------------------------------
    def ref(self, ind: IndirectObject) -> int:
        key = (ind.idnum, ind.generation)
        num = self.map.get(key)
        if num is None:
            num = self.w.alloc()
            self.map[key] = num
            self.queue.append(ind)
        return num

    def drain(self) -> None:
        w = self.w
        while self.queue or self.pending:
            while self.pending:
                num, stream = self.pending.pop()
                self.write_value(num, stream)
            if not self.queue:
                break
            ind = self.queue.pop()
            num = self.map[(ind.idnum, ind.generation)]
            try:
                obj = self.reader.get_object(ind) if self.reader is not None else None
            except Exception:  # unreadable object in a damaged file: keep the reference valid
                obj = None
            if obj is None or isinstance(obj, NullObject):
                w.write_raw(num, b"null")
                continue
            if isinstance(obj, DictionaryObject) and obj.get("/Type") in ("/Pages", "/Catalog"):
                w.write_raw(num, b"null")
                continue
            self.write_value(num, obj)

    def write_value(self, num: int, obj: Any) -> None:
        if isinstance(obj, StreamObject):
            parts: list[bytes] = []
            self._dict_items(obj, parts, skip=("/Length",))
            self.w.write_stream(num, b"".join(parts), obj._data or b"")
        else:
            parts = []
            self.value(obj, parts)
            self.w.write_raw(num, b"".join(parts))

    # -- values ---------------------------------------------------------
    def value(self, obj: Any, out: list[bytes]) -> None:
        t = type(obj)
        if t is IndirectObject:
            out.append(b"%d 0 R" % self.ref(obj))
        elif t is NameObject:
            out.append(_name(obj))
        elif t is NumberObject:
            out.append(b"%d" % obj)
        elif t is FloatObject:
            out.append(_float(obj))
        elif t is ArrayObject or isinstance(obj, list):
            out.append(b"[")
            first = True
            for item in obj:
                if not first:
                    out.append(b" ")
                first = False
                self.value(item, out)
            out.append(b"]")
        elif isinstance(obj, StreamObject):
            # a stream can only be an indirect object: give it a number of its own
            num = self.w.alloc()
            self.pending.append((num, obj))
            out.append(b"%d 0 R" % num)
        elif isinstance(obj, dict):
            out.append(b"<<")
            self._dict_items(obj, out)
            out.append(b">>")
        elif t is TextStringObject:
            out.append(_literal(_string_bytes(obj)))
        elif t is ByteStringObject or isinstance(obj, bytes):
            out.append(_literal(bytes(obj)))
        elif t is BooleanObject:
            out.append(b"true" if obj.value else b"false")
        elif obj is None or t is NullObject:
            out.append(b"null")
        elif isinstance(obj, bool):
            out.append(b"true" if obj else b"false")
        elif isinstance(obj, int):
            out.append(b"%d" % obj)
        elif isinstance(obj, float):
            out.append(_float(obj))
        elif isinstance(obj, str):
            out.append(_name(obj) if obj.startswith("/") else _literal(_string_bytes(TextStringObject(obj))))
        else:  # any other pypdf object: let it write itself (no references inside)
            buf = io.BytesIO()
            obj.write_to_stream(buf)
            out.append(buf.getvalue())

    def _dict_items(self, obj: dict, out: list[bytes], skip: Iterable[str] | frozenset[str] = ()) -> None:
        for key, val in obj.items():
            if key in DROP_KEYS or key in skip:
                continue
            if key in ACTION_KEYS and self._dropped_action(val):
                continue
            out.append(_name(key))
            if _needs_space(val):
                out.append(b" ")
            self.value(val, out)

    def _dropped_action(self, val: Any) -> bool:
        try:
            action = _Resolve.obj(val)
        except Exception:
            return True
        return isinstance(action, dict) and action.get("/S") in DROP_ACTIONS

    # -- pages ----------------------------------------------------------
    def write_page(self, num: int, page: DictionaryObject, stamp: StampSpec | None) -> None:
        out: list[bytes] = [b"<</Parent %d 0 R" % self.w.pages_root]
        media = Box.from_array(_resolve_array(page.get("/MediaBox")))
        crop = Box.from_array(_resolve_array(page.get("/CropBox")))
        rotation = normalise_rotation(_Resolve.obj(page.get("/Rotate", 0)))
        self._dict_items(page, out, skip=_PAGE_KEYS_REWRITTEN)
        if media is None:
            media = crop or Box(0, 0, 612, 792)
        out.append(b"/MediaBox[%s %s %s %s]" % tuple(_float(v) for v in (media.x0, media.y0, media.x1, media.y1)))
        if crop is not None:
            out.append(b"/CropBox[%s %s %s %s]" % tuple(_float(v) for v in (crop.x0, crop.y0, crop.x1, crop.y1)))
        if rotation:
            out.append(b"/Rotate %d" % rotation)
        contents = self._contents(page.get("/Contents"))
        resources = page.get("/Resources")
        if stamp is None:
            if contents:
                out.append(b"/Contents[" + b" ".join(contents) + b"]")
            out.append(b"/Resources ")
            if resources is None:
                out.append(b"<<>>")
            else:
                self.value(resources, out)
        else:
            box = visible_box(media, crop)
            res_bytes, font_name = self._stamped_resources(resources, stamp.font_ref)
            push, pop = _save_depths(page.get("/Contents"), self.qscan)
            stamp_num = self.w.alloc()
            # the stamp content starts with one Q; more close what the page's content left open
            self.w.write_stream(stamp_num, b"", b"Q\n" * (pop - 1) + stamp.content(box, rotation, font_name))
            q_ref = self.w.q_stream(push)
            out.append(b"/Contents[" + b" ".join([b"%d 0 R" % q_ref, *contents, b"%d 0 R" % stamp_num]) + b"]")
            out.append(b"/Resources ")
            out.append(res_bytes)
        out.append(b">>")
        self.w.write_raw(num, b"".join(out))

    def _contents(self, value: Any) -> list[bytes]:
        """References to the page's content streams, in order."""
        if value is None:
            return []
        refs: list[bytes] = []
        if isinstance(value, IndirectObject):
            try:
                resolved = value.get_object()
            except Exception:
                return []
            if isinstance(resolved, ArrayObject):
                value = resolved
            elif isinstance(resolved, StreamObject):
                return [b"%d 0 R" % self.ref(value)]
            else:
                return []
        if isinstance(value, ArrayObject):
            for item in value:
                if isinstance(item, IndirectObject):
                    refs.append(b"%d 0 R" % self.ref(item))
                elif isinstance(item, StreamObject):
                    tmp: list[bytes] = []
                    self.value(item, tmp)
                    refs.append(b"".join(tmp))
        elif isinstance(value, StreamObject):
            tmp = []
            self.value(value, tmp)
            refs.append(b"".join(tmp))
        return refs

    def _stamped_resources(self, resources: Any, font_ref: int) -> tuple[bytes, str]:
        """The page's resources plus the stamp font as /SkStamp (or a free variant).

        A shared (indirect) resources dictionary becomes ONE new object per
        input, shared by its pages; the original is never mutated.
        """
        key = None
        if isinstance(resources, IndirectObject):
            key = ((resources.idnum, resources.generation), font_ref)
            cached = self._resources.get(key)
            if cached is not None:
                return b"%d 0 R" % cached[0], cached[1]
        res = _Resolve.obj(resources)
        if not isinstance(res, dict):
            res = {}
        fonts = _Resolve.obj(res.get("/Font"))
        if not isinstance(fonts, dict):
            fonts = {}
        name = "/SkStamp"
        i = 0
        while name in fonts:
            i += 1
            name = f"/SkStamp{i}"
        out: list[bytes] = [b"<<"]
        for k, v in res.items():
            if k == "/Font":
                continue
            out.append(_name(k))
            if _needs_space(v):
                out.append(b" ")
            self.value(v, out)
        out.append(b"/Font<<")
        self._dict_items(fonts, out)
        out.append(b"%s %d 0 R>>>>" % (_name(name), font_ref))
        body = b"".join(out)
        if key is None:
            return body, name[1:]
        num = self.w.alloc()
        self.w.write_raw(num, body)
        self._resources[key] = (num, name[1:])
        return b"%d 0 R" % num, name[1:]


# A q or Q operator token: not preceded by a regular character, followed by a delimiter or the end.
# (The class-first form lets the regex engine skip to candidate bytes: 3x faster than a leading lookbehind.)
_Q_TOKEN = re.compile(rb"[qQ](?<![^\s\]\[)>}][qQ])(?=[\s\[(/<%]|$)")
_MAX_DEPTH = 64


@dataclass
class _QScan:
    """Budget and memo of the q/Q counting for one input file (see :func:`_save_depths`)."""

    # inflated bytes and q/Q bytes left for this file (read when made: the limits can be changed)
    budget: int = field(default_factory=lambda: limits.PDF_QSCAN_MAX_BYTES_PER_FILE)
    tokens: int = field(default_factory=lambda: limits.PDF_QSCAN_MAX_TOKENS_PER_FILE)
    memo: dict[tuple[int, int], tuple[int, int, bool, bool]] = field(default_factory=dict)
    capped_pages: int = 0  # pages whose content was not scanned to its end


def _save_depths(contents: Any, scan: _QScan | None = None) -> tuple[int, int]:
    """(``q`` to push before the page's content, ``Q`` to pop after it) so the stamp starts from the
    page's initial graphics state whatever the content does.  Balanced content: (1, 1).

    Some producers write a ``Q`` too many (iText, e.g. pdf.js issue 1350); poppler stops drawing at
    an unmatched ``Q``, and the stamp, drawn after the content, would vanish.  Others leave a ``q``
    (with a ``cm``) open at the end, and the stamp would be drawn in their coordinate system.  The
    operator tokens are reduced like brackets (every ``qQ`` pair removed, C-speed ``bytes.replace``)
    to ``Q``×a ``q``×b: push 1 + a, pop 1 + b.  A page without any ``Q`` byte is taken as balanced
    (a ``q`` left open on such a page keeps its state for the stamp).

    Only streams that zlib alone decodes are scanned (plain /FlateDecode or unfiltered: what Word,
    LibreOffice, iText and scanners write); other filter chains (ASCII85 in pure Python would
    double the bundling time) are taken as balanced.  Streams are inflated incrementally, one
    chunk (``limits.PDF_INFLATE_CHUNK_BYTES``) at a time, never whole: a 1 MB file whose content
    inflates to gigabytes costs one chunk of memory.  At most ``PDF_QSCAN_MAX_BYTES_PER_PAGE``
    inflated bytes are scanned per page and ``PDF_QSCAN_MAX_BYTES_PER_FILE`` per file (``scan``);
    what lies past a cap is taken as balanced and counted in ``scan.capped_pages`` (the bundle
    warns).  A stream shared by several pages is scanned once per file (``scan.memo``).
    A lone "q"/"Q" inside a text string may be miscounted: an extra ``q`` is harmless (never
    popped), an extra ``Q`` in ``b`` can make poppler stop before the stamp (as without the guard).
    """
    scan = scan if scan is not None else _QScan()
    try:
        value = _Resolve.obj(contents)
        items = list(value) if isinstance(value, list) else [contents]
    except Exception:  # undecodable content: nothing to count
        return 1, 1
    unmatched_close = open_ = 0  # the page so far reduces to Q × unmatched_close, q × open_
    page_left = limits.PDF_QSCAN_MAX_BYTES_PER_PAGE
    capped = any_close = False
    for item in items:
        try:
            key = (item.idnum, item.generation) if isinstance(item, IndirectObject) else None
            counted = scan.memo.get(key) if key is not None else None
            if counted is None:
                stream = _Resolve.obj(item)
                if not isinstance(stream, StreamObject):
                    continue
                allowance = min(page_left, scan.budget)
                close, opened, has_close, used, tokens, complete = _count_q(stream, allowance, scan.tokens)
                scan.budget -= used
                scan.tokens -= tokens
                page_left -= used
                counted = (close, opened, has_close, complete)
                if key is not None:
                    scan.memo[key] = counted
            close, opened, has_close, complete = counted
        except Exception:  # undecodable content: nothing to count
            continue
        any_close = any_close or has_close
        matched = min(open_, close)
        open_ += opened - matched
        unmatched_close += close - matched
        if not complete:
            capped = True
            break
    if capped:
        scan.capped_pages += 1
    if not any_close:
        return 1, 1  # no Q at all (most text pages): nothing can underflow
    return 1 + min(unmatched_close, _MAX_DEPTH), 1 + min(open_, _MAX_DEPTH)


def _count_q(stream: StreamObject, allowance: int, tokens: int) -> tuple[int, int, bool, int, int, bool]:
    """(unmatched ``Q``, open ``q``, any ``Q`` at all, inflated bytes scanned, q/Q bytes scanned,
    scanned to the end) of one content stream.

    Inflated chunk by chunk; at most ``allowance`` bytes and ``tokens`` q/Q bytes (counted at
    C speed before the regex pass) are scanned.  A stream zlib cannot decode alone is
    (0, 0, False, 0, 0, True): taken as balanced.
    """
    filters = stream.get("/Filter")
    raw = stream._data or b""
    if isinstance(filters, list):
        if len(filters) > 1:
            return 0, 0, False, 0, 0, True
        filters = filters[0] if filters else None
    if filters is None:
        chunks: Iterator[bytes] = iter([raw[i:i + limits.PDF_INFLATE_CHUNK_BYTES]
                                        for i in range(0, len(raw), limits.PDF_INFLATE_CHUNK_BYTES)])
    elif filters in ("/FlateDecode", "/Fl") and not stream.get("/DecodeParms"):
        chunks = _inflate_chunks(raw)
    else:
        return 0, 0, False, 0, 0, True
    close = opened = used = seen = 0
    has_close = False
    # the last two bytes of the previous buffer: its last byte is still undecided (a token needs
    # the byte after it), the one before is the lookbehind context
    tail = b""
    complete = True
    try:
        for chunk in chunks:
            candidates = chunk.count(b"q") + chunk.count(b"Q")
            if used + len(chunk) > allowance or seen + candidates > tokens:
                chunk = chunk[:max(0, allowance - used)] if seen + candidates <= tokens else b""
                complete = False
            used += len(chunk)
            seen += candidates if complete else 0
            ops = _tokens(tail + chunk, len(tail) // 2, final=False)
            has_close = has_close or b"Q" in ops
            close, opened = _reduce_q(ops, close, opened)
            tail = (tail + chunk)[-2:]
            if not complete:
                return close, opened, has_close, used, seen, False
    except zlib.error:  # a damaged stream: count what inflated
        pass
    ops = _tokens(tail, len(tail) // 2, final=True)
    has_close = has_close or b"Q" in ops
    close, opened = _reduce_q(ops, close, opened)
    return close, opened, has_close, used, seen, complete


def _inflate_chunks(raw: bytes) -> Iterator[bytes]:
    """``raw`` inflated, at most ``PDF_INFLATE_CHUNK_BYTES`` at a time (never the whole stream)."""
    inflater = zlib.decompressobj()
    data = raw
    while data:
        chunk = inflater.decompress(data, limits.PDF_INFLATE_CHUNK_BYTES)
        data = inflater.unconsumed_tail
        if chunk:
            yield chunk
        elif not data or inflater.eof:
            break
    rest = inflater.flush() if not inflater.eof else b""
    if rest:
        yield rest


def inflated_size(raw: bytes, cap: int) -> int:
    """How many bytes ``raw`` (a zlib stream) inflates to, counted chunk by chunk and no further
    than just past ``cap`` (what is returned is then > cap).  A damaged stream counts what inflated."""
    total = 0
    try:
        for chunk in _inflate_chunks(raw):
            total += len(chunk)
            if total > cap:
                break
    except zlib.error:
        pass
    return total


def _tokens(buf: bytes, skip: int, *, final: bool) -> bytes:
    """The q/Q tokens of ``buf`` starting at or after ``skip`` (C-speed ``findall``); unless ``final``,
    a token on the last byte is left for the next chunk (its following byte decides whether it is one)."""
    if b"Q" not in buf and b"q" not in buf:
        return b""
    ops = b"".join(_Q_TOKEN.findall(buf, skip))
    if ops and not final and _Q_TOKEN.match(buf, len(buf) - 1):
        ops = ops[:-1]
    return ops


def _reduce_q(ops: bytes, close: int, opened: int) -> tuple[int, int]:
    """Append the tokens ``ops`` to a sequence that reduced to Q × close, q × opened; reduce again."""
    if not ops:
        return close, opened
    while b"qQ" in ops:
        ops = ops.replace(b"qQ", b"")
    extra_close = ops.count(b"Q")
    matched = min(opened, extra_close)
    return close + extra_close - matched, opened - matched + len(ops) - extra_close


def _needs_space(val: Any) -> bool:
    """Whether a value written after a name key needs a separating space (it does not start with a delimiter)."""
    t = type(val)
    if t is NameObject or t is ArrayObject or t is DictionaryObject:
        return False
    return not (isinstance(val, (dict, list)) and not isinstance(val, StreamObject))


def _resolve_array(value: Any) -> list[Any] | None:
    value = _Resolve.obj(value)
    if not isinstance(value, list):
        return None
    return [_Resolve.obj(v) for v in value]
