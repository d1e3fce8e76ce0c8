"""Counters of this worker process, and the /metrics endpoint that shows them (Prometheus text format).

Each uvicorn worker counts its own requests and slow queries: a scraper that reaches the workers through
a load balancer sees one of them per scrape, so sum across scrapes (or read the JSON request log, which
every worker writes) for totals. Counting costs a lock and an addition per request.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

STATEMENT_LOG_CHARS = 2_000  # a slow statement is logged up to this length

slow_query_log = logging.getLogger("unga.slow_query")
# Silent unless the web app sends "unga.*" somewhere (app.ops.logs): a bulk import's slow index builds
# are expected and do not belong in the command line's output.
logging.getLogger("unga").addHandler(logging.NullHandler())
router = APIRouter(tags=["operations"])


@dataclass
class Counters:
    requests: dict[str, int] = field(default_factory=dict)  # by status class: "2xx", "5xx", ...
    slow_queries: int = 0
    slowest_ms: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count_request(self, status: int) -> None:
        key = f"{status // 100}xx"
        with self._lock:
            self.requests[key] = self.requests.get(key, 0) + 1

    def count_slow_query(self, statement: str, milliseconds: float) -> None:
        with self._lock:
            self.slow_queries += 1
            self.slowest_ms = max(self.slowest_ms, milliseconds)
        # Parameters are left out on purpose: they can hold password hashes or session tokens.
        slow_query_log.warning(
            json.dumps(
                {
                    "event": "slow_query",
                    "duration_ms": round(milliseconds, 1),
                    "statement": " ".join(statement.split())[:STATEMENT_LOG_CHARS],
                }
            )
        )


counters = Counters()


def render() -> str:
    """The counters in the Prometheus text exposition format."""
    with counters._lock:
        requests = dict(counters.requests)
        slow, slowest = counters.slow_queries, counters.slowest_ms
    lines = [
        "# HELP unga_requests_total HTTP requests answered by this worker, by status class.",
        "# TYPE unga_requests_total counter",
        *(f'unga_requests_total{{status="{key}"}} {n}' for key, n in sorted(requests.items())),
        "# HELP unga_slow_queries_total Statements slower than UNGA_SLOW_QUERY_MS in this worker.",
        "# TYPE unga_slow_queries_total counter",
        f"unga_slow_queries_total {slow}",
        "# HELP unga_slowest_query_ms The slowest statement this worker has run, in milliseconds.",
        "# TYPE unga_slowest_query_ms gauge",
        f"unga_slowest_query_ms {slowest:.1f}",
    ]
    return "\n".join(lines) + "\n"


@router.get(
    "/metrics",
    summary="Request and slow-query counters of the worker that answers",
    response_class=PlainTextResponse,
    responses={200: {"description": "Prometheus text exposition format", "content": {"text/plain": {}}}},
)
def metrics() -> PlainTextResponse:
    return PlainTextResponse(render(), media_type="text/plain; version=0.0.4")
