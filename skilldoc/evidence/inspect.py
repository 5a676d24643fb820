"""Read-only questions about a finished PDF (which page shows a title)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pypdf import PdfReader

from .sources import capture_pypdf


def _squash(text: str) -> str:
    return "".join(text.split())


def find_first_pages(pdf: Path, needles: Sequence[str], *, after: int = 0) -> dict[str, int]:
    """The 0-based page on which each needle first appears (whitespace ignored), from page ``after`` on.

    A needle is searched from the page where the previous one was found, so a
    title quoted earlier in the document (a table of contents, say) does not win.
    """
    found: dict[str, int] = {}
    with capture_pypdf():
        reader = PdfReader(str(pdf), strict=False)
        texts = [_squash(page.extract_text() or "") for page in reader.pages]
    start = after
    for needle in needles:
        key = _squash(needle)
        for index in range(start, len(texts)):
            if key in texts[index]:
                found[needle] = index
                start = index
                break
    return found
