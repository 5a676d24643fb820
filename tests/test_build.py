"""End to end: build the bundled sample and read every output back."""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from readback import section_text

from skilldoc import api
from skilldoc.cli import cli
from skilldoc.errors import InputError
from skilldoc.form import FORM_NAME, SECTIONS

REF = re.compile(r"第(\d+)(?:—(\d+))?页")


def tree_hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "output" not in p.relative_to(root).parts
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, api.BuildResult, dict[str, str]]:
    import shutil

    from tests.conftest import SAMPLE

    root = tmp_path_factory.mktemp("build") / "demo"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("output"))
    before = tree_hashes(root)
    result = api.build(root)
    return root, result, before


def test_build_writes_docx_and_evidence(built: tuple[Path, api.BuildResult, dict[str, str]]) -> None:
    root, result, _ = built
    out = root / "output"
    assert (out / "申报书.docx").is_file()
    assert (out / "证明材料.pdf").is_file()
    assert not list(out.glob(".skilldoc-*")), "work folder left behind"
    assert not result.report.has_errors


def test_inputs_are_never_modified(built: tuple[Path, api.BuildResult, dict[str, str]]) -> None:
    root, _, before = built
    assert tree_hashes(root) == before


def stamped_number(page_text: str) -> int:
    found = re.findall(r"第\s*(\d+)\s*页", page_text)
    assert found, f"no stamp on page: {page_text[-80:]!r}"
    return int(found[-1])


def test_page_references_match_the_stamps(built: tuple[Path, api.BuildResult, dict[str, str]]) -> None:
    """Every 证明材料页码 cited in the DOCX points at pages that carry exactly those stamps."""
    root, _, _ = built
    texts = section_text(root / "output" / "申报书.docx")
    reader = PdfReader(root / "output" / "证明材料.pdf")
    # The 目录 pages are unnumbered: map stamp number → physical page by reading the stamps.
    by_stamp: dict[int, int] = {}
    for index, page in enumerate(reader.pages):
        found = re.findall(r"第\s*(\d+)\s*页", page.extract_text() or "")
        if found:
            by_stamp[int(found[-1])] = index
    assert by_stamp, "no stamped pages found"
    assert sorted(by_stamp) == list(range(1, len(by_stamp) + 1)), "stamps are not continuous from 1"
    refs = 0
    for section in SECTIONS:
        body = texts[section.title]
        for first, last in REF.findall(body):
            a, b = int(first), int(last or first)
            assert a <= b
            for n in range(a, b + 1):
                assert n in by_stamp, f"{section.title} cites page {n}, which has no stamp"
            refs += 1
    assert refs >= len(SECTIONS), "every section of the sample cites evidence"


def test_bookmarks_one_per_item_under_its_section(built: tuple[Path, api.BuildResult, dict[str, str]]) -> None:
    root, result, _ = built
    reader = PdfReader(root / "output" / "证明材料.pdf")
    outline = reader.outline
    titles: list[str] = []

    def walk(items: list) -> None:  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(outline)
    from skilldoc.workbook import load_application

    app, _ = load_application(root / "申报数据.xlsx", root)
    for item in app.evidence:
        assert any(item.title in t for t in titles), f"no bookmark for {item.code} {item.title}"


def test_failed_build_leaves_previous_outputs(built: tuple[Path, api.BuildResult, dict[str, str]],
                                              tmp_path: Path) -> None:
    import shutil

    root, _, _ = built
    work = tmp_path / "copy"
    shutil.copytree(root, work)
    outputs = {p.name: p.read_bytes() for p in (work / "output").iterdir() if p.is_file()}
    section = work / "sections" / SECTIONS[2].filename
    section.write_text(section.read_text(encoding="utf-8") + "\n{{ 不存在的变量 }}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(work)])
    assert result.exit_code == InputError.exit_code, result.output
    assert SECTIONS[2].filename in result.output and "不存在的变量" in result.output
    assert "Traceback" not in result.output
    after = {p.name: p.read_bytes() for p in (work / "output").iterdir() if p.is_file()}
    assert after == outputs
    assert not list((work / "output").glob(".skilldoc-*"))


def test_rebuild_is_deterministic(built: tuple[Path, api.BuildResult, dict[str, str]], tmp_path: Path) -> None:
    root, _, _ = built
    first = root / "output"
    second = tmp_path / "again"
    api.build(root, out_dir=second)
    with zipfile.ZipFile(first / "申报书.docx") as a, zipfile.ZipFile(second / "申报书.docx") as b:
        assert a.read("word/document.xml") == b.read("word/document.xml")
    assert (first / "申报书.docx").read_bytes() == (second / "申报书.docx").read_bytes()
    assert (first / "证明材料.pdf").read_bytes() == (second / "证明材料.pdf").read_bytes()


def test_cli_check_on_sample_passes(built: tuple[Path, api.BuildResult, dict[str, str]]) -> None:
    root, _, _ = built
    result = CliRunner().invoke(cli, ["check", str(root)])
    assert result.exit_code == 0, result.output
    assert "遴选参考标准" in result.output


@pytest.mark.slow
def test_print_ready_pdfs(built: tuple[Path, api.BuildResult, dict[str, str]], tmp_path: Path,
                          soffice: str) -> None:
    root, _, _ = built
    out = tmp_path / "print"
    steps: list[str] = []

    class Recorder:  # the progress protocol the workbench shows as its list of steps
        def __call__(self, total: int, label: str) -> Recorder:
            steps.append(label)
            return self

        def __enter__(self) -> Recorder:
            return self

        def __exit__(self, *exc: object) -> None:
            pass

        def update(self, n: int) -> None:
            pass

    result = api.build(root, out_dir=out, pdf=True, progress=Recorder())
    # each step says what it makes: the two merges are not both 正在合并证明材料, and the slow
    # LibreOffice conversion is a step of its own
    assert len(steps) == len(set(steps)) == 3, steps
    assert any("申报材料.pdf" in s for s in steps) and any("转换" in s for s in steps)
    form_pdf, combined = out / "申报书.pdf", out / "申报材料.pdf"
    form_pages = len(PdfReader(form_pdf).pages)
    evidence = PdfReader(out / "证明材料.pdf")
    reader = PdfReader(combined)
    assert len(reader.pages) == form_pages + len(evidence.pages)
    assert f"申报书 {form_pages} 页" in result.summary()

    # Bookmarks: the form with its eight sections, each pointing at the page that shows its title.
    top = reader.outline
    assert top[0].title == FORM_NAME and reader.get_destination_page_number(top[0]) == 0
    children = top[1]
    assert [c.title for c in children] == [s.title for s in SECTIONS]
    for child in children:
        page = reader.get_destination_page_number(child)
        assert child.title in "".join((reader.pages[page].extract_text() or "").split())

    # Page labels: cover and 填写要求 unnumbered, the form from 1, then 目录-n, then the stamp numbers.
    labels = reader.page_labels
    assert labels[:2] == ["封面", "填写要求"]
    assert labels[2:form_pages] == [str(n) for n in range(1, form_pages - 1)]
    toc = [i for i, label in enumerate(labels) if label.startswith("目录-")]
    assert toc and toc[0] == form_pages
    first_evidence = toc[-1] + 1
    for index in range(first_evidence, len(labels)):
        stamp = stamped_number(reader.pages[index].extract_text() or "")
        assert labels[index] == str(stamp)


@pytest.mark.slow
def test_duplex_parts_start_on_odd_pages(built: tuple[Path, api.BuildResult, dict[str, str]], tmp_path: Path,
                                         soffice: str) -> None:
    root, _, _ = built
    out = tmp_path / "duplex"
    result = api.build(root, out_dir=out, pdf=True, duplex=True)
    reader = PdfReader(out / "申报材料.pdf")
    labels = reader.page_labels
    toc = labels.index("目录-1")
    first_evidence = labels.index("1", toc)
    # 0-based even index = 1-based odd (right-hand) page
    assert toc % 2 == 0 and first_evidence % 2 == 0, (toc, first_evidence)
    # Blank pages inserted for duplex carry no stamp and no text, and the summary counts them.
    blanks = [i for i, label in enumerate(labels) if label == "空白页"]
    for i in blanks:
        assert not (reader.pages[i].extract_text() or "").strip()
    if blanks:
        assert f"空白页 {len(blanks)} 页" in result.summary()
    else:
        assert "空白页" not in result.summary()
    # The page references still match the stamps after blank pages were inserted.
    texts = section_text(out / "申报书.docx")
    by_stamp = {stamped_number(reader.pages[i].extract_text() or ""): i
                for i in range(first_evidence, len(labels)) if labels[i].isdigit()}
    for section in SECTIONS:
        for first, last in REF.findall(texts[section.title]):
            for n in range(int(first), int(last or first) + 1):
                assert n in by_stamp


def test_duplex_odd_items_and_custom_stamp(built: tuple[Path, api.BuildResult, dict[str, str]],
                                           tmp_path: Path) -> None:
    """--duplex --odd-items: every item starts on a right-hand page; --stamp/--start reach the stamps and the text."""
    root, _, _ = built
    out = tmp_path / "odd"
    result = CliRunner().invoke(cli, ["build", str(root), "-o", str(out), "--duplex", "--odd-items",
                                      "--stamp", "— {n} —", "--start", "5"])
    assert result.exit_code == 0, result.output
    reader = PdfReader(out / "证明材料.pdf")
    starts = []

    def walk(items: list, depth: int = 0) -> None:  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            elif depth == 1:
                starts.append(reader.get_destination_page_number(item))

    walk(reader.outline)
    assert len(starts) >= 20
    assert all(index % 2 == 0 for index in starts), starts  # 0-based even = right-hand page
    first = reader.pages[starts[0]].extract_text() or ""
    assert first.rstrip().endswith("— 5 —")
    texts = section_text(out / "申报书.docx")
    assert "第5页" in "".join(texts.values())


def test_check_needs_no_cjk_font(sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """check writes no PDF, so a missing font (needed only for the 目录 and stamps) must not stop it."""
    monkeypatch.setenv("SKILLDOC_FONT", str(sample_dir / "no-such-font.ttf"))
    result = CliRunner().invoke(cli, ["check", str(sample_dir)])
    assert result.exit_code == 0, result.output
    built = CliRunner().invoke(cli, ["build", str(sample_dir)])
    assert built.exit_code == 6 and "SKILLDOC_FONT" in built.output
