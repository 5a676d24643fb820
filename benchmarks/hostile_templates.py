"""Peak memory and time of skilldoc on hostile section templates, one fresh process per input.

    python benchmarks/hostile_templates.py                      # every case, this checkout
    python benchmarks/hostile_templates.py --python /work/main/.venv/bin/python --src /work/main
    python benchmarks/hostile_templates.py --only repeat --timeout 60 --cap-mib 3000

Each case copies ``data_samples/demo`` into a temporary folder, writes its hostile input
(built here, nothing stored) and runs one CLI command (default ``check``) in a child process
under a memory cap (RLIMIT_AS, so a regression cannot take the machine down) and a timeout.
The table lists, per case: input, size on disk, peak RSS of the process tree (``wait4``'s
rusage: the child and the children it waited for, LibreOffice included), seconds, outcome
(exit code and the first line of the message).

Add a case: append a :class:`Case` to ``CASES`` (a name, a function that writes the input into
the applicant folder, the command's arguments).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECTION = "sections/1-申报背景.md"


@dataclass(frozen=True)
class Case:
    name: str
    write: Callable[[Path], Path]  # writes the hostile input into the folder; returns the file
    args: tuple[str, ...] = ("check", "{dir}")


def section(text: str | bytes) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        path = folder / SECTION
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return write


def _nested_ifs(n: int) -> str:
    return "{% if true %}" * n + "x" + "{% endif %}" * n


def _nested_parens(n: int) -> str:
    return "{{ " + "(" * n + "1" + ")" * n + " }}"


CASES: list[Case] = [
    Case("baseline（样例正文）", lambda folder: folder / SECTION),
    Case('repeat: {{ "x" * 10**9 }}', section('{{ "x" * 10**9 }}\n')),
    Case("list repeat: {{ [0] * 10**9 }}", section("{{ ([0] * 10**9) | length }}\n")),
    Case('printf: {{ "%0999999999d" % 1 }}', section('{{ "%0999999999d" % 1 }}\n')),
    Case("str method: ljust(10**9)", section('{{ "x".ljust(10**9) }}\n')),
    Case("filter: center(10**9)", section('{{ "x" | center(1000000000) }}\n')),
    Case("doubling concat loop", section(
        '{% set ns = namespace(s="x") %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}'
        "{{ ns.s | length }}\n")),
    Case("nested loops 10^5 × 10^5", section(
        "{% for i in range(100000) %}{% for j in range(100000) %}.{% endfor %}{% endfor %}\n")),
    Case("join of big range", section('{{ range(100000) | join("x" * 100000) }}\n')),
    Case("exponential recursive macro", section(
        "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(60) }}\n")),
    Case("deep recursion macro", section(
        "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}\n")),
    Case("big int power: 10 ** (10 ** 8)", section("{{ (10 ** (10 ** 8)) > 1 }}\n")),
    Case("2,000 nested {% if %}", section(_nested_ifs(2000))),
    Case("1,000 nested ( )", section(_nested_parens(1000))),
    Case("list of 1 MB strings", section(
        '{% set ns = namespace(l=[]) %}{% set s = "x" * 1000000 %}'
        "{% for i in range(5000) %}{% set ns.l = ns.l + [s[i:]] %}{% endfor %}{{ ns.l | length }}\n")),
    Case("printing [s] * 10**5", section('{% set s = "x" * 100000 %}{{ [s] * 100000 }}\n')),
    Case("1 MB of {{ 1+1+…+1 }} tags", section("{{ 1+1+1+1+1+1+1+1+1+1+1+1+1 }}\n" * 30000)),
    Case("section file 200 MB", section(b"x" * (200 * 1024 * 1024))),
]


def run_case(case: Case, python: str, src: Path, timeout: float, cap_mib: int) -> tuple[str, int, float, float, str]:
    with tempfile.TemporaryDirectory(prefix="skilldoc-hostile-") as tmp:
        folder = Path(tmp) / "申报"
        shutil.copytree(ROOT / "data_samples" / "demo", folder)
        path = case.write(folder)
        size = path.stat().st_size if path.is_file() else 0
        args = [a.replace("{dir}", str(folder)) for a in case.args]
        cap = cap_mib * 1024 * 1024

        def limit() -> None:
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
            os.setsid()

        env = dict(os.environ, PYTHONPATH=str(src))
        started = time.monotonic()
        proc = subprocess.Popen([python, "-m", "skilldoc", *args], stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, preexec_fn=limit, env=env, cwd=tmp)
        assert proc.stderr is not None
        timer_expired = False
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(proc.pid, 0)
                timer_expired = True
                break
            time.sleep(0.05)
        seconds = time.monotonic() - started
        err = proc.stderr.read().decode("utf-8", "replace")
        proc.stderr.close()
        peak = usage.ru_maxrss / 1024
        if timer_expired:
            outcome = f"killed after {timeout:.0f} s"
        else:
            code = os.waitstatus_to_exitcode(status)
            lines = [ln.strip() for ln in err.splitlines() if ln.strip()]
            detail = next((ln for ln in lines if "第" in ln and "行" in ln), lines[1] if len(lines) > 1 else
                          (lines[0] if lines else ""))
            if "MemoryError" in err:
                detail = "MemoryError (cap reached) " + detail
            outcome = f"exit {code}: {detail[:90]}"
        return case.name, size, peak, seconds, outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=sys.executable, help="interpreter with skilldoc's dependencies")
    parser.add_argument("--src", type=Path, default=ROOT, help="checkout whose skilldoc/ is run")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per case")
    parser.add_argument("--cap-mib", type=int, default=3072, help="address-space cap per case (MiB)")
    parser.add_argument("--only", default="", help="run only cases whose name contains this")
    opts = parser.parse_args()
    print(f"{'input':<36} {'size':>10} {'peak MiB':>9} {'seconds':>8}  outcome")
    for case in CASES:
        if opts.only and opts.only not in case.name:
            continue
        name, size, peak, seconds, outcome = run_case(case, opts.python, opts.src, opts.timeout, opts.cap_mib)
        shown = f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size} B"
        print(f"{name:<36} {shown:>10} {peak:>9.0f} {seconds:>8.2f}  {outcome}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
