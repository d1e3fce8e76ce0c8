"""Health checks: on the fast tier's empty migrated database, and on a scratch database of its own for
a schema behind (never the database other tests share)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, text
from starlette.testclient import TestClient

from app.db import dispose_engines
from app.main import create_app
from app.ops.health import expected_revision
from tests.ops.conftest import ScratchFactory, migrated

pytestmark = pytest.mark.empty_database


def _live_client() -> TestClient:
    """A client whose app opens its own sessions on the database of DATABASE_URL."""
    dispose_engines()
    return TestClient(create_app(page_cache=False))


@pytest.fixture
def live_client(empty_engine: Engine) -> Iterator[TestClient]:
    with _live_client() as client:
        yield client
    dispose_engines()


def test_healthz(live_client: TestClient) -> None:
    assert live_client.get("/healthz").json() == {"status": "ok"}


def test_readyz_at_head(live_client: TestClient) -> None:
    response = live_client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["revision"] == expected_revision()


def test_readyz_reports_a_schema_behind(
    scratch_url: ScratchFactory, app_settings: Callable[..., None]
) -> None:
    url = scratch_url("behind")
    engine = migrated(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'old'"))
    engine.dispose()
    app_settings(DATABASE_URL=url)
    with _live_client() as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert "unga migrate" in response.json()["reason"]
