"""From source records to decisions ready to store: names resolved, non-voting members derived,
tallies counted and disagreements with the official totals described."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field

from app.ingest.errors import IngestError, UnmatchedNamesError
from app.ingest.names import StateResolver
from app.ingest.records import Record
from app.models.enums import Adoption, VoteChoice

Tally = tuple[int, int, int, int]  # yes, no, abstain, non-voting
YES, NO, ABSTAIN, NON_VOTING = (c.value for c in VoteChoice)


@dataclass
class Decision:
    record: Record
    votes: dict[int, str]  # state id -> VoteChoice value
    tally: Tally
    complete: bool
    discrepancy: str
    content_hash: str = ""
    votes_json: str = ""  # {"state id": "Y", ...}: hashed here, and what SQLite inserts from (json_each)


@dataclass
class Preparer:
    """Prepares records one at a time, collecting what the import reports at the end."""

    resolver: StateResolver
    codes: dict[int, str]  # state id -> code
    unmatched: dict[str, list[str]] = field(default_factory=dict)
    outside_membership: Counter[str] = field(default_factory=Counter)
    duplicate_names: int = 0
    flagged: int = 0
    _unambiguous: dict[str, int] = field(default_factory=dict)  # names that mean one seat at any date

    def __post_init__(self) -> None:
        self._code_ids = {code: state_id for state_id, code in self.codes.items()}

    def prepare(self, record: Record) -> Decision:
        day = record.day
        votes: dict[int, str] = {}
        repeated = 0
        unambiguous = self._unambiguous
        for name, choice in record.votes:  # the hot loop: about a million iterations
            state_id = unambiguous.get(name)
            if state_id is None:
                state_id = self._resolve(record, name)
                if state_id is None:
                    self.unmatched.setdefault(name, []).append(f"{record.where} ({day})")
                    continue
            previous = votes.get(state_id)
            if previous is not None:
                if previous != choice:
                    both = f"{VoteChoice(previous).label} and {VoteChoice(choice).label}"
                    raise IngestError(record.source.name, record.line, f"{name} is listed as both {both}")
                repeated += 1
                continue
            votes[state_id] = choice
        members = self.resolver.members_on(day)
        for state_id in votes.keys() - members:
            self.outside_membership[self.codes[state_id]] += 1
        if record.has_roll_call:
            votes.update(dict.fromkeys(members - votes.keys(), NON_VOTING))
        self.duplicate_names += repeated
        decision = _decision(record, votes, repeated)
        self.flagged += bool(decision.discrepancy)
        return decision

    def finish(self) -> None:
        """Raise if any name matched no state: every such name is listed, none is dropped."""
        if self.unmatched:
            raise UnmatchedNamesError(self.unmatched)

    def _resolve(self, record: Record, name: str) -> int | None:
        candidates = self.resolver.candidates(name)
        if len(candidates) == 1:
            self._unambiguous[name] = candidates[0]
            return candidates[0]
        state_id = self.resolver.resolve(name, record.day)
        if state_id is None:
            state_id = self._code_ids.get(record.name_codes.get(name, ""))
        return state_id


def _decision(record: Record, votes: dict[int, str], repeated: int) -> Decision:
    counts = Counter(votes.values())
    tally = (counts[YES], counts[NO], counts[ABSTAIN], counts[NON_VOTING])
    recorded = record.adoption is Adoption.RECORDED_VOTE
    complete = not recorded or record.has_roll_call
    notes = list(record.notes)
    if repeated:
        notes.append(f"The source lists {repeated} name(s) twice; each state is counted once.")
    if recorded and not record.has_roll_call:
        notes.append("The source gives the official totals but not how each state voted.")
    elif recorded:
        official = (
            record.official_yes,
            record.official_no,
            record.official_abstain,
            record.official_non_voting,
        )
        labels = ("in favour", "against", "abstaining", "non-voting")
        differences = [
            f"{label}: official {o}, roll call {t}"
            for label, o, t in zip(labels, official, tally, strict=True)
            if o is not None and o != t
        ]
        if differences:
            notes.append(
                "The official totals differ from the source's lists (" + "; ".join(differences) + ")."
            )
    decision = Decision(record, votes, tally, complete, " ".join(notes))
    decision.content_hash = _fingerprint(decision)
    return decision


def _fingerprint(decision: Decision) -> str:
    """A hash of what the source says, so that a re-import can tell unchanged records.

    Votes enter by state id: ids are stable within a database, which is the only place hashes are compared.
    """
    r = decision.record
    payload = [
        r.source.kind.value, r.symbol, r.kind.value, r.title, r.description, r.day.isoformat(),
        r.session_kind.value, r.session_number, r.meeting_record, r.draft_symbol, r.committee,
        r.agenda_item, r.agenda_title, r.adoption.value, r.adopted, r.important_vote, r.official_yes,
        r.official_no, r.official_abstain, r.official_non_voting, r.undl_id, decision.complete,
        decision.discrepancy,
    ]  # fmt: skip
    # Not sorted: the order follows the source, which is as deterministic and saves a second per import.
    decision.votes_json = json.dumps(decision.votes, separators=(",", ":"))
    digest = hashlib.sha256(json.dumps(payload, separators=(",", ":")).encode())
    digest.update(decision.votes_json.encode())
    return digest.hexdigest()
