"""The context of a country's page (/countries/{code}): its names, membership and suspensions, its
record with filters, its votes and loyalty year by year, the states voting most and least like it, and the
chosen states charted beside it. Its CSV twin of the yearly charts is in exports.py.

The template receives exactly these fields, so it can only use what the context declares, and a test can
check the context as well as the HTML."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel
from sqlalchemy.orm import Session

from app.collation import name_key
from app.countries import agreement, queries, service
from app.countries.agreement import Ranked, ScopeLabel, ranked_partners, resolve_scope
from app.countries.context import STATUS_LABELS, Link, PageContext, group_label
from app.countries.matrix import VoteMatrix, get_matrix
from app.countries.params import RecordQuery, query_string
from app.countries.queries import RecordEntry, RecordFilters
from app.countries.share import country_share
from app.ideal.views import CountrySection, country_section
from app.kit.figures import percent
from app.kit.page_links import PageLinks
from app.models import State, StateStatus, VoteChoice
from app.pagination import PageInfo, PageParams
from app.resolutions import queries as resolution_queries
from app.resolutions.roll_calls import IntendedVote, intended_votes_of
from app.share import Share
from app.urls import (
    compare_path,
    country_api_path,
    country_csv_path,
    country_feed_path,
    country_path,
    country_years_csv_path,
)

PER_PAGE = 50
PARTNERS_SHOWN = 10
# Agreement resting on fewer votes says little; such pairs are left out of "most" and "least".
MIN_PARTNER_VOTES = 20


class NameRow(BaseModel):
    name: str
    valid_from: dt.date
    valid_to: dt.date | None


class SuspensionRow(BaseModel):
    """A period in which the state could not vote (Article 19 arrears, a credentials decision)."""

    starts_on: dt.date
    ends_on: dt.date | None
    note: str


def name_rows(state: State) -> list[NameRow]:
    """The state's names; a dissolved state's last name ends with its membership, not "today"
    (the reference data leaves the last name of Czechoslovakia, the GDR or Yugoslavia open)."""
    last_day = service.dissolved_on(state)
    return [
        NameRow(name=n.name, valid_from=n.valid_from, valid_to=n.valid_to or last_day)
        for n in sorted(state.names, key=lambda n: n.valid_from)
    ]


class MembershipRow(BaseModel):
    admitted_on: dt.date
    ended_on: dt.date | None
    successor_name: str
    successor_url: str
    note: str


class Totals(agreement.VoteCounts):
    def share(self, count: int) -> str:
        return percent(count / self.total if self.total else None)


class PartnerRow(BaseModel):
    code: str
    name: str
    url: str
    compare_url: str
    n: int
    consensus: int  # of the n, resolutions adopted without a vote (counted when asked)
    agreement: str
    share: float
    kappa: str


class LoyaltyRow(BaseModel):
    label: str
    n: int
    share: str


class PeerYear(BaseModel):
    """One year of a chosen state's agreement with the country."""

    n: int
    agreement: str
    kappa: str


class YearRow(BaseModel):
    year: int
    yes: int
    no: int
    abstain: int
    non_voting: int
    url: str  # the record filtered to that year
    loyalty: str  # share of its votes that year cast with its group's majority
    peers: list[PeerYear | None]  # per chosen state, None for a year they shared no vote


class CountryPage(PageContext):
    state: State
    status: str
    group: str
    names: list[NameRow]
    suspensions: list[SuspensionRow]  # shown on the page: the API has carried them all along
    memberships: list[MembershipRow]
    predecessors: list[Link]
    aliases: list[str]
    totals: Totals
    years: list[YearRow]
    bars: list[service.Bar]
    chart_width: int
    query: RecordQuery
    entries: list[RecordEntry]
    info: PageInfo
    year_options: list[int]
    topic_options: list[str]
    vote_options: list[tuple[str, str]]
    most: list[PartnerRow]
    least: list[PartnerRow]
    scope: ScopeLabel
    min_votes: int
    loyalty: list[LoyaltyRow]  # overall, the chosen scope, then per decade
    peers: list[tuple[str, str]]  # code, name of the chosen states, in chart order
    peer_chart: service.LineChart | None
    peer_message: str
    years_csv_url: str
    agreement_json_url: str
    page_links: PageLinks
    csv_url: str
    json_url: str
    feed_url: str
    clear_url: str
    path: str
    compare_choices: tuple[tuple[str, str], ...]
    share: Share  # Open Graph tags and the "Share / embed" section (app/cards)
    # Statements of intended vote (from app.resolutions, where they are recorded), beside the record.
    intended: list[IntendedVote]
    ideal: CountrySection  # its ideal point by year (app.ideal), beside the chosen peers


def _partner_rows(state: State, names: dict[int, tuple[str, str]], ranked: list[Ranked]) -> list[PartnerRow]:
    rows = []
    for other, counts in ranked:
        code, name = names[other]
        share = counts.agreement or 0.0
        rows.append(
            PartnerRow(
                code=code,
                name=name,
                url=country_path(code),
                compare_url=compare_path(state.code, code),
                n=counts.n,
                consensus=counts.consensus,
                agreement=percent(share),
                share=share,
                kappa=service.kappa_text(counts.kappa),
            )
        )
    return rows


def _loyalty_rows(m: VoteMatrix, state: State, where: agreement.Scope, label: str) -> list[LoyaltyRow]:
    def row(text: str, mask: int) -> LoyaltyRow:
        figure = agreement.loyalty(m, state.id, mask)
        return LoyaltyRow(label=text, n=figure.n, share=percent(figure.share))

    rows = [row("All years", m.period(None, None))]
    if label != "all years":
        rows.append(row(label[0].upper() + label[1:], where.recorded))
    decades = sorted({year - year % 10 for year in m.years})
    rows += [row(service.decade_label(d), m.period(d, d + 9)) for d in decades]
    return [r for r in rows if r.n]


def year_rows(
    m: VoteMatrix, state: State, query: RecordQuery, peers: list[State], where: agreement.Scope
) -> list[YearRow]:
    path = country_path(state.code)
    tallies = agreement.year_tallies(m, state.id)
    by_peer = [dict(agreement.by_year(m, state.id, p.id, where)) for p in peers]
    rows = []
    for t in reversed(tallies):
        mask = m.years[t.year]
        peer_cells: list[PeerYear | None] = []
        for found in by_peer:
            counts = found.get(t.year)
            peer_cells.append(
                None
                if counts is None
                else PeerYear(
                    n=counts.n,
                    agreement=percent(counts.agreement),
                    kappa=service.kappa_text(counts.kappa),
                )
            )
        rows.append(
            YearRow(
                year=t.year,
                yes=t.yes,
                no=t.no,
                abstain=t.abstain,
                non_voting=t.non_voting,
                url=query.url(path, year=t.year, page=1) + "#record",
                loyalty=percent(agreement.loyalty(m, state.id, mask).share),
                peers=peer_cells,
            )
        )
    return rows


def find_peers(session: Session, state: State, codes: list[str]) -> tuple[list[State], str]:
    """The chosen states that exist (not the country itself), and a message naming any that do not."""
    found = [p for p in (queries.get_state(session, c) for c in codes) if p is not None and p.id != state.id]
    unknown = [c for c in codes if c not in {p.code for p in found} and c != state.code]
    message = f"No state has the code {', '.join(unknown)}." if unknown else ""
    return found, message


def record_total(tallies: list[agreement.YearTally], filters: RecordFilters) -> int | None:
    """How many of a state's votes match filters of year and vote alone, from the vote matrix's tallies
    (3-4 ms of SQL counting on every country page otherwise); None when words or a topic filter them.
    A record holds the state's votes on published resolutions, and only recorded votes have roll calls,
    so it covers the same votes as the tallies (tests/countries/test_pages.py checks both ways)."""
    if filters.q or filters.topic:
        return None
    rows = [t for t in tallies if filters.year is None or t.year == filters.year]
    return sum(t.total if filters.choice is None else t.of(filters.choice) for t in rows)


def country_page(session: Session, state: State, query: RecordQuery) -> CountryPage:
    path = country_path(state.code)
    m = get_matrix(session)
    tallies = agreement.year_tallies(m, state.id)
    totals = Totals(
        yes=sum(t.yes for t in tallies),
        no=sum(t.no for t in tallies),
        abstain=sum(t.abstain for t in tallies),
        non_voting=sum(t.non_voting for t in tallies),
    )
    page = PageParams(page=query.page, per_page=PER_PAGE)
    filters = query.filters()
    entries, total = queries.voting_record(
        session, state, page, filters, known_total=record_total(tallies, filters)
    )
    where, scoped = resolve_scope(m, query)
    ranked = ranked_partners(m, state, where, query.rank, MIN_PARTNER_VOTES)
    names = queries.state_labels(session)
    peers, peer_message = find_peers(session, state, query.peer)
    bars = service.vote_bars([(t.year, t.yes, t.no, t.abstain, t.non_voting) for t in tallies])
    peer_series = [
        (p.name, [(y, c.agreement or 0.0) for y, c in agreement.by_year(m, state.id, p.id, where)])
        for p in peers
    ]
    info = PageInfo(page=query.page, per_page=PER_PAGE, total=total)
    return CountryPage(
        state=state,
        status=STATUS_LABELS[state.status],
        group=group_label(state.regional_group),
        names=name_rows(state),
        suspensions=[
            SuspensionRow(starts_on=s.starts_on, ends_on=s.ends_on, note=s.note)
            for s in sorted(state.suspensions, key=lambda s: s.starts_on)
        ],
        memberships=[
            MembershipRow(
                admitted_on=membership.admitted_on,
                ended_on=membership.ended_on,
                successor_name=membership.successor.name if membership.successor else "",
                successor_url=country_path(membership.successor.code) if membership.successor else "",
                note=membership.note,
            )
            for membership in state.memberships
        ],
        predecessors=[
            Link(label=p.name, url=country_path(p.code)) for p in queries.predecessors(session, state)
        ],
        aliases=sorted(
            {a.alias for a in state.aliases if a.public} - {n.name for n in state.names}, key=name_key
        ),
        totals=totals,
        years=year_rows(m, state, query, peers, where),
        bars=bars,
        chart_width=service.bars_width(bars),
        query=query,
        entries=entries,
        info=info,
        year_options=[t.year for t in reversed(tallies)],
        topic_options=resolution_queries.topics(session),
        vote_options=[(c.api_name, c.label) for c in VoteChoice],
        most=_partner_rows(state, names, ranked[:PARTNERS_SHOWN]),
        least=_partner_rows(state, names, ranked[::-1][:PARTNERS_SHOWN]),
        scope=scoped,
        min_votes=MIN_PARTNER_VOTES,
        loyalty=_loyalty_rows(m, state, where, scoped.label),
        peers=[(p.code, p.name) for p in peers],
        peer_chart=service.line_chart(peer_series),
        peer_message=peer_message,
        years_csv_url=query.url(
            country_years_csv_path(state.code), q="", year=None, topic="", vote="", page=1
        ),
        agreement_json_url=query.url(
            country_api_path(state.code) + "/agreement", q="", year=None, topic="", vote="", page=1, peer=[]
        ),
        page_links=PageLinks.around(query.page, info.pages, lambda n: query.url(path, page=n) + "#record"),
        csv_url=query.url(
            country_csv_path(state.code),
            page=1,
            since=None,
            until=None,
            issue="",
            subject="",
            consensus="",
            rank="",
            peer=[],
        ),
        json_url=country_api_path(state.code)
        + "/votes"
        + query_string({"q": query.q, "year": query.year, "topic": query.topic, "vote": query.vote}),
        feed_url=country_feed_path(state.code),
        clear_url=query.url(path, q="", year=None, topic="", vote="", page=1) + "#record",
        path=path,
        compare_choices=tuple(c for c in queries.state_choices(session) if c[0] != state.code)
        if state.status is not StateStatus.OBSERVER
        else (),
        share=country_share(state, tallies),
        intended=intended_votes_of(session, state.id),
        ideal=country_section(session, state, peers),
    )
