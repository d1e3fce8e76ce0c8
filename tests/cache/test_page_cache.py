"""The public page cache: answers from memory while the data version holds, never for admin or cookies."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from app.cache.middleware import PublicCacheMiddleware, ResponseCache


class Counter:
    def __init__(self) -> None:
        self.renders = 0
        self.version = "v1"

    def page(self, request: Request) -> PlainTextResponse:
        self.renders += 1
        return PlainTextResponse(f"render {self.renders}")


def _client(counter: Counter) -> tuple[TestClient, ResponseCache]:
    routes = [Route("/page", counter.page), Route("/admin/page", counter.page)]
    cache = ResponseCache()
    app = PublicCacheMiddleware(Starlette(routes=routes), version=lambda: counter.version, cache=cache)
    return TestClient(app), cache


def test_served_from_memory_until_the_data_changes() -> None:
    counter = Counter()
    client, cache = _client(counter)
    assert client.get("/page").text == "render 1"
    assert client.get("/page").text == "render 1"
    assert (cache.hits, counter.renders) == (1, 1)
    counter.version = "v2"  # an import or an admin save committed
    assert client.get("/page").text == "render 2"


def test_query_strings_are_distinct_pages() -> None:
    counter = Counter()
    client, _ = _client(counter)
    client.get("/page?q=a")
    assert client.get("/page?q=b").text == "render 2"


def test_etag_and_304() -> None:
    counter = Counter()
    client, _ = _client(counter)
    first = client.get("/page")
    etag = first.headers["etag"]
    assert first.headers["cache-control"].startswith("public")
    assert client.get("/page", headers={"If-None-Match": etag}).status_code == 304
    counter.version = "v2"
    assert client.get("/page", headers={"If-None-Match": etag}).status_code == 200


def test_an_unreachable_database_bypasses_the_cache() -> None:
    counter = Counter()

    def broken() -> str:
        raise ConnectionError("database gone")

    routes = [Route("/page", counter.page)]
    client = TestClient(PublicCacheMiddleware(Starlette(routes=routes), version=broken))
    assert client.get("/page").text == "render 1"


def test_admin_and_cookies_bypass_the_cache() -> None:
    counter = Counter()
    client, cache = _client(counter)
    client.get("/admin/page")
    client.get("/admin/page")
    client.get("/page", headers={"Cookie": "session=abc"})
    client.get("/page", headers={"Cookie": "session=abc"})
    assert counter.renders == 4
    assert cache.hits == 0
