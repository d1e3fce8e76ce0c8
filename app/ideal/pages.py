"""HTML pages for the ideal points, with their CSV twins. Thin: URL to object or 404, typed context
(views.py), render."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.deps import SessionDep
from app.ideal import views
from app.kit.csv import csv_response
from app.templating import get_templates
from app.urls import IDEAL_POINTS_CSV_PATH, IDEAL_POINTS_PATH

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get(IDEAL_POINTS_CSV_PATH)
def ideal_points_csv(session: SessionDep, query: Annotated[views.PointsQuery, Query()]) -> Response:
    return csv_response(views.points_csv(views.filtered_points(session, query)), "unga-ideal-points.csv")


@router.get(IDEAL_POINTS_PATH)
def ideal_points(
    request: Request, session: SessionDep, query: Annotated[views.IndexQuery, Query()]
) -> Response:
    context = views.index_page(session, query)
    return get_templates().TemplateResponse(request, "ideal/index.html", dict(context))
