"""Peak memory and time of skilldoc on hostile evidence (issue 9), one row per class.

    python benchmarks/hostile_evidence_memory.py                        # this checkout
    python benchmarks/hostile_evidence_memory.py --python /work/main/.venv/bin/python   # another one ("before")

Every input is built here in a scratch folder (nothing large is kept).  Each case runs
``PYTHON -m skilldoc …`` as its own process under ``/usr/bin/time`` (peak RSS of the process and
the children it waited for), with its address space capped (``--cap-gib``, default 4) so that a
version without limits fails with MemoryError instead of taking the machine, and a timeout
(``--timeout``, default 60 s) for one that blocks.  Printed: input, size on disk, peak MiB,
seconds, outcome (exit code and the first message line).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data_samples" / "demo"


# --- hostile inputs --------------------------------------------------------------------


def zlib_bomb(unit: bytes, copies: int) -> bytes:
    """A valid zlib stream of ``unit`` × (copies + 1), about len(deflated unit) × copies bytes."""
    c = zlib.compressobj(9)
    head = c.compress(unit) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(unit) + c.flush(zlib.Z_FULL_FLUSH)
    adler = zlib.adler32(unit)
    for _ in range(copies):
        adler = zlib.adler32(unit, adler)
    return head + block * copies + b"\x03\x00" + adler.to_bytes(4, "big")


def pdf_bomb(path: Path) -> None:
    """~1 MB: three pages sharing one Flate content stream of 1 GiB of "q Q "."""
    content = zlib_bomb(b"q Q " * (1 << 18), 1023)
    kids = "3 0 R 4 0 R 5 0 R"
    objs = [b"<</Type/Catalog/Pages 2 0 R>>", f"<</Type/Pages/Kids[{kids}]/Count 3>>".encode()]
    objs += [b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 6 0 R/Resources<<>>>>"] * 3
    objs.append(b"<</Filter/FlateDecode/Length %d>>\nstream\n" % len(content) + content + b"\nendstream")
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for num, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(bytes(out))


def objstm_bomb(path: Path, pages: int = 12, padding: int = 70 * 1024 * 1024) -> None:
    """~850 KB: every page object in its own object stream padded with 70 MB of spaces (under
    pypdf's 75 MB output limit: pypdf keeps each and walks the spaces byte by byte)."""
    import struct

    out = bytearray(b"%PDF-1.7\n")
    offsets: dict[int, int] = {}
    kids = " ".join(f"{3 + i} 0 R" for i in range(pages))
    for num, body in ((1, b"<</Type/Catalog/Pages 2 0 R>>"), (2, f"<</Type/Pages/Kids[{kids}]/Count {pages}>>".encode())):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    for i in range(pages):
        header = f"{3 + i} 0 ".encode()
        c = zlib.compressobj(9)
        parts = [c.compress(header + b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>")]
        parts += [c.compress(b" " * (1 << 20)) for _ in range(padding >> 20)]
        data = b"".join(parts) + c.flush()
        offsets[100 + i] = len(out)
        out += (b"%d 0 obj\n<</Type/ObjStm/N 1/First %d/Filter/FlateDecode/Length %d>>\nstream\n"
                % (100 + i, len(header), len(data)) + data + b"\nendstream\nendobj\n")
    size = 100 + pages + 1
    xpos = len(out)
    rows = [struct.pack(">BIH", 1, offsets[n], 0) if n in offsets
            else struct.pack(">BIH", 2, 100 + n - 3, 0) if 3 <= n < 3 + pages
            else struct.pack(">BIH", 1, xpos, 0) if n == size - 1
            else struct.pack(">BIH", 0, 0, 0) for n in range(size)]
    xdata = zlib.compress(b"".join(rows))
    out += (b"%d 0 obj\n<</Type/XRef/Size %d/W[1 4 2]/Root 1 0 R/Filter/FlateDecode/Length %d>>\nstream\n"
            % (size - 1, size, len(xdata)) + xdata + b"\nendstream\nendobj\n")
    out += b"startxref\n%d\n%%%%EOF\n" % xpos
    path.write_bytes(bytes(out))


def _png(path: Path, width: int, height: int, color_type: int, bits: int, channels: int) -> None:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    row = b"\0" * (1 + width * channels * bits // 8)
    idat = zlib_bomb(row * 16, height // 16 - 1)
    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([bits, color_type, 0, 0, 0])
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def png_rgba(path: Path) -> None:
    """15000 × 15000 RGBA (225 Mpx: under the old 250 Mpx limit), all transparent."""
    _png(path, 15000, 15000, 6, 8, 4)


def png_16bit(path: Path) -> None:
    """15000 × 15000 16-bit grey: converted to 32-bit on the way."""
    _png(path, 15000, 15000, 0, 16, 1)


def tiff_pages(path: Path, pages: int = 12, side: int = 7000) -> None:
    """``pages`` pages of ``side``² RGB (each under every per-frame limit; 2.3 GB decoded together),
    all sharing one Deflate strip of zeros: a 200 KB file."""
    import struct

    strip = zlib_bomb(b"\0" * (side * 3), side - 1)
    head = 8
    bps_at, strip_at = head, head + 8
    ifd_at = strip_at + len(strip) + (len(strip) & 1)
    entries = [(256, 4, 1, side), (257, 4, 1, side), (258, 3, 3, bps_at), (259, 3, 1, 8), (262, 3, 1, 2),
               (273, 4, 1, strip_at), (277, 3, 1, 3), (278, 4, 1, side), (279, 4, 1, len(strip)),
               (284, 3, 1, 1)]
    size = 2 + 12 * len(entries) + 4
    out = bytearray(b"II*\x00" + struct.pack("<I", ifd_at))
    out += struct.pack("<3H", 8, 8, 8) + b"\0\0" + strip + b"\0" * (len(strip) & 1)
    for page in range(pages):
        nxt = ifd_at + size * (page + 1) if page + 1 < pages else 0
        out += struct.pack("<H", len(entries))
        for tag, kind, count, value in entries:
            packed = struct.pack("<H", value) + b"\0\0" if kind == 3 and count == 1 else struct.pack("<I", value)
            out += struct.pack("<HHI", tag, kind, count) + packed
        out += struct.pack("<I", nxt)
    path.write_bytes(bytes(out))


def applicant_with(link_to: Path, base: Path) -> Path:
    """A copy of the sample applicant whose E04 file is a symbolic link to ``link_to``."""
    root = base / "申报"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("output"))
    target = root / "证明材料" / "E04-制造业发展规划摘录.pdf"
    target.unlink()
    target.symlink_to(link_to)
    return root


# --- running one case ------------------------------------------------------------------------


def run(python: str, args: list[str], cap: int, timeout: float, cwd: Path) -> tuple[float, float, str]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    cmd = ["/usr/bin/time", "-f", "TIME %M %e", python, "-m", "skilldoc", *args]
    start = time.monotonic()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, preexec_fn=limit,
                              cwd=cwd, stdin=subprocess.DEVNULL, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    except subprocess.TimeoutExpired:
        return float("nan"), time.monotonic() - start, f"超时（{timeout:g} 秒仍未结束，已终止）"
    lines = proc.stderr.strip().splitlines() + proc.stdout.strip().splitlines()
    stats = next((line for line in reversed(lines) if line.startswith("TIME ")), "TIME 0 0")
    _, rss_kib, seconds = stats.split()
    messages = [line.strip() for line in lines if line.strip() and not line.startswith(("TIME ", "Command "))]
    wanted = ("MemoryError", "E04", "错误：", "已生成")
    detail = next((m for key in wanted for m in messages if key in m), messages[0] if messages else "")
    return int(rss_kib) / 1024, float(seconds), f"退出码 {proc.returncode}：{detail[:70]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--python", default=sys.executable, help="the interpreter whose skilldoc is measured")
    parser.add_argument("--cap-gib", type=float, default=4.0, help="address-space cap of each run")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--only", default="", help="comma-separated case names")
    opts = parser.parse_args()
    cap = int(opts.cap_gib * 1024 ** 3)
    with tempfile.TemporaryDirectory(prefix="hostile-bench-") as tmp:
        base = Path(tmp)
        secret = base / "outside.pdf"
        shutil.copy(next((SAMPLE / "证明材料").glob("*.pdf")), secret)

        def bundle(name: str, make: Callable[[Path], None]) -> tuple[Path, list[str]]:
            path = base / name
            make(path)
            return path, ["bundle", str(path), "-o", str(base / "out.pdf"), "--no-toc"]

        def special(path: str) -> tuple[Path, list[str]]:
            return Path(path), ["bundle", path, "-o", str(base / "out.pdf"), "--no-toc"]

        def fifo() -> tuple[Path, list[str]]:
            path = base / "fifo.pdf"
            os.mkfifo(path)
            return special(str(path))

        def symlink() -> tuple[Path, list[str]]:
            root = applicant_with(secret, base / "link")
            return root / "证明材料" / "E04-制造业发展规划摘录.pdf", ["check", str(root)]

        cases: dict[str, Callable[[], tuple[Path, list[str]]]] = {
            "pdf-flate-bomb": lambda: bundle("bomb.pdf", pdf_bomb),
            "pdf-objstm-bomb": lambda: bundle("objstm.pdf", objstm_bomb),
            "png-rgba-15000²": lambda: bundle("rgba.png", png_rgba),
            "png-16bit-15000²": lambda: bundle("grey16.png", png_16bit),
            "tiff-12-pages-7000²": lambda: bundle("pages.tif", tiff_pages),
            "fifo": fifo,
            "/dev/zero": lambda: special("/dev/zero"),
            "symlink-out (check)": symlink,
        }
        wanted = [c for c in opts.only.split(",") if c] or list(cases)
        print(f"python: {opts.python}  (address space capped at {opts.cap_gib:g} GiB, timeout {opts.timeout:g} s)")
        print(f"{'input':<22}{'size on disk':>14}{'peak MiB':>10}{'seconds':>9}  outcome")
        for name in wanted:
            path, args = cases[name]()
            size = path.lstat().st_size if path.is_symlink() or not path.exists() else (
                path.stat().st_size if path.is_file() else 0)
            peak, seconds, outcome = run(opts.python, args, cap, opts.timeout, base)
            shown = f"{size / 1024:,.0f} KiB"
            print(f"{name:<22}{shown:>14}{peak:>10.0f}{seconds:>9.1f}  {outcome}", flush=True)


if __name__ == "__main__":
    main()
