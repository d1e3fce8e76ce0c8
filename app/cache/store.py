"""The rendered pages one process keeps, in memory, backed by those the machine's other workers rendered."""

from __future__ import annotations

import threading
from collections import OrderedDict

from app.cache.entry import Entry
from app.cache.shared import SharedPages

MAX_ENTRIES = 2_000
_Entry = Entry


class ResponseCache:
    """Thread-safe LRU of rendered responses (handlers run in a thread pool), optionally backed by the
    pages the other workers of the machine rendered (app.cache.shared)."""

    def __init__(self, max_entries: int = MAX_ENTRIES, shared: SharedPages | None = None) -> None:
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries
        self._shared = shared
        # The version under which the shared store was last asked for a page: once per page and version,
        # so a stream of stale hits after a save does not read the disk on every request.
        self._asked: dict[str, str] = {}
        self.hits = 0
        self.stale_hits = 0
        self.misses = 0

    def _from_shared(self, key: str, version: str, held: _Entry | None) -> _Entry | None:
        if self._shared is None or self._asked.get(key) == version:
            return held
        if len(self._asked) > 4 * self._max:  # any query string is a key: keep this bounded
            self._asked.clear()
        self._asked[key] = version
        found = Entry.from_bytes(self._shared.get(key))
        if found is None or (held is not None and found.rendered_at <= held.rendered_at):
            return held
        with self._lock:
            self._keep(key, found)
        return found

    def get(self, key: str, version: str, *, max_stale: float, now: float) -> _Entry | None:
        """The entry for ``key`` rendered under ``version``, else one rendered under another version less
        than ``max_stale`` seconds before ``now`` (the caller tells them apart by ``entry.version``)."""
        with self._lock:
            entry = self._entries.get(key)
        if entry is None or entry.version != version:
            entry = self._from_shared(key, version, entry)
        with self._lock:
            if entry is None or (entry.version != version and now - entry.rendered_at >= max_stale):
                self.misses += 1
                return None
            if entry.version == version:
                self.hits += 1
            else:
                self.stale_hits += 1
            if key in self._entries:
                self._entries.move_to_end(key)
            return entry

    def _keep(self, key: str, entry: _Entry) -> bool:
        held = self._entries.get(key)
        if held is not None and held.rendered_at > entry.rendered_at:
            return False  # a render begun later (under a newer version) finished first: keep it
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)
        return True

    def put(self, key: str, entry: _Entry) -> None:
        with self._lock:
            kept = self._keep(key, entry)
        if kept and self._shared is not None:
            self._shared.put(key, entry.to_bytes())

    def discard_stale(self, key: str, version: str) -> None:
        """Forget ``key`` unless it was rendered under ``version``."""
        with self._lock:
            held = self._entries.get(key)
            if held is not None and held.version != version:
                del self._entries[key]
        if self._shared is not None:
            shared = Entry.from_bytes(self._shared.get(key))
            if shared is not None and shared.version != version:
                self._shared.delete(key)
