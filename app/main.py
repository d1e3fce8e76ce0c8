"""The web application: create_app() wires routers, static files and error handlers."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from app.admin import routes as admin_routes
from app.admin.resume import SessionEndedError
from app.admin.routes import signin as admin_signin
from app.cache.middleware import PublicCacheMiddleware, ResponseCache
from app.cache.queries import data_version
from app.cache.shared import SharedPages, default_folder, namespace
from app.cards import routes as cards_routes
from app.config import PROJECT_ROOT, get_settings
from app.countries import api as countries_api
from app.countries import pages as countries_pages
from app.db import get_read_sessionmaker
from app.errors import database_unavailable, http_error, is_page_path, page_validation_error
from app.head import HeadAsGetMiddleware
from app.headers import SecurityHeadersMiddleware
from app.ops import health, metrics
from app.ops.logs import RequestLogMiddleware, configure_logging
from app.quiz import pages as quiz_pages
from app.reports import routes as reports_routes
from app.resolutions import api as resolutions_api
from app.resolutions import pages as resolutions_pages
from app.runtime import lifespan, serving_lifespan
from app.series import api as series_api
from app.series import pages as series_pages
from app.trends import router as trends_router


async def _validation_error(request: Request, exc: Exception) -> Response:
    # A 400 with readable reasons rather than FastAPI's 422 dump of the input (an HTML page for people).
    assert isinstance(exc, RequestValidationError)
    if is_page_path(request):
        return await page_validation_error(request, exc)
    reasons = [f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors()]
    return JSONResponse({"detail": "Invalid request. " + "; ".join(reasons)}, status_code=400)


def _data_version() -> str:
    with get_read_sessionmaker()() as session:  # the version of what the public pages read
        return data_version(session)


def create_app(*, page_cache: bool = True) -> FastAPI:
    """The application. ``page_cache=False`` for tests that read their own uncommitted transaction."""
    settings = get_settings()  # refuses to start on unsafe settings (e.g. production without a secret key)
    configure_logging()
    app = FastAPI(
        title="UNGA Votes",
        summary="United Nations General Assembly resolutions and how every member state voted, 1946 to now.",
        version="0.1.0",
        lifespan=serving_lifespan if page_cache else lifespan,  # tests build their own data
    )
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(DBAPIError, database_unavailable)
    app.add_exception_handler(PoolTimeoutError, database_unavailable)
    # A form posted after the admin's session ended: sign in again without losing it (app/admin/resume.py).
    app.add_exception_handler(SessionEndedError, admin_signin.session_ended)
    # JSON routes first: the page routes include catch-all symbol paths.
    app.include_router(resolutions_api.router)
    app.include_router(countries_api.router)
    app.include_router(series_api.router)
    app.include_router(admin_routes.router)
    app.include_router(health.router)
    app.include_router(metrics.router)
    app.include_router(cards_routes.router)
    app.include_router(resolutions_pages.router)
    app.include_router(countries_pages.router)
    app.include_router(series_pages.router)
    app.include_router(quiz_pages.router)
    app.include_router(reports_routes.router)
    app.include_router(trends_router)
    app.mount("/static", StaticFiles(directory=PROJECT_ROOT / "static"), name="static")
    app.add_middleware(HeadAsGetMiddleware)  # innermost: the page cache still sees HEAD as HEAD
    if page_cache:  # inside the security headers, so cached answers carry them too
        read_url = settings.read_database_url or settings.database_url  # where the pages are read from
        folder = settings.page_cache_dir or default_folder(read_url)
        pages = ResponseCache(shared=SharedPages(folder, namespace(read_url)))
        app.add_middleware(PublicCacheMiddleware, version=_data_version, cache=pages)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(RequestLogMiddleware, enabled=settings.request_log)  # outermost: times everything
    return app
