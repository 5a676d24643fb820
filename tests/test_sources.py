"""Evidence files → validated PDFs: every awkward real-world case, all problems reported together."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfReader

from skilldoc import office
from skilldoc.errors import EvidenceError, Severity, ToolMissing
from skilldoc.evidence.sources import (
    BundleInput,
    SourceFile,
    display_path,
    prepare_inputs,
    prepare_paths,
    sniff,
)
from skilldoc.form import LAYOUT
from skilldoc.model import EvidenceItem

RES = Path(__file__).parent / "resources"
SRC_RESOURCES = sorted(RES.glob("src_*")) + sorted(RES.glob("img_*"))


@pytest.fixture
def applicant(tmp_path: Path) -> Path:
    """An applicant folder: the workbook (a placeholder) and a 证明材料 folder with every resource."""
    root = tmp_path / "申报"
    evidence = root / LAYOUT.evidence_dir
    evidence.mkdir(parents=True)
    (root / LAYOUT.workbook).write_bytes(b"placeholder")
    for res in SRC_RESOURCES:
        shutil.copy(res, evidence / res.name)
    return root


def item(root: Path, code: str, *names: str, password: str | None = None, title: str = "材料",
         part: str = "3.师资队伍") -> EvidenceItem:
    files = tuple(root / LAYOUT.evidence_dir / n for n in names)
    return EvidenceItem(code=code, title=title, part=part, files=files, password=password, row=5)


def one(root: Path, workdir: Path, name: str, password: str | None = None) -> SourceFile:
    inputs, _ = prepare_inputs([item(root, "E01", name, password=password)], workdir)
    (single,) = inputs
    (source,) = single.files
    return source


def failure(root: Path, workdir: Path, *items: EvidenceItem) -> EvidenceError:
    with pytest.raises(EvidenceError) as info:
        prepare_inputs(list(items), workdir)
    return info.value


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- PDFs -----------------------------------------------------------------------------


def test_good_pdf_is_used_in_place(applicant, tmp_path):
    source = one(applicant, tmp_path / "work", "src_nested_pagetree.pdf")
    assert source.kind == "pdf" and source.pdf == source.origin and source.pages == 5
    assert source.password is None and source.warnings == ()


def test_inherited_page_tree_is_counted_and_resolved(applicant, tmp_path):
    source = one(applicant, tmp_path / "work", "src_nested_pagetree.pdf")
    reader = PdfReader(source.pdf)
    assert [round(float(p.mediabox.height)) for p in reader.pages] == [792, 792, 396, 396, 396]
    assert source.pages == len(reader.pages)


def test_encrypted_with_empty_user_password_opens(applicant, tmp_path):
    source = one(applicant, tmp_path / "work", "src_enc_empty_userpw.pdf")
    assert source.password == "" and source.pages == 1 and source.warnings == ()
    reader = PdfReader(source.pdf)
    assert reader.is_encrypted and reader.decrypt(source.password)  # what the writer will do


def test_encrypted_needing_a_password_is_an_error_naming_file_item_and_column(applicant, tmp_path):
    err = failure(applicant, tmp_path / "work", item(applicant, "E07", "src_enc_userpw.pdf"))
    (problem,) = err.problems
    assert problem.location.file == "证明材料/src_enc_userpw.pdf"
    assert problem.location.item == "E07"
    assert "需要打开密码" in problem.message
    assert "证明材料" in problem.hint and "打开密码" in problem.hint
    assert problem.code == "evidence.password" and err.exit_code == 4


def test_encrypted_with_the_right_password_opens(applicant, tmp_path):
    source = one(applicant, tmp_path / "work", "src_enc_userpw.pdf", password="openpassword")
    assert source.password == "openpassword" and source.pages == 1
    assert source.pdf == source.origin


def test_owner_password_opens_too(applicant, tmp_path):
    source = one(applicant, tmp_path / "work", "src_enc_userpw.pdf", password="permissionpassword")
    assert source.password == "permissionpassword"


def test_wrong_password_is_an_error(applicant, tmp_path):
    err = failure(applicant, tmp_path / "work", item(applicant, "E07", "src_enc_userpw.pdf", password="guess"))
    (problem,) = err.problems
    assert "密码不正确" in problem.message and problem.code == "evidence.password_wrong"


def test_damaged_xref_is_repaired_into_the_workdir_with_a_warning(applicant, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    work = tmp_path / "work"
    inputs, warnings = prepare_inputs([item(applicant, "E02", "src_broken_xref.pdf")], work)
    source = inputs[0].files[0]
    assert source.kind == "pdf" and source.pages == 1 and source.password is None
    assert source.pdf != source.origin and work in source.pdf.parents
    (warning,) = warnings
    assert warning.severity is Severity.WARNING and warning.code == "evidence.repaired"
    assert warning.location.item == "E02" and "修复" in warning.message
    assert source.warnings == (warning,)
    assert len(PdfReader(source.pdf, strict=True).pages) == 1  # the copy reads cleanly
    assert not [r for r in caplog.records if r.name.startswith("pypdf")]  # pypdf's chatter captured


def test_header_only_pdf_is_an_error(applicant, tmp_path):
    err = failure(applicant, tmp_path / "work", item(applicant, "E03", "src_header_only.pdf"))
    (problem,) = err.problems
    assert problem.code == "evidence.damaged" and "无法读取" in problem.message


def test_zero_page_pdf_is_an_error(applicant, tmp_path):
    err = failure(applicant, tmp_path / "work", item(applicant, "E03", "src_zero_pages.pdf"))
    assert err.problems[0].code == "evidence.no_pages"


def test_attachments_are_reported_as_dropped(applicant, tmp_path):
    inputs, warnings = prepare_inputs([item(applicant, "E04", "src_embedded_file.pdf")], tmp_path / "work")
    assert inputs[0].pages == 1
    (warning,) = warnings
    assert warning.code == "evidence.attachments" and "foo.txt" in warning.message
    assert LAYOUT.evidence_pdf_name in warning.message


def test_jpeg_named_pdf_is_bundled_as_the_image_it_is(applicant, tmp_path):
    inputs, warnings = prepare_inputs([item(applicant, "E05", "src_jpeg_named.pdf")], tmp_path / "work")
    source = inputs[0].files[0]
    assert source.kind == "image" and source.pages == 1 and source.pdf != source.origin
    assert [w.code for w in warnings] == ["evidence.misnamed"]
    assert "JPEG" in warnings[0].message
    assert source.origin.read_bytes() in source.pdf.read_bytes()  # still not re-encoded


def test_html_named_pdf_is_an_error(applicant, tmp_path):
    err = failure(applicant, tmp_path / "work", item(applicant, "E06", "src_html_named.pdf"))
    (problem,) = err.problems
    assert problem.code == "evidence.html" and "HTML" in problem.message and "另存为 PDF" in problem.hint


def test_pdf_named_image_is_used_as_pdf(applicant, tmp_path):
    target = applicant / LAYOUT.evidence_dir / "scan.jpg"
    shutil.copy(RES / "src_nested_pagetree.pdf", target)
    inputs, warnings = prepare_inputs([item(applicant, "E01", "scan.jpg")], tmp_path / "work")
    assert inputs[0].files[0].kind == "pdf" and inputs[0].pages == 5
    assert warnings[0].code == "evidence.misnamed"


# --- missing, empty, unsupported ----------------------------------------------------------


def test_missing_zero_byte_folder_and_unknown_kinds(applicant, tmp_path):
    folder = applicant / LAYOUT.evidence_dir
    (folder / "空.pdf").write_bytes(b"")
    (folder / "电子证照.ofd").write_bytes(b"PK\x03\x04 ofd")
    (folder / "子文件夹").mkdir()
    err = failure(applicant, tmp_path / "work",
                  item(applicant, "E01", "不存在.pdf"),
                  item(applicant, "E02", "空.pdf"),
                  item(applicant, "E03", "电子证照.ofd"),
                  item(applicant, "E04", "子文件夹"))
    by_item = {p.location.item: p for p in err.problems}
    assert by_item["E01"].code == "evidence.missing" and "文件不存在" in by_item["E01"].message
    assert "文件" in by_item["E01"].hint and "申报文件夹" in by_item["E01"].hint
    assert by_item["E02"].code == "evidence.empty" and "0 字节" in by_item["E02"].message
    assert by_item["E03"].code == "evidence.unsupported" and ".ofd" in by_item["E03"].message
    assert "OFD" in by_item["E03"].hint and "JPG" in by_item["E03"].hint and "DOCX" in by_item["E03"].hint
    assert by_item["E04"].code == "evidence.folder"
    assert by_item["E01"].location.file == "证明材料/不存在.pdf"


def test_all_problems_of_all_items_are_reported_together(applicant, tmp_path):
    work = tmp_path / "work"
    err = failure(applicant, work,
                  item(applicant, "E01", "src_nested_pagetree.pdf", "src_header_only.pdf"),
                  item(applicant, "E02", "src_broken_xref.pdf"),  # a warning only
                  item(applicant, "E03", "src_enc_userpw.pdf", "src_html_named.pdf"),
                  item(applicant, "E04", "src_zero_pages.pdf"))
    errors = [p for p in err.problems if p.severity is Severity.ERROR]
    assert [(p.location.item, p.code) for p in errors] == [
        ("E01", "evidence.damaged"), ("E03", "evidence.password"), ("E03", "evidence.html"),
        ("E04", "evidence.no_pages")]
    assert [p.code for p in err.problems if p.severity is Severity.WARNING] == ["evidence.repaired"]
    assert "4" in err.summary


def test_item_without_files_is_an_error(applicant, tmp_path):
    empty = EvidenceItem(code="E09", title="空", part="3.师资队伍", files=(), row=12)
    err = failure(applicant, tmp_path / "work", empty)
    (problem,) = err.problems
    assert problem.code == "evidence.no_files" and problem.location.item == "E09"
    assert problem.location.line == 12


def test_heic_photo_is_an_error_saying_what_to_do(applicant, tmp_path):
    target = applicant / LAYOUT.evidence_dir / "IMG_0001.jpg"
    target.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64)
    err = failure(applicant, tmp_path / "work", item(applicant, "E01", "IMG_0001.jpg"))
    assert err.problems[0].code == "evidence.heic" and "JPG" in err.problems[0].hint


# --- images ---------------------------------------------------------------------------------


def test_images_become_pdfs_in_the_workdir(applicant, tmp_path):
    work = tmp_path / "work"
    inputs, warnings = prepare_inputs(
        [item(applicant, "E01", "img_exif3.jpg", "img_exif6.jpg", "img_rgba.png")], work)
    assert warnings == []
    (single,) = inputs
    assert single.pages == 3 and [f.kind for f in single.files] == ["image"] * 3
    for source in single.files:
        assert work in source.pdf.parents and len(PdfReader(source.pdf).pages) == source.pages


def test_multipage_tiff_counts_its_frames(applicant, tmp_path):
    target = applicant / LAYOUT.evidence_dir / "扫描件.tif"
    frames = [Image.new("L", (80, 100), v) for v in (0, 128, 255)]
    frames[0].save(target, save_all=True, append_images=frames[1:])
    assert one(applicant, tmp_path / "work", "扫描件.tif").pages == 3


def test_broken_image_is_an_error(applicant, tmp_path):
    data = (RES / "img_exif3.jpg").read_bytes()
    (applicant / LAYOUT.evidence_dir / "cut.jpg").write_bytes(data[: len(data) // 2])
    err = failure(applicant, tmp_path / "work", item(applicant, "E01", "cut.jpg"))
    assert err.problems[0].code == "evidence.bad_image"


def test_the_same_image_is_converted_once(applicant, tmp_path):
    work = tmp_path / "work"
    first = one(applicant, work, "img_exif3.jpg")
    stamp = first.pdf.stat().st_mtime_ns
    inputs, _ = prepare_inputs([item(applicant, "E01", "img_exif3.jpg"), item(applicant, "E02", "img_exif3.jpg")],
                               work)
    assert {i.files[0].pdf for i in inputs} == {first.pdf}
    assert first.pdf.stat().st_mtime_ns == stamp


# --- office ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_docx_and_xlsx_are_converted_once(applicant, tmp_path, soffice):
    import docx
    import openpyxl

    folder = applicant / LAYOUT.evidence_dir
    document = docx.Document()
    document.add_paragraph("任命张三为培训中心主任")
    document.save(str(folder / "任命文件.docx"))
    book = openpyxl.Workbook()
    book.active.append(["设备名称", "数量"])
    book.active.append(["数控车床", 12])
    book.save(folder / "设备清单.xlsx")
    work = tmp_path / "work"
    inputs, warnings = prepare_inputs(
        [item(applicant, "E01", "任命文件.docx"), item(applicant, "E02", "设备清单.xlsx")], work)
    assert warnings == []
    docx_src, xlsx_src = inputs[0].files[0], inputs[1].files[0]
    assert docx_src.kind == xlsx_src.kind == "office"
    assert work in docx_src.pdf.parents
    assert "任命张三" in "".join(PdfReader(docx_src.pdf).pages[0].extract_text().split())
    assert docx_src.pages == len(PdfReader(docx_src.pdf).pages) == inputs[0].pages
    stamp = docx_src.pdf.stat().st_mtime_ns
    again, _ = prepare_inputs([item(applicant, "E01", "任命文件.docx")], work)  # cached by content
    assert again[0].files[0].pdf == docx_src.pdf and docx_src.pdf.stat().st_mtime_ns == stamp


def test_office_without_libreoffice_is_tool_missing_naming_the_file(applicant, tmp_path, monkeypatch):
    monkeypatch.setenv(office.ENV_VAR, str(tmp_path / "nowhere"))
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(office, "_candidates", lambda: [])
    (applicant / LAYOUT.evidence_dir / "说明.docx").write_bytes(b"PK\x03\x04 docx")
    with pytest.raises(ToolMissing) as info:
        prepare_inputs([item(applicant, "E08", "说明.docx")], tmp_path / "work")
    (problem,) = info.value.problems
    assert problem.location.file == "证明材料/说明.docx" and problem.location.item == "E08"
    assert "libreoffice-writer-nogui" in problem.hint


def test_tool_missing_among_other_errors_is_an_evidence_error(applicant, tmp_path, monkeypatch):
    monkeypatch.setenv(office.ENV_VAR, str(tmp_path / "nowhere"))
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(office, "_candidates", lambda: [])
    (applicant / LAYOUT.evidence_dir / "说明.docx").write_bytes(b"PK\x03\x04 docx")
    err = failure(applicant, tmp_path / "work", item(applicant, "E08", "说明.docx"),
                  item(applicant, "E09", "src_header_only.pdf"))
    assert [p.code for p in err.problems] == ["office.missing", "evidence.damaged"]


def test_several_office_files_without_libreoffice_are_named_in_one_problem(applicant, tmp_path, monkeypatch):
    monkeypatch.setenv(office.ENV_VAR, str(tmp_path / "nowhere"))
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(office, "_candidates", lambda: [])
    folder = applicant / LAYOUT.evidence_dir
    (folder / "说明.docx").write_bytes(b"PK\x03\x04 docx")
    (folder / "清单.xlsx").write_bytes(b"PK\x03\x04 xlsx")
    with pytest.raises(ToolMissing) as info:
        prepare_inputs([item(applicant, "E08", "说明.docx"), item(applicant, "E09", "清单.xlsx")],
                       tmp_path / "work")
    (problem,) = info.value.problems
    assert problem.location.file == "证明材料/说明.docx" and problem.location.item == "E08"
    assert "2 个文件" in problem.message
    assert "证明材料/说明.docx（证明材料 E08）" in problem.message
    assert "证明材料/清单.xlsx（证明材料 E09）" in problem.message


@pytest.mark.skipif(os.name != "posix", reason="shell-script stand-in")
def test_all_office_files_are_converted_in_one_run(applicant, tmp_path, monkeypatch):
    log = tmp_path / "runs.txt"
    fake = tmp_path / "fake-soffice"
    fake.write_text(  # "converts" every staged file into a copy of a real 5-page PDF
        "#!/bin/sh\n"
        'out=""; prev=""\n'
        'echo run >> "' + str(log) + '"\n'
        'for a in "$@"; do [ "$prev" = "--outdir" ] && out="$a"; prev="$a"; done\n'
        'for a in "$@"; do case "$a" in */source*) b=$(basename "$a"); '
        'cp "' + str(RES / "src_nested_pagetree.pdf") + '" "$out/${b%.*}.pdf";; esac; done\n',
        encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv(office.ENV_VAR, str(fake))
    folder = applicant / LAYOUT.evidence_dir
    for name in ("a.docx", "b.xlsx", "c.doc"):
        (folder / name).write_bytes(b"PK\x03\x04 " + name.encode())
    (folder / "甲").mkdir()
    (folder / "甲" / "a.docx").write_bytes(b"PK\x03\x04 other a")
    items = [item(applicant, "E01", "a.docx", "src_nested_pagetree.pdf"), item(applicant, "E02", "b.xlsx"),
             item(applicant, "E03", "c.doc", "甲/a.docx")]
    inputs, _ = prepare_inputs(items, tmp_path / "work")
    assert log.read_text().splitlines() == ["run"]
    assert [i.pages for i in inputs] == [10, 5, 10]
    office_pdfs = [f.pdf for i in inputs for f in i.files if f.kind == "office"]
    assert len(set(office_pdfs)) == 4 and all((tmp_path / "work") in p.parents for p in office_pdfs)
    prepare_paths([folder / "a.docx", folder / "b.xlsx"], tmp_path / "work")  # cached: no run
    assert log.read_text().splitlines() == ["run"]


@pytest.mark.slow
def test_real_batch_same_stems_and_a_corrupt_file_names_its_item(applicant, tmp_path, soffice):
    import docx

    folder = applicant / LAYOUT.evidence_dir
    for sub, word in (("甲", "ALPHA"), ("乙", "BRAVO")):
        (folder / sub).mkdir()
        document = docx.Document()
        document.add_paragraph(f"任命文件 {word}")
        document.save(str(folder / sub / "任命文件.docx"))
    (folder / "损坏.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    before = {p: _sha(p) for p in folder.rglob("*") if p.is_file()}
    items = [item(applicant, "E01", "甲/任命文件.docx"), item(applicant, "E02", "损坏.docx"),
             item(applicant, "E03", "乙/任命文件.docx")]
    err = failure(applicant, tmp_path / "work", *items)
    (problem,) = err.problems
    assert (problem.location.file, problem.location.item, problem.code) == ("证明材料/损坏.docx", "E02", "office.failed")
    assert {p: _sha(p) for p in folder.rglob("*") if p.is_file()} == before  # nothing modified or added
    inputs, _ = prepare_inputs([items[0], items[2]], tmp_path / "work")  # the good ones, from the cache
    texts = ["".join(PdfReader(i.files[0].pdf).pages[0].extract_text().split()) for i in inputs]
    assert "ALPHA" in texts[0] and "BRAVO" not in texts[0]
    assert "BRAVO" in texts[1] and "ALPHA" not in texts[1]


# --- paths, ordering, the never-modify rule ---------------------------------------------------


def test_prepare_paths_numbers_and_titles_by_stem(tmp_path):
    paths = [RES / "src_nested_pagetree.pdf", RES / "img_exif6.jpg", RES / "src_enc_empty_userpw.pdf"]
    inputs, warnings = prepare_paths(paths, tmp_path / "work")
    assert [(i.code, i.title, i.part, i.pages) for i in inputs] == [
        ("1", "src_nested_pagetree", "", 5), ("2", "img_exif6", "", 1), ("3", "src_enc_empty_userpw", "", 1)]
    assert all(isinstance(i, BundleInput) for i in inputs) and warnings == []


def test_prepare_paths_password_and_messages(tmp_path):
    path = RES / "src_enc_userpw.pdf"
    with pytest.raises(EvidenceError) as info:
        prepare_paths([path, tmp_path / "nope.pdf"], tmp_path / "work")
    first, second = info.value.problems
    assert first.location.file == str(path) and first.location.item is None
    assert "--password" in first.hint
    assert second.code == "evidence.missing"
    inputs, _ = prepare_paths([path, RES / "src_enc_empty_userpw.pdf"], tmp_path / "work", password="openpassword")
    assert [i.files[0].password for i in inputs] == ["openpassword", ""]


def test_inputs_are_never_modified(applicant, tmp_path):
    folder = applicant / LAYOUT.evidence_dir
    before = {p.name: _sha(p) for p in folder.iterdir()}
    names = [p.name for p in SRC_RESOURCES]
    with pytest.raises(EvidenceError):
        prepare_inputs([item(applicant, f"E{i:02d}", n, password="openpassword") for i, n in enumerate(names)],
                       tmp_path / "work")
    assert {p.name: _sha(p) for p in folder.iterdir()} == before


def test_display_path(tmp_path):
    root = tmp_path / "申报"
    (root / "证明材料" / "子").mkdir(parents=True)
    (root / LAYOUT.workbook).write_bytes(b"x")
    inside = root / "证明材料" / "子" / "a.pdf"
    assert display_path(inside) == "证明材料/子/a.pdf"
    assert display_path(inside, root / "证明材料") == "子/a.pdf"
    outside = tmp_path / "else" / "b.pdf"
    assert display_path(outside) == str(outside)


# --- sniffing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("head,kind", [
    (b"%PDF-1.7\n", "pdf"), (b"\r\n\r\n%PDF-1.4", "pdf"), (b"\xff\xd8\xff\xe1", "jpeg"),
    (b"\x89PNG\r\n\x1a\n\0\0", "png"), (b"GIF89a", "gif"), (b"II*\x00\x08", "tiff"), (b"MM\x00*", "tiff"),
    (b"RIFF\0\0\0\0WEBPVP8 ", "webp"), (b"BM" + b"\0" * 12 + b"\x28\0\0\0" + b"\0" * 8, "bmp"),
    (b"\xef\xbb\xbf  <!DOCTYPE html>", "html"), (b"<HTML><body>", "html"), (b"PK\x03\x04", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"), (b"{\\rtf1", "rtf"), (b"BMW is not a bitmap", None),
    (b"", None),
])
def test_sniff(head, kind):
    assert sniff(head) == kind


@given(st.binary(max_size=2048))
def test_sniff_never_fails(data):
    assert sniff(data) in (None, "pdf", "jpeg", "png", "gif", "tiff", "webp", "bmp", "html", "zip", "ole", "rtf",
                           "heic")


def test_page_level_file_attachment_is_reported(tmp_path):
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, TextStringObject

    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    spec = DictionaryObject({NameObject("/Type"): NameObject("/Filespec"), NameObject("/F"): TextStringObject("发票.xml")})
    annot = DictionaryObject({NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/FileAttachment"),
                              NameObject("/Rect"): ArrayObject([FloatObject(0)] * 4), NameObject("/FS"): spec})
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(annot)])
    src = tmp_path / "带附件.pdf"
    writer.write(src)
    inputs, warnings = prepare_paths([src], tmp_path / "work")
    assert inputs[0].pages == 1
    assert [w.code for w in warnings] == ["evidence.attachments"] and "发票.xml" in warnings[0].message


def test_image_with_unrecognised_content_reads_plainly(applicant, tmp_path):
    (applicant / LAYOUT.evidence_dir / "照片.jpg").write_bytes(bytes(range(7, 250)) * 8)
    (problem,) = failure(applicant, tmp_path / "work", item(applicant, "E02", "照片.jpg")).problems
    assert problem.code == "evidence.not_image"
    assert problem.message == "不是有效的图片文件（无法识别文件内容）"
