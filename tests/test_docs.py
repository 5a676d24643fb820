"""Docs generated from the form spec stay current; labels are quoted from the policy text."""

from __future__ import annotations

from pathlib import Path

from skilldoc import form
from skilldoc.fielddoc import field_reference_markdown

ROOT = Path(__file__).resolve().parent.parent
POLICY = Path(__file__).resolve().parent.parent / "policy"  # policy/README.md
SEED = POLICY / "001_9b367f8c4a711a10.txt"


def test_field_reference_is_current() -> None:
    committed = (ROOT / "docs" / "字段说明.md").read_text(encoding="utf-8")
    assert committed == field_reference_markdown(), "run: python -m skilldoc.fielddoc > docs/字段说明.md"


def test_every_label_is_quoted_from_the_form() -> None:
    """Every header label, section guidance and option appears verbatim in the seed form (when available)."""
    seed = _norm(SEED.read_text(encoding="utf-8"))
    for f in form.HEADER_FIELDS:
        assert _norm(f.label) in seed, f.label
        for option in f.options:
            assert _norm(option) in seed, option
    for s in form.SECTIONS:
        assert _norm(s.title) in seed, s.title
        assert _norm(s.guidance) in seed, s.guidance
    for text in (*form.INSTRUCTIONS, form.ISSUER, form.FORM_TITLE, form.SECTION_NOTE):
        assert _norm(text) in seed, text


def _norm(text: str) -> str:
    """Drop whitespace and fold the punctuation width the seed's OCR mixes: （）， vs (),."""
    return "".join(text.split()).translate(str.maketrans("（），．", "(),."))
