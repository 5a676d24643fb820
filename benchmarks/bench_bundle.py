"""Benchmark: `skilldoc bundle` against `qpdf --empty --pages FILES -- out.pdf`, in the same run.

    python benchmarks/bench_bundle.py                      # 100 files / 1,000 pages
    python benchmarks/bench_bundle.py --files 1000         # 1,000 files / 10,000 pages
    python benchmarks/bench_bundle.py --repeat 5 --keep

Each side runs as its own subprocess under ``/usr/bin/time`` (wall, user+sys CPU,
peak RSS); the runs are interleaved (qpdf, cli, write, qpdf, cli, write, …) so
background load hits all sides alike.  Reported per side: best and median wall
time, median CPU, peak RSS (the largest of the runs), output size against the
inputs; against qpdf: median wall / median qpdf wall, the median of each
round's ratio (paired: same background load) and median CPU / median qpdf CPU.  Sides:

* ``qpdf``  — concatenation without stamping (the reference);
* ``cli``   — ``python -m skilldoc bundle FILES -o OUT`` end to end: validating
  every file (sources.py), planning, 目录, stamping, writing;
* ``write`` — ``plan_bundle`` + ``write_bundle`` only, page counts known (what
  ``skilldoc build`` pays after its checks), in a fresh interpreter.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))


def child_write(counts_json: str, out: str) -> None:
    """Run plan_bundle + write_bundle on files whose page counts are known."""
    from skilldoc.evidence.bundle import BundleOptions, plan_bundle, write_bundle
    from skilldoc.evidence.sources import BundleInput, SourceFile

    counts = json.loads(Path(counts_json).read_text())
    inputs = [BundleInput(str(i + 1), Path(p).stem, "", (SourceFile(Path(p), Path(p), n, "pdf", None, ()),), n)
              for i, (p, n) in enumerate(counts)]
    write_bundle(plan_bundle(inputs, BundleOptions()), Path(out))


def timed(cmd: list[str]) -> dict[str, float]:
    """Run ``cmd``; wall seconds, CPU seconds and peak RSS (MiB) of the child."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        full = ["/usr/bin/time", "-o", tf.name, "-f", "%e %U %S %M", *cmd]
        proc = subprocess.run(full, capture_output=True, text=True)
        if proc.returncode not in (0, 3):  # qpdf exits 3 for "succeeded with warnings"
            raise SystemExit(f"failed: {' '.join(cmd[:4])} …\n{proc.stderr[-2000:]}")
        wall, user, system, rss_kb = tf.read().split()[-4:]
    return {"wall": float(wall), "cpu": float(user) + float(system), "rss": int(rss_kb) / 1024}


def main() -> None:
    ap = argparse.ArgumentParser(description="bundle vs qpdf")
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--pages", type=int, default=10, help="pages per file")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--corpus", type=Path, default=None, help="corpus folder (made if missing)")
    ap.add_argument("--keep", action="store_true", help="keep the outputs")
    ap.add_argument("--sides", default="qpdf,cli,write")
    ap.add_argument("--child-write", nargs=2, metavar=("COUNTS", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child_write:
        child_write(*args.child_write)
        return

    from make_corpus import make_corpus
    from pypdf import PdfReader

    corpus = args.corpus or Path(tempfile.gettempdir()) / f"skilldoc-bench-{args.files}x{args.pages}"
    files = sorted(corpus.glob("*.pdf")) if corpus.is_dir() else []
    if len(files) != args.files:
        shutil.rmtree(corpus, ignore_errors=True)
        files = make_corpus(corpus, args.files, args.pages)
    in_size = sum(f.stat().st_size for f in files)
    pages = sum(len(PdfReader(f).pages) for f in files)
    work = Path(tempfile.mkdtemp(prefix="skilldoc-bench-out-"))
    counts = work / "counts.json"
    counts.write_text(json.dumps([(str(f), len(PdfReader(f).pages)) for f in files]))
    env_py = [sys.executable]
    commands = {
        "qpdf": ["qpdf", "--empty", "--pages", *map(str, files), "--", str(work / "qpdf.pdf")],
        "cli": [*env_py, "-m", "skilldoc", "bundle", *map(str, files), "-o", str(work / "cli.pdf")],
        "write": [*env_py, str(HERE / "bench_bundle.py"), "--child-write", str(counts), str(work / "write.pdf")],
    }
    sides = [s for s in args.sides.split(",") if s in commands]
    runs: dict[str, list[dict[str, float]]] = {s: [] for s in sides}
    os.environ["PYTHONPATH"] = str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")
    for _ in range(args.repeat):
        for side in sides:
            runs[side].append(timed(commands[side]))

    print(f"corpus: {len(files)} files, {pages} pages, {in_size / 2**20:.1f} MiB ({corpus})")
    print(f"runs: {args.repeat} interleaved; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print()
    print(f"{'side':6} {'wall best':>9} {'wall med':>9} {'cpu med':>8} {'peak RSS':>9} {'output':>19}"
          f" {'vs qpdf: med wall':>17} {'paired med':>10} {'med cpu':>8}")
    ref = runs.get("qpdf")
    for side in sides:
        r = runs[side]
        wall = min(x["wall"] for x in r)
        med = statistics.median(x["wall"] for x in r)
        cpu = statistics.median(x["cpu"] for x in r)
        rss = max(x["rss"] for x in r)
        out = work / f"{side}.pdf"
        size = out.stat().st_size
        ratio = ""
        if ref and side != "qpdf":
            ref_med = statistics.median(x["wall"] for x in ref)
            ref_cpu = statistics.median(x["cpu"] for x in ref)
            # each run against the qpdf run of the same round (the same background load)
            paired = statistics.median(x["wall"] / q["wall"] for x, q in zip(r, ref, strict=True))
            ratio = f"{med / ref_med:16.2f}× {paired:9.2f}× {cpu / ref_cpu:7.2f}×"
        print(f"{side:6} {wall:8.2f}s {med:8.2f}s {cpu:7.2f}s {rss:7.0f}Mi {size / 2**20:8.1f}Mi"
              f" ({size / in_size - 1:+.1%}) {ratio}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"outputs kept in {work}")


if __name__ == "__main__":
    main()
