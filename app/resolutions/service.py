"""Plain domain logic about resolutions: labels and tallies, no database access."""

from __future__ import annotations

from app.models import Resolution, SessionKind
from app.symbols import to_roman

_ORDINAL_SUFFIX = {1: "st", 2: "nd", 3: "rd"}


def ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else _ORDINAL_SUFFIX.get(number % 10, "th")
    return f"{number}{suffix}"


def session_label(resolution: Resolution) -> str:
    """'79th session', '10th emergency special session', '32nd special session'."""
    n = resolution.session_number
    if resolution.session_kind is SessionKind.EMERGENCY_SPECIAL:
        return f"{ordinal(n)} emergency special session"
    if resolution.session_kind is SessionKind.SPECIAL:
        return f"{ordinal(n)} special session"
    return f"{ordinal(n)} session"


def session_roman(resolution: Resolution) -> str:
    return to_roman(resolution.session_number)


def roll_call_tally(resolution: Resolution) -> tuple[int, int, int, int]:
    """Counts of the stored roll call."""
    return (resolution.tally_yes, resolution.tally_no, resolution.tally_abstain, resolution.tally_non_voting)


def display_tally(resolution: Resolution) -> tuple[int, int, int, int | None]:
    """The totals to show people: the roll call's counts, or the official totals where the roll call is
    incomplete (an admin entered only the votes known so far, or the source omits the lists). The
    non-voting count of an incomplete roll call is unknown unless officially published."""
    if resolution.roll_call_complete or resolution.official_yes is None:
        return roll_call_tally(resolution)
    return (
        resolution.official_yes,
        resolution.official_no or 0,
        resolution.official_abstain or 0,
        resolution.official_non_voting,
    )
