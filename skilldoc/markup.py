"""Section markup: the small Markdown-like language section templates are written in.

The renderer produces text in this markup (after Jinja); :func:`parse` turns it
into blocks that the checks count and the DOCX writer lays out.  Supported
markup is documented in ``docs/模板与标记.md``.

The block types below are the contract between the renderer, the checks and
the DOCX writer.

The grammar, line by line (a *chunk* is a run of non-blank lines; blank or
whitespace-only lines separate chunks and are not text):

- ``一、…`` … ``十、…`` (Chinese numerals, then ``、``) → :class:`Heading` level 1;
  ``（一）…`` → level 2.  The numbering is the user's literal text and stays in
  the heading's runs.  ``# ``/``## ``/``### `` Markdown headings give levels
  1/2/3; the ``#`` marks are not text.  A heading is always one line; the lines
  after it in the same chunk form a paragraph.
- ``- item`` / ``* item`` → bulleted :class:`ListItem` (``ordered=False``,
  ``number=None``); ``1. item`` (digits, ``.``, whitespace) or ``1）item`` /
  ``1)item`` → numbered :class:`ListItem` with ``number`` as typed (never
  renumbered).  Leading indentation gives the nesting ``level`` (1 = not
  indented; deeper indentation than the previous item → one level deeper).
  Lines following an item in the same chunk that are not themselves a heading,
  item or table row continue the item (joined with a line break).
- Lines that start and end with an unescaped ``|`` → one :class:`Table`; if
  the second line is a separator (``|---|:--:|``) the first row is a header
  row and the separator is dropped.  Cells are split on unescaped ``|``,
  stripped, and parsed for inline markup.  Short rows are padded with empty
  cells so every row has the same number of cells.
- Any other lines → one :class:`Paragraph`; a single newline inside it is a
  line break, kept as ``"\\n"`` in the run text (the DOCX writer turns it into
  ``<w:br/>``).  Each line is stripped of leading/trailing whitespace
  (including the full-width space U+3000): the first-line indent of body
  paragraphs is a paragraph format, not typed spaces.

Inline: ``**bold**`` → a bold :class:`Run` (an unmatched ``**`` is literal
text; ``****`` is literal text).  A single ``*`` is literal.  Escapes:
a backslash before one of ``\\ * | # - . ) （ ） 、`` gives that character
literally (``\\**`` is two stars, ``1\\. 文字`` is a paragraph, ``\\（一）`` is
not a heading); any other backslash is literal.  Everything else – ``<``, ``&``,
quotes, ``{{``, emoji, full-width punctuation – is literal text.

List markers and the DOCX (the agreement with ``skilldoc/docx_form.py``):
``ListItem.marker`` holds the marker exactly as typed (``"1."``, ``"2）"``,
``"-"``, ``"*"``).  A numbered item's marker is **literal text** in the DOCX
(the writer prints ``marker`` followed by the runs, with a hanging indent – no
Word auto-numbering, so the numbers are the user's and survive any editor);
a bulleted item is shown with a bullet glyph (``•``) that is formatting, not
text.  Hence :func:`plain_text` includes the numbered marker and leaves out
the bullet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Run:
    """A piece of inline text with its emphasis."""

    text: str
    bold: bool = False


Inlines = tuple[Run, ...]


@dataclass(frozen=True)
class Heading:
    """一、… (level 1), （一）… (level 2), ``### …`` (level 3)."""

    level: int
    runs: Inlines


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph (first-line indent of two characters in the DOCX)."""

    runs: Inlines


@dataclass(frozen=True)
class ListItem:
    """An item of a bulleted (``ordered=False``) or numbered list.

    ``runs`` is the item text without its marker; ``marker`` is the marker as
    typed (``"1."``, ``"1）"``, ``"-"``), see the module docstring for how the
    DOCX shows it.
    """

    ordered: bool
    number: int | None
    level: int
    runs: Inlines
    marker: str = ""


@dataclass(frozen=True)
class Table:
    """A pipe table; ``header`` says whether the first row is a header row."""

    rows: tuple[tuple[Inlines, ...], ...]
    header: bool = True


Block = Heading | Paragraph | ListItem | Table


def runs_text(runs: Inlines) -> str:
    return "".join(r.text for r in runs)


# --- line classification -------------------------------------------------------

CN_NUMERALS = "一二三四五六七八九十百零〇"
_H1 = re.compile(rf"[{CN_NUMERALS}]+、")
_H2 = re.compile(rf"（[{CN_NUMERALS}]+）")
_MD_HEADING = re.compile(r"(#{1,6})[ \t]+(\S.*)")
_BULLET = re.compile(r"([-*])[ \t]+(\S.*)")
_NUMBERED = re.compile(r"(\d{1,3})(\.[ \t]+|[）)][ \t]*)(\S.*)")
_SEPARATOR_CELL = re.compile(r":?-+:?")
ESCAPABLE = frozenset("\\*|#-.)（）、")


def _indent_width(line: str) -> int:
    width = 0
    for ch in line:
        if ch == " ":
            width += 1
        elif ch == "\t":
            width += 4
        elif ch == "\u3000":
            width += 2
        elif ch.isspace():
            width += 1
        else:
            break
    return width


def _is_table_line(s: str) -> bool:
    """``s`` is stripped; a table line starts and ends with an unescaped ``|``."""
    if len(s) < 2 or s[0] != "|" or s[-1] != "|":
        return False
    backslashes = len(s[:-1]) - len(s[:-1].rstrip("\\"))
    return backslashes % 2 == 0


def _split_cells(s: str) -> list[str]:
    """Split a stripped table line on unescaped pipes (escapes kept for inline parsing)."""
    cells: list[str] = []
    current: list[str] = []
    i = 0
    inner = s[1:-1]
    while i < len(inner):
        ch = inner[i]
        if ch == "\\" and i + 1 < len(inner):
            current.append(inner[i : i + 2])
            i += 2
            continue
        if ch == "|":
            cells.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    cells.append("".join(current))
    return [c.strip() for c in cells]


def _is_separator(s: str) -> bool:
    cells = _split_cells(s)
    return bool(cells) and all(_SEPARATOR_CELL.fullmatch(c) for c in cells)


# --- inline parsing ------------------------------------------------------------


def parse_inline(text: str) -> Inlines:
    """Inline markup (``**bold**`` and escapes) → runs.  Never drops a character
    other than the markup itself."""
    # Tokenize into ("text", s) and ("star", "**") tokens.
    tokens: list[tuple[str, str]] = []
    buf: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n and text[i + 1] in ESCAPABLE:
            buf.append(text[i + 1])
            i += 2
        elif ch == "*" and i + 1 < n and text[i + 1] == "*":
            if buf:
                tokens.append(("text", "".join(buf)))
                buf = []
            tokens.append(("star", "**"))
            i += 2
        else:
            buf.append(ch)
            i += 1
    if buf:
        tokens.append(("text", "".join(buf)))

    # Pair stars left to right; an opener needs a later closer with text between.
    runs: list[Run] = []

    def emit(s: str, bold: bool) -> None:
        if not s:
            return
        if runs and runs[-1].bold == bold:
            runs[-1] = Run(runs[-1].text + s, bold)
        else:
            runs.append(Run(s, bold))

    k = 0
    while k < len(tokens):
        kind, value = tokens[k]
        if kind == "star":
            # find the next star token
            j = k + 1
            while j < len(tokens) and tokens[j][0] != "star":
                j += 1
            inner = "".join(v for _, v in tokens[k + 1 : j])
            if j < len(tokens) and inner:
                emit(inner, True)
                k = j + 1
                continue
            if j < len(tokens) and not inner:  # "****": literal
                emit("****", False)
                k = j + 1
                continue
            emit(value, False)  # unmatched opener: literal
        else:
            emit(value, False)
        k += 1
    return tuple(runs)


# --- block parsing -------------------------------------------------------------


@dataclass
class _Line:
    """One classified non-blank line."""

    kind: str  # "table" | "heading" | "item" | "text"
    text: str  # stripped content (marker removed for headings "#" and items)
    level: int = 0  # heading level
    ordered: bool = False
    number: int | None = None
    marker: str = ""


def _classify(line: str) -> _Line:
    s = line.strip()
    if _is_table_line(s):
        return _Line("table", s)
    m = _MD_HEADING.fullmatch(s)
    if m:
        return _Line("heading", m.group(2).rstrip(), level=min(len(m.group(1)), 3))
    if _H1.match(s):
        return _Line("heading", s, level=1)
    if _H2.match(s):
        return _Line("heading", s, level=2)
    m = _BULLET.fullmatch(s)
    if m:
        return _Line("item", m.group(2).rstrip(), marker=m.group(1))
    m = _NUMBERED.fullmatch(s)
    if m:
        return _Line("item", m.group(3).rstrip(), ordered=True, number=int(m.group(1)),
                     marker=m.group(1) + m.group(2).strip())
    return _Line("text", s)


@dataclass
class _OpenItem:
    head: _Line
    level: int
    lines: list[str]


def _table(lines: list[str]) -> Table:
    header = len(lines) >= 2 and _is_separator(lines[1])
    raw_rows = [lines[0]] + lines[2:] if header else lines
    rows = [[parse_inline(c) for c in _split_cells(r)] for r in raw_rows]
    width = max(len(r) for r in rows)
    for r in rows:
        r.extend(() for _ in range(width - len(r)))
    return Table(rows=tuple(tuple(r) for r in rows), header=header)


def parse(text: str) -> tuple[Block, ...]:
    """Parse rendered section text into blocks (see the module docstring)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks: list[Block] = []
    para: list[str] = []  # lines of the open paragraph
    item: _OpenItem | None = None  # the open list item
    table: list[str] = []  # lines of the open table
    indents: list[int] = []  # indentation of each open list level

    def flush() -> None:
        nonlocal item, para, table
        if para:
            blocks.append(Paragraph(parse_inline("\n".join(para))))
            para = []
        if item is not None:
            head = item.head
            blocks.append(ListItem(head.ordered, head.number, item.level,
                                   parse_inline("\n".join(item.lines)), head.marker))
            item = None
        if table:
            blocks.append(_table(table))
            table = []

    for raw in text.split("\n"):
        if not raw.strip():
            flush()
            indents.clear()
            continue
        line = _classify(raw)
        if line.kind == "table":
            if not table:
                flush()
            table.append(line.text)
            continue
        if table:
            flush()
        if line.kind == "heading":
            flush()
            blocks.append(Heading(line.level, parse_inline(line.text)))
            indents.clear()
        elif line.kind == "item":
            flush()
            width = _indent_width(raw)
            while indents and width < indents[-1]:
                indents.pop()
            if not indents or width > indents[-1]:
                indents.append(width)
            item = _OpenItem(line, len(indents), [line.text])
        elif item is not None:
            item.lines.append(line.text)
        else:
            para.append(line.text)
    flush()
    return tuple(blocks)


def block_text(block: Block) -> str:
    """The text of one block as it appears in the DOCX (see :func:`plain_text`)."""
    if isinstance(block, Table):
        return "\n".join("\t".join(runs_text(cell) for cell in row) for row in block.rows)
    if isinstance(block, ListItem):
        text = runs_text(block.runs)
        return f"{block.marker} {text}" if block.ordered and block.marker else text
    return runs_text(block.runs)


def plain_text(blocks: tuple[Block, ...] | list[Block]) -> str:
    """The text of the blocks as it will appear in the DOCX, for counting.

    Headings keep their typed numbering (``一、``); paragraphs keep line breaks;
    numbered list items keep their literal marker (``1.``), bulleted items lose
    the bullet (a glyph, not text); tables give their cells row by row
    (cells separated by a tab, rows by a newline).  Blocks are separated by a
    newline.  Markup (``**``, ``#``, escapes, table separators) is not text.
    """
    return "\n".join(block_text(b) for b in blocks)
