"""The public page cache: answers from memory while the data version holds, never for admin or cookies."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from app.cache.middleware import PublicCacheMiddleware, ResponseCache
from app.cache.queries import data_version
from app.models import Membership, State, StateName


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
    app = PublicCacheMiddleware(
        Starlette(routes=routes), version=lambda: counter.version, cache=cache, version_ttl=0
    )
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


def test_the_version_is_asked_at_most_once_per_ttl() -> None:
    counter = Counter()
    asked = []

    def version() -> str:
        asked.append(1)
        return counter.version

    routes = [Route("/page", counter.page)]
    client = TestClient(PublicCacheMiddleware(Starlette(routes=routes), version=version, version_ttl=60))
    for _ in range(5):
        client.get("/page")
    assert (len(asked), counter.renders) == (1, 1)


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


def test_data_version_moves_with_member_state_changes(db: Session) -> None:
    """An admin's name change or membership end must invalidate cached country pages."""
    before = data_version(db)
    state = db.scalar(select(State).where(State.code == "SWZ"))
    assert state is not None
    db.add(
        StateName(
            state_id=state.id, name="Kingdom of Eswatini", valid_from=dt.date(2030, 1, 1), valid_to=None
        )
    )
    db.flush()
    renamed = data_version(db)
    assert renamed != before
    membership = db.scalar(select(Membership).where(Membership.state_id == state.id))
    assert membership is not None
    membership.ended_on = dt.date(2031, 1, 1)
    db.flush()
    assert data_version(db) != renamed
