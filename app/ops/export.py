"""Export of the published data to the open formats the importer reads, so that ``unga export DIR`` and
then ``unga import --states DIR/states.toml DIR`` into an empty database give the same data back.

Layout of DIR:
    states.toml                              member states, as data/states.toml (ids keep their order)
    un_dgacm/resolutions.jsonl.gz            resolutions in the UN DGACM extract's JSON Lines form
    voeten/un_roll_calls.csv.gz, un_votes.csv.gz, un_roll_call_issues.csv.gz   Voeten's three CSVs

Each decision goes to the format of the source it came from: resolutions from the DGACM extract (and
those entered through the admin forms) as DGACM lines; Voeten's roll calls, amendment and paragraph
votes as Voeten rows. A DGACM resolution that Voeten's data also covers gets a Voeten roll-call row
carrying only what Voeten added (roll-call id, important-vote flag, issue codes), as in the original
import. Non-voting members are not written: the importer derives them from membership dates, as it did
the first time. What the formats cannot carry is listed in README.md ("What an export does not keep").
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import tomli_w
from sqlalchemy.orm import Session

from app.admin.forms import RawForm
from app.admin.record_file import form_values, to_toml
from app.ingest.names import fold
from app.ingest.voeten import (
    ISSUE_COLUMNS,
    LIBRARY_TITLE_SUFFIX,
    ROLL_CALL_COLUMNS,
    VOTE_COLUMNS,
    title_and_description,
)
from app.models import DecisionKind, Resolution, SourceKind, State, VoteChoice
from app.ops import queries
from app.symbols import normalize_symbol

DGACM_FILE = Path("un_dgacm") / "resolutions.jsonl.gz"
ROLL_CALLS_FILE = Path("voeten") / "un_roll_calls.csv.gz"
VOTES_FILE = Path("voeten") / "un_votes.csv.gz"
ISSUES_FILE = Path("voeten") / "un_roll_call_issues.csv.gz"
STATES_FILE = Path("states.toml")
PROVISIONAL_FILE = Path("provisional") / "records.toml"  # records with no symbol yet: the admin form's shape
VOETEN_ISSUE = "Voeten issue"
# Keyed by the one-letter codes the vote table holds (VoteChoice values).
_LISTS: dict[str, str] = {
    VoteChoice.YES: "MS_in_favour",
    VoteChoice.NO: "MS_against",
    VoteChoice.ABSTAIN: "MS_abstaining",
}
_VOETEN_VOTE: dict[str, str] = {VoteChoice.YES: "yes", VoteChoice.NO: "no", VoteChoice.ABSTAIN: "abstain"}
_REPEATED = re.compile(r"The source lists (\d+) name\(s\) twice")


class ExportError(Exception):
    """The target cannot be written (it is not an empty folder)."""


@dataclass
class ExportSummary:
    states: int = 0
    dgacm_lines: int = 0
    voeten_roll_calls: int = 0
    votes: int = 0
    drafts_skipped: int = 0
    not_exported: list[str] = field(default_factory=list)  # decisions no open format can carry
    provisional: int = 0  # records written in the admin form's shape (app.admin.record_file)


def export_all(session: Session, folder: Path) -> ExportSummary:
    """Write everything published to ``folder`` (which must be empty or absent), from one snapshot."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ExportError(f"{folder} is not an empty folder: export into a new one")
    queries.consistent_snapshot(session)
    summary = ExportSummary()
    states = queries.states_for_export(session)
    (folder / "un_dgacm").mkdir(parents=True, exist_ok=True)
    (folder / "voeten").mkdir(exist_ok=True)
    (folder / STATES_FILE).write_text(_states_toml(states), encoding="utf-8")
    summary.states = len(states)
    spellings = _spellings(states)
    subjects = queries.subjects_by_resolution(session)
    codes = {state.id: state.code for state in states}
    provisional: list[tuple[RawForm, str | None]] = []
    with ExitStack() as files:
        dgacm = files.enter_context(_gzip_text(folder / DGACM_FILE))
        roll_calls, votes, issues = (
            csv.writer(files.enter_context(_gzip_text(folder / name)), lineterminator="\n")
            for name in (ROLL_CALLS_FILE, VOTES_FILE, ISSUES_FILE)
        )
        roll_calls.writerow(ROLL_CALL_COLUMNS)
        votes.writerow(VOTE_COLUMNS)
        issues.writerow(ISSUE_COLUMNS)
        for resolution, source, roll_call in _with_votes(session):
            if not resolution.published:
                summary.drafts_skipped += 1
                continue
            terms = subjects.get(resolution.id, [])
            if source is SourceKind.PROVISIONAL or (resolution.page_key and not resolution.symbol):
                votes_by_code = {codes[state_id]: VoteChoice(choice) for state_id, choice in roll_call}
                raw = form_values(resolution, votes_by_code, [term for _, term in terms])
                provisional.append((raw, resolution.page_key))
                continue
            if source is not SourceKind.VOETEN and _fits_dgacm(resolution):
                line = _dgacm_line(resolution, terms, roll_call, spellings)
                dgacm.write(json.dumps(line, ensure_ascii=False) + "\n")
                summary.dgacm_lines += 1
                if resolution.voeten_rcid is not None:  # what Voeten's data added to it
                    roll_calls.writerow(_roll_call_row(resolution, only_supplement=True))
                    summary.voeten_roll_calls += 1
            elif resolution.voeten_rcid is not None:
                roll_calls.writerow(_roll_call_row(resolution, only_supplement=False))
                summary.voeten_roll_calls += 1
                for state_id, choice in roll_call:
                    if choice in _VOETEN_VOTE:
                        code, name = spellings[state_id]
                        votes.writerow((resolution.voeten_rcid, name, code, _VOETEN_VOTE[choice]))
                        summary.votes += 1
            else:
                summary.not_exported.append(resolution.symbol or f"decision {resolution.id}")
                continue
            if resolution.voeten_rcid is not None:
                for vocabulary, term in terms:
                    if vocabulary == VOETEN_ISSUE:
                        issues.writerow((resolution.voeten_rcid, "", term))
            if source is not SourceKind.VOETEN:
                summary.votes += sum(1 for _, choice in roll_call if choice in _LISTS)
    if provisional:
        (folder / PROVISIONAL_FILE).parent.mkdir(exist_ok=True)
        (folder / PROVISIONAL_FILE).write_text(to_toml(provisional), encoding="utf-8")
        summary.provisional = len(provisional)
    return summary


@contextmanager
def _gzip_text(path: Path) -> Iterator[TextIO]:
    # mtime=0 and no name: the same data exports to the same bytes, so exports can be compared.
    with (
        path.open("wb") as file,
        gzip.GzipFile(filename="", mode="wb", fileobj=file, mtime=0) as raw,
        io.TextIOWrapper(raw, encoding="utf-8", newline="") as text,
    ):
        yield text


def _with_votes(session: Session) -> Iterator[tuple[Resolution, SourceKind, list[tuple[int, str]]]]:
    """Decisions in id order, each with its roll call, read as one ordered pass over the vote table."""
    stream = queries.votes_in_order(session)
    pending = next(stream, None)
    for resolution, source in queries.resolutions_for_export(session):
        roll_call: list[tuple[int, str]] = []
        while pending is not None and pending[0] <= resolution.id:
            if pending[0] == resolution.id:
                roll_call.append((pending[1], pending[2]))
            pending = next(stream, None)
        yield resolution, source, roll_call


def _fits_dgacm(resolution: Resolution) -> bool:
    return resolution.kind is DecisionKind.RESOLUTION and normalize_symbol(resolution.symbol) == (
        resolution.symbol
    )


def _dgacm_line(
    resolution: Resolution,
    terms: list[tuple[str, str]],
    roll_call: list[tuple[int, str]],
    spellings: dict[int, tuple[str, str]],
) -> dict[str, Any]:
    recorded = resolution.adoption.value == "recorded_vote"
    title = resolution.title + (f"\t{resolution.description}" if resolution.description else "")
    line: dict[str, Any] = {
        "symbol": resolution.symbol,
        "adoption_date": resolution.adopted_on.isoformat(),
        "title": title,
        "pv": resolution.meeting_record,
        "originating_document": resolution.draft_symbol,
        "committee": resolution.committee,
        "agenda_item": resolution.agenda_item,
        "agenda_item_name": resolution.agenda_title,
        "adoption_type": "Recorded vote" if recorded else "Without a vote",
    }
    lists: dict[str, list[str]] = {key: [] for key in _LISTS.values()}
    for state_id, choice in roll_call:
        if choice in _LISTS:
            lists[_LISTS[choice]].append(spellings[state_id][1])
    # A source that listed names twice left a note saying how many; list as many twice again, so the
    # import writes the same note. (One resolution in the shipped data, A/RES/75/290 A.)
    repeated = _REPEATED.search(resolution.discrepancy)
    if repeated:
        names = [(key, name) for key, listed in lists.items() for name in listed]
        for key, name in names[: int(repeated[1])]:
            lists[key].append(name)
    line.update(lists)
    if recorded:
        counts = (resolution.official_yes, resolution.official_no, resolution.official_abstain)
        for key, count in zip(_LISTS.values(), counts, strict=True):
            line[f"{key}_count"] = "" if count is None else str(count)
    # The importer reads a vocabulary starting "A/" (an agenda's symbol in the extract) as "Agenda".
    line["subjects"] = [
        [term, "A/" if vocabulary == "Agenda" else vocabulary]
        for vocabulary, term in terms
        if vocabulary != VOETEN_ISSUE
    ]
    return line


def _roll_call_row(resolution: Resolution, *, only_supplement: bool) -> tuple[Any, ...]:
    important = "" if resolution.important_vote is None else str(int(resolution.important_vote))
    amend = "1" if resolution.kind is DecisionKind.AMENDMENT else "0"
    para = "1" if resolution.kind is DecisionKind.PARAGRAPH else "0"
    title, description = ("", "") if only_supplement else (resolution.title, resolution.description)
    # Of several roll calls on one symbol the importer takes as the adoption the latest one that carries
    # the UN library's title suffix: mark the adoption so (a supplement too), whatever the roll-call ids.
    short, descr = _short_and_descr(title, description, adoption=resolution.kind is DecisionKind.RESOLUTION)
    return (
        resolution.voeten_rcid,
        resolution.session_number,
        important,
        resolution.adopted_on.isoformat(),
        resolution.symbol,
        amend,
        para,
        short,
        descr,
    )


def _short_and_descr(title: str, description: str, adoption: bool) -> tuple[str, str]:
    """Voeten's (short, descr) that the importer reads back as this title and description.

    An adoption carries the library's title suffix, as in Voeten's own data: where several roll calls
    share a symbol, the importer takes the titled one as the adoption (app.ingest.voeten)."""
    candidates = [(title + LIBRARY_TITLE_SUFFIX, description)] if adoption else []
    for candidate in (*candidates, (description, title), (title, description)):
        if title_and_description(*candidate) == (title, description):
            return candidate
    return title, description  # not reproducible exactly; keep both texts


def _spellings(states: list[State]) -> dict[int, tuple[str, str]]:
    """For each state, its code and a spelling that the importer resolves to it alone, at any date.

    Only the two seats called "Yugoslavia" share a spelling; each also has one of its own."""
    owners: dict[str, set[int]] = defaultdict(set)
    for state in states:
        for alias in state.aliases:
            owners[alias.folded].add(state.id)
    chosen = {}
    for state in states:
        spellings = [state.name, *(a.alias for a in sorted(state.aliases, key=lambda a: a.folded))]
        unique = [s for s in spellings if owners.get(fold(s)) == {state.id}]
        chosen[state.id] = (state.code, unique[0] if unique else state.name)
    return chosen


def _states_toml(states: list[State]) -> str:
    codes = {state.id: state.code for state in states}
    document: dict[str, Any] = {"states": {}}
    for state in states:
        document["states"][state.code] = {
            "name": state.name,
            "iso2": state.iso2,
            "m49": state.m49,
            "group": state.regional_group.value,
            "group_note": state.group_note,
            "status": state.status.value,
            "names": [_span(n.valid_from, n.valid_to, name=n.name) for n in state.names],
            "memberships": [
                _span(
                    m.admitted_on,
                    m.ended_on,
                    successor=codes.get(m.successor_id, "") if m.successor_id else "",
                    note=m.note,
                )
                for m in state.memberships
            ],
            "suspensions": [
                _span(s.starts_on, s.ends_on, note=s.note)
                for s in sorted(state.suspensions, key=lambda s: s.starts_on)
            ],
            "aliases": [a.alias for a in sorted(state.aliases, key=lambda a: a.folded)],
        }
    header = "# Member states exported by `unga export`; the format of data/states.toml.\n\n"
    return header + tomli_w.dumps(document, multiline_strings=False)


def _span(start: Any, end: Any, **fields: str) -> dict[str, Any]:
    span: dict[str, Any] = {k: v for k, v in fields.items() if v or k == "name"}
    span["from"] = start
    if end is not None:
        span["to"] = end
    return span
