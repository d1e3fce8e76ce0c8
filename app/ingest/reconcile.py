"""One record per decision: the sources of one import paired, matched and merged.

1. The UN's two records of a resolution, the UN Digital Library's and DGACM's, are paired by symbol; a
   Library record whose symbol cannot exist is paired with DGACM's record of the same day and roll call.
2. Voeten's roll calls are matched to those records by their votes (app.ingest.matching).
3. Each set is merged field by field (app.ingest.merge); a Voeten roll call that matched nothing becomes
   a separate vote, placed under its resolution where Voeten's own grouping or numbering identifies it.

An import of Voeten's data alone (no UN record to match against) keeps Voeten's references as symbols,
as before reconciliation existed: the sources are reconciled within one import, so import them together
(``unga import data/sources``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable

from app.ingest.matching import RollCall, match_roll_calls
from app.ingest.merge import FIRST_NUMBERED_SESSION, official_decision, separate_vote
from app.ingest.prepare import NO_VOTE, NON_VOTING, Decision, fingerprint
from app.models.enums import DecisionKind, SessionKind, SourceKind
from app.symbols import base_symbol

# A separate vote is placed under the resolution with the number Voeten files it under only if that
# resolution was adopted within this many days of it (Voeten's dates before 2004 are often days off).
PARENT_WINDOW_DAYS = 31


def reconcile(decisions: Iterable[Decision]) -> list[Decision]:
    """Every decision of the import, the UN's first, then the separate votes, each fingerprinted."""
    by_kind: dict[SourceKind, list[Decision]] = defaultdict(list)
    for decision in decisions:
        by_kind[decision.record.source.kind].append(decision)
    voeten = by_kind.pop(SourceKind.VOETEN, [])
    official = _pair(by_kind.pop(SourceKind.UNDL, []), by_kind.pop(SourceKind.DGACM, []))
    others = [d for kind_list in by_kind.values() for d in kind_list]  # any other kind: stored as it is
    # Voeten's data alone has nothing to be matched with: its references stand in for symbols.
    result = (_merge(official, voeten) if official else voeten) + others
    for decision in result:
        decision.content_hash = fingerprint(decision)
    return result


Pair = tuple[Decision | None, Decision | None]  # (the Library's, DGACM's)


def _pair(library: list[Decision], resolutions: list[Decision]) -> list[Pair]:
    by_symbol = {d.record.symbol: d for d in resolutions}
    pairs: list[Pair] = []
    unpaired_library = []
    for decision in library:
        partner = by_symbol.pop(decision.record.symbol, None) if decision.record.symbol else None
        if partner is None and decision.record.symbol:
            pairs.append((decision, None))
        elif partner is None:
            unpaired_library.append(decision)
        else:
            pairs.append((decision, partner))
    for decision in unpaired_library:
        # No usable symbol: DGACM's record of the same day with the same votes is the same resolution.
        same = [
            d
            for d in by_symbol.values()
            if d.record.day == decision.record.day and _voted(d.letters) == _voted(decision.letters)
        ]
        partner = same[0] if len(same) == 1 else None
        if partner is not None:
            del by_symbol[partner.record.symbol]
        pairs.append((decision, partner))
    pairs.extend((None, d) for d in by_symbol.values())
    return pairs


def _voted(letters: str) -> str:
    """A roll call's letters with non-voting and non-member alike (lists name only those who voted)."""
    return letters.replace(NON_VOTING, NO_VOTE).rstrip(NO_VOTE)


def _merge(official: list[Pair], voeten: list[Decision]) -> list[Decision]:
    with_roll_call = [i for i, (u, g) in enumerate(official) if _roll_call_of(u, g) is not None]
    matches = match_roll_calls(
        [_voeten_roll_call(d) for d in voeten],
        [_official_roll_call(official[i]) for i in with_roll_call],
    )
    matched = {with_roll_call[m.official]: voeten[m.voeten] for m in matches}
    merged = [official_decision(u, g, matched.get(i)) for i, (u, g) in enumerate(official)]
    keys = {id(v): _key(merged[i]) for i, v in matched.items()}
    lone = [d for d in voeten if id(d) not in keys]
    parents = _parents(lone, voeten, keys, merged)
    return merged + [separate_vote(d, parents.get(id(d))) for d in lone]


def _roll_call_of(library: Decision | None, resolutions: Decision | None) -> Decision | None:
    for decision in (library, resolutions):
        if decision is not None and decision.record.has_roll_call:
            return decision
    return None


def _official_roll_call(pair: Pair) -> RollCall:
    decision = _roll_call_of(*pair)
    assert decision is not None
    r = decision.record
    symbol = (pair[0].record.symbol if pair[0] else "") or (pair[1].record.symbol if pair[1] else "")
    regular = r.session_kind is SessionKind.REGULAR
    return RollCall(r.day, r.session_number if regular else None, base_symbol(symbol), decision.letters)


def _voeten_roll_call(decision: Decision) -> RollCall:
    r = decision.record
    regular = r.session_kind is SessionKind.REGULAR
    numbered = regular and r.session_number >= FIRST_NUMBERED_SESSION
    return RollCall(
        r.day,
        r.session_number if regular else None,
        base_symbol(r.symbol) if numbered else None,
        decision.letters,
    )


def _key(decision: Decision) -> tuple[str, str]:
    r = decision.record
    if r.kind is DecisionKind.RESOLUTION and r.symbol:
        return ("symbol", r.symbol)
    if r.voeten_rcid is not None:
        return ("rcid", str(r.voeten_rcid))
    return ("undl", str(r.undl_id))


_PART = re.compile(r"(?<=\d)(?:[A-Z]{1,2}|/[A-Z]+)$")


def _group(decision: Decision) -> tuple[int, str]:
    """Voeten's grouping of roll calls on one item: its reference without the letter of the roll call
    (R/26/2758A to G are all R/26/2758)."""
    r = decision.record
    return (r.session_number, _PART.sub("", r.voeten_ref))


def _parents(
    lone: list[Decision], voeten: list[Decision], keys: dict[int, tuple[str, str]], merged: list[Decision]
) -> dict[int, tuple[str, str]]:
    """The resolution each separate vote belongs to, where it can be told: the one the matched roll call
    with the same reference became (R/54/54D: paragraphs of A/RES/54/54 D); else the one Voeten's
    matched roll calls of the same group (same reference but for the letter) became, the next one after
    it by roll-call id (amendments and motions come before the vote on the whole text), else the nearest
    before; failing that, from session 18, the resolution Voeten's number names (with its part, if the
    UN has it), if it was adopted within ``PARENT_WINDOW_DAYS``."""
    groups: dict[tuple[int, str], list[tuple[int, tuple[str, str]]]] = defaultdict(list)
    same_ref: dict[tuple[int, str], tuple[str, str]] = {}
    for decision in voeten:
        if id(decision) in keys and decision.record.voeten_ref and decision.record.voeten_rcid is not None:
            groups[_group(decision)].append((decision.record.voeten_rcid, keys[id(decision)]))
            same_ref[(decision.record.session_number, decision.record.voeten_ref)] = keys[id(decision)]
    by_base: dict[str, list[tuple[dt.date, str]]] = defaultdict(list)
    for decision in merged:
        base = base_symbol(decision.record.symbol) if decision.record.symbol else None
        if base:
            by_base[base].append((decision.record.day, decision.record.symbol))
    parents = {}
    for decision in lone:
        r = decision.record
        exact = same_ref.get((r.session_number, r.voeten_ref)) if r.voeten_ref else None
        if exact is not None:  # R/54/54D, a paragraph of the text whose adoption is also R/54/54D
            parents[id(decision)] = exact
            continue
        siblings = sorted(groups.get(_group(decision), [])) if r.voeten_ref else []
        if siblings and r.voeten_rcid is not None:
            after = [key for rcid, key in siblings if rcid > r.voeten_rcid]
            parents[id(decision)] = after[0] if after else siblings[-1][1]
            continue
        numbered = r.session_kind is SessionKind.REGULAR and r.session_number >= FIRST_NUMBERED_SESSION
        base = base_symbol(r.symbol) if numbered else None
        near = sorted(
            (symbol != r.symbol, abs((day - r.day).days), symbol)
            for day, symbol in by_base.get(base or "", [])
            if abs((day - r.day).days) <= PARENT_WINDOW_DAYS
        )
        if near:
            parents[id(decision)] = ("symbol", near[0][2])
    return parents
