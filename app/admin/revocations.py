"""Sign-outs the database could not record, kept until it can.

Signing out revokes the session's row; when the database cannot be written (read-only, full disk,
restarting) that write fails. The browser's cookie is cleared all the same (app.errors), and the session
is noted here: any request bearing it is refused, and the first that arrives once the database can be
written again records the revocation (app.admin.auth.current_admin). Notes are shared by the workers of
the machine through a small file in a folder of this user's alone, and forgotten once the database
holds the revocation or the session could no longer be used anyway.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import tempfile
import threading
import time
from pathlib import Path

from app.cache.shared import private_folder

log = logging.getLogger(__name__)


def default_path(database_url: str) -> Path:
    name = "signed-out-" + hashlib.sha256(database_url.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"unga-state-{os.getuid()}" / name


class PendingRevocations:
    """Session ids (their SHA-256) signed out but not yet revoked in the database, with when each would
    have expired anyway."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._held: dict[str, float] = {}  # id: expiry (epoch seconds)
        self._seen: tuple[int, int] | None = None  # the file's (mtime_ns, size) when last read

    def _read(self, force: bool = False) -> None:
        """Take in what the other workers noted, if the file changed since it was last read."""
        try:
            found = self.path.stat()
        except FileNotFoundError:
            self._seen = None
            return
        except OSError:
            return
        if not force and self._seen == (found.st_mtime_ns, found.st_size):
            return
        held: dict[str, float] = {}
        try:
            for line in self.path.read_text().splitlines():
                expiry, _, digest = line.partition(" ")
                if len(digest) == 64 and expiry.isdigit():
                    held[digest] = float(expiry)
        except OSError:
            return
        self._held, self._seen = held, (found.st_mtime_ns, found.st_size)

    def _change(self, add: tuple[str, float] | None = None, remove: str | None = None) -> None:
        """Apply one change to the file, re-read under an exclusive lock so that no worker's is lost."""
        if add is not None:
            self._held[add[0]] = add[1]  # this worker knows at once, whatever happens to the file
        if remove is not None:
            self._held.pop(remove, None)
        try:
            private_folder(self.path.parent)
            with open(self.path.with_suffix(".lock"), "a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                self._read(force=True)
                if add is not None:
                    self._held[add[0]] = add[1]
                if remove is not None:
                    self._held.pop(remove, None)
                now = time.time()
                self._held = {k: v for k, v in self._held.items() if v > now}
                temporary = self.path.with_suffix(".new")
                temporary.write_text("".join(f"{v:.0f} {k}\n" for k, v in self._held.items()))
                temporary.replace(self.path)
                self._seen = None
        except OSError as exc:
            log.warning("pending sign-outs not shared with the other workers (%s)", type(exc).__name__)

    def add(self, digest: str, expires_at: float) -> None:
        with self._lock:
            self._change(add=(digest, expires_at))

    def __contains__(self, digest: object) -> bool:
        with self._lock:
            self._read()
            expiry = self._held.get(str(digest))
            return expiry is not None and expiry > time.time()

    def forget(self, digest: str) -> None:
        with self._lock:
            self._read()
            if digest in self._held:
                self._change(remove=digest)
