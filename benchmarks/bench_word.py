"""Reading Word files: skilldoc/word against python-docx, in the same run.

    python benchmarks/bench_word.py [--repeat 9] [--docx 申报书.docx]

Without ``--docx`` the sample is built first (``data_samples/demo`` copied to a temporary folder).
Prints, as medians of ``--repeat`` in-process runs:

- ``python-docx`` — ``docx.Document(path)`` and the text of every body paragraph (what ``skilldoc count``
  did before), the reference;
- ``extract_text`` — ``skilldoc count``'s reading now;
- ``read_form`` — the whole form: header table, 培训总量, occupations, eight sections as markup;

and the peak memory (max RSS of a child process) of each reader on a 290 KB .docx whose
document.xml inflates to 286 MiB (a zip bomb): python-docx parses it all, skilldoc refuses it at
``limits.DOCX_MAX_PART`` before inflating more than that.
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _median_ms(fn: Callable[[], object], repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _bomb(path: Path) -> None:
    from skilldoc.word.writer import docx_bytes

    base = zipfile.ZipFile(io.BytesIO(docx_bytes([])))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in base.namelist():
            if name != "word/document.xml":
                zf.writestr(name, base.read(name))
                continue
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(info, "w", force_zip64=True) as fh:
                fh.write(f'<?xml version="1.0"?><w:document {W}><w:body><w:p><w:r><w:t>'.encode())
                chunk = ("字" * 1_000_000).encode()
                for _ in range(100):
                    fh.write(chunk)
                fh.write(b"</w:t></w:r></w:p></w:body></w:document>")


def _peak_mib(code: str) -> tuple[float, str]:
    """Peak RSS of a fresh interpreter running ``code`` (measured by /usr/bin/time, not inherited from us)."""
    probe = (f"import sys\nsys.path.insert(0, {str(ROOT)!r})\ntry:\n    {code}\n    print('read')\n"
             "except Exception as exc:\n    print(type(exc).__name__)")
    done = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=600)
    return int(done.stderr.split()[-1]) / 1024, done.stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--docx", type=Path)
    args = parser.parse_args()
    import docx

    from skilldoc import api
    from skilldoc.word import extract_text, read_form

    with tempfile.TemporaryDirectory() as tmp:
        path = args.docx
        if path is None:
            demo = Path(tmp) / "demo"
            shutil.copytree(ROOT / "data_samples" / "demo", demo, ignore=shutil.ignore_patterns("output"))
            api.build(demo)
            path = demo / "output" / "申报书.docx"
        reference = _median_ms(lambda: "\n".join(p.text for p in docx.Document(str(path)).paragraphs), args.repeat)
        print(f"{path.name}: {path.stat().st_size / 1024:.0f} KB, median of {args.repeat}")
        print(f"  python-docx Document + text  {reference:7.1f} ms  1.00×")
        for name, fn in (("extract_text", lambda: extract_text(path)), ("read_form", lambda: read_form(path))):
            ms = _median_ms(fn, args.repeat)
            print(f"  {name:<28} {ms:7.1f} ms  {ms / reference:.2f}×")
        bomb = Path(tmp) / "bomb.docx"
        _bomb(bomb)
        print(f"zip bomb: {bomb.stat().st_size / 1024:.0f} KB on disk, document.xml 286 MiB inflated; peak RSS")
        for name, code in (("python-docx", f"import docx; docx.Document({str(bomb)!r})"),
                           ("skilldoc extract_text", f"from skilldoc.word import extract_text; extract_text({str(bomb)!r})")):
            mib, outcome = _peak_mib(code)
            print(f"  {name:<22} {mib:7.0f} MiB  ({outcome})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
