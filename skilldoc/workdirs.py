"""Work folders that a killed run does not leave behind, and the lock that serialises builds.

Every scratch folder skilldoc makes (``output/.skilldoc-*`` for a build, ``skilldoc-*`` in the
system's temporary folder for ``check``, ``bundle`` and LibreOffice) holds a lock file that its
process keeps locked for as long as it uses the folder.  The operating system releases the lock
when the process ends, however it ends (Ctrl+C, SIGKILL, power cut), so a later run can tell a
leftover from a folder in use without trusting PIDs: :func:`sweep` removes the folders of our
kind whose lock it can take.  A folder without a lock file (being created right now, or left by
an older version) is removed only when it is older than
``limits.STALE_UNLOCKED_WORKDIR_SECONDS``.

:class:`FolderLock` is the same lock on ``output/.skilldoc.lock``: two builds into one output
folder at once would replace each other's files, so the second is refused with a message naming
the process that holds it.

Locks are ``fcntl.flock`` on POSIX and ``msvcrt.locking`` on Windows (one byte far past the PID
written at the start, so the PID stays readable while locked); both are released by the
operating system when the process dies.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from . import limits
from .errors import Location, OutputError, Problem

LOCK_NAME = ".skilldoc-lock"  # inside each work folder
FOLDER_LOCK_NAME = ".skilldoc.lock"  # in an output folder, held by the build writing it
_WINDOWS_LOCK_OFFSET = 1 << 20  # the byte msvcrt locks: past the PID, so the PID can be read
#: The prefixes of skilldoc's folders in the system's temporary folder (check, bundle, LibreOffice).
TEMP_PREFIXES = ("skilldoc-", "skilldoc-convert-", "skilldoc-soffice-")

if sys.platform == "win32":  # pragma: no cover - Windows
    import msvcrt

    def _try_lock(fd: int) -> bool | None:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        with suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fd: int) -> bool | None:
        """True: locked now; False: another process holds it; None: this file system cannot lock."""
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        except OSError:  # ENOLCK, EOPNOTSUPP: some network file systems
            return None
        return True

    def _unlock(fd: int) -> None:
        with suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)


def _open_lock(path: Path) -> int:
    return os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)


def _write_pid(fd: int) -> None:
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, f"{os.getpid()}\n".encode("ascii"))
    os.ftruncate(fd, len(f"{os.getpid()}\n"))


def _read_pid(path: Path) -> int | None:
    try:
        with open(path, "rb") as fh:
            text = fh.read(32).split(b"\n", 1)[0].strip()
        return int(text) if text.isdigit() else None
    except OSError:
        return None


# --- work folders ------------------------------------------------------------------------


@contextmanager
def work_folder(prefix: str, parent: Path | None = None) -> Iterator[Path]:
    """A new scratch folder ``parent/<prefix>XXXX`` (system temp folder by default), locked while
    in use and removed afterwards.  Leftovers of earlier killed runs with the same prefix in
    ``parent`` are removed first (:func:`sweep`)."""
    sweep_temp()
    where = Path(parent) if parent is not None else Path(tempfile.gettempdir())
    if parent is not None:
        sweep(where, prefix)
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=where))
    fd: int | None = None
    try:
        fd = _open_lock(path / LOCK_NAME)
        _try_lock(fd)  # a fresh folder: nobody else has its lock
        _write_pid(fd)
        yield path
    finally:
        if fd is not None:
            _unlock(fd)
            os.close(fd)  # before removing: Windows cannot delete an open file
        shutil.rmtree(path, ignore_errors=True)


def sweep_temp() -> list[Path]:
    """:func:`sweep` the system's temporary folder for every kind of folder skilldoc makes there."""
    where = Path(tempfile.gettempdir())
    return [path for prefix in TEMP_PREFIXES for path in sweep(where, prefix)]


def sweep(parent: Path, prefix: str) -> list[Path]:
    """Remove ``parent/<prefix>XXXXXXXX`` folders left by runs that ended without cleaning up.

    Only names exactly as :func:`tempfile.mkdtemp` makes them with ``prefix`` are considered, and
    only real folders (not links) whose lock file can be locked — the process that made them is
    gone — are removed, or lock-less ones older than ``STALE_UNLOCKED_WORKDIR_SECONDS``.  Never
    raises: a folder that cannot be inspected or removed is left for a later run.  Returns the
    folders removed.
    """
    removed: list[Path] = []
    ours = re.compile(re.escape(prefix) + r"[a-z0-9_]{8}")
    try:
        entries = [entry for entry in os.scandir(parent) if ours.fullmatch(entry.name)]
    except OSError:
        return removed
    for entry in entries:
        try:
            if not entry.is_dir(follow_symlinks=False):
                continue
            if _abandoned(Path(entry.path), entry.stat(follow_symlinks=False).st_mtime):
                shutil.rmtree(entry.path, ignore_errors=True)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _abandoned(folder: Path, mtime: float) -> bool:
    lock = folder / LOCK_NAME
    old = time.time() - mtime > limits.STALE_UNLOCKED_WORKDIR_SECONDS
    if not lock.is_file():
        return old
    try:
        fd = os.open(lock, os.O_RDWR | getattr(os, "O_BINARY", 0))
    except OSError:
        return False
    try:
        locked = _try_lock(fd)
        if locked is None:  # no locks on this file system: only the age can tell
            return old
        if not locked:
            return False  # its process is still running
        _unlock(fd)
        return True
    finally:
        os.close(fd)


# --- the output folder's lock ----------------------------------------------------------


class FolderLock:
    """``folder/.skilldoc.lock`` held for the duration of a build into ``folder``.

    :meth:`acquire` raises :class:`OutputError` (``output.busy``) at once when another
    process holds it: builds are serialised, the second one told to wait for the first.
    """

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / FOLDER_LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> None:
        for _ in range(5):  # the file can be replaced between open and lock (see release)
            fd = _open_lock(self.path)
            if _try_lock(fd) is False:  # None (no locks on this file system): go ahead unserialised
                os.close(fd)
                raise self._busy()
            if os.name == "nt" or _same_file(fd, self.path):  # pragma: no branch
                _write_pid(fd)
                self._fd = fd
                return
            _unlock(fd)
            os.close(fd)
        raise self._busy()  # pragma: no cover - the file kept changing under us

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        if os.name != "nt":  # unlink while still locked: a newcomer then makes a new file
            with suppress(OSError):
                os.unlink(self.path)
        _unlock(fd)
        os.close(fd)
        if os.name == "nt":  # pragma: no cover - Windows: an unlocked file can be removed now
            with suppress(OSError):
                os.unlink(self.path)

    def __enter__(self) -> FolderLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def _busy(self) -> OutputError:
        pid = _read_pid(self.path)
        who = f"（进程号 {pid}）" if pid else ""
        return OutputError("另一个 skilldoc 正在生成到同一个输出文件夹，本次没有生成", [Problem(
            f"另一个 skilldoc build{who}正在向该文件夹写入输出文件", Location(str(self.path.parent)),
            hint="请等它完成后再运行；若确定没有其他 skilldoc 在运行，请重试（锁会在进程结束时自动释放），"
                 "或用 -o 指定另一个输出文件夹",
            code="output.busy")])


def _same_file(fd: int, path: Path) -> bool:
    try:
        a, b = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


__all__ = ["FOLDER_LOCK_NAME", "LOCK_NAME", "TEMP_PREFIXES", "FolderLock", "sweep", "sweep_temp", "work_folder"]
