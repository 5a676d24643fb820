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

# --- caches (cache.py) -------------------------------------------------------------

# The on-disk cache (converted Office evidence, font subsets) is trimmed, least recently used
# first, to this size after every write.
CACHE_MAX_BYTES = 500 * MiB
# In-process reuse: files up to this size are also hashed to tell an edit that keeps the size and
# modification time (a workbook is ~20-100 KB: hashing costs well under a millisecond).
MEMO_HASH_MAX_BYTES = 4 * MiB
# How many parsed workbooks / inspected evidence files a long-running process keeps.
MEMO_WORKBOOKS = 4
MEMO_EVIDENCE_FILES = 2048
# Compiled section templates kept in-process (eight sections; an editor compiles each version it previews).
MEMO_TEMPLATES = 64

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
