"""/metrics adds up the counts of every worker process of the machine (prometheus_client's multiprocess
mode): two processes count into one folder, and the endpoint shows their sum."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from starlette.testclient import TestClient

from app.config import PROJECT_ROOT
from app.main import create_app

WORKER = """
import sys
from app.kit.counters import counters
for status in (200, 200, 404):
    counters.count_request(status)
counters.count_slow_query("SELECT 1", float(sys.argv[1]))
"""


def _count_in(folder: Path, slowest_ms: float) -> None:
    """A separate process that answers three requests and runs one slow statement, counting in folder."""
    environment = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    subprocess.run(
        [sys.executable, "-c", WORKER, str(slowest_ms)], cwd=PROJECT_ROOT, env=environment, check=True
    )


def _value(text: str, series: str) -> float:
    found = re.search(rf"^{re.escape(series)} (\S+)$", text, re.M)
    assert found, series
    return float(found[1])


def test_two_processes_counts_add_up(tmp_path: Path, app_settings: Callable[..., None]) -> None:
    _count_in(tmp_path, 300.0)
    _count_in(tmp_path, 700.0)
    assert len(list(tmp_path.glob("*.db"))) >= 2  # each process wrote its own files
    app_settings(PROMETHEUS_MULTIPROC_DIR=str(tmp_path))
    with TestClient(create_app(page_cache=False)) as client:
        shown = client.get("/metrics")
    assert shown.status_code == 200
    assert shown.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert _value(shown.text, 'unga_requests_total{status="2xx"}') == 4
    assert _value(shown.text, 'unga_requests_total{status="4xx"}') == 2
    assert _value(shown.text, "unga_slow_queries_total") == 2
    assert _value(shown.text, "unga_slowest_query_ms") == 700.0  # the slowest of the two
    assert "_created" not in shown.text


def test_one_process_counts_alone_without_a_folder(app_settings: Callable[..., None]) -> None:
    app_settings()
    with TestClient(create_app(page_cache=False)) as client:
        client.get("/healthz")
        shown = client.get("/metrics").text
    assert _value(shown, 'unga_requests_total{status="2xx"}') >= 1
    assert "# TYPE unga_slowest_query_ms gauge" in shown
