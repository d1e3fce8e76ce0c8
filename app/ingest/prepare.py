"""From source records to decisions ready to store: names resolved, non-voting members derived,
tallies counted and disagreements with the official totals described."""

from __future__ import annotations

import hashlib
import json
from collections import deque
from dataclasses import dataclass, field
from itertools import repeat
from typing import cast

from app.ingest.errors import IngestError, UnmatchedNamesError
from app.ingest.names import StateResolver
from app.ingest.records import Record
from app.models.enums import Adoption, DifferenceKind, SourceKind, VoteChoice

Tally = tuple[int, int, int, int]  # yes, no, abstain, non-voting
YES, NO, ABSTAIN, NON_VOTING = (c.value for c in VoteChoice)


NO_VOTE = "-"  # in a roll call's letters: the state has no vote (not a member, or no roll call)


@dataclass(frozen=True)
class Difference:
    """Something another source records differently from the decision as stored (app.ingest.merge)."""

    source: SourceKind
    kind: DifferenceKind
    state_id: int | None = None
    item: str = ""  # for a count: "yes", "no" or "abstain"
    shown: str = ""  # the stored decision's value
    other: str = ""  # the other source's ("" where it has none)

    def payload(self) -> list[object]:
        return [self.source.value, self.kind.value, self.state_id, self.item, self.shown, self.other]


@dataclass
class Decision:
    record: Record
    # The roll call as one letter per state id (position = id): a VoteChoice value, or NO_VOTE. Compact
    # to hash and to hand to the database, which expands it (app.ingest.load).
    letters: str
    tally: Tally
    complete: bool
    discrepancy: str
    content_hash: str = ""
    # Set when the sources are reconciled (app.ingest.reconcile): what the other sources record
    # differently, the key of the resolution a separate vote belongs to, and the sources that hold it.
    differences: list[Difference] = field(default_factory=list)
    parent: tuple[str, str] | None = None
    sources: tuple[SourceKind, ...] = ()
    outside: tuple[str, ...] = ()  # codes of states whose listed vote falls outside their membership

    @property
    def vote_count(self) -> int:
        return sum(self.tally)


@dataclass
class Preparer:
    """Prepares records one at a time, collecting what the import reports at the end."""

    resolver: StateResolver
    codes: dict[int, str]  # state id -> code
    unmatched: dict[str, list[str]] = field(default_factory=dict)
    duplicate_names: int = 0
    flagged: int = 0
    _unambiguous: dict[str, int] = field(default_factory=dict)  # names that mean one seat at any date
    # Per set of members (the resolver's, which is shared by every date between two membership changes):
    # the names matched so far on those dates, and a roll call's letters before anyone votes (members
    # non-voting, others without a vote). A name's meaning depends on the date only through membership.
    _matched: dict[frozenset[int], dict[str, int]] = field(default_factory=dict)
    _blank: dict[frozenset[int], bytes] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._code_ids = {code: state_id for state_id, code in self.codes.items()}
        self._width = max(self.codes, default=0) + 1

    def prepare(self, record: Record) -> Decision:
        """The fast path works on the whole roll call at once (map, set, bytearray: no Python statement
        per vote); a name not yet known to mean one seat, or a name listed twice, takes the slow path."""
        members = self.resolver.members_on(record.day)
        matched = self._matched.setdefault(members, {})
        found = list(map(matched.get, record.voter_names))
        distinct = set(found)
        if None in distinct or len(distinct) != len(found):
            ids, letters, repeated = self._match_one_by_one(record, matched)
            distinct = set(ids)
        else:  # every name matched (no None), each once
            ids, letters, repeated = cast(list[int], found), record.choices, 0
        row = bytearray(self._blank_row(members if record.has_roll_call else frozenset()))
        deque(map(row.__setitem__, ids, letters.encode()), maxlen=0)
        outside = []
        for state_id in cast(set[int], distinct) - members:
            if row[state_id] == ord(NON_VOTING):
                # Listed without a vote on a date it was not a member (the Library lists Dominica on
                # votes of the weeks before its admission): it had no vote to cast, so no row.
                row[state_id] = ord(NO_VOTE)
            else:
                outside.append(self.codes[state_id])
        self.duplicate_names += repeated
        decision = build_decision(record, row.decode(), repeated)
        decision.outside = tuple(outside)
        return decision

    def finish(self) -> None:
        """Raise if any name matched no state: every such name is listed, none is dropped."""
        if self.unmatched:
            raise UnmatchedNamesError(self.unmatched)

    def _blank_row(self, members: frozenset[int]) -> bytes:
        row = self._blank.get(members)
        if row is None:
            letters = bytearray(NO_VOTE.encode() * self._width)
            deque(map(letters.__setitem__, members, repeat(ord(NON_VOTING))), maxlen=0)
            row = self._blank[members] = bytes(letters)
        return row

    def _match_one_by_one(self, record: Record, matched: dict[str, int]) -> tuple[list[int], str, int]:
        """State ids and letters of a roll call, name by name: date-aware matching, unmatched names
        collected, a name listed twice counted once (or refused if its two votes differ)."""
        day = record.day
        votes: dict[int, str] = {}
        repeated = 0
        for name, choice in zip(record.voter_names, record.choices, strict=True):
            state_id = matched.get(name)
            if state_id is None:
                state_id = self._resolve(record, name, matched)
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
        return list(votes), "".join(votes.values()), repeated

    def _resolve(self, record: Record, name: str, matched: dict[str, int]) -> int | None:
        state_id = self._unambiguous.get(name)
        if state_id is None:
            candidates = self.resolver.candidates(name)
            if len(candidates) == 1:
                state_id = self._unambiguous[name] = candidates[0]
            else:
                state_id = self.resolver.resolve(name, record.day)
        if state_id is not None:
            matched[name] = state_id
            return state_id
        # A source's own code for the name belongs to this record, so it is not remembered.
        return self._code_ids.get(record.name_codes.get(name, ""))


def build_decision(record: Record, letters: str, repeated: int = 0) -> Decision:
    """A decision from a record and its roll call: tallies counted, gaps and disagreements with the
    official totals described. Fingerprinted once reconciled (app.ingest.reconcile), not here."""
    tally = (letters.count(YES), letters.count(NO), letters.count(ABSTAIN), letters.count(NON_VOTING))
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
    return Decision(record, letters, tally, complete, " ".join(notes), sources=(record.source.kind,))


def fingerprint(decision: Decision) -> str:
    """A hash of what the source says, so that a re-import can tell unchanged records.

    Votes enter as the letters by state id: ids are stable within a database, which is the only place
    hashes are compared. Trailing states without a vote are left out, so a state added later to the
    reference (a higher id) leaves older fingerprints as they were.
    """
    r = decision.record
    payload = [
        r.source.kind.value, r.symbol, r.kind.value, r.title, r.description, r.day.isoformat(),
        r.session_kind.value, r.session_number, r.meeting_record, r.draft_symbol, r.committee,
        r.agenda_item, r.agenda_title, r.adoption.value, r.adopted, r.important_vote, r.official_yes,
        r.official_no, r.official_abstain, r.official_non_voting, r.undl_id, decision.complete,
        decision.discrepancy, r.voeten_rcid, r.voeten_ref, sorted(r.subjects),
        [d.payload() for d in decision.differences], decision.parent, [k.value for k in decision.sources],
    ]  # fmt: skip
    digest = hashlib.sha256(json.dumps(payload, separators=(",", ":")).encode())
    digest.update(decision.letters.rstrip(NO_VOTE).encode())
    return digest.hexdigest()
