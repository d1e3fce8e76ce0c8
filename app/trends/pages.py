"""The trends page and its CSV. Thin: build the typed context (views.py), render."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.deps import SessionDep
from app.kit.csv import csv_response
from app.templating import get_templates
from app.trends import views
from app.urls import TRENDS_CSV_PATH, TRENDS_PATH

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get(TRENDS_CSV_PATH)
def trends_csv(session: SessionDep) -> Response:
    return csv_response(views.trends_csv(session), "unga-trends.csv")


@router.get(TRENDS_PATH)
def trends(request: Request, session: SessionDep) -> Response:
    return get_templates().TemplateResponse(request, "trends/index.html", dict(views.trends_page(session)))
