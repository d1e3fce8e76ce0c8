"""Shared set-up for the browser tests: Debian's chromium driven by Playwright, and the app served live.

Importing this module skips the importing test module where Playwright or chromium is missing (CI installs
both; Playwright never downloads a browser of its own).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import uvicorn

from app.db import dispose_engines
from app.ingest.summary import ImportSummary
from app.main import create_app

if TYPE_CHECKING:
    from playwright.sync_api import Browser

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("chromium is not installed", allow_module_level=True)

# Without the background-networking flags chromium keeps trying to reach Google's hosts.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def live_server() -> Iterator[str]:
    """The app served by uvicorn in a thread, on the (committed) test database; yields its base URL."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        # The server used the app's own engines: close their pooled connections rather than leave them to
        # the garbage collector (a ResourceWarning on PostgreSQL), and let the next user build fresh ones.
        dispose_engines()


@pytest.fixture(scope="module", name="base_url")
def live_base_url(first_import: ImportSummary) -> Iterator[str]:
    """A test module imports this to get a live server on the imported history."""
    with live_server() as url:
        yield url


@pytest.fixture(scope="module", name="browser")
def chromium_browser() -> Iterator[Browser]:
    """A test module imports this to get the ``browser`` fixture."""
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()
