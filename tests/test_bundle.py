"""The evidence bundle: page map, stamps, 目录, bookmarks, page labels, duplex — read back for real."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader
from pypdf.generic import ContentStream

from skilldoc.errors import EvidenceError, InputError
from skilldoc.evidence.bundle import BundleOptions, FrontMatter, plan_bundle, write_bundle
from skilldoc.evidence.sources import BundleInput, SourceFile
from skilldoc.evidence.stamp import BOTTOM_MARGIN, Box, place_stamp, visible_box
from skilldoc.model import PageRange

RES = Path(__file__).resolve().parent / "resources"
ROT = RES / "bnd_rotations.pdf"  # 6 pages: /Rotate 0 90 180 270 360 -90
BOXES = RES / "bnd_boxes.pdf"  # 7 pages: offset origins, sizes, CropBox, an unmatched Q
TINY = RES / "bnd_tiny.pdf"  # 3 pages of 3.8 pt
INTER = RES / "bnd_interactive.pdf"  # 2 pages: links, widget, JavaScript, shared resources
NESTED = RES / "src_nested_pagetree.pdf"  # 5 pages, inherited attributes in a nested page tree
ENC = RES / "src_enc_userpw.pdf"  # password "openpassword"
CORPUS = Path("/work/shared/corpus")


def source(path: Path, password: str | None = None) -> SourceFile:
    reader = PdfReader(path)
    if reader.is_encrypted:
        reader.decrypt(password or "")
    return SourceFile(path, path, len(reader.pages), "pdf", password, ())


def item(code: str, title: str, part: str, *paths: Path, password: str | None = None) -> BundleInput:
    files = tuple(source(p, password) for p in paths)
    return BundleInput(code, title, part, files, sum(f.pages for f in files))


def sample_inputs() -> list[BundleInput]:
    return [
        item("E01", "旋转页面", "1.申报背景", ROT),
        item("E02", "页面框偏移", "1.申报背景", BOXES, TINY),
        item("E03", "嵌套页树", "2.基础条件", NESTED),
        item("E04", "表单与链接", "3.师资队伍", INTER),
    ]


def page_text(pdf: Path, page: int) -> str:
    """Text of 1-based ``page`` as poppler extracts it."""
    out = subprocess.run(["pdftotext", "-q", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def render(pdf: Path, page: int, tmp: Path, dpi: int = 72) -> Image.Image:
    prefix = tmp / f"r{page}-{pdf.stem}"
    subprocess.run(["pdftoppm", "-q", "-f", str(page), "-l", str(page), "-r", str(dpi), "-gray", "-png",
                    "-cropbox", "-singlefile", str(pdf), str(prefix)], check=True)
    with Image.open(f"{prefix}.png") as im:
        return im.convert("L").copy()


def stamp_matrix(page) -> list[float]:
    """The cm matrix of the stamp: the last content stream of a stamped page."""
    last = page["/Contents"][-1].get_object()
    ops = ContentStream(last, None).operations
    cms = [operands for operands, op in ops if op == b"cm"]
    return [float(v) for v in cms[-1]]


@pytest.fixture(scope="module")
def bundled(tmp_path_factory) -> tuple[Path, object, object]:
    out = tmp_path_factory.mktemp("bundle") / "证明材料.pdf"
    plan = plan_bundle(sample_inputs())
    result = write_bundle(plan, out)
    return out, plan, result


def test_plan_page_map_is_page_arithmetic_only(tmp_path: Path) -> None:
    plan = plan_bundle(sample_inputs(), BundleOptions(start=5))
    assert plan.page_map == {"E01": PageRange(5, 10), "E02": PageRange(11, 20), "E03": PageRange(21, 25),
                             "E04": PageRange(26, 27)}
    assert plan.evidence_pages == 23 and plan.toc_pages == 1
    assert plan_bundle(sample_inputs(), BundleOptions(toc=False)).toc_pages == 0
    assert not list(tmp_path.iterdir())


def test_page_count_labels_and_every_stamp(bundled) -> None:
    out, plan, result = bundled
    reader = PdfReader(out)
    assert len(reader.pages) == 1 + 23 == result.total_pages
    assert result.toc_pages == 1 and result.evidence_pages == 23 and result.blank_pages == 0
    assert reader.page_labels == ["目录-1"] + [str(n) for n in range(1, 24)]
    for n in range(1, 24):
        assert f"第{n}页" in squeeze(page_text(out, n + 1)), f"stamp missing on evidence page {n}"
    # pypdf reads the same numbers (rotated text included)
    assert "第 3 页" in reader.pages[3].extract_text()
    assert "第 13 页" in reader.pages[13].extract_text()  # the page with one Q too many
    # 目录 lists every item with its range and is itself unstamped
    toc = page_text(out, 1)
    assert "目录" in toc and "旋转页面" in toc and "1—6" in toc and "22—23" in toc
    assert not re.search(r"第\s*\d+\s*页", toc)


def test_page_map_matches_stamps_for_each_item(bundled) -> None:
    out, plan, result = bundled
    assert result.page_map == plan.page_map
    for code, pr in plan.page_map.items():
        first = squeeze(page_text(out, pr.first + 1))  # + 1: the 目录 page in front
        last = squeeze(page_text(out, pr.last + 1))
        assert f"第{pr.first}页" in first and f"第{pr.last}页" in last, code


def test_bookmarks_one_per_item_under_its_section(bundled) -> None:
    out, _, _ = bundled
    reader = PdfReader(out)
    outline = reader.outline
    titles = [o.title if not isinstance(o, list) else [c.title for c in o] for o in outline]
    assert titles == ["目录", "1.申报背景", ["E01 旋转页面", "E02 页面框偏移"], "2.基础条件", ["E03 嵌套页树"],
                      "3.师资队伍", ["E04 表单与链接"]]
    pages = {o.title: reader.get_destination_page_number(o) for o in outline if not isinstance(o, list)}
    children = [c for o in outline if isinstance(o, list) for c in o]
    pages.update({c.title: reader.get_destination_page_number(c) for c in children})
    assert pages == {"目录": 0, "1.申报背景": 1, "E01 旋转页面": 1, "E02 页面框偏移": 7, "2.基础条件": 17,
                     "E03 嵌套页树": 17, "3.师资队伍": 22, "E04 表单与链接": 22}


def test_stamp_maths_matches_each_page_geometry(bundled) -> None:
    out, _, _ = bundled
    reader = PdfReader(out)
    for index in range(1, len(reader.pages)):
        page = reader.pages[index]
        box = visible_box(Box.from_array(page.mediabox), Box.from_array(page.cropbox))
        rotation = page.get("/Rotate", 0)
        assert rotation in (0, 90, 180, 270)
        matrix = stamp_matrix(page)
        expected = place_stamp(box, rotation, 1.0)  # width only moves u; check the orientation and v
        assert matrix[:4] == pytest.approx(list(expected.matrix[:4]))
        # the origin lies on the line BOTTOM_MARGIN (scaled) above the visual bottom edge
        if rotation == 0:
            assert matrix[5] == pytest.approx(box.y0 + BOTTOM_MARGIN * expected.scale, abs=1e-3)
        elif rotation == 90:
            assert matrix[4] == pytest.approx(box.x1 - BOTTOM_MARGIN * expected.scale, abs=1e-3)
        elif rotation == 180:
            assert matrix[5] == pytest.approx(box.y1 - BOTTOM_MARGIN * expected.scale, abs=1e-3)
        else:
            assert matrix[4] == pytest.approx(box.x0 + BOTTOM_MARGIN * expected.scale, abs=1e-3)


def test_inherited_attributes_resolved_in_a_flat_tree(bundled) -> None:
    out, plan, _ = bundled
    reader = PdfReader(out)
    first = plan.page_map["E03"].first  # physical index = stamped number (the 目录 is page 0)
    sizes = [(float(reader.pages[first + i].mediabox.width), float(reader.pages[first + i].mediabox.height))
             for i in range(5)]
    assert sizes == [(576, 792), (576, 792), (576, 396), (576, 396), (306, 396)]
    assert reader.pages[first + 4]["/Rotate"] == 180
    for i in range(5):
        page = reader.pages[first + i]
        assert page["/Parent"].get_object() is reader.trailer["/Root"]["/Pages"].get_object()
        assert "/SkStamp" in page["/Resources"]["/Font"]


@pytest.mark.parametrize("physical", [2, 3, 4, 5, 6, 7, 11, 13, 23])  # rotations, offset boxes, nested
def test_rendered_stamp_at_visual_bottom_centre_and_nothing_else_changes(bundled, tmp_path: Path,
                                                                         physical: int) -> None:
    out, plan, _ = bundled
    src, src_page = _source_page(plan, physical - 1)
    after = render(out, physical, tmp_path)
    before = render(src, src_page, tmp_path)
    assert after.size == before.size  # the page is shown exactly as before
    diff = ImageChops.difference(after, before).point(lambda v: 255 if v > 60 else 0)
    bbox = diff.getbbox()
    assert bbox is not None, "no stamp drawn"
    w, h = after.size
    left, top, right, bottom = bbox
    assert h - 45 <= top and bottom <= h - 15, f"stamp not at the bottom: {bbox} in {after.size}"
    assert abs((left + right) / 2 - w / 2) <= 3, f"stamp not centred: {bbox} in {after.size}"
    assert right - left < 60 and bottom - top < 16  # same small size everywhere


def _source_page(plan, index: int) -> tuple[Path, int]:
    """The source file and 1-based page shown at output page ``index`` (0-based, after one 目录 page)."""
    n = index  # stamped number - 1 + 1 (toc)
    for it in plan.items:
        if it.pages.first <= n <= it.pages.last:
            offset = n - it.pages.first
            for sf in it.input.files:
                if offset < sf.pages:
                    return sf.pdf, offset + 1
                offset -= sf.pages
    raise AssertionError(index)


def test_one_shared_q_stream_and_font_and_shared_resources(bundled) -> None:
    out, plan, _ = bundled
    reader = PdfReader(out)
    first_refs, fonts = set(), set()
    for page in reader.pages[1:]:
        contents = page.get("/Contents")
        first_refs.add(contents[0].idnum)
        fonts.add(page["/Resources"]["/Font"].raw_get("/SkStamp").idnum)
    assert len(fonts) == 1
    assert len(first_refs) == 2  # "q" everywhere, "q q" on the page with one Q too many
    q_data = sorted(reader.get_object(n).get_data() for n in first_refs)
    assert q_data == [b"q\n", b"q\nq\n"]
    # the two interactive pages shared one /Resources object: they still do, with the font added once
    p1, p2 = (reader.pages[plan.page_map["E04"].first + i] for i in range(2))
    assert p1.raw_get("/Resources").idnum == p2.raw_get("/Resources").idnum
    assert set(p1["/Resources"]["/Font"]) == {"/F1", "/SkStamp"}


def test_annotations_links_and_widgets_kept_scripts_dropped(bundled, tmp_path: Path) -> None:
    out, plan, _ = bundled
    reader = PdfReader(out)
    first = plan.page_map["E04"].first
    page = reader.pages[first]
    annots = [a.get_object() for a in page["/Annots"]]
    kinds = sorted((str(a["/Subtype"]), str(a.get("/A", {}).get("/S", ""))) for a in annots)
    assert kinds == [("/Link", ""), ("/Link", ""), ("/Link", "/URI"), ("/Widget", "")]
    goto = next(a for a in annots if "/Dest" in a)
    # the link's target is the copy of page 2 of the same item
    assert list.__getitem__(goto["/Dest"], 0).idnum == reader.pages[first + 1].indirect_reference.idnum
    widget = next(a for a in annots if a["/Subtype"] == "/Widget")
    assert widget.raw_get("/P").idnum == page.indirect_reference.idnum
    assert b"FIELDVALUE" in widget["/AP"]["/N"].get_data()
    assert "/AA" not in page
    data = out.read_bytes()
    for word in (b"/JavaScript", b"/Launch", b"/OpenAction", b"calc.exe", b"app.alert"):
        assert word not in data
    # the widget's appearance is still drawn where it was
    img = render(out, first + 1, tmp_path)
    field = img.crop((72, img.height - 430, 300, img.height - 400))
    assert field.getextrema()[0] < 100


def test_output_is_deterministic_and_inputs_untouched(tmp_path: Path) -> None:
    inputs = sample_inputs()
    paths = [f.pdf for it in inputs for f in it.files]
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    write_bundle(plan_bundle(inputs), a)
    write_bundle(plan_bundle(inputs), b)
    assert a.read_bytes() == b.read_bytes()
    assert b"CreationDate" not in a.read_bytes() and b"ModDate" not in a.read_bytes()
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths} == before
    check = subprocess.run(["qpdf", "--check", str(a)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf", "b.pdf"]  # no temp files left
    assert a.stat().st_mode & 0o777 == 0o666 & ~_umask()  # not the temp file's private 0600


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def test_failed_write_leaves_previous_output(tmp_path: Path) -> None:
    out = tmp_path / "证明材料.pdf"
    out.write_bytes(b"previous")
    gone = tmp_path / "gone.pdf"
    shutil.copy(ROT, gone)
    plan = plan_bundle([item("E01", "旋转页面", "", ROT), item("E02", "将被删除", "", gone)])
    gone.unlink()
    with pytest.raises((EvidenceError, OSError)):
        write_bundle(plan, out)
    assert out.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["证明材料.pdf"]


def test_unwritable_destination_is_an_output_error(tmp_path: Path) -> None:
    from skilldoc.errors import OutputError

    blocker = tmp_path / "a-file"
    blocker.write_bytes(b"x")
    plan = plan_bundle([item("E01", "旋转页面", "", ROT)])
    with pytest.raises(OutputError) as caught:
        write_bundle(plan, blocker / "sub" / "证明材料.pdf")  # the parent folder cannot be created
    assert "无法写入" in str(caught.value)


def test_summary_names_a_single_page_once(tmp_path: Path) -> None:
    one = tmp_path / "one.pdf"
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    with one.open("wb") as fh:
        writer.write(fh)
    result = write_bundle(plan_bundle([item("E01", "单页", "", one)]), tmp_path / "out.pdf")
    assert "（第 1 页）" in result.summary() and "1—1" not in result.summary()


def test_stamp_formats_start_and_total(tmp_path: Path) -> None:
    out = tmp_path / "b.pdf"
    inputs = [item("1", "rot", "", ROT), item("2", "tiny", "", TINY)]
    result = write_bundle(plan_bundle(inputs, BundleOptions(stamp="{n} / {total}", start=5, toc=False)), out)
    assert result.page_map == {"1": PageRange(5, 10), "2": PageRange(11, 13)}
    assert PdfReader(out).page_labels == [str(n) for n in range(5, 14)]
    assert squeeze(page_text(out, 1)).endswith("5/13")
    assert "—7—" in squeeze(page_text(_write(tmp_path, inputs, stamp="— {n} —", start=7), 1))
    assert "第 3 页" in result.summary() or "证明材料 9 页" in result.summary()


def _write(tmp: Path, inputs, **options) -> Path:
    out = tmp / "fmt.pdf"
    write_bundle(plan_bundle(inputs, BundleOptions(toc=False, **options)), out)
    return out


def test_bad_options_are_input_errors() -> None:
    with pytest.raises(InputError) as exc:
        plan_bundle([item("1", "rot", "", ROT)], BundleOptions(stamp="第 页", start=-1))
    assert {p.code for p in exc.value.problems} == {"bundle.stamp", "bundle.start"}


def test_encrypted_input_with_password(tmp_path: Path) -> None:
    out = tmp_path / "b.pdf"
    write_bundle(plan_bundle([item("1", "enc", "", ENC, password="openpassword")], BundleOptions(toc=False)), out)
    reader = PdfReader(out)
    assert not reader.is_encrypted and len(reader.pages) == 1
    assert "第1页" in squeeze(page_text(out, 1))


def test_duplex_with_front_matter(tmp_path: Path) -> None:
    front_pdf = tmp_path / "申报书.pdf"
    shutil.copy(BOXES, front_pdf)  # 7 pages: odd, so a blank follows
    front = FrontMatter(front_pdf, [("申报书", 0), ("1.申报背景", 2), ("2.基础条件", 5)])
    inputs = [item("E01", "三页", "1.申报背景", TINY), item("E02", "二页", "1.申报背景", INTER),
              item("E03", "六页", "2.基础条件", ROT)]
    plan = plan_bundle(inputs, BundleOptions(duplex=True, item_starts_odd=True))
    out = tmp_path / "申报材料.pdf"
    progress_calls = []
    result = write_bundle(plan, out, front=front, progress=_progress(progress_calls))
    reader = PdfReader(out)
    # form 1-7, blank 8, 目录 9, blank 10, E01 11-13, blank 14, E02 15-16, E03 17-22
    labels = reader.page_labels
    assert labels == ["1", "2", "3", "4", "5", "6", "7", "空白页", "目录-1", "空白页", "1", "2", "3", "空白页",
                      "4", "5", "6", "7", "8", "9", "10", "11"]
    assert result.blank_pages == 3 and result.front_pages == 7 and result.toc_pages == 1
    assert plan.page_map == {"E01": PageRange(1, 3), "E02": PageRange(4, 5), "E03": PageRange(6, 11)}
    for physical, number in ((11, 1), (13, 3), (15, 4), (16, 5), (17, 6), (22, 11)):
        assert f"第{number}页" in squeeze(page_text(out, physical))
    for physical in (8, 10, 14):
        assert page_text(out, physical).strip() == ""
    # outer edge: right on odd physical pages, left on even ones (E02's pages are unrotated A4)
    for physical in (15, 16):
        page = reader.pages[physical - 1]
        x = stamp_matrix(page)[4]
        width = float(page.mediabox.width)
        assert (x > width / 2) == (physical % 2 == 1)
    outline = reader.outline
    assert outline[0].title == "申报书" and [c.title for c in outline[1]] == ["1.申报背景", "2.基础条件"]
    assert reader.get_destination_page_number(outline[1][1]) == 5
    assert [o.title for o in outline if not isinstance(o, list)][1:] == ["目录", "1.申报背景", "2.基础条件"]
    assert progress_calls[0] == ("total", 11) and sum(n for k, n in progress_calls[1:]) == 11
    assert "插入空白页 3 页" in result.summary()


def _progress(calls: list):
    class Bar:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def update(self, n: int) -> None:
            calls.append(("update", n))

    def make(total: int, label: str) -> Bar:
        calls.append(("total", total))
        assert label
        return Bar()

    return make


def test_front_matter_alone_without_evidence(tmp_path: Path) -> None:
    out = tmp_path / "申报书.pdf"
    result = write_bundle(plan_bundle([], BundleOptions(toc=False)), out, front=FrontMatter(ROT, [("申报书", 0)]))
    reader = PdfReader(out)
    assert len(reader.pages) == 6 and result.evidence_pages == 0
    assert reader.page_labels == ["1", "2", "3", "4", "5", "6"]
    assert "第" not in page_text(out, 1)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="real-world corpus not available")
def test_real_world_corpus(tmp_path: Path) -> None:
    names = ["pdf_rotate_90_180_270_360.pdf", "pdf_mediabox_offset_mixed.pdf", "pdf_tiny_pages_4pt.pdf",
             "pdf_enc_rc4_40_ownerpw.pdf", "pdf_broken_xref_word2019.pdf", "pdf_incremental_acroform_f1040.pdf",
             "pdf_embedded_file_libreoffice.pdf", "pdf_inherited_nested_pagetree.pdf"]
    inputs = [item(f"E{i}", name, "", CORPUS / name) for i, name in enumerate(names)]
    inputs.append(item("E9", "pw", "", CORPUS / "pdf_enc_userpw_libreoffice.pdf", password="openpassword"))
    out = tmp_path / "corpus.pdf"
    result = write_bundle(plan_bundle(inputs), out)
    check = subprocess.run(["qpdf", "--check", str(out)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    for n in range(1, result.evidence_pages + 1):
        assert f"第{n}页" in squeeze(page_text(out, n + 1))


def _raw_pdf(path: Path, contents: list[bytes], compress: bool = True) -> Path:
    """A one-page A4 PDF whose /Contents are ``contents`` (plain Flate streams when ``compress``)."""
    import zlib

    objs = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Count 1/Kids[3 0 R]>>"]
    refs = " ".join(f"{4 + i} 0 R" for i in range(len(contents))).encode()
    objs.append(b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<<>>/Contents[" + refs + b"]>>")
    for data in contents:
        body = zlib.compress(data) if compress else data
        filt = b"/Filter/FlateDecode" if compress else b""
        objs.append(b"<<%s/Length %d>>stream\n" % (filt, len(body)) + body + b"\nendstream")
    from hostile_inputs import pdf_file

    path.write_bytes(pdf_file(objs))
    return path


@pytest.mark.parametrize(("name", "contents", "push", "pop"), [
    # a transformation, then a q left open: popping one level would leave the stamp shrunken and shifted
    ("open_q", [b"0.25 0 0 0.25 200 500 cm q q 0 0 100 100 re f Q"], 1, 2),
    # two Q before any q (prefix underflow, net balanced): poppler would stop at the second Q
    ("early_Q", [b"Q Q q q 0 400 100 100 re f"], 3, 3),
    # an unmatched Q in the second stream of a /Contents array
    ("split", [b"q 10 400 50 50 re f", b"Q Q 0 g"], 2, 1),
])
def test_unbalanced_content_keeps_the_stamp_upright_at_the_bottom(tmp_path: Path, name: str,
                                                                  contents: list[bytes], push: int,
                                                                  pop: int) -> None:
    src = _raw_pdf(tmp_path / f"{name}.pdf", contents)
    out = tmp_path / f"{name}-out.pdf"
    write_bundle(plan_bundle([item("E1", name, "", src)], BundleOptions(toc=False)), out)
    page = PdfReader(out).pages[0]
    first = page["/Contents"][0].get_object().get_data()
    last = page["/Contents"][-1].get_object().get_data()
    assert first == b"q\n" * push
    assert last.split(b"q ", 1)[0].split() == [b"Q"] * pop
    assert "第1页" in squeeze(page_text(out, 1))
    img = render(out, 1, tmp_path)
    w, h = img.size
    ink = img.crop((0, h - 45, w, h - 15)).point(lambda v: 255 if v < 128 else 0).getbbox()
    assert ink is not None, "stamp not drawn at the bottom"
    assert abs((ink[0] + ink[2]) / 2 - w / 2) <= 3 and ink[2] - ink[0] < 60


def test_one_font_object_serves_toc_and_stamps(bundled) -> None:
    out, _, _ = bundled
    reader = PdfReader(out)
    toc_font = reader.pages[0]["/Resources"]["/Font"].raw_get("/F1").idnum
    stamp_font = reader.pages[1]["/Resources"]["/Font"].raw_get("/SkStamp").idnum
    assert toc_font == stamp_font
    assert out.read_bytes().count(b"/FontFile2") + out.read_bytes().count(b"/FontFile3") == 1


def test_bundle_command_imports_no_heavy_libraries(tmp_path: Path) -> None:
    """`skilldoc bundle` of PDFs never loads openpyxl, jinja2, python-docx, fontTools' subsetter, our
    image code or the LibreOffice driver (pypdf itself imports PIL.Image, ~7 ms: not ours to avoid)."""
    import sys

    out = tmp_path / "out.pdf"
    code = ("import runpy, sys; sys.argv = ['skilldoc', 'bundle', *sys.argv[1:]]\n"
            "try:\n    runpy.run_module('skilldoc', run_name='__main__')\n"
            "except SystemExit as e:\n    assert not e.code, e.code\n"
            "heavy = ('openpyxl', 'jinja2', 'docx', 'fontTools.subset', 'numpy', 'skilldoc.evidence.images',"
            " 'skilldoc.workbook', 'skilldoc.pipeline', 'skilldoc.office', 'skilldoc.markup', 'xml.sax',"
            " 'urllib.request')\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy or m in heavy))")
    proc = subprocess.run([sys.executable, "-c", code, str(ROT), str(BOXES), "-o", str(out)],
                          capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"
    assert len(PdfReader(out).pages) == 1 + 6 + 7


# -- skilldoc bundle: checking and copying in one pass ---------------------------------------------

ONE_PASS_FILES = [ROT, BOXES, NESTED, INTER]


def test_one_pass_bundle_matches_the_two_pass_bundle(tmp_path: Path, monkeypatch) -> None:
    from skilldoc.evidence import bundle as bundle_mod
    from skilldoc.evidence import writer
    from skilldoc.evidence.sources import prepare_paths

    def no_second_parse(*args, **kwargs):
        raise AssertionError("the writer opened a PDF that validation had already read")

    one = tmp_path / "one.pdf"
    with monkeypatch.context() as m:
        m.setattr(writer, "PdfReader", no_second_parse)
        result = bundle_mod.bundle_paths(ONE_PASS_FILES, one, tmp_path / "work")
    inputs, _ = prepare_paths(ONE_PASS_FILES, tmp_path / "work2")
    two = tmp_path / "two.pdf"
    reference = write_bundle(plan_bundle(inputs), two)

    assert result.page_map == reference.page_map == {"1": PageRange(1, 6), "2": PageRange(7, 13),
                                                     "3": PageRange(14, 18), "4": PageRange(19, 20)}
    assert (result.evidence_pages, result.toc_pages, result.total_pages) == (20, 1, 21)
    a, b = PdfReader(one), PdfReader(two)
    assert a.page_labels == b.page_labels == ["目录-1"] + [str(n) for n in range(1, 21)]
    assert [o.title for o in a.outline] == [o.title for o in b.outline]
    assert [a.get_destination_page_number(o) for o in a.outline] == [0, 1, 7, 14, 19]
    for n in range(1, 21):
        assert f"第{n}页" in squeeze(page_text(one, n + 1))
        pa, pb = a.pages[n], b.pages[n]
        assert (pa.mediabox, pa.cropbox, pa.get("/Rotate", 0)) == (pb.mediabox, pb.cropbox, pb.get("/Rotate", 0))
        assert stamp_matrix(pa) == stamp_matrix(pb)
    toc = page_text(one, 1)
    assert "目录" in toc and "bnd_rotations" in toc and "7—13" in toc and "19—20" in toc
    assert not re.search(r"第\s*\d+\s*页", toc)
    # one font object for 目录 and stamps, valid file, deterministic, no temporary file left
    assert one.read_bytes().count(b"/FontFile2") + one.read_bytes().count(b"/FontFile3") == 1
    check = subprocess.run(["qpdf", "--check", str(one)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    again = tmp_path / "again.pdf"
    bundle_mod.bundle_paths(ONE_PASS_FILES, again, tmp_path / "work3")
    assert again.read_bytes() == one.read_bytes()
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == ["again.pdf", "one.pdf", "two.pdf"]
    assert not list(tmp_path.glob(".*"))


def test_one_pass_reports_every_problem_together_and_keeps_the_old_output(tmp_path: Path) -> None:
    from skilldoc.evidence.bundle import bundle_paths

    html = tmp_path / "下载失败.pdf"
    html.write_text("<!DOCTYPE html><html><body>登录</body></html>", encoding="utf-8")
    empty = tmp_path / "空.pdf"
    empty.write_bytes(b"")
    out = tmp_path / "合并.pdf"
    out.write_bytes(b"previous output")
    with pytest.raises(EvidenceError) as info:
        bundle_paths([ROT, html, tmp_path / "缺失.pdf", BOXES, empty, ENC], out, tmp_path / "work")
    codes = sorted(p.code for p in info.value.problems)
    assert codes == ["evidence.empty", "evidence.html", "evidence.missing", "evidence.password"]
    assert out.read_bytes() == b"previous output"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["下载失败.pdf", "合并.pdf", "空.pdf"]  # no temp file


def test_one_pass_with_password_warnings_and_progress(tmp_path: Path) -> None:
    from skilldoc.evidence.bundle import bundle_paths

    calls: list[tuple] = []
    out = tmp_path / "out.pdf"
    files = [ENC, RES / "src_embedded_file.pdf", ROT, RES / "src_broken_xref.pdf", RES / "img_exif6.jpg"]
    result = bundle_paths(files, out, tmp_path / "work", BundleOptions(stamp="— {n} —", start=5),
                          password="openpassword", progress=_progress_recorder(calls))
    assert result.page_map["1"].first == 5 and set(result.page_map) == {"1", "2", "3", "4", "5"}
    assert [p.code for p in result.warnings] == ["evidence.attachments", "evidence.repaired"]
    assert calls[0] == ("total", 5) and sum(n for kind, n in calls if kind == "update") == 5
    reader = PdfReader(out)
    assert len(reader.pages) == 1 + result.evidence_pages
    assert "—5—" in squeeze(page_text(out, 2))


def test_total_and_duplex_take_the_two_pass_route(tmp_path: Path) -> None:
    from skilldoc.evidence.bundle import bundle_paths

    out = tmp_path / "total.pdf"
    result = bundle_paths([ROT, TINY], out, tmp_path / "work", BundleOptions(stamp="{n} / {total}"))
    assert result.evidence_pages == 9
    assert "9/9" in squeeze(page_text(out, 10)) and "1/9" in squeeze(page_text(out, 2))
    duplex = bundle_paths([TINY], tmp_path / "duplex.pdf", tmp_path / "work", BundleOptions(duplex=True))
    assert duplex.blank_pages == 1  # the 目录 (1 page) is followed by a blank: evidence starts on page 3


def _progress_recorder(calls: list[tuple]):
    class Bar:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            calls.append(("exit", 0))

        def update(self, n: int) -> None:
            calls.append(("update", n))

    def make(total: int, label: str):
        calls.append(("total", total))
        assert label
        return Bar()

    return make
