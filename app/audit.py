"""The audit trail: one row per change, added to the same transaction as the change itself."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.models import AuditEvent


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def aware(value: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; every datetime the admin stores is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class Actor:
    """Who did it: an account (id and name) or the command line, and from which address."""

    user_id: int | None
    name: str
    address: str = ""


def _json(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: str | int,
    summary: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        at=utcnow(),
        actor_id=actor.user_id,
        actor=actor.name[:80],
        action=action,
        entity=entity,
        entity_id=str(entity_id)[:128],
        summary=summary,
        before_json=_json(before),
        after_json=_json(after),
        address=actor.address[:64],
    )
    session.add(event)
    session.flush()
    return event


def _shown(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) > 12:
        return f"{len(value)} entries"
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def changes(before_json: str | None, after_json: str | None) -> list[tuple[str, str, str]]:
    """Fields whose values differ between two snapshots, as (field, before, after), readable. For the
    roll call only the states whose vote changed are listed."""
    before: dict[str, Any] = json.loads(before_json) if before_json else {}
    after: dict[str, Any] = json.loads(after_json) if after_json else {}
    out: list[tuple[str, str, str]] = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if key == "votes" and isinstance(old, dict) and isinstance(new, dict):
            moved = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
            old = {k: old.get(k) for k in moved}
            new = {k: new.get(k) for k in moved}
        out.append((key, _shown(old), _shown(new)))
    return out
