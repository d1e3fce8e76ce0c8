"""Rendered pages shared by the workers of one machine, behind each worker's own in-memory cache.

With several uvicorn workers each kept its own pages, so after a start every worker rendered each page
once, and under load (benchmarks/load.py: four workers on two cores, ~800 pages) that first pass took
half a minute in which clients timed out. Here a page rendered by one worker is found by the others: a
render happens once per machine and data version, and a restart (a deploy) finds the pages of the same
data and code still there.

The store is diskcache's (an SQLite index beside a folder of files, safe across processes; evicts the
least recently stored beyond ``SIZE_LIMIT``), holding bytes only: entries are our own format
(app.cache.entry), keys are strings, and ``BytesOnlyDisk`` refuses to unpickle anything or to follow a
file name out of the folder, so that whoever could write to the folder (the folder is checked to be
private anyway) still could not run code in the app (diskcache's CVE-2025-69872, which has no fixed
release). Entries are keyed by the page; the data version travels in
the entry, so the middleware decides what is fresh and what is stale. The folder's name carries a
fingerprint of the database URL and of the code and templates, so pages rendered by other code or for
another database are never served, and within a folder set in the settings every key is filed under
the same fingerprint. Anything going wrong here (a busy index, a full disk) reads as a
miss and is logged at most once a minute: sharing saves work, it is never needed to answer.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import stat
import tempfile
import time
from pathlib import Path
from typing import Any

from diskcache import Cache, Disk, Timeout
from diskcache.core import MODE_BINARY, MODE_RAW

from app.config import PROJECT_ROOT

log = logging.getLogger(__name__)

SIZE_LIMIT = 512 * 1024 * 1024  # bytes on disk; a page is 10-150 KB
LOG_EVERY = 60.0  # seconds between two warnings
FORGET_AFTER = 24 * 3600.0  # seconds unwritten after which another release's default folder is removed
CODE_FOLDERS = ("app", "templates", "static")


def code_fingerprint() -> str:
    """Changes whenever a file of the code, templates or static assets does (name, size or time)."""
    digest = hashlib.sha256()
    for folder in CODE_FOLDERS:
        for path in sorted((PROJECT_ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                stat = path.stat()
                digest.update(
                    f"{path.relative_to(PROJECT_ROOT)}|{stat.st_size}|{stat.st_mtime_ns}\n".encode()
                )
    return digest.hexdigest()[:16]


def namespace(database_url: str, public_url: str = "") -> str:
    """What the pages of one database and one release are filed under: a folder set in the settings may be
    shared by several databases (a test run's is), and outlives releases. The public URL the pages link
    to is part of it: pages rendered before it was set (or changed) are never served after."""
    return hashlib.sha256(f"{database_url}|{public_url}|{code_fingerprint()}".encode()).hexdigest()[:16]


def default_folder(database_url: str) -> Path:
    return Path(tempfile.gettempdir()) / f"{_default_prefix()}{namespace(database_url)}"


def _default_prefix() -> str:
    return f"unga-pages-{os.getuid()}-"


def sweep_old_folders(folder: Path, now: float | None = None) -> list[Path]:
    """Remove the default folders of earlier releases (or other databases) of this user that nothing has
    written to for FORGET_AFTER seconds: each release gets a new folder, and each may hold SIZE_LIMIT.
    Only beside a default folder; returns what was removed."""
    if not folder.name.startswith(_default_prefix()):
        return []
    cutoff = (time.time() if now is None else now) - FORGET_AFTER
    removed = []
    for other in folder.parent.glob(_default_prefix() + "*"):
        index = other / "cache.db"
        try:
            if other != folder and other.lstat().st_uid == os.getuid() and index.stat().st_mtime < cutoff:
                shutil.rmtree(other, ignore_errors=True)
                removed.append(other)
        except OSError:
            continue
    return removed


def private_folder(folder: Path) -> None:
    """Create ``folder`` for this user alone, or check that it is: whoever can write here could put any
    page in front of the readers (another user of a shared /tmp could have made the folder first).
    Raises PermissionError otherwise."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    found = folder.lstat()
    if not stat.S_ISDIR(found.st_mode) or found.st_uid != os.getuid() or found.st_mode & 0o077:
        raise PermissionError(f"{folder} must be a folder of this user's that no one else can open")


class UnsafeEntryError(ValueError):
    """The store holds something this app never writes (a pickle, a path out of the folder)."""


class BytesOnlyDisk(Disk):  # type: ignore[misc]  # diskcache is untyped
    """diskcache's storage with pickling taken out: string keys and bytes values are stored as they are
    (as diskcache does for them anyway), and a row asking to be unpickled, or naming a file outside the
    folder, is refused instead of followed."""

    def put(self, key: Any) -> Any:
        if not isinstance(key, str):
            raise UnsafeEntryError("only string keys are stored")
        return super().put(key)

    def get(self, key: Any, raw: bool) -> Any:
        if not raw:
            raise UnsafeEntryError("a pickled key in the shared page store")
        return super().get(key, raw)

    def store(self, value: Any, read: bool, key: Any = None) -> Any:
        if not isinstance(value, bytes) or read:
            raise UnsafeEntryError("only bytes are stored")
        return super().store(value, read) if key is None else super().store(value, read, key=key)

    def _inside(self, filename: str | None) -> None:
        if filename is None:
            return
        folder = os.path.realpath(self._directory)
        if os.path.commonpath([folder, os.path.realpath(os.path.join(folder, filename))]) != folder:
            raise UnsafeEntryError("a file outside the shared page store")

    def fetch(self, mode: int, filename: str | None, value: Any, read: bool) -> Any:
        if mode not in (MODE_RAW, MODE_BINARY) or read:
            raise UnsafeEntryError("only bytes are read from the shared page store")
        self._inside(filename)
        return super().fetch(mode, filename, value, read)

    def remove(self, file_path: str) -> None:
        self._inside(file_path)
        super().remove(file_path)


class SharedPages:
    """get / put / delete of entries as bytes (app.cache.entry); a failure reads as a miss."""

    def __init__(self, folder: Path, space: str, size_limit: int = SIZE_LIMIT) -> None:
        self.folder = folder
        self._space = space  # every key is filed under it (see ``namespace``)
        self._cache: Cache | None = None
        self._size_limit = size_limit
        self._logged_at = -LOG_EVERY

    def _open(self) -> Cache:
        if self._cache is None:  # opened on first use, in the worker: a connection must not cross a fork
            private_folder(self.folder)
            sweep_old_folders(self.folder)
            # A writer holds the index for well under a millisecond; past 50 ms this is a miss.
            self._cache = Cache(
                str(self.folder), size_limit=self._size_limit, timeout=0.05, disk=BytesOnlyDisk
            )
        return self._cache

    def _failed(self, what: str, exc: Exception) -> None:
        if isinstance(exc, Timeout):
            return  # busy: a miss this time, nothing to report
        now = time.monotonic()
        if now - self._logged_at >= LOG_EVERY:
            self._logged_at = now
            log.warning("shared page cache in %s: %s failed (%s)", self.folder, what, type(exc).__name__)

    def _key(self, key: str) -> str:
        return f"{self._space}|{key}"

    def get(self, key: str) -> bytes | None:
        try:
            found = self._open().get(self._key(key), retry=False)
        except Exception as exc:
            self._failed("read", exc)
            return None
        return found if isinstance(found, bytes) else None

    def put(self, key: str, value: bytes) -> None:
        try:
            self._open().set(self._key(key), value, retry=False)
        except Exception as exc:
            self._failed("write", exc)

    def has(self, key: str) -> bool:
        try:
            return self._key(key) in self._open()
        except Exception as exc:
            self._failed("read", exc)
            return False

    def claim(self, key: str, seconds: float) -> bool:
        """True for the one worker that asks first within ``seconds`` (to share out work): a marker
        added only if absent, which expires by itself."""
        try:
            return bool(self._open().add(f"{self._space}|claim|{key}", b"", expire=seconds, retry=True))
        except Exception as exc:
            self._failed("claim", exc)
            return True  # the store is unusable: do the work here

    def delete(self, key: str) -> None:
        try:
            self._open().delete(self._key(key), retry=False)
        except Exception as exc:
            self._failed("delete", exc)
