"""The API documentation pages, /docs (Swagger UI) and /redoc, with every asset served by the site.

FastAPI's own pages load Swagger UI and ReDoc from a CDN, without integrity checks, on the origin that
also serves /admin: whoever controlled that CDN could run script next to an admin's session. Here the
assets come from a pinned package (fastapi-offline, which ships them) under /static/docs/, and Swagger
UI is started by a script of ours (static/docs.js), so the docs' Content-Security-Policy allows script
from this origin only (app/headers.py).
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from app.templating import get_templates

ASSETS = Path(fastapi_offline.__file__).parent / "static"
ASSETS_URL = "/static/docs"
DOCS_PATH, REDOC_PATH = "/docs", "/redoc"

router = APIRouter(include_in_schema=False)


def assets() -> StaticFiles:
    """The Swagger UI and ReDoc files, mounted at ASSETS_URL (before /static)."""
    return StaticFiles(directory=ASSETS)


@router.get(DOCS_PATH)
def swagger_ui(request: Request) -> Response:
    return get_templates().TemplateResponse(request, "docs/swagger.html", {"assets": ASSETS_URL})


@router.get(REDOC_PATH)
def redoc(request: Request) -> Response:
    return get_templates().TemplateResponse(request, "docs/redoc.html", {"assets": ASSETS_URL})
