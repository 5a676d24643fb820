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

# --- Word files (.docx: count, the form template, imported 申报书 and sections) ------

# --- LibreOffice (office.py) -------------------------------------------------------

#: Address space of each LibreOffice process (POSIX, RLIMIT_AS): LibreOffice
#: converts a normal document in well under 500 MB; a hostile one fails instead
#: of taking the machine.  Windows has the timeout only.
OFFICE_MAX_ADDRESS_SPACE_BYTES = 1536 * MiB

# --- work folders, leftovers and the build lock (pipeline.py, workdirs.py) ----------

#: A work folder without its lock file (one being created, or left by an older
#: version) is removed by a later run only when it is older than this.
STALE_UNLOCKED_WORKDIR_SECONDS = 15 * 60

# --- the web workbench (skilldoc/ui) -----------------------------------------------
