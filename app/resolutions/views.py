"""Typed page contexts for the resolution pages, and the functions that fill them.

Each page template receives exactly the fields of one model here (Datasette's habit), so a template can
only use what its context declares, and a test can check the context as well as the HTML.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from app.ideal.views import ResolutionSurprises, resolution_surprises
from app.kit.page_links import PageLinks
from app.models import Adoption, DecisionKind, DifferenceKind, Resolution
from app.pagination import PageInfo, PageParams
from app.resolutions import lookup, queries, roll_calls, search, service
from app.resolutions.groups import GROUPS_CSV_HEADER, GroupSplit, group_splits, groups_rows, p5_split
from app.resolutions.lookup import SeriesLink, series_of
from app.resolutions.params import MARGIN_CHOICES, ListQuery
from app.resolutions.queries import Headlines
from app.resolutions.roll_calls import IntendedVote, MemberEntry, RollCallEntry
from app.resolutions.share import resolution_share
from app.resolutions.tally import ShownTally, tallies_of, tally_of
from app.resolutions.vote_map import VoteMap, build_vote_map
from app.share import Share
from app.sources import queries as source_queries
from app.sources import service as source_service
from app.symbols import base_symbol, normalize_symbol, session_label, undocs_url
from app.urls import (
    groups_csv_path,
    resolution_api_path,
    resolution_path,
    roll_call_csv_path,
    symbol_path,
)

PER_PAGE = 50
CSV_LIMIT = 20_000


class _Context(BaseModel):
    # Contexts carry ORM rows loaded up front; lazy="raise" stops a template from querying.
    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)


def symbol_target(session: Session, q: str) -> str | None:
    """The page of the resolution whose symbol ``q`` is (``ES-10/24``, ``A/RES/74/7``, ``181(II)``), or
    of the list of its parts, if there is one."""
    symbol = normalize_symbol(q)
    if symbol is None:
        return None
    found = lookup.lookup_symbol(session, symbol)
    if found.resolution is not None:
        return resolution_path(found.resolution)
    base = base_symbol(symbol)
    return symbol_path(base) if found.parts and base else None


class PartsPage(_Context):
    """A resolution voted in parts, each its own record (A/RES/39/148 A to K)."""

    symbol: str
    document_url: str | None
    parts: list[Resolution]


def parts_page(symbol: str, parts: list[Resolution]) -> PartsPage:
    return PartsPage(symbol=symbol, document_url=undocs_url(symbol), parts=parts)


class HomePage(_Context):
    headlines: Headlines
    latest: list[Resolution]  # the recorded votes published last (not the latest votes: see published_at)
    tallies: dict[int, ShownTally]  # by resolution id


def home_page(session: Session) -> HomePage:
    latest = queries.latest_recorded(session, 8)
    return HomePage(headlines=queries.headlines(session), latest=latest, tallies=tallies_of(session, latest))


class ListPage(_Context):
    query: ListQuery
    results: list[Resolution]
    total: int
    page: int
    pages: int
    topics: list[str]
    margin_choices: tuple[int, ...] = MARGIN_CHOICES
    message: str
    suggestions: list[tuple[str, str]]  # (symbol, URL) when the query was a symbol we do not have
    csv_url: str
    json_url: str
    reset_url: str = "/resolutions"
    page_links: PageLinks
    tallies: dict[int, ShownTally]  # by resolution id


def list_page(session: Session, query: ListQuery) -> ListPage:
    filters = query.filters()
    paging = PageParams(page=query.page, per_page=PER_PAGE)
    results, total = queries.list_resolutions(session, filters, paging)
    pages = PageInfo(page=query.page, per_page=PER_PAGE, total=total).pages
    message = ""
    suggestions: list[tuple[str, str]] = []
    if filters.q and not total and normalize_symbol(filters.q):
        message = f"There is no resolution with the symbol {normalize_symbol(filters.q)} in our data."
        suggestions = [(s, symbol_path(s)) for s in suggestions_for(session, filters.q)]
    elif filters.q and not total:
        message = f"No resolutions match “{query.q}”. Try fewer or other words, or a symbol such as ES-10/24."
    elif not total:
        message = "No resolutions match these filters."
    elif query.page > pages:
        message = f"There are only {pages} pages of results."
    return ListPage(
        query=query,
        results=results,
        total=total,
        page=query.page,
        pages=pages,
        topics=queries.topics(session),
        message=message,
        suggestions=suggestions,
        csv_url=query.url("/resolutions.csv", page=1),
        json_url=_json_twin(query),
        page_links=PageLinks.around(query.page, pages, lambda n: query.url(page=n)),
        tallies=tallies_of(session, results),
    )


def _json_twin(query: ListQuery) -> str:
    """The same list from the JSON API, which takes the same filters."""
    return query.url("/api/resolutions")


def list_csv(session: Session, query: ListQuery) -> str:
    rows = queries.all_resolutions(session, query.filters(), CSV_LIMIT)
    tally = tally_of(session)
    return service.to_csv(
        service.LIST_CSV_HEADER,
        (
            [
                r.symbol,
                r.adopted_on.isoformat(),
                session_label(r),
                r.title,
                r.adoption.value,
                *tally(r).as_tuple(),
                resolution_path(r),
                *service.roll_call_columns(tally(r)),
            ]
            for r in rows
        ),
    )


class ResolutionPage(_Context):
    resolution: Resolution
    heading: str
    session_label: str
    session_url: str
    document_url: str | None
    meeting_url: str | None
    tally: ShownTally
    official: tuple[int | None, int | None, int | None, int | None] | None
    official_differs: bool
    votes_known: int
    not_known: list[MemberEntry]  # members whose vote an incomplete roll call lacks
    groups: list[service.VoteGroup]
    regions: list[GroupSplit]  # the five regional groups (and states without one, if any voted)
    p5_split: GroupSplit | None
    permanent: list[RollCallEntry]
    separate: list[Resolution]
    parent: Resolution | None  # for a separate vote: the resolution it was part of the voting on
    parent_url: str | None
    parts: list[Resolution]  # the other parts of the same resolution, voted separately
    record_sources: list[tuple[str, str | None]]  # where this record comes from: (words, link)
    differences: list[str]  # what other sources record differently (date, symbol, counts), in words
    vote_differences: list[str]  # ... and each state's vote
    differs_by_code: dict[str, str]  # state code -> the sentence about its vote
    subjects: list[tuple[str, str, str]]  # (vocabulary, term, list URL filtered by it)
    vote_map: VoteMap | None
    series: SeriesLink | None  # the series of recurring resolutions this vote belongs to
    intended: list[IntendedVote]  # statements of intended vote, beside (never instead of) the official votes
    intended_by_code: dict[str, IntendedVote]
    source: str
    csv_url: str
    groups_csv_url: str
    json_url: str
    separate_tallies: dict[int, ShownTally]  # the separate votes', by resolution id
    share: Share  # Open Graph tags and the "Share / embed" section (app/cards)
    surprising: ResolutionSurprises  # the states whose vote was least expected (app.ideal)


def resolution_page(session: Session, resolution: Resolution) -> ResolutionPage:
    entries = roll_calls.roll_call(session, resolution)
    not_known = roll_calls.votes_not_known(session, resolution)
    tally = tally_of(session)
    recorded = resolution.adoption is Adoption.RECORDED_VOTE
    separate = lookup.separate_votes(session, resolution)
    intended = roll_calls.intended_votes(session, resolution.id)
    parent = lookup.parent_of(session, resolution) if resolution.kind is not DecisionKind.RESOLUTION else None
    found = source_queries.differences_of(session, resolution)
    votes = [d for d in found if d.kind is DifferenceKind.VOTE]
    base = base_symbol(resolution.symbol) if resolution.symbol else None
    parts = lookup.parts_of(session, base) if base and base != resolution.symbol else []
    return ResolutionPage(
        resolution=resolution,
        heading=resolution.symbol or resolution.title or f"Recorded vote {resolution.id}",
        session_label=session_label(resolution),
        session_url=ListQuery(session=service.session_code(resolution)).url(),
        document_url=undocs_url(resolution.symbol),
        meeting_url=service.meeting_record_url(resolution.meeting_record),
        tally=tally(resolution),
        official=service.official_totals(resolution),
        official_differs=service.official_differs(resolution),
        votes_known=len(entries),
        not_known=not_known,
        groups=service.group_by_vote(entries),
        regions=group_splits(entries, with_p5=False, unknown=not_known),
        p5_split=p5_split(entries, not_known),
        permanent=service.permanent_members(entries),
        separate=separate,
        parent=parent,
        parent_url=resolution_path(parent) if parent else None,
        parts=[p for p in parts if p.id != resolution.id],
        record_sources=source_service.record_sources(resolution),
        differences=[source_service.describe(d) for d in found if d.kind is not DifferenceKind.VOTE],
        vote_differences=[source_service.describe(d) for d in votes],
        differs_by_code={d.code: source_service.describe(d) for d in votes},
        subjects=_subjects(resolution),
        # Without a single known vote a map would say nothing.
        vote_map=build_vote_map(entries, queries.state_names(session), not_known)
        if recorded and entries
        else None,
        series=series_of(session, resolution.id),
        intended=intended,
        intended_by_code={v.code: v for v in intended},
        source=queries.source_label(session, resolution),
        csv_url=roll_call_csv_path(resolution),
        groups_csv_url=groups_csv_path(resolution),
        json_url=resolution_api_path(resolution),
        separate_tallies={s.id: tally(s) for s in separate},
        share=resolution_share(resolution, tally(resolution)),
        surprising=resolution_surprises(session, resolution.id),
    )


def _subjects(resolution: Resolution) -> list[tuple[str, str, str]]:
    """Subject terms worth showing, each linking to the list filtered by it."""
    out = []
    for s in sorted(resolution.subjects, key=lambda s: (s.vocabulary, s.term)):
        if s.vocabulary == queries.TOPIC_VOCABULARY:
            out.append(("Topic", s.term, ListQuery(topic=s.term).url()))
        elif s.vocabulary == queries.SUBJECT_VOCABULARY:
            out.append(("Subject", s.term, ListQuery(subject=s.term).url()))
    return out


def roll_call_csv(session: Session, resolution: Resolution) -> str:
    """Every state's vote; in an incomplete roll call the members whose vote is not known follow, marked
    so (not non-voting)."""
    entries = roll_calls.roll_call(session, resolution)
    unknown = roll_calls.votes_not_known(session, resolution)
    return service.to_csv(
        service.ROLL_CALL_CSV_HEADER,
        service.roll_call_rows(resolution, entries) + service.unknown_rows(resolution, unknown),
    )


def groups_csv(session: Session, resolution: Resolution) -> str:
    """The group split of one vote, as shown on its page."""
    unknown = roll_calls.votes_not_known(session, resolution)
    splits = group_splits(roll_calls.roll_call(session, resolution), unknown=unknown)
    rows = groups_rows(resolution.symbol, resolution.adopted_on.isoformat(), splits)
    return service.to_csv(GROUPS_CSV_HEADER, rows)


def shown_symbol(wanted: str) -> str:
    """A symbol from the URL as it can be shown back: normalised if it reads as one, else cleaned."""
    return normalize_symbol(wanted) or search.clean_query(wanted)[:80]


def suggestions_for(session: Session, wanted: str) -> list[str]:
    """Symbols close to one that matched nothing: from the same session first, then from all."""
    symbol = shown_symbol(wanted).upper()
    prefix = symbol.rsplit("/", 1)[0] + "/" if symbol.count("/") >= 3 else "A/RES/"
    found = service.nearest_symbols(symbol, lookup.symbols_starting(session, prefix))
    if not found and prefix != "A/RES/":
        found = service.nearest_symbols(symbol, lookup.symbols_starting(session, "A/RES/", limit=20_000))
    return found


class FeedPage(_Context):
    entries: list[Resolution]  # newest publication first
    updated: dt.datetime
    base_url: str
    tallies: dict[int, ShownTally]  # by resolution id
    published: dict[int, dt.datetime]  # by resolution id: when the entry was first published here
    changed: dict[int, dt.datetime]  # ... and last changed


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)  # SQLite: naive, stored UTC


def feed_page(session: Session, base_url: str) -> FeedPage:
    entries = queries.newest(session, 50)
    updated = max((_utc(r.updated_at) for r in entries), default=dt.datetime(1946, 1, 1, tzinfo=dt.UTC))
    return FeedPage(
        entries=entries,
        updated=updated,
        base_url=base_url.rstrip("/"),
        tallies=tallies_of(session, entries),
        # An entry is dated by its publication here (readers of the feed see a back-dated vote as new);
        # the date of the vote is in its text.
        published={r.id: _utc(r.published_at or r.created_at) for r in entries},
        changed={r.id: max(_utc(r.published_at or r.created_at), _utc(r.updated_at)) for r in entries},
    )
