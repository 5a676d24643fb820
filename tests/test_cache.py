"""Caches are only optimisations: work is reused while its inputs are unchanged, and no output ever
depends on whether a cache was there (cold, warm, damaged or deleted)."""

from __future__ import annotations

import json
import os
import shutil
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from skilldoc import api, office, pipeline, render
from skilldoc.cache import CACHE_ENV, DiskCache, Memo, cache_root, clear_memos, file_key, hash_file
from skilldoc.evidence import sources
from skilldoc.evidence.sources import prepare_inputs
from skilldoc.form import LAYOUT
from skilldoc.model import EvidenceItem, Header

# --- the on-disk cache ---------------------------------------------------------------


def _entry(cache: DiskCache, key: str) -> tuple[Path, Path]:
    return cache._paths(key)


def test_disk_cache_round_trip(tmp_path: Path) -> None:
    cache = DiskCache("t", suffix=".pdf", root=tmp_path / "cache")
    src = tmp_path / "a.pdf"
    src.write_bytes(b"%PDF-1.4 " + bytes(range(256)) * 4)
    key = hash_file(src)
    assert cache.get(key) is None
    cache.put_file(key, src, {"pages": 3})
    found = cache.get(key)
    assert found is not None and found[1] == {"pages": 3} and found[0].read_bytes() == src.read_bytes()
    target = tmp_path / "work" / "copy.pdf"
    assert cache.copy_out(key, target) == {"pages": 3}
    assert target.read_bytes() == src.read_bytes()
    assert not list(target.parent.glob(".*"))  # no partial file left behind
    cache.put_bytes("ab" * 20, b"\x00\x01", {"x": "中文"})
    assert cache.get_bytes("ab" * 20) == (b"\x00\x01", {"x": "中文"})


@pytest.mark.parametrize("damage", ["truncated", "altered", "sidecar", "sidecar-shape", "payload-gone"])
def test_a_damaged_entry_is_ignored(tmp_path: Path, damage: str) -> None:
    cache = DiskCache("t", suffix=".pdf", root=tmp_path / "cache")
    src = tmp_path / "a.pdf"
    src.write_bytes(b"A" * 1000)
    key = hash_file(src)
    cache.put_file(key, src, {"pages": 1})
    payload, sidecar = _entry(cache, key)
    if damage == "truncated":
        payload.write_bytes(b"A" * 999)
    elif damage == "altered":  # same size, different bytes
        payload.write_bytes(b"B" * 1000)
    elif damage == "sidecar":
        sidecar.write_text("{not json", "utf-8")
    elif damage == "sidecar-shape":
        sidecar.write_text(json.dumps({"size": "1000", "sha256": 5, "meta": []}), "utf-8")
    else:
        payload.unlink()
    assert cache.get(key) is None
    assert cache.get_bytes(key) is None
    assert cache.copy_out(key, tmp_path / "out.pdf") is None and not (tmp_path / "out.pdf").exists()
    cache.put_file(key, src, {"pages": 1})  # written again, it is used again
    assert cache.copy_out(key, tmp_path / "out.pdf") == {"pages": 1}


def test_keys_are_hex_digests_only(tmp_path: Path) -> None:
    cache = DiskCache("t", root=tmp_path / "cache")
    for bad in ("../../etc/passwd", "", "ABC", "a/b"):
        assert cache.get(bad) is None
        cache.put_bytes(bad, b"x", {})  # refused quietly: a cache is never a reason to fail
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").rglob("*.json"))
    assert not (tmp_path / "etc").exists()


def test_least_recently_used_entries_are_evicted_past_the_bound(tmp_path: Path) -> None:
    cache = DiskCache("t", root=tmp_path / "cache", max_bytes=2600)
    keys = ["a1" * 20, "b2" * 20, "c3" * 20]
    cache.put_bytes(keys[0], b"0" * 1000, {})
    cache.put_bytes(keys[1], b"1" * 1000, {})
    os.utime(_entry(cache, keys[0])[1], ns=(1_000_000_000, 1_000_000_000))  # the older one…
    os.utime(_entry(cache, keys[1])[1], ns=(2_000_000_000, 2_000_000_000))
    assert cache.get_bytes(keys[0]) is not None  # …used again: now the most recent
    cache.put_bytes(keys[2], b"2" * 1000, {})  # past 2,600 bytes: the least recently used goes
    assert cache.get_bytes(keys[1]) is None
    assert cache.get_bytes(keys[0]) is not None and cache.get_bytes(keys[2]) is not None
    assert not _entry(cache, keys[1])[0].exists()


def test_an_unusable_cache_folder_is_no_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    cache = DiskCache("t", root=blocker)
    cache.put_bytes("ab" * 20, b"data", {})
    assert cache.get_bytes("ab" * 20) is None


def test_cache_root(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "mine"))
    assert cache_root() == tmp_path / "mine"
    monkeypatch.delenv(CACHE_ENV)
    if sys.platform.startswith("linux"):
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
        assert cache_root() == tmp_path / "xdg" / "skilldoc"
        monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")  # the XDG spec: only absolute paths
        assert cache_root() == Path.home() / ".cache" / "skilldoc"
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "AppData" / "Local"))
    assert cache_root() == tmp_path / "AppData" / "Local" / "skilldoc" / "Cache"


def test_tests_never_use_the_users_cache() -> None:
    root = cache_root()
    assert os.environ[CACHE_ENV] == str(root)
    assert Path.home() / ".cache" not in root.parents


# --- in-process reuse ------------------------------------------------------------------


def test_file_key_sees_an_edit_that_keeps_size_and_modification_time(tmp_path: Path) -> None:
    path = tmp_path / "申报数据.xlsx"
    path.write_bytes(b"one content")
    before = os.stat(path)
    key = file_key(path)
    assert file_key(path) == key
    with open(path, "r+b") as fh:  # same file (inode), same size…
        fh.write(b"two")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # …and the old modification time
    assert os.stat(path).st_size == before.st_size and os.stat(path).st_mtime_ns == before.st_mtime_ns
    assert file_key(path) != key


def test_memo_is_a_bounded_lru() -> None:
    memo: Memo[int] = Memo("test", maxsize=2)
    made: list[str] = []

    def make(key: str) -> int:
        made.append(key)
        return len(made)

    assert memo.get_or_make("a", lambda: make("a")) == 1
    assert memo.get_or_make("b", lambda: make("b")) == 2
    assert memo.get_or_make("a", lambda: make("a")) == 1  # reused, and now the most recent
    memo.get_or_make("c", lambda: make("c"))  # "b" goes
    assert len(memo) == 2 and memo.get("b") is None and memo.get("a") == 1
    assert made == ["a", "b", "c"]
    clear_memos()
    assert len(memo) == 0


def _set_org_name(workbook: Path, name: str) -> None:
    wb = openpyxl.load_workbook(workbook)
    ws = wb["基本信息"]
    cell = next(row[2] for row in ws.iter_rows(min_row=2) if row[1].value == "申报单位名称")
    cell.value = name
    wb.save(workbook)


def test_checking_again_reuses_the_workbook_and_pdfs_and_sees_every_change(sample_dir: Path) -> None:
    first = api.check(sample_dir)
    workbooks, pdfs = pipeline._WORKBOOK_MEMO, sources._PDF_MEMO
    assert (workbooks.hits, workbooks.misses) == (0, 1)
    pdf_misses = pdfs.misses
    assert pdf_misses > 10 and pdfs.hits == 0
    second = api.check(sample_dir)
    assert workbooks.hits == 1 and pdfs.hits == pdf_misses and pdfs.misses == pdf_misses
    assert second == first

    assert render._COMPILED._memo.hits == 8  # the eight sections' templates compiled once

    # a section edited on disk: its new text is rendered and counted
    section = sorted((sample_dir / "sections").glob("1-*.md"))[0]
    section.write_text(section.read_text("utf-8") + "\n新增一段十个字的内容。\n", "utf-8")
    third = api.check(sample_dir)
    assert third.sections[0].counts.han == first.sections[0].counts.han + 10
    assert [s.counts for s in third.sections[1:]] == [s.counts for s in first.sections[1:]]

    workbook = sample_dir / LAYOUT.workbook
    _set_org_name(workbook, "改过名字的技工学校")
    assert pipeline.load(sample_dir).app.header["org_name"] == "改过名字的技工学校"
    assert workbooks.misses == 2

    # an evidence PDF replaced by another one: its new page count is seen
    e04 = next(sample_dir.glob(f"{LAYOUT.evidence_dir}/E04-*.pdf"))
    e05 = next(sample_dir.glob(f"{LAYOUT.evidence_dir}/E05-*.pdf"))
    pages_e05 = len(PdfReader(e05).pages)
    items = [EvidenceItem("E04", "材料", "3.师资队伍", (e04,), password=None, row=5)]
    (before,), _ = prepare_inputs(items, sample_dir / "work1")
    shutil.copyfile(e05, e04)
    (after,), _ = prepare_inputs(items, sample_dir / "work2")
    assert (before.pages, after.pages) == (2, pages_e05) and pages_e05 == 3


# --- converted Office files across runs (LibreOffice) ----------------------------------


def _docx(path: Path, text: str) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    document.save(str(path))
    return path


@pytest.mark.slow
def test_a_converted_office_file_is_reused_by_the_next_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           soffice: str) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    calls: list[int] = []
    real = office.convert_many

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(len(args[0]))
        return real(*args, **kwargs)

    monkeypatch.setattr(office, "convert_many", counting)
    root = tmp_path / "申报"
    (root / LAYOUT.evidence_dir).mkdir(parents=True)
    doc = _docx(root / LAYOUT.evidence_dir / "会议纪要.docx", "校企合作联席会议纪要")
    items = [EvidenceItem("E26", "会议纪要", "3.师资队伍", (doc,), password=None, row=5)]

    def run(n: int) -> tuple[int, str]:
        (bi,), _ = prepare_inputs(items, tmp_path / f"work{n}")
        pdf = bi.files[0].pdf
        assert (tmp_path / f"work{n}") in pdf.parents  # always a private copy in the run's work folder
        return bi.pages, "".join(PdfReader(pdf).pages[0].extract_text().split())

    first = run(1)
    assert calls == [1] and "校企合作联席会议纪要" in first[1]
    assert run(2) == first and calls == [1]  # a second run: no LibreOffice

    # a damaged entry is converted again (and replaced)
    (entry,) = (tmp_path / "cache" / "office").rglob("*.pdf")
    entry.write_bytes(entry.read_bytes()[:-200])
    assert run(3) == first and calls == [1, 1]
    assert run(4) == first and calls == [1, 1]

    # another LibreOffice or converter is another entry
    monkeypatch.setattr(office, "CONVERTER_VERSION", "test-other")
    assert run(5) == first and calls == [1, 1, 1]

    # a changed document is converted again
    _docx(doc, "第二次会议纪要")
    assert "第二次会议纪要" in run(6)[1] and calls == [1, 1, 1, 1]


@pytest.mark.slow
def test_without_libreoffice_an_old_conversion_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          soffice: str) -> None:
    """The outcome never depends on the cache: no LibreOffice is reported whether or not a conversion is cached."""
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    root = tmp_path / "申报"
    (root / LAYOUT.evidence_dir).mkdir(parents=True)
    doc = _docx(root / LAYOUT.evidence_dir / "纪要.docx", "纪要")
    items = [EvidenceItem("E01", "纪要", "3.师资队伍", (doc,), password=None, row=5)]
    prepare_inputs(items, tmp_path / "work1")
    monkeypatch.setattr(office, "find_soffice", lambda: None)
    from skilldoc.errors import ToolMissing

    with pytest.raises(ToolMissing):
        prepare_inputs(items, tmp_path / "work2")


@pytest.mark.slow
def test_build_is_byte_identical_with_a_cold_a_warm_and_a_deleted_cache(sample_dir: Path, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch,
                                                                        soffice: str) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(cache))
    api.build(sample_dir, out_dir=tmp_path / "cold")
    assert list((cache / "office").rglob("*.pdf"))  # the sample's .docx evidence was kept
    clear_memos()
    warm = api.build(sample_dir, out_dir=tmp_path / "warm")
    shutil.rmtree(cache)
    clear_memos()
    api.build(sample_dir, out_dir=tmp_path / "deleted")
    for name in (LAYOUT.docx_name, LAYOUT.evidence_pdf_name):
        cold_bytes = (tmp_path / "cold" / name).read_bytes()
        assert (tmp_path / "warm" / name).read_bytes() == cold_bytes, name
        assert (tmp_path / "deleted" / name).read_bytes() == cold_bytes, name
    with zipfile.ZipFile(tmp_path / "warm" / LAYOUT.docx_name) as z:
        assert z.testzip() is None
    assert "WenQuanYi" in warm.details["页码和目录字体"] or "CJK" in warm.details["页码和目录字体"]


def test_an_image_converted_once_is_reused_by_the_next_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PIL import Image

    from skilldoc.evidence import images

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    calls: list[Path] = []
    real = images.image_to_pdf

    def counting(src: Path, target: Path):  # type: ignore[no-untyped-def]
        calls.append(src)
        return real(src, target)

    monkeypatch.setattr(images, "image_to_pdf", counting)
    photo = tmp_path / "证书.png"
    Image.new("RGB", (400, 300), (200, 30, 30)).save(photo)
    items = [EvidenceItem("E01", "证书", "3.师资队伍", (photo,), password=None, row=5)]

    def run(n: int) -> bytes:
        (bi,), _ = prepare_inputs(items, tmp_path / f"work{n}")
        assert (tmp_path / f"work{n}") in bi.files[0].pdf.parents and bi.pages == 1
        return bi.files[0].pdf.read_bytes()

    first = run(1)
    assert run(2) == first and len(calls) == 1
    (entry,) = (tmp_path / "cache" / "images").rglob("*.pdf")
    entry.write_bytes(b"%PDF-damaged")
    assert run(3) == first and len(calls) == 2  # a damaged entry: converted again, same bytes
    photo.write_bytes(photo.read_bytes())  # same content, new modification time: still reused
    assert run(4) == first and len(calls) == 2


def test_pdf_facts_are_kept_across_runs_but_never_for_an_encrypted_file(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from pypdf import PdfWriter

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))

    def pdf(name: str, pages: int) -> Path:
        writer = PdfWriter()
        for _ in range(pages):
            writer.add_blank_page(595, 842)
        path = tmp_path / name
        with open(path, "wb") as fh:
            writer.write(fh)
        return path

    plain = pdf("plain.pdf", 3)
    locked = tmp_path / "locked.pdf"  # RC4-128, user password "openpassword" (tests/resources/README.md)
    shutil.copyfile(Path(__file__).parent / "resources" / "src_enc_userpw.pdf", locked)
    items = [EvidenceItem("E01", "a", "3.师资队伍", (plain,), password=None, row=5),
             EvidenceItem("E02", "b", "3.师资队伍", (locked,), password="openpassword", row=6)]
    first, _ = prepare_inputs(items, tmp_path / "work1")
    entries = list((tmp_path / "cache" / "pdf-facts").rglob("*.json"))
    assert len(entries) == 1  # the plain one only: nothing about an encrypted file (or its password)
    assert "openpassword" not in entries[0].read_text("utf-8")

    clear_memos()  # as in a new process
    parsed: list[Path] = []
    real = sources._read_pdf_facts

    def counting(path: Path, password: str | None, *, strict: bool):  # type: ignore[no-untyped-def]
        parsed.append(path)
        return real(path, password, strict=strict)

    monkeypatch.setattr(sources, "_read_pdf_facts", counting)
    again, _ = prepare_inputs(items, tmp_path / "work2")
    assert [bi.pages for bi in again] == [bi.pages for bi in first] and again[0].pages == 3
    assert parsed == [locked]  # the plain PDF was not parsed again
    assert again[1].files[0].password == "openpassword"


# --- what writing the DOCX warns about, reused by check --------------------------------


def test_check_reuses_the_docx_warnings_while_what_is_written_is_unchanged(
        sample_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    from skilldoc import docx_form

    prepared = pipeline.prepare(sample_dir, tmp_path, toc=False)
    app = prepared.loaded.app
    dirty = dataclasses.replace(app, header=Header({**app.header, "org_name": "绍兴\x07技师学院"}))
    first = pipeline.docx_warnings(dirty, prepared.rendered, tmp_path)
    assert [p.code for p in first] == ["docx.control_char"] and "U+0007" in first[0].message
    assert pipeline.docx_warnings(app, prepared.rendered, tmp_path) == []

    def refuse(*args: object, **kwargs: object) -> list[object]:
        raise AssertionError("the DOCX was written again")

    monkeypatch.setattr(docx_form, "write_docx", refuse)
    clear_memos()  # a new process: the warnings come from the on-disk cache, the same Problem objects
    assert pipeline.docx_warnings(dirty, prepared.rendered, tmp_path) == first
    assert pipeline.docx_warnings(app, prepared.rendered, tmp_path) == []
    report = api.check(sample_dir)  # the command reuses them too
    assert not [p for p in report.findings if p.code.startswith("docx.")]

    # anything written that changes (a value, a section's text) is written again
    other = dataclasses.replace(app, header=Header({**app.header, "org_name": "另一所技师学院"}))
    with pytest.raises(AssertionError, match="written again"):
        pipeline.docx_warnings(other, prepared.rendered, tmp_path)
    edited = [dataclasses.replace(prepared.rendered[0], text=prepared.rendered[0].text + "。"), *prepared.rendered[1:]]
    with pytest.raises(AssertionError, match="written again"):
        pipeline.docx_warnings(app, edited, tmp_path)

    # an evidence password (never written into the DOCX) is no part of the on-disk key
    locked = dataclasses.replace(app, evidence=tuple(dataclasses.replace(e, password="口令123") for e in app.evidence))
    assert pipeline._docx_warnings_key(locked, prepared.rendered) == pipeline._docx_warnings_key(app, prepared.rendered)
