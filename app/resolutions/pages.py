"""HTML pages for resolutions (server-rendered, each with a JSON or CSV twin)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["pages"], include_in_schema=False)
