"""``skilldoc review`` against its reference: one ``skilldoc check`` per application, in the same run.

    python benchmarks/bench_review.py --apps 6 --repeat 3

Makes N copies of the bundled sample (the Word evidence file swapped for a PDF, so that
LibreOffice start-up does not dominate) and times, interleaved, in fresh interpreters:

- ``check`` — ``python -m skilldoc check DIR`` for each application, one after another (what a
  reviewer does today, then copies figures into a spreadsheet by hand) — the reference;
- ``review`` — ``python -m skilldoc review INBOX -o OUT --rubric gaojineng-jidi --score-sheets 5 --quota 3``:
  the same checks plus 审核汇总表, five score sheets, 推荐汇总表 and 推荐报告.docx.

Printed: median wall time of each side and the ratio review / check (the paired median too).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data_samples" / "demo"


def make_inbox(root: Path, n: int) -> list[Path]:
    from openpyxl import load_workbook

    apps = []
    for i in range(1, n + 1):
        target = root / f"{i:02d}-申报"
        shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns("output"))
        wb_path = target / "申报数据.xlsx"
        wb = load_workbook(wb_path)
        for row in wb["证明材料"].iter_rows(min_row=2):
            if row[2].value and str(row[2].value).endswith(".docx"):
                (target / str(row[2].value)).unlink()
                shutil.copy(target / "证明材料" / "E24-校企合作协议.pdf", target / "证明材料" / "E26.pdf")
                row[2].value = "证明材料/E26.pdf"
        for row in wb["基本信息"].iter_rows(min_row=2):
            if row[1].value == "申报单位名称":
                row[2].value = f"第{i}号申报单位（虚构）"
        wb.save(wb_path)
        apps.append(target)
    return apps


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "skilldoc", *args], check=False, capture_output=True, cwd=ROOT)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--apps", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=3)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-review-") as tmp:
        inbox = Path(tmp) / "inbox"
        inbox.mkdir()
        apps = make_inbox(inbox, opts.apps)
        checks, reviews = [], []
        for r in range(opts.repeat):
            checks.append(sum(timed(["check", str(a)]) for a in apps))
            reviews.append(timed(["review", str(inbox), "-o", str(Path(tmp) / f"out{r}"), "--rubric",
                                  "gaojineng-jidi", "--score-sheets", "5", "--quota", "3"]))
        check_med, review_med = statistics.median(checks), statistics.median(reviews)
        paired = statistics.median(rv / ck for rv, ck in zip(reviews, checks, strict=True))
        print(f"applications: {opts.apps}, rounds: {opts.repeat}")
        print(f"check × {opts.apps} (reference): median {check_med:.2f} s  (runs: {', '.join(f'{c:.2f}' for c in checks)})")
        print(f"review + 5 score sheets + quota:  median {review_med:.2f} s  (runs: {', '.join(f'{v:.2f}' for v in reviews)})")
        print(f"ratio review / check: {review_med / check_med:.2f}× (paired median {paired:.2f}×)")


if __name__ == "__main__":
    main()
