"""JSON API for resolutions. Thin: parse the request, call a query, shape the answer."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request

from app.deps import PageDep, RowId, SessionDep
from app.models import Adoption, Resolution
from app.openapi import NOT_FOUND
from app.resolutions import lookup, queries, roll_calls, schemas
from app.resolutions.deps import find_decision
from app.resolutions.service import parse_session
from app.resolutions.tally import tally_of
from app.symbols import normalize_symbol
from app.urls import resolution_api_path

router = APIRouter(prefix="/api", tags=["resolutions"])
# A session as written: digits or Roman numerals, for a regular, emergency special (ES-) or special (S-) one.
SESSION_PATTERN = r"^((ES-|es-|S-|s-)?([0-9]{1,3}|[IVXLCivxlc]{1,9}))?$"


@router.get(
    "/resolutions",
    response_model=schemas.ResolutionPage,
    summary="List resolutions, newest first (best match first when searching)",
    description="The same filters as the /resolutions page, whose JSON twin this is.",
    responses=NOT_FOUND,
)
def list_resolutions(
    session: SessionDep,
    page: PageDep,
    q: Annotated[
        str, Query(max_length=200, description="Words in the symbol, title, subjects or agenda item")
    ] = "",
    session_code: Annotated[
        str,
        Query(
            alias="session",
            max_length=12,
            pattern=SESSION_PATTERN,
            description="Session: 79, ES-10 (emergency special), S-32, or in Roman numerals (XXX)",
        ),
    ] = "",
    year: Annotated[int | None, Query(ge=1945, le=2100, description="Calendar year of adoption")] = None,
    year_from: Annotated[int | None, Query(ge=1945, le=2100)] = None,
    year_to: Annotated[int | None, Query(ge=1945, le=2100)] = None,
    topic: Annotated[str, Query(max_length=100, description="One of Voeten's issue categories")] = "",
    subject: Annotated[str, Query(max_length=300, description="A UNBIS thesaurus term")] = "",
    adoption: Annotated[
        Literal["", "recorded", "without"], Query(description="Adopted with or without a vote")
    ] = "",
    margin: Annotated[int | None, Query(ge=0, le=200, description="At most this |yes - no|")] = None,
    sort: Annotated[Literal["", "relevance", "date", "margin"], Query()] = "",
    include_separate_votes: Annotated[
        bool, Query(description="Include votes on amendments and parts")
    ] = False,
) -> schemas.ResolutionPage:
    parsed = parse_session(session_code) if session_code else None
    if session_code and parsed is None:  # written as a session, but none has that number
        raise HTTPException(404, f"There is no session {session_code!r}: sessions are numbered 1 to 200.")
    words = q.strip()
    filters = queries.ResolutionFilters(
        session=parsed[1] if parsed else None,
        session_kind=parsed[0] if parsed else None,
        year_from=year if year is not None else year_from,
        year_to=year if year is not None else year_to,
        q=words,
        topic=topic.strip(),
        subject=subject.strip(),
        adoption={"recorded": Adoption.RECORDED_VOTE, "without": Adoption.WITHOUT_VOTE}.get(adoption),
        max_margin=margin,
        sort=sort or ("relevance" if words else "date"),
        include_separate_votes=include_separate_votes,
    )
    rows, total = queries.list_resolutions(session, filters, page)
    tally = tally_of(session)
    return schemas.ResolutionPage(
        page=page.page,
        per_page=page.per_page,
        total=total,
        results=[schemas.summary(r, resolution_api_path(r), tally(r)) for r in rows],
    )


@router.get(
    "/votes/{decision_id}",
    response_model=schemas.ResolutionOut,
    summary="A recorded vote by id",
    responses=NOT_FOUND,
)
def get_vote(decision_id: RowId, request: Request, session: SessionDep) -> schemas.ResolutionOut:
    return _detail(session, find_decision(request, session, decision_id))


@router.get(
    "/resolutions/{symbol:path}",
    response_model=schemas.ResolutionOut,
    summary="A resolution with its roll call",
    description="The symbol as the UN writes it, slashes included: /api/resolutions/A/RES/ES-10/24.",
    responses=NOT_FOUND,
)
def get_resolution(symbol: str, session: SessionDep) -> schemas.ResolutionOut:
    normalized = normalize_symbol(symbol) or symbol.strip()
    found = lookup.lookup_symbol(session, normalized)
    if found.parts:
        parts = ", ".join(p.symbol for p in found.parts)
        raise HTTPException(404, f"{normalized} was voted in parts, each its own resolution: {parts}.")
    if found.resolution is None:
        raise HTTPException(404, f"No resolution with the symbol {normalized!r}.")
    return _detail(session, found.resolution)


def _detail(session: SessionDep, resolution: Resolution) -> schemas.ResolutionOut:
    votes = roll_calls.roll_call(session, resolution)
    source = queries.source_label(session, resolution)
    intended = roll_calls.intended_votes(session, resolution.id)
    shown, not_known = tally_of(session)(resolution), roll_calls.votes_not_known(session, resolution)
    path = resolution_api_path(resolution)
    return schemas.detail(resolution, votes, path, source, intended, shown, not_known)
