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

from app import docs, openapi
from app.admin import pages as admin_pages
from app.admin.auth import SESSION_COOKIES, sign_out_anyway
from app.admin.pages import signin as admin_signin
from app.admin.resume import SessionEndedError
from app.cache.middleware import PublicCacheMiddleware
from app.cache.params import DeclaredParams
from app.cache.shared import SharedPages, default_folder, namespace
from app.cache.store import ResponseCache
from app.cards import pages as cards_pages
from app.config import PROJECT_ROOT, get_settings
from app.countries import api as countries_api
from app.countries import pages as countries_pages
from app.data_version import data_version
from app.db import unit_of_work
from app.errors import database_unavailable, http_error, is_page_path, page_validation_error
from app.head import HeadAsGetMiddleware
from app.headers import SecurityHeadersMiddleware
from app.hosts import AllowedHostsMiddleware
from app.ideal import api as ideal_api
from app.ideal import pages as ideal_pages
from app.opendata import pages as opendata_pages
from app.ops import health, metrics
from app.ops.logs import RequestLogMiddleware, configure_logging
from app.quiz import pages as quiz_pages
from app.reports import pages as reports_pages
from app.resolutions import api as resolutions_api
from app.resolutions import pages as resolutions_pages
from app.runtime import lifespan, serving_lifespan
from app.series import api as series_api
from app.series import pages as series_pages
from app.sources import pages as sources_pages
from app.trends import api as trends_api
from app.trends import pages as trends_pages


async def _validation_error(request: Request, exc: Exception) -> Response:
    # A 400 with readable reasons rather than FastAPI's 422 dump of the input (an HTML page for people).
    assert isinstance(exc, RequestValidationError)
    if is_page_path(request):
        return await page_validation_error(request, exc)
    errors = exc.errors()
    if errors and all(len(e["loc"]) <= 1 for e in errors):
        # Each parameter is well formed but together they contradict (a period that ends before it
        # starts): a 422, as the schema documents (app/openapi.py).
        said = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in errors)
        return JSONResponse({"detail": said[:1].upper() + said[1:] + "."}, status_code=422)
    reasons = [f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in errors]
    return JSONResponse({"detail": "Invalid request. " + "; ".join(reasons)}, status_code=400)


def _data_version() -> str:
    # The version of what the public pages read: the replica's, or the primary's while it stands in.
    with unit_of_work(read_only=True) as session:
        return data_version(session)


def create_app(*, page_cache: bool = True) -> FastAPI:
    """The application. ``page_cache=False`` for tests that read their own uncommitted transaction."""
    settings = get_settings()  # refuses to start on unsafe settings (e.g. production without a secret key)
    settings.check_serving()  # and to sign cookies with the development key unless asked to
    configure_logging()
    app = FastAPI(
        title="UNGA Votes",
        summary="United Nations General Assembly resolutions and how every member state voted, 1946 to now.",
        version="0.1.0",
        lifespan=serving_lifespan if page_cache else lifespan,  # tests build their own data
        docs_url=None,  # app/docs.py serves both pages with assets from this site, not a CDN
        redoc_url=None,
    )
    openapi.install(app)  # the schema documents the answers as they are (400, 404, 422, 503 bodies)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    unavailable = database_unavailable(sign_out_anyway)
    app.add_exception_handler(DBAPIError, unavailable)
    app.add_exception_handler(PoolTimeoutError, unavailable)
    # A form posted after the admin's session ended: sign in again without losing it (app/admin/resume.py).
    app.add_exception_handler(SessionEndedError, admin_signin.session_ended)
    # JSON routes first: the page routes include catch-all symbol paths.
    app.include_router(resolutions_api.router)
    app.include_router(countries_api.router)
    app.include_router(series_api.router)
    app.include_router(ideal_api.router)
    app.include_router(countries_api.ideal_router)
    app.include_router(admin_pages.router)
    app.include_router(health.router)
    app.include_router(docs.router)
    app.include_router(metrics.router)
    app.include_router(cards_pages.router)
    app.include_router(resolutions_pages.router)
    app.include_router(countries_pages.router)
    app.include_router(series_pages.router)
    app.include_router(ideal_pages.router)
    app.include_router(quiz_pages.router)
    app.include_router(reports_pages.router)
    app.include_router(trends_pages.router)
    app.include_router(trends_api.router)
    app.include_router(opendata_pages.router)
    app.include_router(sources_pages.router)
    app.mount(docs.ASSETS_URL, docs.assets())
    app.mount("/static", StaticFiles(directory=PROJECT_ROOT / "static"), name="static")
    app.add_middleware(HeadAsGetMiddleware)  # innermost: the page cache still sees HEAD as HEAD
    if page_cache:  # inside the security headers, so cached answers carry them too
        read_url = settings.read_database_url or settings.database_url  # where the pages are read from
        folder = settings.page_cache_dir or default_folder(read_url)
        app.state.page_store = SharedPages(folder, namespace(read_url, settings.public_base))
        pages = ResponseCache(shared=app.state.page_store)
        app.add_middleware(
            PublicCacheMiddleware,
            version=_data_version,
            cache=pages,
            bypass_cookies=SESSION_COOKIES,  # an admin sees a save at once; other cookies are ignored
            params=DeclaredParams(lambda: app.routes),
        )
    app.add_middleware(SecurityHeadersMiddleware)
    # Before anything reads the Host header (and before the cache answers): unknown Hosts get a 400.
    app.add_middleware(AllowedHostsMiddleware, names=settings.host_names)
    app.add_middleware(RequestLogMiddleware, enabled=settings.request_log)  # outermost: times everything
    return app
