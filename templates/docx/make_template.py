"""Regenerate ``templates/docx/申报书.docx``, the editable form template.

    python templates/docx/make_template.py [OUT.docx]

The committed .docx is the source of truth (a user may restyle it in Word or
WPS); this script recreates the original from the style table in
``skilldoc/docx_form.py`` (``STYLES``) and the form text in ``skilldoc/form.py``.
It writes the same bytes every time.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from skilldoc.docx_form import make_template  # noqa: E402


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else HERE / "申报书.docx"
    make_template(out)
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
