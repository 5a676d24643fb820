"""Caches: reuse work while its inputs are unchanged.  Only ever an optimisation.

Deleting a cache changes no output: every entry is keyed by the content it was
made from (a hash of the input file's bytes) plus the version of whatever made
it (LibreOffice, our converter, the font file), and anything that cannot be
read back exactly as written is ignored and made again.

Two kinds:

* :class:`DiskCache` — files that outlive the process, in the user's cache
  folder (:func:`cache_root`): PDFs converted from Office evidence (LibreOffice
  takes seconds per run), font subsets and font discovery (``skilldoc bundle``'s
  start-up).  Entries are written atomically (temp file + ``os.replace``), carry
  a sidecar with their size and SHA-256, and the folder is kept under
  :data:`skilldoc.limits.CACHE_MAX_BYTES` by evicting the least recently used
  entries.  An unwritable or missing cache folder only means no caching.
* :class:`Memo` — a small in-process LRU for a long-running caller (the
  workbench, repeated :func:`skilldoc.api.check` calls): a parsed workbook or an
  inspected evidence file is reused while :func:`file_key` (path, size,
  mtime_ns, inode and, for files up to :data:`skilldoc.limits.MEMO_HASH_MAX_BYTES`,
  a hash of the content) is unchanged.

Tests point ``$SKILLDOC_CACHE_DIR`` at a temporary folder so they never read a
user's cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, Generic, TypeVar

from . import limits

__all__ = ["CACHE_ENV", "DiskCache", "Memo", "cache_root", "clear_memos", "file_key", "hash_file"]

CACHE_ENV = "SKILLDOC_CACHE_DIR"

T = TypeVar("T")


def cache_root() -> Path:
    """The folder for on-disk caches: ``$SKILLDOC_CACHE_DIR``, else the platform's user cache folder.

    Windows: ``%LOCALAPPDATA%\\skilldoc\\Cache``; macOS: ``~/Library/Caches/skilldoc``;
    other POSIX: ``$XDG_CACHE_HOME/skilldoc`` (default ``~/.cache/skilldoc``).
    """
    explicit = os.environ.get(CACHE_ENV, "").strip()
    if explicit:
        return Path(explicit)
    try:
        home = Path.home()
    except RuntimeError:  # no home folder (a service account): a per-user folder in the temp folder
        import tempfile

        return Path(tempfile.gettempdir()) / f"skilldoc-cache-{os.getuid() if hasattr(os, 'getuid') else 0}"
    if sys.platform.startswith("win"):
        base = os.environ.get("LOCALAPPDATA") or str(home / "AppData" / "Local")
        return Path(base) / "skilldoc" / "Cache"
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "skilldoc"
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    base_dir = Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".cache"
    return base_dir / "skilldoc"


def hash_file(path: Path, salt: str = "") -> str:
    """SHA-256 (hex, 40 characters) of ``salt`` and the file's bytes."""
    digest = hashlib.sha256(f"{salt}\0".encode())
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:40]


def _sha256(path: Path) -> str:
    return hash_file(path, "entry")


def _sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(b"entry\0" + data).hexdigest()[:40]


class DiskCache:
    """One kind of on-disk entry (``office``, ``fonts``, …) under :func:`cache_root`.

    An entry is a payload file ``<kind>/<key[:2]>/<key><suffix>`` and a sidecar
    ``<key>.json`` holding the caller's metadata plus the payload's size and hash.
    Every method swallows ``OSError``: a cache that cannot be used is no cache.
    """

    def __init__(self, kind: str, *, suffix: str = ".bin", root: Path | None = None,
                 max_bytes: int | None = None) -> None:
        self.kind = kind
        self.suffix = suffix
        self._root = root
        self.max_bytes = limits.CACHE_MAX_BYTES if max_bytes is None else max_bytes

    @property
    def root(self) -> Path:
        return self._root if self._root is not None else cache_root()

    def _paths(self, key: str) -> tuple[Path, Path]:
        if not key or not all(c in "0123456789abcdef" for c in key):
            raise ValueError(f"cache keys are lower-case hex digests, not {key!r}")
        folder = self.root / self.kind / key[:2]
        return folder / f"{key}{self.suffix}", folder / f"{key}.json"

    # -- reading --

    def _record(self, key: str) -> tuple[Path, dict[str, Any], Path]:
        """The payload path, the sidecar's record and the sidecar path; raises on anything odd."""
        payload, sidecar = self._paths(key)
        record = json.loads(sidecar.read_text("utf-8"))
        if not (isinstance(record, dict) and isinstance(record.get("meta"), dict)
                and isinstance(record.get("size"), int) and isinstance(record.get("sha256"), str)):
            raise ValueError("malformed cache sidecar")
        return payload, record, sidecar

    def get(self, key: str) -> tuple[Path, dict[str, Any]] | None:
        """The payload's path and the metadata stored with it, or None (absent, damaged, unreadable).

        The payload is checked against the size and hash in its sidecar, so a
        truncated or altered entry is never used.  The caller must copy (or
        link) the payload before the next :meth:`put_file` can evict it.
        """
        try:
            payload, record, sidecar = self._record(key)
            if payload.stat().st_size != record["size"] or _sha256(payload) != record["sha256"]:
                return None
            os.utime(sidecar)  # "recently used": eviction removes the entries touched longest ago
            return payload, record["meta"]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def get_bytes(self, key: str) -> tuple[bytes, dict[str, Any]] | None:
        """Like :meth:`get`, with the payload read into memory (checked after reading)."""
        try:
            payload, record, sidecar = self._record(key)
            data = payload.read_bytes()
            if len(data) != record["size"] or _sha256_bytes(data) != record["sha256"]:
                return None
            os.utime(sidecar)
            return data, record["meta"]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def copy_out(self, key: str, target: Path) -> dict[str, Any] | None:
        """Put the payload at ``target`` (a hard link when possible, else a copy); its metadata, or None."""
        found = self.get(key)
        if found is None:
            return None
        payload, meta = found
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.partial")
            partial.unlink(missing_ok=True)
            try:
                os.link(payload, partial)  # the entry is never rewritten in place: a link is a snapshot
            except OSError:
                shutil.copyfile(payload, partial)
            os.replace(partial, target)
        except OSError:
            return None
        return meta

    # -- writing --

    def put_file(self, key: str, source: Path, meta: dict[str, Any]) -> None:
        """Store a copy of ``source`` with ``meta`` (JSON-serialisable); then evict past the size bound."""
        self._put(key, lambda partial: shutil.copyfile(source, partial), meta)

    def put_bytes(self, key: str, data: bytes, meta: dict[str, Any]) -> None:
        self._put(key, lambda partial: partial.write_bytes(data), meta)

    def _put(self, key: str, write: Callable[[Path], object], meta: dict[str, Any]) -> None:
        partial: Path | None = None
        try:
            payload, _ = self._paths(key)
            payload.parent.mkdir(parents=True, exist_ok=True)
            partial = payload.with_name(f".{payload.name}.{os.getpid()}.partial")
            write(partial)
            os.replace(partial, payload)
            added = payload.stat().st_size + self._write_sidecar(key, payload, meta)
        except (OSError, ValueError, TypeError):  # unwritable folder, metadata JSON cannot hold
            if partial is not None:
                with contextlib.suppress(OSError):
                    partial.unlink(missing_ok=True)
            return
        self._grew(added)

    def _write_sidecar(self, key: str, payload: Path, meta: dict[str, Any]) -> int:
        """Write the entry's sidecar; its size."""
        _, sidecar = self._paths(key)
        record = {"size": payload.stat().st_size, "sha256": _sha256(payload), "meta": meta}
        partial = sidecar.with_name(f".{sidecar.name}.{os.getpid()}.partial")
        data = json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")
        partial.write_bytes(data)
        os.replace(partial, sidecar)
        return len(data)

    def evict(self) -> None:
        """Remove the least recently used entries of every kind until the cache fits its size bound."""
        entries: list[tuple[int, str, int, list[Path]]] = []  # (last use, key, size, files: sidecar first)
        total = 0
        try:
            for bucket in self.root.glob("*/*"):  # <kind>/<key[:2]>: each folder listed once
                files: dict[str, list[Path]] = {}
                for path in bucket.iterdir():
                    if not path.name.startswith("."):
                        files.setdefault(path.name.split(".")[0], []).append(path)
                for key, group in files.items():
                    group.sort(key=lambda p: p.suffix != ".json")
                    try:
                        stats = [p.stat() for p in group]
                    except OSError:
                        continue
                    size = sum(st.st_size for st in stats)
                    used = stats[0].st_mtime_ns if group[0].suffix == ".json" else 0  # orphans go first
                    total += size
                    entries.append((used, key, size, group))
        except OSError:
            return
        _TOTALS[self.root] = total
        if total <= self.max_bytes:
            return
        for _used, _key, size, group in sorted(entries, key=lambda e: e[:2]):
            try:
                for path in group:  # the sidecar first: a payload without one is never used
                    path.unlink(missing_ok=True)
            except OSError:
                continue
            total -= size
            if total <= self.max_bytes:
                break
        _TOTALS[self.root] = total

    def _grew(self, added: int) -> None:
        """Count a new entry; list the folder (and evict) on the first write of a process and when the
        running total passes the bound, not on every write."""
        total = _TOTALS.get(self.root)
        if total is None or total + added > self.max_bytes:
            self.evict()
        else:
            _TOTALS[self.root] = total + added


_TOTALS: dict[Path, int] = {}  # cache folder → its size as last listed plus what this process added since


# --------------------------------------------------------------------------- in-process memo


def file_key(path: Path) -> tuple[Hashable, ...]:
    """What identifies a file's content for :class:`Memo`: resolved path, size, mtime_ns, inode,
    and (files up to :data:`skilldoc.limits.MEMO_HASH_MAX_BYTES`) a hash of the bytes, so an edit
    that keeps size and modification time is still seen.  Raises ``OSError`` like ``os.stat``."""
    resolved = Path(path).resolve()
    st = os.stat(resolved)
    digest = hash_file(resolved) if st.st_size <= limits.MEMO_HASH_MAX_BYTES else ""
    return (str(resolved), st.st_size, st.st_mtime_ns, st.st_ino, digest)


class Memo(Generic[T]):
    """A small thread-safe LRU: ``key → value``; :meth:`get_or_make` computes a missing value once."""

    def __init__(self, name: str, maxsize: int) -> None:
        self.name = name
        self.maxsize = maxsize
        self._data: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0
        _MEMOS.append(self)

    def get(self, key: Hashable) -> T | None:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                self.hits += 1
                return self._data[key]
            self.misses += 1
            return None

    def put(self, key: Hashable, value: T) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def get_or_make(self, key: Hashable, make: Callable[[], T]) -> T:
        found = self.get(key)
        if found is not None:
            return found
        value = make()  # outside the lock: two threads may both make it; the result is the same
        self.put(key, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._data)


_MEMOS: list[Memo[Any]] = []


def clear_memos() -> None:
    """Forget every in-process memo (tests; a caller that wants a cold start)."""
    for memo in _MEMOS:
        memo.clear()
