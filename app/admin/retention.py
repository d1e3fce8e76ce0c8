"""How long the audit log keeps what (``unga purge-sessions``): failed sign-ins for a while, what admins
changed for ever unless a retention is set."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from app.admin import queries
from app.audit import utcnow
from app.config import get_settings

SIGN_IN_EVENTS = ("sign_in_failed", "sign_in_refused")  # written without a session: anyone can cause them


def purge_audit(session: Session) -> tuple[int, int]:
    """The audit log's retention (``unga purge-sessions``): failed sign-ins older than
    UNGA_SIGNIN_AUDIT_DAYS (90), and, if UNGA_AUDIT_RETENTION_DAYS is set, every other event older than
    that (by default what admins changed is kept for ever). Returns (sign-in events, others) removed."""
    settings, now = get_settings(), utcnow()
    signins = queries.purge_audit(
        session, SIGN_IN_EVENTS, now - dt.timedelta(days=settings.signin_audit_days), only=True
    )
    others = 0
    if settings.audit_retention_days:
        before = now - dt.timedelta(days=settings.audit_retention_days)
        others = queries.purge_audit(session, SIGN_IN_EVENTS, before, only=False)
    return signins, others
