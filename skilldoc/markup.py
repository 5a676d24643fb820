"""Section markup: the small Markdown-like language section templates are written in.

The renderer produces text in this markup (after Jinja); :func:`parse` turns it
into blocks that the checks count and the DOCX writer lays out.  Supported
markup is documented in ``docs/模板与标记.md``.

The block types below are the contract between the renderer, the checks and
the DOCX writer.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Run:
    """A piece of inline text with its emphasis."""

    text: str
    bold: bool = False


Inlines = tuple[Run, ...]


@dataclass(frozen=True)
class Heading:
    """一、… (level 1), （一）… (level 2), 1. … as a heading line (level 3)."""

    level: int
    runs: Inlines


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph (first-line indent of two characters in the DOCX)."""

    runs: Inlines


@dataclass(frozen=True)
class ListItem:
    """An item of a bulleted (``ordered=False``) or numbered list."""

    ordered: bool
    number: int | None
    level: int
    runs: Inlines


@dataclass(frozen=True)
class Table:
    """A pipe table; ``header`` says whether the first row is a header row."""

    rows: tuple[tuple[Inlines, ...], ...]
    header: bool = True


Block = Heading | Paragraph | ListItem | Table


def runs_text(runs: Inlines) -> str:
    return "".join(r.text for r in runs)
