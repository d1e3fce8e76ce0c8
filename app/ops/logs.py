"""Structured request logs: one JSON line per request on stderr, with a request id.

A line holds the time, method, path, status, duration and request id, and nothing from headers, cookies,
query strings or bodies (search terms and form fields stay out of the logs). The request id is taken
from an incoming ``X-Request-ID`` (a reverse proxy's, if it is a plain token) or made here, and is sent
back in the response, so a user's report can be matched with its log line. The middleware is plain ASGI
and does one ``json.dumps`` per request: cheap enough for the p99 benchmark (benchmarks/load.py).
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import secrets
import sys
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.kit.counters import counters

request_log = logging.getLogger("unga.request")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
# Request ids: a random prefix per process and a counter, unique across workers and restarts, and far
# cheaper than a uuid4 per request (measured: a third of what a log line costs).
_PREFIX = secrets.token_hex(6)
_SEQUENCE = itertools.count(1)


def configure_logging() -> None:
    """Send the app's own loggers ("unga.*": requests, slow queries) to stderr as bare JSON lines."""
    logger = logging.getLogger("unga")
    if not any(isinstance(h, logging.StreamHandler) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


def request_id_of(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            given = bytes(value).decode("latin-1")
            if _REQUEST_ID.match(given):
                return given
            break
    return f"{_PREFIX}-{next(_SEQUENCE)}"


def _utc_now() -> str:
    now = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1000):03d}Z"


class RequestLogMiddleware:
    def __init__(self, app: ASGIApp, enabled: bool = True) -> None:
        self.app = app
        self.enabled = enabled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = request_id_of(scope)
        status = 500  # if the application fails before it starts a response

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            counters.count_request(status)
            if self.enabled and request_log.isEnabledFor(logging.INFO):
                # Written by hand rather than json.dumps of a dict: only the path needs escaping, and
                # this runs for every request. The request id is a plain token (checked above).
                milliseconds = (time.perf_counter() - started) * 1000
                request_log.info(
                    f'{{"time": "{_utc_now()}", "method": "{scope["method"]}", '
                    f'"path": {json.dumps(scope["path"], ensure_ascii=False)}, "status": {status}, '
                    f'"duration_ms": {milliseconds:.2f}, "request_id": "{request_id}"}}'
                )
