"""Writing files the one safe way: a temporary file beside the target, then ``os.replace``.

Every file skilldoc writes (申报书.docx, workbooks, section files, review workbooks, the
workbench's saves) goes through :func:`write_atomically`, so a failed or killed write never
leaves a half-written file where a user's file was.  Callers turn the ``OSError`` into their
own :class:`skilldoc.errors.OutputError` message (they know what the file is to the user).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def umask() -> int:
    """The process's umask (read by setting it and putting it back)."""
    current = os.umask(0o022)
    os.umask(current)
    return current


def user_mode() -> int:
    """The mode a new file normally gets (temporary files are private, 0600; outputs are not)."""
    return 0o666 & ~umask()


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``: a temporary file in the same folder, flushed, then moved into place.

    The folder must exist.  The file gets the user's usual mode.  Raises OSError; the temporary
    file never stays behind.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=".~", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, user_mode())
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)  # gone already when it was moved into place
