"""A resolution as a reviewed TOML file, in the shape of the admin's form: what ships under
data/sources/provisional/ (the vote of 24 February 2026), what ``unga import`` reads (app.admin.provisional)
and what the admin exports from a record's page. One field per form field, the roll call as a table of
state codes; reading a file gives the form's raw values, so the file is checked exactly as the form is.

    format = "UNGA Votes admin form"

    [[record]]
    symbol = ""                  # not yet known
    session = "ES-11"
    title = "Support for lasting peace in Ukraine"
    adopted_on = 2026-02-24
    adoption = "recorded_vote"
    official_yes = 107
    official_no = 12
    official_abstain = 51
    roll_call_complete = false
    provisional = true
    source_note = "Ynetnews, 24 February 2026: ..."

    [record.votes]
    ISR = "Y"
    USA = "A"
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from typing import Any

import tomli_w

from app.admin.forms import RawForm
from app.models import Resolution, VoteChoice
from app.resolutions.service import session_code

FORMAT = "UNGA Votes admin form"
TEXT_FIELDS = (
    "symbol", "session", "title", "meeting_record", "draft_symbol", "agenda_item", "adoption",
    "discrepancy", "source_note", "page_key",
)  # fmt: skip
COUNT_FIELDS = ("official_yes", "official_no", "official_abstain", "official_non_voting")
FLAG_FIELDS = ("roll_call_complete", "provisional")
KNOWN = {*TEXT_FIELDS, *COUNT_FIELDS, *FLAG_FIELDS, "adopted_on", "subjects", "votes"}


class RecordFileError(ValueError):
    """A file that is not a record file, or a record with a field of the wrong kind."""


@dataclass(frozen=True)
class FileRecord:
    """One record of a file: the form as typed, and its optional page key (its stable address)."""

    number: int  # 1-based position in the file, for messages
    raw: RawForm
    page_key: str


def is_record_file(text: str) -> bool:
    """Whether TOML text is a record file (a cheap look at its first lines before parsing)."""
    return any(line.strip().startswith("format") and FORMAT in line for line in text.splitlines()[:30])


def read_records(text: str) -> list[FileRecord]:
    """The records of a file as raw form values; RecordFileError names the record and field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RecordFileError(f"not valid TOML: {exc}") from None
    if data.get("format") != FORMAT:
        raise RecordFileError(f'not a record file: it must start with format = "{FORMAT}"')
    records = data.get("record")
    if not isinstance(records, list) or not records:
        raise RecordFileError("no [[record]] table")
    return [_record(i, item) for i, item in enumerate(records, start=1)]


def _record(number: int, item: Any) -> FileRecord:
    where = f"record {number}"
    if not isinstance(item, dict):
        raise RecordFileError(f"{where}: not a table")
    unknown = sorted(set(item) - KNOWN)
    if unknown:
        raise RecordFileError(f"{where}: unknown field(s) {', '.join(unknown)}")
    values: dict[str, str] = {}
    for name in TEXT_FIELDS:
        value = item.get(name, "")
        if not isinstance(value, str):
            raise RecordFileError(f"{where}: {name} must be text")
        values[name] = value
    for name in COUNT_FIELDS:
        value = item.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise RecordFileError(f"{where}: {name} must be a whole number")
        values[name] = "" if value is None else str(value)
    for name in FLAG_FIELDS:
        value = item.get(name, False)
        if not isinstance(value, bool):
            raise RecordFileError(f"{where}: {name} must be true or false")
        values[name] = "1" if value else ""
    day = item.get("adopted_on", "")
    if not isinstance(day, dt.date | str) or isinstance(day, dt.datetime):
        raise RecordFileError(f"{where}: adopted_on must be a date (2026-02-24)")
    values["adopted_on"] = day.isoformat() if isinstance(day, dt.date) else day
    subjects = item.get("subjects", [])
    if not isinstance(subjects, list) or not all(isinstance(s, str) for s in subjects):
        raise RecordFileError(f"{where}: subjects must be a list of texts")
    values["subjects"] = "\n".join(subjects)
    votes = item.get("votes", {})
    letters = {c.value for c in VoteChoice}
    if not isinstance(votes, dict) or not all(isinstance(v, str) and v in letters for v in votes.values()):
        raise RecordFileError(f"{where}: votes must map state codes to Y, N, A or X")
    page_key = values.pop("page_key")
    return FileRecord(number, RawForm(values=values, choices=dict(votes)), page_key)


def form_values(
    resolution: Resolution, votes: dict[str, VoteChoice], subjects: list[str] | None = None
) -> RawForm:
    """A stored resolution as its form would show it (also what an export writes). ``subjects``: its
    terms, where its subjects relationship is not loaded."""

    def n(v: int | None) -> str:
        return "" if v is None else str(v)

    terms = set(subjects) if subjects is not None else {s.term for s in resolution.subjects}
    values = {
        "symbol": resolution.symbol,
        "session": "" if resolution.symbol else session_code(resolution),
        "title": resolution.title,
        "adopted_on": resolution.adopted_on.isoformat(),
        "meeting_record": resolution.meeting_record,
        "draft_symbol": resolution.draft_symbol,
        "agenda_item": resolution.agenda_item,
        "subjects": "\n".join(sorted(terms)),
        "adoption": resolution.adoption.value,
        "official_yes": n(resolution.official_yes),
        "official_no": n(resolution.official_no),
        "official_abstain": n(resolution.official_abstain),
        "official_non_voting": n(resolution.official_non_voting),
        "roll_call_complete": "1" if resolution.roll_call_complete else "",
        "discrepancy": resolution.discrepancy,
        "provisional": "1" if resolution.provisional else "",
        "source_note": resolution.source_note,
        "version": str(resolution.version),
    }
    return RawForm(values=values, choices={code: c.value for code, c in votes.items()})


def to_toml(forms: list[tuple[RawForm, str | None]]) -> str:
    """Record files' text for forms (each with its page key, if any): what the import reads back."""
    records = []
    for raw, page_key in forms:
        item: dict[str, Any] = {name: raw.get(name) for name in TEXT_FIELDS if name != "page_key"}
        if page_key:
            item["page_key"] = page_key
        item["adopted_on"] = dt.date.fromisoformat(raw.get("adopted_on"))
        item.update({name: int(raw.get(name)) for name in COUNT_FIELDS if raw.get(name).strip()})
        item.update({name: bool(raw.get(name)) for name in FLAG_FIELDS})
        item["subjects"] = [s for s in raw.get("subjects").splitlines() if s.strip()]
        item["votes"] = dict(sorted(raw.choices.items()))
        records.append(item)
    return tomli_w.dumps({"format": FORMAT, "record": records})
