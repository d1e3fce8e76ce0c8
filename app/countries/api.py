"""JSON API for member states and their voting records."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query

from app.countries import agreement, queries, schemas, views
from app.countries.matrix import get_matrix
from app.countries.service import VOTE_WORDS
from app.deps import PageDep, SessionDep
from app.ideal import views as ideal_views
from app.ideal.schemas import DESCRIPTION as IDEAL_POINTS_DESCRIPTION
from app.ideal.schemas import IdealPointOut, points_out
from app.models import State
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
def get_country(code: str, session: SessionDep) -> schemas.CountryOut:
    state = queries.get_state(session, code)
    if state is None:
        raise HTTPException(404, f"No state with the code {code!r}; codes are ISO 3166-1 alpha-3, e.g. USA.")
    return schemas.detail(state, queries.state_codes(session), intended_votes_of(session, state.id))


@router.get(
    "/countries/{code}/votes",
    response_model=schemas.CountryVotePage,
    summary="A state's votes, newest first",
    responses=NOT_FOUND,
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


def _state(session: SessionDep, code: str) -> State:
    state = queries.get_state(session, code)
    if state is None:
        raise HTTPException(404, f"No state with the code {code!r}; codes are ISO 3166-1 alpha-3, e.g. USA.")
    return state


@router.get(
    "/countries/{code}/agreement",
    response_model=schemas.AgreementOut,
    responses={**NOT_FOUND, **UNPROCESSABLE},
    summary="The states voting most and least like this one, over any period and topic",
)
def get_country_agreement(
    code: str,
    session: SessionDep,
    query: Annotated[views.RecordQuery, Query()],
    limit: Annotated[int, Query(ge=1, le=200)] = views.PARTNERS_SHOWN,
) -> schemas.AgreementOut:
    """The same parameters as the agreement lists of the country page (since, until, issue, subject,
    consensus, rank); the record filters are ignored."""
    state = _state(session, code)
    m = get_matrix(session)
    where, scoped = views.resolve_scope(m, query)
    if scoped.message:
        raise HTTPException(404, scoped.message)  # an issue category or subject that does not exist
    ranked = views.ranked_partners(m, state, where, query.rank, views.MIN_PARTNER_VOTES)
    labels = queries.state_labels(session)

    def out(items: list[views.Ranked]) -> list[schemas.PartnerOut]:
        return [
            schemas.PartnerOut(country=labels[i][0], name=labels[i][1], **schemas.pair(c)) for i, c in items
        ]

    loyalty = agreement.loyalty(m, state.id, where.recorded)
    return schemas.AgreementOut(
        country=state.code,
        period=scoped.label,
        consensus_counted=query.consensus,
        rank=query.rank or "agreement",
        min_votes=views.MIN_PARTNER_VOTES,
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
    session: SessionDep,
    a: Annotated[str, Query(max_length=8, description="a state code, e.g. USA")],
    b: Annotated[str, Query(max_length=8, description="another state code, e.g. ISR")],
    consensus: Annotated[bool, Query(description="count resolutions adopted without a vote")] = False,
) -> schemas.CompareOut:
    first, second = _state(session, a), _state(session, b)
    if first.id == second.id:
        raise HTTPException(422, "Choose two different states.")
    overall, years = views.pair_figures(session, first, second, consensus)
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
    code: str, session: SessionDep, query: Annotated[views.RecordQuery, Query()]
) -> list[schemas.CountryYearOut]:
    """Choose states with ``peer`` (repeatable, up to five), as on the country page; ``since``, ``until``,
    ``issue``, ``subject`` and ``consensus`` narrow their agreement the same way."""
    state = _state(session, code)
    peers, message = views.find_peers(session, state, query.peer)
    if message:
        raise HTTPException(404, message)
    m = get_matrix(session)
    where, scoped = views.resolve_scope(m, query)
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
def country_ideal_points(code: str, session: SessionDep) -> list[IdealPointOut]:
    state = _state(session, code)
    return points_out(ideal_views.filtered_points(session, ideal_views.PointsQuery(country=[state.code])))
