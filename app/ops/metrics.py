"""The /metrics endpoint: the machine's request and slow-query counters (app.kit.counters), in the
Prometheus text format."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from app.config import get_settings
from app.kit.counters import registry

router = APIRouter(tags=["operations"])


def render(shared: Path | None) -> bytes:
    """The counters of every worker that counts in ``shared``, added up; without it, this process's."""
    if shared is None:
        return generate_latest(registry)
    machine = CollectorRegistry()
    MultiProcessCollector(machine, path=str(shared))  # type: ignore[no-untyped-call]  # unannotated
    return generate_latest(machine)


@router.get(
    "/metrics",
    summary="Request and slow-query counters of the machine that answers",
    response_class=Response,
    responses={200: {"description": "Prometheus text exposition format", "content": {"text/plain": {}}}},
)
def metrics() -> Response:
    return Response(render(get_settings().metrics_dir), media_type="text/plain; version=0.0.4")
