"""JSON API for member states and their voting records."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request

from app.countries import agreement, country_page, queries, schemas
from app.countries.deps import StateDep, find_state
from app.countries.matrix import get_matrix
from app.countries.params import RecordFilterQuery, RecordQuery
from app.deps import PageDep, SessionDep
from app.ideal import views as ideal_views
from app.ideal.schemas import DESCRIPTION as IDEAL_POINTS_DESCRIPTION
from app.ideal.schemas import IdealPointOut, points_out
from app.openapi import NOT_FOUND, UNPROCESSABLE
from app.resolutions.roll_calls import intended_votes_of

router = APIRouter(prefix="/api", tags=["countries"])
# A country's ideal points keep the tag (and the place in the OpenAPI document) of the ideal-points API.
ideal_router = APIRouter(prefix="/api", tags=["ideal points"])


@router.get(
    "/countries", response_model=list[schemas.CountrySummary], summary="Every state, current and historical"
)
def list_countries(
    session: SessionDep,
    q: Annotated[str, Query(max_length=100, description="Any name or alias, e.g. 'Turkey' or 'USSR'")] = "",
) -> list[schemas.CountrySummary]:
    return [schemas.summary(state) for state in queries.list_states(session, q.strip())]


@router.get(
    "/countries/{code}",
    response_model=schemas.CountryOut,
    responses=NOT_FOUND,
    summary="A state: names over time, membership, statements of intended vote",
)
def get_country(state: StateDep, session: SessionDep) -> schemas.CountryOut:
    return schemas.detail(state, queries.state_codes(session), intended_votes_of(session, state.id))


@router.get(
    "/countries/{code}/votes",
    response_model=schemas.CountryVotePage,
    summary="A state's votes, newest first",
    responses=NOT_FOUND,
)
def get_country_votes(
    state: StateDep, session: SessionDep, page: PageDep, query: Annotated[RecordFilterQuery, Query()]
) -> schemas.CountryVotePage:
    """The same filters as the country page, so its JSON link returns exactly the rows it shows."""
    entries, total = queries.voting_record(session, state, page, query.filters())
    return schemas.CountryVotePage(
        page=page.page, per_page=page.per_page, total=total, results=[schemas.vote(e) for e in entries]
    )


@router.get(
    "/countries/{code}/agreement",
    response_model=schemas.AgreementOut,
    responses={**NOT_FOUND, **UNPROCESSABLE},
    summary="The states voting most and least like this one, over any period and topic",
)
def get_country_agreement(
    state: StateDep,
    session: SessionDep,
    query: Annotated[RecordQuery, Query()],
    limit: Annotated[int, Query(ge=1, le=200)] = country_page.PARTNERS_SHOWN,
) -> schemas.AgreementOut:
    """The same parameters as the agreement lists of the country page (since, until, issue, subject,
    consensus, rank); the record filters are ignored."""
    m = get_matrix(session)
    where, scoped = agreement.resolve_scope(m, query)
    if scoped.message:
        raise HTTPException(404, scoped.message)  # an issue category or subject that does not exist
    ranked = agreement.ranked_partners(m, state, where, query.rank, country_page.MIN_PARTNER_VOTES)
    labels = queries.state_labels(session)

    def out(items: list[agreement.Ranked]) -> list[schemas.PartnerOut]:
        return [
            schemas.PartnerOut(country=labels[i][0], name=labels[i][1], **schemas.pair(c)) for i, c in items
        ]

    loyalty = agreement.loyalty(m, state.id, where.recorded)
    return schemas.AgreementOut(
        country=state.code,
        period=scoped.label,
        consensus_counted=query.consensus,
        rank=query.rank or "agreement",
        min_votes=country_page.MIN_PARTNER_VOTES,
        most=out(ranked[:limit]),
        least=out(ranked[::-1][:limit]),
        group_loyalty=schemas.LoyaltyOut(votes=loyalty.n, share=loyalty.share),
    )


@router.get(
    "/compare",
    response_model=schemas.CompareOut,
    summary="Two states' agreement, year by year",
    responses={**NOT_FOUND, **UNPROCESSABLE},
)
def get_compare(
    request: Request,
    session: SessionDep,
    a: Annotated[str, Query(max_length=8, description="a state code, e.g. USA")],
    b: Annotated[str, Query(max_length=8, description="another state code, e.g. ISR")],
    consensus: Annotated[bool, Query(description="count resolutions adopted without a vote")] = False,
) -> schemas.CompareOut:
    first, second = find_state(request, session, a), find_state(request, session, b)
    if first.id == second.id:
        raise HTTPException(422, "Choose two different states.")
    overall, years = agreement.pair_figures(session, first, second, consensus)
    return schemas.CompareOut(
        a=first.code,
        b=second.code,
        consensus_counted=consensus,
        years=[schemas.CompareYearOut(year=y, **schemas.pair(c)) for y, c in years],
        **schemas.pair(overall),
    )


@router.get(
    "/countries/{code}/years",
    response_model=list[schemas.CountryYearOut],
    responses={**NOT_FOUND, **UNPROCESSABLE},
    summary="A state's votes per year, its loyalty to its group, and its agreement with chosen states",
)
def get_country_years(
    state: StateDep, session: SessionDep, query: Annotated[RecordQuery, Query()]
) -> list[schemas.CountryYearOut]:
    """Choose states with ``peer`` (repeatable, up to five), as on the country page; ``since``, ``until``,
    ``issue``, ``subject`` and ``consensus`` narrow their agreement the same way."""
    peers, message = country_page.find_peers(session, state, query.peer)
    if message:
        raise HTTPException(404, message)
    m = get_matrix(session)
    where, scoped = agreement.resolve_scope(m, query)
    if scoped.message:
        raise HTTPException(404, scoped.message)  # an issue category or subject that does not exist
    by_peer = [(p.code, dict(agreement.by_year(m, state.id, p.id, where))) for p in peers]
    rows = []
    for t in agreement.year_tallies(m, state.id):
        loyalty = agreement.loyalty(m, state.id, m.years[t.year])
        rows.append(
            schemas.CountryYearOut(
                year=t.year,
                yes=t.yes,
                no=t.no,
                abstain=t.abstain,
                non_voting=t.non_voting,
                with_group=schemas.LoyaltyOut(votes=loyalty.n, share=loyalty.share),
                peers=[
                    schemas.PeerYearOut(country=peer, **schemas.pair(found[t.year]))
                    for peer, found in by_peer
                    if t.year in found
                ],
            )
        )
    return rows


@ideal_router.get(
    "/countries/{code}/ideal-points",
    response_model=list[IdealPointOut],
    summary="A state's ideal point, year by year",
    description=IDEAL_POINTS_DESCRIPTION,
    responses={**NOT_FOUND, **UNPROCESSABLE},
)
def country_ideal_points(state: StateDep, session: SessionDep) -> list[IdealPointOut]:
    return points_out(ideal_views.filtered_points(session, ideal_views.PointsQuery(country=[state.code])))
