"""A resolution form read into checked votes: the facts of the decision, the roll call matched to the
members on its date, and every problem the form must show. Saving it is admin/service.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from app.admin import queries
from app.admin.forms import Facts, RawForm, read_date, read_facts
from app.admin.queries import Member
from app.admin.rollcall import (
    Tally,
    complete_roll_call,
    match_paste,
    parse_paste,
    roll_call_problems,
    tally_of,
    totals_problem,
)
from app.ingest.reference import build_resolver
from app.kit.text_checks import text_problem
from app.models import (
    Adoption,
    VoteChoice,
)


@dataclass
class Entry:
    """A resolution form, read and checked. ``errors`` maps a field name to its message."""

    raw: RawForm
    facts: Facts | None
    errors: dict[str, str]
    members: list[Member] = field(default_factory=list)
    choices: dict[str, str] = field(default_factory=dict)  # code -> choice, as the table shows them
    understood: dict[str, list[str]] = field(default_factory=dict)  # list label -> names read
    unmatched: list[str] = field(default_factory=list)
    votes: dict[int, VoteChoice] = field(default_factory=dict)  # what would be stored
    tally: Tally | None = None
    mismatch: str | None = None
    day: dt.date | None = None


def read_entry(session: Session, raw: RawForm, resolution_id: int | None = None) -> Entry:
    """Read and check everything: facts, pasted lists, the per-state table and the totals."""
    day, _ = read_date(raw.get("adopted_on"))
    resolver = build_resolver(session)
    entry = Entry(raw, None, {}, day=day)
    members = queries.members_on(session, resolver, day) if day else []
    entry.members = members
    labels = queries.state_labels(session, day or dt.date.today())
    id_of = {code: state_id for state_id, (code, _) in labels.items()}
    names = {state_id: name for state_id, (_, name) in labels.items()}
    choices = dict(raw.choices)
    table_errors: list[str] = []
    if raw.bad_codes:
        table_errors.append("Unknown entries: " + ", ".join(sorted(raw.bad_codes)[:10]) + ".")
    if raw.repeated_codes:
        table_errors.append("Listed twice: " + ", ".join(sorted(raw.repeated_codes)[:10]) + ".")
    unknown = sorted(code for code in choices if code not in id_of)
    if unknown:
        table_errors.append("Not a state: " + ", ".join(unknown[:10]) + ".")

    paste = raw.get("paste")
    if paste.strip() and not text_problem(paste, 50_000, multiline=True):
        if day is None:
            entry.errors["paste"] = "Give a valid date first: names are matched as they were on that day."
        else:
            pasted = parse_paste(paste)
            if not pasted.names:
                entry.errors["paste"] = (
                    "No lists found: the text needs headings such as 'In favour:', 'Against:' and "
                    "'Abstaining:'."
                )
            matched = match_paste(pasted, resolver, day, queries.dated_names(session))
            for choice, found in matched.understood.items():
                entry.understood[choice.label] = found
            entry.unmatched = matched.unmatched
            problems = []
            if matched.unmatched:
                problems.append(
                    f"Not recognised as a state's name on {day.isoformat()}: "
                    + "; ".join(matched.unmatched[:30])
                    + ". Correct the spelling and check again."
                )
            if matched.wrong_date:
                problems.append(
                    "Not the name of a member on that date (a state the seat no longer stood for): "
                    + " ".join(matched.wrong_date[:30])
                )
            if matched.repeated:
                problems.append("Listed more than once: " + "; ".join(matched.repeated[:30]) + ".")
            codes = {state_id: code for code, state_id in id_of.items()}
            for state_id, choice in matched.votes.items():
                choices[codes[state_id]] = choice.value
            if pasted.totals:
                # "adopted by 93 votes to 18, with 65 abstentions": fills empty totals, and must agree
                # with totals typed in the fields.
                for name, value in zip(
                    ("official_yes", "official_no", "official_abstain"), pasted.totals, strict=True
                ):
                    typed = raw.values.get(name, "").strip()
                    if not typed:
                        raw.values[name] = str(value)
                    elif typed != str(value):
                        problems.append(
                            f"The pasted text says {value} where the totals say {typed} "
                            f"({name.removeprefix('official_').replace('_', '-')}): correct one of them."
                        )
                        entry.errors[name] = f"The pasted text says {value}."
            if problems:
                entry.errors["paste"] = " ".join(problems)
            else:
                raw.values["paste"] = ""  # now in the table below, where it can be corrected

    facts, fact_errors = read_facts(raw, queries.known_sessions(session))
    entry.facts = facts
    entry.errors.update(fact_errors)
    votes = {id_of[code]: VoteChoice(c) for code, c in choices.items() if code in id_of}
    entry.choices = choices
    if facts is not None:
        member_ids = frozenset(m.state_id for m in members)
        suspended = frozenset(m.state_id for m in members if m.suspended)
        announced = [v for v in vars(facts.official).values() if v is not None]
        if members and sum(announced) > len(members):
            entry.errors.setdefault(
                "official_yes",
                f"The totals add up to {sum(announced)}, more than the {len(members)} members on that date.",
            )
        if facts.adoption is Adoption.WITHOUT_VOTE:
            if votes:
                table_errors.append("A resolution adopted without a vote has no roll call: clear the table.")
            votes = {}
        else:
            votes = complete_roll_call(votes, member_ids, facts.roll_call_complete)
            table_errors.extend(
                roll_call_problems(votes, member_ids, suspended, names, facts.roll_call_complete)
            )
            entry.tally = tally_of(votes)
            entry.mismatch = totals_problem(entry.tally, facts.official, facts.roll_call_complete)
            if entry.mismatch and not facts.discrepancy:
                entry.errors["discrepancy"] = (
                    f"The roll call and the official totals differ ({entry.mismatch}) Correct the roll call, "
                    "or say here why they differ: the reason is shown publicly."
                )
        entry.choices = {labels[s][0]: c.value for s, c in votes.items()}
        existing = queries.resolution_id_by_symbol(session, facts.symbol) if facts.symbol else None
        if existing is not None and existing != resolution_id:
            entry.errors["symbol"] = "A resolution with this symbol already exists."
    entry.votes = votes
    if table_errors:
        entry.errors["roll_call"] = " ".join(table_errors)
    return entry
