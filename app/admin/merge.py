"""Saving a resolution form that someone else saved meanwhile: a three-way merge, field by field.

The edit form carries what it was loaded with (``base``, a hidden field). When its version is stale,
each field (and each state's vote) is decided by comparing the admin's value with what they loaded and
with what is stored now: a field only one side changed takes that side's value; a field both changed
alike is fine; a field both changed differently is a conflict, shown with both values. Without
conflicts the merge is saved as if the form had been loaded now, so a Save never reverts another
admin's change to a field this admin did not touch (a second Save after a 409 used to write the whole
stale form). Plain logic, no database access.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from app.admin.forms import RawForm

# The fields that make up a resolution's record (not the paste box, the version or the action).
MERGED_FIELDS = (
    "symbol", "session", "title", "adopted_on", "meeting_record", "draft_symbol", "agenda_item", "subjects",
    "adoption", "official_yes", "official_no", "official_abstain", "official_non_voting",
    "roll_call_complete", "discrepancy", "provisional", "source_note",
)  # fmt: skip
LABELS = {
    "adopted_on": "date of the vote", "official_yes": "in favour (official)",
    "official_no": "against (official)", "official_abstain": "abstaining (official)",
    "official_non_voting": "non-voting (official)", "roll_call_complete": "roll call complete",
    "source_note": "source", "draft_symbol": "draft", "meeting_record": "meeting record",
    "agenda_item": "agenda item",
}  # fmt: skip
MAX_BASE = 200_000  # characters of the hidden field; a form of 193 votes carries about 5,000
VOTE = "vote of "


@dataclass(frozen=True)
class FormState:
    """A form's record: its fields and its votes (state code -> Y/N/A/X; absent: not known)."""

    values: dict[str, str]
    choices: dict[str, str]


@dataclass(frozen=True)
class Conflict:
    field: str  # a form field, or "vote of USA"
    label: str
    mine: str
    theirs: str


@dataclass
class Merged:
    state: FormState
    conflicts: list[Conflict] = field(default_factory=list)
    taken: list[str] = field(default_factory=list)  # labels of what the other admin changed, kept


def _normal(name: str, value: str) -> str:
    """A value as compared: subjects as a set of lines, flags as on/off, the rest stripped."""
    if name == "subjects":
        return "\n".join(sorted({line.strip() for line in value.splitlines() if line.strip()}))
    if name in {"roll_call_complete", "provisional"}:
        return "1" if value else ""
    return " ".join(value.split()) if name == "title" else value.strip()


def state_of(raw: RawForm) -> FormState:
    return FormState(
        {name: _normal(name, raw.get(name)) for name in MERGED_FIELDS},
        {code: choice for code, choice in raw.choices.items() if choice},
    )


def encode(state: FormState) -> str:
    """What the form carries as ``base``."""
    return json.dumps({"values": state.values, "choices": state.choices}, separators=(",", ":"))


def decode(text: str) -> FormState | None:
    """The ``base`` a form carried, or None if it is missing or not one (then no merge is tried)."""
    if not text or len(text) > MAX_BASE:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    values, choices = (data.get("values"), data.get("choices")) if isinstance(data, dict) else (None, None)
    if not isinstance(values, dict) or not isinstance(choices, dict):
        return None
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in (*values.items(), *choices.items())):
        return None
    return FormState({name: _normal(name, values.get(name, "")) for name in MERGED_FIELDS}, dict(choices))


def _decide(base: str, mine: str, theirs: str) -> tuple[str, bool, bool]:
    """(value, conflict, taken from theirs)."""
    if mine == theirs or theirs == base:
        return mine, False, False
    if mine == base:
        return theirs, False, True
    return mine, True, False


def three_way(base: FormState, mine: FormState, theirs: FormState) -> Merged:
    values: dict[str, str] = {}
    conflicts: list[Conflict] = []
    taken: list[str] = []
    for name in MERGED_FIELDS:
        label = LABELS.get(name, name.replace("_", " "))
        b, m, t = base.values.get(name, ""), mine.values.get(name, ""), theirs.values.get(name, "")
        value, conflict, took = _decide(b, m, t)
        values[name] = value
        if conflict:
            conflicts.append(Conflict(name, label, m, t))
        if took:
            taken.append(label)
    choices: dict[str, str] = {}
    for code in sorted(base.choices.keys() | mine.choices.keys() | theirs.choices.keys()):
        b, m, t = (s.choices.get(code, "") for s in (base, mine, theirs))
        value, conflict, took = _decide(b, m, t)
        if value:
            choices[code] = value
        if conflict:
            conflicts.append(Conflict(VOTE + code, VOTE + code, m or "not known", t or "not known"))
        if took:
            taken.append(VOTE + code)
    return Merged(FormState(values, choices), conflicts, taken)


def as_form(state: FormState, version: int, paste: str = "") -> RawForm:
    """A merged record as the form to read and save (at the version it was merged against)."""
    return RawForm(
        values={**state.values, "version": str(version), "paste": paste}, choices=dict(state.choices)
    )
