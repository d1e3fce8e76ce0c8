"""Error pages: people get HTML pages, programs under /api keep getting JSON.

A 404 or a 400 on a page path renders templates/404.html or templates/400.html; every other error, and
every error under /api, goes to FastAPI's own handlers (JSON, headers such as WWW-Authenticate kept).
"""

from __future__ import annotations

from fastapi import Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from app.templating import get_templates


class Suggestion(BaseModel):
    label: str
    url: str


class ErrorPage(BaseModel):
    """Context of templates/404.html and templates/400.html."""

    title: str
    message: str
    suggestions: list[Suggestion] = []
    # Where to go instead (the list a bad filter came from, say).
    back_url: str = "/"
    back_label: str = "Go to the home page"


def is_page_path(request: Request) -> bool:
    path = request.url.path
    return not (path.startswith("/api/") or path == "/api" or path.startswith(("/docs", "/openapi")))


def render_error(request: Request, status_code: int, page: ErrorPage) -> Response:
    template = "404.html" if status_code == 404 else "400.html"
    return get_templates().TemplateResponse(request, template, dict(page), status_code=status_code)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404 and is_page_path(request):
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
