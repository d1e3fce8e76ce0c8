"""HTML pages for the ideal points, with their CSV twins. Thin: URL to object or 404, typed context
(views.py), render."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.countries import queries as country_queries
from app.countries.views import not_found_page
from app.deps import SessionDep
from app.errors import render_error
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


@router.get("/countries/{code}/ideal-points.csv")
def country_ideal_points_csv(code: str, request: Request, session: SessionDep) -> Response:
    state = country_queries.get_state(session, code)
    if state is None:
        return render_error(request, 404, not_found_page(session, code))
    rows = views.filtered_points(session, views.PointsQuery(country=[state.code]))
    return csv_response(views.points_csv(rows), f"{state.code}-ideal-points.csv")


@router.get("/countries/{code}/votes-that-did-not-fit")
def votes_that_did_not_fit(code: str, request: Request, session: SessionDep) -> Response:
    state = country_queries.get_state(session, code)
    if state is None:
        return render_error(request, 404, not_found_page(session, code))
    context = views.surprises_page(session, state)
    return get_templates().TemplateResponse(request, "ideal/surprises.html", dict(context))
