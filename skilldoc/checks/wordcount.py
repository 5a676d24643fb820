"""Counting text the way Microsoft Word's 字数统计 counts it (WPS and LibreOffice agree).

The rule, for 字数 (``Counts.words``):

* every East Asian character counts 1 — Han characters (all CJK blocks, the
  extensions and the compatibility ideographs), kana, Hangul, bopomofo, CJK
  radicals and strokes, CJK symbols and punctuation (U+3000–303F), enclosed CJK
  letters, CJK compatibility forms, and the full-width forms (U+FF00–FFEF:
  ，（）：；！？ and full-width letters and digits);
* the punctuation Chinese text shares with Western text — “ ” ‘ ’ … — ― · ‖ ※ —
  also counts 1 each.  Word decides these by the font the run is set in: a
  Chinese input method, and skilldoc's DOCX writer, set them in the East Asian
  font (``w:hint="eastAsia"``), where Word counts them as 中文字符.  Counting them
  as East Asian is also the cautious choice for a limit: “AI” is 3 字, not 1;
* every maximal run of any other non-whitespace characters counts 1, so
  ``2,000``, ``AI``, ``deep``, ``3`` and ``e-mail`` are one each; an East Asian
  character ends such a run (``2021年`` is 2);
* whitespace (including the ideographic space U+3000) separates and is not
  counted; zero-width characters (U+200B, U+FEFF, variation selectors) are
  invisible: they neither count nor separate.

``chars_no_spaces`` (字符数（不计空格）) counts every non-whitespace character and
``han`` counts Han ideographs only.

Example: ``2021年培训2,000人次，其中AI课程 deep learning 3门。`` is 18 字
(12 East Asian characters + 6 runs), 36 characters, 10 汉字.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

# Code point ranges (inclusive) counted as East Asian.  Sorted, non-overlapping.
_EAST_ASIAN_RANGES: tuple[tuple[int, int], ...] = (
    (0x00B7, 0x00B7),  # · middle dot (as in 阿卜杜拉·买买提)
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x2014, 0x2016),  # — ― ‖
    (0x2018, 0x2019),  # ‘ ’
    (0x201C, 0x201D),  # “ ”
    (0x2025, 0x2026),  # ‥ …
    (0x203B, 0x203B),  # ※
    (0x2E80, 0x2FDF),  # CJK Radicals Supplement, Kangxi Radicals
    (0x2FF0, 0x2FFF),  # Ideographic Description Characters
    (0x3000, 0x303F),  # CJK Symbols and Punctuation (U+3000 itself is whitespace)
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3100, 0x312F),  # Bopomofo
    (0x3130, 0x318F),  # Hangul Compatibility Jamo
    (0x3190, 0x31BF),  # Kanbun, Bopomofo Extended
    (0x31C0, 0x31EF),  # CJK Strokes
    (0x31F0, 0x31FF),  # Katakana Phonetic Extensions
    (0x3200, 0x32FF),  # Enclosed CJK Letters and Months
    (0x3300, 0x33FF),  # CJK Compatibility
    (0x3400, 0x4DBF),  # CJK Unified Ideographs Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xA960, 0xA97F),  # Hangul Jamo Extended-A
    (0xAC00, 0xD7FF),  # Hangul Syllables, Hangul Jamo Extended-B
    (0xF900, 0xFAFF),  # CJK Compatibility Ideographs
    (0xFE10, 0xFE1F),  # Vertical Forms
    (0xFE30, 0xFE4F),  # CJK Compatibility Forms
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms
    (0x16FE0, 0x16FFF),  # Ideographic Symbols and Punctuation
    (0x1AFF0, 0x1B16F),  # Kana Extended-B, Kana Supplement, Kana Extended-A, Small Kana Extension
    (0x20000, 0x2FA1F),  # CJK Extensions B–F, CJK Compatibility Ideographs Supplement
    (0x30000, 0x323AF),  # CJK Extensions G, H
)

# Han ideographs (the 汉字 count): the unified blocks, extensions, compatibility
# ideographs, 々 〇 and the Suzhou (Hangzhou) numerals.
_HAN_RANGES: tuple[tuple[int, int], ...] = (
    (0x3005, 0x3005),  # 々
    (0x3007, 0x3007),  # 〇 (二〇二二年)
    (0x3021, 0x3029),  # 〡 … 〩
    (0x3038, 0x303B),  # 〸 〹 〺 〻
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x2FA1F),
    (0x30000, 0x323AF),
)

# Invisible characters that neither count nor separate words.
_INVISIBLE = frozenset("\u200b\ufeff\u2060") | frozenset(chr(c) for c in range(0xFE00, 0xFE10))


def _in_ranges(ranges: tuple[tuple[int, int], ...], starts: list[int], ch: str) -> bool:
    cp = ord(ch)
    i = bisect_right(starts, cp) - 1
    return i >= 0 and cp <= ranges[i][1]


_EA_STARTS = [a for a, _ in _EAST_ASIAN_RANGES]
_HAN_STARTS = [a for a, _ in _HAN_RANGES]


def is_east_asian(ch: str) -> bool:
    """True for a character Word counts as one 中文字符 on its own (whitespace excluded)."""
    return not ch.isspace() and _in_ranges(_EAST_ASIAN_RANGES, _EA_STARTS, ch)


def is_han(ch: str) -> bool:
    """True for a Han ideograph (汉字)."""
    return _in_ranges(_HAN_RANGES, _HAN_STARTS, ch)


@dataclass(frozen=True)
class Counts:
    """The three figures of a text, as Word's 字数统计 reports the first two."""

    words: int  # 字数 as Word counts it
    chars_no_spaces: int  # 字符数（不计空格）
    han: int  # Han characters only

    def as_dict(self) -> dict[str, int]:
        return {"字数": self.words, "字符数（不计空格）": self.chars_no_spaces, "汉字": self.han}

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.words + other.words, self.chars_no_spaces + other.chars_no_spaces,
                      self.han + other.han)


def count_text(text: str) -> Counts:
    """Count ``text`` by the rule in the module docstring."""
    words = chars = han = 0
    in_run = False  # inside a run of non-East-Asian, non-whitespace characters
    for ch in text:
        if ch in _INVISIBLE:
            continue
        if ch.isspace():
            in_run = False
            continue
        chars += 1
        if is_east_asian(ch):
            words += 1
            in_run = False
            if is_han(ch):
                han += 1
        elif not in_run:
            words += 1
            in_run = True
    return Counts(words, chars, han)


__all__ = ["Counts", "count_text", "is_east_asian", "is_han"]
