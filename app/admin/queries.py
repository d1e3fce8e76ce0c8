"""SQL for the admin area. Routes never build queries; they call these (or the service that does)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.admin.rollcall import DatedName
from app.admin.symbol_checks import KnownSession
from app.collation import name_key
from app.dated_names import name_on
from app.ingest.names import StateResolver
from app.models import (
    AdminSession,
    AdminUser,
    AuditEvent,
    DataSource,
    DecisionKind,
    LoginFailure,
    Membership,
    Resolution,
    SessionKind,
    SourceKind,
    State,
    StateName,
    Suspension,
    Vote,
    VoteChoice,
    VoteIntention,
)
from app.pagination import PageParams


@dataclass(frozen=True)
class Member:
    """A state that was a member on a vote's date, with its name on that date."""

    state_id: int
    code: str
    name: str
    suspended: bool  # had lost its vote on that date (Article 19)


# Accounts and sessions ---------------------------------------------------------------------------


def user_by_name(session: Session, name: str) -> AdminUser | None:
    return session.scalar(select(AdminUser).where(AdminUser.name == name))


def live_session(
    session: Session, session_id: str, now: dt.datetime, idle_since: dt.datetime
) -> tuple[AdminSession, AdminUser] | None:
    """A session that is neither revoked, expired nor idle too long, with its (enabled) account."""
    row = session.execute(
        select(AdminSession, AdminUser)
        .join(AdminUser, AdminUser.id == AdminSession.user_id)
        .where(AdminSession.id == session_id, *_live(now, idle_since), AdminUser.disabled.is_(False))
    ).one_or_none()
    return None if row is None else (row[0], row[1])


def _live(now: dt.datetime, idle_since: dt.datetime) -> list[ColumnElement[bool]]:
    return [
        AdminSession.revoked_at.is_(None),
        AdminSession.expires_at > now,
        AdminSession.last_seen_at > idle_since,
    ]


def active_sessions(
    session: Session, now: dt.datetime, idle_since: dt.datetime, user_id: int | None = None
) -> list[tuple[AdminSession, str]]:
    """Live sessions with their account's name, most recently used first (one account's if given)."""
    query = (
        select(AdminSession, AdminUser.name)
        .join(AdminUser, AdminUser.id == AdminSession.user_id)
        .where(*_live(now, idle_since))
    )
    if user_id is not None:
        query = query.where(AdminSession.user_id == user_id)
    rows = session.execute(query.order_by(AdminSession.last_seen_at.desc(), AdminSession.id))
    return [(row[0], row[1]) for row in rows]


def session_by_id(session: Session, session_id: str) -> AdminSession | None:
    return session.get(AdminSession, session_id)


def purge_sessions(session: Session, now: dt.datetime, idle_since: dt.datetime) -> int:
    """Delete the sessions no cookie can use any more (revoked, expired or idle too long)."""
    result = session.execute(
        delete(AdminSession).where(
            or_(
                AdminSession.revoked_at.is_not(None),
                AdminSession.expires_at <= now,
                AdminSession.last_seen_at <= idle_since,
            )
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def failures(session: Session, scope: str, key: str, since: dt.datetime) -> tuple[int, dt.datetime | None]:
    """How many failed sign-ins since a time, and when the last one was."""
    count, last = session.execute(
        select(func.count(), func.max(LoginFailure.failed_at)).where(
            LoginFailure.scope == scope, LoginFailure.key == key, LoginFailure.failed_at > since
        )
    ).one()
    return int(count), last


def forget_failures(session: Session, scope: str, key: str) -> int:
    result = session.execute(delete(LoginFailure).where(LoginFailure.scope == scope, LoginFailure.key == key))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def forget_failures_like(session: Session, scope: str, prefix: str) -> int:
    """Forget the failures of every key that starts with ``prefix`` (an account's pairs)."""
    result = session.execute(
        delete(LoginFailure).where(
            LoginFailure.scope == scope, LoginFailure.key.startswith(prefix, autoescape=True)
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def recent_failure_event(session: Session, name: str, address: str, since: dt.datetime) -> AuditEvent | None:
    """The audit row of the last failed sign-in of this name from this address since a time."""
    return session.scalar(
        select(AuditEvent)
        .where(
            AuditEvent.action == "sign_in_failed",
            AuditEvent.entity_id == name,
            AuditEvent.address == address,
            AuditEvent.at > since,
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )


def purge_audit(session: Session, actions: tuple[str, ...], before: dt.datetime, *, only: bool) -> int:
    """Delete audit events older than ``before``: those with one of ``actions`` (only=True) or all others."""
    chosen = AuditEvent.action.in_(actions) if only else AuditEvent.action.not_in(actions)
    result = session.execute(delete(AuditEvent).where(chosen, AuditEvent.at < before))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def purge_failures(session: Session, before: dt.datetime) -> int:
    result = session.execute(delete(LoginFailure).where(LoginFailure.failed_at < before))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# Resolutions ----------------------------------------------------------------------------------------


def resolution_by_id(session: Session, resolution_id: int) -> Resolution | None:
    return session.scalar(
        select(Resolution)
        .options(selectinload(Resolution.subjects))
        .where(Resolution.id == resolution_id, Resolution.kind == DecisionKind.RESOLUTION)
    )


def resolution_id_by_symbol(session: Session, symbol: str) -> int | None:
    return session.scalar(
        select(Resolution.id).where(Resolution.symbol == symbol, Resolution.kind == DecisionKind.RESOLUTION)
    )


def resolution_id_by_page_key(session: Session, key: str) -> int | None:
    return session.scalar(select(Resolution.id).where(Resolution.page_key == key))


def recent_resolutions(session: Session, *, drafts_only: bool, limit: int = 30) -> list[Resolution]:
    """Drafts, or what admins entered or changed most recently."""
    query = select(Resolution).where(Resolution.kind == DecisionKind.RESOLUTION)
    if drafts_only:
        query = query.where(Resolution.published.is_(False))
    else:
        query = query.join(DataSource, DataSource.id == Resolution.source_id).where(
            DataSource.kind == SourceKind.ADMIN
        )
    return list(
        session.scalars(query.order_by(Resolution.updated_at.desc(), Resolution.id.desc()).limit(limit))
    )


def votes_by_code(session: Session, resolution_id: int) -> dict[str, VoteChoice]:
    rows = session.execute(
        select(State.code, Vote.choice)
        .join(State, State.id == Vote.state_id)
        .where(Vote.resolution_id == resolution_id)
    )
    return dict(rows.all())


def delete_votes(session: Session, resolution_id: int) -> None:
    session.execute(delete(Vote).where(Vote.resolution_id == resolution_id))


def admin_source(session: Session) -> DataSource | None:
    return session.scalar(select(DataSource).where(DataSource.kind == SourceKind.ADMIN))


def members_on(session: Session, resolver: StateResolver, day: dt.date) -> list[Member]:
    """Every member on a date with its name then, alphabetically; suspended members are marked."""
    ids = resolver.members_on(day)
    if not ids:
        return []
    name = func.coalesce(name_on(State.id, day), State.name)
    rows = session.execute(select(State.id, State.code, name).where(State.id.in_(ids))).all()
    suspended = set(
        session.scalars(
            select(Suspension.state_id).where(
                Suspension.starts_on <= day, or_(Suspension.ends_on.is_(None), Suspension.ends_on >= day)
            )
        )
    )
    members = [
        Member(state_id, code, state_name, state_id in suspended) for state_id, code, state_name in rows
    ]
    return sorted(members, key=lambda m: name_key(m.name))


def known_sessions(session: Session) -> dict[tuple[SessionKind, int], KnownSession]:
    """The special and emergency special sessions recorded, with the date of each one's first vote."""
    rows = session.execute(
        select(Resolution.session_kind, Resolution.session_number, func.min(Resolution.adopted_on))
        .where(Resolution.session_kind != SessionKind.REGULAR)
        .group_by(Resolution.session_kind, Resolution.session_number)
    ).all()
    return {(kind, number): KnownSession(_date(first)) for kind, number, first in rows}


def _date(value: dt.date | str) -> dt.date:
    # SQLite returns MIN over a date column as text.
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def dated_names(session: Session) -> dict[int, list[DatedName]]:
    """Every seat's names with the periods they were used in. A dissolved state's last name ends with
    its membership (the reference data leaves it open: Czechoslovakia, the GDR, Yugoslavia)."""
    ended: dict[int, dt.date | None] = {}
    for state_id, end in session.execute(
        select(Membership.state_id, Membership.ended_on).order_by(Membership.admitted_on)
    ):
        ended[state_id] = end  # the last period's end (None while a member)
    out: dict[int, list[DatedName]] = {}
    for state_id, name, start, end in session.execute(
        select(StateName.state_id, StateName.name, StateName.valid_from, StateName.valid_to).order_by(
            StateName.valid_from
        )
    ):
        last_day = ended.get(state_id)
        if end is None and last_day is not None:
            end = last_day
        out.setdefault(state_id, []).append(DatedName(name, start, end))
    return out


def state_labels(session: Session, day: dt.date) -> dict[int, tuple[str, str]]:
    """Every state's code and name on a date (for naming non-members someone tried to record)."""
    name = func.coalesce(name_on(State.id, day), State.name)
    return {state_id: (code, n) for state_id, code, n in session.execute(select(State.id, State.code, name))}


def intention_for(session: Session, resolution_id: int, state_id: int) -> VoteIntention | None:
    return session.scalar(
        select(VoteIntention).where(
            VoteIntention.resolution_id == resolution_id, VoteIntention.state_id == state_id
        )
    )


# Audit trail ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    entity: str = ""
    entity_id: str = ""
    actor: str = ""


def audit_events(session: Session, filters: AuditFilters, page: PageParams) -> tuple[list[AuditEvent], int]:
    query = select(AuditEvent)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.entity:
        query = query.where(AuditEvent.entity == filters.entity)
    if filters.entity_id:
        query = query.where(AuditEvent.entity_id == filters.entity_id)
    if filters.actor:
        query = query.where(AuditEvent.actor == filters.actor)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(AuditEvent.id.desc()).offset(page.offset).limit(page.per_page))
    return list(rows), total


def audit_for(session: Session, entity: str, entity_id: str, after_id: int = 0) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id, AuditEvent.id > after_id)
            .order_by(AuditEvent.id.desc())
        )
    )


def audit_actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
