"""Health checks for load balancers and orchestrators: /healthz (the process) and /readyz (the database)."""

from __future__ import annotations

from functools import lru_cache

from alembic.script import ScriptDirectory
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.db import get_sessionmaker
from app.migrate import alembic_config
from app.ops.queries import applied_revision

router = APIRouter(tags=["operations"])


@lru_cache
def expected_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


@router.get("/healthz", summary="The process is up")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="The database answers and its schema is at the latest migration",
    responses={503: {"description": "Not ready: `reason` says why"}},
)
def readyz() -> JSONResponse:
    expected = expected_revision()
    try:
        with get_sessionmaker()() as session:
            applied = applied_revision(session)
    except Exception as exc:  # any database failure means "not ready", reported, never a 500
        return JSONResponse({"status": "unavailable", "reason": type(exc).__name__}, status_code=503)
    if applied != expected:
        reason = f"schema at {applied}, expected {expected}: run `unga migrate`"
        return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
    return JSONResponse({"status": "ok", "revision": applied})
