"""Process-level preparation for serving: the vote matrix built before the first request, and the
garbage collector tuned.

Every worker keeps the country figures' vote matrix in memory (app.countries.matrix). Built on the first
request that needs it, it made that request wait about 0.7 s, once per worker and again after every
restart; it is built at start-up instead. A database that cannot be reached yet is no reason not to
start: the first request then builds it, or answers 503 (app.errors).

A rendered page allocates many short-lived containers (ORM rows, template contexts), so CPython's
collector runs often, and every so often a full (generation 2) collection walks every live object: the
modules, routes, compiled templates and SQLAlchemy's caches, well over 100,000 objects. Measured under
wrk at 32 connections, one such pause took 370 ms and set the p99 latency of cached pages. Objects that
exist once the app has started live as long as the process, so they are frozen out of collection
(gc.freeze, the CPython documentation's advice for pre-fork servers), and the youngest generation is
collected less eagerly so that short-lived garbage is swept in fewer, equally short passes.
"""

from __future__ import annotations

import functools
import gc
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from app.cache.warm import warm, warm_paths
from app.config import get_settings
from app.countries.matrix import get_matrix
from app.db import unit_of_work

log = logging.getLogger(__name__)
startup_log = logging.getLogger(
    "unga.startup"
)  # JSON lines on stderr, like the request log (app/ops/logs.py)

YOUNG_THRESHOLD = 20_000  # CPython's default is 700 allocations


@functools.cache  # once per process: a server has one app; the tests start hundreds, a full pass each
def tune_garbage_collector() -> None:
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)


def warm_up() -> None:
    try:
        with unit_of_work(read_only=True) as session:
            get_matrix(session)
    except SQLAlchemyError as exc:
        reason = type(exc).__name__
        log.warning("vote matrix not built at start-up (%s); the first request will build it", reason)


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    tune_garbage_collector()
    yield


def _warm_paths() -> list[str]:
    try:
        with unit_of_work(read_only=True) as session:
            return warm_paths(session)
    except SQLAlchemyError as exc:
        log.warning("pages not warmed at start-up (%s)", type(exc).__name__)
        return []


@asynccontextmanager
async def serving_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The served app's: warmed up (the matrix, then in production the pages readers ask for first,
    app/cache/warm.py), then tuned (the objects of both are frozen out of collection too)."""
    await run_in_threadpool(warm_up)
    settings = get_settings()
    if settings.warms_pages and settings.warm_seconds:
        started = time.monotonic()
        paths = await run_in_threadpool(_warm_paths)
        rendered, left = await warm(app, getattr(app.state, "page_store", None), paths, settings.warm_seconds)
        event = {"event": "warm_start", "pages": len(paths), "rendered_here": rendered, "not_reached": left}
        startup_log.info(json.dumps({**event, "seconds": round(time.monotonic() - started, 1)}))
    tune_garbage_collector()
    yield
