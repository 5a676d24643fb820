"""Word paragraphs and tables → text, and → the section markup of ``skilldoc/markup.py``.

The markup a Word body becomes is what a ``.md`` section file would hold for the
same content, so the renderer, the checks and the DOCX writer never know which
one the applicant wrote:

- a paragraph with a heading style (标题 1/2/3, Heading 1/2/3, the 申报书 styles, or
  an outline level) → ``# …``/``## …``/``### …``, unless its text already starts
  with typed numbering (``一、``/``（一）``), which the markup recognises itself;
- a paragraph of a Word list → ``- …`` for bullets, the rendered number
  (``1. …``, ``一、…``, ``（一）…``) for numbered lists;
- bold runs → ``**…**``; line breaks stay inside the paragraph;
- a table → pipe-table lines (a header row when the first row is bold or marked
  as a header row);
- paragraphs separated by a blank line.

Jinja in Word: a ``{{ … }}``, ``{% … %}`` or ``{# … #}`` that Word split across
runs (typed, corrected, re-typed) is joined — the formatting boundaries inside it
are dropped — and Word's curly quotes inside it become straight quotes; text
outside keeps its runs' bold.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ..markup import CN_NUMERALS, ESCAPABLE
from .ooxml import Element, WordPackage, w, wattr

_OFF = {"0", "false", "off", "none"}


def _on(el: Element | None) -> bool:
    if el is None:
        return False
    val = wattr(el, "val")
    return val is None or val.lower() not in _OFF


# --- plain text (Word's own view, for counting) ---------------------------------------


# skilldoc's writer puts U+2060 WORD JOINER (no line break here) only into runs marked
# ``w:noProof``; reading drops it there, so a 申报书 reads back as typed (docx_form.WORD_JOINER).
_JOINER = "\u2060"


def run_text(r: Element) -> str:
    out: list[str] = []
    rpr = r.find(w("rPr"))
    joiners_are_ours = rpr is not None and rpr.find(w("noProof")) is not None
    for el in r:
        tag = el.tag
        if tag == w("t"):
            text = el.text or ""
            out.append(text.replace(_JOINER, "") if joiners_are_ours else text)
        elif tag == w("tab"):
            out.append("\t")
        elif tag in (w("br"), w("cr")):
            if wattr(el, "type") in (None, "textWrapping"):
                out.append("\n")
        elif tag == w("sym"):
            char = wattr(el, "char")
            if char:
                try:
                    out.append(chr(int(char, 16)))
                except ValueError:
                    pass
    return "".join(out)


def paragraph_text(p: Element) -> str:
    """The text of a ``w:p``: its runs (in hyperlinks, insertions, fields too), tabs and breaks."""
    return "".join(run_text(r) for r in _runs(p))


def _runs(p: Element) -> Iterator[Element]:
    """The runs of a paragraph in order, not descending into nested paragraphs (text boxes)."""
    for el in p.iter(w("r")):
        parent = el.getparent()
        while parent is not None and parent is not p and parent.tag != w("p"):
            parent = parent.getparent()
        if parent is p:
            yield el


def body_text(package: WordPackage) -> str:
    """All text of a document body — paragraphs and table cells in document order, one line per
    non-empty paragraph (line breaks inside a paragraph kept as newlines)."""
    lines = (paragraph_text(p) for p in package.body.iter(w("p")))
    return "\n".join(line for line in lines if line)


# --- styles -------------------------------------------------------------------------

_HEADING_NAME = re.compile(r"(?:heading|标题|申报书标题)\s*([1-9])$")


def _style_chain(package: WordPackage, sid: str | None) -> list[str]:
    chain: list[str] = []
    while sid and sid not in chain and len(chain) < 20:
        chain.append(sid)
        sid = package.style_based.get(sid)
    return chain


def _style_el(package: WordPackage, sid: str) -> Element | None:
    if package.styles is None:
        return None
    for st in package.styles.iter(w("style")):
        if wattr(st, "styleId") == sid:
            return st
    return None


@dataclass
class _Styles:
    """Lookups over a package's styles, cached."""

    package: WordPackage
    _bold: dict[str, bool] = field(default_factory=dict)
    _heading: dict[str, int] = field(default_factory=dict)
    _numpr: dict[str, tuple[str, int] | None] = field(default_factory=dict)

    def char_bold(self, sid: str) -> bool:
        if sid not in self._bold:
            bold = False
            for s in _style_chain(self.package, sid):
                st = _style_el(self.package, s)
                rpr = st.find(w("rPr")) if st is not None else None
                if rpr is not None and rpr.find(w("b")) is not None:
                    bold = _on(rpr.find(w("b")))
                    break
            self._bold[sid] = bold
        return self._bold[sid]

    def heading_level(self, sid: str) -> int:
        if sid not in self._heading:
            level = 0
            for s in _style_chain(self.package, sid):
                m = _HEADING_NAME.search(self.package.style_names.get(s, "").replace(" ", ""))
                if m:
                    level = int(m.group(1))
                    break
                st = _style_el(self.package, s)
                ppr = st.find(w("pPr")) if st is not None else None
                outline = ppr.find(w("outlineLvl")) if ppr is not None else None
                if outline is not None and (wattr(outline, "val") or "9").isdigit():
                    value = int(wattr(outline, "val") or "9")
                    if value < 9:
                        level = value + 1
                        break
            self._heading[sid] = level
        return self._heading[sid]

    def numpr(self, sid: str) -> tuple[str, int] | None:
        if sid not in self._numpr:
            found = None
            for s in _style_chain(self.package, sid):
                st = _style_el(self.package, s)
                ppr = st.find(w("pPr")) if st is not None else None
                np = ppr.find(w("numPr")) if ppr is not None else None
                if np is not None:
                    found = _read_numpr(np)
                    break
            self._numpr[sid] = found
        return self._numpr[sid]


def _read_numpr(np: Element) -> tuple[str, int] | None:
    num = np.find(w("numId"))
    lvl = np.find(w("ilvl"))
    num_id = wattr(num, "val") if num is not None else None
    if not num_id or num_id == "0":
        return None
    try:
        ilvl = int(wattr(lvl, "val") or "0") if lvl is not None else 0
    except ValueError:
        ilvl = 0
    return num_id, max(0, min(ilvl, 8))


# --- numbering ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Level:
    fmt: str
    text: str
    start: int


def _chinese(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n <= 0:
        return str(n)
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n - 10] if n > 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


def _letters(n: int) -> str:
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else str(n)


def _roman(n: int) -> str:
    values = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
              (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = []
    for v, s in values:
        while n >= v:
            out.append(s)
            n -= v
    return "".join(out)


def format_number(fmt: str, n: int) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional", "chineseLegalSimplified",
               "taiwaneseCounting", "japaneseCounting"):
        return _chinese(n)
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


class _Numbering:
    """Word list definitions and the running counters of the lists met so far."""

    def __init__(self, package: WordPackage) -> None:
        self.levels: dict[tuple[str, int], _Level] = {}
        self.counters: dict[str, list[int]] = {}
        root = package.numbering
        if root is None:
            return
        abstract: dict[str, dict[int, _Level]] = {}
        for an in root.findall(w("abstractNum")):
            levels: dict[int, _Level] = {}
            for lvl in an.findall(w("lvl")):
                levels[int(wattr(lvl, "ilvl") or "0")] = _level(lvl)
            abstract[wattr(an, "abstractNumId") or ""] = levels
        for num in root.findall(w("num")):
            num_id = wattr(num, "numId") or ""
            ref = num.find(w("abstractNumId"))
            levels = dict(abstract.get(wattr(ref, "val") or "", {}) if ref is not None else {})
            for override in num.findall(w("lvlOverride")):
                ilvl = int(wattr(override, "ilvl") or "0")
                lvl = override.find(w("lvl"))
                if lvl is not None:
                    levels[ilvl] = _level(lvl)
                start = override.find(w("startOverride"))
                if start is not None and ilvl in levels:
                    old = levels[ilvl]
                    levels[ilvl] = _Level(old.fmt, old.text, int(wattr(start, "val") or "1"))
            for ilvl, level in levels.items():
                self.levels[(num_id, ilvl)] = level

    def marker(self, num_id: str, ilvl: int) -> tuple[str, bool] | None:
        """(marker text, is_bullet) of the next item of list ``num_id`` at ``ilvl``."""
        level = self.levels.get((num_id, ilvl))
        if level is None:
            return None
        if level.fmt == "bullet":
            return "-", True
        counts = self.counters.setdefault(num_id, [0] * 9)
        for deeper in range(ilvl + 1, 9):
            counts[deeper] = 0
        counts[ilvl] = (counts[ilvl] or (self.levels[(num_id, ilvl)].start - 1)) + 1

        def repl(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            lv = self.levels.get((num_id, k))
            n = counts[k] if k < len(counts) and counts[k] else (lv.start if lv else 1)
            return format_number(level.fmt if k == ilvl else (lv.fmt if lv else "decimal"), n)

        return re.sub(r"%([1-9])", repl, level.text), False


def _level(lvl: Element) -> _Level:
    fmt_el = lvl.find(w("numFmt"))
    text_el = lvl.find(w("lvlText"))
    start_el = lvl.find(w("start"))
    try:
        start = int(wattr(start_el, "val") or "1") if start_el is not None else 1
    except ValueError:
        start = 1
    return _Level(wattr(fmt_el, "val") or "decimal" if fmt_el is not None else "decimal",
                  wattr(text_el, "val") or "" if text_el is not None else "", start)


# --- inline markup --------------------------------------------------------------------

JINJA_SPAN = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_CURLY = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "＂": '"'})


def _escape(text: str) -> str:
    """Plain Word text → markup text that parses back to the same characters (Jinja left alone)."""
    out: list[str] = []
    pos = 0
    for m in JINJA_SPAN.finditer(text):
        out.append(_escape_plain(text[pos:m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_escape_plain(text[pos:]))
    return "".join(out)


def _escape_plain(text: str) -> str:
    text = re.sub(r"\\(?=[" + re.escape("".join(ESCAPABLE)) + "])", r"\\\\", text)
    return text.replace("**", r"\*\*")


def inline_markup(pieces: Iterable[tuple[str, bool]]) -> str:
    """Runs (text, bold) → markup: Jinja spans joined across runs, bold runs as ``**…**``."""
    chars: list[str] = []
    bold: list[bool] = []
    for text, b in pieces:
        chars.extend(text)
        bold.extend([b] * len(text))
    text = "".join(chars)
    for m in JINJA_SPAN.finditer(text):  # one formatting for a whole expression
        flag = all(bold[m.start():m.end()])
        bold[m.start():m.end()] = [flag] * (m.end() - m.start())
        fixed = m.group(0).translate(_CURLY)
        chars[m.start():m.end()] = list(fixed)
    text = "".join(chars)
    out: list[str] = []
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and bold[j] == bold[i]:
            j += 1
        piece = text[i:j]
        if bold[i] and piece.strip():
            # ``**`` must hug text: whitespace and line breaks stay outside
            lead = piece[: len(piece) - len(piece.lstrip())]
            trail = piece[len(piece.rstrip()):]
            core = piece.strip()
            out.append(f"{lead}**{_escape(core)}**{trail}")
        else:
            out.append(_escape(piece))
        i = j
    return "".join(out)


# --- blocks → markup ----------------------------------------------------------------

_TYPED_HEADING = re.compile(rf"\s*(?:[{CN_NUMERALS}]+、|（[{CN_NUMERALS}]+）)")


@dataclass
class Markup:
    """Section markup made from Word blocks, with where each line came from (for messages)."""

    lines: list[str] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)  # per line: 第 N 段“first words…”

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + ("\n" if self.lines else "")

    def add(self, text: str, origin: str) -> None:
        for line in text.split("\n"):
            self.lines.append(line)
            self.origins.append(origin)

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")
            self.origins.append(self.origins[-1])


def _first_words(text: str, n: int = 12) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n] + "…"


class MarkupWriter:
    """Turns the children of a Word body (or of a table cell) into :class:`Markup`."""

    def __init__(self, package: WordPackage) -> None:
        self.package = package
        self.styles = _Styles(package)
        self.numbering = _Numbering(package)
        self.paragraphs = 0  # non-empty paragraphs met so far (第 N 段)

    def convert(self, children: Iterable[Element], out: Markup | None = None) -> Markup:
        out = out if out is not None else Markup()
        for el in children:
            if el.tag == w("p"):
                self._paragraph(el, out)
            elif el.tag == w("tbl"):
                self._table(el, out)
            elif el.tag in (w("sdt"), w("customXml"), w("ins")):
                content = el.find(w("sdtContent")) if el.tag == w("sdt") else el
                if content is not None:
                    self.convert(content, out)
        return out

    def pieces(self, p: Element) -> list[tuple[str, bool]]:
        pieces = []
        for r in _runs(p):
            rpr = r.find(w("rPr"))
            bold = False
            if rpr is not None:
                b = rpr.find(w("b"))
                if b is not None:
                    bold = _on(b)
                else:
                    rstyle = rpr.find(w("rStyle"))
                    if rstyle is not None and wattr(rstyle, "val"):
                        bold = self.styles.char_bold(wattr(rstyle, "val") or "")
            text = run_text(r)
            if text:
                pieces.append((text, bold))
        return pieces

    def _paragraph(self, p: Element, out: Markup) -> None:
        pieces = self.pieces(p)
        plain = "".join(t for t, _ in pieces)
        if not plain.strip():
            return
        self.paragraphs += 1
        origin = f"第 {self.paragraphs} 段“{_first_words(plain)}”"
        ppr = p.find(w("pPr"))
        sid = None
        numpr = None
        outline = None
        if ppr is not None:
            ps = ppr.find(w("pStyle"))
            sid = wattr(ps, "val") if ps is not None else None
            np = ppr.find(w("numPr"))
            if np is not None:
                numpr = _read_numpr(np)
                if numpr is None:  # numId 0: numbering switched off
                    numpr = ("0", 0)
            ol = ppr.find(w("outlineLvl"))
            if ol is not None and (wattr(ol, "val") or "").isdigit() and int(wattr(ol, "val") or "9") < 9:
                outline = int(wattr(ol, "val") or "0") + 1
        level = outline or (self.styles.heading_level(sid) if sid else 0)
        if numpr is None and sid:
            numpr = self.styles.numpr(sid)
        marker = None
        if numpr is not None and numpr[0] != "0":
            marker = self.numbering.marker(*numpr)
        text = inline_markup(pieces).strip()
        text = "\n".join(line.strip() for line in text.split("\n"))
        if marker is not None:
            mark, bullet = marker
            indent = "  " * numpr[1] if numpr else ""
            if bullet:
                line = f"{indent}- {text}"
            elif mark.endswith((".", "．")) or (mark and mark[-1].isalnum()):
                line = f"{indent}{mark} {text}"
            else:
                line = f"{indent}{mark}{text}"
            out.add(line, origin)
        elif level and not _TYPED_HEADING.match(text):
            out.add("#" * min(level, 3) + " " + text.replace("\n", " "), origin)
        else:
            out.add(text, origin)
        out.blank()

    def cell_text(self, tc: Element) -> str:
        """One table cell as inline markup on one line (its paragraphs joined by a space)."""
        parts = []
        for p in tc.iter(w("p")):
            text = inline_markup(self.pieces(p)).strip()
            if text:
                parts.append(" ".join(text.split("\n")))
        return " ".join(parts).replace("|", r"\|")

    def _table(self, tbl: Element, out: Markup) -> None:
        rows: list[list[str]] = []
        bold_first = False
        header_mark = False
        for r, tr in enumerate(tbl.findall(w("tr"))):
            cells: list[str] = []
            for tc in tr.findall(w("tc")):
                tcpr = tc.find(w("tcPr"))
                span = 1
                continued = False
                if tcpr is not None:
                    gs = tcpr.find(w("gridSpan"))
                    if gs is not None and (wattr(gs, "val") or "").isdigit():
                        span = max(1, min(int(wattr(gs, "val") or "1"), 64))
                    vm = tcpr.find(w("vMerge"))
                    continued = vm is not None and wattr(vm, "val") in (None, "continue")
                cells.append("" if continued else self.cell_text(tc))
                cells.extend([""] * (span - 1))
            if r == 0:
                trpr = tr.find(w("trPr"))
                header_mark = trpr is not None and _on(trpr.find(w("tblHeader"))) \
                    if trpr is not None and trpr.find(w("tblHeader")) is not None else False
                filled = [c for c in cells if c]
                bold_first = bool(filled) and all(c.startswith("**") and c.endswith("**") and c.count("**") == 2
                                                  for c in filled)
            rows.append(cells)
        rows = [r for r in rows if any(c.strip() for c in r)]
        if not rows:
            return
        self.paragraphs += 1
        first = " ".join(c for c in rows[0] if c)
        origin = f"第 {self.paragraphs} 段（表格“{_first_words(first.replace('**', ''))}”）"
        width = max(len(r) for r in rows)
        header = (bold_first or header_mark) and len(rows) >= 2
        if bold_first and header:
            rows[0] = [c[2:-2] if c.startswith("**") else c for c in rows[0]]
        out.blank()
        for i, row in enumerate(rows):
            row = row + [""] * (width - len(row))
            out.add("| " + " | ".join(row) + " |", origin)
            if i == 0 and header:
                out.add("|" + "---|" * width, origin)
        out.blank()
