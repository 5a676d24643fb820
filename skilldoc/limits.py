"""Every limit skilldoc enforces on its inputs, in one place.

Limits are part of the design: whatever an input holds, every command ends, in
bounded memory (target: the whole process tree, LibreOffice included, under
about 1.5 GB) and in bounded time.  Each reader checks its input against a named
constant here *before* doing the expensive work, and refuses what exceeds it with
a Chinese message naming the file (and line, cell or 编号) and what to do.

Keep this module small and free of imports from the rest of skilldoc: every
reader imports it.  Constants are grouped by the input they bound.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MiB = 1024 * 1024

# --- files of any kind -------------------------------------------------------------


def file_kind(path: Path) -> str | None:
    """None for a regular file (after following links); otherwise a Chinese name of what it is.

    Only regular files are ever opened: a FIFO, a socket or a device would block
    a reader for ever or stream without end (``/dev/zero``).  Raises OSError when
    the path does not exist or cannot be inspected.
    """
    mode = os.stat(path).st_mode
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "文件夹"
    if stat.S_ISFIFO(mode):
        return "命名管道（FIFO）"
    if stat.S_ISSOCK(mode):
        return "套接字（socket）"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件"
    return "特殊文件"


# --- section templates (render.py) -------------------------------------------------

# --- evidence PDFs (evidence/) -----------------------------------------------------

# --- images (evidence/images.py) ---------------------------------------------------

# --- workbooks (workbook.py) -------------------------------------------------------

# --- Word files (.docx: count, the form template, imported 申报书 and sections) ------

DOCX_MAX_FILE = 200 * MiB  # a .docx on disk (pictures included; only the text parts are read)
DOCX_MAX_ENTRIES = 5_000  # zip members (a real 申报书 has about 20)
DOCX_MAX_PART = 64 * MiB  # word/document.xml inflated (the 3,000-字 ×8 申报书 is about 0.3 MiB)
DOCX_MAX_SIDE_PART = 16 * MiB  # styles.xml, numbering.xml, … inflated
DOCX_MAX_PARAGRAPHS = 100_000  # paragraphs in one document (the demo 申报书 has about 600)
DOCX_MAX_TABLES = 2_000  # tables in one document, nested ones included
DOCX_MAX_ROWS = 5_000  # rows of one table
DOCX_MAX_CELLS = 200  # cells of one table row

# --- LibreOffice (office.py) -------------------------------------------------------

# --- the reviewer's workbooks (review/sheets.py: filled score sheets) ----------------

SCORE_SHEET_MAX_FILE = 20 * MiB  # a filled score sheet on disk (one for 100 applications is about 30 KiB)
SCORE_SHEET_MAX_INFLATED = 200 * MiB  # all its zip members inflated (a zip bomb is refused before parsing)
SCORE_SHEET_MAX_ROWS = 5_000  # application rows read from one score sheet
SCORE_SHEETS_MAX = 99  # score sheets handed out in one run (--score-sheets)

# --- the web workbench (skilldoc/ui) -----------------------------------------------
