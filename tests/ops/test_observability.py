"""Request logs (one JSON line per request, nothing secret in it) and the slow-query count."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from app.ingest.summary import ImportSummary
from app.kit.counters import counters
from app.main import create_app


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def captured() -> Iterator[Callable[[str], list[str]]]:
    handlers: list[tuple[logging.Logger, _Lines]] = []

    def capture(name: str) -> list[str]:
        handler = _Lines()
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        handlers.append((logger, handler))
        return handler.lines

    yield capture
    for logger, handler in handlers:
        logger.removeHandler(handler)


@pytest.fixture
def live_client(
    engine: Engine, first_import: ImportSummary, app_settings: Callable[..., None]
) -> Iterator[TestClient]:
    app_settings(UNGA_SLOW_QUERY_MS="0.001")  # every statement is "slow"
    with TestClient(create_app()) as client:
        yield client


def test_one_json_line_per_request(live_client: TestClient, captured: Callable[[str], list[str]]) -> None:
    lines = captured("unga.request")
    response = live_client.get(
        "/api/resolutions?q=ukraine",
        headers={"X-Request-ID": "req-42", "Cookie": "unga_admin=secret-token", "Authorization": "Bearer x"},
    )
    assert response.status_code == 200
    assert response.headers["x-request-id"] == "req-42"
    assert len(lines) == 1
    line = json.loads(lines[0])
    assert line["method"] == "GET"
    assert line["path"] == "/api/resolutions"
    assert line["status"] == 200
    assert line["request_id"] == "req-42"
    assert isinstance(line["duration_ms"], float)
    assert line["duration_ms"] > 0
    for secret in ("secret-token", "Bearer", "ukraine"):  # no cookies, headers or query strings
        assert secret not in lines[0]


def test_a_request_id_that_is_not_a_plain_token_is_replaced(
    live_client: TestClient, captured: Callable[[str], list[str]]
) -> None:
    lines = captured("unga.request")
    response = live_client.get("/no/such/page", headers={"X-Request-ID": 'x" injected\\'})
    assert response.status_code == 404
    assert re.fullmatch(r"[0-9a-f]{12}-[0-9]+", response.headers["x-request-id"])
    assert json.loads(lines[0])["status"] == 404


def test_slow_queries_are_counted_logged_and_shown(
    live_client: TestClient, captured: Callable[[str], list[str]]
) -> None:
    lines = captured("unga.slow_query")
    before = counters.slow_queries
    assert live_client.get("/api/countries/USA").status_code == 200
    assert counters.slow_queries > before
    logged = [json.loads(line) for line in lines]
    assert all(entry["event"] == "slow_query" and entry["duration_ms"] >= 0 for entry in logged)
    assert any("SELECT" in entry["statement"] for entry in logged)
    assert not any("'USA'" in entry["statement"] for entry in logged)  # parameters never logged
    metrics = live_client.get("/metrics")
    assert metrics.status_code == 200
    # prometheus_client writes every value as a float ("12.0"), which the text format allows.
    shown = re.search(r"^unga_slow_queries_total (\d+)\.0$", metrics.text, re.M)
    assert shown
    assert int(shown[1]) == counters.slow_queries
    assert re.search(r'^unga_requests_total\{status="2xx"\} \d+\.0$', metrics.text, re.M)
