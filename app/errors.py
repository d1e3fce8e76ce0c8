"""Error pages: people get HTML pages, programs under /api keep getting JSON.

A 404 or a 400 on a page path renders templates/error.html; every other error, and
every error under /api, goes to FastAPI's own handlers (JSON, headers such as WWW-Authenticate kept).

When the database cannot serve (unreachable, restarting, read-only, disk full, locked too long), the
answer is a 503 that says why, with Retry-After, instead of a 500 with a traceback: templates/error.html
for people, ``{"detail": ...}`` for programs. The failed unit of work has been rolled back, so nothing
is half-written; pool_pre_ping (app.db) brings the next request a fresh connection once it is back.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response

from app.templating import get_templates


class Suggestion(BaseModel):
    label: str
    url: str


class ErrorPage(BaseModel):
    """Context of templates/error.html (with the status code render_error adds)."""

    title: str
    message: str
    suggestions: list[Suggestion] = []
    # Where to go instead (the list a bad filter came from, say).
    back_url: str = "/"
    back_label: str = "Go to the home page"
    note: str = ""  # a line after the message (what a 503 has not lost, say)


class NotFoundError(StarletteHTTPException):
    """A URL names nothing we have. Programs get ``{"detail": detail}``; people get ``page`` (a not-found
    page with suggestions, built by the dependency that looked) or, without one, the generic page.

    Dependencies such as ``StateDep`` raise it, so a page and its JSON and CSV twins answer a bad address
    the same way and no route repeats the load-or-404 block."""

    def __init__(self, detail: str, page: BaseModel | None = None) -> None:
        super().__init__(404, detail)
        self.page = page


def is_page_path(request: Request) -> bool:
    path = request.url.path
    return not (path.startswith("/api/") or path == "/api" or path.startswith(("/docs", "/openapi")))


def render_error(request: Request, status_code: int, page: BaseModel) -> Response:
    """The error page for people. ``page`` is an ErrorPage or any model with its fields (title, message,
    suggestions, back_url, back_label)."""
    context = {"note": "", "suggestions": [], **dict(page), "status_code": status_code}
    return get_templates().TemplateResponse(request, "error.html", context, status_code=status_code)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404 and is_page_path(request):
        if isinstance(exc, NotFoundError) and exc.page is not None:
            return render_error(request, 404, exc.page)
        page = ErrorPage(
            title="Page not found",
            message=exc.detail
            if exc.detail and exc.detail != "Not Found"
            else "There is no page at this address.",
            back_url="/resolutions",
            back_label="Browse all resolutions",
        )
        return render_error(request, 404, page)
    return await http_exception_handler(request, exc)


def validation_reasons(exc: RequestValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors())


async def page_validation_error(request: Request, exc: Exception) -> Response:
    """A 400 page that says which parameter was wrong, for page paths only."""
    assert isinstance(exc, RequestValidationError)
    if not is_page_path(request):
        return await request_validation_exception_handler(request, exc)
    page = ErrorPage(
        title="That request could not be understood",
        message="Invalid request. " + validation_reasons(exc),
        back_url=request.url.path,
        back_label="Start again without filters",
    )
    return render_error(request, 400, page)


RETRY_AFTER_SECONDS = 5
database_log = logging.getLogger("unga.database")
# PostgreSQL SQLSTATE classes and codes that mean "the database cannot serve now", not "this is a bug".
_PG_UNAVAILABLE = {
    "08": "The database cannot be reached.",  # connection exceptions
    "53": "The database server is out of resources (disk, memory or connections).",
    "57P": "The database is restarting or shutting down.",  # admin shutdown, cannot connect now
    "25006": "The database is read-only at the moment; changes cannot be saved.",
    "40001": "The database is busy; please try again.",  # serialization failure
    "40P01": "The database is busy; please try again.",  # deadlock
}
_SQLITE_UNAVAILABLE = {
    "readonly database": "The database is read-only at the moment; changes cannot be saved.",
    "disk is full": "The database's disk is full; changes cannot be saved.",
    "database is locked": "The database is busy; please try again.",
    "unable to open database": "The database cannot be opened.",
    "disk i/o error": "The database's disk failed to read or write.",
}


def unavailable_reason(exc: BaseException) -> str | None:
    """Why the database cannot serve, in words for users; None if the error is not of that kind.

    The cause may sit behind another error: SQLite rolls the whole transaction back on a full disk, so
    the savepoint rollback that follows fails with "no such savepoint"; the full disk is the reason."""
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            break
        reason = _reason(seen)
        if reason is not None:
            return reason
        seen = seen.__cause__ or seen.__context__
    return None


def _reason(exc: BaseException) -> str | None:
    if isinstance(exc, sa_exc.TimeoutError):  # no pooled connection came free in time
        return "The database is busy; please try again."
    if not isinstance(exc, sa_exc.DBAPIError):
        return None
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if isinstance(sqlstate, str):
        for prefix in (sqlstate, sqlstate[:3], sqlstate[:2]):
            if prefix in _PG_UNAVAILABLE:
                return _PG_UNAVAILABLE[prefix]
    if isinstance(exc.orig, sqlite3.Error):  # SQLite says what went wrong only in its message
        message = str(exc.orig).lower()
        return next((r for fragment, r in _SQLITE_UNAVAILABLE.items() if fragment in message), None)
    if exc.connection_invalidated or (
        sqlstate is None and isinstance(exc, sa_exc.InterfaceError | sa_exc.OperationalError)
    ):
        # A connection refused, or dropped mid-query: the driver has no SQLSTATE for those, nor for a
        # server that refuses a new connection (only its message says why).
        message = str(exc.orig)
        if "too many clients" in message or "remaining connection slots" in message:
            return "The database has no free connections; please try again."
        if "starting up" in message or "shutting down" in message:
            return _PG_UNAVAILABLE["57P"]
        return "The database cannot be reached."
    return None


SignOut = Callable[[Request, Response], None]
LOGOUT_PATH = "/admin/logout"


def database_unavailable(
    sign_out_anyway: SignOut,
) -> Callable[[Request, Exception], Coroutine[Any, Any, Response]]:
    """The handler of database failures. ``sign_out_anyway`` is the admin's (app.admin.auth): a sign-out
    the database could not record still clears the browser's cookie. app.main passes it in, since the
    admin package imports this module."""

    async def handler(request: Request, exc: Exception) -> Response:
        return _database_unavailable(request, exc, sign_out_anyway)

    return handler


def _database_unavailable(request: Request, exc: Exception, sign_out_anyway: SignOut) -> Response:
    """503 with the reason for database failures; anything else is re-raised as the bug it is."""
    reason = unavailable_reason(exc)
    if reason is None:
        raise exc
    # For operators: what the database said, in one JSON line (no statement, no parameters).
    origin = getattr(exc, "orig", None) or exc
    database_log.warning(
        json.dumps(
            {
                "event": "database_unavailable",
                "path": request.url.path,
                "reason": reason,
                "error": type(origin).__name__,
                "sqlstate": getattr(origin, "sqlstate", None),
                "message": str(origin).strip().splitlines()[0][:300] if str(origin).strip() else "",
            }
        )
    )
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    if not is_page_path(request):
        return JSONResponse({"detail": reason}, status_code=503, headers=headers)
    page = ErrorPage(
        title="Temporarily unavailable",
        message=reason,
        back_url=request.url.path,
        back_label="Try this page again",
        note="Nothing you saved earlier is lost. Please try again in a minute.",
    )
    signing_out = request.method == "POST" and request.url.path == LOGOUT_PATH
    if signing_out:
        page.note = (
            "You are signed out on this browser; the sign-out is recorded once the database can be written."
        )
    response = render_error(request, 503, page)
    response.headers.update(headers)
    if signing_out:
        sign_out_anyway(request, response)
    return response
