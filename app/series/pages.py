"""HTML pages for series of recurring resolutions, with CSV and JSON twins. Thin: URL to object or 404,
typed context (views.py), render."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.deps import SessionDep
from app.errors import ErrorPage, render_error
from app.kit.csv import csv_response
from app.series import queries, views
from app.templating import get_templates
from app.urls import SERIES_PATH

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get(SERIES_PATH)
def series_index(
    request: Request, session: SessionDep, query: Annotated[views.IndexQuery, Query()]
) -> Response:
    context = views.index_page(session, query)
    return get_templates().TemplateResponse(request, "series/index.html", dict(context))


# The .csv route comes first: the page route would otherwise read "x.csv" as a slug.
@router.get(SERIES_PATH + "/{slug}.csv")
def series_csv(slug: str, request: Request, session: SessionDep) -> Response:
    found = queries.get_series(session, slug)
    if found is None:
        return _not_found(request, slug)
    return csv_response(views.series_csv(session, found), f"series-{found.slug}.csv")


@router.get(SERIES_PATH + "/{slug}")
def series_detail(slug: str, request: Request, session: SessionDep) -> Response:
    found = queries.get_series(session, slug)
    if found is None:
        return _not_found(request, slug)
    context = views.series_page(session, found)
    return get_templates().TemplateResponse(request, "series/detail.html", dict(context))


def _not_found(request: Request, slug: str) -> Response:
    page = ErrorPage(
        title="No such series",
        message=f"There is no series “{slug[:80]}”. Series are found again after each import, "
        "so search the index for the resolution's title.",
        back_url=SERIES_PATH,
        back_label="Search the series",
    )
    return render_error(request, 404, page)
