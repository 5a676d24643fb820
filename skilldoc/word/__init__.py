"""Word files in: the one place that reads .docx files.

- :func:`read_form` — a 申报书.docx (made by skilldoc or filled in by hand) → the
  Application and the eight sections' markup (``skilldoc import``, ``check X.docx``);
- :func:`read_section` — a ``sections/N-名称.docx`` → section markup, as a ``.md`` file holds it;
- :func:`extract_text` — all text of a .docx, for ``skilldoc count``;
- :func:`check_package` — every XML part of a .docx checked (caps, no DTD, well-formed) before
  python-docx loads the form template whole;
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
from .ooxml import check_package, open_package
from .text import Markup, MarkupWriter, body_text

__all__ = ["FormDocument", "Found", "Markup", "ReadSection", "check_package", "extract_text", "load_form",
           "read_form", "read_section", "read_ticks", "rendered_sections", "section_texts"]


def extract_text(path: Path) -> str:
    """All text of a .docx body — paragraphs and table cells, in document order, one line per
    non-empty paragraph (line breaks inside a paragraph kept as newlines)."""
    return body_text(open_package(Path(path), styles=False))


def load_form(path: Path) -> FormDocument:
    """:func:`read_form`, converting a Word 97–2003 ``.doc`` with LibreOffice first when it is installed.

    Without LibreOffice the .doc gets its own message saying how to save it as .docx.
    """

    from ..errors import Location, Problem, Severity
    from .ooxml import DocxProblem

    path = Path(path)
    try:
        return read_form(path)
    except DocxProblem as exc:
        if not exc.problems or exc.problems[0].code != "docx.doc":
            raise
        from ..office import convert_to_docx, find_soffice

        if find_soffice() is None:
            raise
        from ..workdirs import work_folder

        with work_folder("skilldoc-") as tmp:
            document = read_form(convert_to_docx(path, Path(tmp)), shown_as=path)
    document.problems.insert(0, Problem(
        "这是旧版 Word 文档（.doc），已用 LibreOffice 转换为 .docx 后读取", Location(str(path)),
        "转换可能改变个别格式；建议在 Word 中“另存为”.docx", Severity.WARNING, "docx.converted"))
    return document


def section_texts(path: Path) -> dict[str, str]:
    """Section title → its text as the 申报书 shows it (:func:`skilldoc.markup.plain_text` shape).

    The Word reader's replacement for ``docx_form.section_text`` (same result on a built 申报书).
    """
    from ..markup import plain_text

    return {s.section.title: plain_text(parse(s.text)) for s in read_form(Path(path)).sections}


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
