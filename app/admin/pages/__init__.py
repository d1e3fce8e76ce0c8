"""The admin area under /admin: the only web write path.

Every route sits behind ``admin_guard`` (router-level): pages need a live session, and every unsafe
request needs a same-origin Origin header and the session's CSRF token. Handlers stay thin: read the
form, call the service, render or redirect. One module per area; this one puts them under one router.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from app.admin.guard import admin_guard
from app.admin.pages import audit, reports, resolutions, signin, states

router = APIRouter(include_in_schema=False, dependencies=[Depends(admin_guard)])
for area in (signin, resolutions, audit, states, reports):
    router.include_router(area.router)  # each area's router has the /admin prefix
