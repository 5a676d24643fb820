"""Hostile evidence (issue 9): every run ends in bounded memory, reads nothing outside the
applicant folder and leaves nothing behind.  Every hostile input is built here, in the test."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import textwrap
import time
import unicodedata
import zlib
from pathlib import Path

import openpyxl
import pytest
from hostile_inputs import pdf_content_bomb, pdf_with_content, pdf_with_object_streams, png_bomb, zlib_bomb
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import DecodedStreamObject, NameObject

from skilldoc import api, limits, workdirs
from skilldoc.cli import cli
from skilldoc.errors import EvidenceError, OutputError, Severity
from skilldoc.evidence import writer
from skilldoc.evidence.sources import prepare_inputs, prepare_paths
from skilldoc.form import LAYOUT
from skilldoc.model import EvidenceItem

POSIX = os.name == "posix"


# --- helpers -------------------------------------------------------------------------------------


def peak_mib(code: str, *args: str, timeout: float = 120) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run ``code`` in a fresh interpreter; its peak resident memory (MiB) and the finished process."""
    wrapper = textwrap.dedent("""
        import resource, sys
        sys.argv = [sys.argv[0], *sys.argv[1:]]
        try:
            exec(compile(sys.stdin.read(), "<test>", "exec"))
        finally:
            # VmHWM: this process only (ru_maxrss keeps the forking parent's peak across exec)
            try:
                with open("/proc/self/status") as fh:
                    peak = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
            except (OSError, StopIteration):
                peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            print("PEAK", peak, file=sys.stderr)
    """)
    proc = subprocess.run([sys.executable, "-c", wrapper, *args], input=code, capture_output=True,
                          text=True, timeout=timeout)
    found = re.search(r"PEAK (\d+)", proc.stderr)
    assert found, proc.stderr
    return int(found.group(1)) / 1024, proc


def _item(root: Path, code: str, *paths: Path) -> EvidenceItem:
    return EvidenceItem(code=code, title="材料", part="3.师资队伍", files=tuple(paths), password=None, row=5)


@pytest.fixture
def applicant(tmp_path: Path) -> Path:
    root = tmp_path / "申报"
    (root / LAYOUT.evidence_dir).mkdir(parents=True)
    (root / LAYOUT.workbook).write_bytes(b"placeholder")
    return root


def _good_pdf(path: Path) -> Path:
    path.write_bytes(pdf_with_content(b"BT /F1 12 Tf ET", flate=False))
    return path


def _refused(applicant: Path, code: str, path: Path) -> list:
    """The problems of the one evidence item ``code`` made of ``path`` (which must be refused)."""
    with pytest.raises(EvidenceError) as info:
        prepare_inputs([_item(applicant, code, path)], applicant / "work", root=applicant)
    return info.value.problems


def _errors(exc: EvidenceError) -> list[str]:
    return [p.code for p in exc.problems if p.severity is Severity.ERROR]


# --- PDFs: the q/Q count streams, never inflates a whole stream ---------------------------


def _reference_depths(content: bytes) -> tuple[int, int]:
    """The q/Q reduction over the whole decoded content at once (the behaviour to keep)."""
    ops = b"".join(writer._Q_TOKEN.findall(content))
    if b"Q" not in ops:
        return 1, 1
    while b"qQ" in ops:
        ops = ops.replace(b"qQ", b"")
    a = ops.count(b"Q")
    return 1 + min(a, 64), 1 + min(len(ops) - a, 64)


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64])
def test_chunked_count_equals_the_whole_stream_count_at_every_chunk_boundary(monkeypatch, chunk):
    monkeypatch.setattr(limits, "PDF_INFLATE_CHUNK_BYTES", chunk)
    rng = random.Random(chunk)
    words = [b"q", b"Q", b"q\n", b"Q\n", b"1 0 0 1 0 0 cm", b"(q)", b"/Qx", b"BT", b"ET", b"Qq", b"[", b"]",
             b"qQ", b" ", b"\n"]
    for _ in range(200):
        content = b" ".join(rng.choice(words) for _ in range(rng.randint(0, 30)))
        for flate in (True, False):
            stream = DecodedStreamObject()
            stream._data = zlib.compress(content) if flate else content
            if flate:
                stream[NameObject("/Filter")] = NameObject("/FlateDecode")
            assert writer._save_depths(stream) == _reference_depths(content), content


def test_a_1mb_pdf_inflating_to_a_gigabyte_is_bundled_in_bounded_memory(tmp_path):
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(pdf_content_bomb(pages=3, mib_per_page=1000))
    assert bomb.stat().st_size < 1_200_000  # inflates to about 1 GiB per page
    out = tmp_path / "out.pdf"
    code = f"from skilldoc import api\nr = api.bundle_files([{str(bomb)!r}], {str(out)!r}, toc=False)\n" \
           "print([p.code for p in r.warnings])"
    peak, proc = peak_mib(code)
    assert proc.returncode == 0, proc.stderr
    assert "bundle.content_capped" in proc.stdout  # the clerk is told the page was not scanned to its end
    assert peak < 250, f"peak {peak:.0f} MiB"
    assert len(PdfReader(out).pages) == 3


def test_capped_pages_are_counted_and_shared_streams_scanned_once(monkeypatch):
    monkeypatch.setattr(limits, "PDF_QSCAN_MAX_BYTES_PER_PAGE", 10_000)
    stream = DecodedStreamObject()
    stream._data = zlib_bomb(b"q " * 5_000, 10)
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    scan = writer._QScan()
    assert writer._save_depths(stream, scan) == (1, 1)  # past the cap: the rest taken as balanced
    assert scan.capped_pages == 1 and scan.budget == limits.PDF_QSCAN_MAX_BYTES_PER_FILE - 10_000


def test_dense_q_content_is_cut_off_by_the_token_budget(monkeypatch):
    monkeypatch.setattr(limits, "PDF_QSCAN_MAX_TOKENS_PER_FILE", 1000)
    monkeypatch.setattr(limits, "PDF_INFLATE_CHUNK_BYTES", 512)
    stream = DecodedStreamObject()
    stream._data = zlib.compress(b"Q " + b"q Q " * 5_000)
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    scan = writer._QScan()
    assert writer._save_depths(stream, scan)[0] == 2  # the leading extra Q was still seen
    assert scan.capped_pages == 1 and 0 <= scan.tokens < 1000


def test_pdf_with_too_many_pages_is_refused_with_its_item(applicant, monkeypatch):
    monkeypatch.setattr(limits, "PDF_MAX_PAGES", 5)
    path = applicant / "证明材料" / "厚.pdf"
    path.write_bytes(pdf_with_content(b"", flate=False, pages=6))
    (problem,) = _refused(applicant, "E07", path)
    assert problem.code == "evidence.pdf_too_large" and problem.location.item == "E07"
    assert "6 页" in problem.message and "拆分" in (problem.hint or "")


def test_object_stream_bomb_is_refused_before_pypdf_decodes_it(applicant, monkeypatch):
    monkeypatch.setattr(limits, "PDF_MAX_OBJECT_STREAM_BYTES", 1 * limits.MiB)
    fine = applicant / "证明材料" / "对象流.pdf"
    fine.write_bytes(pdf_with_object_streams(3, 64 * 1024))
    inputs, _ = prepare_inputs([_item(applicant, "E01", fine)], applicant / "work", root=applicant)
    assert inputs[0].pages == 3  # ordinary object streams are read as before
    bomb = applicant / "证明材料" / "炸弹.pdf"
    bomb.write_bytes(pdf_with_object_streams(2, 2 * limits.MiB))
    assert bomb.stat().st_size < 20_000
    (problem,) = _refused(applicant, "E02", bomb)
    assert problem.code == "evidence.pdf_too_large" and "对象流" in problem.message


def test_oversized_file_is_refused_before_it_is_read(applicant, monkeypatch):
    monkeypatch.setattr(limits, "EVIDENCE_MAX_FILE_BYTES", 1000)
    path = applicant / "证明材料" / "大.pdf"
    path.write_bytes(pdf_with_content(b" " * 2000, flate=False))
    assert [p.code for p in _refused(applicant, "E02", path)] == ["evidence.too_large"]


# --- images: the decoded memory of every frame, from the headers ------------------------------


def test_png_rgba_bomb_is_refused_from_its_header_naming_file_and_item(applicant):
    path = applicant / "证明材料" / "截图.png"
    path.write_bytes(png_bomb(30_000, 30_000, full=False))  # 3.4 GB of RGBA, under the old pixel limit
    (problem,) = _refused(applicant, "E18", path)
    assert problem.code == "evidence.image_too_large"
    assert problem.location.item == "E18" and problem.location.file.endswith("截图.png")
    assert "30000×30000" in problem.message and "MB" in problem.message
    assert "降低" in problem.hint and "JPEG" in problem.hint


def test_png_bomb_peak_memory_stays_small(tmp_path):
    path = tmp_path / "bomb.png"
    path.write_bytes(png_bomb(20_000, 20_000, full=False))
    code = (f"from skilldoc.evidence.images import image_to_pdf, ImageTooLarge\n"
            f"try:\n    image_to_pdf({str(path)!r}, {str(tmp_path / 'x.pdf')!r})\n"
            f"except ImageTooLarge as e:\n    print('REFUSED', e)\n")
    peak, proc = peak_mib(code)
    assert "REFUSED" in proc.stdout and peak < 150


def test_all_frames_of_a_multipage_tiff_count(applicant, monkeypatch):
    monkeypatch.setattr(limits, "IMAGE_MAX_DECODED_TOTAL_BYTES", 1 * limits.MiB)
    path = applicant / "证明材料" / "扫描.tif"
    frames = [Image.new("RGB", (300, 300), (i * 40, 0, 0)) for i in range(4)]  # 360 KB each decoded
    frames[0].save(path, save_all=True, append_images=frames[1:], compression="tiff_deflate")
    (problem,) = _refused(applicant, "E05", path)
    assert problem.code == "evidence.image_too_large" and "共 4 页" in problem.message


def test_compressed_pages_kept_are_bounded_too(applicant, monkeypatch):
    monkeypatch.setattr(limits, "IMAGE_MAX_ENCODED_BYTES", 200_000)
    path = applicant / "证明材料" / "噪点.tif"
    rng = random.Random(1)
    frames = [Image.frombytes("L", (300, 300), rng.randbytes(300 * 300)) for _ in range(4)]  # incompressible
    frames[0].save(path, save_all=True, append_images=frames[1:])
    (problem,) = _refused(applicant, "E05", path)
    assert problem.code == "evidence.image_too_large" and "前 3 页" in problem.message


def test_sixteen_bit_frames_count_as_converted(applicant, monkeypatch):
    # a 16-bit grey scan is converted to 32-bit on the way: 4 bytes a pixel, not 2
    monkeypatch.setattr(limits, "IMAGE_MAX_FRAME_BYTES", 300 * 300 * 3)
    path = applicant / "证明材料" / "灰度.png"
    Image.new("I;16", (300, 300), 1000).save(path)
    assert [p.code for p in _refused(applicant, "E06", path)] == ["evidence.image_too_large"]


def test_too_many_frames_are_refused(applicant, monkeypatch):
    monkeypatch.setattr(limits, "IMAGE_MAX_FRAMES", 3)
    path = applicant / "证明材料" / "多页.tif"
    frames = [Image.new("L", (8, 8), i) for i in range(4)]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    assert [p.code for p in _refused(applicant, "E08", path)] == ["evidence.image_too_large"]


def test_images_within_the_budget_still_convert(applicant):
    path = applicant / "证明材料" / "照片.png"
    Image.new("RGBA", (400, 300), (10, 20, 30, 128)).save(path)
    inputs, _ = prepare_inputs([_item(applicant, "E09", path)], applicant / "work", root=applicant)
    assert inputs[0].pages == 1


# --- special files -------------------------------------------------------------------------


@pytest.mark.skipif(not POSIX, reason="FIFOs are POSIX")
def test_fifo_listed_as_evidence_is_refused_without_blocking(applicant):
    fifo = applicant / "证明材料" / "管道.pdf"
    os.mkfifo(fifo)
    start = time.monotonic()
    with pytest.raises(EvidenceError) as info:
        prepare_inputs([_item(applicant, "E03", fifo)], applicant / "work", root=applicant)
    assert time.monotonic() - start < 10
    (problem,) = info.value.problems
    assert problem.code == "evidence.special" and "命名管道" in problem.message


@pytest.mark.skipif(not POSIX, reason="Unix sockets")
def test_socket_listed_as_evidence_is_refused(tmp_path):
    import socket

    applicant = tmp_path / "a"  # a short path: a socket's path is limited to about 100 bytes
    (applicant / "证明材料").mkdir(parents=True)
    path = applicant / "证明材料" / "s.pdf"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        (problem,) = _refused(applicant, "E03", path)
    assert problem.code == "evidence.special" and "套接字" in problem.message


@pytest.mark.skipif(not POSIX, reason="/dev/zero is POSIX")
def test_dev_zero_is_a_device_not_an_empty_file(tmp_path, runner):
    result = runner.invoke(cli, ["bundle", "/dev/zero", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == EvidenceError.exit_code, result.output
    assert "设备文件" in result.output and "0 字节" not in result.output
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.skipif(not POSIX, reason="FIFOs are POSIX")
def test_bundle_of_a_fifo_ends_with_its_own_message(tmp_path):
    fifo = tmp_path / "fifo.pdf"
    os.mkfifo(fifo)
    proc = subprocess.run([sys.executable, "-m", "skilldoc", "bundle", str(fifo), "-o", str(tmp_path / "o.pdf")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == EvidenceError.exit_code and "命名管道" in proc.stderr


# --- containment ------------------------------------------------------------------------------


def test_symlink_to_a_file_outside_is_refused(applicant, tmp_path):
    secret = _good_pdf(tmp_path / "elsewhere.pdf")
    link = applicant / "证明材料" / "链接.pdf"
    link.symlink_to(secret)
    (problem,) = _refused(applicant, "E04", link)
    assert problem.code == "evidence.outside" and problem.location.item == "E04"
    assert "符号链接" in problem.message and "复制到 证明材料/" in problem.hint


def test_symlinked_folder_leading_outside_is_refused(applicant, tmp_path):
    outside = tmp_path / "共享盘"
    outside.mkdir()
    _good_pdf(outside / "a.pdf")
    (applicant / "证明材料" / "共享").symlink_to(outside, target_is_directory=True)
    with pytest.raises(EvidenceError) as info:
        prepare_inputs([_item(applicant, "E04", applicant / "证明材料" / "共享" / "a.pdf")],
                       applicant / "work", root=applicant)
    assert _errors(info.value) == ["evidence.outside"]


def test_dotdot_and_absolute_paths_outside_are_refused(applicant, tmp_path):
    outside = _good_pdf(tmp_path / "别处.pdf")
    dotdot = Path(os.path.normpath(applicant / ".." / "别处.pdf"))
    with pytest.raises(EvidenceError) as info:
        prepare_inputs([_item(applicant, "E01", dotdot), _item(applicant, "E02", outside)],
                       applicant / "work", root=applicant)
    assert _errors(info.value) == ["evidence.outside", "evidence.outside"]
    assert all("申报文件夹之外" in p.message for p in info.value.problems)


def test_links_inside_the_folder_and_explicit_bundle_paths_keep_working(applicant, tmp_path):
    real = _good_pdf(applicant / "证明材料" / "原件.pdf")
    (applicant / "证明材料" / "别名.pdf").symlink_to(real)
    inputs, _ = prepare_inputs([_item(applicant, "E01", applicant / "证明材料" / "别名.pdf")],
                               applicant / "work", root=applicant)
    assert inputs[0].pages == 1
    outside = _good_pdf(tmp_path / "外部.pdf")
    link = tmp_path / "link.pdf"
    link.symlink_to(outside)
    inputs, _ = prepare_paths([outside, link], tmp_path / "work")  # skilldoc bundle: as given
    assert [i.pages for i in inputs] == [1, 1]


def test_symlinked_office_file_never_reaches_libreoffice(applicant, tmp_path, monkeypatch):
    secret = tmp_path / "passwd.docx"
    secret.write_bytes(b"PK\x03\x04 secret")
    (applicant / "证明材料" / "合同.docx").symlink_to(secret)
    calls: list[object] = []
    from skilldoc import office

    monkeypatch.setattr(office, "convert_many", lambda *a, **k: calls.append(a) or {})
    with pytest.raises(EvidenceError):
        prepare_inputs([_item(applicant, "E10", applicant / "证明材料" / "合同.docx")], applicant / "work",
                       root=applicant)
    assert calls == []


@pytest.mark.parametrize("on_disk, typed", [
    (unicodedata.normalize("NFD", "Résumé-김철수.pdf"), "Résumé-김철수.pdf"),
    ("营业执照 .pdf", "营业执照.pdf"),
    ("营业执照.pdf ", "营业执照.pdf"),
])
def test_names_differing_by_normalisation_or_trailing_space_match_with_a_warning(applicant, on_disk, typed):
    _good_pdf(applicant / "证明材料" / on_disk)
    inputs, problems = prepare_inputs([_item(applicant, "E11", applicant / "证明材料" / typed)],
                                      applicant / "work", root=applicant)
    assert inputs[0].files[0].origin.name == on_disk
    assert [p.code for p in problems] == ["evidence.name_normalised"]


# --- exit codes, end to end ----------------------------------------------------------------


def _evidence_cell(workbook: Path, code: str) -> str:
    wb = openpyxl.load_workbook(workbook)
    sheet = wb[LAYOUT.sheets["evidence"]]
    header = next(r for r in sheet.iter_rows() if any(c.value == "文件" for c in r))
    column = next(c.column_letter for c in header if c.value == "文件")
    for row in sheet.iter_rows(min_row=header[0].row + 1):
        if row[0].value == code:
            return f"{column}{row[0].row}"
    raise AssertionError(code)


@pytest.mark.slow
def test_check_and_build_exit_4_for_the_same_unusable_evidence(sample_dir, runner, tmp_path):
    target = sample_dir / "证明材料" / "E04-制造业发展规划摘录.pdf"
    target.unlink()
    target.symlink_to(_good_pdf(tmp_path / "outside.pdf"))
    checked = runner.invoke(cli, ["check", str(sample_dir)])
    built = runner.invoke(cli, ["build", str(sample_dir)])
    assert checked.exit_code == built.exit_code == EvidenceError.exit_code, checked.output + built.output
    assert "E04" in checked.output and "符号链接" in built.output
    assert not (sample_dir / "output" / "申报书.docx").exists()


@pytest.mark.slow
def test_dotdot_in_the_workbook_is_refused_by_check(sample_dir, tmp_path):
    workbook = sample_dir / LAYOUT.workbook
    _good_pdf(sample_dir.parent / "外面.pdf")
    wb = openpyxl.load_workbook(workbook)
    wb[LAYOUT.sheets["evidence"]][_evidence_cell(workbook, "E05")] = "../外面.pdf"
    wb.save(workbook)
    report = api.check(sample_dir)
    assert report.evidence_failed
    outside = [p for p in report.errors if p.code == "evidence.outside"]
    assert len(outside) == 1 and outside[0].location.item == "E05"


# --- nothing left behind -----------------------------------------------------------------------


_KILLED = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from skilldoc.workdirs import work_folder
    with work_folder(sys.argv[1], Path(sys.argv[2]) if len(sys.argv) > 2 else None) as path:
        (path / "half.pdf").write_bytes(b"%PDF-")
        print(path, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
""")


def _killed_run(prefix: str, parent: Path | None = None) -> Path:
    args = [prefix, *([str(parent)] if parent else [])]
    proc = subprocess.run([sys.executable, "-c", _KILLED, *args], capture_output=True, text=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL
    left = Path(proc.stdout.strip())
    assert left.is_dir()  # what a killed run leaves
    return left


@pytest.mark.skipif(not POSIX, reason="SIGKILL is POSIX")
def test_next_build_removes_what_a_killed_build_left(sample_dir, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    left_out = _killed_run(".skilldoc-", out)
    left_tmp = _killed_run("skilldoc-")
    unrelated = out / ".skilldoc-notes"  # not a name we make: kept
    unrelated.mkdir()
    api.build(sample_dir, out_dir=out)
    assert not left_out.exists() and not left_tmp.exists() and unrelated.is_dir()
    assert sorted(p.name for p in out.iterdir()) == [".skilldoc-notes", "申报书.docx", "证明材料.pdf"]


@pytest.mark.skipif(not POSIX, reason="SIGKILL is POSIX")
def test_next_bundle_removes_what_a_killed_bundle_left_beside_its_output(tmp_path):
    out_dir = tmp_path / "合并"
    out_dir.mkdir()
    left = _killed_run(".skilldoc-", out_dir)  # a bundle writing out_dir/合并.pdf, killed halfway
    source = _good_pdf(tmp_path / "a.pdf")
    api.bundle_files([source], out_dir / "合并.pdf", toc=False)
    assert not left.exists()
    assert [p.name for p in out_dir.iterdir()] == ["合并.pdf"]


@pytest.mark.skipif(not POSIX, reason="subprocess + flock")
def test_a_running_process_keeps_its_folder(tmp_path):
    code = textwrap.dedent("""
        import sys, time
        from pathlib import Path
        from skilldoc.workdirs import work_folder
        with work_folder(".skilldoc-", Path(sys.argv[1])) as path:
            print(path, flush=True)
            time.sleep(60)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        alive = Path(proc.stdout.readline().strip())
        assert workdirs.sweep(tmp_path, ".skilldoc-") == [] and alive.is_dir()
    finally:
        proc.kill()
        proc.wait()
        assert proc.stdout is not None
        proc.stdout.close()
    assert workdirs.sweep(tmp_path, ".skilldoc-") == [alive] and not alive.exists()


def test_lockless_leftovers_are_removed_only_when_old(tmp_path):
    young, old = tmp_path / ".skilldoc-aaaaaaaa", tmp_path / ".skilldoc-bbbbbbbb"
    young.mkdir()
    old.mkdir()
    past = time.time() - limits.STALE_UNLOCKED_WORKDIR_SECONDS - 60
    os.utime(old, (past, past))
    assert workdirs.sweep(tmp_path, ".skilldoc-") == [old] and young.is_dir()


@pytest.mark.skipif(not POSIX, reason="subprocess + flock")
def test_second_build_into_the_same_folder_is_told_another_is_running(sample_dir, tmp_path, runner):
    out = tmp_path / "out"
    out.mkdir()
    code = textwrap.dedent("""
        import sys, time
        from pathlib import Path
        from skilldoc.workdirs import FolderLock
        with FolderLock(Path(sys.argv[1])):
            print("locked", flush=True)
            time.sleep(60)
    """)
    holder = subprocess.Popen([sys.executable, "-c", code, str(out)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(OutputError) as info:
            api.build(sample_dir, out_dir=out)
        (problem,) = info.value.problems
        assert problem.code == "output.busy" and f"进程号 {holder.pid}" in problem.message
        result = runner.invoke(cli, ["build", str(sample_dir), "-o", str(out)])
        assert result.exit_code == OutputError.exit_code and "另一个 skilldoc" in result.output
    finally:
        holder.kill()
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()
    api.build(sample_dir, out_dir=out)  # the lock went with its process
    assert not (out / workdirs.FOLDER_LOCK_NAME).exists()


@pytest.mark.skipif(not POSIX, reason="RLIMIT_AS is POSIX")
def test_libreoffice_runs_under_the_address_space_and_cpu_caps():
    import functools

    from skilldoc import office

    code = "import resource as r; print(r.getrlimit(r.RLIMIT_AS)[0], r.getrlimit(r.RLIMIT_CPU)[0])"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          preexec_fn=functools.partial(office._limit_child, 180))
    assert proc.stdout.split() == [str(limits.OFFICE_MAX_ADDRESS_SPACE_BYTES), "180"]
