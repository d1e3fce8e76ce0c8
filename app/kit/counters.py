"""Request and slow-query counters, one count per machine (prometheus_client).

Every worker process of a machine writes its counts to files in the folder PROMETHEUS_MULTIPROC_DIR names
(settings.metrics_dir; ``unga serve --workers N`` sets one up), and /metrics (app.ops.metrics) adds them
up: a scrape sees the machine's totals, whichever worker answers it. Without the folder each process
counts alone, in memory (one worker, the tests). The library reads the variable from the environment
itself, when the counters below are made: a process that should share its counts must have it set before
it imports this module (worker processes inherit it from the command that starts them).

Counting costs a lock and an addition (or a write to a memory-mapped file) per request.
"""

from __future__ import annotations

import json
import logging
import threading

from prometheus_client import CollectorRegistry, Counter, Gauge, disable_created_metrics

STATEMENT_LOG_CHARS = 2_000  # a slow statement is logged up to this length

slow_query_log = logging.getLogger("unga.slow_query")
# Silent unless the web app sends "unga.*" somewhere (app.ops.logs): a bulk import's slow index builds
# are expected and do not belong in the command line's output.
logging.getLogger("unga").addHandler(logging.NullHandler())

# The app's own registry, not the library's default one (which adds process and garbage-collector
# series): /metrics shows these three, as it always has, and no "_created" series beside them.
disable_created_metrics()  # type: ignore[no-untyped-call]  # the library leaves it unannotated
registry = CollectorRegistry(auto_describe=True)
_requests = Counter(
    "unga_requests", "HTTP requests answered on this machine, by status class.", ["status"], registry=registry
)
_slow_queries = Counter(
    "unga_slow_queries", "Statements slower than UNGA_SLOW_QUERY_MS on this machine.", registry=registry
)
_slowest = Gauge(
    "unga_slowest_query_ms",
    "The slowest statement run on this machine, in milliseconds.",
    registry=registry,
    multiprocess_mode="max",  # across the workers: the slowest of their slowest
)


class Counters:
    """This process's counts, also kept as plain numbers for the code (and tests) that read them back."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.slow_queries = 0
        self.slowest_ms = 0.0

    def count_request(self, status: int) -> None:
        _requests.labels(f"{status // 100}xx").inc()

    def count_slow_query(self, statement: str, milliseconds: float) -> None:
        with self._lock:
            self.slow_queries += 1
            if milliseconds > self.slowest_ms:
                self.slowest_ms = milliseconds
                _slowest.set(round(milliseconds, 1))
        _slow_queries.inc()
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
