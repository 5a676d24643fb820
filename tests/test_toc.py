"""The 目录 pages: wrapping, grouping, pagination, and the PDF read back with poppler and pypdf."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from skilldoc.errors import OutputError
from skilldoc.evidence import fonts
from skilldoc.evidence.fonts import GlyphMissing, embedded_font, find_cjk_font
from skilldoc.evidence.toc import (
    A4,
    CONTINUED,
    MARGIN_BOTTOM,
    TocEntry,
    TocLayout,
    layout_toc,
    page_content,
    render_toc,
    wrap_text,
)

POPPLER = shutil.which("pdftotext") and shutil.which("pdffonts") and shutil.which("pdftoppm")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")
NOTO = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")

PARTS = [
    "基本信息表",
    "1.申报背景",
    "2.建设基础",
    "3.培训能力",
    "4.师资队伍",
    "5.校企合作",
    "6.管理制度",
    "7.保障措施",
    "8.建设规划",
]
TITLES = [
    "营业执照（副本）",
    "2023年度职工职业技能培训计划及实施情况总结报告（含培训人数、工种、等级分布统计表）",
    "ISO 9001:2015 Quality Management System Certificate issued by China Quality Certification Centre",
    "省人力资源和社会保障厅关于认定高技能人才培训基地的通知",
    "实训设备清单",
    "师资名册（含职业资格证书、职称证书复印件）",
    "校企合作协议——与某某机械制造有限公司签订的《现代学徒制联合培养协议》",
    "<附件> & “引号” {{ 原样 }} 'single'",
]


def make_entries(n: int) -> list[TocEntry]:
    entries = []
    page = 1
    for i in range(n):
        part = PARTS[min(i * len(PARTS) // n, len(PARTS) - 1)]
        span = (i * 7) % 5
        pages = f"{page}—{page + span}" if span else f"{page}"
        page += span + 1
        entries.append(TocEntry(part, f"E{i + 1:02d}", TITLES[i % len(TITLES)], pages))
    return entries


@pytest.fixture(autouse=True)
def _no_env_font(monkeypatch):
    monkeypatch.delenv(fonts.FONT_ENV, raising=False)
    fonts._discover.cache_clear()


def _pdftotext_pages(pdf: Path) -> list[str]:
    out = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = out.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _entry_rows(layout: TocLayout):
    for index, rows in enumerate(layout.page_rows):
        for row in rows:
            if row.kind == "entry":
                yield index, row


# --------------------------------------------------------------------------- wrapping


WRAP_ALPHABET = "证明材料目录（）《》，。、ABCabc 12-—/&<>"


def _measure(text: str) -> float:
    return embedded_font("".join(TITLES) + "第一二行" + WRAP_ALPHABET).width(text, 10.5)


def test_wrap_keeps_ascii_words_whole():
    lines = wrap_text(TITLES[2], 200, _measure)
    assert len(lines) > 1
    words = TITLES[2].split()
    assert [w for line in lines for w in line.split()] == words
    for line in lines:
        assert _measure(line) <= 200


def test_wrap_breaks_cjk_anywhere_and_respects_kinsoku():
    text = "校企合作协议——与某某机械制造有限公司签订的《现代学徒制联合培养协议》"
    for width in (60, 80, 100, 150, 200):
        lines = wrap_text(text, width, _measure)
        assert "".join(lines) == text
        for line in lines[1:]:
            assert line[0] not in "，。、）》”"
        for line in lines[:-1]:
            assert line[-1] not in "（《“"


def test_wrap_forced_newline_and_overlong_word():
    assert wrap_text("第一行\n第二行", 500, _measure) == ["第一行", "第二行"]
    long_word = "A" * 80
    lines = wrap_text(long_word, 100, _measure)
    assert "".join(lines) == long_word and len(lines) > 1
    assert all(_measure(line) <= 100 for line in lines)
    assert wrap_text("", 100, _measure) == [""]


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet=WRAP_ALPHABET, max_size=120),
    st.floats(min_value=12, max_value=400),
)
def test_wrap_properties(text, width):
    lines = wrap_text(text, width, _measure)
    assert lines
    # Nothing lost: only the spaces at break points disappear.
    assert _squash("".join(lines)) == _squash(text)
    for line in lines:
        # A line is too wide only when it holds one unbreakable character (plus glued punctuation).
        if _measure(line) > width:
            assert len(line.strip()) <= 3


# --------------------------------------------------------------------------- layout


def test_grouping_follows_part_order_then_first_appearance():
    entries = [
        TocEntry("2.建设基础", "E01", "甲", "1"),
        TocEntry("", "E02", "乙", "2"),
        TocEntry("1.申报背景", "E03", "丙", "3—4"),
        TocEntry("2.建设基础", "E04", "丁", "5"),
    ]
    layout = layout_toc(entries, part_order=["1.申报背景", "8.建设规划"])
    assert layout.pages == 1
    rows = layout.page_rows[0]
    kinds = [(row.kind, row.cells[0][0] if row.kind == "group" else row.code) for row in rows]
    assert kinds == [
        ("group", "1.申报背景"),
        ("entry", "E03"),
        ("group", "2.建设基础"),
        ("entry", "E01"),
        ("entry", "E04"),
        ("entry", "E02"),  # part "" → no heading
    ]


def test_empty_toc_is_one_page():
    layout = layout_toc([])
    assert layout.pages == 1 and layout.page_rows == ((),)


def test_200_entries_paginate_without_splitting_rows():
    entries = make_entries(200)
    layout = layout_toc(entries, title="证明材料目录", part_order=PARTS)
    assert layout.pages > 5
    assert layout.entries == 200
    codes = [row.code for _, row in _entry_rows(layout)]
    assert codes == [e.code for e in entries]  # each entry exactly one row, in order
    top = A4[1] - 56.69 - 18 * 1.5 - 18
    for rows in layout.page_rows:
        used = layout.header_height + sum(row.height for row in rows)
        assert used <= top - MARGIN_BOTTOM + 1e-6
        assert rows[-1].kind == "entry"  # no heading orphaned at a page bottom
        # A page that starts inside a group repeats its heading, marked （续）.
        assert rows[0].kind == "group" or rows[0].code
    continued = [rows[0] for rows in layout.page_rows[1:] if rows[0].cells[0][0].endswith(CONTINUED)]
    assert continued


def test_absurdly_long_title_is_split_rather_than_dropped():
    title = "很长的材料名称" * 400
    layout = layout_toc([TocEntry("1.申报背景", "E01", title, "1—300")])
    assert layout.pages > 1
    text = "".join(line for _, row in _entry_rows(layout) for line in row.cells[1])
    assert text == title


def test_missing_character_names_the_item():
    entries = [
        TocEntry("1.申报背景", "E01", "正常", "1"),
        TocEntry("1.申报背景", "E02", "笑脸😀材料", "2"),
        TocEntry("1.申报背景", "E03", "又一个😀和🚀", "3"),
    ]
    with pytest.raises(GlyphMissing) as info:
        layout_toc(entries)
    problems = info.value.problems
    assert len(problems) == 2
    first = problems[0]
    assert "😀" in first.message and "U+1F600" in first.message
    assert first.location is not None and first.location.item == "E02、E03"
    assert problems[1].location is not None and problems[1].location.item == "E03"
    assert "SKILLDOC_FONT" in (first.hint or "")


# --------------------------------------------------------------------------- the PDF


@pytest.fixture(scope="module")
def toc200(tmp_path_factory):
    entries = make_entries(200)
    layout = layout_toc(entries, title="证明材料目录", part_order=PARTS)
    out = tmp_path_factory.mktemp("toc") / "目录.pdf"
    render_toc(layout, out)
    return entries, layout, out


def test_pdf_has_layout_pages_of_a4(toc200):
    _, layout, out = toc200
    reader = PdfReader(out)
    assert len(reader.pages) == layout.pages
    for page in reader.pages:
        box = page.mediabox
        assert (float(box.width), float(box.height)) == pytest.approx(A4, abs=0.01)
    assert not list(out.parent.glob("*.tmp"))
    assert out.stat().st_mode & 0o777 == 0o644  # not mkstemp's private 0600


@needs_poppler
def test_pdftotext_gives_back_every_title_code_and_range(toc200):
    entries, layout, out = toc200
    pages = _pdftotext_pages(out)
    assert len(pages) == layout.pages
    for index, text in enumerate(pages):
        # Header row on every page; title on the first, "（续）" after.
        assert re.search(r"序号\s+材料名称\s+页码", text), f"page {index + 1} lacks the header row"
        assert ("证明材料目录" + CONTINUED in text) == (index > 0)
    for index, row in _entry_rows(layout):
        text = pages[index]
        assert re.search(rf"\b{row.code}\b", text)
        for line in row.cells[1]:
            assert line in text  # every wrapped line of the title, on the same page as its code
        for line in row.cells[2]:
            assert line in text
    whole = _squash("".join(pages))
    for entry in entries:
        assert entry.pages in whole and entry.code in whole
    for part in PARTS:
        assert part in whole


def test_pypdf_extracts_every_title_code_and_range(toc200):
    entries, layout, out = toc200
    reader = PdfReader(out)
    texts = [page.extract_text() for page in reader.pages]
    for index, row in _entry_rows(layout):
        assert row.code in texts[index]
        for line in (*row.cells[1], *row.cells[2]):
            assert line in texts[index]
    squashed = _squash("".join(texts))
    for entry in entries:
        assert _squash(entry.title) in squashed  # ToUnicode maps every glyph back, `<&“{{` included


@needs_poppler
def test_font_embedded_once_and_subset(toc200):
    _, layout, out = toc200
    listing = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in listing.splitlines()[2:] if line.strip()]
    assert len(rows) == 1  # one font object shared by all pages
    assert rows[0][0] == layout.font.name
    assert rows[0][-5:-2] == ["yes", "yes", "yes"]


@needs_poppler
def test_rendered_pages_are_not_blank(toc200, tmp_path):
    from PIL import Image

    _, _layout, out = toc200
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "2", str(out), str(tmp_path / "p")], check=True
    )
    pngs = sorted(tmp_path.glob("p*.png"))
    assert len(pngs) == 2
    for png in pngs:
        with Image.open(png) as img:
            grey = img.convert("L")
            assert abs(grey.width - 413) <= 1 and abs(grey.height - 585) <= 1  # A4 at 50 dpi
            hist = grey.histogram()
            ink = sum(hist[:128]) / (grey.width * grey.height)
            assert 0.01 < ink < 0.5
            # Nothing drawn in the bottom margin: the 目录 carries no page number.
            margin = grey.crop((0, grey.height - 30, grey.width, grey.height))
            assert margin.getextrema()[0] > 200


def test_deterministic_bytes(tmp_path):
    entries = make_entries(40)
    first = tmp_path / "a.pdf"
    render_toc(layout_toc(entries, title="证明材料目录", part_order=PARTS), first)
    fonts._make_subset.cache_clear()
    fonts._cmap_of.cache_clear()
    second = tmp_path / "b.pdf"
    render_toc(layout_toc(entries, title="证明材料目录", part_order=PARTS), second)
    data = first.read_bytes()
    assert data == second.read_bytes()
    assert b"/CreationDate" not in data and b"/ModDate" not in data and b"/ID" not in data


def test_page_content_draws_with_f1():
    layout = layout_toc(make_entries(5))
    content = page_content(layout, 0)
    assert b"/F1 " in content and b"Tj" in content
    content.decode("ascii")  # plain ASCII operators, text as hex strings


def test_render_into_unwritable_place_is_an_output_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError) as info:
        render_toc(layout_toc(make_entries(3)), blocker / "目录.pdf")
    assert "目录.pdf" in str(info.value)


def test_failed_render_leaves_existing_file(tmp_path, monkeypatch):
    out = tmp_path / "目录.pdf"
    out.write_bytes(b"old")
    layout = layout_toc(make_entries(3))
    import skilldoc.evidence.toc as toc_module

    def boom(layout, index):
        raise RuntimeError("boom")

    monkeypatch.setattr(toc_module, "page_content", boom)
    with pytest.raises(RuntimeError):
        render_toc(layout, out)
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["目录.pdf"]


@needs_poppler
@pytest.mark.skipif(not NOTO.is_file(), reason="fonts-noto-cjk not installed")
def test_toc_with_cff_font(tmp_path):
    src = find_cjk_font(NOTO)
    entries = make_entries(12)
    layout = layout_toc(entries, title="证明材料目录", part_order=PARTS, source=src)
    out = tmp_path / "noto.pdf"
    render_toc(layout, out)
    text = _squash("".join(_pdftotext_pages(out)))
    for entry in entries:
        assert entry.code in text and entry.pages in text
    listing = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "CID Type 0C" in listing and layout.font.name in listing
    extracted = _squash("".join(page.extract_text() for page in PdfReader(out).pages))
    for entry in entries:
        assert _squash(entry.title) in extracted


def test_extra_chars_join_the_toc_font_and_missing_ones_are_left_out():
    entries = [TocEntry("1.申报背景", "E01", "营业执照", "1—2")]
    layout = layout_toc(entries, extra_chars="第 页—/")
    assert layout.font.covers("第 12 页") and layout.font.covers("— 3 —")
    # a character no installed font has: the 目录 is still laid out, its font simply lacks it
    layout = layout_toc(entries, extra_chars="第\U000f0000")
    assert layout.font.covers("营业执照") and not layout.font.covers("\U000f0000")
