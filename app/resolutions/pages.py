"""HTML pages for resolutions (server-rendered, each with a JSON or CSV twin). Thin: turn the URL into a
loaded object or a 404, build the page's typed context (views.py), render."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from app.deps import RowId, SessionDep
from app.kit.csv import csv_response
from app.resolutions import lookup, views, vote_map
from app.resolutions.deps import ResolutionDep, find_decision, symbol_not_found
from app.resolutions.params import ListQuery
from app.symbols import base_symbol, normalize_symbol
from app.templating import get_templates
from app.urls import page_name, public_base, resolution_path, symbol_path

router = APIRouter(tags=["pages"], include_in_schema=False)


def _render(request: Request, template: str, context: BaseModel) -> Response:
    return get_templates().TemplateResponse(request, template, dict(context))


_csv = csv_response  # every CSV goes through the one writer (app/kit/csv.py)


@router.get("/maps/world-{digest}.svg")
def world_map(digest: str, request: Request) -> Response:
    """The vote map's outlines (app/resolutions/vote_map.py), under an address that changes with them."""
    if request.url.path != vote_map.geometry_url():
        raise HTTPException(404, "No such map.")
    context = {"view_box": vote_map.map_view_box(), "outlines": vote_map.geometry_outlines()}
    response = get_templates().TemplateResponse(request, "resolutions/world.svg", context)
    response.headers["Content-Type"] = "image/svg+xml"
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@router.get("/")
def home(request: Request, session: SessionDep) -> Response:
    return _render(request, "home.html", views.home_page(session))


@router.get("/resolutions.csv")
def resolutions_csv(session: SessionDep, query: Annotated[ListQuery, Query()]) -> Response:
    return _csv(views.list_csv(session, query), "resolutions.csv")


@router.get("/resolutions")
def resolutions(request: Request, session: SessionDep, query: Annotated[ListQuery, Query()]) -> Response:
    if query.q and (target := views.symbol_target(session, query.q)):
        return RedirectResponse(target, status_code=303)
    return _render(request, "resolutions/list.html", views.list_page(session, query))


@router.get("/feeds/resolutions.atom")
def feed(request: Request, session: SessionDep) -> Response:
    context = views.feed_page(session, public_base(request))
    response = get_templates().TemplateResponse(request, "feeds/resolutions.xml", dict(context))
    response.headers["Content-Type"] = "application/atom+xml; charset=utf-8"
    return response


@router.get("/votes/{decision_id:int}.csv")
def vote_csv(decision_id: RowId, request: Request, session: SessionDep) -> Response:
    resolution = find_decision(request, session, decision_id)
    return _csv(views.roll_call_csv(session, resolution), f"vote-{decision_id}.csv")


@router.get("/votes/{decision_id:int}/groups.csv")
def vote_groups_csv(decision_id: RowId, request: Request, session: SessionDep) -> Response:
    resolution = find_decision(request, session, decision_id)
    return _csv(views.groups_csv(session, resolution), f"vote-{decision_id}-groups.csv")


@router.get("/votes/{decision_id:int}")
def vote(decision_id: RowId, request: Request, session: SessionDep) -> Response:
    resolution = find_decision(request, session, decision_id)
    return _render(request, "resolutions/detail.html", views.resolution_page(session, resolution))


# The .csv routes come before the catch-all, which would otherwise read ".csv" as part of the symbol.
@router.get("/resolutions/{symbol:path}/groups.csv")
def resolution_groups_csv(resolution: ResolutionDep, session: SessionDep) -> Response:
    filename = page_name(resolution).replace("/", "_").replace(" ", "_") + "_groups.csv"
    return _csv(views.groups_csv(session, resolution), filename)


@router.get("/resolutions/{symbol:path}.csv")
def resolution_csv(resolution: ResolutionDep, session: SessionDep) -> Response:
    filename = page_name(resolution).replace("/", "_").replace(" ", "_") + ".csv"
    return _csv(views.roll_call_csv(session, resolution), filename)


@router.get("/resolutions/{symbol:path}")
def resolution(symbol: str, request: Request, session: SessionDep) -> Response:
    found_symbol = lookup.lookup_symbol(session, symbol)
    wanted = normalize_symbol(symbol) or symbol.strip()
    if found_symbol.parts:
        if symbol != wanted:
            return RedirectResponse(symbol_path(wanted), status_code=301)
        return _render(request, "resolutions/parts.html", views.parts_page(wanted, found_symbol.parts))
    found = found_symbol.resolution
    if found is None:
        raise symbol_not_found(request, session, symbol)
    name = page_name(found)
    if symbol != name and not (symbol == normalize_symbol(symbol) and base_symbol(name) == symbol):
        # es-10/24 or A/RES/ES-10/24/ still work, but there is one address to share and cite. A symbol
        # without the part that alone was voted (A/RES/181(II), for 181 (II) A) shows that part.
        return RedirectResponse(resolution_path(found), status_code=301)
    return _render(request, "resolutions/detail.html", views.resolution_page(session, found))
