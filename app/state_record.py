"""How a member state's whole record is loaded: its dated names, memberships, other names and suspensions,
in one query each (relationships are lazy="raise"). The admin's state screens, the import of
data/states.toml and the export read every part, so they share this one list of loader options."""

from __future__ import annotations

from sqlalchemy.orm import selectinload

from app.models import State

WHOLE_RECORD = (
    selectinload(State.names),
    selectinload(State.memberships),
    selectinload(State.aliases),
    selectinload(State.suspensions),
)
