"""The small TrueType reader/subsetter (skilldoc.evidence.sfnt), checked against fontTools."""

from __future__ import annotations

import io
import logging
import random
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from hypothesis import given, settings
from hypothesis import strategies as st

from skilldoc.evidence import sfnt

WQY = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
NOTO = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONTS = [(p, i) for p, i in [(WQY, 0), (WQY, 1), (DEJAVU, 0), (NOTO, 2)] if p.is_file()]
GLYF = [(p, i) for p, i in FONTS if p != NOTO]


@pytest.fixture(autouse=True)
def _quiet_fonttools():
    # fontTools logs about the subset's zero dates when it reads them back
    logger = logging.getLogger("fontTools")
    old = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(old)


@pytest.mark.parametrize(("path", "index"), FONTS)
def test_names_outline_and_cmap_match_fonttools(path: Path, index: int) -> None:
    ft = TTFont(str(path), fontNumber=index, lazy=True)
    try:
        best = ft.getBestCmap()
        gid = {name: i for i, name in enumerate(ft.getGlyphOrder())}
        with sfnt.Face(path, index) as face:
            assert face.name(6) == ft["name"].getDebugName(6)
            assert face.name(1) == ft["name"].getDebugName(1)
            assert face.outline == ("glyf" if "glyf" in ft else "CFF")
            cmap = face.cmap()
            assert all(cmap.get(cp) == gid[name] for cp, name in best.items())
            # nothing mapped that fontTools does not map
            for cp in random.Random(1).sample(range(0x30000), 5000):
                assert (cp in cmap) == (cp in best)
    finally:
        ft.close()


@pytest.mark.parametrize(("path", "index"), GLYF)
def test_subset_glyphs_and_metrics_equal_the_original(path: Path, index: int) -> None:
    original = TTFont(str(path), fontNumber=index)
    best = original.getBestCmap()
    chars = random.Random(7).sample(sorted(best), 400) + [ord(c) for c in "第页0123456789 ÅÄé" if ord(c) in best]
    with sfnt.Face(path, index) as face:
        cmap = face.cmap()
        gids = sorted({cmap.get(cp) for cp in chars})
        sub = sfnt.subset_glyf(face, gids, {cp: cmap.get(cp) for cp in chars})
    font = TTFont(io.BytesIO(sub.program))
    font.ensureDecompiled()  # every table parses
    assert font["maxp"].numGlyphs == len(sub.gid_of) == len(font.getGlyphOrder())
    assert sub.num_glyphs == original["maxp"].numGlyphs
    assert sub.units_per_em == original["head"].unitsPerEm
    sub_cmap = font.getBestCmap()
    ours, theirs = font["glyf"], original["glyf"]
    for cp in chars:
        new_name, old_name = sub_cmap[cp], best[cp]
        assert font.getGlyphID(new_name) == sub.gid_of[original.getGlyphID(old_name)]
        assert list(ours[new_name].getCoordinates(ours)[0]) == list(theirs[old_name].getCoordinates(theirs)[0])
        assert font["hmtx"][new_name] == original["hmtx"][old_name]
        assert sub.widths[font.getGlyphID(new_name)] == original["hmtx"][old_name][0]
    assert font.reader["head"][20:36] == b"\0" * 16  # created, modified: fixed
    # checksums: the whole font sums to the magic number
    total = sum(int.from_bytes(sub.program[i:i + 4].ljust(4, b"\0"), "big")
                for i in range(0, len(sub.program), 4)) & 0xFFFFFFFF
    assert total == 0xB1B0AFBA


@pytest.mark.skipif(not WQY.is_file(), reason="fonts-wqy-zenhei not installed")
def test_subset_is_deterministic_and_small() -> None:
    with sfnt.Face(WQY) as face:
        cmap = face.cmap()
        chars = [ord(c) for c in "第 0123456789 页目录序号材料名称"]
        a = sfnt.subset_glyf(face, [cmap.get(c) for c in chars], {c: cmap.get(c) for c in chars})
        b = sfnt.subset_glyf(face, [cmap.get(c) for c in reversed(chars)], {c: cmap.get(c) for c in chars})
    assert a.program == b.program
    assert len(a.program) < 20_000


def test_not_a_font_is_a_format_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttf"
    bad.write_bytes(b"<html>not a font</html>")
    with pytest.raises(sfnt.FontFormatError):
        sfnt.Face(bad)
    empty = tmp_path / "empty.ttf"
    empty.write_bytes(b"")
    with pytest.raises(sfnt.FontFormatError):
        sfnt.Face(empty)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=64))
def test_cmap_parser_never_crashes_on_junk(data: bytes) -> None:
    cmap = sfnt.CharMap(b"\x00\x00\x00\x01\x00\x03\x00\x01\x00\x00\x00\x0c" + data)
    for cp in (0, 32, 0x4E2D, 0x1F600):
        assert cmap.get(cp) is None or isinstance(cmap.get(cp), int)
