"""The sources' differences in plain words, and the rules of the record as the About page states them."""

from __future__ import annotations

import datetime as dt

from app.models import DifferenceKind, Resolution, SourceKind, VoteChoice
from app.sources.queries import DifferenceRow

# How a sentence names a source that differs from the record shown.
SOURCE_NAMES = {
    SourceKind.VOETEN: "Voeten's data",
    SourceKind.DGACM: "The UN's DGACM extract",
    SourceKind.UNDL: "The UN Digital Library",
    SourceKind.ADMIN: "An administrator",
}
_COUNTS = {"yes": "in favour", "no": "against", "abstain": "abstaining"}


def vote_words(letter: str) -> str:
    """'abstaining', 'non-voting', or 'with no vote' for a state a source does not list at all."""
    if not letter:
        return "with no vote"
    choice = VoteChoice(letter)
    return "non-voting" if choice is VoteChoice.NON_VOTING else choice.label.lower()


def _day(value: str) -> str:
    """29 November 1947, as the pages write dates."""
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return value
    return f"{day.day} {day:%B %Y}"


def describe(d: DifferenceRow) -> str:
    """One difference as a sentence: "Voeten's data lists Nicaragua as abstaining (the UN: in favour)."."""
    who = SOURCE_NAMES[d.source]
    if d.kind is DifferenceKind.DATE:
        return f"{who} dates this vote {_day(d.other)} (the UN: {_day(d.shown)})."
    if d.kind is DifferenceKind.SYMBOL and d.source is SourceKind.UNDL:
        return f"{who} gives the symbol as {d.other}, which names no resolution; {d.shown} is DGACM's."
    if d.kind is DifferenceKind.SYMBOL:
        return f"{who} files this vote under {d.other} (the UN: {d.shown})."
    if d.kind is DifferenceKind.COUNT:
        return f"{who} counts {d.other} {_COUNTS.get(d.item, d.item)} (the UN: {d.shown})."
    if not d.other:
        return f"{who} has no vote for {d.name} (the UN: {vote_words(d.shown)})."
    return f"{who} lists {d.name} as {vote_words(d.other)} (the UN: {vote_words(d.shown)})."


UNDL_RECORD = "https://digitallibrary.un.org/record/{}"


def record_sources(resolution: Resolution) -> list[tuple[str, str | None]]:
    """Where one record comes from: a phrase per source, with a link where the source has a page for it
    (the Library's record page, which its terms ask us to name)."""
    phrases: list[tuple[str, str | None]] = []
    for kind in resolution.source_kinds.split():
        if kind == SourceKind.UNDL:
            undl = resolution.undl_id
            label = f"UN Digital Library, record {undl}" if undl is not None else "UN Digital Library"
            phrases.append((label, UNDL_RECORD.format(undl) if undl is not None else None))
        elif kind == SourceKind.DGACM:
            phrases.append(("UN machine-readable resolutions (DGACM)", None))
        elif kind == SourceKind.VOETEN:
            rcid = f", roll call {resolution.voeten_rcid}" if resolution.voeten_rcid is not None else ""
            ref = f" ({resolution.voeten_ref})" if resolution.voeten_ref else ""
            phrases.append((f"Voeten's data{rcid}{ref}", None))
        elif kind == SourceKind.ADMIN:
            phrases.append(("entered by an administrator", None))
    return phrases
