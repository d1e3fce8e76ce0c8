"""JSON API for member states and their voting records."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query

from app.countries import queries, schemas
from app.countries.service import VOTE_WORDS
from app.deps import PageDep, SessionDep

router = APIRouter(prefix="/api", tags=["countries"])


@router.get(
    "/countries", response_model=list[schemas.CountrySummary], summary="Every state, current and historical"
)
def list_countries(
    session: SessionDep,
    q: Annotated[str, Query(max_length=100, description="Any name or alias, e.g. 'Turkey' or 'USSR'")] = "",
) -> list[schemas.CountrySummary]:
    return [schemas.summary(state) for state in queries.list_states(session, q.strip())]


@router.get(
    "/countries/{code}", response_model=schemas.CountryOut, summary="A state: names over time, membership"
)
def get_country(code: str, session: SessionDep) -> schemas.CountryOut:
    state = queries.get_state(session, code)
    if state is None:
        raise HTTPException(404, f"No state with the code {code!r}; codes are ISO 3166-1 alpha-3, e.g. USA.")
    return schemas.detail(state, queries.state_codes(session))


@router.get(
    "/countries/{code}/votes", response_model=schemas.CountryVotePage, summary="A state's votes, newest first"
)
def get_country_votes(
    code: str,
    session: SessionDep,
    page: PageDep,
    q: Annotated[str, Query(max_length=200, description="Words or a symbol, e.g. 'ES-10/24'")] = "",
    year: Annotated[int | None, Query(ge=1945, le=2100)] = None,
    topic: Annotated[str, Query(max_length=100, description="One of Voeten's issue categories")] = "",
    vote: Annotated[Literal["", "yes", "no", "abstain", "non_voting"], Query()] = "",
) -> schemas.CountryVotePage:
    """The same filters as the country page, so its JSON link returns exactly the rows it shows."""
    state = queries.get_state(session, code)
    if state is None:
        raise HTTPException(404, f"No state with the code {code!r}; codes are ISO 3166-1 alpha-3, e.g. USA.")
    filters = queries.RecordFilters(
        year=year, topic=topic.strip(), choice=VOTE_WORDS[vote] if vote else None, q=q.strip()
    )
    entries, total = queries.voting_record(session, state, page, filters)
    return schemas.CountryVotePage(
        page=page.page, per_page=page.per_page, total=total, results=[schemas.vote(e) for e in entries]
    )
