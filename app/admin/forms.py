"""Reading the resolution form: every field checked, every problem reported against its field.

Input is never trusted: lengths are capped, control characters (which PostgreSQL refuses in text, NUL
above all) are rejected, and whatever the admin typed is kept so the form can be shown again.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from app.admin.rollcall import MAX_PASTE, Official
from app.admin.symbol_checks import KnownSession, resolution_number, symbol_problem, unreadable_symbol
from app.kit.text_checks import text_problem
from app.models import Adoption, SessionKind, VoteChoice
from app.resolutions.service import parse_session
from app.symbols import SessionRef, normalize_symbol, session_of

FIRST_DAY = dt.date(1946, 1, 1)  # the General Assembly first met on 10 January 1946
UN_FOUNDED = dt.date(1945, 10, 24)  # the Charter entered into force: the first memberships start here
MAX_MEMBERS = 250

FACT_FIELDS = (
    "symbol", "title", "adopted_on", "meeting_record", "draft_symbol", "agenda_item", "subjects",
    "adoption", "official_yes", "official_no", "official_abstain", "official_non_voting",
    "roll_call_complete", "discrepancy", "paste", "version", "session", "provisional", "source_note",
)  # fmt: skip
LIMITS = {
    "symbol": 64, "title": 2000, "adopted_on": 10, "meeting_record": 64, "draft_symbol": 200,
    "agenda_item": 200, "subjects": 4000, "adoption": 20, "official_yes": 4, "official_no": 4,
    "official_abstain": 4, "official_non_voting": 4, "roll_call_complete": 4, "discrepancy": 2000,
    "paste": MAX_PASTE, "version": 12, "session": 12, "provisional": 4, "source_note": 2000,
}  # fmt: skip
MULTILINE = {"title", "subjects", "discrepancy", "paste", "source_note"}
VOTE_PREFIX = "vote-"
CODE = re.compile(r"^[A-Z0-9]{2,8}$")


@dataclass
class RawForm:
    """The form as typed: one string per field, and the per-state choices by state code."""

    values: dict[str, str]
    choices: dict[str, str]  # code -> 'Y' / 'N' / 'A' / 'X' (absent: not known)
    repeated_codes: list[str] = field(default_factory=list)
    bad_codes: list[str] = field(default_factory=list)

    def get(self, name: str) -> str:
        return self.values.get(name, "")


def raw_form(form: dict[str, list[str]]) -> RawForm:
    values = {name: (form.get(name) or [""])[0] for name in FACT_FIELDS}
    choices: dict[str, str] = {}
    repeated: list[str] = []
    bad: list[str] = []
    for key, items in form.items():
        if not key.startswith(VOTE_PREFIX):
            continue
        code = key[len(VOTE_PREFIX) :]
        picked = [v for v in items if v]
        if not CODE.match(code) or any(v not in {c.value for c in VoteChoice} for v in picked):
            bad.append(code[:12])
            continue
        if len(picked) > 1:
            repeated.append(code)
        if picked:
            choices[code] = picked[0]
    return RawForm(values, choices, repeated, bad)


@dataclass(frozen=True)
class Facts:
    symbol: str
    title: str
    adopted_on: dt.date
    session_kind: SessionKind
    session_number: int
    meeting_record: str
    draft_symbol: str
    agenda_item: str
    subjects: tuple[str, ...]
    adoption: Adoption
    official: Official
    roll_call_complete: bool
    discrepancy: str
    provisional: bool = False  # from the day's reports; the official record will replace it
    source_note: str = ""  # where the facts come from (required for a provisional record)


def _count(raw: str, name: str, errors: dict[str, str], *, required: bool) -> int | None:
    raw = raw.strip()
    if not raw:
        if required:
            errors[name] = "Give the official total announced (0 if none)."
        return None
    if not raw.isascii() or not raw.isdigit() or int(raw) > MAX_MEMBERS:
        errors[name] = f"A whole number from 0 to {MAX_MEMBERS}."
        return None
    return int(raw)


def _read_day(
    raw: str, first: dt.date, too_early: str, missing: str | None
) -> tuple[dt.date | None, str | None]:
    raw = raw.strip()[:20]
    if not raw:
        return None, missing
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        return None, "Write the date as YYYY-MM-DD."
    if day < first:
        return None, too_early
    if day > dt.date.today():
        return None, "The date is in the future."
    return day, None


def read_date(raw: str) -> tuple[dt.date | None, str | None]:
    """The date of a vote."""
    return _read_day(raw, FIRST_DAY, "The General Assembly first met in 1946.", "Give the date of the vote.")


def read_state_date(raw: str, *, required: bool = True) -> tuple[dt.date | None, str | None]:
    """A date in a member state's record (name, membership, suspension). The original members' records
    start when the Charter entered into force, before the Assembly first met; empty is allowed when
    ``required`` is False (an open end)."""
    too_early = "The United Nations dates from 24 October 1945: give a later date."
    return _read_day(raw, UN_FOUNDED, too_early, "Give the date." if required else None)


def _session_field(raw: str) -> SessionRef | None:
    parsed = parse_session(raw) if raw.strip() else None
    return SessionRef(parsed[0], parsed[1]) if parsed else None


def read_facts(
    raw: RawForm, known: Mapping[tuple[SessionKind, int], KnownSession] | None = None
) -> tuple[Facts | None, dict[str, str]]:
    """The validated facts, or None with a message per field. ``known``: the special and emergency
    special sessions already recorded, against which a symbol's session is checked."""
    errors: dict[str, str] = {}
    for name in FACT_FIELDS:
        problem = text_problem(raw.get(name), LIMITS[name], multiline=name in MULTILINE)
        if problem:
            errors[name] = problem
    if errors:
        return None, errors

    provisional = bool(raw.get("provisional"))
    source_note = raw.get("source_note").strip()
    day, problem = read_date(raw.get("adopted_on"))
    if problem:
        errors["adopted_on"] = problem
    symbol = normalize_symbol(raw.get("symbol"))
    ref = session_of(symbol) if symbol else None
    typed_session = _session_field(raw.get("session"))
    if raw.get("session").strip() and typed_session is None:
        errors["session"] = "Write the session as 80, ES-11 or S-32."
    if not raw.get("symbol").strip():
        if not provisional:
            errors["symbol"] = "Give the resolution's symbol, e.g. A/RES/ES-11/7."
        elif typed_session is None:
            errors["session"] = "Give the session (e.g. ES-11): the symbol is not yet known."
        else:
            ref = typed_session
    elif symbol is None or ref is None:
        errors["symbol"] = unreadable_symbol(raw.get("symbol")) or (
            "Not a UN resolution symbol: write it like A/RES/80/12 or A/RES/ES-11/7."
        )
    elif problem := symbol_problem(symbol, ref, resolution_number(symbol), day, known or {}):
        errors["symbol"] = problem
    elif typed_session is not None and typed_session != ref:
        errors["session"] = "The symbol names another session: correct one of them, or leave this empty."
    session_problem = symbol_problem("", ref, None, day, known or {}) if ref and not symbol else None
    if session_problem and "session" not in errors:
        errors["session"] = session_problem
    if provisional and not source_note:
        errors["source_note"] = "Say where the facts come from (e.g. the news report, with its date)."
    title = re.sub(r"\s+", " ", raw.get("title")).strip()
    if not title:
        errors["title"] = "Give the title."
    try:
        adoption = Adoption(raw.get("adoption") or Adoption.RECORDED_VOTE.value)
    except ValueError:
        errors["adoption"] = "Choose recorded vote or adopted without a vote."
        adoption = Adoption.RECORDED_VOTE
    recorded = adoption is Adoption.RECORDED_VOTE
    official = Official(
        _count(raw.get("official_yes"), "official_yes", errors, required=recorded),
        _count(raw.get("official_no"), "official_no", errors, required=recorded),
        _count(raw.get("official_abstain"), "official_abstain", errors, required=recorded),
        _count(raw.get("official_non_voting"), "official_non_voting", errors, required=False),
    )
    if not recorded and any(v is not None for v in vars(official).values()):
        errors["adoption"] = (
            "A resolution adopted without a vote has no totals: clear them or choose recorded vote."
        )
    subjects = tuple(dict.fromkeys(s.strip() for s in raw.get("subjects").splitlines() if s.strip()))
    if any(len(s) > 300 for s in subjects):
        errors["subjects"] = "One subject per line, each at most 300 characters."
    if errors or ref is None or day is None:
        return None, errors
    return (
        Facts(
            symbol=symbol or "",
            title=title,
            adopted_on=day,
            session_kind=ref.kind,
            session_number=ref.number,
            meeting_record=raw.get("meeting_record").strip(),
            draft_symbol=raw.get("draft_symbol").strip(),
            agenda_item=raw.get("agenda_item").strip(),
            subjects=subjects,
            adoption=adoption,
            official=official,
            roll_call_complete=bool(raw.get("roll_call_complete")) or not recorded,
            discrepancy=raw.get("discrepancy").strip(),
            provisional=provisional,
            source_note=source_note,
        ),
        {},
    )


@dataclass(frozen=True)
class IntentionValues:
    state_id: int
    intended: VoteChoice
    statement: str
    stated_on: dt.date | None


@dataclass
class IntentionForm:
    """A state's later statement of how it meant to vote, as typed and as checked."""

    typed: dict[str, str]
    errors: dict[str, str]
    values: IntentionValues | None


def intention_form(
    form: dict[str, list[str]], members: Mapping[str, int], vote_day: dt.date
) -> IntentionForm:
    """Read the statement form; ``members``: code -> state id of the members on the day of the vote."""

    def first(name: str) -> str:
        return (form.get(name) or [""])[0]

    code, intended = first("state"), first("intended")
    statement, stated_raw = first("statement").strip(), first("stated_on").strip()
    typed = {"state": code, "intended": intended, "statement": statement, "stated_on": stated_raw}
    errors: dict[str, str] = {}
    if code not in members:
        errors["state"] = "Choose a state that was a member on the date of the vote."
    if intended not in {c.value for c in VoteChoice}:
        errors["intended"] = "Choose the vote the state says it intended."
    if problem := text_problem(statement, 2000, multiline=True):
        errors["statement"] = problem
    elif not statement:
        errors["statement"] = "Say what the state said, and where (e.g. the meeting record)."
    stated_on: dt.date | None = None
    if stated_raw:
        stated_on, problem = read_date(stated_raw[:20])
        if problem:
            errors["stated_on"] = problem
        elif stated_on is not None and stated_on < vote_day:
            errors["stated_on"] = "A statement about a vote comes after the vote."
    if errors:
        return IntentionForm(typed, errors, None)
    values = IntentionValues(members[code], VoteChoice(intended), statement, stated_on)
    return IntentionForm(typed, errors, values)
