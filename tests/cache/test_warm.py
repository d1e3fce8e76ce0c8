"""A warm start (app/cache/warm.py, issue 13 item 9): before a worker takes requests it renders the pages
readers ask for first that no other worker has, so the machine renders each once and the first readers
are answered from memory. Measured in benchmarks/load.py (the 20 s after a start with an empty page
folder: 387 timeouts before, none after, on the same machine and load)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from app.cache.middleware import PublicCacheMiddleware
from app.cache.shared import SharedPages
from app.cache.store import ResponseCache
from app.cache.warm import warm, warm_paths
from app.urls import country_path, symbol_path

PATHS = ["/a", "/b", "/c", "/d"]


class Pages:
    def __init__(self) -> None:
        self.rendered: list[str] = []

    def page(self, request: Request) -> PlainTextResponse:
        self.rendered.append(request.url.path)
        return PlainTextResponse(f"page {request.url.path}")

    def app(self) -> Starlette:
        return Starlette(routes=[Route(p, self.page) for p in PATHS])


def _worker(pages: Pages, folder: Path) -> tuple[PublicCacheMiddleware, SharedPages, ResponseCache]:
    store = SharedPages(folder, "space")
    memory = ResponseCache(shared=store)
    return PublicCacheMiddleware(pages.app(), version=lambda: "v1", cache=memory), store, memory


def test_workers_share_the_warm_start_and_keep_what_they_render(tmp_path: Path) -> None:
    pages = Pages()
    first, first_store, first_memory = _worker(pages, tmp_path)
    second, second_store, _ = _worker(pages, tmp_path)

    async def start() -> tuple[tuple[int, int], tuple[int, int]]:
        return await asyncio.gather(
            warm(first, first_store, PATHS, 30), warm(second, second_store, PATHS, 30)
        )

    (one, _), (two, _) = asyncio.run(start())
    assert sorted(pages.rendered) == PATHS  # each page once, for the whole machine
    assert one + two == len(PATHS)
    assert all(first_store.has(p + "?") for p in PATHS)
    # Either worker answers every page from what was kept, its own render or the other's.
    assert all(first_memory.get(p + "?", "v1", max_stale=60, now=time.time()) for p in PATHS)


def test_a_page_another_worker_claimed_is_left_to_it(tmp_path: Path) -> None:
    pages = Pages()
    app, store, _ = _worker(pages, tmp_path)
    assert store.claim("/b?", 30)  # another worker is rendering /b
    rendered, left = asyncio.run(warm(app, store, PATHS, 30))
    assert (rendered, left) == (3, 0)
    assert "/b" not in pages.rendered


def test_a_start_is_never_held_longer_than_its_budget(tmp_path: Path) -> None:
    pages = Pages()
    app, store, _ = _worker(pages, tmp_path)
    assert asyncio.run(warm(app, store, PATHS, 0)) == (0, len(PATHS))
    assert pages.rendered == []


def test_the_pages_readers_ask_for_first(db: Session) -> None:
    paths = warm_paths(db)
    assert paths[0] == "/"
    assert (
        symbol_path("A/RES/ES-10/24") in paths
        or len([p for p in paths if p.startswith("/resolutions/")]) == 200
    )
    assert country_path("USA") in paths
    assert "/api/countries/USA" in paths
    assert len(paths) == len(set(paths))
