"""Which source supplies each field of a decision several sources record, and what the others say
differently. Plain functions over prepared decisions: no database, tested on their own.

The rules (also stated on the About page):

* The UN Digital Library is the authority for an adopted resolution's symbol, date, meeting record, title
  and roll call. Its titles replace Voeten's capitalised short descriptions, which stay as descriptions.
* The UN's machine-readable resolutions (DGACM) are the authority for the official totals, subjects,
  agenda, draft and committee from September 2019, and the only source after October 2025 (and for
  resolutions adopted without a vote). Where the Library has no record, DGACM's symbol, date and lists
  are used; where the Library's symbol cannot exist (A/RES/79/XX), DGACM's is.
* Voeten's data adds what the Library leaves out: its issue codes and the US "important vote" flag on the
  roll calls matched to a UN record (app.ingest.matching), and, as separate votes, the roll calls that
  match none (amendments, separate votes on paragraphs, motions, failed drafts). A separate vote never
  carries a UN symbol: it keeps Voeten's description and reference.
* Where sources differ on a date, a state's vote, a count or the symbol a vote is filed under, the UN's
  version is stored and shown, and the other source's is kept as a difference (``Difference``).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from app.ingest.prepare import ABSTAIN, NO, NO_VOTE, NON_VOTING, YES, Decision, Difference, build_decision
from app.ingest.records import Record
from app.models.enums import Adoption, DecisionKind, DifferenceKind, SessionKind, SourceKind
from app.symbols import base_symbol, parse_symbol

_COUNTED = ((YES, "yes"), (NO, "no"), (ABSTAIN, "abstain"))
_VOTED = frozenset((YES, NO, ABSTAIN))
# From this session on, Voeten's reference is a resolution number (before, it points into the Official
# Records), so a different one is a difference worth showing.
FIRST_NUMBERED_SESSION = 18


def official_decision(undl: Decision | None, dgacm: Decision | None, voeten: Decision | None) -> Decision:
    """One decision from the UN's record(s) of it and the Voeten roll call matched to it, if any."""
    base = undl or dgacm
    assert base is not None, "a decision needs the Library's or DGACM's record"
    library, resolutions = (undl.record if undl else None), (dgacm.record if dgacm else None)
    roll_call = (
        undl
        if undl and undl.record.has_roll_call
        else dgacm
        if dgacm and dgacm.record.has_roll_call
        else base
    )
    symbol = (library.symbol if library else "") or (resolutions.symbol if resolutions else "")
    record = dataclasses.replace(
        base.record,
        symbol=symbol,
        kind=DecisionKind.RESOLUTION,
        adopted=True,
        title=(library.title if library else "") or (resolutions.title if resolutions else ""),
        description=_description(base.record, voeten.record if voeten else None, resolutions),
        meeting_record=(library.meeting_record if library else "") or _field(resolutions, "meeting_record"),
        draft_symbol=_field(resolutions, "draft_symbol") or _field(library, "draft_symbol"),
        committee=_field(resolutions, "committee") or _field(library, "committee"),
        agenda_item=_field(resolutions, "agenda_item") or _field(library, "agenda_item"),
        agenda_title=_field(resolutions, "agenda_title") or _field(library, "agenda_title"),
        adoption=Adoption.RECORDED_VOTE if library else base.record.adoption,
        important_vote=voeten.record.important_vote if voeten else None,
        has_roll_call=roll_call.record.has_roll_call,
        notes=_notes(library, resolutions, symbol, roll_call.record),
        voeten_rcid=voeten.record.voeten_rcid if voeten else None,
        voeten_ref=voeten.record.voeten_ref if voeten else "",
        undl_id=library.undl_id if library else None,
        source_symbol="",
        subjects=set().union(*(d.record.subjects for d in (undl, dgacm, voeten) if d)),
    )
    totals = _official_totals(library, resolutions)
    record.official_yes, record.official_no, record.official_abstain, record.official_non_voting = totals
    if symbol and (parsed := parse_symbol(symbol)):
        record.session_kind, record.session_number = parsed.session.kind, parsed.session.number
    decision = build_decision(record, roll_call.letters)
    decision.differences = [
        *(_differences(decision, dgacm, SourceKind.DGACM) if dgacm and dgacm is not roll_call else []),
        *(_symbol_difference(decision, undl) if undl and not undl.record.symbol and symbol else []),
        *(_differences(decision, voeten, SourceKind.VOETEN) if voeten else []),
    ]
    decision.sources = tuple(d.record.source.kind for d in (undl, dgacm, voeten) if d)
    decision.outside = roll_call.outside
    return decision


def separate_vote(voeten: Decision, parent: tuple[str, str] | None) -> Decision:
    """A Voeten roll call that matches no UN record: kept as Voeten records it, without a UN symbol."""
    r = voeten.record
    kind = r.kind if r.kind in (DecisionKind.AMENDMENT, DecisionKind.PARAGRAPH) else DecisionKind.SEPARATE
    record = dataclasses.replace(r, symbol="", kind=kind, adopted=None, notes=list(r.notes))
    if not r.voeten_ref:
        record.notes = [n for n in record.notes if "no resolution symbol" not in n]
    decision = build_decision(record, voeten.letters)
    decision.parent = parent
    decision.outside = voeten.outside
    return decision


def _field(record: Record | None, name: str) -> str:
    return str(getattr(record, name)) if record else ""


def _description(base: Record, voeten: Record | None, resolutions: Record | None) -> str:
    """Voeten's short description and motion text (capitals, as Voeten wrote them), else DGACM's footnote."""
    if voeten is None:
        return resolutions.description if resolutions else base.description
    parts = (
        [voeten.title, voeten.description]
        if voeten.title.casefold() != base.title.casefold()
        else [voeten.description]
    )
    return ". ".join(p.strip().rstrip(".") for p in parts if p.strip())


Totals = tuple[int | None, int | None, int | None, int | None]


def _official_totals(library: Record | None, resolutions: Record | None) -> Totals:
    """DGACM's totals where it publishes them (from September 2019), else the Library's (its bulk file
    has them; the file rebuilt from its record pages does not)."""
    for record in (resolutions, library):
        if record is not None and record.official_yes is not None:
            return (
                record.official_yes,
                record.official_no,
                record.official_abstain,
                record.official_non_voting,
            )
    return (None, None, None, None)


def _notes(library: Record | None, resolutions: Record | None, symbol: str, roll_call: Record) -> list[str]:
    notes = [n for n in roll_call.notes if not (symbol and "names no resolution" in n)]
    for record in (library, resolutions):
        if record is not None and record is not roll_call:
            notes.extend(
                n for n in record.notes if n not in notes and not (symbol and "names no resolution" in n)
            )
    return notes


def _differences(stored: Decision, other: Decision, source: SourceKind) -> list[Difference]:
    """The date, the symbol, each state's vote and each count, where ``other`` records them otherwise."""
    found = []
    if other.record.day != stored.record.day:
        found.append(
            Difference(
                source,
                DifferenceKind.DATE,
                shown=stored.record.day.isoformat(),
                other=other.record.day.isoformat(),
            )
        )
    found.extend(_other_symbol(stored.record, other.record, source))
    if not other.record.has_roll_call or not stored.record.has_roll_call:
        return found
    width = max(len(stored.letters), len(other.letters))
    mine, theirs = stored.letters.ljust(width, NO_VOTE), other.letters.ljust(width, NO_VOTE)
    if mine != theirs:
        # Only the states whose letters differ are looked at: about one in a hundred.
        a_bytes = np.frombuffer(mine.encode(), dtype=np.uint8)
        b_bytes = np.frombuffer(theirs.encode(), dtype=np.uint8)
        for state_id in np.flatnonzero(a_bytes != b_bytes).tolist():
            a, b = mine[state_id], theirs[state_id]
            if a in _VOTED or b in _VOTED:
                # Only the Library lists members without a vote; a member DGACM's or Voeten's lists do
                # not name has no vote there, whatever the reason.
                other_vote = b if b in _VOTED else ""
                found.append(
                    Difference(
                        source, DifferenceKind.VOTE, state_id=state_id, shown=_shown(a), other=other_vote
                    )
                )
    for letter, item in _COUNTED:
        a_count, b_count = mine.count(letter), theirs.count(letter)
        if a_count != b_count:
            found.append(
                Difference(source, DifferenceKind.COUNT, item=item, shown=str(a_count), other=str(b_count))
            )
    return found


def _shown(letter: str) -> str:
    """A state's vote as a difference records it: its letter, X if listed without a vote, "" if none."""
    return letter if letter in _VOTED or letter == NON_VOTING else ""


def _other_symbol(stored: Record, other: Record, source: SourceKind) -> list[Difference]:
    """Voeten's reference names another resolution (where it names one: from session 18)."""
    if source is not SourceKind.VOETEN or not other.voeten_ref:
        return []
    theirs, mine = base_symbol(other.symbol), base_symbol(stored.symbol)
    numbered = other.session_kind is SessionKind.REGULAR and other.session_number >= FIRST_NUMBERED_SESSION
    if theirs is None or mine is None or theirs == mine or not numbered:
        return []
    return [Difference(source, DifferenceKind.SYMBOL, shown=stored.symbol, other=other.voeten_ref)]


def _symbol_difference(stored: Decision, library: Decision) -> list[Difference]:
    """The Library's record of this vote gives a symbol that cannot exist; DGACM's is shown."""
    return [
        Difference(
            SourceKind.UNDL,
            DifferenceKind.SYMBOL,
            shown=stored.record.symbol,
            other=library.record.source_symbol,
        )
    ]
