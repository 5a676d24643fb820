"""Hostile and oversized workbooks (issue 9): refused with a message naming the file and cell, in bounded memory.

Every hostile workbook is built here, from a filled starter workbook, by
rewriting one part of its zip as a stream (nothing large is committed or held
in memory).  Memory is the peak RSS of a child process that reads the workbook.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

from skilldoc import form, limits
from skilldoc.errors import InputError
from skilldoc.workbook import SHEETS, load_application, write_workbook

RESOURCES = Path(__file__).resolve().parent / "resources"
_spec = importlib.util.spec_from_file_location("make_workbook_resources", RESOURCES / "make_workbook_resources.py")
assert _spec and _spec.loader
res = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(res)

WB = form.LAYOUT.workbook
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# parts of the starter workbook, in the order write_workbook creates the sheets
PART = {key: f"xl/worksheets/sheet{i}.xml" for i, key in enumerate(
    ("instructions", "header", "years", "occupations", "experts", "evidence"), start=1)}
MEMORY_BOUND_MIB = 400  # what a hostile workbook may cost the reader, interpreter and openpyxl included


# --- building hostile workbooks ---------------------------------------------------------------


def filled_workbook(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / WB
    write_workbook(path, res.YEAR)
    res.fill(path)
    return path


def rewrite(path: Path, member: str, chunks: Callable[[bytes], Iterable[bytes]]) -> None:
    """Replace ``member`` by what ``chunks(old_body)`` yields, written as a stream."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != member:
                dst.writestr(info, src.read(info))
                continue
            target = zipfile.ZipInfo(member, date_time=info.date_time)
            target.compress_type = zipfile.ZIP_DEFLATED
            with dst.open(target, "w", force_zip64=True) as out:
                for chunk in chunks(src.read(info)):
                    out.write(chunk)
    os.replace(tmp, path)


def rows_xml(first: int, count: int, cells: Callable[[int], str]) -> Iterator[bytes]:
    batch: list[str] = []
    for r in range(first, first + count):
        batch.append(f'<row r="{r}">{cells(r)}</row>')
        if len(batch) == 5000:
            yield "".join(batch).encode()
            batch = []
    yield "".join(batch).encode()


def appended_rows(old: bytes, first: int, count: int, cells: Callable[[int], str]) -> Iterator[bytes]:
    """The sheet with ``count`` rows appended after its last row."""
    head, tail = old.split(b"</sheetData>", 1)
    yield head
    yield from rows_xml(first, count, cells)
    yield b"</sheetData>" + tail


def text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def evidence_row(r: int) -> str:
    return (text_cell(f"A{r}", f"X{r}") + text_cell(f"B{r}", "材料") + text_cell(f"C{r}", "证明材料/证书.pdf")
            + text_cell(f"D{r}", "3.师资队伍"))


def huge_unused_sheet(path: Path, rows: int = 300_000) -> None:
    """填写说明, a sheet the form never reads, inflated to ``rows`` × 10 numbers."""
    def sheet(_old: bytes) -> Iterator[bytes]:
        yield f'<worksheet xmlns="{NS}"><sheetData>'.encode()
        yield from rows_xml(1, rows, lambda r: "".join(f"<c r=\"{c}{r}\"><v>{r}</v></c>" for c in "ABCDEFGHIJ"))
        yield b"</sheetData></worksheet>"
    rewrite(path, PART["instructions"], sheet)


def many_evidence_rows(path: Path, rows: int) -> None:
    rewrite(path, PART["evidence"], lambda old: appended_rows(old, 62, rows, evidence_row))


def far_away_cell(path: Path, row: int = 1_000_000) -> None:
    """One value a million rows down the evidence sheet (a stray keystroke after Ctrl+↓)."""
    rewrite(path, PART["evidence"], lambda old: appended_rows(old, row, 1, lambda r: text_cell(f"A{r}", "x")))


def zip_bomb_sheet(path: Path, mib: int = 600) -> None:
    """The evidence sheet padded with ``mib`` MiB of spaces: a few hundred KB on disk."""
    def sheet(old: bytes) -> Iterator[bytes]:
        head, tail = old.split(b"<sheetData>", 1)
        yield head
        pad = b" " * limits.MiB
        for _ in range(mib):
            yield pad
        yield b"<sheetData>" + tail
    rewrite(path, PART["evidence"], sheet)


def long_cell(path: Path, chars: int = 40_000) -> str:
    """单位名称 holding ``chars`` characters (more than Excel lets one type); returns its coordinate."""
    coord = res.header_cell("org_name")

    def sheet(old: bytes) -> Iterator[bytes]:
        cell = re.compile(rf'<c r="{coord}"[^>]*?(?:/>|>.*?</c>)'.encode(), re.DOTALL)
        assert cell.search(old)
        yield cell.sub(text_cell(coord, "示" * chars).encode(), old, count=1)
    rewrite(path, PART["header"], sheet)
    return coord


# --- reading them in a child process ---------------------------------------------------------------

_CHILD = """
import json, sys
from pathlib import Path
from skilldoc.errors import InputError
from skilldoc.workbook import read_application
path = Path(sys.argv[1])
try:
    app, problems = read_application(path, path.parent)
    out = {"problems": [[p.severity.value, str(p.location), p.message, p.code] for p in problems],
           "evidence": len(app.evidence)}
except InputError as exc:
    out = {"raised": [[p.severity.value, str(p.location), p.message, p.code] for p in exc.problems]}
print(json.dumps(out, ensure_ascii=False))
"""


def read_in_child(path: Path, timeout: float = 120, cpu_seconds: float = 10) -> tuple[dict, float]:
    """(what read_application returned or raised, peak RSS of the child in MiB).

    ru_maxrss of RUSAGE_CHILDREN is the largest of all children so far, so the
    child is started from a fresh grandparent-free wrapper: a tiny interpreter
    that runs it and reports its own children's peak.  CPU time (not wall time,
    which other processes on the machine inflate) must stay under ``cpu_seconds``.
    """
    wrapper = ("import json, resource, subprocess, sys\n"
               "p = subprocess.run([sys.executable, '-c', sys.argv[1], sys.argv[2]], capture_output=True, text=True)\n"
               "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
               "print(json.dumps([p.returncode, p.stdout, p.stderr, u.ru_maxrss, u.ru_utime + u.ru_stime]))\n")
    proc = subprocess.run([sys.executable, "-c", wrapper, _CHILD, str(path)], capture_output=True, text=True,
                          timeout=timeout, check=True)
    code, out, err, peak_kib, cpu = json.loads(proc.stdout)
    assert code == 0, err
    assert cpu < cpu_seconds, f"{cpu:.1f} s of CPU"
    return json.loads(out), peak_kib / 1024


def messages(result: dict) -> list[str]:
    return [f"{loc}：{msg}" for _, loc, msg, _ in result.get("raised", result.get("problems", []))]


# --- the tests ---------------------------------------------------------------------------------------


def test_a_huge_sheet_the_form_never_reads_is_not_read(tmp_path: Path):
    path = filled_workbook(tmp_path / "a")
    huge_unused_sheet(path, rows=100_000)  # a million cells
    assert path.stat().st_size < 8 * limits.MiB
    result, peak = read_in_child(path)
    assert "raised" not in result, messages(result)
    assert result["evidence"] == len(res.SAMPLE_EVIDENCE)
    assert peak < MEMORY_BOUND_MIB


def compact_million_rows(path: Path) -> None:
    """A million rows as short as SpreadsheetML allows (no references): under the part-size limit."""
    chunk = b"<row><c><v>1</v></c></row>" * 10_000

    def sheet(old: bytes) -> Iterator[bytes]:
        head, tail = old.split(b"</sheetData>", 1)
        yield head
        yield from [chunk] * 100
        yield b"</sheetData>" + tail
    rewrite(path, PART["evidence"], sheet)
    assert zipfile.ZipFile(path).getinfo(PART["evidence"]).file_size < limits.MAX_WORKBOOK_PART_BYTES


FIRST_ROW_PAST_LIMIT = f"{SHEETS['evidence']}!A{limits.MAX_EVIDENCE_ROWS + 11}："
REFUSED = {
    # name: (make it, code, text in the first message, peak MiB)
    "more evidence rows than any application has": (
        lambda p: many_evidence_rows(p, limits.MAX_EVIDENCE_ROWS + 100), "workbook.too_many_rows",
        f"{FIRST_ROW_PAST_LIMIT}工作表“{SHEETS['evidence']}”第 {limits.MAX_EVIDENCE_ROWS + 11:,} 行还有内容，"
        f"超过了该表 {limits.MAX_EVIDENCE_ROWS:,} 行的上限", MEMORY_BOUND_MIB),
    # the row scan stops at the first row past the limit
    "a million rows": (compact_million_rows, "workbook.too_many_rows", FIRST_ROW_PAST_LIMIT, MEMORY_BOUND_MIB),
    "one value a million rows down": (far_away_cell, "workbook.too_many_rows",
                                      f"{SHEETS['evidence']}!A1000000：", MEMORY_BOUND_MIB),
    # refused from the sizes in the zip directory: nothing inflated
    "a sheet too large to read": (lambda p: many_evidence_rows(p, 200_000), "workbook.too_large",
                                  f"工作表“{SHEETS['evidence']}”解压后有", 100),
    "a zip bomb: 100 MB of XML in 100 KB": (lambda p: zip_bomb_sheet(p, mib=100), "workbook.too_large",
                                            f"工作表“{SHEETS['evidence']}”解压后有 100 MB", 100),
}


@pytest.mark.parametrize("case", REFUSED)
def test_an_absurd_workbook_is_refused_naming_where_in_bounded_memory(tmp_path: Path, case: str):
    make, code, text, bound = REFUSED[case]
    path = filled_workbook(tmp_path / "a")
    make(path)
    assert path.stat().st_size < 8 * limits.MiB
    result, peak = read_in_child(path)
    assert [c for *_, c in result["raised"]] == [code], messages(result)
    assert text in messages(result)[0]
    assert peak < bound


def test_huge_shared_strings_are_refused_before_they_are_read(tmp_path: Path):
    path = filled_workbook(tmp_path / "a")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z, z.open("xl/sharedStrings.xml", "w") as out:
        out.write(f'<sst xmlns="{NS}">'.encode())
        for _ in range(limits.MAX_WORKBOOK_PART_BYTES // limits.MiB + 1):
            out.write(b"<si><t>" + b"x" * (limits.MiB - 16) + b"</t></si>")
        out.write(b"</sst>")
    with pytest.raises(InputError) as info:
        load_application(path, path.parent)
    [problem] = info.value.problems
    assert problem.code == "workbook.too_large" and "共享字符串表" in problem.message


def test_a_40000_character_cell_is_named(tmp_path: Path):
    path = filled_workbook(tmp_path / "a")
    coord = long_cell(path)
    with pytest.raises(InputError) as info:
        load_application(path, path.parent)
    [problem] = info.value.problems
    assert problem.code == "cell.too_long"
    assert (problem.location.sheet, problem.location.cell) == (SHEETS["header"], coord)
    assert "40,000" in problem.message and "字数" not in problem.message


# --- files that are not .xlsx ------------------------------------------------------------------------


def _ods(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
        z.writestr("META-INF/manifest.xml", "<manifest/>")


def _compound(path: Path, encrypted: bool) -> None:
    body = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    body += ("EncryptionInfo" if encrypted else "Workbook").encode("utf-16-le") + bytes(1024)
    path.write_bytes(body)


@pytest.mark.parametrize("make, code, words", [
    (_ods, "workbook.unreadable", [".ods", "另存为", "Excel 2007-365"]),
    (lambda p: _compound(p, False), "workbook.unreadable", [".xls", "另存为", "Excel 工作簿（*.xlsx）"]),
    (lambda p: _compound(p, True), "workbook.encrypted", ["打开密码", "清空密码"]),
    (lambda p: p.write_text("编号,名称\nE01,营业执照\n", encoding="utf-8"), "workbook.format", ["CSV", "另存为"]),
])
def test_a_broken_workbook_of_another_format_says_how_to_save_it(tmp_path: Path, make, code, words):
    path = tmp_path / WB
    make(path)
    with pytest.raises(InputError) as info:
        load_application(path, tmp_path)
    [problem] = info.value.problems
    assert problem.code == code and str(problem.location) == WB
    text = problem.message + problem.hint
    assert all(w in text for w in words), text
    assert "KeyError" not in text
    assert "init" not in problem.hint.replace("不需要重新运行 skilldoc init", "")  # no loop back to init


@pytest.fixture(scope="module")
def saved_by_libreoffice(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> dict[str, Path]:
    """The filled workbook saved by LibreOffice as .ods and as .xls (real files, as clerks make them)."""
    folder = tmp_path_factory.mktemp("saved")
    src = filled_workbook(folder / "src")
    out = {}
    for fmt in ("ods", "xls"):
        subprocess.run([soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                        "--convert-to", fmt, "--outdir", str(folder), str(src)], check=True, capture_output=True,
                       timeout=180)
        out[fmt] = folder / f"{src.stem}.{fmt}"
    return out


@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_ods_and_xls_workbooks_are_read_like_xlsx(tmp_path: Path, saved_by_libreoffice: dict[str, Path], fmt: str):
    from skilldoc.project import locate

    reference, _ = load_application(filled_workbook(tmp_path / "xlsx"), tmp_path / "xlsx")
    renamed = tmp_path / "renamed"  # saved as .ods/.xls but named 申报数据.xlsx
    renamed.mkdir()
    (renamed / WB).write_bytes(saved_by_libreoffice[fmt].read_bytes())
    named = tmp_path / "named"  # 申报数据.ods / 申报数据.xls beside the sections
    named.mkdir()
    (named / f"申报数据.{fmt}").write_bytes(saved_by_libreoffice[fmt].read_bytes())
    for folder in (renamed, named):
        project = locate(folder)
        app, warnings = load_application(project.workbook, project.root)
        assert (app.header, app.years, app.occupations, app.experts) == (
            reference.header, reference.years, reference.occupations, reference.experts)
        assert [e.code for e in app.evidence] == [e.code for e in reference.evidence]
        assert [w.code for w in warnings] == ["workbook.other_format"]


def test_an_ods_repeat_bomb_is_refused_before_it_is_expanded(tmp_path: Path, saved_by_libreoffice: dict[str, Path]):
    # ODF writes repeated cells once: a few bytes stand for 1,000,000 × 100 values
    path = tmp_path / WB
    path.write_bytes(saved_by_libreoffice["ods"].read_bytes())
    bomb = ('<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated='
            '"100" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>')
    rewrite(path, "content.xml", lambda old: iter([old.replace(b"</table:table>", bomb.encode() + b"</table:table>")]))
    result, peak = read_in_child(path)
    assert {c for *_, c in result["raised"]} == {"workbook.too_many_rows"}, messages(result)
    assert any(f"{SHEETS['evidence']}!" in m for m in messages(result))
    assert peak < MEMORY_BOUND_MIB


@pytest.mark.parametrize("name", ["我的申报.ods", "申报数据(1).xls", "申报数据.et"])
def test_a_spreadsheet_saved_in_another_format_is_named(tmp_path: Path, name: str):
    from skilldoc.project import locate

    (tmp_path / name).write_bytes(b"x")
    with pytest.raises(InputError) as info:
        locate(tmp_path)
    [problem] = info.value.problems
    assert name in problem.hint and "另存为" in problem.hint and "init" not in problem.hint


def test_a_fifo_named_like_the_workbook_does_not_block(tmp_path: Path):
    path = tmp_path / WB
    os.mkfifo(path)
    with pytest.raises(InputError) as info:
        load_application(path, tmp_path)
    assert "命名管道" in info.value.problems[0].message


def test_extra_sheets_and_a_chart_sheet_do_not_stop_reading(tmp_path: Path):
    # the sheets the form does not use are replaced by stubs before openpyxl sees them
    from openpyxl import load_workbook
    from openpyxl.chart import BarChart, Reference

    path = filled_workbook(tmp_path / "a")
    wb = load_workbook(path)
    wb.create_sheet("草稿")["A1"] = "不用的草稿"
    chart = BarChart()
    chart.add_data(Reference(wb[SHEETS["years"]], min_col=2, min_row=1, max_row=4), titles_from_data=True)
    wb.create_chartsheet("图表").add_chart(chart)
    wb.save(path)
    app, warnings = load_application(path, path.parent)
    assert len(app.years) == 3 and len(app.evidence) == len(res.SAMPLE_EVIDENCE) and warnings == []


def test_merged_ranges_covering_the_sheet_many_times_are_refused(tmp_path: Path):
    path = filled_workbook(tmp_path / "a")
    merges = "".join('<mergeCell ref="A1:GR5000"/>' for _ in range(50))
    rewrite(path, PART["evidence"], lambda old: iter([old.replace(
        b"</sheetData>", b'<row r="5000"><c r="GR5000"><v>1</v></c></row></sheetData>'
        + f'<mergeCells count="50">{merges}</mergeCells>'.encode())]))
    result, peak = read_in_child(path)
    assert [c for *_, c in result["raised"]] == ["workbook.too_large"], messages(result)
    assert "合并的单元格" in messages(result)[0]
