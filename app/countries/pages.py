"""HTML pages for countries and the comparison of two (server-rendered, each with a CSV, JSON or Atom
twin). Thin: the URL becomes a loaded state or a 404 (deps.py), the page's typed context is built (one
module per page: list_page.py, country_page.py, compare_page.py, feed_page.py), then rendered."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from app.countries import compare_page, country_page, exports, feed_page, list_page
from app.countries.deps import StateDep, find_state
from app.countries.params import CompareQuery, ListQuery, RecordQuery
from app.deps import SessionDep
from app.ideal import views as ideal_views
from app.kit.csv import csv_response
from app.templating import get_templates
from app.urls import COMPARE_PATH, country_path, public_base

router = APIRouter(tags=["pages"], include_in_schema=False)


def _render(request: Request, template: str, context: BaseModel) -> Response:
    return get_templates().TemplateResponse(request, template, dict(context))


_csv = csv_response  # every CSV goes through the one writer (app/kit/csv.py)


def _canonical(request: Request, path: str) -> Response | None:
    """A redirect to the upper-case code (/countries/usa -> /countries/USA), keeping the query."""
    if request.url.path == path:
        return None
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(path + query, status_code=301)


@router.get("/countries")
def countries(request: Request, session: SessionDep, query: Annotated[ListQuery, Query()]) -> Response:
    return _render(request, "countries/list.html", list_page.list_page(session, query))


# Suffix routes come before the country page, which would otherwise read "USA.csv" as a code.
@router.get("/countries/{code}.csv")
def country_csv(
    state: StateDep, request: Request, session: SessionDep, query: Annotated[RecordQuery, Query()]
) -> Response:
    body = exports.record_csv(session, state, query, public_base(request))
    return _csv(body, f"{state.code}-votes.csv")


@router.get("/countries/{code}/years.csv")
def country_years_csv(
    state: StateDep, session: SessionDep, query: Annotated[RecordQuery, Query()]
) -> Response:
    return _csv(exports.years_csv(session, state, query), f"{state.code}-years.csv")


@router.get("/countries/{code}/feed.atom")
def country_feed(state: StateDep, request: Request, session: SessionDep) -> Response:
    context = feed_page.feed_page(session, state, public_base(request))
    response = _render(request, "countries/feed.xml", context)
    response.headers["Content-Type"] = "application/atom+xml; charset=utf-8"
    return response


@router.get("/countries/{code}/ideal-points.csv")
def country_ideal_points_csv(state: StateDep, session: SessionDep) -> Response:
    rows = ideal_views.filtered_points(session, ideal_views.PointsQuery(country=[state.code]))
    return _csv(ideal_views.points_csv(rows), f"{state.code}-ideal-points.csv")


@router.get("/countries/{code}/votes-that-did-not-fit")
def votes_that_did_not_fit(state: StateDep, request: Request, session: SessionDep) -> Response:
    return _render(request, "ideal/surprises.html", ideal_views.surprises_page(session, state))


@router.get("/countries/{code}")
def country(
    state: StateDep, request: Request, session: SessionDep, query: Annotated[RecordQuery, Query()]
) -> Response:
    if redirect := _canonical(request, country_path(state.code)):
        return redirect
    return _render(request, "countries/detail.html", country_page.country_page(session, state, query))


@router.get("/compare.csv")
def compare_csv(request: Request, session: SessionDep, query: Annotated[CompareQuery, Query()]) -> Response:
    a = find_state(request, session, query.a, COMPARE_PATH)
    b = find_state(request, session, query.b, COMPARE_PATH)
    return _csv(exports.compare_csv(session, a, b, query.consensus), f"{a.code}-{b.code}-agreement.csv")


@router.get("/compare")
def compare(request: Request, session: SessionDep, query: Annotated[CompareQuery, Query()]) -> Response:
    a = find_state(request, session, query.a, COMPARE_PATH) if query.a else None
    b = find_state(request, session, query.b, COMPARE_PATH) if query.b else None
    message = ""
    if a is None or b is None:
        message = "Choose two states to compare."
    elif a.id == b.id:
        message = "Choose two different states."
    return _render(request, "compare.html", compare_page.compare_page(session, query, a, b, message))
