"""CJK fonts for the evidence PDF: find one, subset it, embed it.

Page stamps ("第 12 页") and the 目录 pages need Chinese glyphs that every
viewer renders, so we embed a small subset of a system font rather than rely
on a viewer's substitute for a non-embedded CID font.

* :func:`find_cjk_font` looks for a font with Chinese glyphs: ``$SKILLDOC_FONT``,
  then the usual Debian/Ubuntu, Fedora, Windows and macOS paths, then
  ``fc-list :lang=zh`` — always in the fixed order of :data:`PREFERRED_FAMILIES`
  (WenQuanYi first, Droid Sans Fallback last), so the font chosen does not
  depend on what else is installed.  CFF-outline fonts (Noto Sans CJK
  ``.ttc``/``.otf``) are supported too.
* :func:`embedded_font` subsets the font to the characters a caller needs and
  returns an :class:`EmbeddedFont` that encodes text (Identity-H, 2-byte codes
  equal to the subset's glyph ids), measures it, and builds the PDF font
  dictionary (``/Type0`` → ``CIDFontType2`` + ``/FontFile2``, or
  ``CIDFontType0`` + ``/FontFile3 /CIDFontType0C`` for CFF fonts), with a
  ``/ToUnicode`` CMap so text extraction and search work.

Speed: discovery and TrueType subsets go through :mod:`.sfnt`, which reads
only the table directory, names, character map and the needed glyphs of a
font (≈ 1 ms for a subset of the 17 MB WenQuanYi collection, against ≈ 0.15 s
with fontTools, which decompiles every glyph and glyph name); fontTools is
imported only to subset a CFF-outline font, and such subsets are kept in the
user cache (:mod:`skilldoc.cache`) by font file and characters.  ``fc-list``
runs only when no font is found on the known paths; its listing is cached too.

Everything is deterministic: fixed subsetter options, fixed ``head`` dates, a
subset tag derived from the glyph set, fixed zlib level.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import re
import shutil
import subprocess
import threading
import unicodedata
import zlib
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    EncodedStreamObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

from ..errors import InputError, Problem, ToolMissing
from . import sfnt

__all__ = [
    "FontSource",
    "EmbeddedFont",
    "GlyphMissing",
    "find_cjk_font",
    "embedded_font",
    "stamp_font",
    "missing_chars",
    "font_for",
    "add_font_to_writer",
    "STAMP_CHARS",
]

FONT_ENV = "SKILLDOC_FONT"

# Characters every subset carries, so page numbers can always be drawn.
BASE_CHARS = " 0123456789"
# What the usual stamp formats need ("第 N 页", "— N —", "N / 总数", "- N -").
STAMP_CHARS = BASE_CHARS + "第页共—-/"

# Characters that are layout, not glyphs: never subset, never drawn.
_LAYOUT_CHARS = frozenset("\n\r\t\f\v")

# Space variants a font may lack: drawn with the plain space's glyph (they look the same).
_SPACE_ALIASES = {"\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2002": " ", "\u2003": " "}


def _invisible(ch: str) -> bool:
    """Layout controls and zero-width format characters (ZWSP, ZWJ, BOM, soft hyphen): not drawn."""
    return ch in _LAYOUT_CHARS or unicodedata.category(ch) == "Cf"


def _glyph_char(ch: str, cmap: Container[int]) -> str | None:
    """The character whose glyph draws ``ch`` in a font with ``cmap`` (``None``: no glyph)."""
    if ord(ch) in cmap:
        return ch
    alias = _SPACE_ALIASES.get(ch)
    if alias is not None and ord(alias) in cmap:
        return alias
    return None


# Probe characters: a usable font has all of these.
_PROBE = "中文页码第证明材料目录"

_INSTALL_HINT = (
    "请安装中文字体：Debian/Ubuntu 执行 sudo apt install fonts-wqy-zenhei；"
    "或设置环境变量 SKILLDOC_FONT 指向含中文字形的 .ttf/.ttc 字体文件（如 Windows 的 C:\\Windows\\Fonts\\simhei.ttf）"
)


class GlyphMissing(InputError):
    """Text to be drawn contains characters the CJK font has no glyph for.

    ``source`` is the font that lacks them (callers re-attribute the characters to their items).
    """

    summary = "字体中缺少所需字符"
    source: FontSource | None = None


# --------------------------------------------------------------------------- discovery


@dataclass(frozen=True)
class FontSource:
    """One face of a font file: ``path`` (``.ttf``/``.otf``/``.ttc``), ``index`` within a collection."""

    path: Path
    index: int = 0
    family: str = ""  # the PostScript name (name ID 6), e.g. "WenQuanYiZenHei"
    outline: str = "glyf"  # "glyf" (TrueType) or "CFF" (OpenType/CFF)
    name: str = ""  # the family name people know (name ID 1), e.g. "WenQuanYi Zen Hei"

    @property
    def postscript_name(self) -> str:
        return _ps_name(self.family or self.path.stem)

    @property
    def label(self) -> str:
        """For summaries and messages: ``WenQuanYi Zen Hei（wqy-zenhei.ttc）``."""
        return f"{self.name or self.family or self.path.stem}（{self.path.name}）"


# The fonts chosen for page stamps and the 目录, best first, by family name (name ID 1, as
# fontconfig lists them): the choice is the same whatever else is installed.  TrueType outlines
# first (subset in about a millisecond), then the Noto / Source Han CJK faces (CFF outlines,
# subset by fontTools, cached on disk), then the rest; Droid Sans Fallback (pulled in by
# ImageMagick) comes last.  :func:`_known_paths` lists the usual files in this order;
# fontconfig's list is ranked by it when no known file is installed.
PREFERRED_FAMILIES = (
    "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
    "SimHei", "Microsoft YaHei", "SimSun", "KaiTi", "FangSong",
    "Heiti SC", "STHeiti", "Hiragino Sans GB", "Songti SC", "PingFang SC", "Arial Unicode MS",
    "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "Noto Sans SC",
    "Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN", "Noto Serif SC",
    "AR PL UMing CN", "AR PL SungtiL GB", "AR PL UKai CN", "AR PL KaitiM GB",
    "Droid Sans Fallback",
)


def _family_rank(name: str) -> int:
    """Position of a family in :data:`PREFERRED_FAMILIES` (unknown families after all of them)."""
    wanted = name.replace(" ", "").casefold()
    for rank, family in enumerate(PREFERRED_FAMILIES):
        if family.replace(" ", "").casefold() == wanted:
            return rank
    return len(PREFERRED_FAMILIES)


def _known_paths() -> list[Path]:
    """Known CJK font files, most preferred first (the order of :data:`PREFERRED_FAMILIES`)."""
    home = Path.home()
    windir = Path(os.environ.get("WINDIR") or os.environ.get("SystemRoot") or r"C:\Windows")
    local_appdata = os.environ.get("LOCALAPPDATA")
    paths = [
        # Debian / Ubuntu, Fedora, Arch: WenQuanYi
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
        "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
        "/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
        # Windows
        str(windir / "Fonts" / "simhei.ttf"),
        str(windir / "Fonts" / "simsun.ttc"),
        str(windir / "Fonts" / "msyh.ttc"),
        str(windir / "Fonts" / "simkai.ttf"),
        str(windir / "Fonts" / "simfang.ttf"),
        # macOS
        "/System/Library/Fonts/STHeiti Medium.ttc",
        "/System/Library/Fonts/STHeiti Light.ttc",
        "/System/Library/Fonts/Hiragino Sans GB.ttc",
        "/System/Library/Fonts/Supplemental/Songti.ttc",
        "/Library/Fonts/Arial Unicode.ttf",
        "/System/Library/Fonts/PingFang.ttc",
        # Noto / Source Han CJK (CFF outlines): sans before serif
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/google-noto-sans-cjk-fonts/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
        str(home / "Library" / "Fonts" / "NotoSansCJKsc-Regular.otf"),
    ]
    if local_appdata:
        paths.append(
            str(Path(local_appdata) / "Microsoft" / "Windows" / "Fonts" / "NotoSansCJKsc-Regular.otf")
        )
    paths += [
        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
        "/usr/share/fonts/noto-cjk/NotoSerifCJK-Regular.ttc",
        "/usr/share/fonts/google-noto-cjk/NotoSerifCJK-Regular.ttc",
        # AR PL (Arphic), then Droid Sans Fallback
        "/usr/share/fonts/truetype/arphic/uming.ttc",
        "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf",
        "/usr/share/fonts/truetype/arphic/ukai.ttc",
        "/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf",
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
        "/usr/share/fonts/google-droid-sans-fonts/DroidSansFallbackFull.ttf",
    ]
    return [Path(p) for p in paths]


@functools.lru_cache(maxsize=64)
def _probe(path: Path, index: int | None = None) -> FontSource | None:
    """The best face of ``path`` for Chinese text, or ``None`` if it has no Chinese glyphs.

    In a collection prefer a simplified-Chinese face (Noto's "SC"), then the
    lowest face index; the first such face that covers the probe characters wins.
    Only the table directory, the names and the character map are read (:mod:`.sfnt`).
    """
    try:
        count = sfnt.face_count(path)
    except OSError:
        return None
    faces: list[tuple[int, int, FontSource]] = []
    for i in [index] if index is not None else range(count):
        try:
            with sfnt.Face(path, i) as face:
                outline = face.outline
                if not outline:
                    continue
                family = face.name(6) or face.name(4) or path.stem
                full = face.name(1) or ""
        except Exception:  # a damaged system font must not stop discovery
            continue
        simplified = re.search(r"\b(SC|GB)\b", full) or "CJKsc" in family or "GB" in family
        faces.append((0 if simplified else 1, i, FontSource(path, i, family, outline, full or family)))
    for _rank, _index, src in sorted(faces, key=lambda face: face[:2]):
        try:
            cmap = _cmap_of(src)
        except Exception:  # a damaged system font must not stop discovery
            continue
        if all(ord(c) in cmap for c in _PROBE):
            return src
    return None


def _fc_list() -> list[Path]:
    """Font files fontconfig says cover Chinese, best first: by :data:`PREFERRED_FAMILIES`, regular
    weights before bold/light, then by path — never in fontconfig's own (machine-dependent) order.

    The listing is kept in the user cache while the fontconfig caches are unchanged (fc-list
    costs a process start on every ``skilldoc bundle``).
    """
    exe = shutil.which("fc-list")
    if not exe:
        return []
    from ..cache import DiskCache

    store = DiskCache("fontlist", suffix=".txt")
    key = hashlib.sha256(("\n".join([exe, *_fontconfig_stamps()])).encode()).hexdigest()[:40]
    cached = store.get_bytes(key)
    if cached is not None:
        out = cached[0].decode("utf-8", "replace")
    else:
        try:
            out = subprocess.run(
                [exe, ":lang=zh", "file", "family"],
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            ).stdout
        except (OSError, subprocess.SubprocessError):
            return []
        store.put_bytes(key, out.encode("utf-8"), {})
    rank: dict[Path, int] = {}
    for line in out.splitlines():
        file, _, families = line.strip().partition(": ")
        if not file:
            continue
        path = Path(file.rstrip(":"))
        best = min((_family_rank(f) for f in families.split(",")), default=len(PREFERRED_FAMILIES))
        rank[path] = min(rank.get(path, best), best)

    return sorted(rank, key=lambda p: (rank[p], _weighty(p), str(p)))


def _weighty(path: Path) -> bool:
    """A bold/light/… file of a family (by its name): regular weights are preferred."""
    name = path.name.lower()
    return any(w in name for w in ("bold", "black", "heavy", "light", "thin", "medium", "semi", "extra"))


def _fontconfig_stamps() -> list[str]:
    """Modification times of the fontconfig caches and font folders: they change when fonts do."""
    stamps = []
    for folder in ("/var/cache/fontconfig", "/usr/lib/fontconfig/cache", "/usr/local/var/cache/fontconfig",
                   "/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts",
                   "~/.cache/fontconfig"):
        path = Path(folder).expanduser()
        try:
            stamps.append(f"{path}:{path.stat().st_mtime_ns}")
        except OSError:
            stamps.append(f"{path}:-")
    return stamps


def _parse_explicit(spec: str | Path) -> tuple[Path, int | None]:
    """``/path/font.ttc`` or ``/path/font.ttc#2`` (face index)."""
    text = str(spec)
    if "#" in text:
        head, _, tail = text.rpartition("#")
        if tail.isdigit():
            return Path(head), int(tail)
    return Path(text), None


def _explicit_source(spec: str | Path, origin: str) -> FontSource:
    path, index = _parse_explicit(spec)
    if not path.is_file():
        raise ToolMissing(
            "找不到指定的中文字体",
            [Problem(f"{origin}指定的字体文件“{path}”不存在", hint=_INSTALL_HINT, code="font.missing")],
        )
    src = _probe(path, index)
    if src is None:
        raise ToolMissing(
            "指定的字体不能用于中文",
            [
                Problem(
                    f"{origin}指定的字体文件“{path}”无法读取或不含中文字形",
                    hint=_INSTALL_HINT,
                    code="font.unusable",
                )
            ],
        )
    return src


@functools.lru_cache(maxsize=16)
def _discover(explicit: str | None, env: str | None) -> FontSource:
    if explicit:
        return _explicit_source(explicit, "")
    if env:
        return _explicit_source(env, f"环境变量 {FONT_ENV} ")

    def candidates() -> Iterator[Path]:
        yield from (path for path in _known_paths() if path.is_file())
        yield from _fc_list()  # runs only when no known font file is installed

    for path in candidates():  # both in the fixed order of PREFERRED_FAMILIES: the first usable wins
        src = _probe(path)
        if src is not None:
            return src
    raise ToolMissing(
        "找不到中文字体",
        [Problem("本机没有可嵌入 PDF 的中文字体，无法生成页码和目录", hint=_INSTALL_HINT, code="font.none")],
    )


def find_cjk_font(explicit: Path | None = None) -> FontSource:
    """The font to embed: ``explicit``, else ``$SKILLDOC_FONT``, else the first installed CJK font.

    A path may carry a face index for collections: ``simsun.ttc#1``.
    Raises :class:`~skilldoc.errors.ToolMissing` (Chinese message) when none is usable.
    """
    return _discover(str(explicit) if explicit else None, os.environ.get(FONT_ENV) or None)


# --------------------------------------------------------------------------- subsetting


def _ps_name(name: str) -> str:
    keep = [c for c in name if 33 <= ord(c) <= 126 and c not in "[](){}<>/%# "]
    return "".join(keep)[:63] or "CJKFont"


def _subset_tag(key: str) -> str:
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return "".join(chr(ord("A") + b % 26) for b in digest[:6])


@functools.lru_cache(maxsize=16)
def _cmap_of(src: FontSource) -> sfnt.CharMap:
    """The face's character map (code point -> glyph id; ``in`` and ``get``)."""
    with sfnt.Face(src.path, src.index) as face:
        return face.cmap()


def missing_chars(text: str, source: FontSource | None = None) -> list[str]:
    """Characters of ``text`` (in order of first appearance) the font has no glyph for."""
    src = source or find_cjk_font()
    cmap = _cmap_of(src)
    seen: dict[str, None] = {}
    for ch in text:
        if ch in seen or _invisible(ch):
            continue
        if _glyph_char(ch, cmap) is None:
            seen[ch] = None
    return list(seen)


def _char_label(ch: str) -> str:
    return f"“{ch}”（U+{ord(ch):04X}）"


def _covering_font(chars: Iterable[str], exclude: FontSource) -> FontSource | None:
    """An installed font (other than ``exclude``) that has all of ``chars`` — for the hint only."""
    wanted = [ord(c) for c in chars]
    for src in _installed_sources():
        if src != exclude and all(cp in _cmap_of(src) for cp in wanted):
            return src
    return None


def glyph_missing_error(missing: list[str], src: FontSource, context: str = "") -> GlyphMissing:
    """The error for characters ``src`` cannot draw; ``context`` says where they came from."""
    other = _covering_font(missing, src)
    if other is not None:
        hint = f"可设置环境变量 {FONT_ENV}={other.path} 改用字体“{other.family}”，或修改这些文字"
    else:
        hint = f"请设置环境变量 {FONT_ENV} 指向含这些字符的 .ttf/.ttc 字体文件，或修改这些文字"
    where = f"{context}中的" if context else ""
    problems = [
        Problem(
            f"{where}字符{_char_label(ch)}在字体“{src.family}”（{src.path}）中没有字形，无法写入证明材料 PDF",
            hint=hint,
            code="font.glyph_missing",
        )
        for ch in missing
    ]
    err = GlyphMissing(problems=problems)
    err.source = src
    return err


@dataclass(frozen=True)
class _Subset:
    program: bytes  # the font program to embed (TrueType file, or bare CFF table)
    cid_of: dict[str, int]  # character → CID (= glyph id in the subset)
    widths: tuple[int, ...]  # advance per CID, 1/1000 em
    bbox: tuple[int, int, int, int]
    ascent: int
    descent: int
    cap_height: int
    tag: str


_subset_lock = threading.Lock()

_DROP_TABLES = (
    "BDF ",
    "EBDT",
    "EBLC",
    "EBSC",
    "FFTM",
    "GDEF",
    "GPOS",
    "GSUB",
    "BASE",
    "JSTF",
    "MATH",
    "vhea",
    "vmtx",
    "VORG",
    "gasp",
    "DSIG",
    "kern",
    "meta",
    "morx",
    "mort",
    "feat",
    "PfEd",
    "LTSH",
    "hdmx",
    "VDMX",
    "PCLT",
    "SVG ",
    "COLR",
    "CPAL",
    "CBDT",
    "CBLC",
    "sbix",
)


@functools.lru_cache(maxsize=32)
def _make_subset(src: FontSource, chars: str) -> _Subset:
    """Subset ``src`` to ``chars`` (a sorted, de-duplicated string).

    TrueType outlines: :func:`.sfnt.subset_glyf` (reads only the glyphs it
    needs, milliseconds); CFF outlines: fontTools' subsetter.
    """
    cmap = _cmap_of(src)
    drawn = {c: _glyph_char(c, cmap) or c for c in chars}
    gid = {g: cmap.get(ord(g)) or 0 for g in set(drawn.values())}
    orig_gids = sorted(set(gid.values()))
    if src.outline == "CFF":
        return _cached_cff_subset(src, chars, lambda: _make_cff_subset(src, drawn, gid, orig_gids))
    with sfnt.Face(src.path, src.index) as face:
        sub = sfnt.subset_glyf(face, orig_gids, {ord(g): v for g, v in gid.items()})
    upem = sub.units_per_em

    def scaled(v: int) -> int:
        return round(v * 1000 / upem)

    cid_of = {c: sub.gid_of[gid[g]] for c, g in drawn.items()}
    ascent, descent = scaled(sub.ascent), scaled(sub.descent)
    cap_height = scaled(sub.cap_height) if sub.cap_height else ascent
    tag = _subset_tag(f"{src.postscript_name}|{src.index}|{','.join(map(str, orig_gids))}|{sub.num_glyphs}")
    bbox = (scaled(sub.bbox[0]), scaled(sub.bbox[1]), scaled(sub.bbox[2]), scaled(sub.bbox[3]))
    return _Subset(sub.program, cid_of, tuple(scaled(w) for w in sub.widths), bbox, ascent, descent,
                   cap_height, tag)


# Bump when a change here changes the subsets made (their bytes or metadata).
_SUBSET_VERSION = "1"


def _cached_cff_subset(src: FontSource, chars: str, make: Callable[[], _Subset]) -> _Subset:
    """A CFF subset from the user cache (fontTools takes 0.1-0.5 s to make one, plus its import),
    keyed by the font file (path, size, mtime) and the characters.  TrueType subsets are not
    cached: :mod:`.sfnt` makes one in about the time reading it back would take."""
    from ..cache import DiskCache

    store = DiskCache("fonts", suffix=".cff")
    try:
        st = src.path.stat()
    except OSError:
        return make()
    key = hashlib.sha256(
        f"{_SUBSET_VERSION}|{src.path.resolve()}|{st.st_size}|{st.st_mtime_ns}|{src.index}|{chars}".encode(
            "utf-8", "surrogatepass")).hexdigest()[:40]
    found = store.get_bytes(key)
    if found is not None:
        program, meta = found
        try:
            return _Subset(program, {str(c): int(g) for c, g in meta["cid_of"]},
                           tuple(int(w) for w in meta["widths"]),
                           cast(tuple[int, int, int, int], tuple(int(v) for v in meta["bbox"])),
                           int(meta["ascent"]), int(meta["descent"]), int(meta["cap_height"]), str(meta["tag"]))
        except (KeyError, TypeError, ValueError):
            pass  # not what we wrote: make it again
    sub = make()
    store.put_bytes(key, sub.program, {
        "cid_of": sorted(sub.cid_of.items()), "widths": list(sub.widths), "bbox": list(sub.bbox),
        "ascent": sub.ascent, "descent": sub.descent, "cap_height": sub.cap_height, "tag": sub.tag})
    return sub


def _make_cff_subset(src: FontSource, drawn: dict[str, str], gid: dict[str, int],
                     orig_gids: list[int]) -> _Subset:
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    options = ft_subset.Options(
        layout_features=[],
        hinting=False,
        notdef_outline=True,
        glyph_names=False,
        name_IDs=[1, 2, 3, 4, 6],
        name_languages=[0x0409],
        recalc_bounds=False,
        recalc_timestamp=False,
        desubroutinize=True,
    )
    font = TTFont(str(src.path), fontNumber=src.index, lazy=True, recalcTimestamp=False)
    try:
        # Tables a PDF viewer never reads go before subsetting (the subsetter logs about some of them).
        for tag in _DROP_TABLES:
            if tag in font:
                del font[tag]
        orig_order = font.getGlyphOrder()
        name_of = {g: orig_order[v] for g, v in gid.items()}
        subsetter = ft_subset.Subsetter(options=options)
        subsetter.populate(unicodes=sorted({ord(g) for g in drawn.values()}))
        subsetter.subset(font)
        # Fixed dates: the same glyph set gives the same bytes on every run.
        font["head"].created = 0
        font["head"].modified = 0
        order = font.getGlyphOrder()
        new_gid = {name: i for i, name in enumerate(order)}
        cid_of = {c: new_gid[name_of[g]] for c, g in drawn.items()}
        upem = font["head"].unitsPerEm
        hmtx = font["hmtx"]
        widths = tuple(round(hmtx[name][0] * 1000 / upem) for name in order)
        head = font["head"]
        bbox = tuple(round(v * 1000 / upem) for v in (head.xMin, head.yMin, head.xMax, head.yMax))
        os2 = font["OS/2"] if "OS/2" in font else None
        hhea = font["hhea"]
        ascent = round((os2.sTypoAscender if os2 else hhea.ascent) * 1000 / upem)
        descent = round((os2.sTypoDescender if os2 else hhea.descent) * 1000 / upem)
        cap = getattr(os2, "sCapHeight", 0) if os2 else 0
        cap_height = round(cap * 1000 / upem) if cap else ascent
        family = src.postscript_name
        tag = _subset_tag(f"{family}|{src.index}|{','.join(map(str, orig_gids))}|{len(orig_order)}")
        program = _cff_program(font, f"{tag}+{family}")
    finally:
        font.close()
    return _Subset(program, cid_of, widths, bbox, ascent, descent, cap_height, tag)  # type: ignore[arg-type]


def _cff_program(font: Any, ps_name: str) -> bytes:
    """The bare CFF table of a subset, such that CID == glyph id.

    For a ``CIDFontType0`` font a viewer maps CID → glyph through the CFF
    charset of a CID-keyed font, so its charset is rewritten to the identity
    (glyph ``i`` is named ``cid%05d`` % i).  A name-keyed CFF needs nothing:
    its CIDs are used directly as glyph ids (PDF 2.0, 9.7.4.2; poppler does so).
    """
    cff = font["CFF "].cff
    top = cff[cff.fontNames[0]]
    if hasattr(top, "ROS"):
        order = font.getGlyphOrder()
        cs_dict = top.CharStrings.charStrings
        new_names = [".notdef" if i == 0 else f"cid{i:05d}" for i in range(len(order))]
        items = [(new, cs_dict[old]) for new, old in zip(new_names, order, strict=True)]
        cs_dict.clear()
        for new, index in items:
            cs_dict[new] = index
        top.charset = new_names
        font.setGlyphOrder(new_names)
    cff.fontNames = [ps_name]
    buf = io.BytesIO()
    cff.compile(buf, font)
    return buf.getvalue()


# --------------------------------------------------------------------------- the embedded font


def _stream(data: bytes, extra: dict[str, PdfObject] | None = None) -> StreamObject:
    stream = EncodedStreamObject()
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    for key, value in (extra or {}).items():
        stream[NameObject(key)] = value
    stream._data = zlib.compress(data, 9)  # fixed level: deterministic bytes
    return stream


def _utf16_hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def _to_unicode_cmap(cid_of: dict[str, int]) -> bytes:
    # One character per CID; if several characters share a glyph, the smallest wins.
    by_cid: dict[int, str] = {}
    for ch in sorted(cid_of):
        by_cid.setdefault(cid_of[ch], ch)
    entries = sorted(by_cid.items())
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <FFFF>",
        "endcodespacerange",
    ]
    for start in range(0, len(entries), 100):
        chunk = entries[start : start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines.extend(f"<{cid:04X}> <{_utf16_hex(ch)}>" for cid, ch in chunk)
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end", ""]
    return "\n".join(lines).encode("ascii")


def _w_array(widths: tuple[int, ...], default: int) -> ArrayObject:
    """``/W`` as runs ``c [w1 w2 …]`` of consecutive CIDs whose width differs from ``/DW``."""
    out = ArrayObject()
    run_start: int | None = None
    run: list[int] = []
    for cid, w in enumerate(widths):
        if w == default:
            if run_start is not None:
                out += [NumberObject(run_start), ArrayObject(NumberObject(v) for v in run)]
                run_start, run = None, []
            continue
        if run_start is None:
            run_start = cid
        run.append(w)
    if run_start is not None:
        out += [NumberObject(run_start), ArrayObject(NumberObject(v) for v in run)]
    return out


@dataclass(eq=False)
class EmbeddedFont:
    """A subset of a CJK font, ready to draw with (Identity-H, CID = subset glyph id)."""

    source: FontSource
    chars: str  # the characters the subset covers (sorted)
    _subset: _Subset = field(repr=False)

    @property
    def name(self) -> str:
        """``/BaseFont``: ``ABCDEF+PostScriptName`` with a tag derived from the glyph set."""
        return f"{self._subset.tag}+{self.source.postscript_name}"

    @property
    def program_size(self) -> int:
        return len(self._subset.program)

    def covers(self, text: str) -> bool:
        return all(ch in self._subset.cid_of or _invisible(ch) for ch in text)

    def _cid(self, ch: str) -> int:
        try:
            return self._subset.cid_of[ch]
        except KeyError:
            raise ValueError(
                f"字符{_char_label(ch)}不在字体子集 {self.name} 中；创建子集时须包含所有要绘制的字符"
            ) from None

    def cids(self, text: str) -> list[int]:
        return [self._cid(ch) for ch in text if not _invisible(ch)]

    def encode(self, text: str) -> bytes:
        """Two bytes per character (big-endian CID) for a ``Tj`` string.

        Layout controls (newline, tab) and zero-width format characters (ZWSP, BOM, soft
        hyphen) are skipped: they have no glyph to draw.  A no-break space the font lacks
        is drawn with the space glyph.
        """
        return b"".join(cid.to_bytes(2, "big") for cid in self.cids(text))

    def width(self, text: str, size: float) -> float:
        """Advance width of ``text`` at ``size`` pt, in pt (as a viewer computes it from ``/W``)."""
        widths = self._subset.widths
        return sum(widths[cid] for cid in self.cids(text)) * size / 1000.0

    @property
    def ascent(self) -> int:
        """Ascender in 1/1000 em."""
        return self._subset.ascent

    @property
    def descent(self) -> int:
        """Descender in 1/1000 em (negative)."""
        return self._subset.descent

    def pdf_object(self) -> DictionaryObject:
        """A fresh ``/Type0`` font dictionary with everything below it as direct objects.

        The two streams (font program, ``/ToUnicode``) are ``StreamObject`` values
        that the writer must make indirect when serialising (see :func:`add_font_to_writer`).
        """
        sub = self._subset
        name = NameObject("/" + self.name)
        cff = self.source.outline == "CFF"
        if cff:
            program = _stream(sub.program, {"/Subtype": NameObject("/CIDFontType0C")})
            file_key = "/FontFile3"
        else:
            program = _stream(sub.program, {"/Length1": NumberObject(len(sub.program))})
            file_key = "/FontFile2"
        descriptor = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/FontDescriptor"),
                NameObject("/FontName"): name,
                NameObject("/Flags"): NumberObject(4),
                NameObject("/FontBBox"): ArrayObject(NumberObject(v) for v in sub.bbox),
                NameObject("/ItalicAngle"): NumberObject(0),
                NameObject("/Ascent"): NumberObject(sub.ascent),
                NameObject("/Descent"): NumberObject(sub.descent),
                NameObject("/CapHeight"): NumberObject(sub.cap_height),
                NameObject("/StemV"): NumberObject(80),
                NameObject(file_key): program,
            }
        )
        default_width = 1000
        cid_font = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/CIDFontType0" if cff else "/CIDFontType2"),
                NameObject("/BaseFont"): name,
                NameObject("/CIDSystemInfo"): DictionaryObject(
                    {
                        NameObject("/Registry"): TextStringObject("Adobe"),
                        NameObject("/Ordering"): TextStringObject("Identity"),
                        NameObject("/Supplement"): NumberObject(0),
                    }
                ),
                NameObject("/FontDescriptor"): descriptor,
                NameObject("/DW"): NumberObject(default_width),
                NameObject("/W"): _w_array(sub.widths, default_width),
            }
        )
        if not cff:
            cid_font[NameObject("/CIDToGIDMap")] = NameObject("/Identity")
        return DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type0"),
                NameObject("/BaseFont"): name,
                NameObject("/Encoding"): NameObject("/Identity-H"),
                NameObject("/DescendantFonts"): ArrayObject([cid_font]),
                NameObject("/ToUnicode"): _stream(_to_unicode_cmap(sub.cid_of)),
            }
        )


def add_font_to_writer(font: EmbeddedFont, writer) -> IndirectObject:
    """Add ``font.pdf_object()`` to a ``pypdf.PdfWriter``: streams and dictionaries become indirect.

    Returns the reference to put in a page's ``/Resources /Font``.
    """
    top = font.pdf_object()
    to_unicode = top[NameObject("/ToUnicode")]
    top[NameObject("/ToUnicode")] = writer._add_object(to_unicode)
    cid_font = cast(DictionaryObject, cast(ArrayObject, top["/DescendantFonts"])[0])
    descriptor = cast(DictionaryObject, cid_font["/FontDescriptor"])
    for key in ("/FontFile2", "/FontFile3"):
        if key in descriptor:
            descriptor[NameObject(key)] = writer._add_object(descriptor[key])
    cid_font[NameObject("/FontDescriptor")] = writer._add_object(descriptor)
    top[NameObject("/DescendantFonts")] = ArrayObject([writer._add_object(cid_font)])
    return writer._add_object(top)


@functools.lru_cache(maxsize=1)
def _installed_sources() -> tuple[FontSource, ...]:
    """The best face of every CJK font file on the known paths and from fc-list, in preference order."""
    paths = [p for p in _known_paths() if p.is_file()]
    paths += [p for p in _fc_list() if p not in paths]
    found = [src for src in map(_probe, dict.fromkeys(paths)) if src is not None]
    found.sort(key=lambda src: (_family_rank(src.name), _weighty(src.path)))  # stable: known paths first
    return tuple(found)


def font_for(text: str, source: FontSource | None = None) -> FontSource:
    """The font that draws every character of ``text``.

    With ``source`` (or ``$SKILLDOC_FONT``) that font or an error; otherwise the
    preferred font (:func:`find_cjk_font`), or — when it lacks a character, e.g.
    WenQuanYi has no "•" — the first other installed CJK font that has them all.
    Raises :class:`GlyphMissing` naming every character the font cannot draw.
    """
    primary = source or find_cjk_font()
    missing = missing_chars(text, primary)
    if not missing:
        return primary
    if source is None and not os.environ.get(FONT_ENV):
        for other in _installed_sources():
            if other != primary and not missing_chars(text, other):
                return other
    raise glyph_missing_error(missing, primary)


def embedded_font(chars: str, source: FontSource | None = None) -> EmbeddedFont:
    """A subset covering ``chars`` plus space and digits, of ``source`` or (default) of :func:`font_for`.

    Raises :class:`GlyphMissing` naming every character the font cannot draw.
    Subsets are cached per (font, character set) for the life of the process.
    """
    wanted = "".join(sorted(ch for ch in set(chars).union(BASE_CHARS) if not _invisible(ch)))
    src = font_for(wanted, source)
    with _subset_lock:
        sub = _make_subset(src, wanted)
    return EmbeddedFont(src, wanted, sub)


def stamp_font(chars: str, source: FontSource | None = None) -> EmbeddedFont:
    """The page-stamp font: a subset with ``chars`` plus what the usual stamp formats need."""
    return embedded_font(chars + STAMP_CHARS, source)
