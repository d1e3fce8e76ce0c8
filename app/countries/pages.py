"""HTML pages for countries and the comparison of two (server-rendered, each with a CSV, JSON or Atom
twin). Thin: turn the URL into a loaded state or a 404, build the page's typed context (views.py), render."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from app.countries import queries, views
from app.deps import SessionDep
from app.errors import render_error
from app.ideal import views as ideal_views
from app.kit.csv import csv_response
from app.models import State
from app.templating import get_templates
from app.urls import COMPARE_PATH, COUNTRIES_PATH, country_path, public_base

router = APIRouter(tags=["pages"], include_in_schema=False)


def _render(request: Request, template: str, context: BaseModel, status_code: int = 200) -> Response:
    return get_templates().TemplateResponse(request, template, dict(context), status_code=status_code)


_csv = csv_response  # every CSV goes through the one writer (app/kit/csv.py)


def _not_found(request: Request, session: SessionDep, code: str, back_url: str = COUNTRIES_PATH) -> Response:
    return render_error(request, 404, views.not_found_page(session, code, back_url))


def _canonical(request: Request, state: State, path: str) -> Response | None:
    """A redirect to the upper-case code (/countries/usa -> /countries/USA), keeping the query."""
    if request.url.path == path:
        return None
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(path + query, status_code=301)


@router.get("/countries")
def countries(request: Request, session: SessionDep, query: Annotated[views.ListQuery, Query()]) -> Response:
    return _render(request, "countries/list.html", views.list_page(session, query))


# Suffix routes come before the country page, which would otherwise read "USA.csv" as a code.
@router.get("/countries/{code}.csv")
def country_csv(
    code: str, request: Request, session: SessionDep, query: Annotated[views.RecordQuery, Query()]
) -> Response:
    state = queries.get_state(session, code)
    if state is None:
        return _not_found(request, session, code)
    body = views.record_csv(session, state, query, public_base(request))
    return _csv(body, f"{state.code}-votes.csv")


@router.get("/countries/{code}/years.csv")
def country_years_csv(
    code: str, request: Request, session: SessionDep, query: Annotated[views.RecordQuery, Query()]
) -> Response:
    state = queries.get_state(session, code)
    if state is None:
        return _not_found(request, session, code)
    return _csv(views.years_csv(session, state, query), f"{state.code}-years.csv")


@router.get("/countries/{code}/feed.atom")
def country_feed(code: str, request: Request, session: SessionDep) -> Response:
    state = queries.get_state(session, code)
    if state is None:
        return _not_found(request, session, code)
    response = _render(request, "countries/feed.xml", views.feed_page(session, state, public_base(request)))
    response.headers["Content-Type"] = "application/atom+xml; charset=utf-8"
    return response


@router.get("/countries/{code}/ideal-points.csv")
def country_ideal_points_csv(code: str, request: Request, session: SessionDep) -> Response:
    state = queries.get_state(session, code)
    if state is None:
        return _not_found(request, session, code)
    rows = ideal_views.filtered_points(session, ideal_views.PointsQuery(country=[state.code]))
    return _csv(ideal_views.points_csv(rows), f"{state.code}-ideal-points.csv")


@router.get("/countries/{code}/votes-that-did-not-fit")
def votes_that_did_not_fit(code: str, request: Request, session: SessionDep) -> Response:
    state = queries.get_state(session, code)
    if state is None:
        return _not_found(request, session, code)
    return _render(request, "ideal/surprises.html", ideal_views.surprises_page(session, state))


@router.get("/countries/{code}")
def country(
    code: str, request: Request, session: SessionDep, query: Annotated[views.RecordQuery, Query()]
) -> Response:
    state = queries.get_state(session, code)
    if state is None:
        return _not_found(request, session, code)
    if redirect := _canonical(request, state, country_path(state.code)):
        return redirect
    return _render(request, "countries/detail.html", views.country_page(session, state, query))


@router.get("/compare.csv")
def compare_csv(
    request: Request, session: SessionDep, query: Annotated[views.CompareQuery, Query()]
) -> Response:
    a, b = queries.get_state(session, query.a), queries.get_state(session, query.b)
    if a is None or b is None:
        return _not_found(request, session, query.b if a else query.a, COMPARE_PATH)
    return _csv(views.compare_csv(session, a, b, query.consensus), f"{a.code}-{b.code}-agreement.csv")


@router.get("/compare")
def compare(request: Request, session: SessionDep, query: Annotated[views.CompareQuery, Query()]) -> Response:
    a = queries.get_state(session, query.a) if query.a else None
    b = queries.get_state(session, query.b) if query.b else None
    for code, state in ((query.a, a), (query.b, b)):
        if code and state is None:
            return _not_found(request, session, code, COMPARE_PATH)
    message = ""
    if a is None or b is None:
        message = "Choose two states to compare."
    elif a.id == b.id:
        message = "Choose two different states."
    return _render(request, "compare.html", views.compare_page(session, query, a, b, message))
