"""What the page cache keys by, and what it sends (issue 13, items 8, 10 and 11): unknown query
parameters no longer make new pages to render, cookies the pages do not read are ignored, each page is
compressed once and sent as the client accepts, and the workers' shared store holds bytes that are
never unpickled."""

from __future__ import annotations

import pathlib
from pathlib import Path

from diskcache import Cache
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from app.cache.middleware import PublicCacheMiddleware
from app.cache.params import DeclaredParams
from app.cache.scopes import normalise_query
from app.cache.shared import SharedPages
from app.ingest.summary import ImportSummary
from app.main import create_app

PAGE = "/resolutions/A/RES/ES-10/24"


class Queries:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def page(self, request: Request) -> PlainTextResponse:
        self.seen.append(request.url.query)
        return PlainTextResponse(f"render {len(self.seen)}")


def test_unknown_parameters_are_dropped_from_the_key_and_the_render() -> None:
    queries = Queries()
    app = Starlette(routes=[Route("/page", queries.page)])
    client = TestClient(PublicCacheMiddleware(app, version=lambda: "v1", params=lambda scope: {"q", "peer"}))
    assert client.get("/page?q=a&r=1").text == "render 1"
    assert client.get("/page?q=a&r=2&utm_source=x").text == "render 1"
    assert client.get("/page?q=a").text == "render 1"
    assert client.get("/page?q=b").text == "render 2"
    assert client.get("/page?peer=ISR&peer=GBR&x=1").text == "render 3"
    assert queries.seen == ["q=a", "q=b", "peer=ISR&peer=GBR"]


def test_normalise_query_keeps_what_the_route_declares_in_order() -> None:
    assert normalise_query(b"b=2&a=1&b=3", {"a", "b"}) == b"b=2&a=1&b=3"  # untouched when all known
    assert normalise_query(b"r=9&b=x%20y&a=", {"a", "b"}) == b"b=x+y&a="
    assert normalise_query(b"r=9", frozenset()) == b""
    assert normalise_query(b"r=9", None) == b"r=9"


def test_the_routes_declare_their_parameters(first_import: ImportSummary) -> None:
    app = create_app(page_cache=False)
    params = DeclaredParams(lambda: app.routes)

    def names(path: str) -> frozenset[str]:
        return params({"type": "http", "path": path, "method": "GET", "root_path": "", "headers": []})

    assert {"q", "since", "until", "peer", "page"} <= names("/countries/USA")  # a filter model's fields
    assert {"session", "q", "sort"} <= names("/resolutions")
    assert names("/cards/countries/USA.png") == frozenset()
    assert "ukraine-2022" in names("/which-state-votes-like-you")  # read from the query string itself
    assert names("/no/such/page") == frozenset()


def test_a_share_card_with_any_query_is_one_render(first_import: ImportSummary) -> None:
    """``?r=N`` on a share card used to be a new card to draw every time (13-36 ms, not 1)."""
    client = TestClient(create_app())
    first = client.get("/cards/countries/USA.png?r=1")
    second = client.get("/cards/countries/USA.png?r=2", headers={"Cookie": "_ga=1; theme=dark"})
    assert first.status_code == second.status_code == 200
    assert first.headers["etag"] == second.headers["etag"]  # one page, one key


class TestCompression:
    def test_a_resolution_page_crosses_the_wire_in_40_kb(self, first_import: ImportSummary) -> None:
        client = TestClient(create_app())
        plain = client.get(PAGE, headers={"Accept-Encoding": "identity"})
        assert plain.status_code == 200
        assert "content-encoding" not in plain.headers
        assert len(plain.content) > 40_000  # 157 KB before the map outlines moved to a file of their own
        for coding in ("gzip", "br"):
            for _ in range(2):  # the render that fills the cache, then an answer from it
                response = client.get(PAGE, headers={"Accept-Encoding": coding})
                assert response.headers["content-encoding"] == coding
                assert response.headers["vary"] == "Accept-Encoding"
                size = int(response.headers["content-length"])  # what crossed the wire
                assert size <= 40_000, (coding, size, len(plain.content))
                assert response.content == plain.content  # as the client decoded it

    def test_the_client_gets_what_it_accepts(self, first_import: ImportSummary) -> None:
        client = TestClient(create_app())
        cases = {
            "gzip, deflate, br": "br",
            "gzip;q=1.0, br;q=0": "gzip",
            "deflate": None,
            "*": "br",
            "br;q=0, gzip;q=0": None,
        }
        for accepted, coding in cases.items():
            response = client.get("/countries/FRA", headers={"Accept-Encoding": accepted})
            assert response.headers.get("content-encoding") == coding, accepted
            assert "France" in response.text


class Payload:
    """Unpickled, it creates a file: what someone able to write the store's folder would plant."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return (pathlib.Path.touch, (self.marker,))


def test_the_shared_store_never_unpickles(tmp_path: Path) -> None:
    folder, marker = tmp_path / "pages", tmp_path / "pwned"
    store = SharedPages(folder, "space")
    store.put("/page?", b"held")  # makes the folder, privately
    assert store.get("/page?") == b"held"
    with Cache(str(folder)) as planted:  # diskcache as it is, pickling what it is given
        planted.set("space|/page?", Payload(marker))
        planted.set("space|/big?", [Payload(marker)] * 20_000)  # a pickle in a file of its own
    assert store.get("/page?") is None  # a miss
    assert store.get("/big?") is None
    assert not marker.exists()
