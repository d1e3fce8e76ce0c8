"""SQL for member states and their voting records."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    ColumnExpressionArgument,
    Integer,
    ScalarSelect,
    and_,
    case,
    cast,
    delete,
    func,
    or_,
    select,
    text,
    union,
    union_all,
)
from sqlalchemy.orm import Session, aliased, selectinload

from app.ingest.names import fold
from app.models import (
    Adoption,
    DecisionKind,
    Membership,
    RegionalGroup,
    Resolution,
    ResolutionSubject,
    State,
    StateAlias,
    StateName,
    StatePairAgreement,
    StateStatus,
    StateYearTally,
    Vote,
    VoteChoice,
)
from app.pagination import PageParams

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

TOPIC_VOCABULARY = "Voeten issue"
MAX_WORDS = 8  # words of a record search that are matched; more add cost and no precision


@dataclass(frozen=True)
class RecordEntry:
    resolution: Resolution
    choice: VoteChoice
    name: str  # the state's name on the date


def name_on(
    state_id: ColumnExpressionArgument[int] | int, day: ColumnExpressionArgument[dt.date] | dt.date
) -> ScalarSelect[str]:
    """Scalar subquery: a state's name on a date (NULL before its first dated name)."""
    return (
        select(StateName.name)
        .where(
            StateName.state_id == state_id,
            StateName.valid_from <= day,
            or_(StateName.valid_to.is_(None), StateName.valid_to >= day),
        )
        .limit(1)
        .scalar_subquery()
    )


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
    return sorted(session.scalars(query).all(), key=lambda s: fold(s.name))


def state_choices(session: Session) -> list[tuple[str, str]]:
    """(code, current name) of every state that has voted (observers never do), by name."""
    rows = session.execute(select(State.code, State.name).where(State.status != StateStatus.OBSERVER)).all()
    return sorted(((code, name) for code, name in rows), key=lambda row: fold(row[1]))


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
    session: Session, state: State, page: PageParams, filters: RecordFilters | None = None
) -> tuple[list[RecordEntry], int]:
    """A state's votes on resolutions, newest first, and how many match the filters."""
    conditions = _record_conditions(state, filters or RecordFilters())
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


def topics(session: Session) -> list[str]:
    """Voeten's issue categories, for the topic filter."""
    return list(
        session.scalars(
            select(ResolutionSubject.term)
            .where(ResolutionSubject.vocabulary == TOPIC_VOCABULARY)
            .distinct()
            .order_by(ResolutionSubject.term)
        )
    )


def record_years(session: Session, state: State) -> list[int]:
    """The years in which the state has counted votes, newest first (from the precomputed tallies)."""
    return list(
        session.scalars(
            select(StateYearTally.year)
            .where(StateYearTally.state_id == state.id)
            .order_by(StateYearTally.year.desc())
        )
    )


@dataclass(frozen=True)
class YearTally:
    year: int
    yes: int
    no: int
    abstain: int
    non_voting: int


def year_tallies(session: Session, state: State) -> list[YearTally]:
    """How the state voted each year, oldest first (precomputed at import)."""
    rows = session.execute(
        select(
            StateYearTally.year,
            StateYearTally.yes,
            StateYearTally.no,
            StateYearTally.abstain,
            StateYearTally.non_voting,
        )
        .where(StateYearTally.state_id == state.id)
        .order_by(StateYearTally.year)
    ).all()
    return [YearTally(*row) for row in rows]


@dataclass(frozen=True)
class Partner:
    """Agreement of a state with another over a period: the counts it rests on."""

    code: str
    name: str
    n: int
    same: int
    half: int


def agreement_partners(
    session: Session, state: State, decade: int | None, min_votes: int, limit: int
) -> tuple[list[Partner], list[Partner]]:
    """The states that voted most and least like ``state`` (highest and lowest agreement first), over
    pairs resting on at least ``min_votes`` votes, from the precomputed per-decade table."""
    t = StatePairAgreement
    lower = select(t.other_id.label("other"), t.n, t.same, t.half).where(t.state_id == state.id)
    higher = select(t.state_id.label("other"), t.n, t.same, t.half).where(t.other_id == state.id)
    if decade is not None:
        lower = lower.where(t.decade == decade)
        higher = higher.where(t.decade == decade)
    both = union_all(lower, higher).subquery()
    n, same, half = func.sum(both.c.n), func.sum(both.c.same), func.sum(both.c.half)
    score = (same + half * 0.5) / n
    base = (
        select(State.code, State.name, n, same, half)
        .join(State, State.id == both.c.other)
        .group_by(State.id, State.code, State.name)
        .having(n >= min_votes)
    )
    # One query, ranked in SQL; the least alike are the end of the same ranking (about 190 rows).
    ranked = [Partner(*row) for row in session.execute(base.order_by(score.desc(), n.desc(), State.name))]
    return ranked[:limit], ranked[::-1][:limit]


def agreement_decades(session: Session, state: State) -> list[int]:
    t = StatePairAgreement
    rows = session.scalars(
        union(select(t.decade).where(t.state_id == state.id), select(t.decade).where(t.other_id == state.id))
    )
    return sorted(set(rows), reverse=True)


@dataclass(frozen=True)
class PairYear:
    year: int
    n: int
    same: int
    half: int


def _pair_votes() -> tuple[type[Vote], type[Vote]]:
    return aliased(Vote, name="va"), aliased(Vote, name="vb")


def pair_years(session: Session, a: State, b: State) -> list[PairYear]:
    """Agreement counts of two states per year, computed from the votes (one pair is cheap to join)."""
    va, vb = _pair_votes()
    year = cast(func.extract("year", Resolution.adopted_on), Integer)
    abstain = VoteChoice.ABSTAIN
    rows = session.execute(
        select(
            year,
            func.count(),
            func.sum(case((va.choice == vb.choice, 1), else_=0)),
            func.sum(
                case(
                    (and_(va.choice == abstain, vb.choice != abstain), 1),
                    (and_(va.choice != abstain, vb.choice == abstain), 1),
                    else_=0,
                )
            ),
        )
        .select_from(va)
        .join(vb, vb.resolution_id == va.resolution_id)
        .join(Resolution, Resolution.id == va.resolution_id)
        .where(
            va.state_id == a.id,
            vb.state_id == b.id,
            va.choice != VoteChoice.NON_VOTING,
            vb.choice != VoteChoice.NON_VOTING,
            counted_decisions(),
        )
        .group_by(year)
        .order_by(year)
    ).all()
    return [PairYear(int(y), n, int(same or 0), int(half or 0)) for y, n, same, half in rows]


@dataclass(frozen=True)
class Difference:
    resolution: Resolution
    choice_a: VoteChoice
    choice_b: VoteChoice


def pair_differences(
    session: Session, a: State, b: State, page: PageParams, year: int | None = None
) -> tuple[list[Difference], int]:
    """Resolutions on which both states voted and voted differently, newest first."""
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
    total = session.scalar(select(func.count()).select_from(joined.subquery())) or 0
    rows = session.execute(
        joined.order_by(Resolution.adopted_on.desc(), Resolution.id.desc())
        .offset(page.offset)
        .limit(page.per_page)
    ).all()
    return [Difference(r, ca, cb) for r, ca, cb in rows], total


def state_codes(session: Session) -> dict[int, str]:
    return dict(session.execute(select(State.id, State.code)).all())


# --- Precomputed aggregates (app.countries.stats) -------------------------------------------------


def counted_decisions() -> ColumnElement[bool]:
    """The decisions country figures count: published resolutions adopted by a recorded vote."""
    return and_(
        Resolution.kind == DecisionKind.RESOLUTION,
        Resolution.published.is_(True),
        Resolution.adoption == Adoption.RECORDED_VOTE,
    )


def counted_resolutions(session: Session) -> list[tuple[int, dt.date]]:
    rows = session.execute(select(Resolution.id, Resolution.adopted_on).where(counted_decisions())).all()
    return [(resolution_id, day) for resolution_id, day in rows]


def max_resolution_id(session: Session) -> int:
    return session.scalar(select(func.max(Resolution.id))) or 0


def vote_lists(session: Session) -> list[tuple[int, list[int], bytes]]:
    """Per state, every decision it has a vote on: the ids, and the choices as one letter per id.

    Aggregated in the database, one row per state: several times cheaper than fetching a million rows.
    SQLite: two group_concat over the same pass of the (state_id, resolution_id, choice) index, so they
    line up, parsed by json.loads in C. PostgreSQL: one id array per choice (FILTER), which psycopg
    parses in C; no ordering is needed since the lists are sets. Filtering to counted decisions
    happens afterwards, with bit masks (app.countries.stats).
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


TALLY_COLUMNS = ("state_id", "year", "yes", "no", "abstain", "non_voting")
PAIR_COLUMNS = ("state_id", "other_id", "decade", "n", "same", "half")


def has_aggregates(session: Session) -> bool:
    return session.scalar(select(StateYearTally.state_id).limit(1)) is not None


PAIR_INDEX = (
    "ix_state_pair_agreement_other_id_state_id_decade",
    "state_pair_agreement (other_id, state_id, decade)",
)


def replace_aggregates(
    session: Session,
    tallies: list[tuple[int, int, int, int, int, int]],
    pairs: list[tuple[int, int, int, int, int, int]],
) -> None:
    """Rewrite both aggregate tables. Bulk paths: COPY on PostgreSQL, executemany of tuples on SQLite
    (SQLAlchemy's per-row dictionaries would cost more than the computation). The pair table's
    secondary index is dropped and built again once, in the same transaction: building it in one
    sorted pass is cheaper than 100,000 scattered inserts."""
    index_name, index_on = PAIR_INDEX
    conn = session.connection()
    postgres = conn.dialect.name == "postgresql"
    session.execute(text(f"DROP INDEX {index_name}"))
    if postgres:
        # Deleted rows would linger in the primary key until a vacuum and slow COPY down four times;
        # TRUNCATE is transactional in PostgreSQL (readers wait for the commit, which is short).
        session.execute(text("TRUNCATE state_year_tally, state_pair_agreement"))
    else:  # SQLite empties a table without a WHERE clause in one step
        session.execute(delete(StateYearTally))
        session.execute(delete(StatePairAgreement))
    driver = conn.connection.driver_connection
    assert driver is not None
    tables = (("state_year_tally", TALLY_COLUMNS, tallies), ("state_pair_agreement", PAIR_COLUMNS, pairs))
    if postgres:
        with driver.cursor() as cursor:
            for table, columns, rows in tables:
                lines = "".join("%d\t%d\t%d\t%d\t%d\t%d\n" % row for row in rows)  # noqa: UP031 (fastest)
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    copy.write(lines)
    else:
        for table, columns, rows in tables:
            marks = ", ".join("?" * len(columns))
            driver.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
    session.execute(text(f"CREATE INDEX {index_name} ON {index_on}"))
