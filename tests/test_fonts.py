"""The CJK font machinery: discovery, subsetting, encoding, widths, embedding (read back with poppler/pypdf)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from skilldoc.errors import InputError, ToolMissing
from skilldoc.evidence import fonts
from skilldoc.evidence.fonts import (
    EmbeddedFont,
    FontSource,
    GlyphMissing,
    add_font_to_writer,
    embedded_font,
    find_cjk_font,
    stamp_font,
)

WQY = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
NOTO = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
POPPLER = shutil.which("pdftotext") and shutil.which("pdffonts") and shutil.which("pdftoppm")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")

STAMPS = ["第 12 页", "— 3 —", "3 / 120"]


@pytest.fixture(autouse=True)
def _no_env_font(monkeypatch):
    monkeypatch.delenv(fonts.FONT_ENV, raising=False)
    fonts._discover.cache_clear()
    yield
    fonts._discover.cache_clear()


def _page_pdf(font: EmbeddedFont, lines: list[str], out: Path, size: float = 20) -> Path:
    """A one-page A4 PDF showing ``lines`` in ``font``."""
    writer = PdfWriter()
    page = writer.add_blank_page(595.28, 841.89)
    ref = add_font_to_writer(font, writer)
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): ref})}
    )
    ops = []
    y = 780.0
    for line in lines:
        ops.append(f"BT /F1 {size} Tf 60 {y:.2f} Td <{font.encode(line).hex()}> Tj ET")
        y -= size * 1.6
    content = DecodedStreamObject()
    content.set_data("\n".join(ops).encode("ascii"))
    page[NameObject("/Contents")] = writer._add_object(content)
    with open(out, "wb") as fh:
        writer.write(fh)
    return out


def _pdffonts(path: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def _pdftotext(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _ink_fraction(pdf: Path, tmp_path: Path) -> float:
    from PIL import Image

    prefix = tmp_path / "render"
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf), str(prefix)], check=True)
    png = sorted(tmp_path.glob("render*.png"))[0]
    with Image.open(png) as img:
        grey = img.convert("L")
        hist = grey.histogram()
    dark = sum(hist[:128])
    return dark / (grey.width * grey.height)


# --------------------------------------------------------------------------- discovery


def test_find_cjk_font_prefers_truetype_outlines():
    src = find_cjk_font()
    assert isinstance(src, FontSource)
    assert src.path.is_file()
    if WQY.is_file():
        assert src.path == WQY and src.index == 0 and src.outline == "glyf"
        assert src.family == "WenQuanYiZenHei"


def test_env_var_wins(monkeypatch):
    if not NOTO.is_file():
        pytest.skip("fonts-noto-cjk not installed")
    monkeypatch.setenv(fonts.FONT_ENV, str(NOTO))
    src = find_cjk_font()
    assert src.path == NOTO and src.outline == "CFF"
    assert src.family == "NotoSansCJKsc-Regular"  # the simplified-Chinese face of the collection


def test_explicit_face_index():
    if not WQY.is_file():
        pytest.skip("fonts-wqy-zenhei not installed")
    src = find_cjk_font(Path(f"{WQY}#1"))
    assert src.index == 1 and src.family == "WenQuanYiZenHeiMono"


def test_env_var_pointing_nowhere_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv(fonts.FONT_ENV, str(tmp_path / "nope.ttf"))
    with pytest.raises(ToolMissing) as info:
        find_cjk_font()
    text = str(info.value)
    assert "SKILLDOC_FONT" in text and "nope.ttf" in text and "fonts-wqy-zenhei" in text
    assert info.value.exit_code == ToolMissing.exit_code


def test_font_without_chinese_is_rejected(tmp_path):
    latin = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not latin.is_file():
        pytest.skip("DejaVu not installed")
    with pytest.raises(ToolMissing) as info:
        find_cjk_font(latin)
    assert "不含中文字形" in str(info.value)


@pytest.mark.skipif(not shutil.which("fc-list"), reason="fontconfig not installed")
def test_fc_list_finds_fonts_off_the_known_paths(monkeypatch):
    monkeypatch.setattr(fonts, "_known_paths", lambda: [])
    src = find_cjk_font()
    assert src.path in fonts._fc_list()
    if WQY.is_file():
        assert src.path == WQY  # TrueType outlines still preferred over the CFF files listed first


DROID = Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")


def _installed_known() -> list[FontSource]:
    return [src for src in map(fonts._probe, (p for p in fonts._known_paths() if p.is_file())) if src]


def test_known_paths_follow_the_fixed_preference_list():
    """Whatever is installed, the known files are tried in the order of PREFERRED_FAMILIES."""
    found = _installed_known()
    assert found, "no CJK font installed: run scripts/install-system-deps.sh"
    ranks = [fonts._family_rank(src.name) for src in found]
    assert ranks == sorted(ranks) and max(ranks) < len(fonts.PREFERRED_FAMILIES)
    assert find_cjk_font() == found[0]
    installed = fonts._installed_sources()  # the fallbacks for characters a font lacks: same order
    assert [fonts._family_rank(src.name) for src in installed] == sorted(fonts._family_rank(src.name)
                                                                         for src in installed)
    assert [src for src in installed if src in found] == found


def test_the_choice_does_not_depend_on_other_fonts(monkeypatch):
    """Without WenQuanYi the next choice is Noto Sans CJK SC, never Droid Sans Fallback (which ImageMagick
    pulls in) nor whatever fontconfig lists first."""
    shipped = fonts._known_paths()
    known = [p for p in shipped if "wqy" not in p.name]
    others = [src for src in map(fonts._probe, (p for p in known if p.is_file())) if src]
    monkeypatch.setattr(fonts, "_known_paths", lambda: known)
    if not others:  # only WenQuanYi here: nothing else to choose from
        return
    src = find_cjk_font()
    assert src == min(others, key=lambda o: fonts._family_rank(o.name))
    if NOTO.is_file():  # fonts-noto-cjk (CI installs it)
        assert (src.path, src.name, src.outline) == (NOTO, "Noto Sans CJK SC", "CFF")
    # the shipped list: every Noto CJK file before Droid Sans Fallback, WenQuanYi before them all
    names = [p.name for p in shipped]
    droid = names.index(DROID.name)
    assert names.index("wqy-zenhei.ttc") < names.index(NOTO.name) < names.index("NotoSerifCJK-Regular.ttc") < droid
    if DROID.is_file():  # installed here: still not chosen
        assert src.path != DROID


@pytest.mark.skipif(not shutil.which("fc-list"), reason="fontconfig not installed")
def test_fc_list_is_ranked_by_family_not_by_fontconfig_and_cached(monkeypatch, tmp_path):
    from skilldoc.cache import CACHE_ENV

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    listed = fonts._fc_list()
    ranks = [fonts._family_rank(src.name) for src in map(fonts._probe, listed) if src is not None]
    assert ranks and ranks == sorted(ranks)
    (entry,) = (tmp_path / "cache" / "fontlist").rglob("*.txt")  # the listing is kept…
    monkeypatch.setattr(fonts.shutil, "which", lambda name: "/usr/bin/fc-list")
    assert fonts._fc_list() == listed  # …and read back
    entry.write_text("/nowhere/fake.ttf: Fake\n", "utf-8")  # damaged: ignored, fc-list runs again
    assert fonts._fc_list() == listed


def test_cff_subsets_are_kept_on_disk_and_a_damaged_one_is_made_again(monkeypatch, tmp_path):
    from skilldoc.cache import CACHE_ENV

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    src = find_cjk_font(_name_keyed_cff_font(tmp_path / "boxes.otf", inked="证"))
    assert src.outline == "CFF"
    fonts._make_subset.cache_clear()
    made = embedded_font("证明材料目录第页", src)
    assert made.covers("证明材料目录第页")
    (entry,) = (tmp_path / "cache" / "fonts").rglob("*.cff")
    fonts._make_subset.cache_clear()
    again = embedded_font("证明材料目录第页", src)
    assert again._subset == made._subset and again.name == made.name
    entry.write_bytes(entry.read_bytes()[:-10])
    fonts._make_subset.cache_clear()
    assert embedded_font("证明材料目录第页", src)._subset == made._subset


def test_summaries_name_the_font(tmp_path):
    from skilldoc import api

    pdf = tmp_path / "a.pdf"
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    with open(pdf, "wb") as fh:
        writer.write(fh)
    result = api.bundle_files([pdf], tmp_path / "out.pdf")
    expected = find_cjk_font().label
    assert result.fonts == (expected,) and f"页码和目录字体：{expected}" in result.summary()
    assert expected.startswith(find_cjk_font().name) and find_cjk_font().path.name in expected


def test_no_font_anywhere_names_the_package(monkeypatch):
    monkeypatch.setattr(fonts, "_known_paths", lambda: [])
    monkeypatch.setattr(fonts, "_fc_list", lambda: [])
    with pytest.raises(ToolMissing) as info:
        find_cjk_font()
    text = str(info.value)
    assert "fonts-wqy-zenhei" in text and "SKILLDOC_FONT" in text


# --------------------------------------------------------------------------- encode / width


def test_stamp_font_encodes_usual_stamps():
    font = stamp_font("")
    for text in STAMPS:
        code = font.encode(text)
        assert len(code) == 2 * len(text)
        cids = [int.from_bytes(code[i : i + 2], "big") for i in range(0, len(code), 2)]
        assert all(cid > 0 for cid in cids)  # never .notdef
        assert cids == font.cids(text)
    # Same character → same code; different characters → different codes.
    assert font.encode("1") == font.encode("3 / 1")[-2:]
    assert font.encode("1") != font.encode("2")


def test_stamp_widths_are_additive_and_scale():
    font = stamp_font("")
    for text in STAMPS:
        w10 = font.width(text, 10)
        assert w10 > 0
        assert font.width(text, 20) == pytest.approx(2 * w10)
        assert w10 == pytest.approx(sum(font.width(ch, 10) for ch in text))
    # A CJK ideograph is one em wide; a digit narrower.
    assert font.width("第", 12) == pytest.approx(12, rel=0.05)
    assert 0 < font.width("1", 12) < font.width("第", 12)


def test_encode_of_char_outside_subset_is_a_clear_error():
    font = stamp_font("")
    with pytest.raises(ValueError, match=r"U\+4E2D"):
        font.encode("中")


def test_name_is_a_deterministic_subset_tag():
    a = embedded_font("证明材料")
    b = embedded_font("料材明证证")
    c = embedded_font("证明材料目录")
    assert a.name == b.name
    assert a.name != c.name
    tag, plus, family = a.name.partition("+")
    assert plus and len(tag) == 6 and tag.isalpha() and tag.isupper()
    assert family == a.source.postscript_name


def test_subset_is_small():
    font = stamp_font("")
    assert font.program_size < 20_000


@settings(max_examples=30, deadline=None)
@given(st.text(alphabet="第页共—-/ 0123456789", max_size=20))
def test_stamp_encode_width_property(text):
    font = stamp_font("")
    assert len(font.encode(text)) == 2 * len(text)
    assert font.width(text, 9) >= 0


# --------------------------------------------------------------------------- missing characters


def test_missing_character_names_it():
    with pytest.raises(GlyphMissing) as info:
        embedded_font("材料\U0001f600")  # an emoji: no CJK font here has it
    err = info.value
    assert isinstance(err, InputError)
    text = str(err)
    assert "😀" in text and "U+1F600" in text
    assert len(err.problems) == 1
    assert err.problems[0].code == "font.glyph_missing"


def test_all_missing_characters_reported_together():
    with pytest.raises(GlyphMissing) as info:
        stamp_font("\U0001f600\U0001f680")
    assert len(info.value.problems) == 2


def test_invisible_and_space_variants_are_handled():
    font = stamp_font("材料\u00a0\u200b\ufeff")
    assert font.encode("材\u200b料") == font.encode("材料")  # zero-width: not drawn
    assert font.encode("\ufeff第 1 页") == font.encode("第 1 页")  # BOM from a spreadsheet cell
    assert font.encode("1\u00a02") == font.encode("1 2")  # NBSP drawn as a space
    assert font.width("材\u200b料", 10) == font.width("材料", 10)


@pytest.mark.skipif(not (WQY.is_file() and NOTO.is_file()), reason="needs wqy-zenhei and noto-cjk")
def test_falls_back_to_a_font_that_has_every_character():
    # WenQuanYi Zen Hei has no "•" (U+2022); Noto Sans CJK has.
    font = embedded_font("证明材料•清单")
    assert font.source.path == NOTO
    assert embedded_font("证明材料清单").source.path == WQY


@pytest.mark.skipif(not (WQY.is_file() and NOTO.is_file()), reason="needs wqy-zenhei and noto-cjk")
def test_chosen_font_is_not_silently_replaced(monkeypatch):
    monkeypatch.setenv(fonts.FONT_ENV, str(WQY))
    with pytest.raises(GlyphMissing) as info:
        embedded_font("证明材料•清单")
    problem = info.value.problems[0]
    assert "U+2022" in problem.message and "WenQuanYiZenHei" in problem.message
    assert str(NOTO) in (problem.hint or "")  # the hint names an installed font that has it
    with pytest.raises(GlyphMissing):
        embedded_font("•", find_cjk_font(WQY))


def test_missing_chars_helper():
    assert fonts.missing_chars("第 1 页\n") == []
    assert fonts.missing_chars("a\U0001f600b\U0001f600") == ["\U0001f600"]


# --------------------------------------------------------------------------- embedding, read back


@needs_poppler
def test_embedded_stamp_round_trips_through_poppler_and_pypdf(tmp_path):
    font = stamp_font("")
    pdf = _page_pdf(font, STAMPS, tmp_path / "stamps.pdf")
    rows = _pdffonts(pdf)
    assert len(rows) == 1
    name, *_rest = rows[0]
    assert name == font.name
    assert rows[0][-5:-2] == ["yes", "yes", "yes"]  # emb, sub, uni
    # pdftotext decides spacing from glyph gaps (it drops the spaces around "—"); compare without them.
    text = _pdftotext(pdf).replace(" ", "")
    for stamp in STAMPS:
        assert stamp.replace(" ", "") in text
    extracted = PdfReader(pdf).pages[0].extract_text()
    for stamp in STAMPS:
        assert stamp in extracted
    assert _ink_fraction(pdf, tmp_path) > 0.001


def test_pdf_object_structure():
    font = stamp_font("")
    top = font.pdf_object()
    assert top["/Subtype"] == "/Type0" and top["/Encoding"] == "/Identity-H"
    assert top["/BaseFont"] == "/" + font.name
    cid = top["/DescendantFonts"][0]
    descriptor = cid["/FontDescriptor"]
    if font.source.outline == "glyf":
        assert cid["/Subtype"] == "/CIDFontType2"
        assert cid["/CIDToGIDMap"] == "/Identity"
        program = descriptor["/FontFile2"]
        assert program["/Length1"] == font.program_size
    else:
        assert cid["/Subtype"] == "/CIDFontType0"
        program = descriptor["/FontFile3"]
    assert program["/Filter"] == "/FlateDecode"
    assert len(program.get_data()) == font.program_size
    cmap = top["/ToUnicode"].get_data()
    assert b"beginbfchar" in cmap
    # /W entries are runs of consecutive CIDs; each given width matches width().
    w = cid["/W"]
    for i in range(0, len(w), 2):
        start, run = int(w[i]), w[i + 1]
        for k, value in enumerate(run):
            cid_k = start + k
            ch = (
                next(c for c, v in font._subset.cid_of.items() if v == cid_k)
                if cid_k in font._subset.cid_of.values()
                else None
            )
            if ch is not None:
                assert font.width(ch, 1000) == pytest.approx(int(value))
    # A fresh object every call (the writer may mutate it).
    assert font.pdf_object() is not top


def test_deterministic_bytes(tmp_path):
    font = stamp_font("")
    a = _page_pdf(font, STAMPS, tmp_path / "a.pdf").read_bytes()
    fonts._make_subset.cache_clear()
    again = stamp_font("")
    b = _page_pdf(again, STAMPS, tmp_path / "b.pdf").read_bytes()
    assert a == b


def test_subsets_are_cached():
    assert stamp_font("证")._subset is stamp_font("证")._subset


@needs_poppler
@pytest.mark.skipif(not NOTO.is_file(), reason="fonts-noto-cjk not installed")
def test_cff_font_embeds_and_round_trips(tmp_path):
    src = find_cjk_font(NOTO)
    assert src.outline == "CFF"
    lines = [*STAMPS, "证明材料目录", "1.申报背景"]
    font = embedded_font("".join(lines), src)
    pdf = _page_pdf(font, lines, tmp_path / "noto.pdf")
    rows = _pdffonts(pdf)
    assert rows[0][0] == font.name
    assert rows[0][-5:-2] == ["yes", "yes", "yes"]
    text = _pdftotext(pdf).replace(" ", "")
    for line in lines:
        assert line.replace(" ", "") in text
    assert _ink_fraction(pdf, tmp_path) > 0.001
    # poppler draws real glyphs: compare against the same text in wqy (both must have ink).
    assert font.program_size < 60_000


def _name_keyed_cff_font(path: Path, inked: str) -> Path:
    """A tiny OpenType/CFF font (name-keyed, like most non-CJK OTFs): every probe character has a
    glyph, but only ``inked`` has an outline (a full-em box)."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen

    chars = fonts._PROBE + fonts.STAMP_CHARS
    names = [".notdef"] + [f"uni{ord(c):04X}" for c in dict.fromkeys(chars)]
    builder = FontBuilder(1000, isTTF=False)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({ord(c): f"uni{ord(c):04X}" for c in chars})
    charstrings = {}
    for name in names:
        pen = T2CharStringPen(1000, None)
        if name == f"uni{ord(inked):04X}":
            pen.moveTo((100, -100))
            pen.lineTo((100, 800))
            pen.lineTo((900, 800))
            pen.lineTo((900, -100))
            pen.closePath()
        charstrings[name] = pen.getCharString()
    builder.setupCFF("TestBoxes-Regular", {"FullName": "Test Boxes"}, charstrings, {})
    builder.setupHorizontalMetrics({name: (1000, 0) for name in names})
    builder.setupHorizontalHeader(ascent=880, descent=-120)
    builder.setupNameTable(
        {"familyName": "Test Boxes", "styleName": "Regular", "psName": "TestBoxes-Regular"}
    )
    builder.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=880, usWinDescent=120)
    builder.setupPost()
    builder.save(str(path))
    return path


@needs_poppler
def test_name_keyed_cff_maps_each_character_to_its_own_glyph(tmp_path):
    from PIL import Image

    src = find_cjk_font(_name_keyed_cff_font(tmp_path / "boxes.otf", inked="证"))
    assert src.outline == "CFF" and src.family == "TestBoxes-Regular"
    text = "明材料证目录"  # the inked glyph is the 4th: only its slot may have ink
    font = embedded_font(text, src)
    pdf = _page_pdf(font, [text], tmp_path / "boxes.pdf", size=50)
    assert _pdffonts(pdf)[0][-5:-2] == ["yes", "yes", "yes"]
    assert _pdftotext(pdf).strip() == text
    subprocess.run(["pdftoppm", "-r", "72", "-png", str(pdf), str(tmp_path / "boxes")], check=True)
    with Image.open(next(tmp_path.glob("boxes*.png"))) as img:
        grey = img.convert("L")
        row = 841 - 780 - 15  # 72 dpi: 1 px per pt; y = 780 is the baseline, boxes rise 40 pt above it
        inked = [x for x in range(grey.width) if grey.getpixel((x, row)) < 128]
    assert inked, "the box glyph was not drawn"
    # Glyph slots are 50 pt wide from x = 60: the 4th slot is 210..260.
    assert 200 <= min(inked) and max(inked) <= 270
