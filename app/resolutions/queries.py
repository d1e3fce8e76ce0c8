"""SQL for resolutions and their roll calls. Routes never build queries; they call these."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, and_, case, false, func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.collation import name_key

# One list of topics for both areas; re-exported because the resolution views use it from here.
from app.countries.queries import SUBJECT_VOCABULARY as SUBJECT_VOCABULARY
from app.countries.queries import TOPIC_VOCABULARY as TOPIC_VOCABULARY
from app.countries.queries import name_on
from app.countries.queries import topics as topics
from app.data_version import per_version
from app.models import (
    Adoption,
    DataSource,
    DecisionKind,
    Membership,
    RegionalGroup,
    Resolution,
    ResolutionSubject,
    SessionKind,
    State,
    StateStatus,
    Vote,
    VoteChoice,
    VoteIntention,
)
from app.pagination import PageParams
from app.resolutions import search
from app.symbols import parse_symbol
from app.urls import PAGE_KEY_PREFIX


@dataclass(frozen=True)
class RollCallEntry:
    code: str
    name: str  # the state's name on the date of the vote
    choice: VoteChoice
    regional_group: RegionalGroup = RegionalGroup.NONE


@dataclass(frozen=True)
class MemberEntry:
    """A member on the date of a vote whose vote is not known (an incomplete roll call)."""

    code: str
    name: str  # the state's name on the date of the vote
    regional_group: RegionalGroup = RegionalGroup.NONE


@dataclass(frozen=True)
class IntendedVote:
    """A state's later statement of how it meant to vote, shown beside its official vote (which stays
    what is counted). ``official`` is None when the roll call lacks that state's vote."""

    code: str
    name: str  # the state's name on the date of the vote
    official: VoteChoice | None
    intended: VoteChoice
    statement: str
    stated_on: dt.date | None
    symbol: str = ""
    adopted_on: dt.date | None = None


SortOrder = Literal["relevance", "date", "margin"]


@dataclass(frozen=True)
class ResolutionFilters:
    session: int | None = None
    session_kind: SessionKind | None = None
    year_from: int | None = None
    year_to: int | None = None
    q: str = ""
    include_separate_votes: bool = False
    recorded_only: bool = False
    adoption: Adoption | None = None
    topic: str = ""  # one of Voeten's issue categories
    subject: str = ""  # a UNBIS thesaurus term, matched whole and without regard to case
    max_margin: int | None = None  # |yes - no| of a recorded vote
    on: dt.date | None = None  # the day of the vote (a search for "24 February 2026")
    # "relevance" orders by search rank when there is a query, newest first otherwise.
    sort: SortOrder = "relevance"


@dataclass(frozen=True)
class Headlines:
    resolutions: int
    recorded_votes: int
    member_states: int
    first_year: int
    last_year: int


def get_resolution(session: Session, symbol: str, *, include_drafts: bool = False) -> Resolution | None:
    """The adoption record of a resolution by its UN symbol."""
    if search.has_control_chars(symbol):
        return None
    # A record whose symbol was not known when it was entered is found by its page key (app.urls), also
    # once the symbol is known.
    found = (
        Resolution.page_key == symbol.removeprefix(PAGE_KEY_PREFIX)
        if symbol.startswith(PAGE_KEY_PREFIX)
        else Resolution.symbol == symbol
    )
    query = (
        select(Resolution)
        .options(selectinload(Resolution.subjects))
        .where(found, Resolution.kind == DecisionKind.RESOLUTION)
    )
    if not include_drafts:
        query = query.where(Resolution.published.is_(True))
    return session.scalar(query)


@dataclass(frozen=True)
class SymbolLookup:
    """What a symbol as a user writes it finds: one resolution, or the parts of one voted separately."""

    resolution: Resolution | None
    parts: list[Resolution]


def lookup_symbol(session: Session, text: str) -> SymbolLookup:
    """The resolution a symbol names in any common form (``A/RES/181(II)``, ``181 (II)``,
    ``A/RES/181(II)[A]``).

    A symbol without its part finds the part if only one was voted (A/RES/181(II) is 181 (II) A, the
    partition plan; B was adopted without a vote) and lists the parts if several were (A/RES/39/148 A to
    K); a symbol with a part the UN's records do not have finds the whole text if that was voted as one.
    """
    parsed = parse_symbol(text)
    symbol = parsed.canonical if parsed else text.strip()
    found = get_resolution(session, symbol)
    if found is not None or parsed is None:
        return SymbolLookup(found, [])
    if parsed.part:
        whole = get_resolution(session, parsed.base)
        if whole is not None:
            return SymbolLookup(whole, [])
        parts = parts_of(session, parsed.base)
        covering = [p for p in parts if _covers(p.symbol.rsplit(" ", 1)[-1], parsed.part)]
        return SymbolLookup(covering[0], []) if len(covering) == 1 else SymbolLookup(None, parts)
    parts = parts_of(session, parsed.base)
    return SymbolLookup(parts[0], []) if len(parts) == 1 else SymbolLookup(None, parts)


def _covers(parts: str, part: str) -> bool:
    """Whether a range of parts voted as one ("A-C") includes a part ("B")."""
    first, _, last = parts.partition("-")
    return bool(last) and len(first) == len(last) == len(part) == 1 and first <= part <= last


def parts_of(session: Session, base: str) -> list[Resolution]:
    """The published resolutions whose symbols are ``base`` and a part (``A/RES/39/148 A`` ...)."""
    if search.has_control_chars(base):
        return []
    # A range on the symbol index: "base " up to "base!" (the space sorts just before "!").
    return list(
        session.scalars(
            select(Resolution)
            .options(selectinload(Resolution.subjects))
            .where(
                Resolution.symbol > base + " ",
                Resolution.symbol < base + "!",
                Resolution.kind == DecisionKind.RESOLUTION,
                Resolution.published.is_(True),
            )
            .order_by(Resolution.adopted_on, Resolution.symbol)
        )
    )


def get_decision(session: Session, decision_id: int) -> Resolution | None:
    """Any recorded decision by id (separate votes on amendments and parts have no symbol of their own)."""
    return session.scalar(
        select(Resolution)
        .options(selectinload(Resolution.subjects))
        .where(Resolution.id == decision_id, Resolution.published.is_(True))
    )


def roll_call(session: Session, resolution: Resolution) -> list[RollCallEntry]:
    """Every state's vote, with its name as it was on the day, in alphabetical order of that name."""
    name = name_on(Vote.state_id, resolution.adopted_on)
    rows = session.execute(
        select(State.code, func.coalesce(name, State.name), Vote.choice, State.regional_group)
        .join(State, State.id == Vote.state_id)
        .where(Vote.resolution_id == resolution.id)
    ).all()
    entries = [RollCallEntry(code, state_name, choice, group) for code, state_name, choice, group in rows]
    return sorted(entries, key=lambda e: name_key(e.name))


def votes_not_known(session: Session, resolution: Resolution) -> list[MemberEntry]:
    """The members on the date whose vote an incomplete roll call lacks, by their names then. Empty for a
    complete roll call (a member in no list did not vote) and for a text adopted without a vote."""
    if resolution.roll_call_complete or resolution.adoption is Adoption.WITHOUT_VOTE:
        return []
    day = resolution.adopted_on
    members = select(Membership.state_id).where(
        Membership.admitted_on <= day, or_(Membership.ended_on.is_(None), Membership.ended_on >= day)
    )
    voted = select(Vote.state_id).where(Vote.resolution_id == resolution.id)
    rows = session.execute(
        select(State.code, func.coalesce(name_on(State.id, day), State.name), State.regional_group).where(
            State.id.in_(members), State.id.not_in(voted)
        )
    ).all()
    return sorted(
        (MemberEntry(code, name, group) for code, name, group in rows), key=lambda m: name_key(m.name)
    )


def _intended_votes(session: Session, *conditions: ColumnElement[bool]) -> list[IntendedVote]:
    name = func.coalesce(name_on(VoteIntention.state_id, Resolution.adopted_on), State.name)
    rows = session.execute(
        select(
            State.code,
            name,
            Vote.choice,
            VoteIntention.intended,
            VoteIntention.statement,
            VoteIntention.stated_on,
            Resolution.symbol,
            Resolution.adopted_on,
        )
        .join(State, State.id == VoteIntention.state_id)
        .join(Resolution, Resolution.id == VoteIntention.resolution_id)
        .outerjoin(
            Vote,
            and_(Vote.resolution_id == VoteIntention.resolution_id, Vote.state_id == VoteIntention.state_id),
        )
        .where(*conditions)
        .order_by(Resolution.adopted_on.desc(), Resolution.id.desc())
    ).all()
    return [IntendedVote(*row) for row in rows]


def intended_votes(session: Session, resolution_id: int) -> list[IntendedVote]:
    """The statements of intended vote recorded for a resolution, by the states' names on the day."""
    found = _intended_votes(session, VoteIntention.resolution_id == resolution_id)
    return sorted(found, key=lambda v: name_key(v.name))


@per_version
def _states_with_intended_votes(session: Session) -> frozenset[int]:
    return frozenset(session.scalars(select(VoteIntention.state_id).distinct()))


def intended_votes_of(session: Session, state_id: int) -> list[IntendedVote]:
    """A state's statements of intended vote on published resolutions, newest vote first."""
    if state_id not in _states_with_intended_votes(session):  # most states: no query (1.4 ms) at all
        return []
    return _intended_votes(session, VoteIntention.state_id == state_id, Resolution.published.is_(True))


def separate_votes(session: Session, resolution: Resolution) -> list[Resolution]:
    """Other recorded votes in the voting on this resolution (amendments, paragraphs, motions), oldest
    first: the separate votes placed under it, and (from an import of Voeten's data alone, where they
    share its symbol) the other roll calls on its symbol."""
    same_symbol = (
        and_(Resolution.symbol == resolution.symbol, Resolution.kind != DecisionKind.RESOLUTION)
        if resolution.symbol
        else false()
    )
    return list(
        session.scalars(
            select(Resolution)
            .where(
                or_(Resolution.parent_id == resolution.id, same_symbol),
                Resolution.id != resolution.id,
                Resolution.published.is_(True),
            )
            .order_by(Resolution.adopted_on, Resolution.id)
        )
    )


def parent_of(session: Session, resolution: Resolution) -> Resolution | None:
    """The resolution a separate vote was part of the voting on, where it is known."""
    if resolution.parent_id is not None:
        return session.scalar(
            select(Resolution).where(Resolution.id == resolution.parent_id, Resolution.published.is_(True))
        )
    if resolution.kind is not DecisionKind.RESOLUTION and resolution.symbol:
        return get_resolution(session, resolution.symbol)
    return None


def _margin() -> ColumnElement[int]:
    """|yes - no| of the totals people are shown (service.display_tally): the official totals where the
    roll call is incomplete, else the roll call's counts."""
    official = and_(Resolution.roll_call_complete.is_(False), Resolution.official_yes.is_not(None))
    yes = case((official, Resolution.official_yes), else_=Resolution.tally_yes)
    no = case((official, func.coalesce(Resolution.official_no, 0)), else_=Resolution.tally_no)
    return func.abs(yes - no)


def _subject_filter(vocabulary: str, term: str) -> ColumnElement[bool]:
    term = search.clean_query(term)
    return Resolution.id.in_(
        select(ResolutionSubject.resolution_id).where(
            ResolutionSubject.vocabulary == vocabulary,
            func.lower(ResolutionSubject.term) == term.lower(),
        )
    )


def _filtered(filters: ResolutionFilters) -> Select[Resolution]:
    query = select(Resolution).where(Resolution.published.is_(True))
    if not filters.include_separate_votes:
        query = query.where(Resolution.kind == DecisionKind.RESOLUTION)
    adoption = Adoption.RECORDED_VOTE if filters.recorded_only else filters.adoption
    if filters.sort == "margin":
        # Only a recorded vote has a margin; texts adopted without a vote would all come first at 0.
        adoption = Adoption.RECORDED_VOTE
    if filters.max_margin is not None:
        adoption = Adoption.RECORDED_VOTE
        query = query.where(_margin() <= filters.max_margin)
    if adoption is not None:
        query = query.where(Resolution.adoption == adoption)
    if filters.session is not None:
        query = query.where(Resolution.session_number == filters.session)
    if filters.session_kind is not None:
        query = query.where(Resolution.session_kind == filters.session_kind)
    if filters.year_from is not None:
        query = query.where(Resolution.adopted_on >= dt.date(filters.year_from, 1, 1))
    if filters.year_to is not None:
        query = query.where(Resolution.adopted_on <= dt.date(filters.year_to, 12, 31))
    if filters.on is not None:
        query = query.where(Resolution.adopted_on == filters.on)
    if filters.topic:
        query = query.where(_subject_filter(TOPIC_VOCABULARY, filters.topic))
    if filters.subject:
        query = query.where(_subject_filter(SUBJECT_VOCABULARY, filters.subject))
    return query


def _ordered(
    session: Session, filters: ResolutionFilters
) -> tuple[Select[Resolution], list[ColumnElement[Any]]] | None:
    """The filtered query and its ordering; None when the words searched for cannot match anything."""
    query = _filtered(filters)
    newest: list[ColumnElement[Any]] = [Resolution.adopted_on.desc(), Resolution.id.desc()]
    order = newest
    if filters.q:
        if not search.is_searchable(filters.q):
            return None
        found = search.matches(session, filters.q)
        query = query.join(found, found.c.resolution_id == Resolution.id)
        if filters.sort == "relevance":
            order = [found.c.rank, *newest]
    if filters.sort == "margin":
        order = [_margin(), *newest]
    return query, order


def list_resolutions(
    session: Session, filters: ResolutionFilters, page: PageParams
) -> tuple[list[Resolution], int]:
    """A page of resolutions (best match first when searching, else newest first) and the total."""
    ordered = _ordered(session, filters)
    if ordered is None:
        return [], 0
    query, order = ordered
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    if total == 0:
        return [], 0
    rows = session.scalars(query.order_by(*order).offset(page.offset).limit(page.per_page)).all()
    return list(rows), total


def all_resolutions(session: Session, filters: ResolutionFilters, limit: int) -> list[Resolution]:
    """Every resolution matching the filters, in the list's order, up to ``limit`` (CSV downloads)."""
    ordered = _ordered(session, filters)
    if ordered is None:
        return []
    query, order = ordered
    return list(session.scalars(query.order_by(*order).limit(limit)))


# "New" is what was published last: a vote entered days after it was taken (or a provisional record, or
# a back-dated correction) is new to readers when it appears. An import publishes its rows at once, so
# within one import the vote date decides.
_NEWEST_PUBLISHED = (
    Resolution.published_at.desc().nulls_last(),
    Resolution.adopted_on.desc(),
    Resolution.id.desc(),
)


def latest_recorded(session: Session, limit: int) -> list[Resolution]:
    """The resolutions adopted by a recorded vote that were published last."""
    return list(
        session.scalars(
            select(Resolution)
            .where(
                Resolution.published.is_(True),
                Resolution.kind == DecisionKind.RESOLUTION,
                Resolution.adoption == Adoption.RECORDED_VOTE,
            )
            .order_by(*_NEWEST_PUBLISHED)
            .limit(limit)
        )
    )


def newest(session: Session, limit: int) -> list[Resolution]:
    """The resolutions published last, however adopted (the Atom feed)."""
    return list(
        session.scalars(
            select(Resolution)
            .where(Resolution.published.is_(True), Resolution.kind == DecisionKind.RESOLUTION)
            .order_by(*_NEWEST_PUBLISHED)
            .limit(limit)
        )
    )


def headlines(session: Session) -> Headlines:
    """The figures on the home page, counted in two statements."""
    published = Resolution.published.is_(True)
    resolutions, recorded, first, last = session.execute(
        select(
            func.count().filter(Resolution.kind == DecisionKind.RESOLUTION),
            func.count().filter(Resolution.adoption == Adoption.RECORDED_VOTE),
            func.min(Resolution.adopted_on),
            func.max(Resolution.adopted_on),
        ).where(published)
    ).one()
    members = session.scalar(select(func.count()).where(State.status == StateStatus.MEMBER)) or 0
    today = dt.date.today()
    return Headlines(
        resolutions=resolutions,
        recorded_votes=recorded,
        member_states=members,
        first_year=_year(first, today),
        last_year=_year(last, today),
    )


def _year(value: dt.date | str | None, default: dt.date) -> int:
    # SQLite returns MIN/MAX over a date column as text.
    if value is None:
        return default.year
    return value.year if isinstance(value, dt.date) else int(str(value)[:4])


def symbols_starting(session: Session, prefix: str, limit: int = 5000) -> list[str]:
    """Resolution symbols that start with ``prefix`` (candidates for "did you mean")."""
    if search.has_control_chars(prefix):
        return []
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return list(
        session.scalars(
            select(Resolution.symbol)
            .where(
                Resolution.kind == DecisionKind.RESOLUTION,
                Resolution.published.is_(True),
                Resolution.symbol.like(escaped + "%", escape="\\"),
            )
            .limit(limit)
        )
    )


def source_label(session: Session, resolution: Resolution) -> str:
    """Where the record comes from: file name and upstream version."""
    row = session.execute(
        select(DataSource.kind, DataSource.name, DataSource.version).where(
            DataSource.id == resolution.source_id
        )
    ).one()
    kind, name, version = row
    return f"{kind.value}: {name}" + (f" ({version})" if version else "")


def state_names(session: Session) -> dict[str, str]:
    """Every seat's current (or last) name by code."""
    return dict(session.execute(select(State.code, State.name)).all())
