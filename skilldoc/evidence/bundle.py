"""The evidence bundle: one stamped, paginated PDF with a 目录 and bookmarks.

Two steps, so the page map exists before anything is written:

* :func:`plan_bundle` — page arithmetic only: which stamped numbers each item
  gets (the page map the narrative cites), how many 目录 pages, where duplex
  blank pages go.
* :func:`write_bundle` — streams the 目录, every evidence page (stamped) and,
  optionally, front matter (the 申报书 PDF) into one file through
  :mod:`skilldoc.evidence.writer`; writes to a temporary file in the target
  folder and moves it into place only when complete.

``skilldoc bundle`` uses :func:`bundle_paths` instead: checking and copying in
one pass (the reader that checked a PDF is the one its pages are copied from),
the 目录 written last but first in page order; every problem is still reported
together before the output is replaced.

Physical page order: front matter (its own page labels), 目录 (unnumbered,
labelled "目录-1" …), evidence (labelled and stamped with its continuous number).
With ``duplex=True`` every part — and with ``item_starts_odd`` every item —
starts on an odd physical page; the blanks carry no stamp and are labelled
"空白页".  Stamps sit centred at the visual bottom, or on the outer edge in
duplex (right on odd physical pages, left on even ones).

``{total}`` in the stamp format is the last stamped number
(``start + evidence_pages - 1``), so "{n} / {total}" ends at "57 / 57".

What is kept from each input: every page with its content, resources,
annotations (links, widgets with their appearance streams, file-attachment
annotations) and page-level metadata.  What is dropped on purpose: JavaScript,
/AA, /OpenAction, Launch/ImportData/SubmitForm/Rendition actions, and
everything hanging off the input's catalog — document-level attachments
(/EmbeddedFiles), named destinations, the AcroForm dictionary (fields stay
visible through their widget appearances but are no longer fillable), outlines
and page labels (replaced by the bundle's own).

``BundleResult.warnings`` holds only problems found while writing; the
inputs' own warnings (``SourceFile.warnings``) are reported by
:mod:`.sources` and are not repeated.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import limits
from ..errors import EvidenceError, InputError, Location, OutputError, Problem, Severity
from ..fileio import user_mode
from ..model import PageRange
from .stamp import FONT_SIZE, Align, Box, format_stamp, place_stamp, stamp_content
from .writer import OutlineNode, PageLabel, StampSpec, StreamingPdfWriter

if TYPE_CHECKING:  # pragma: no cover
    from .sources import BundleInput

__all__ = ["BundleOptions", "BundlePlan", "BundleResult", "FrontMatter", "PlannedItem", "bundle_paths",
           "plan_bundle", "write_bundle"]

Progress = Callable[[int, str], Any] | None

TOC_TITLE = "目录"
BLANK_LABEL = "空白页"
TOC_LABEL_PREFIX = "目录-"


@dataclass(frozen=True)
class BundleOptions:
    stamp: str = "第 {n} 页"
    start: int = 1
    toc: bool = True
    duplex: bool = False
    item_starts_odd: bool = False


@dataclass(frozen=True)
class PlannedItem:
    """One evidence item's place in the bundle."""

    input: Any  # sources.BundleInput
    pages: PageRange  # stamped numbers
    blanks_before: int  # duplex blanks inserted before the item (item_starts_odd)
    offset: int  # 0-based physical page of its first page within the evidence part


@dataclass(frozen=True)
class BundlePlan:
    inputs: tuple[Any, ...]  # sources.BundleInput, in bundle order
    options: BundleOptions
    page_map: dict[str, PageRange]
    evidence_pages: int
    toc_pages: int
    items: tuple[PlannedItem, ...] = ()
    evidence_blanks: int = 0  # blanks between items (item_starts_odd)
    toc_layout: Any = None  # toc.TocLayout (or None without a 目录)

    @property
    def last_number(self) -> int:
        return self.options.start + self.evidence_pages - 1


@dataclass(frozen=True)
class FrontMatter:
    """Pages put before the 目录 (the 申报书 PDF), with their own bookmarks and labels.

    ``outline``: (title, 0-based page in ``pdf``); the first entry is the form's
    own bookmark and the others (its sections) nest under it.
    """

    pdf: Path
    outline: Sequence[tuple[str, int]] = ()
    label_style: str = "D"
    # labels of the first pages, which the form leaves unnumbered (封面, 填写要求);
    # the pages after them are numbered from 1, as the form's own footer numbers them
    unnumbered: Sequence[str] = ()


@dataclass
class BundleResult:
    path: Path
    page_map: dict[str, PageRange]
    evidence_pages: int
    toc_pages: int
    blank_pages: int
    front_pages: int
    size: int
    warnings: list[Problem] = field(default_factory=list)
    total_pages: int = 0
    fonts: tuple[str, ...] = ()  # the fonts of the stamps and the 目录 (FontSource.label)

    def summary(self) -> str:
        parts = []
        if self.front_pages:
            parts.append(f"申报书 {self.front_pages} 页")
        if self.toc_pages:
            parts.append(f"目录 {self.toc_pages} 页")
        if self.evidence_pages:
            first = min((r.first for r in self.page_map.values()), default=1)
            stamped = PageRange(first, first + self.evidence_pages - 1)
            parts.append(f"证明材料 {self.evidence_pages} 页（第 {stamped} 页）")
        if self.blank_pages:
            parts.append(f"插入空白页 {self.blank_pages} 页")
        body = "，".join(parts) if parts else "无页面"
        font = f"；页码和目录字体：{'、'.join(self.fonts)}" if self.fonts else ""
        return f"已生成 {self.path}：{body}，共 {self.total_pages} 页，{_size_text(self.size)}{font}。"


def _size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} 字节"


# -- planning ------------------------------------------------------------------

def _check_options(options: BundleOptions) -> None:
    problems = []
    if "{n}" not in options.stamp:
        problems.append(Problem(f"页码格式“{options.stamp}”中没有 {{n}}，无法标注页码",
                                hint="例如 “第 {n} 页”、“— {n} —”、“{n} / {total}”", code="bundle.stamp"))
    if options.start < 0:
        problems.append(Problem(f"起始页码 {options.start} 不能为负数", hint="使用 1 或更大的整数",
                                code="bundle.start"))
    if problems:
        raise InputError("页码设置有误", problems)


def plan_bundle(inputs: Sequence[BundleInput], options: BundleOptions = BundleOptions()) -> BundlePlan:
    """The page map and page counts of a bundle; nothing is written."""
    _check_options(options)
    inputs = tuple(inputs)
    items: list[PlannedItem] = []
    page_map: dict[str, PageRange] = {}
    number = options.start
    physical = 0  # within the evidence part, which starts on an odd page in duplex
    blanks = 0
    problems = []
    for bi in inputs:
        count = sum(f.pages for f in bi.files)
        if count <= 0:
            problems.append(Problem(f"证明材料“{bi.title}”没有任何页面", Location(str(bi.code), item=bi.code),
                                    hint="检查该项的文件是否为空", code="bundle.empty"))
            continue
        if bi.code in page_map:
            problems.append(Problem(f"证明材料编号 {bi.code} 重复", Location(str(bi.code), item=bi.code),
                                    hint="每项证明材料的编号须唯一", code="bundle.duplicate"))
            continue
        before = 1 if options.duplex and options.item_starts_odd and physical % 2 else 0
        physical += before
        blanks += before
        pr = PageRange(number, number + count - 1)
        items.append(PlannedItem(bi, pr, before, physical))
        page_map[bi.code] = pr
        number += count
        physical += count
    if problems:
        raise EvidenceError("证明材料无法编排页码", problems)
    evidence_pages = number - options.start
    plan = BundlePlan(inputs, options, page_map, evidence_pages, 0, tuple(items), blanks)
    if options.toc and items:
        layout = _toc_layout(plan)
        return BundlePlan(inputs, options, page_map, evidence_pages, _toc_page_count(layout), tuple(items),
                          blanks, layout)
    return plan


# -- 目录 --------------------------------------------------------------------------

def toc_entries(plan: BundlePlan) -> list[Any]:
    from .toc import TocEntry

    return [TocEntry(it.input.part, str(it.input.code), it.input.title, str(it.pages)) for it in plan.items]


def _toc_layout(plan: BundlePlan) -> Any:
    """The 目录's layout; its font subset also covers the stamps (one font for both)."""
    from .fonts import STAMP_CHARS
    from .toc import layout_toc

    stamps = "".join(_stamp_texts(plan.options, plan.last_number)) + STAMP_CHARS
    return layout_toc(toc_entries(plan), title=TOC_TITLE, extra_chars=stamps)


def _toc_page_count(layout: Any) -> int:
    return int(layout.pages)


def _write_toc(w: StreamingPdfWriter, layout: Any, font_ref: int | None = None) -> tuple[list[int], int]:
    """The 目录 pages straight from the layout (one font object, one resources object).

    ``font_ref``: ``layout.font`` already written.  Returns the page object numbers and the
    font object (reused for the stamps when it covers them).
    """
    from .toc import A4, FONT_RESOURCE, page_content

    if font_ref is None:
        font_ref = w.add_object(layout.font.pdf_object())
    resources = w.alloc()
    w.write_raw(resources, b"<</Font<<%s %d 0 R>>/ProcSet[/PDF/Text]>>" % (FONT_RESOURCE.encode("ascii"), font_ref))
    nums = []
    for index in range(layout.pages):
        content = w.alloc()
        w.write_stream(content, b"/Filter/FlateDecode", zlib.compress(page_content(layout, index), 9))
        page = w.alloc()
        w.write_raw(page, b"<</Type/Page/Parent %d 0 R/MediaBox[0 0 %s %s]/Resources %d 0 R/Contents %d 0 R>>"
                    % (w.pages_root, _num(A4[0]), _num(A4[1]), resources, content))
        w.pages.append(page)
        nums.append(page)
    return nums, font_ref


def _num(value: float) -> bytes:
    return (f"{value:.3f}".rstrip("0").rstrip(".")).encode("ascii")


# -- writing ---------------------------------------------------------------------

class _Font:
    """The stamp font: the 目录's font subset when it covers the stamps, else its own subset."""

    def __init__(self, texts: Sequence[str], reuse: Any = None) -> None:
        chars = "".join(sorted(set("".join(texts))))
        if reuse is not None and reuse.covers(chars):
            self.font = reuse
        else:
            from .fonts import stamp_font

            self.font = stamp_font(chars)

    def encode(self, text: str) -> bytes:
        return self.font.encode(text)

    def width(self, text: str) -> float:
        return self.font.width(text, FONT_SIZE)


def _stamp_texts(options: BundleOptions, last: int) -> list[str]:
    """Every character a stamp can need: the template with each digit."""
    return [format_stamp(options.stamp, 0, last), "0123456789"]


class _Layout:
    """Physical page bookkeeping while writing: labels, blanks."""

    def __init__(self, duplex: bool) -> None:
        self.duplex = duplex
        self.labels: list[tuple[str | None, str, int]] = []  # (style, prefix, number) per physical page
        self.blanks = 0

    @property
    def count(self) -> int:
        return len(self.labels)

    def pad_to_odd_start(self, w: StreamingPdfWriter) -> None:
        """Before a part: a blank page if the next physical page would be even."""
        if self.duplex and self.count % 2 == 1:
            self.blank(w)

    def blank(self, w: StreamingPdfWriter) -> None:
        w.add_blank_page()
        self.labels.append((None, BLANK_LABEL, 0))
        self.blanks += 1

    def ranges(self) -> list[PageLabel]:
        out: list[PageLabel] = []
        prev: tuple[str | None, str, int] | None = None
        for i, (style, prefix, number) in enumerate(self.labels):
            if prev is not None and prev[0] == style and prev[1] == prefix and (
                    style is None or number == prev[2] + 1):
                prev = (style, prefix, number)
                continue
            out.append(PageLabel(i, style, prefix, number if style else 1))
            prev = (style, prefix, number)
        return out


def write_bundle(plan: BundlePlan, out: Path, *, front: FrontMatter | None = None,
                 progress: Progress = None) -> BundleResult:
    """Write the bundle to ``out`` (temporary file, then moved into place)."""
    return _write_atomically(Path(out), lambda fh, target: _write(plan, fh, target, front, progress))


def _write_atomically(out: Path, write: Callable[[Any, Path], BundleResult]) -> BundleResult:
    """Run ``write(fh, out)`` into a temporary file next to ``out``; move it into place when it returns.

    Whatever ``write`` raises leaves an existing ``out`` untouched and no temporary file behind.  The
    temporary file lives in a locked work folder beside ``out`` (:func:`skilldoc.workdirs.work_folder`),
    so what a killed run leaves there is removed by the next run that writes into that folder.
    """
    from ..workdirs import work_folder

    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with work_folder(".skilldoc-", out.parent) as folder:
            tmp = folder / f"{out.stem}.tmp"
            with open(tmp, "wb", buffering=1 << 20) as fh:
                result = write(fh, out)
            os.chmod(tmp, user_mode())  # the user's usual mode, whatever the folder's
            os.replace(tmp, out)
    except OSError as exc:
        raise OutputError(problems=[Problem(f"无法写入 {out}：{exc.strerror or exc}", Location(str(out)),
                                            hint="检查文件夹是否存在、是否有写权限，文件是否正被其他程序打开",
                                            code="output.write")]) from None
    result.size = out.stat().st_size
    return result


def _write(plan: BundlePlan, fh: Any, out: Path, front: FrontMatter | None, progress: Progress) -> BundleResult:
    options = plan.options
    w = StreamingPdfWriter(fh)
    layout = _Layout(options.duplex)
    outline: list[OutlineNode] = []
    warnings: list[Problem] = []
    front_pages = 0
    toc_font_ref: int | None = None

    if front is not None:
        nums = _copy(w, Path(front.pdf), None, None, code=None)
        front_pages = len(nums)
        named = list(front.unnumbered)[:front_pages]
        layout.labels.extend((None, label, 0) for label in named)
        layout.labels.extend((front.label_style, "", i + 1) for i in range(front_pages - len(named)))
        if front.outline:
            (title, page), *rest = front.outline
            outline.append(OutlineNode(title, page, [OutlineNode(t, p) for t, p in rest]))

    if plan.items and plan.toc_pages:
        layout.pad_to_odd_start(w)
        toc_start = layout.count
        nums, toc_font_ref = _write_toc(w, plan.toc_layout)
        layout.labels.extend((("D", TOC_LABEL_PREFIX, i + 1)) for i in range(len(nums)))
        outline.append(OutlineNode(TOC_TITLE, toc_start))

    if plan.items:
        layout.pad_to_odd_start(w)
        toc_font = plan.toc_layout.font if toc_font_ref is not None else None
        font = _Font(_stamp_texts(options, plan.last_number), reuse=toc_font)
        if toc_font_ref is not None and font.font is toc_font:
            font_ref = toc_font_ref
        else:
            font_ref = w.add_object(font.font.pdf_object())
        parts: dict[str, OutlineNode] = {}
        ctx = progress(plan.evidence_pages, "正在合并证明材料") if progress is not None else None
        bar = ctx.__enter__() if ctx is not None else None
        try:
            for item in plan.items:
                for _ in range(item.blanks_before):
                    layout.blank(w)
                bi = item.input
                node = OutlineNode(f"{bi.code} {bi.title}" if bi.title else str(bi.code), layout.count)
                if bi.part:
                    parent = parts.get(bi.part)
                    if parent is None:
                        parent = parts[bi.part] = OutlineNode(bi.part, layout.count)
                        outline.append(parent)
                    parent.children.append(node)
                else:
                    outline.append(node)
                number = item.pages.first
                for sf in bi.files:
                    specs: list[StampSpec] = []
                    for _ in range(sf.pages):
                        physical = layout.count + len(specs) + 1
                        align: Align = ("right" if physical % 2 else "left") if options.duplex else "center"
                        text = format_stamp(options.stamp, number, plan.last_number)
                        specs.append(_spec(font, font_ref, text, align))
                        number += 1
                    nums = _copy(w, Path(sf.pdf), sf.password, specs, code=bi.code, origin=sf.origin,
                                 warnings=warnings)
                    if len(nums) != sf.pages:
                        raise EvidenceError(problems=[Problem(
                            f"文件页数与检查时不同（检查时 {sf.pages} 页，合并时 {len(nums)} 页）",
                            Location(str(sf.origin), item=bi.code), hint="合并期间请勿修改证明材料文件后重试",
                            code="bundle.pages_changed")])
                    start_number = number - len(nums)
                    layout.labels.extend(("D", "", start_number + i) for i in range(len(nums)))
                    if bar is not None:
                        bar.update(sf.pages)
        finally:
            if ctx is not None:
                ctx.__exit__(None, None, None)

    w.finish(outline, layout.ranges())
    toc_pages = plan.toc_pages if plan.items else 0
    used = ([plan.toc_layout.font] if toc_font_ref is not None else []) + ([font.font] if plan.items else [])
    return BundleResult(out, dict(plan.page_map), plan.evidence_pages, toc_pages, layout.blanks, front_pages,
                        0, warnings, layout.count, _font_labels(used))


def _font_labels(fonts: Sequence[Any]) -> tuple[str, ...]:
    """Which fonts were embedded, each named once (``EmbeddedFont.source.label``)."""
    return tuple(dict.fromkeys(f.source.label for f in fonts))


def _spec(font: _Font, font_ref: int, text: str, align: Align) -> StampSpec:
    encoded = font.encode(text)
    width = font.width(text)

    def content(box: Box, rotation: int, font_name: str) -> bytes:
        return stamp_content(place_stamp(box, rotation, width, align=align), font_name, encoded)

    return StampSpec(font_ref, content)


def _copy(w: StreamingPdfWriter, pdf: Path, password: str | None, specs: list[StampSpec] | None,
          *, code: str | None, origin: Path | None = None, reader: Any = None,
          warnings: list[Problem] | None = None) -> list[int]:
    if reader is None and not pdf.is_file():
        raise EvidenceError(problems=[Problem(
            "合并时找不到该文件（检查之后被移动或删除了）", Location(str(origin or pdf), item=code),
            hint="把文件放回原处后重试", code="bundle.missing")])
    try:
        nums = w.copy_pages(pdf, password, specs, reader=reader)
        if w.capped_pages and warnings is not None:
            warnings.append(Problem(
                f"有 {w.capped_pages} 页的页面内容过大或过于复杂（如解压后超过 "
                f"{limits.PDF_QSCAN_MAX_BYTES_PER_PAGE // limits.MiB} MB），未能完整核对，这些页上的页码可能不显示",
                Location(str(origin or pdf), item=code),
                hint="请在生成的 PDF 中核对这些页的页码；若缺失，用 PDF 阅读器“打印 → 另存为 PDF”或压缩该文件后重试",
                severity=Severity.WARNING, code="bundle.content_capped"))
        return nums
    except (OSError, EvidenceError, OutputError):
        raise
    except Exception as exc:  # pypdf errors on a file that passed validation
        raise EvidenceError(problems=[Problem(
            f"合并时无法读取该 PDF：{exc}", Location(str(origin or pdf), item=code),
            hint="用 PDF 阅读器打开并另存为新的 PDF 后重试", severity=Severity.ERROR,
            code="bundle.read")]) from None


# -- skilldoc bundle: checking and copying in one pass ------------------------------


def bundle_paths(paths: Sequence[Path], out: Path, workdir: Path, options: BundleOptions = BundleOptions(),
                 *, password: str | None = None, progress: Progress = None) -> BundleResult:
    """``skilldoc bundle FILE...``: check every file and bundle them into ``out``.

    Each PDF is parsed once: the reader that checked it (:func:`.sources.stream_paths`) is the
    one its pages are copied from, straight into the temporary output file; the 目录 objects are
    written last (first in page order: the page tree is written at the end), with a font subset
    made beforehand from the file names, so its page ranges come from the pages actually copied.
    Every problem of every file is still reported together and nothing replaces ``out``
    unless all files are fine.  Stamp formats with ``{total}`` and duplex layouts need every page
    count before the first page is stamped: they take the two-pass route
    (:func:`.sources.prepare_paths`, :func:`plan_bundle`, :func:`write_bundle`), as does a file
    name the font cannot draw (that route reports it).

    ``BundleResult.warnings`` holds the files' warnings too.
    """
    _check_options(options)
    paths = [Path(p) for p in paths]
    font = _one_pass_font(paths, options)
    if font is None:
        from .sources import prepare_paths

        inputs, warnings = prepare_paths(paths, workdir, password=password)
        result = write_bundle(plan_bundle(inputs, options), out, progress=progress)
        result.warnings[:0] = warnings
        return result
    return _write_atomically(Path(out), lambda fh, target: _write_one_pass(
        paths, workdir, options, password, font, fh, target, progress))


def _one_pass_font(paths: Sequence[Path], options: BundleOptions) -> Any:
    """The one font subset for 目录 and stamps, made before any page count is known; None: two passes."""
    if options.duplex or options.item_starts_odd or "{total}" in options.stamp:
        return None
    from .fonts import STAMP_CHARS, GlyphMissing, embedded_font
    from .toc import TocEntry, toc_text

    text = "".join(_stamp_texts(options, 0)) + STAMP_CHARS + "0123456789—"
    if options.toc:
        text += toc_text([TocEntry("", str(i), p.stem, "") for i, p in enumerate(paths, start=1)], TOC_TITLE)
    try:
        return embedded_font(text)
    except GlyphMissing:
        return None


def _write_one_pass(paths: Sequence[Path], workdir: Path, options: BundleOptions, password: str | None,
                    font: Any, fh: Any, out: Path, progress: Progress) -> BundleResult:
    from ..errors import errors_in
    from .sources import raise_problems, stream_paths

    w = StreamingPdfWriter(fh)
    font_ref = w.add_object(font.pdf_object())
    stamp_font = _Font([], reuse=font)
    problems: list[Problem] = []
    failed = False
    inputs: list[Any] = []
    items: list[PlannedItem] = []
    page_map: dict[str, PageRange] = {}
    number = options.start
    ctx = progress(len(paths), "正在检查并合并文件") if progress is not None else None
    bar = ctx.__enter__() if ctx is not None else None
    try:
        for bi, found, reader in stream_paths(paths, workdir, password):
            problems.extend(found)
            failed = failed or bi is None or bool(errors_in(found))
            if failed or bi is None:  # keep checking the other files, stop copying: nothing will be kept
                if reader is not None:
                    reader.close()
            else:
                sf = bi.files[0]
                specs = [_spec(stamp_font, font_ref, format_stamp(options.stamp, number + i, 0), "center")
                         for i in range(sf.pages)]
                try:
                    nums = _copy(w, Path(sf.pdf), sf.password, specs, code=bi.code, origin=sf.origin,
                                 reader=reader, warnings=problems)
                except EvidenceError as exc:
                    problems.extend(exc.problems)
                    failed = True
                    nums = []
                if not failed and len(nums) != sf.pages:
                    problems.append(Problem(
                        f"文件页数与检查时不同（检查时 {sf.pages} 页，合并时 {len(nums)} 页）",
                        Location(str(sf.origin), item=bi.code), hint="合并期间请勿修改证明材料文件后重试",
                        code="bundle.pages_changed"))
                    failed = True
                if not failed:
                    pr = PageRange(number, number + len(nums) - 1)
                    items.append(PlannedItem(bi, pr, 0, number - options.start))
                    inputs.append(bi)
                    page_map[bi.code] = pr
                    number += len(nums)
            if bar is not None:
                bar.update(1)
    finally:
        if ctx is not None:
            ctx.__exit__(None, None, None)
    raise_problems(problems)  # all of them together; the temporary file is then removed

    evidence_pages = number - options.start
    plan = BundlePlan(tuple(inputs), options, page_map, evidence_pages, 0, tuple(items))
    labels = _Layout(False)
    outline: list[OutlineNode] = []
    toc_pages = 0
    if options.toc and items:
        from .toc import layout_toc

        layout = layout_toc(toc_entries(plan), title=TOC_TITLE, font=font)
        toc_nums, _ = _write_toc(w, layout, font_ref if layout.font is font else None)
        toc_pages = len(toc_nums)
        del w.pages[-toc_pages:]
        w.pages[:0] = toc_nums  # the 目录 comes first in page order, whatever the file order
        labels.labels.extend(("D", TOC_LABEL_PREFIX, i + 1) for i in range(toc_pages))
        outline.append(OutlineNode(TOC_TITLE, 0))
    for it in items:
        bi = it.input
        outline.append(OutlineNode(f"{bi.code} {bi.title}" if bi.title else str(bi.code), toc_pages + it.offset))
    labels.labels.extend(("D", "", options.start + i) for i in range(evidence_pages))
    w.finish(outline, labels.ranges())
    return BundleResult(out, page_map, evidence_pages, toc_pages, 0, 0, 0, list(problems), labels.count,
                        _font_labels([font]))
