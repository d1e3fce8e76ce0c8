"""A response cache for public GET pages, validated against the data version on every request.

The data only changes when an import or an admin save commits, so a rendered page stays right until the
data version moves. The version is read from the database at most once a second per process (in a worker
thread, since the query blocks); within that second a hit costs neither a query nor a thread hop and is
answered from memory on the event loop: this is what lets the resolution, country and search pages hold
their latency under load (benchmarks/web_speed.py). Every public answer also carries an ETag built from
the version, so browsers and proxies can revalidate with If-None-Match and get a 304.

Never cached: anything but GET/HEAD, /admin, /static (StaticFiles has its own validators), requests that
carry cookies (public pages set none; an admin's browser does), and responses other than 200 or that set
cookies.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_ENTRIES = 2_000
MAX_BODY = 2_000_000  # bytes; larger answers (big CSV exports) are served but not kept
SKIP_PREFIXES = ("/admin", "/static", "/healthz", "/readyz", "/metrics")
CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=600"
VERSION_TTL = 1.0  # seconds an admin's save may take to show on cached pages


@dataclass(frozen=True)
class _Entry:
    version: str
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


def cache_key(scope: Scope) -> str:
    """What tells two public answers apart: the path and the query string."""
    path: str = scope["path"]
    query: bytes = scope.get("query_string", b"")
    return path + "?" + query.decode("latin-1")


def etag_for(version: str, key: str) -> str:
    """The ETag of the answer at ``key`` under a data version: routes that answer 304 themselves (the
    share-card images, app/cards) use it too, so theirs and the cache's agree."""
    return 'W/"' + hashlib.sha256(f"{version}|{key}".encode()).hexdigest()[:32] + '"'


def etag_matches(etag: str, if_none_match: str | None) -> bool:
    return etag in (if_none_match or "")


class ResponseCache:
    """Thread-safe LRU of rendered responses (handlers run in a thread pool)."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries
        self.hits = 0
        self.misses = 0

    def get(self, key: str, version: str) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.version != version:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key: str, entry: _Entry) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)


class PublicCacheMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        version: Callable[[], str],
        cache: ResponseCache | None = None,
        version_ttl: float = VERSION_TTL,
    ) -> None:
        self.app = app
        self.version = version
        self.cache = cache or ResponseCache()
        self.version_ttl = version_ttl
        self._version: tuple[float, str] | None = None  # (monotonic time read, version)

    def _fresh_version(self) -> str | None:
        """The version read less than version_ttl seconds ago, if any: no query, no thread hop."""
        known = self._version
        if known is None or time.monotonic() - known[0] >= self.version_ttl:
            return None
        return known[1]

    def _read_version(self) -> str:
        # Asked at most every version_ttl seconds per process: a hit then costs no query at all, and a
        # change is seen within that time by every worker. Runs in a thread: the query blocks.
        version = self.version()
        self._version = (time.monotonic(), version)
        return version

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._cacheable_request(scope):
            await self.app(scope, receive, send)
            return
        version = self._fresh_version()
        try:
            if version is None:
                version = await run_in_threadpool(self._read_version)
        except Exception:  # the database is unreachable: let the application answer (and report it)
            await self.app(scope, receive, send)
            return
        key = cache_key(scope)
        etag = etag_for(version, key)
        if etag_matches(etag, Headers(scope=scope).get("if-none-match")):
            await send({"type": "http.response.start", "status": 304, "headers": [(b"etag", etag.encode())]})
            await send({"type": "http.response.body", "body": b""})
            return
        entry = self.cache.get(key, version)
        if entry is not None:
            await send({"type": "http.response.start", "status": entry.status, "headers": entry.headers})
            await send(
                {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else entry.body}
            )
            return
        await self._fill(scope, receive, send, key, version, etag)

    @staticmethod
    def _cacheable_request(scope: Scope) -> bool:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return False
        if scope["path"].startswith(SKIP_PREFIXES):
            return False
        return "cookie" not in Headers(scope=scope)

    async def _fill(
        self, scope: Scope, receive: Receive, send: Send, key: str, version: str, etag: str
    ) -> None:
        start: Message | None = None
        chunks: list[bytes] = []
        keep = True

        async def capture(message: Message) -> None:
            nonlocal start, keep
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                keep = message["status"] == 200 and "set-cookie" not in headers
                if keep:
                    headers["etag"] = etag
                    headers.setdefault("cache-control", CACHE_CONTROL)
                start = message
                await send(message)
                return
            body = message.get("body", b"")
            if keep:
                chunks.append(body)
                keep = sum(map(len, chunks)) <= MAX_BODY
            await send(message)
            if (
                not message.get("more_body", False)
                and keep
                and start is not None
                and scope["method"] == "GET"
            ):
                stored = [(k, v) for k, v in start["headers"]]
                self.cache.put(key, _Entry(version, start["status"], stored, b"".join(chunks)))

        await self.app(scope, receive, capture)
