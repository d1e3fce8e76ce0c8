"""A start that answers from memory: the pages readers ask for first are rendered before a worker
takes requests.

After a start with an empty page folder (a new release has a new one), each of the ~800 pages of the
load benchmark was rendered on first request: under 128 connections on two cores the queue of first
renders grew past two seconds and clients timed out (15-107 of them in the first 20 seconds). Now each
worker, in its lifespan (before it accepts a connection, and so before /readyz answers from it), goes
through the pages readers ask for first (``warm_paths``: the home and index pages, the latest
resolutions, every member state, and their JSON) and renders each one that no worker has yet: the
workers share the list out through the shared store (a claim per page), so the machine renders each
page once, in parallel. A worker becomes ready when the list is done, or after ``warm_seconds``
whatever is left (a start is never held for longer). Pages are rendered through the whole
application, so they are kept exactly as a request would keep them.

In production only, unless UNGA_WARM_START says otherwise: the quick start would wait 20-30 seconds.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Message, Scope

from app.cache import queries
from app.cache.shared import SharedPages
from app.urls import country_api_path, country_path, symbol_api_path, symbol_path

log = logging.getLogger(__name__)

LATEST = 200  # resolution pages (and half as many of their JSON twins)
CLAIM_SECONDS = 30.0  # a page claimed by a worker that died is someone else's after this
INDEX_PAGES = ("/", "/resolutions", "/countries", "/series", "/trends", "/about")


def warm_paths(session: Session) -> list[str]:
    """The pages readers ask for first, most asked first."""
    symbols = queries.latest_resolution_symbols(session, LATEST)
    codes = queries.member_codes(session)
    paths = [*INDEX_PAGES, *(symbol_path(s) for s in symbols), *(country_path(c) for c in codes)]
    paths += [symbol_api_path(s) for s in symbols[: LATEST // 2]] + [country_api_path(c) for c in codes]
    return paths


async def _get(app: ASGIApp, path: str) -> int:
    """GET ``path`` through the application; the status answered."""
    status = 0

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "server": None,
        "client": None,
        "root_path": "",
        "path": path.split("?", 1)[0],
        "raw_path": path.split("?", 1)[0].encode(),
        "query_string": path.split("?", 1)[1].encode() if "?" in path else b"",
        "headers": [],
        "state": {},
    }
    await app(scope, receive, send)
    return status


async def warm(app: ASGIApp, shared: SharedPages | None, paths: list[str], seconds: float) -> tuple[int, int]:
    """Render the ``paths`` no worker has rendered or claimed yet, for at most ``seconds``. Returns
    (rendered here, not reached when time ran out)."""
    deadline = time.monotonic() + seconds
    rendered = 0
    for n, path in enumerate(paths):
        if time.monotonic() >= deadline:
            return rendered, len(paths) - n
        key = path if "?" in path else path + "?"
        if shared is not None and (shared.has(key) or not shared.claim(key, CLAIM_SECONDS)):
            continue  # kept already, or another worker is on it
        try:
            await _get(app, path)
            rendered += 1
        except Exception as exc:  # a page that fails now fails for its reader too; the start goes on
            log.warning("warm start: %s failed (%s)", path, type(exc).__name__)
    return rendered, 0
