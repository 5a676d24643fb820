"""The print-ready PDFs (issue 6): 申报书.pdf via LibreOffice, and 申报材料.pdf = form + 目录 + evidence.

The form's PDF comes from LibreOffice; it is then passed through the same
streaming writer as the evidence, which gives it bookmarks (the form and each
of its eight sections), page labels, duplex blank pages and fixed metadata, so
two builds of the same inputs are byte-identical.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .form import FORM_NAME, HEADER_FIELDS, INSTRUCTIONS_TITLE, LAYOUT, SECTIONS

if TYPE_CHECKING:
    from .evidence.bundle import BundlePlan, Progress


def build_print_pdfs(plan: BundlePlan, docx_path: Path, workdir: Path, *,
                     progress: Progress = None) -> tuple[dict[str, Path], dict[str, Any]]:
    """Convert the DOCX and assemble the combined PDF; returns staged outputs and summary details."""
    from .evidence.bundle import FrontMatter, plan_bundle, write_bundle
    from .evidence.inspect import find_first_pages
    from .office import convert_to_pdf

    raw_dir = workdir / "libreoffice"
    raw_dir.mkdir()
    if progress is not None:  # the slow part: a step of its own where progress is shown (the workbench)
        with progress(1, "正在把申报书转换为 PDF（LibreOffice）") as step:
            raw_pdf = convert_to_pdf(docx_path, raw_dir)
            step.update(1)
    else:
        raw_pdf = convert_to_pdf(docx_path, raw_dir)

    titles = [s.title for s in SECTIONS]
    starts = find_first_pages(raw_pdf, [INSTRUCTIONS_TITLE, HEADER_FIELDS[0].label, *titles], after=0)
    outline = [(FORM_NAME, 0)] + [(t, starts[t]) for t in titles if t in starts]
    # The form numbers its pages from the header table on; the cover and 填写要求 carry no number.
    first_numbered = starts.get(HEADER_FIELDS[0].label, 0)
    unnumbered = ["封面"] + [INSTRUCTIONS_TITLE] * max(0, first_numbered - 1)
    front = FrontMatter(pdf=raw_pdf, outline=outline, unnumbered=unnumbered[:first_numbered])

    form_pdf = workdir / LAYOUT.form_pdf_name
    form_result = write_bundle(plan_bundle([], replace(plan.options, toc=False)), form_pdf, front=front)
    combined = workdir / LAYOUT.combined_pdf_name
    # the second merge of the evidence, named for what it makes (the first one wrote 证明材料.pdf)
    combined_progress = ((lambda total, _label: progress(total, f"正在生成打印装订用的 {LAYOUT.combined_pdf_name}"))
                         if progress is not None else None)
    result = write_bundle(plan, combined, front=front, progress=combined_progress)

    staged = {"申报书（PDF）": form_pdf, "申报材料（PDF，打印装订用）": combined}
    details = {
        "申报书页数": form_result.front_pages,
        "申报材料": (f"共 {_page_total(result)} 页：申报书 {result.front_pages} 页、目录 {result.toc_pages} 页、"
                 f"证明材料 {result.evidence_pages} 页"
                 + (f"、空白页 {result.blank_pages} 页" if result.blank_pages else "")),
    }
    missing = [t for t in titles if t not in starts]
    if missing:
        details["提示"] = "以下部分未在申报书 PDF 中找到，未加书签：" + "、".join(missing)
    return staged, details


def _page_total(result: Any) -> int:
    return int(result.front_pages + result.toc_pages + result.evidence_pages + result.blank_pages)
