"""Benchmark: what the caches buy where users wait, as ratios measured in one run.

    python benchmarks/bench_cache.py                   # 5 interleaved rounds
    python benchmarks/bench_cache.py --repeat 9 --baseline main

Three comparisons, each side a fresh subprocess (wall time by ``time.perf_counter`` around
``subprocess.run``), sides interleaved round by round so background load hits them alike:

1. ``skilldoc check`` of the bundled sample (one .docx evidence file): **cold** — an empty
   ``$SKILLDOC_CACHE_DIR`` every round, so LibreOffice converts the .docx as every run did
   before the cache — against **warm** (the conversion taken from the cache).
2. ``api.check`` called repeatedly in one process (what the workbench does on every saved
   change): the first call against the median of the next ones (parsed workbook and inspected
   PDFs reused).
3. ``skilldoc bundle`` of one 2-page PDF against ``python -c pass`` and ``python -c "import pypdf"``
   (the floor of any tool that parses PDFs with pypdf): the fixed cost is bundle − pass.

``--baseline REF`` adds the same commands run from ``git archive REF`` (PYTHONPATH first), so a
change is measured against its base in the same run.  Bytecode is compiled first (a pip install
does this; ``PYTHONDONTWRITEBYTECODE`` would otherwise make every run recompile skilldoc).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data_samples" / "demo"
ONE_PDF = next(SAMPLE.glob("证明材料/E04-*.pdf"))

IN_PROCESS = """
import sys, time
from skilldoc import api
times = []
for _ in range(int(sys.argv[2])):
    t = time.perf_counter()
    api.check(sys.argv[1])
    times.append(time.perf_counter() - t)
print(" ".join(f"{t:.4f}" for t in times))
"""


CPU: dict[str, list[float]] = {}


def run(cmd: list[str], env: dict[str, str], ok: tuple[int, ...] = (0,), label: str = "") -> tuple[float, str]:
    """Wall seconds and stdout of ``cmd``; its CPU seconds (user + system, LibreOffice included: a
    waited-for grandchild's time is added to its parent's) go to ``CPU[label]``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # cwd: not the repository (``-c`` puts the current folder first on sys.path)
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=tempfile.gettempdir())
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in ok:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    if label:
        CPU.setdefault(label, []).append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall, proc.stdout


def fmt(values: list[float]) -> str:
    return f"median {statistics.median(values):.3f} s (best {min(values):.3f} s)"


def main() -> None:
    ap = argparse.ArgumentParser(description="cache benchmark")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--calls", type=int, default=6, help="api.check calls in one process")
    ap.add_argument("--baseline", default=None, metavar="REF", help="also run this git revision")
    args = ap.parse_args()

    py = sys.executable
    base_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "SKILLDOC_CACHE_DIR")}
    work = Path(tempfile.mkdtemp(prefix="skilldoc-bench-cache-"))
    try:
        sample = work / "demo"
        shutil.copytree(SAMPLE, sample, ignore=shutil.ignore_patterns("output"))
        trees = {"now": None}
        if args.baseline:
            base = work / "baseline"
            base.mkdir()
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.baseline], check=True,
                                     capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", str(base)], input=archive, check=True)
            trees["base"] = base
        for tree in trees.values():
            subprocess.run([py, "-m", "compileall", "-q", str((tree or ROOT) / "skilldoc")], env=base_env,
                           check=True, capture_output=True)

        def env_for(tree: Path | None, cache: Path) -> dict[str, str]:
            env = dict(base_env, SKILLDOC_CACHE_DIR=str(cache))
            if tree is not None:
                env["PYTHONPATH"] = str(tree)
            return env

        warm_cache = work / "cache-warm"
        for tree in trees.values():  # check that each tree really is the one run
            _, where = run([py, "-c", "import skilldoc; print(skilldoc.__file__)"], env_for(tree, warm_cache))
            assert str(tree or ROOT) in where, where
        for tree in trees.values():  # fill the warm cache (each tree: a baseline may key entries otherwise)
            run([py, "-m", "skilldoc", "check", str(sample)], env_for(tree, warm_cache), ok=(0, 5))

        results: dict[str, list[float]] = {}
        out = work / "out.pdf"
        for round_no in range(args.repeat):
            for name, tree in trees.items():
                cold = work / f"cache-cold-{name}-{round_no}"
                sides = {
                    f"check cold ({name})": ([py, "-m", "skilldoc", "check", str(sample)], env_for(tree, cold)),
                    f"bundle 1 file ({name})": ([py, "-m", "skilldoc", "bundle", str(ONE_PDF), "-o", str(out)],
                                                env_for(tree, warm_cache)),
                }
                sides[f"check warm ({name})"] = ([py, "-m", "skilldoc", "check", str(sample)],
                                                 env_for(tree, warm_cache))
                if name == "now":
                    sides["python -c pass"] = ([py, "-c", "pass"], env_for(tree, warm_cache))
                    sides["python -c 'import pypdf'"] = ([py, "-c", "import pypdf"], env_for(tree, warm_cache))
                for label, (cmd, env) in sides.items():
                    wall, _ = run(cmd, env, ok=(0, 5), label=label)
                    results.setdefault(label, []).append(wall)
                shutil.rmtree(cold, ignore_errors=True)

        _, stdout = run([py, "-c", IN_PROCESS, str(sample), str(args.calls)], env_for(None, warm_cache))
        calls = [float(t) for t in stdout.split()]

        med = {label: statistics.median(values) for label, values in results.items()}
        print(f"{args.repeat} interleaved rounds; Python {sys.version.split()[0]}; load {os.getloadavg()[0]:.1f}")
        cpu = {label: statistics.median(values) for label, values in CPU.items()}
        for label, values in results.items():
            print(f"  {label:28} wall {fmt(values)}; CPU median {cpu[label]:.3f} s")
        print()
        print(f"check, warm / cold cache:        {med['check warm (now)']:.3f} / {med['check cold (now)']:.3f} s"
              f" = {med['check warm (now)'] / med['check cold (now)']:.2f}× (CPU {cpu['check warm (now)']:.3f} / "
              f"{cpu['check cold (now)']:.3f} s = {cpu['check warm (now)'] / cpu['check cold (now)']:.2f}×)")
        later = statistics.median(calls[1:])
        print(f"api.check in one process:        first {calls[0]:.3f} s, then median {later:.3f} s"
              f" = {later / calls[0]:.2f}× ({' '.join(f'{t:.3f}' for t in calls)})")
        fixed = med["bundle 1 file (now)"] - med["python -c pass"]
        floor = med["python -c 'import pypdf'"] - med["python -c pass"]
        cfixed = cpu["bundle 1 file (now)"] - cpu["python -c pass"]
        cfloor = cpu["python -c 'import pypdf'"] - cpu["python -c pass"]
        print(f"bundle, one file:                {med['bundle 1 file (now)']:.3f} s = "
              f"{med['bundle 1 file (now)'] / med['python -c pass']:.1f}× `python -c pass`; fixed cost "
              f"{fixed:.3f} s, of which `import pypdf` {floor:.3f} s (CPU: {cfixed:.3f} s, pypdf {cfloor:.3f} s)")
        if "base" in trees:
            print(f"against {args.baseline}:  check warm {med['check warm (base)']:.3f} s → "
                  f"{med['check warm (now)']:.3f} s = {med['check warm (now)'] / med['check warm (base)']:.2f}× "
                  f"(CPU {cpu['check warm (base)']:.3f} → {cpu['check warm (now)']:.3f} s = "
                  f"{cpu['check warm (now)'] / cpu['check warm (base)']:.2f}×)")
            print(f"against {args.baseline}:  check cold {med['check cold (base)']:.3f} s → warm "
                  f"{med['check warm (now)']:.3f} s = {med['check warm (now)'] / med['check cold (base)']:.2f}×; "
                  f"bundle {med['bundle 1 file (base)']:.3f} s → {med['bundle 1 file (now)']:.3f} s = "
                  f"{med['bundle 1 file (now)'] / med['bundle 1 file (base)']:.2f}× (CPU: check "
                  f"{cpu['check cold (base)']:.3f} → {cpu['check warm (now)']:.3f} s, bundle "
                  f"{cpu['bundle 1 file (base)']:.3f} → {cpu['bundle 1 file (now)']:.3f} s)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
