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

# A section file (project.py; a 3,000-字 section with comments is about 10 KB) and a text
# file given to ``skilldoc count`` (api.py).
TEMPLATE_MAX_BYTES = 1 * MiB
COUNT_MAX_BYTES = 16 * MiB
# Structure, checked on the tokens before parsing (deeper structures overflow the parser's
# or Python's compiler's stack: 25 nested {% for %} already do).
TEMPLATE_MAX_NESTING = 12  # nested {% if %}/{% for %}/{% macro %}… blocks
TEMPLATE_MAX_BRACKETS = 20  # nested ( [ { in one {{ }} or {% %}
TEMPLATE_MAX_OPERATORS = 100  # operators (| . + ~ and …) in one {{ }} or {% %}
# Compiling costs about 0.2 ms and 10 KB per tag and more for long expressions (a 1 MB file of
# tags took 16–126 s and 0.8–1.6 GB); the sample's sections have at most 44 tags and 300 tokens.
TEMPLATE_MAX_TAGS = 2_000  # {{ }} and {% %} in one section file
TEMPLATE_MAX_TOKENS = 20_000  # names, operators, literals… inside them, in one section file
# Work while rendering one section.
TEMPLATE_MAX_CHARS = 1_000_000  # its rendered text, and any one string a template makes
TEMPLATE_MAX_ITEMS = 100_000  # any one list or range a template makes
TEMPLATE_MAX_INT_BITS = 10_000  # integers made by arithmetic (about 3,000 decimal digits)
TEMPLATE_MAX_MADE = 20_000_000  # characters and items made in total (bounds the memory)
TEMPLATE_MAX_STEPS = 1_000_000  # loop iterations, calls, operators and filters
TEMPLATE_MAX_CALL_DEPTH = 40  # macros calling macros
TEMPLATE_MAX_SECONDS = 10.0
TEMPLATE_MAX_PROBLEMS = 100  # problems listed per section (a loop can repeat one mistake)

# --- evidence PDFs (evidence/) -----------------------------------------------------

# --- images (evidence/images.py) ---------------------------------------------------

# --- workbooks (workbook.py) -------------------------------------------------------

# --- Word files (.docx: count, the form template, imported 申报书 and sections) ------

# --- LibreOffice (office.py) -------------------------------------------------------

# --- the web workbench (skilldoc/ui) -----------------------------------------------
