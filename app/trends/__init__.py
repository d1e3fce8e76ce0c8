"""How contested the General Assembly has been over time: one page, its CSV and its JSON twin."""

from fastapi import APIRouter

from app.trends import api, pages

router = APIRouter()
router.include_router(pages.router)
router.include_router(api.router)
