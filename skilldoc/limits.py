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
# Warnings of writing 申报书.docx, by a digest of what is written (``check`` reuses them).
MEMO_DOCX_WARNINGS = 8

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

#: An evidence file larger than this is refused before it is read (pypdf and the
#: image reader hold the whole file in memory).
EVIDENCE_MAX_FILE_BYTES = 512 * MiB
#: Pages in one evidence PDF (a real scan of a whole book has a few hundred).
PDF_MAX_PAGES = 10_000
#: Objects listed in one evidence PDF's cross-reference table(s): pypdf keeps an
#: entry for each, and each object copied stays cached until the file is done.
PDF_MAX_OBJECTS = 1_000_000
#: Inflated size of one object stream, and of all of one PDF's object streams: pypdf
#: keeps each decoded stream and walks its whitespace byte by byte (≈ 3 MB/s), so a
#: stream padded with 70 MB of spaces costs 25 s; real ones hold a few hundred KB.
PDF_MAX_OBJECT_STREAM_BYTES = 8 * MiB
PDF_MAX_OBJECT_STREAMS_TOTAL_BYTES = 64 * MiB
#: The stamper counts ``q``/``Q`` in a page's content to balance the graphics
#: state.  Content streams are inflated incrementally in chunks of this size ...
PDF_INFLATE_CHUNK_BYTES = 1 * MiB
#: ... and at most this many inflated bytes per page are scanned (real pages have
#: a few MB at most); the rest of a page past the cap is taken as balanced and a
#: warning names the file.
PDF_QSCAN_MAX_BYTES_PER_PAGE = 64 * MiB
#: Inflated bytes scanned per evidence file, all pages together; later pages of the
#: file are taken as balanced without being inflated at all.
PDF_QSCAN_MAX_BYTES_PER_FILE = 256 * MiB
#: ``q``/``Q`` bytes (candidate operators) looked at per evidence file: the token scan
#: costs about 0.5 µs a token, so content made of nothing but ``q Q`` is cut off after
#: about two seconds (a dense real page has a few thousand).
PDF_QSCAN_MAX_TOKENS_PER_FILE = 4_000_000

# --- images (evidence/images.py) ---------------------------------------------------

#: Decoded memory of one image frame (Pillow stores RGB, RGBA, CMYK, 16-bit and
#: palette images converted on the way at 4 bytes a pixel, grey and 1-bit at 1),
#: checked from the header before anything is decoded.  Decoding, converting and
#: compressing a frame takes about three times this at its peak.
IMAGE_MAX_FRAME_BYTES = 256 * MiB
#: All frames of one image file together (a multi-page TIFF), decoded one at a
#: time: bounds the time decoding takes.
IMAGE_MAX_DECODED_TOTAL_BYTES = 2048 * MiB
#: The losslessly compressed pages of one image file, kept until its PDF is
#: written (which briefly holds them twice).
IMAGE_MAX_ENCODED_BYTES = 384 * MiB
#: Frames (pages) of one multi-page image file.
IMAGE_MAX_FRAMES = 500

# --- workbooks (workbook.py) -------------------------------------------------------

# The file on disk and its zip directory, checked before anything is inflated.
MAX_WORKBOOK_FILE_BYTES = 64 * MiB  # 申报数据.xlsx itself (the sample is 20 KB)
MAX_WORKBOOK_PARTS = 5_000  # zip entries (a workbook has a few dozen)
# Uncompressed size of each part that is read: a sheet the form uses, the shared
# strings, styles, workbook.xml (sheets the form does not use are never read).
MAX_WORKBOOK_PART_BYTES = 32 * MiB
MAX_WORKBOOK_READ_BYTES = 96 * MiB  # all the parts that are read, together
# Rows with content in each sheet, counted from the header row; a value further
# down (a stray keystroke at row 1,000,000) is refused naming its cell.
MAX_HEADER_ROWS = 500  # 基本信息: one row per field (about 40)
MAX_YEAR_ROWS = 100  # 培训总量: three years
MAX_OCCUPATION_ROWS = 500  # 职业工种
MAX_EXPERT_ROWS = 2_000  # 专家团队
MAX_EVIDENCE_ROWS = 5_000  # 证明材料
MAX_SHEET_COLUMNS = 200  # a value further right than this is refused naming its cell
MAX_MERGED_RANGES = 10_000  # merged ranges in one sheet the form uses
MAX_MERGED_CELLS = 200_000  # cells those ranges cover inside the used area, together
MAX_CELL_CHARS = 10_000  # characters in one cell (Excel allows 32,767; no field needs more than a few hundred)

# --- Word files (.docx: count, the form template, imported 申报书 and sections) ------

# A .docx is a zip of XML parts: each part is read with a cap on its *uncompressed*
# size (a few KB can inflate to gigabytes), and the package as a whole is bounded.
DOCX_MAX_FILE = 200 * MiB  # a .docx on disk (pictures included; only the text parts are read)
DOCX_MAX_ENTRIES = 5_000  # zip members (a real 申报书 has about 20)
DOCX_MAX_PART = 64 * MiB  # word/document.xml inflated (the 3,000-字 ×8 申报书 is about 0.3 MiB)
DOCX_MAX_SIDE_PART = 16 * MiB  # styles.xml, numbering.xml, … inflated
DOCX_MAX_TOTAL = 400 * MiB  # all parts inflated, pictures included (python-docx loads the template whole)
DOCX_MAX_PARAGRAPHS = 100_000  # paragraphs in one document (the demo 申报书 has about 600)
DOCX_MAX_TABLES = 2_000  # tables in one document, nested ones included
DOCX_MAX_ROWS = 5_000  # rows of one table
DOCX_MAX_CELLS = 200  # cells of one table row

# --- LibreOffice (office.py) -------------------------------------------------------

#: Address space of each LibreOffice process (POSIX, RLIMIT_AS): LibreOffice
#: converts a normal document in well under 500 MB; a hostile one fails instead
#: of taking the machine.  Windows has the timeout only.
OFFICE_MAX_ADDRESS_SPACE_BYTES = 1536 * MiB

# --- work folders, leftovers and the build lock (pipeline.py, workdirs.py) ----------

#: A work folder without its lock file (one being created, or left by an older
#: version) is removed by a later run only when it is older than this.
STALE_UNLOCKED_WORKDIR_SECONDS = 15 * 60

# --- the reviewer's workbooks (review/sheets.py: filled score sheets) ----------------

SCORE_SHEET_MAX_FILE = 20 * MiB  # a filled score sheet on disk (one for 100 applications is about 30 KiB)
SCORE_SHEET_MAX_INFLATED = 200 * MiB  # all its zip members inflated (a zip bomb is refused before parsing)
SCORE_SHEET_MAX_ROWS = 5_000  # application rows read from one score sheet
SCORE_SHEETS_MAX = 99  # score sheets handed out in one run (--score-sheets)

# --- the web workbench (skilldoc/ui) -----------------------------------------------
WORKBENCH_UPLOAD_BYTES = 200 * MiB  # one file dropped onto the 证明材料 page
WORKBENCH_SECTION_BYTES = 1 * MiB  # a section text read or saved by the editor (3000 字 ≈ 9 KB)
WORKBENCH_SECTION_HISTORY = 20  # earlier versions kept per section in sections/历史版本/
WORKBENCH_SCAN_FILES = 5000  # files looked at when fingerprinting a folder for changes
WORKBENCH_JSON_BYTES = 2 * MiB  # the body of an editor request (section text plus a little)
WORKBENCH_RECENT = 10  # recently opened folders remembered on the start page
