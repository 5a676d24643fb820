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

# --- LibreOffice (office.py) -------------------------------------------------------

# --- the web workbench (skilldoc/ui) -----------------------------------------------
WORKBENCH_UPLOAD_BYTES = 200 * MiB  # one file dropped onto the 证明材料 page
WORKBENCH_SECTION_BYTES = 1 * MiB  # a section text read or saved by the editor (3000 字 ≈ 9 KB)
WORKBENCH_SECTION_HISTORY = 20  # earlier versions kept per section in sections/历史版本/
WORKBENCH_SCAN_FILES = 5000  # files looked at when fingerprinting a folder for changes
WORKBENCH_JSON_BYTES = 2 * MiB  # the body of an editor request (section text plus a little)
WORKBENCH_RECENT = 10  # recently opened folders remembered on the start page
