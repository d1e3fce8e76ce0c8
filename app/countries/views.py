"""Typed page contexts for the country pages and the comparison page, and the functions that fill them.

Each template receives exactly the fields of one model here, so it can only use what its context
declares, and a test can check the context as well as the HTML.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Literal
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy.orm import Session

from app.cards.content import Share, country_share
from app.countries import queries, service
from app.countries.queries import Difference, Partner, RecordEntry, RecordFilters
from app.models import RegionalGroup, State, StateStatus, VoteChoice
from app.pagination import PageInfo, PageParams
from app.templating import format_date
from app.urls import (
    COMPARE_PATH,
    COUNTRIES_PATH,
    compare_path,
    country_api_path,
    country_csv_path,
    country_feed_path,
    country_path,
    resolution_path,
)

PER_PAGE = 50
CSV_LIMIT = 20_000
FEED_SIZE = 50
MAX_QUERY = 200
PARTNERS_SHOWN = 10
# Agreement resting on fewer votes says little; such pairs are left out of "most" and "least".
MIN_PARTNER_VOTES = 20

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
    kept = {k: v for k, v in params.items() if v not in ("", None) and not (k == "page" and v == 1)}
    return ("?" + urlencode(kept)) if kept else ""


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
    period: int | None = Field(default=None, ge=1940, le=2100, description="decade of the agreement lists")

    @field_validator("year", "period", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    _strip_text = field_validator("q", "topic", mode="after")(_strip)

    @field_validator("period", mode="after")
    @classmethod
    def _decade(cls, value: int | None) -> int | None:
        # Agreement is kept per decade; ?period=1995 means the 1990s.
        return None if value is None else value - value % 10

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
            "period": self.period,
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


class MembershipRow(BaseModel):
    admitted_on: dt.date
    ended_on: dt.date | None
    successor_name: str
    successor_url: str
    note: str


class Link(BaseModel):
    label: str
    url: str


class Totals(BaseModel):
    yes: int
    no: int
    abstain: int
    non_voting: int

    @property
    def total(self) -> int:
        return self.yes + self.no + self.abstain + self.non_voting

    def share(self, count: int) -> str:
        return service.percent(count / self.total if self.total else None)


class YearRow(BaseModel):
    year: int
    yes: int
    no: int
    abstain: int
    non_voting: int
    url: str  # the record filtered to that year


class PartnerRow(BaseModel):
    code: str
    name: str
    url: str
    compare_url: str
    n: int
    agreement: str
    share: float


class CountryPage(_Context):
    state: State
    status: str
    group: str
    names: list[NameRow]
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
    period_options: list[tuple[int, str]]
    period_label: str
    min_votes: int
    page_url: Callable[[int], str]
    csv_url: str
    json_url: str
    feed_url: str
    clear_url: str
    path: str
    compare_choices: list[tuple[str, str]]
    resolution_url: Callable[..., str]
    share: Share  # Open Graph tags and the "Share / embed" section (app/cards)


def _partner_rows(state: State, partners: list[Partner]) -> list[PartnerRow]:
    rows = []
    for p in partners:
        share = service.agreement(p.n, p.same, p.half) or 0.0
        rows.append(
            PartnerRow(
                code=p.code,
                name=p.name,
                url=country_path(p.code),
                compare_url=compare_path(state.code, p.code),
                n=p.n,
                agreement=service.percent(share),
                share=share,
            )
        )
    return rows


def country_page(session: Session, state: State, query: RecordQuery) -> CountryPage:
    path = country_path(state.code)
    tallies = queries.year_tallies(session, state)
    totals = Totals(
        yes=sum(t.yes for t in tallies),
        no=sum(t.no for t in tallies),
        abstain=sum(t.abstain for t in tallies),
        non_voting=sum(t.non_voting for t in tallies),
    )
    page = PageParams(page=query.page, per_page=PER_PAGE)
    entries, total = queries.voting_record(session, state, page, query.filters())
    most, least = queries.agreement_partners(session, state, query.period, MIN_PARTNER_VOTES, PARTNERS_SHOWN)
    bars = service.vote_bars([(t.year, t.yes, t.no, t.abstain, t.non_voting) for t in tallies])
    return CountryPage(
        state=state,
        status=STATUS_LABELS[state.status],
        group=_group_label(state.regional_group),
        names=[NameRow(name=n.name, valid_from=n.valid_from, valid_to=n.valid_to) for n in state.names],
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
        aliases=sorted({a.alias for a in state.aliases} - {n.name for n in state.names}, key=str.casefold),
        totals=totals,
        years=[
            YearRow(
                year=t.year,
                yes=t.yes,
                no=t.no,
                abstain=t.abstain,
                non_voting=t.non_voting,
                url=query.url(path, year=t.year, page=1) + "#record",
            )
            for t in reversed(tallies)
        ],
        bars=bars,
        chart_width=service.bars_width(bars),
        query=query,
        entries=entries,
        info=PageInfo(page=query.page, per_page=PER_PAGE, total=total),
        year_options=[t.year for t in reversed(tallies)],
        topic_options=queries.topics(session),
        vote_options=[(c.api_name, c.label) for c in VoteChoice],
        most=_partner_rows(state, most),
        least=_partner_rows(state, least),
        period_options=[(d, service.decade_label(d)) for d in queries.agreement_decades(session, state)],
        period_label=service.decade_label(query.period) if query.period else "all years",
        min_votes=MIN_PARTNER_VOTES,
        page_url=lambda n: query.url(path, page=n) + "#record",
        csv_url=query.url(country_csv_path(state.code), page=1, period=None),
        json_url=country_api_path(state.code)
        + "/votes"
        + _query_string({"q": query.q, "year": query.year, "topic": query.topic, "vote": query.vote}),
        feed_url=country_feed_path(state.code),
        clear_url=query.url(path, q="", year=None, topic="", vote="", page=1) + "#record",
        path=path,
        compare_choices=[c for c in queries.state_choices(session) if c[0] != state.code]
        if state.status is not StateStatus.OBSERVER
        else [],
        resolution_url=resolution_path,
        share=country_share(state, tallies),
    )


CSV_HEADER = ["date", "symbol", "title", "vote", "name_on_date", "url"]


def record_csv(session: Session, state: State, query: RecordQuery, base_url: str) -> str:
    entries = queries.record_export(session, state, query.filters(), CSV_LIMIT)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for e in entries:
        r = e.resolution
        writer.writerow(
            [
                r.adopted_on.isoformat(),
                r.symbol,
                r.title,
                e.choice.api_name,
                e.name,
                base_url + resolution_path(r),
            ]
        )
    return out.getvalue()


class FeedPage(_Context):
    state: State
    entries: list[RecordEntry]
    updated: dt.datetime
    base_url: str
    page_url: str
    feed_url: str
    resolution_url: Callable[..., str]


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
    )


# --- /compare -----------------------------------------------------------------------------------


class CompareQuery(BaseModel):
    a: str = Field(default="", max_length=MAX_QUERY)
    b: str = Field(default="", max_length=MAX_QUERY)
    year: int | None = Field(default=None, ge=1945, le=2100)
    page: int = Field(default=1, ge=1, le=100_000)

    @field_validator("year", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    _strip_codes = field_validator("a", "b", mode="after")(_strip)

    def url(self, **changes: object) -> str:
        values: dict[str, object] = {"a": self.a, "b": self.b, "year": self.year, "page": self.page}
        values.update(changes)
        return COMPARE_PATH + _query_string(values)


class PairYearRow(BaseModel):
    year: int
    n: int
    same: int
    half: int
    agreement: str
    url: str  # the differences of that year


class CompareForm(BaseModel):
    """What the pick-two-states form needs."""

    a: str
    b: str
    states: list[tuple[str, str]]  # code, name
    message: str


class ComparePage(_Context):
    form: CompareForm
    a: State | None
    b: State | None
    n: int
    agreement: str
    years: list[PairYearRow]
    chart: service.LineChart | None
    differences: list[Difference]
    info: PageInfo
    query: CompareQuery
    page_url: Callable[[int], str]
    all_years_url: str
    resolution_url: Callable[..., str]
    a_url: str
    b_url: str


def compare_form(session: Session, query: CompareQuery, message: str) -> CompareForm:
    return CompareForm(
        a=query.a.upper(), b=query.b.upper(), states=queries.state_choices(session), message=message
    )


def compare_page(
    session: Session, query: CompareQuery, a: State | None, b: State | None, message: str
) -> ComparePage:
    form = compare_form(session, query, message)
    empty = PageInfo(page=1, per_page=PER_PAGE, total=0)
    if a is None or b is None or a.id == b.id:
        return ComparePage(
            form=form,
            a=a,
            b=b,
            n=0,
            agreement="–",
            years=[],
            chart=None,
            differences=[],
            info=empty,
            query=query,
            page_url=lambda n: query.url(page=n),
            all_years_url=query.url(year=None, page=1),
            resolution_url=resolution_path,
            a_url=country_path(a.code) if a else "",
            b_url=country_path(b.code) if b else "",
        )
    years = queries.pair_years(session, a, b)
    n, same, half = sum(y.n for y in years), sum(y.same for y in years), sum(y.half for y in years)
    canonical = query.model_copy(update={"a": a.code, "b": b.code})
    differences, total = queries.pair_differences(
        session, a, b, PageParams(page=query.page, per_page=PER_PAGE), query.year
    )
    series = [(y.year, service.agreement(y.n, y.same, y.half) or 0.0) for y in years]
    return ComparePage(
        form=form,
        a=a,
        b=b,
        n=n,
        agreement=service.percent(service.agreement(n, same, half)),
        years=[
            PairYearRow(
                year=y.year,
                n=y.n,
                same=y.same,
                half=y.half,
                agreement=service.percent(service.agreement(y.n, y.same, y.half)),
                url=canonical.url(year=y.year, page=1) + "#differences",
            )
            for y in reversed(years)
        ],
        chart=service.agreement_line(series),
        differences=differences,
        info=PageInfo(page=query.page, per_page=PER_PAGE, total=total),
        query=canonical,
        page_url=lambda p: canonical.url(page=p) + "#differences",
        all_years_url=canonical.url(year=None, page=1) + "#differences",
        resolution_url=resolution_path,
        a_url=country_path(a.code),
        b_url=country_path(b.code),
    )


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
