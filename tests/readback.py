"""Reading a generated 申报书.docx back, exactly as written: the tests' oracle for the writer.

Deliberately independent of the library's Word reader (``skilldoc.word``, which normalises what
people type by hand): this walks the raw WordprocessingML the writer produced, keeping every
space, so a test can prove that user text survives verbatim.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
from docx.oxml.ns import qn

from skilldoc.docx_form import WORD_JOINER
from skilldoc.form import SECTIONS


def paragraph_text(p: Any) -> str:
    """The text of a ``w:p`` (runs, tabs, breaks), descending into hyperlinks/fields."""
    out: list[str] = []
    for el in p.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:sym")):
        if el.tag == qn("w:t"):
            text = el.text or ""
            if WORD_JOINER in text and el.getparent().find(f"{qn('w:rPr')}/{qn('w:noProof')}") is not None:
                text = text.replace(WORD_JOINER, "")  # skilldoc's line-breaking joiner, not text
            out.append(text)
        elif el.tag == qn("w:tab"):
            if el.getparent().tag == qn("w:r"):
                out.append("\t")
        elif el.tag == qn("w:sym"):
            char = el.get(qn("w:char"))
            if char:
                try:
                    out.append(chr(int(char, 16)))
                except ValueError:
                    pass
        else:
            if el.get(qn("w:type")) in (None, "textWrapping"):
                out.append("\n")
    return "".join(out)


def _cell_blocks_text(tc: Any) -> str:
    """The text of a section body cell in :func:`skilldoc.markup.plain_text` form."""
    parts: list[str] = []
    for child in tc:
        if child.tag == qn("w:p"):
            parts.append(paragraph_text(child))
        elif child.tag == qn("w:tbl"):
            rows = []
            for tr in child.findall(qn("w:tr")):
                cells = ["\n".join(paragraph_text(p) for p in c.findall(qn("w:p")))
                         for c in tr.findall(qn("w:tc"))]
                rows.append("\t".join(cells))
            parts.append("\n".join(rows))
    while parts and parts[-1] == "":
        parts.pop()
    return "\n".join(parts)


def section_text(path: Path) -> dict[str, str]:
    """Section title → its body text as written in the DOCX.

    The text has the shape of :func:`skilldoc.markup.plain_text`: blocks separated by a
    newline, line breaks kept, numbered items with their marker, bullets without the
    bullet glyph, table cells separated by tabs and rows by newlines.
    """
    document = docx.Document(str(Path(path)))
    titles = {s.title for s in SECTIONS}
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for tbl in document.element.body.findall(qn("w:tbl")):
        for tr in tbl.findall(qn("w:tr")):
            tcs = tr.findall(qn("w:tc"))
            if len(tcs) < 2:
                current = None
                continue
            vmerge = tcs[0].find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
            if current is not None and vmerge is not None and vmerge.get(qn("w:val")) in (None, "continue"):
                current.append(_cell_blocks_text(tcs[1]))  # the section goes on in this row
                continue
            title = "\n".join(paragraph_text(p) for p in tcs[0].findall(qn("w:p"))).strip()
            current = None
            if title in titles and title not in found:
                current = found[title] = [_cell_blocks_text(tcs[1])]
    return {title: "\n".join(parts) for title, parts in found.items()}
