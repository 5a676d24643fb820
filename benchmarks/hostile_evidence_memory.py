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
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data_samples" / "demo"


# --- hostile inputs (tests/hostile_inputs.py builds them) -----------------------------------


def bomb_cases() -> dict[str, tuple[str, Callable[[], bytes]]]:
    from hostile_inputs import pdf_content_bomb, pdf_with_object_streams, png_bomb, tiff_shared_strip

    return {
        "pdf-flate-bomb": ("bomb.pdf", pdf_content_bomb),  # 3 pages sharing 1 GiB of "q Q "
        # every page object in its own object stream padded with 70 MB of spaces (under pypdf's
        # 75 MB output limit: pypdf keeps each and walks the spaces byte by byte)
        "pdf-objstm-bomb": ("objstm.pdf", lambda: pdf_with_object_streams(12, 70 * 1024 * 1024)),
        # 225 Mpx: under the old 250 Mpx limit
        "png-rgba-15000²": ("rgba.png", lambda: png_bomb(15000, 15000)),
        "png-16bit-15000²": ("grey16.png", lambda: png_bomb(15000, 15000, color_type=0, bits=16)),
        # each page under every per-frame limit, 2.3 GB decoded together
        "tiff-12-pages-7000²": ("pages.tif", lambda: tiff_shared_strip(12, 7000)),
    }


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
    sys.path.insert(0, str(ROOT / "tests"))
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

        def bundle(name: str, make: Callable[[], bytes]) -> tuple[Path, list[str]]:
            path = base / name
            path.write_bytes(make())
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
            case: (lambda file_name=file_name, make=make: bundle(file_name, make))
            for case, (file_name, make) in bomb_cases().items()
        }
        cases.update({
            "fifo": fifo,
            "/dev/zero": lambda: special("/dev/zero"),
            "symlink-out (check)": symlink,
        })
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
