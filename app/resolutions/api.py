"""JSON API for resolutions. Thin: parse the request, call a query, shape the answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from app.deps import PageDep, SessionDep
from app.models import Resolution
from app.resolutions import queries, schemas
from app.symbols import normalize_symbol
from app.urls import resolution_api_path

router = APIRouter(prefix="/api", tags=["resolutions"])


@router.get("/resolutions", response_model=schemas.ResolutionPage, summary="List resolutions, newest first")
def list_resolutions(
    session: SessionDep,
    page: PageDep,
    q: Annotated[str, Query(max_length=200, description="Words in the symbol, title or agenda item")] = "",
    session_number: Annotated[int | None, Query(alias="session", ge=1, le=200)] = None,
    year: Annotated[int | None, Query(ge=1945, le=2100, description="Calendar year of adoption")] = None,
    include_separate_votes: Annotated[
        bool, Query(description="Include votes on amendments and parts")
    ] = False,
) -> schemas.ResolutionPage:
    filters = queries.ResolutionFilters(
        session=session_number,
        year_from=year,
        year_to=year,
        q=q.strip(),
        include_separate_votes=include_separate_votes,
    )
    rows, total = queries.list_resolutions(session, filters, page)
    return schemas.ResolutionPage(
        page=page.page,
        per_page=page.per_page,
        total=total,
        results=[schemas.summary(r, resolution_api_path(r)) for r in rows],
    )


@router.get("/votes/{decision_id}", response_model=schemas.ResolutionOut, summary="A recorded vote by id")
def get_vote(decision_id: int, session: SessionDep) -> schemas.ResolutionOut:
    resolution = queries.get_decision(session, decision_id)
    if resolution is None:
        raise HTTPException(404, f"No recorded vote with id {decision_id}.")
    return _detail(session, resolution)


@router.get(
    "/resolutions/{symbol:path}",
    response_model=schemas.ResolutionOut,
    summary="A resolution with its roll call",
    description="The symbol as the UN writes it, slashes included: /api/resolutions/A/RES/ES-10/24.",
)
def get_resolution(symbol: str, session: SessionDep) -> schemas.ResolutionOut:
    normalized = normalize_symbol(symbol) or symbol.strip()
    resolution = queries.get_resolution(session, normalized)
    if resolution is None:
        raise HTTPException(404, f"No resolution with the symbol {normalized!r}.")
    return _detail(session, resolution)


def _detail(session: SessionDep, resolution: Resolution) -> schemas.ResolutionOut:
    votes = queries.roll_call(session, resolution)
    source = queries.source_label(session, resolution)
    return schemas.detail(resolution, votes, resolution_api_path(resolution), source)
