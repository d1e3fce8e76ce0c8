"""The member-state reference file (data/states.toml): parsing, validation and syncing into the database."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from app.ingest.errors import IngestError
from app.ingest.names import Period, SeatInfo, StateResolver
from app.kit.text import fold
from app.models import Membership, RegionalGroup, State, StateAlias, StateName, StateStatus, Suspension
from app.state_record import WHOLE_RECORD

_CODE = re.compile(r"^[A-Z]{3}$")


class _Span(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    start: dt.date = Field(alias="from")
    end: dt.date | None = Field(default=None, alias="to")

    @model_validator(mode="after")
    def _ordered(self) -> _Span:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"ends ({self.end}) before it starts ({self.start})")
        return self


class NameSpan(_Span):
    name: str = Field(min_length=1)


class MembershipSpan(_Span):
    successor: str = ""
    note: str = ""


class SuspensionSpan(_Span):
    note: str = ""


class StateRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    iso2: str = Field(default="", pattern=r"^([A-Z]{2})?$")
    m49: int = 0
    group: RegionalGroup
    group_note: str = ""
    status: StateStatus
    names: list[NameSpan] = Field(default_factory=list)
    memberships: list[MembershipSpan] = Field(default_factory=list)
    suspensions: list[SuspensionSpan] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)  # names people know the state by, shown publicly
    spellings: list[str] = Field(default_factory=list)  # the sources' spellings, for the importers only

    @model_validator(mode="after")
    def _consistent(self) -> StateRecord:
        if self.status is StateStatus.OBSERVER and self.memberships:
            raise ValueError("an observer has no membership periods")
        if self.status is not StateStatus.OBSERVER and not self.memberships:
            raise ValueError("a member or former member needs at least one membership period")
        if self.status is StateStatus.MEMBER and self.memberships[-1].end is not None:
            raise ValueError("status is 'member' but the last membership has ended")
        if self.status is StateStatus.FORMER and self.memberships[-1].end is None:
            raise ValueError("status is 'former' but the last membership has not ended")
        for earlier, later in zip(self.names, self.names[1:], strict=False):
            if earlier.end is None or later.start <= earlier.end:
                raise ValueError(f"names overlap: {earlier.name!r} and {later.name!r}")
        return self

    def dated_names(self) -> list[tuple[str, dt.date, dt.date | None]]:
        """Names with their periods; a state without dated names carries its name throughout."""
        if self.names:
            return [(n.name, n.start, n.end) for n in self.names]
        start = self.memberships[0].start if self.memberships else dt.date(1945, 10, 24)
        return [(self.name, start, None)]

    def folded_spellings(self) -> dict[str, tuple[str, bool]]:
        """Every matching key with its first spelling and whether it is a name people know the state by
        (its names and aliases are; the sources' spellings, "IR ELAND" or "TÜRKÝYE", are not)."""
        found: dict[str, tuple[str, bool]] = {}
        for spelling in [self.name, *(n.name for n in self.names), *self.aliases]:
            found.setdefault(fold(spelling), (spelling, True))
        for spelling in self.spellings:
            found.setdefault(fold(spelling), (spelling, False))
        return found


class Reference(BaseModel):
    model_config = ConfigDict(extra="forbid")

    states: dict[str, StateRecord]

    @model_validator(mode="after")
    def _codes(self) -> Reference:
        for code, record in self.states.items():
            if not _CODE.match(code):
                raise ValueError(f"{code}: a state code is three capital letters")
            for membership in record.memberships:
                if membership.successor and membership.successor not in self.states:
                    raise ValueError(f"{code}: successor {membership.successor!r} is not in the file")
        return self


def load_reference(path: Path) -> Reference:
    """Parse and validate the reference file, naming the file (and the TOML line) on error."""
    try:
        raw: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IngestError(str(path), None, "member-state reference file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise IngestError(str(path), getattr(exc, "lineno", None), f"not valid TOML: {exc}") from None
    try:
        return Reference.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise IngestError(str(path), None, f"{where}: {first['msg']}") from None


def _snapshot(record: StateRecord) -> dict[str, Any]:
    """What a state looks like in the database, to tell whether a sync changes it."""
    return {
        "name": record.name,
        "iso2": record.iso2,
        "m49": record.m49,
        "group": record.group.value,
        "group_note": record.group_note,
        "status": record.status.value,
        "names": record.dated_names(),
        "memberships": [(m.start, m.end, m.successor, m.note) for m in record.memberships],
        "suspensions": [(s.start, s.end, s.note) for s in record.suspensions],
        "aliases": sorted((key, public) for key, (_, public) in record.folded_spellings().items()),
    }


def _db_snapshot(state: State, codes: dict[int, str]) -> dict[str, Any]:
    return {
        "name": state.name,
        "iso2": state.iso2,
        "m49": state.m49,
        "group": state.regional_group.value,
        "group_note": state.group_note,
        "status": state.status.value,
        "names": [(n.name, n.valid_from, n.valid_to) for n in state.names],
        "memberships": [
            (m.admitted_on, m.ended_on, codes.get(m.successor_id, "") if m.successor_id else "", m.note)
            for m in state.memberships
        ],
        "suspensions": sorted((s.starts_on, s.ends_on, s.note) for s in state.suspensions),
        "aliases": sorted((a.folded, a.public) for a in state.aliases),
    }


# What the admin screens change; a state changed there keeps these until the file agrees with them.
ADMIN_FIELDS = ("name", "status", "names", "memberships", "suspensions")


@dataclass
class StateSync:
    added: int = 0
    changed: int = 0
    # States changed through the admin whose record the file contradicts: kept as the admin left them.
    kept: list[str] = field(default_factory=list)


def _load_states(session: Session) -> dict[str, State]:
    return {s.code: s for s in session.scalars(select(State).options(*WHOLE_RECORD))}


def _apply_record(state: State, record: StateRecord) -> None:
    """Everything but the memberships, which link successors by id (see ``_apply_memberships``)."""
    state.name = record.name
    state.iso2 = record.iso2
    state.m49 = record.m49
    state.regional_group = record.group
    state.group_note = record.group_note
    state.status = record.status
    state.names = [StateName(name=n, valid_from=a, valid_to=b) for n, a, b in record.dated_names()]
    state.suspensions = [
        Suspension(starts_on=s.start, ends_on=s.end, note=s.note) for s in record.suspensions
    ]
    spellings = record.folded_spellings()
    # Rows kept where the key stays: replacing them all would insert a key before its old row is deleted.
    kept = [a for a in state.aliases if a.folded in spellings] if state.id is not None else []
    for alias in kept:
        alias.public = spellings[alias.folded][1]
    have = {a.folded for a in kept}
    state.aliases = kept + [
        StateAlias(alias=alias, folded=key, public=public)
        for key, (alias, public) in sorted(spellings.items())
        if key not in have
    ]


def _apply_memberships(session: Session, pending: list[tuple[State, StateRecord]]) -> None:
    session.flush()  # every state has an id before successors are linked
    ids = {code: state_id for state_id, code in session.execute(select(State.id, State.code))}
    for state, record in pending:
        state.memberships = [
            Membership(
                admitted_on=m.start,
                ended_on=m.end,
                successor_id=ids[m.successor] if m.successor else None,
                note=m.note,
            )
            for m in record.memberships
        ]
    session.flush()


def sync_states(session: Session, reference: Reference) -> StateSync:
    """Insert or update every state in the reference file.

    States that are in the database but not in the file (added by an admin) are left alone. A state an
    admin has changed (``admin_changed_at``) is newer than the file: if the file's names, memberships
    or suspensions differ from it, the state is kept as it is and listed in ``kept``, so that an import
    never silently undoes a correction; once the file agrees, the mark is cleared and the file rules
    again. An admin can also take the file's record for one state (``reset_state``).
    """
    existing = _load_states(session)
    codes = {s.id: s.code for s in existing.values()}
    result = StateSync()
    pending: list[tuple[State, StateRecord]] = []
    for code, record in reference.states.items():
        state = existing.get(code)
        if state is None:
            state = State(code=code, memberships=[])
            session.add(state)
            result.added += 1
        else:
            ours, theirs = _db_snapshot(state, codes), _snapshot(record)
            if state.admin_changed_at is not None:
                if any(ours[key] != theirs[key] for key in ADMIN_FIELDS):
                    result.kept.append(code)
                    continue
                state.admin_changed_at = None  # the file has caught up with the admin's change
            if ours == theirs:
                continue
            result.changed += 1
            # The state's row is written (and its version moves) even when only its dated records
            # change: admin forms loaded before the import then conflict, and the page cache moves on.
            flag_modified(state, "name")
        _apply_record(state, record)
        pending.append((state, record))
    _apply_memberships(session, pending)
    return result


def reset_state(session: Session, state: State, reference: Reference) -> bool:
    """Give one state its record from the file, dropping the admin's changes. False if the file does
    not list it."""
    record = reference.states.get(state.code)
    if record is None:
        return False
    _apply_record(state, record)
    state.admin_changed_at = None
    _apply_memberships(session, [(state, record)])
    return True


def build_resolver(session: Session) -> StateResolver:
    """A name resolver over every state in the database (reference file and admin additions alike)."""
    periods: dict[int, list[Period]] = {}
    for state_id, start, end in session.execute(
        select(Membership.state_id, Membership.admitted_on, Membership.ended_on).order_by(
            Membership.state_id, Membership.admitted_on
        )
    ):
        periods.setdefault(state_id, []).append(Period(start, end))
    seats = [
        SeatInfo(state_id, code, status is not StateStatus.OBSERVER, tuple(periods.get(state_id, ())))
        for state_id, code, status in session.execute(select(State.id, State.code, State.status))
    ]
    names = session.execute(select(StateAlias.state_id, StateAlias.alias))
    return StateResolver(seats, names)
