"""Share cards drawn for one client are rate-limited (issue 13, item 8): about seven cards a second used
to take a whole worker. Cards already drawn come from the page cache, uncounted."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.testclient import TestClient

from app.cards.pages import RENDER_BURST
from app.kit.ratelimit import RateLimiter

CODES = ["USA", "FRA", "GBR", "CHN", "RUS", "ISR", "IND", "BRA", "ZAF", "DEU", "JPN", "MEX", "EGY"]


def test_a_client_drawing_many_cards_is_told_to_wait(client: TestClient) -> None:
    assert isinstance(client.app, FastAPI)
    statuses = [client.get(f"/cards/countries/{code}.png").status_code for code in CODES]
    assert statuses[:RENDER_BURST] == [200] * RENDER_BURST
    refused = client.get("/cards/countries/USA.png")
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    with TestClient(client.app, client=("198.51.100.20", 1234)) as other:  # another client is not held up
        assert other.get("/cards/countries/USA.png").status_code == 200


def test_the_bucket_refills() -> None:
    now = [0.0]
    limiter = RateLimiter(rate=1.0, burst=2, clock=lambda: now[0])
    assert [limiter.take("a"), limiter.take("a")] == [0, 0]
    assert limiter.take("a") == 1
    assert limiter.take("b") == 0
    now[0] += 1.0
    assert limiter.take("a") == 0
    assert limiter.take("a") == 1
