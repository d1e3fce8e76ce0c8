"""A response cache for public GET pages, validated against the data version on every request.

The data only changes when an import or an admin save commits, so a rendered page stays right until the
data version moves. The version is read from the database at most once a second per process, in the
background (a worker thread, since the query blocks) while requests go on with the version known; a hit
costs neither a query nor a thread hop and is answered from memory on the event loop: this is what
lets the resolution, country and search pages hold their latency under load (benchmarks/web_speed.py).
Every public answer also carries an ETag built from the version, so browsers and proxies can revalidate
with If-None-Match and get a 304.

Every admin save moves the version, so every page in every worker would go cold at once, and under load
(benchmarks/load.py: 128 connections, an edit saved every few seconds) every request then became a full
render of 15-60 ms of CPU: queues grew until clients timed out. Two things keep that from happening:

* Stale while revalidate. When the version has moved, a page rendered under an earlier version less
  than MAX_STALE seconds ago is answered at once, with the ETag of the version it was rendered under
  (so a conditional request never gets a 304 for content it does not hold) and an ``Age`` header, and
  the page is re-rendered for the current version in the background: deduplicated per page, at most
  ``refreshes`` at once per process (past that the refresh is skipped; a later request asks again),
  and not before the page is ``refresh_after`` seconds old (under a stream of saves, re-rendering after
  each one kept the CPU busy with pages stale again before they were done).
  A page older than MAX_STALE is rendered before it is answered. So a reader sees what the data was at
  most MAX_STALE seconds (plus the version's one-second reading) before: the figure we already promise
  proxies with max-age in CACHE_CONTROL. Requests with cookies (an admin's) bypass the cache and see a
  save at once.
* Single flight. Concurrent misses on one page in one process render it once: the first request renders
  it, the others wait for that answer. If it cannot be shared (not a cacheable 200, or the render
  failed) each waiter renders its own.

Before the application runs for a page (a request's or a background refresh), the version it is
rendered for is set in app.data_version.served_version for the code below.

Never cached: anything but GET/HEAD, /admin, /static (StaticFiles has its own validators), requests that
carry an admin's session cookie (``bypass_cookies``: the admin sees a save at once), and responses other
than 200 or that set cookies.

What a cached page is rendered from is what it is keyed by, so that no request can put into the cache
what another reader would not have been shown (a forged Host once did): the path, the query string
reduced to the parameters the route declares (``params``: ``?r=123`` on a share card, or any unknown
parameter, no longer makes a new page to render) and the scheme. The application sees no request header
at all, cookies included: a browser's analytics cookie no longer bypasses the cache (every cookie did).

Pages are kept compressed (app.cache.compress) and each client is sent the coding it accepts.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Collection

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.cache.compress import choose
from app.cache.entry import Entry, make_entry
from app.cache.scopes import normalise_query, refresh_scope, render_scope
from app.cache.store import ResponseCache
from app.data_version import served_version
from app.kit.etag import CACHE_CONTROL, MAX_STALE, cache_key, etag_for, etag_matches

log = logging.getLogger(__name__)

MAX_BODY = 2_000_000  # bytes; larger answers (big CSV exports) are served but not kept
SKIP_PREFIXES = ("/admin", "/static", "/healthz", "/readyz", "/metrics")
VERSION_TTL = 1.0  # seconds an admin's save may take to show on cached pages
REFRESHES = 1  # background re-renders at once per process: they take CPU from the requests being served
# Seconds after its render before a stale page is re-rendered in the background. Under a stream of saves
# (benchmarks/load.py: one every second) re-rendering every page after each one kept every worker's CPU
# busy with pages stale again before they were done, and the requests waiting behind them timed out.
REFRESH_AFTER = 10.0

Clock = Callable[[], float]
# The query parameters a route declares, for a request's scope (None: keep the query string as it is).
Params = Callable[[Scope], Collection[str] | None]
_Entry = Entry


class _Flight:
    """One render in progress that other requests for the same page and version wait for."""

    def __init__(self) -> None:
        self._done = asyncio.Event()
        self._entry: _Entry | None = None

    def settle(self, entry: _Entry | None) -> None:
        if not self._done.is_set():
            self._entry = entry
            self._done.set()

    async def result(self) -> _Entry | None:
        """The rendered entry, or None if it could not be shared (each waiter then renders its own)."""
        await self._done.wait()
        return self._entry


def _note_failed_read(reading: asyncio.Future[str]) -> None:
    # Retrieved here so that a read nobody awaited does not end as "exception was never retrieved".
    if not reading.cancelled() and (exc := reading.exception()) is not None:
        log.warning("data version not read: %s", type(exc).__name__)


class PublicCacheMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        version: Callable[[], str],
        cache: ResponseCache | None = None,
        version_ttl: float = VERSION_TTL,
        max_stale: float = MAX_STALE,
        refreshes: int = REFRESHES,
        refresh_after: float = REFRESH_AFTER,
        clock: Clock = time.time,  # wall time: entries are shared between processes (app.cache.shared)
        bypass_cookies: Collection[str] = (),
        params: Params | None = None,
    ) -> None:
        self.app = app
        self.version = version
        self.cache = cache or ResponseCache()
        self.version_ttl = version_ttl
        self.max_stale = max_stale
        self.refreshes = refreshes
        self.refresh_after = refresh_after
        self.clock = clock
        self.bypass_cookies = frozenset(bypass_cookies)
        self.params = params
        self._version: tuple[float, str] | None = None  # (clock time read, version)
        self._reading: asyncio.Future[str] | None = None
        # Only touched on the event loop, so no lock.
        self._flights: dict[tuple[str, str], _Flight] = {}
        self._refreshing: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()  # the loop keeps only weak references to tasks

    def _read_version(self) -> str:
        # Runs in a thread: the query blocks.
        version = self.version()
        self._version = (self.clock(), version)
        return version

    def _version_read(self) -> asyncio.Future[str]:
        """The read of the version in progress, or a new one: one at a time per process. Every request
        that found the version due used to read it for itself: once a second, 32 concurrent requests
        queued 32 queries of 3 ms behind the GIL, and that pause set the p99 latency (150 ms, 8 ms
        without it; benchmarks/web_speed.py)."""
        if self._reading is None or self._reading.done():
            self._reading = asyncio.ensure_future(run_in_threadpool(self._read_version))
            self._reading.add_done_callback(_note_failed_read)
        return self._reading

    async def _current_version(self) -> str:
        """The data version, read at most every version_ttl seconds per process: within that time a hit
        costs neither a query nor a thread hop, and a change is seen by every worker within it.

        When it is due, the version known is used while it is read again in the background, so no
        request waits for the query; only with no version read in the last max_stale seconds (at
        start-up, or the database unreachable that long) does a request wait for it, and a failed read
        then raises: the application answers, with a 503 if the database is still gone. So while the
        database is briefly unreachable, the pages held keep being served."""
        known = self._version
        if known is None:
            return await asyncio.shield(self._version_read())
        age = self.clock() - known[0]
        if age < self.version_ttl:
            return known[1]
        reading = self._version_read()
        if age < self.max_stale:
            return known[1]
        return await asyncio.shield(reading)

    async def version_now(self) -> str:
        """Read the data version now and wait for it (tests that move the version and must not wait a
        request for the change to be seen). A read already in flight may have read the version before
        the change: it is waited for, and a read that starts after this call is the answer."""
        if self._reading is not None and not self._reading.done():
            await asyncio.wait([self._reading])  # its result or failure is its own requester's
        return await asyncio.shield(self._version_read())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._cacheable_request(scope):
            await self.app(scope, receive, send)
            return
        query = normalise_query(scope.get("query_string", b""), self.params(scope) if self.params else None)
        app_scope = render_scope(scope, query)
        try:
            version = await self._current_version()
        except Exception:  # the database is unreachable: let the application answer (and report it)
            await self.app(app_scope, receive, send)
            return
        key = cache_key(app_scope)
        etag = etag_for(version, key)
        if_none_match = Headers(scope=scope).get("if-none-match")
        if etag_matches(etag, if_none_match):
            await _send_not_modified(send, etag)
            return
        now = self.clock()
        entry = self.cache.get(key, version, max_stale=self.max_stale, now=now)
        if entry is None:
            await self._fill(scope, app_scope, receive, send, key, version, etag)
            return
        if entry.version == version:
            await _send_entry(scope, send, entry)
            return
        if now - entry.rendered_at >= self.refresh_after:
            self._schedule_refresh(app_scope, key, version)
        age = (b"age", str(int(now - entry.rendered_at)).encode())
        if etag_matches(entry.etag, if_none_match):  # the client holds what we would send
            await _send_not_modified(send, entry.etag, age)
            return
        await _send_entry(scope, send, entry, age)

    def _cacheable_request(self, scope: Scope) -> bool:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return False
        if scope["path"].startswith(SKIP_PREFIXES):
            return False
        cookies = Headers(scope=scope).get("cookie")
        return not cookies or not self.bypass_cookies.intersection(cookie_parser(cookies))

    async def _fill(
        self, scope: Scope, app_scope: Scope, receive: Receive, send: Send, key: str, version: str, etag: str
    ) -> None:
        """A miss: join the render of this page in progress, or render it (and let others join)."""
        flight = self._flights.get((key, version))
        if flight is not None:
            entry = await flight.result()
            if entry is not None:
                await _send_entry(scope, send, entry)
            else:
                await self._render(scope, app_scope, receive, send, key, version, etag)
            return
        if scope["method"] != "GET":  # a HEAD is answered without a body, so it has nothing to share
            await self._render(scope, app_scope, receive, send, key, version, etag)
            return
        await self._lead(scope, app_scope, receive, send, key, version, etag)

    async def _lead(
        self, scope: Scope, app_scope: Scope, receive: Receive, send: Send, key: str, version: str, etag: str
    ) -> int | None:
        flight = _Flight()
        self._flights[key, version] = flight

        def settle(entry: _Entry | None) -> None:
            # As soon as the outcome is known, not when this request's client has read it all: the
            # waiters must not wait on a slow client.
            if self._flights.get((key, version)) is flight:
                del self._flights[key, version]
            flight.settle(entry)

        try:
            return await self._render(scope, app_scope, receive, send, key, version, etag, settle)
        finally:
            settle(None)  # the render failed or was cancelled: the waiters render their own

    async def _render(
        self,
        scope: Scope,
        app_scope: Scope,
        receive: Receive,
        send: Send,
        key: str,
        version: str,
        etag: str,
        settle: Callable[[_Entry | None], None] = lambda entry: None,
    ) -> int | None:
        """Run the application on ``app_scope`` for ``version`` and answer ``scope``'s client: an answer
        that can be kept is held until complete, kept (compressed) and sent in the coding the client
        accepts; any other is streamed through as it comes. Returns the status answered, if complete."""
        rendered_at = self.clock()
        status: int | None = None
        complete = False
        held: Message | None = None  # the start of an answer being kept, not sent yet
        chunks: list[bytes] = []
        size = 0

        async def release() -> None:
            """Stop keeping: send what was held and stream the rest."""
            nonlocal held
            settle(None)
            if held is not None:
                start, held = held, None
                await send(start)
                if chunks:
                    await send({"type": "http.response.body", "body": b"".join(chunks), "more_body": True})

        async def capture(message: Message) -> None:
            nonlocal status, complete, held, size
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                if status == 200 and "set-cookie" not in headers:
                    headers["etag"] = etag
                    headers.setdefault("cache-control", CACHE_CONTROL)
                    if scope["method"] == "GET":
                        held = message
                        return
                settle(None)
                await send(message)
            elif message["type"] != "http.response.body":  # an extension (pathsend): nothing to keep
                await release()
                await send(message)
            elif held is None:
                complete = not message.get("more_body", False)
                await send(message)
            else:
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
                complete = not message.get("more_body", False)
                if size > MAX_BODY:
                    await release()
                    await send({"type": "http.response.body", "body": b"", "more_body": not complete})
                elif complete:
                    # Copied now: the middlewares outside add theirs (X-Request-ID among them) to the
                    # message sent, and would add them again to every answer from the cache.
                    kept_headers = list(held["headers"])
                    body = b"".join(chunks)
                    entry = await run_in_threadpool(
                        make_entry, version, 200, kept_headers, body, etag, rendered_at
                    )
                    held = None
                    self.cache.put(key, entry)
                    settle(entry)
                    await _send_entry(scope, send, entry)

        token = served_version.set(version)
        try:
            await self.app(app_scope, receive, capture)
        finally:
            served_version.reset(token)
        return status if complete else None

    def _schedule_refresh(self, scope: Scope, key: str, version: str) -> None:
        if (
            key in self._refreshing
            or len(self._refreshing) >= self.refreshes
            or (key, version) in self._flights  # a request is rendering it already
        ):
            return
        self._refreshing.add(key)
        task = asyncio.get_running_loop().create_task(self._refresh(refresh_scope(scope), key, version))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _refresh(self, scope: Scope, key: str, version: str) -> None:
        """Render ``key`` for ``version`` in the background and keep the answer if it is a cacheable 200.
        Never raises: a failure leaves the stale answer in place until it is older than max_stale."""
        finished = asyncio.Event()
        asked = False

        async def receive() -> Message:
            nonlocal asked
            if not asked:
                asked = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await finished.wait()  # like a client that stays until the answer is complete
            return {"type": "http.disconnect"}

        async def discard(message: Message) -> None:
            pass

        if (key, version) in self._flights:  # a request began rendering it since this was scheduled
            self._refreshing.discard(key)
            return
        try:
            status = await self._lead(scope, scope, receive, discard, key, version, etag_for(version, key))
            if status is not None and status < 500 and status != 200:
                # The page now answers something that is not kept (gone, moved): stop serving the old one.
                self.cache.discard_stale(key, version)
        except Exception as exc:
            log.warning("page cache: background refresh of %s failed (%s)", key, type(exc).__name__)
        finally:
            finished.set()
            self._refreshing.discard(key)


async def _send_entry(scope: Scope, send: Send, entry: _Entry, *extra: tuple[bytes, bytes]) -> None:
    """Answer with ``entry`` in the coding the client accepts (the same ETag for every coding: it is weak,
    and the content is the same)."""
    coding = choose(Headers(scope=scope).get("accept-encoding")) if entry.compressed else None
    body, coding = entry.variant(coding)
    headers = [*entry.headers, *extra, (b"content-length", str(len(body)).encode())]
    if entry.compressed:
        headers.append((b"vary", b"Accept-Encoding"))
    if coding is not None:
        headers.append((b"content-encoding", coding.encode()))
    await send({"type": "http.response.start", "status": entry.status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})


async def _send_not_modified(send: Send, etag: str, *extra: tuple[bytes, bytes]) -> None:
    headers = [(b"etag", etag.encode()), *extra]
    await send({"type": "http.response.start", "status": 304, "headers": headers})
    await send({"type": "http.response.body", "body": b""})
