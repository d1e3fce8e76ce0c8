"""Health checks, against the real test database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from starlette.testclient import TestClient

from app.db import dispose_engines
from app.ingest.run import ImportSummary
from app.main import create_app
from app.ops.health import expected_revision


@pytest.fixture
def live_client(engine: Engine, first_import: ImportSummary) -> Iterator[TestClient]:
    """A client whose app opens its own sessions on the (committed) test database."""
    dispose_engines()
    with TestClient(create_app(page_cache=False)) as client:
        yield client
    dispose_engines()


def test_healthz(live_client: TestClient) -> None:
    assert live_client.get("/healthz").json() == {"status": "ok"}


def test_readyz_at_head(live_client: TestClient) -> None:
    response = live_client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["revision"] == expected_revision()


def test_readyz_reports_a_schema_behind(live_client: TestClient, engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'old'"))
    try:
        response = live_client.get("/readyz")
        assert response.status_code == 503
        assert "unga migrate" in response.json()["reason"]
    finally:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": expected_revision()})
