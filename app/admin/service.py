"""The admin's write path: save a resolution form, read into checked votes (entry.py), in one transaction
with its audit entry. Routes call these functions and render what they return."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from sqlalchemy import insert, null
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.admin import queries
from app.admin.entry import Entry
from app.admin.forms import Facts
from app.admin.rollcall import (
    tally_of,
)
from app.audit import Actor, record, utcnow
from app.derived import Written, after_write
from app.ideal.refresh import refit_after_commit
from app.models import (
    DataSource,
    DecisionKind,
    Resolution,
    ResolutionSubject,
    SessionKind,
    SourceKind,
    Vote,
    VoteChoice,
    VoteIntention,
)
from app.series.queries import GroupingKey, grouping_key

ADMIN_SOURCE_NAME = "Entered through the admin forms"
_NULL: Any = null()
ADMIN_VOCABULARY = "Admin"


# Saving ------------------------------------------------------------------------------------------------


def snapshot(resolution: Resolution, votes: dict[str, str]) -> dict[str, Any]:
    """What the audit trail keeps of a resolution: its facts and its roll call by state code."""
    return {
        "symbol": resolution.symbol,
        "title": resolution.title,
        "adopted_on": resolution.adopted_on.isoformat(),
        "session": f"{resolution.session_kind.value} {resolution.session_number}",
        "meeting_record": resolution.meeting_record,
        "draft_symbol": resolution.draft_symbol,
        "agenda_item": resolution.agenda_item,
        "subjects": sorted({s.term for s in resolution.subjects}),
        "adoption": resolution.adoption.value,
        "official": [
            resolution.official_yes,
            resolution.official_no,
            resolution.official_abstain,
            resolution.official_non_voting,
        ],
        "tally": [
            resolution.tally_yes,
            resolution.tally_no,
            resolution.tally_abstain,
            resolution.tally_non_voting,
        ],
        "roll_call_complete": resolution.roll_call_complete,
        "discrepancy": resolution.discrepancy,
        "provisional": resolution.provisional,
        "source_note": resolution.source_note,
        "page_key": resolution.page_key,
        "published": resolution.published,
        "version": resolution.version,
        "votes": dict(sorted(votes.items())),
    }


def _admin_source(session: Session) -> DataSource:
    source = queries.admin_source(session)
    if source is None:
        source = DataSource(
            kind=SourceKind.ADMIN,
            name=ADMIN_SOURCE_NAME,
            sha256=hashlib.sha256(ADMIN_SOURCE_NAME.encode()).hexdigest(),
            version="",
        )
        session.add(source)
        session.flush()
    return source


def page_key(facts: Facts, n: int = 1) -> str:
    """The address of a record whose symbol is not yet known: its session and date (ES-11/2026-02-24),
    with a number after the first on one day (ES-11/2026-02-24/2)."""
    prefixes = {SessionKind.EMERGENCY_SPECIAL: "ES-", SessionKind.SPECIAL: "S-"}
    key = f"{prefixes.get(facts.session_kind, '')}{facts.session_number}/{facts.adopted_on.isoformat()}"
    return key if n == 1 else f"{key}/{n}"


def free_page_key(session: Session, facts: Facts) -> str:
    n = 1
    while queries.resolution_id_by_page_key(session, page_key(facts, n)) is not None:
        n += 1
    return page_key(facts, n)


class ConflictError(Exception):
    """Someone saved the resolution after this admin loaded it."""


class SymbolTakenError(Exception):
    pass


def _apply(resolution: Resolution, facts: Facts, votes: dict[int, VoteChoice]) -> None:
    resolution.symbol = facts.symbol
    resolution.title = facts.title
    resolution.adopted_on = facts.adopted_on
    resolution.session_kind = facts.session_kind
    resolution.session_number = facts.session_number
    resolution.meeting_record = facts.meeting_record
    resolution.draft_symbol = facts.draft_symbol
    resolution.agenda_item = facts.agenda_item
    resolution.adoption = facts.adoption
    resolution.adopted = True
    o = facts.official
    resolution.official_yes, resolution.official_no = o.yes, o.no
    resolution.official_abstain, resolution.official_non_voting = o.abstain, o.non_voting
    yes, no, abstain, non_voting = tally_of(votes)
    resolution.tally_yes, resolution.tally_no = yes, no
    resolution.tally_abstain, resolution.tally_non_voting = abstain, non_voting
    resolution.roll_call_complete = facts.roll_call_complete
    resolution.discrepancy = facts.discrepancy
    resolution.provisional = facts.provisional
    resolution.source_note = facts.source_note
    kept = [s for s in resolution.subjects if s.term in facts.subjects]
    have = {s.term for s in kept}
    resolution.subjects = kept + [
        ResolutionSubject(vocabulary=ADMIN_VOCABULARY, term=term)
        for term in facts.subjects
        if term not in have
    ]
    payload = [repr(facts), sorted((k, v.value) for k, v in votes.items())]
    resolution.content_hash = hashlib.sha256(json.dumps(payload, default=str).encode()).hexdigest()


def write_entry(
    session: Session,
    resolution: Resolution,
    entry: Entry,
    source_id: int,
    kind: SourceKind = SourceKind.ADMIN,
) -> None:
    """Write a checked form into a resolution (new or loaded) with its roll call; flushed, not audited.
    Shared by the admin's save and the import of provisional records (app.admin.provisional), whose
    ``kind`` is named among the record's sources (entered, or corrected, by an administrator)."""
    facts = entry.facts
    assert facts is not None
    resolution.source_id = source_id
    kinds = (resolution.source_kinds or "").split()
    resolution.source_kinds = " ".join(kinds if kind.value in kinds else [*kinds, kind.value])
    _apply(resolution, facts, entry.votes)
    if resolution.page_key is None and not facts.symbol:
        resolution.page_key = free_page_key(session, facts)
    session.add(resolution)
    session.flush()
    queries.delete_votes(session, resolution.id)
    if entry.votes:
        session.execute(
            insert(Vote),
            [{"resolution_id": resolution.id, "state_id": s, "choice": c} for s, c in entry.votes.items()],
        )


def refresh_public(session: Session, resolution_id: int, before: GroupingKey, after: GroupingKey) -> None:
    """Keep what the public site derives from resolutions in step with an admin save of one resolution,
    in the same transaction: its search entry, and the series of recurring resolutions only if what
    they are grouped by changed (regrouping all 5,600 records takes 0.6 s; a save of votes, or of a
    record that is not grouped, such as an emergency session's, cannot change them). Country figures
    need nothing: the in-memory vote matrix (app.countries.matrix) follows the data version. The ideal
    points are estimated again in the background once the save commits (a fit takes seconds)."""
    after_write(session, Written(resolution_id=resolution_id, regrouped=before != after))
    refit_after_commit(session)


def save_entry(
    session: Session, actor: Actor, entry: Entry, resolution: Resolution | None, loaded_version: int | None
) -> Resolution:
    """Create (``resolution`` None) or update a resolution with its votes and one audit entry.

    Raises ConflictError if the resolution changed since ``loaded_version``, SymbolTakenError if another
    one took the symbol meanwhile; in both cases nothing is written."""
    facts = entry.facts
    assert facts is not None
    assert not entry.errors
    labels = queries.state_labels(session, facts.adopted_on)
    new_votes = {labels[s][0]: c.value for s, c in entry.votes.items()}
    before = None
    grouped_before = grouping_key(resolution)
    if resolution is not None:
        if loaded_version != resolution.version:
            raise ConflictError
        before = snapshot(
            resolution, {k: v.value for k, v in queries.votes_by_code(session, resolution.id).items()}
        )
    try:
        with session.begin_nested():
            if resolution is None:
                # A draft: published_at is set when it is first published (what "new" is ordered by).
                # NULL is written explicitly: a None would leave the column to its server default.
                resolution = Resolution(
                    kind=DecisionKind.RESOLUTION, published=False, published_at=_NULL, subjects=[]
                )
            write_entry(session, resolution, entry, _admin_source(session).id)
            record(
                session,
                actor,
                "create" if before is None else "edit",
                "resolution",
                resolution.id,
                facts.symbol,
                before,
                snapshot(resolution, new_votes),
            )
    except StaleDataError:
        raise ConflictError from None
    except IntegrityError:
        raise SymbolTakenError from None
    refresh_public(session, resolution.id, grouped_before, grouping_key(resolution))
    return resolution


def set_published(
    session: Session, actor: Actor, resolution: Resolution, published: bool, loaded_version: int | None
) -> None:
    if loaded_version != resolution.version:
        raise ConflictError
    votes = {k: v.value for k, v in queries.votes_by_code(session, resolution.id).items()}
    before = snapshot(resolution, votes)
    grouped_before = grouping_key(resolution)
    try:
        with session.begin_nested():
            resolution.published = published
            if published and resolution.published_at is None:
                resolution.published_at = utcnow()
            session.flush()
            record(
                session,
                actor,
                "publish" if published else "unpublish",
                "resolution",
                resolution.id,
                resolution.symbol,
                before,
                snapshot(resolution, votes),
            )
    except StaleDataError:
        raise ConflictError from None
    refresh_public(session, resolution.id, grouped_before, grouping_key(resolution))


def delete_draft(session: Session, actor: Actor, resolution: Resolution, loaded_version: int | None) -> None:
    """Drafts only: a published record is withdrawn by unpublishing, so its history stays."""
    if loaded_version != resolution.version:
        raise ConflictError
    votes = {k: v.value for k, v in queries.votes_by_code(session, resolution.id).items()}
    record(
        session,
        actor,
        "delete",
        "resolution",
        resolution.id,
        resolution.symbol,
        snapshot(resolution, votes),
        None,
    )
    grouped_before, resolution_id = grouping_key(resolution), resolution.id
    session.delete(resolution)
    session.flush()
    refresh_public(session, resolution_id, grouped_before, None)


def add_intention(
    session: Session,
    actor: Actor,
    resolution: Resolution,
    state_id: int,
    intended: VoteChoice,
    statement: str,
    stated_on: dt.date | None,
) -> VoteIntention:
    """Record what a state later said it meant to vote; the official vote is left as it is."""
    note = queries.intention_for(session, resolution.id, state_id)
    before = None
    if note is None:
        note = VoteIntention(resolution_id=resolution.id, state_id=state_id)
        session.add(note)
    else:
        before = {"intended": note.intended.value, "statement": note.statement, "stated_on": note.stated_on}
    note.intended, note.statement, note.stated_on = intended, statement, stated_on
    note.updated_at = utcnow()
    session.flush()
    record(
        session,
        actor,
        "create" if before is None else "edit",
        "vote_intention",
        f"{resolution.id}:{state_id}",
        resolution.symbol,
        before,
        {"intended": intended.value, "statement": statement, "stated_on": stated_on},
    )
    return note
