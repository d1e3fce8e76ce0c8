"""SQL for member states and their voting records."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    and_,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session, aliased, selectinload

from app.collation import name_key
from app.data_version import per_version
from app.dated_names import name_on
from app.kit.text import fold
from app.models import (
    Adoption,
    DecisionKind,
    Membership,
    RegionalGroup,
    Resolution,
    ResolutionSubject,
    State,
    StateAlias,
    StateStatus,
    Vote,
    VoteChoice,
)
from app.pagination import PageParams
from app.resolutions.queries import SUBJECT_VOCABULARY, TOPIC_VOCABULARY

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

MAX_WORDS = 8  # words of a record search that are matched; more add cost and no precision


@dataclass(frozen=True)
class RecordEntry:
    resolution: Resolution
    choice: VoteChoice
    name: str  # the state's name on the date


def clean_text(value: str) -> str:
    """User text with control characters as spaces (PostgreSQL refuses NUL in text), spaces collapsed."""
    return " ".join(_CONTROL.sub(" ", value).split())


def list_states(
    session: Session,
    q: str = "",
    group: RegionalGroup | None = None,
    status: StateStatus | None = None,
) -> list[State]:
    """Every state, current and historical, alphabetically; ``q`` matches any name or alias."""
    q = clean_text(q)
    query = select(State).options(
        selectinload(State.memberships).selectinload(Membership.successor), selectinload(State.names)
    )
    if q:
        key = f"%{_like_escape(fold(q))}%"
        query = query.where(
            State.id.in_(select(StateAlias.state_id).where(StateAlias.folded.like(key, escape="\\")))
            | (State.code == q.strip().upper())
        )
    if group is not None:
        query = query.where(State.regional_group == group)
    if status is not None:
        query = query.where(State.status == status)
    return sorted(session.scalars(query).all(), key=lambda s: name_key(s.name))


@per_version
def state_choices(session: Session) -> tuple[tuple[str, str], ...]:
    """(code, current name) of every state that has voted (observers never do), by name."""
    rows = session.execute(select(State.code, State.name).where(State.status != StateStatus.OBSERVER)).all()
    return tuple(sorted(((code, name) for code, name in rows), key=lambda row: name_key(row[1])))


def get_state(session: Session, code: str) -> State | None:
    if _CONTROL.search(code):
        return None
    return session.scalar(
        select(State)
        .options(
            selectinload(State.names),
            selectinload(State.memberships).selectinload(Membership.successor),
            selectinload(State.aliases),
            selectinload(State.suspensions),
        )
        .where(State.code == code.upper())
    )


def predecessors(session: Session, state: State) -> list[State]:
    """States whose membership this seat continued (e.g. Czechoslovakia for Czechia)."""
    return list(
        session.scalars(
            select(State)
            .where(State.id.in_(select(Membership.state_id).where(Membership.successor_id == state.id)))
            .order_by(State.name)
        )
    )


def name_candidates(session: Session) -> list[tuple[str, str, str]]:
    """(folded alias, code, current name) for every alias and code, to match mistyped codes against."""
    rows = session.execute(
        select(StateAlias.folded, State.code, State.name).join(State, State.id == StateAlias.state_id)
    ).all()
    codes = session.execute(select(State.code, State.code, State.name)).all()
    return [(folded.lower(), code, name) for folded, code, name in [*rows, *codes]]


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class RecordFilters:
    """Filters of a state's voting record; every field optional."""

    year: int | None = None
    topic: str = ""  # one of Voeten's issue categories
    choice: VoteChoice | None = None
    q: str = ""  # words or a symbol, matched in symbol, title, description, agenda and subjects


def _record_conditions(state: State, filters: RecordFilters) -> list[ColumnElement[bool]]:
    conditions = [
        Vote.state_id == state.id,
        Resolution.kind == DecisionKind.RESOLUTION,
        Resolution.published.is_(True),
    ]
    if filters.year is not None:
        conditions.append(
            Resolution.adopted_on.between(dt.date(filters.year, 1, 1), dt.date(filters.year, 12, 31))
        )
    if filters.choice is not None:
        conditions.append(Vote.choice == filters.choice)
    if topic := clean_text(filters.topic):
        conditions.append(
            Resolution.id.in_(
                select(ResolutionSubject.resolution_id).where(
                    ResolutionSubject.vocabulary == TOPIC_VOCABULARY, ResolutionSubject.term == topic
                )
            )
        )
    for word in clean_text(filters.q).split()[:MAX_WORDS]:
        pattern = f"%{_like_escape(word)}%"
        conditions.append(
            or_(
                Resolution.symbol.ilike(pattern, escape="\\"),
                Resolution.title.ilike(pattern, escape="\\"),
                Resolution.description.ilike(pattern, escape="\\"),
                Resolution.agenda_title.ilike(pattern, escape="\\"),
                Resolution.id.in_(
                    select(ResolutionSubject.resolution_id).where(
                        ResolutionSubject.term.ilike(pattern, escape="\\")
                    )
                ),
            )
        )
    return conditions


def voting_record(
    session: Session,
    state: State,
    page: PageParams,
    filters: RecordFilters | None = None,
    known_total: int | None = None,
) -> tuple[list[RecordEntry], int]:
    """A state's votes on resolutions, newest first, and how many match the filters (counted here unless
    the caller already knows: app.countries.country_page.record_total)."""
    conditions = _record_conditions(state, filters or RecordFilters())
    total = known_total
    if total is None:
        total = (
            session.scalar(
                select(func.count())
                .select_from(Vote)
                .join(Resolution, Resolution.id == Vote.resolution_id)
                .where(*conditions)
            )
            or 0
        )
    return record_rows(session, state, conditions, offset=page.offset, limit=page.per_page), total


def record_export(session: Session, state: State, filters: RecordFilters, limit: int) -> list[RecordEntry]:
    """The whole filtered record (for CSV and feeds), newest first, at most ``limit`` rows."""
    return record_rows(session, state, _record_conditions(state, filters), offset=0, limit=limit)


def record_rows(
    session: Session, state: State, conditions: list[ColumnElement[bool]], *, offset: int, limit: int
) -> list[RecordEntry]:
    name = func.coalesce(name_on(state.id, Resolution.adopted_on), state.name)
    rows = session.execute(
        select(Resolution, Vote.choice, name)
        .join(Vote, Vote.resolution_id == Resolution.id)
        .where(*conditions)
        .order_by(Resolution.adopted_on.desc(), Resolution.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return [RecordEntry(resolution, choice, state_name) for resolution, choice, state_name in rows]


def _pair_votes() -> tuple[type[Vote], type[Vote]]:
    return aliased(Vote, name="va"), aliased(Vote, name="vb")


@dataclass(frozen=True)
class Difference:
    resolution: Resolution
    choice_a: VoteChoice
    choice_b: VoteChoice


def pair_differences(
    session: Session, a: State, b: State, page: PageParams, year: int | None = None
) -> list[Difference]:
    """One page of the resolutions on which both states voted and voted differently, newest first.

    How many there are comes from the vote matrix (app.countries.agreement.PairCounts.differ): counting
    them here took 7 ms of a 10 ms comparison page."""
    va, vb = _pair_votes()
    conditions = [
        va.state_id == a.id,
        vb.state_id == b.id,
        va.choice != VoteChoice.NON_VOTING,
        vb.choice != VoteChoice.NON_VOTING,
        va.choice != vb.choice,
        counted_decisions(),
    ]
    if year is not None:
        conditions.append(Resolution.adopted_on.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    joined = (
        select(Resolution, va.choice, vb.choice)
        .select_from(va)
        .join(vb, vb.resolution_id == va.resolution_id)
        .join(Resolution, Resolution.id == va.resolution_id)
        .where(*conditions)
    )
    rows = session.execute(
        joined.order_by(Resolution.adopted_on.desc(), Resolution.id.desc())
        .offset(page.offset)
        .limit(page.per_page)
    ).all()
    return [Difference(r, ca, cb) for r, ca, cb in rows]


def state_codes(session: Session) -> dict[int, str]:
    return dict(session.execute(select(State.id, State.code)).all())


@per_version
def state_labels(session: Session) -> dict[int, tuple[str, str]]:
    """id -> (code, current name) of every state."""
    return {i: (code, name) for i, code, name in session.execute(select(State.id, State.code, State.name))}


# --- The in-memory vote matrix (app.countries.matrix) ----------------------------------------------


def counted_decisions() -> ColumnElement[bool]:
    """The decisions country figures count: published resolutions adopted by a recorded vote."""
    return and_(
        Resolution.kind == DecisionKind.RESOLUTION,
        Resolution.published.is_(True),
        Resolution.adoption == Adoption.RECORDED_VOTE,
    )


@dataclass(frozen=True)
class DecisionRow:
    """What the matrix needs of a decision; ``version`` and ``updated_at`` tell it when to re-read one."""

    id: int
    adopted_on: dt.date
    counted: bool  # a published resolution adopted by a recorded vote
    without_vote: bool  # a published resolution adopted without a vote
    version: int
    updated_at: dt.datetime
    complete: bool = True  # False: the roll call lacks some members' votes (see app.resolutions.tally)


def decision_rows(session: Session) -> list[DecisionRow]:
    """Every decision, drafts and separate votes included (they are masked out, but a change to one must
    still be noticed)."""
    resolution = and_(Resolution.kind == DecisionKind.RESOLUTION, Resolution.published.is_(True))
    rows = session.execute(
        select(
            Resolution.id,
            Resolution.adopted_on,
            and_(resolution, Resolution.adoption == Adoption.RECORDED_VOTE),
            and_(resolution, Resolution.adoption == Adoption.WITHOUT_VOTE),
            Resolution.version,
            Resolution.updated_at,
            Resolution.roll_call_complete,
        )
    ).all()
    return [DecisionRow(i, day, bool(c), bool(w), v, u, bool(k)) for i, day, c, w, v, u, k in rows]


def subject_rows(session: Session, decision_ids: list[int] | None = None) -> list[tuple[int, str, str]]:
    """(decision id, vocabulary, term) of Voeten's issue categories and the UN's UNBIS subject terms,
    of every decision or only of ``decision_ids``."""
    s = ResolutionSubject
    query = select(s.resolution_id, s.vocabulary, s.term).where(
        s.vocabulary.in_((TOPIC_VOCABULARY, SUBJECT_VOCABULARY))
    )
    if decision_ids is not None:
        query = query.where(s.resolution_id.in_(decision_ids))
    rows = session.execute(query).all()
    return [(i, vocabulary, term) for i, vocabulary, term in rows]


def regional_groups(session: Session) -> dict[int, RegionalGroup]:
    return dict(session.execute(select(State.id, State.regional_group)).all())


def membership_periods(session: Session) -> list[tuple[int, dt.date, dt.date | None]]:
    rows = session.execute(select(Membership.state_id, Membership.admitted_on, Membership.ended_on))
    return [(state_id, admitted, ended) for state_id, admitted, ended in rows]


def decision_votes(session: Session, decision_ids: list[int]) -> list[tuple[int, list[int], bytes]]:
    """The same shape as vote_lists, for a few decisions only: their rows come by the primary key
    (resolution_id, state_id) and are grouped here; vote_lists' GROUP BY would walk the whole index."""
    by_state: dict[int, tuple[list[int], bytearray]] = {}
    rows = session.execute(
        select(Vote.state_id, Vote.resolution_id, Vote.choice).where(Vote.resolution_id.in_(decision_ids))
    )
    for state_id, decision_id, choice in rows:
        ids, letters = by_state.setdefault(state_id, ([], bytearray()))
        ids.append(decision_id)
        letters += choice.value.encode()
    return [(state_id, ids, bytes(letters)) for state_id, (ids, letters) in by_state.items()]


def vote_lists(session: Session) -> list[tuple[int, list[int], bytes]]:
    """Per state, every decision it has a vote on: the ids, and the choices as one letter per id.

    Aggregated in the database, one row per state: several times cheaper than fetching a million rows.
    SQLite: two group_concat over the same pass of the (state_id, resolution_id, choice) index, so they
    line up, parsed by json.loads in C. PostgreSQL: one id array per choice (FILTER), which psycopg
    parses in C; no ordering is needed since the lists are sets. Filtering to counted decisions
    happens afterwards, with bit masks (app.countries.matrix).
    """
    if session.get_bind().dialect.name == "postgresql":
        choices = (VoteChoice.YES, VoteChoice.NO, VoteChoice.ABSTAIN, VoteChoice.NON_VOTING)
        arrays = [func.array_agg(Vote.resolution_id).filter(Vote.choice == c) for c in choices]
        result = []
        for state_id, *lists in session.execute(select(Vote.state_id, *arrays).group_by(Vote.state_id)):
            ids = [i for ids in lists if ids for i in ids]
            letters = b"".join(
                c.value.encode() * len(ids or ()) for c, ids in zip(choices, lists, strict=True)
            )
            result.append((state_id, ids, letters))
        return result
    rows = session.execute(
        select(
            Vote.state_id,
            func.aggregate_strings(Vote.resolution_id, ","),
            func.aggregate_strings(Vote.choice, ""),
        ).group_by(Vote.state_id)
    ).all()
    return [(state_id, json.loads(f"[{ids}]"), letters.encode()) for state_id, ids, letters in rows]
