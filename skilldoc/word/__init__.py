"""Word files in: the one place that reads .docx files.

- :func:`read_form` — a 申报书.docx (made by skilldoc or filled in by hand) → the
  Application and the eight sections' markup (``skilldoc import``, ``check X.docx``);
- :func:`read_section` — a ``sections/N-名称.docx`` → section markup, as a ``.md`` file holds it;
- :func:`extract_text` — all text of a .docx, for ``skilldoc count``;
- :func:`write_section` (in :mod:`.writer`) — section markup → a small .docx (``init --docx``, import).

Layers: :mod:`.ooxml` opens the zip and parses the parts (size caps, no DTDs; the
one lxml importer), :mod:`.text` turns paragraphs and tables into text and markup,
:mod:`.form_reader` recognises the official form by its labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..form import Section
from ..markup import Block, parse
from .form_reader import LITERAL_REF, FormDocument, Found, read_form, read_ticks
from .ooxml import open_package
from .text import Markup, MarkupWriter, body_text

__all__ = ["FormDocument", "Found", "Markup", "ReadSection", "extract_text", "read_form", "read_section", "read_ticks",
           "rendered_sections"]


def extract_text(path: Path) -> str:
    """All text of a .docx body — paragraphs and table cells, in document order, one line per
    non-empty paragraph (line breaks inside a paragraph kept as newlines)."""
    return body_text(open_package(Path(path)))


def read_section(path: Path) -> Markup:
    """A section written in Word → its markup text (Jinja kept) and, per line, the paragraph it came from."""
    package = open_package(Path(path))
    return MarkupWriter(package).convert(package.body)



@dataclass(frozen=True)
class ReadSection:
    """A section read from a 申报书.docx, shaped like :class:`skilldoc.model.RenderedSection`."""

    section: Section
    source: Path
    text: str
    blocks: tuple[Block, ...]
    cited: tuple[str, ...]


def rendered_sections(document: FormDocument) -> list[ReadSection]:
    """The sections of a read 申报书 as the checks take them (already rendered text, no Jinja).

    A literal reference such as （见证明材料第12—15页） counts as a citation.
    """
    out = []
    for source in document.sections:
        refs = tuple(dict.fromkeys(m.group(0) for m in LITERAL_REF.finditer(source.text)))
        out.append(ReadSection(source.section, source.path, source.text, parse(source.text), refs))
    return out
