"""Typed page contexts for the country pages and the comparison page, and the functions that fill them.

Each template receives exactly the fields of one model here, so it can only use what its context
declares, and a test can check the context as well as the HTML.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Literal
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy.orm import Session

from app.collation import name_key
from app.countries import agreement, queries, service
from app.countries.matrix import VoteMatrix, get_matrix
from app.countries.queries import Difference, RecordEntry, RecordFilters
from app.countries.share import country_share
from app.ideal.views import CountrySection, country_section
from app.ingest.names import fold
from app.kit.csv import to_csv
from app.models import RegionalGroup, Resolution, State, StateStatus, VoteChoice
from app.pagination import PageInfo, PageParams
from app.resolutions import queries as resolution_queries
from app.resolutions.roll_calls import IntendedVote, intended_votes_of
from app.resolutions.tally import ShownTally, tally_of
from app.share import Share
from app.templating import format_date
from app.urls import (
    COMPARE_API_PATH,
    COMPARE_CSV_PATH,
    COMPARE_PATH,
    COUNTRIES_PATH,
    compare_path,
    country_api_path,
    country_csv_path,
    country_feed_path,
    country_path,
    country_years_csv_path,
    resolution_path,
    symbol_path,
)

PER_PAGE = 50
CSV_LIMIT = 20_000
FEED_SIZE = 50
MAX_QUERY = 200
PARTNERS_SHOWN = 10
# Agreement resting on fewer votes says little; such pairs are left out of "most" and "least".
MIN_PARTNER_VOTES = 20
MAX_PEERS = 5  # states whose agreement a country page charts at once

GROUP_SLUGS: dict[str, RegionalGroup] = {
    "african": RegionalGroup.AFRICAN,
    "asia-pacific": RegionalGroup.ASIA_PACIFIC,
    "eastern-european": RegionalGroup.EASTERN_EUROPEAN,
    "latin-american-caribbean": RegionalGroup.LATIN_AMERICAN_CARIBBEAN,
    "weog": RegionalGroup.WESTERN_EUROPEAN_OTHERS,
    "none": RegionalGroup.NONE,
}
STATUS_LABELS = {
    StateStatus.MEMBER: "Member",
    StateStatus.FORMER: "Former member",
    StateStatus.OBSERVER: "Observer",
}


class _Context(BaseModel):
    # Contexts carry ORM rows loaded up front; lazy="raise" stops a template from querying.
    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)


def _strip(value: str) -> str:
    # Control characters (NUL above all, which PostgreSQL refuses) become spaces, runs of spaces one.
    return queries.clean_text(value)


def _query_string(params: dict[str, object]) -> str:
    """Only the parameters that differ from their defaults, so every view has one short URL."""
    kept = {k: v for k, v in params.items() if v not in ("", None, []) and not (k == "page" and v == 1)}
    return ("?" + urlencode(kept, doseq=True)) if kept else ""


# --- /countries ---------------------------------------------------------------------------------


class ListQuery(BaseModel):
    q: str = Field(default="", max_length=MAX_QUERY)
    group: Literal[
        "", "african", "asia-pacific", "eastern-european", "latin-american-caribbean", "weog", "none"
    ] = ""
    status: Literal["", "member", "former", "observer"] = ""

    _strip_q = field_validator("q", mode="after")(_strip)


class StateRow(BaseModel):
    code: str
    name: str
    url: str
    status: str
    former_names: list[str]
    membership: str
    group: str


class GroupSection(BaseModel):
    name: str
    states: list[StateRow]


class ListPage(_Context):
    query: ListQuery
    sections: list[GroupSection]
    total: int
    members: int
    groups: list[tuple[str, str]]  # slug, label
    statuses: list[tuple[str, str]]
    message: str


def _membership_summary(state: State) -> str:
    if not state.memberships:
        return "Never a member" if state.status is StateStatus.OBSERVER else ""
    parts = []
    for m in state.memberships:
        if m.ended_on is None:
            parts.append(f"since {format_date(m.admitted_on)}")
        else:
            parts.append(f"{format_date(m.admitted_on)} – {format_date(m.ended_on)}")
    return "; ".join(parts)


def _group_label(group: RegionalGroup) -> str:
    return group.value or "No regional group"


def list_page(session: Session, query: ListQuery) -> ListPage:
    group = GROUP_SLUGS.get(query.group) if query.group else None
    status = StateStatus(query.status) if query.status else None
    states = queries.list_states(session, query.q, group, status)
    by_group: dict[str, list[StateRow]] = {}
    for s in states:
        row = StateRow(
            code=s.code,
            name=s.name,
            url=country_path(s.code),
            status=STATUS_LABELS[s.status],
            former_names=[n.name for n in s.names if n.name != s.name],
            membership=_membership_summary(s),
            group=_group_label(s.regional_group),
        )
        by_group.setdefault(row.group, []).append(row)
    order = [_group_label(g) for g in GROUP_SLUGS.values()]
    sections = [GroupSection(name=g, states=by_group[g]) for g in order if g in by_group]
    message = ""
    if not states:
        message = "No state matches these filters. Try another spelling, or clear the filters."
    return ListPage(
        query=query,
        sections=sections,
        total=len(states),
        members=sum(1 for s in states if s.status is StateStatus.MEMBER),
        groups=[(slug, _group_label(g)) for slug, g in GROUP_SLUGS.items()],
        statuses=[(s.value, label) for s, label in STATUS_LABELS.items()],
        message=message,
    )


# --- /countries/{code} --------------------------------------------------------------------------


VoteWord = Literal["", "yes", "no", "abstain", "non_voting"]


class RecordQuery(BaseModel):
    """The filters of a country page, as they appear in its URL. Empty form fields count as absent."""

    q: str = Field(default="", max_length=MAX_QUERY)
    year: int | None = Field(default=None, ge=1945, le=2100)
    topic: str = Field(default="", max_length=100)
    vote: VoteWord = ""
    page: int = Field(default=1, ge=1, le=100_000)
    # The agreement lists: any span of years, a topic, and whether consensus adoptions count.
    period: int | None = Field(default=None, ge=1940, le=2100, description="a decade (older links)")
    since: int | None = Field(default=None, ge=1945, le=2100)
    until: int | None = Field(default=None, ge=1945, le=2100)
    issue: str = Field(default="", max_length=100, description="one of Voeten's issue categories")
    subject: str = Field(default="", max_length=300, description="a UNBIS subject term")
    consensus: bool = False
    rank: Literal["", "agreement", "kappa"] = ""
    peer: list[str] = Field(default_factory=list, max_length=MAX_PEERS, description="states to chart")

    @field_validator("year", "period", "since", "until", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    _strip_text = field_validator("q", "topic", "issue", "subject", mode="after")(_strip)

    @field_validator("peer", mode="after")
    @classmethod
    def _codes(cls, value: list[str]) -> list[str]:
        codes = [_strip(code).upper()[:8] for code in value]
        return list(dict.fromkeys(code for code in codes if code))

    @model_validator(mode="after")
    def _span(self) -> RecordQuery:
        if self.period is not None and self.since is None and self.until is None:
            # ?period=1995 (the old per-decade lists) means the 1990s.
            decade = self.period - self.period % 10
            self.since, self.until, self.period = decade, decade + 9, None
        if self.since is not None and self.until is not None and self.since > self.until:
            raise ValueError(f"the period starts in {self.since}, after it ends in {self.until}")
        return self

    def filters(self) -> RecordFilters:
        return RecordFilters(
            year=self.year,
            topic=self.topic,
            choice=service.VOTE_WORDS[self.vote] if self.vote else None,
            q=self.q,
        )

    def params(self, **changes: object) -> dict[str, object]:
        values: dict[str, object] = {
            "q": self.q,
            "year": self.year,
            "topic": self.topic,
            "vote": self.vote,
            "since": self.since,
            "until": self.until,
            "issue": self.issue,
            "subject": self.subject,
            "consensus": "on" if self.consensus else "",
            "rank": self.rank,
            "peer": self.peer,
            "page": self.page,
        }
        values.update(changes)
        return values

    def url(self, path: str, **changes: object) -> str:
        return path + _query_string(self.params(**changes))

    @property
    def filtered(self) -> bool:
        return bool(self.q or self.year or self.topic or self.vote)


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


class Link(BaseModel):
    label: str
    url: str


class Totals(agreement.VoteCounts):
    def share(self, count: int) -> str:
        return service.percent(count / self.total if self.total else None)


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


class Scoped(BaseModel):
    """The period and topic chosen for the agreement lists, resolved against the matrix."""

    label: str  # e.g. "1990–1999, Human rights"
    message: str  # why nothing could be computed (an unknown topic), or ""


class CountryPage(_Context):
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
    scope: Scoped
    min_votes: int
    loyalty: list[LoyaltyRow]  # overall, the chosen scope, then per decade
    peers: list[tuple[str, str]]  # code, name of the chosen states, in chart order
    peer_chart: service.LineChart | None
    peer_message: str
    years_csv_url: str
    agreement_json_url: str
    page_url: Callable[[int], str]
    csv_url: str
    json_url: str
    feed_url: str
    clear_url: str
    path: str
    compare_choices: tuple[tuple[str, str], ...]
    resolution_url: Callable[..., str]
    share: Share  # Open Graph tags and the "Share / embed" section (app/cards)
    # Statements of intended vote (from app.resolutions, where they are recorded), beside the record.
    intended: list[IntendedVote]
    symbol_url: Callable[[str], str]
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
                agreement=service.percent(share),
                share=share,
                kappa=service.kappa_text(counts.kappa),
            )
        )
    return rows


Ranked = tuple[int, agreement.PairCounts]


def resolve_scope(m: VoteMatrix, query: RecordQuery) -> tuple[agreement.Scope, Scoped]:
    """The decisions the agreement lists cover, and how to describe them; an unknown topic covers none."""
    parts = [service.span_label(query.since, query.until)]
    topic_mask: int | None = None
    message = ""
    if query.issue:
        topic_mask = m.topic(query.issue)
        parts.append(query.issue)
        if topic_mask is None:
            message = f"There is no issue category “{query.issue}”."
    if query.subject:
        found = m.subject(query.subject)
        parts.append(m.subjects.names.get(fold(query.subject).lower(), query.subject))
        if found is None:
            message = f"No resolution has the subject “{query.subject}”."
        topic_mask = found if topic_mask is None or found is None else topic_mask & found
    if message:
        topic_mask = 0
    where = agreement.scope(m, m.period(query.since, query.until), topic_mask, consensus=query.consensus)
    return where, Scoped(label=", ".join(parts), message=message)


def ranked_partners(
    m: VoteMatrix, state: State, where: agreement.Scope, rank: str, min_votes: int
) -> list[Ranked]:
    """Every other state sharing ``min_votes`` votes, most alike first (by raw agreement or by kappa)."""

    def key(item: Ranked) -> tuple[float, int]:
        counts = item[1]
        value = counts.kappa if rank == "kappa" else counts.agreement
        return (value if value is not None else -2.0, counts.n)

    return sorted(agreement.partners(m, state.id, where, min_votes), key=key, reverse=True)


def _loyalty_rows(m: VoteMatrix, state: State, where: agreement.Scope, label: str) -> list[LoyaltyRow]:
    def row(text: str, mask: int) -> LoyaltyRow:
        figure = agreement.loyalty(m, state.id, mask)
        return LoyaltyRow(label=text, n=figure.n, share=service.percent(figure.share))

    rows = [row("All years", m.period(None, None))]
    if label != "all years":
        rows.append(row(label[0].upper() + label[1:], where.recorded))
    decades = sorted({year - year % 10 for year in m.years})
    rows += [row(service.decade_label(d), m.period(d, d + 9)) for d in decades]
    return [r for r in rows if r.n]


def _year_rows(
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
                    agreement=service.percent(counts.agreement),
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
                loyalty=service.percent(agreement.loyalty(m, state.id, mask).share),
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
    return CountryPage(
        state=state,
        status=STATUS_LABELS[state.status],
        group=_group_label(state.regional_group),
        names=name_rows(state),
        suspensions=[
            SuspensionRow(starts_on=s.starts_on, ends_on=s.ends_on, note=s.note)
            for s in sorted(state.suspensions, key=lambda s: s.starts_on)
        ],
        memberships=[
            MembershipRow(
                admitted_on=m.admitted_on,
                ended_on=m.ended_on,
                successor_name=m.successor.name if m.successor else "",
                successor_url=country_path(m.successor.code) if m.successor else "",
                note=m.note,
            )
            for m in state.memberships
        ],
        predecessors=[
            Link(label=p.name, url=country_path(p.code)) for p in queries.predecessors(session, state)
        ],
        aliases=sorted(
            {a.alias for a in state.aliases if a.public} - {n.name for n in state.names}, key=name_key
        ),
        totals=totals,
        years=_year_rows(m, state, query, peers, where),
        bars=bars,
        chart_width=service.bars_width(bars),
        query=query,
        entries=entries,
        info=PageInfo(page=query.page, per_page=PER_PAGE, total=total),
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
        page_url=lambda n: query.url(path, page=n) + "#record",
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
        + _query_string({"q": query.q, "year": query.year, "topic": query.topic, "vote": query.vote}),
        feed_url=country_feed_path(state.code),
        clear_url=query.url(path, q="", year=None, topic="", vote="", page=1) + "#record",
        path=path,
        compare_choices=tuple(c for c in queries.state_choices(session) if c[0] != state.code)
        if state.status is not StateStatus.OBSERVER
        else (),
        resolution_url=resolution_path,
        share=country_share(state, tallies),
        intended=intended_votes_of(session, state.id),
        symbol_url=symbol_path,
        ideal=country_section(session, state, peers),
    )


YEARS_CSV_HEADER = ["year", "yes", "no", "abstain", "non_voting", "with_group_majority"]


def years_csv(session: Session, state: State, query: RecordQuery) -> str:
    """The table behind the yearly charts of a country page: its votes, its loyalty to its group and
    its agreement with the chosen states, per year."""
    m = get_matrix(session)
    where, _ = resolve_scope(m, query)
    peers, _ = find_peers(session, state, query.peer)
    header = list(YEARS_CSV_HEADER)
    for p in peers:
        header += [f"agreement_{p.code}", f"kappa_{p.code}", f"votes_{p.code}"]
    rows = []
    for row in reversed(_year_rows(m, state, query, peers, where)):
        cells: list[object] = [row.year, row.yes, row.no, row.abstain, row.non_voting, row.loyalty]
        for cell in row.peers:
            cells += [cell.agreement, cell.kappa, cell.n] if cell else ["", "", 0]
        rows.append(cells)
    return to_csv(header, rows)


CSV_HEADER = ["date", "symbol", "title", "vote", "name_on_date", "url"]


def record_csv(session: Session, state: State, query: RecordQuery, base_url: str) -> str:
    entries = queries.record_export(session, state, query.filters(), CSV_LIMIT)
    return to_csv(
        CSV_HEADER,
        (
            [
                e.resolution.adopted_on.isoformat(),
                e.resolution.symbol,
                e.resolution.title,
                e.choice.api_name,
                e.name,
                base_url + resolution_path(e.resolution),
            ]
            for e in entries
        ),
    )


class FeedPage(_Context):
    state: State
    entries: list[RecordEntry]
    updated: dt.datetime
    base_url: str
    page_url: str
    feed_url: str
    resolution_url: Callable[..., str]
    tally: Callable[[Resolution], ShownTally]


def feed_page(session: Session, state: State, base_url: str) -> FeedPage:
    entries = queries.record_export(session, state, RecordFilters(), FEED_SIZE)
    newest = entries[0].resolution.adopted_on if entries else dt.date(1946, 1, 1)
    return FeedPage(
        state=state,
        entries=entries,
        updated=dt.datetime.combine(newest, dt.time(), tzinfo=dt.UTC),
        base_url=base_url.rstrip("/"),
        page_url=country_path(state.code),
        feed_url=country_feed_path(state.code),
        resolution_url=resolution_path,
        tally=tally_of(session),
    )


# --- /compare -----------------------------------------------------------------------------------


class CompareQuery(BaseModel):
    a: str = Field(default="", max_length=MAX_QUERY)
    b: str = Field(default="", max_length=MAX_QUERY)
    year: int | None = Field(default=None, ge=1945, le=2100)
    consensus: bool = False
    page: int = Field(default=1, ge=1, le=100_000)

    @field_validator("year", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    _strip_codes = field_validator("a", "b", mode="after")(_strip)

    def url(self, path: str = COMPARE_PATH, **changes: object) -> str:
        values: dict[str, object] = {
            "a": self.a,
            "b": self.b,
            "year": self.year,
            "consensus": "on" if self.consensus else "",
            "page": self.page,
        }
        values.update(changes)
        return path + _query_string(values)


class PairYearRow(BaseModel):
    year: int
    n: int
    same: int
    half: int
    consensus: int
    agreement: str
    kappa: str
    url: str  # the differences of that year


class CompareForm(BaseModel):
    """What the pick-two-states form needs."""

    a: str
    b: str
    consensus: bool
    states: tuple[tuple[str, str], ...]  # code, name
    message: str


class ComparePage(_Context):
    form: CompareForm
    a: State | None
    b: State | None
    n: int
    consensus: int  # of the n, resolutions adopted without a vote, counted as agreement
    agreement: str
    kappa: str
    years: list[PairYearRow]
    chart: service.LineChart | None
    differences: list[Difference]
    info: PageInfo
    query: CompareQuery
    page_url: Callable[[int], str]
    all_years_url: str
    csv_url: str
    json_url: str
    resolution_url: Callable[..., str]
    a_url: str
    b_url: str


def compare_form(session: Session, query: CompareQuery, message: str) -> CompareForm:
    return CompareForm(
        a=query.a.upper(),
        b=query.b.upper(),
        consensus=query.consensus,
        states=queries.state_choices(session),
        message=message,
    )


def pair_figures(
    session: Session, a: State, b: State, consensus: bool
) -> tuple[agreement.PairCounts, list[tuple[int, agreement.PairCounts]]]:
    """Two states' counts over all years, and year by year (oldest first)."""
    m = get_matrix(session)
    where = agreement.scope(m, m.period(None, None), consensus=consensus)
    return agreement.pair_counts(m, a.id, b.id, where), agreement.by_year(m, a.id, b.id, where)


def compare_page(
    session: Session, query: CompareQuery, a: State | None, b: State | None, message: str
) -> ComparePage:
    form = compare_form(session, query, message)
    if a is None or b is None or a.id == b.id:
        return ComparePage(
            form=form,
            a=a,
            b=b,
            n=0,
            consensus=0,
            agreement="–",
            kappa="–",
            years=[],
            chart=None,
            differences=[],
            info=PageInfo(page=1, per_page=PER_PAGE, total=0),
            query=query,
            page_url=lambda n: query.url(page=n),
            all_years_url=query.url(year=None, page=1),
            csv_url="",
            json_url="",
            resolution_url=resolution_path,
            a_url=country_path(a.code) if a else "",
            b_url=country_path(b.code) if b else "",
        )
    overall, years = pair_figures(session, a, b, query.consensus)
    canonical = query.model_copy(update={"a": a.code, "b": b.code})
    differences = queries.pair_differences(
        session, a, b, PageParams(page=query.page, per_page=PER_PAGE), query.year
    )
    counted = overall if query.year is None else dict(years).get(query.year)
    total = counted.differ if counted is not None else 0
    return ComparePage(
        form=form,
        a=a,
        b=b,
        n=overall.n,
        consensus=overall.consensus,
        agreement=service.percent(overall.agreement),
        kappa=service.kappa_text(overall.kappa),
        years=[
            PairYearRow(
                year=year,
                n=c.n,
                same=c.same,
                half=c.half,
                consensus=c.consensus,
                agreement=service.percent(c.agreement),
                kappa=service.kappa_text(c.kappa),
                url=canonical.url(year=year, page=1) + "#differences",
            )
            for year, c in reversed(years)
        ],
        chart=service.line_chart([("", [(year, c.agreement or 0.0) for year, c in years])]),
        differences=differences,
        info=PageInfo(page=query.page, per_page=PER_PAGE, total=total),
        query=canonical,
        page_url=lambda p: canonical.url(page=p) + "#differences",
        all_years_url=canonical.url(year=None, page=1) + "#differences",
        csv_url=canonical.url(COMPARE_CSV_PATH, year=None, page=1),
        json_url=canonical.url(COMPARE_API_PATH, year=None, page=1),
        resolution_url=resolution_path,
        a_url=country_path(a.code),
        b_url=country_path(b.code),
    )


COMPARE_CSV_HEADER = ["year", "votes", "same", "half", "adopted_without_vote", "agreement", "kappa"]


def compare_csv(session: Session, a: State, b: State, consensus: bool) -> str:
    overall, years = pair_figures(session, a, b, consensus)
    rows = []
    for year, c in [*years, ("all", overall)]:
        kappa = "" if c.kappa is None else f"{c.kappa:.4f}"
        share = "" if c.agreement is None else f"{c.agreement:.4f}"
        rows.append([year, c.n, c.same, c.half, c.consensus, share, kappa])
    return to_csv(COMPARE_CSV_HEADER, rows)


# --- Not found ----------------------------------------------------------------------------------


class NotFoundPage(_Context):
    title: str
    message: str
    suggestions: list[Link]
    back_url: str
    back_label: str


def not_found_page(session: Session, code: str, back_url: str = COUNTRIES_PATH) -> NotFoundPage:
    shown = code.strip()[:40]
    suggestions = [
        Link(label=f"{name} ({found})", url=country_path(found))
        for found, name in service.nearest(shown, queries.name_candidates(session))
    ]
    return NotFoundPage(
        title="No such country",
        message=f"There is no state with the code “{shown}” in our data. "
        "Codes are ISO 3166-1 alpha-3, e.g. USA.",
        suggestions=suggestions,
        back_url=back_url,
        back_label="Browse all countries",
    )
