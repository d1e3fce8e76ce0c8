"""JSON API for series of recurring resolutions. Thin: parse the request, call a query, shape the answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from app.deps import PageDep, SessionDep
from app.openapi import NOT_FOUND
from app.series import queries, schemas, service
from app.series.views import IndexQuery

router = APIRouter(prefix="/api", tags=["series"])


@router.get(
    "/series",
    response_model=schemas.SeriesPage,
    summary="List series of recurring resolutions, most recent first",
    description="Recorded votes grouped into series by title and agenda item; the method is on /series.",
)
def list_series(
    session: SessionDep,
    page: PageDep,
    q: Annotated[
        str, Query(max_length=200, description="Words in the titles of the series' resolutions")
    ] = "",
) -> schemas.SeriesPage:
    words = IndexQuery(q=q).words()
    rows, total = queries.list_series(session, words, page)
    return schemas.SeriesPage(
        page=page.page, per_page=page.per_page, total=total, results=[schemas.summary(s) for s in rows]
    )


@router.get(
    "/series/{slug}",
    response_model=schemas.SeriesOut,
    responses=NOT_FOUND,
    summary="A series with its tally year by year and the states that switched their vote",
)
def get_series(slug: str, session: SessionDep) -> schemas.SeriesOut:
    found = queries.get_series(session, slug)
    if found is None:
        raise HTTPException(404, f"No series with the key {slug[:80]!r}.")
    members = queries.members(session, found)
    return schemas.detail(found, members, service.switchers(members, queries.member_votes(session, found)))
