"""Whether a resolution symbol typed in the admin can exist, on the date the vote is said to be.

``app.symbols.normalize_symbol`` reads any symbol in UN form (a source's odd ones included); a person
typing one needs more: ``A/RES/ES-11/９３`` (full-width digits), ``A/RES/80/99999999999999999999``,
``A/RES/999/1``, ``A/RES/0/1``, ``A/RES/ES-99/1`` and a session-80 vote dated 1990 all read as symbols.
These rules say what the General Assembly's numbering allows; plain logic, no database access (the
caller passes the sessions already recorded).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from app.models import SessionKind
from app.symbols import LAST_ROMAN_SESSION, SessionRef, ordinal, to_roman

# Regular sessions open in September (the first in January 1946) and their resumed parts run until the
# next one opens; a vote of session N falls between these two dates.
FIRST_SESSION_OPENED = dt.date(1946, 1, 10)
# Resolutions were numbered continuously until session 30 (A/RES/3554(XXX) is among the last); since then
# each session restarts at 1 and has never passed ~400.
MAX_OLD_NUMBER = 3_600
MAX_SESSION_NUMBER = 999
SLACK = dt.timedelta(days=31)  # a month either side of a session's known span: resumed parts move


@dataclass(frozen=True)
class KnownSession:
    """A special or emergency special session as the records show it: when its first vote was."""

    first_vote: dt.date


_LOOSE = re.compile(r"^(?:A/)?(?:RES/)?(?:(?:ES|S)-)?(\d+)/(\d+)\b", re.IGNORECASE)


def unreadable_symbol(text: str) -> str | None:
    """Why a symbol that app.symbols cannot read as one is not one, where a person can be told more than
    "not a symbol": other characters than plain digits, a session or resolution number that cannot
    exist."""
    text = text.strip()
    if not text.isascii():
        return "Use plain digits and letters (0-9, A-Z): this symbol has other characters."
    if m := _LOOSE.match(text):
        session, number = int(m[1]), int(m[2])
        if session < 1 or session > MAX_SESSION_NUMBER:
            return "There is no session with this number."
        if number < 1 or number > MAX_OLD_NUMBER:
            return "There is no resolution with this number."
    return None


def regular_session_span(number: int) -> tuple[dt.date, dt.date]:
    """The days a vote of regular session ``number`` can fall on: from its opening (September of
    1945 + N) to the end of September of the next year, when the next session has opened."""
    opens = FIRST_SESSION_OPENED if number == 1 else dt.date(1945 + number, 9, 1)
    return opens, dt.date(1946 + number, 9, 30)


def symbol_problem(
    symbol: str,
    ref: SessionRef,
    number: int | None,
    day: dt.date | None,
    known: Mapping[tuple[SessionKind, int], KnownSession],
) -> str | None:
    """Why this symbol cannot be a resolution of the General Assembly voted on ``day``, or None.

    ``number`` is the resolution's number in the symbol; ``known`` the special and emergency special
    sessions already recorded (a new one may only be the next)."""
    if not symbol.isascii():
        return "Use plain digits and letters (0-9, A-Z): this symbol has other characters."
    if ref.number < 1 or ref.number > MAX_SESSION_NUMBER:
        return "There is no session with this number."
    if number is not None and (number < 1 or number > MAX_OLD_NUMBER):
        return "There is no resolution with this number."
    if ref.kind is SessionKind.REGULAR:
        return _regular_problem(symbol, ref.number, number, day)
    return _special_problem(ref, day, known)


def _regular_problem(symbol: str, session: int, number: int | None, day: dt.date | None) -> str | None:
    old_form = "(" in symbol
    if not symbol:  # a provisional record: only its session and date are known
        pass
    elif old_form and session > LAST_ROMAN_SESSION:
        return f"From session {LAST_ROMAN_SESSION + 1} on, symbols read A/RES/{session}/<number>."
    if not old_form and session <= LAST_ROMAN_SESSION:
        return f"Resolutions of session {session} are written like A/RES/<number>({to_roman(session)})."
    if not old_form and number is not None and number > 999:
        return "No session has had a thousand resolutions: check the number."
    if day is None:
        return None
    opens, closes = regular_session_span(session)
    if day < opens - SLACK:
        return f"Session {session} opened in {opens.year}: a vote on {day.isoformat()} cannot be one of its."
    if day > closes + SLACK:
        return f"Session {session} ended in {closes.year}: a vote on {day.isoformat()} cannot be one of its."
    return None


def _special_problem(
    ref: SessionRef, day: dt.date | None, known: Mapping[tuple[SessionKind, int], KnownSession]
) -> str | None:
    label = "emergency special" if ref.kind is SessionKind.EMERGENCY_SPECIAL else "special"
    numbers = sorted(n for kind, n in known if kind is ref.kind)
    highest = numbers[-1] if numbers else 0
    if ref.number > highest + 1:
        return f"The last {label} session recorded is the {ordinal(highest)}: this one cannot exist yet."
    session = known.get((ref.kind, ref.number))
    if day is None:
        return None
    if session is not None and day < session.first_vote - SLACK:
        return (
            f"The {label} session {ref.number} first voted on {session.first_vote.isoformat()}: "
            f"a vote on {day.isoformat()} cannot be one of its."
        )
    previous = known.get((ref.kind, ref.number - 1))
    if session is None and previous is not None and day < previous.first_vote:
        return (
            f"A new {label} session comes after the {ordinal(ref.number - 1)}, which first voted on "
            f"{previous.first_vote.isoformat()}."
        )
    return None


_NUMBER = re.compile(r"^A/RES/(?:(?:ES|S)-)?[0-9]+/([0-9]+)|^A/RES/([0-9]+)\s*\(")


def resolution_number(symbol: str) -> int | None:
    """The resolution's number in a normalised symbol (A/RES/80/12 -> 12, A/RES/3379(XXX) -> 3379)."""
    m = _NUMBER.match(symbol)
    if m is None:
        return None
    digits = m[1] or m[2]
    return int(digits) if len(digits) <= 6 else MAX_OLD_NUMBER + 1
