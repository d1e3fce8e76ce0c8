"""Sign-in, server-side sessions and sign-in throttling (the guard in front of every request: guard.py).

* The cookie carries a random token signed with the secret key (itsdangerous); the database keeps only
  the token's SHA-256 with the session's CSRF token, last use and expiry, so signing out, idling and
  expiry really end a session, and a tampered or replayed-after-sign-out cookie is worthless.
* Failed sign-ins are counted in the database (so the limits hold across worker processes) per account
  and address pair, per address and per account. A pair that fails a few times must wait (doubling)
  before each further attempt, and is refused for the window after more; an address that fails against
  many names is refused likewise. The account's own cap (many failures from many addresses) refuses only
  browsers without the account's device cookie, set at each successful sign-in (OWASP's "device cookies"):
  guesses from elsewhere never lock the owner out, as a cap on the account alone did (six wrong
  passwords from anywhere locked the real admin out for 15 minutes). ``unga unlock-admin`` clears them.
* An attempt that must wait is refused before anything is written; repeated failures of one name from
  one address are one audit row with a count, so a flood of posts cannot flood the audit log.
* In production the cookies are Secure and named with the ``__Host-`` prefix (a sub-domain or a plain
  HTTP page cannot set or shadow them).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.admin import queries
from app.admin.passwords import verify_password
from app.admin.revocations import PendingRevocations, default_path
from app.audit import Actor, aware, record, utcnow
from app.config import Settings, get_settings
from app.db import write_session
from app.deps import SessionDep
from app.models import AdminSession, AdminUser, LoginFailure

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOGIN_PATH = "/admin/login"
LOGOUT_PATH = "/admin/logout"
COOKIE = "unga_admin"
LOGIN_COOKIE = "unga_admin_signin"
DEVICE_COOKIE = "unga_admin_device"
HOST_PREFIX = "__Host-"  # Secure, Path=/, no Domain: the browser enforces all three
# Every name the session cookie has: the page cache passes the requests that carry one to the app.
SESSION_COOKIES = (COOKIE, HOST_PREFIX + COOKIE)
DEVICE_MAX_AGE = 365 * 24 * 3600
MAX_BODY = 2_000_000  # bytes: the largest legitimate form (193 votes and a pasted list) is far smaller

THROTTLE_WINDOW = dt.timedelta(minutes=15)
SLOW_AFTER = 3  # failures of an account from one address before each further attempt has to wait
# Failures in the window before attempts are refused until it has passed: of one account from one address,
# from one address (any names), and of one account from everywhere (browsers without its device cookie).
LOCK_AFTER = {"pair": 10, "address": 20, "account": 50}


@dataclass(frozen=True)
class Admin:
    """The signed-in admin of a request."""

    user_id: int
    name: str
    session_id: str
    csrf_token: str
    address: str

    @property
    def actor(self) -> Actor:
        return Actor(self.user_id, self.name, self.address)


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def _serializer(settings: Settings, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.signing_key, salt=salt)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _secure(request: Request, settings: Settings) -> bool:
    return settings.cookies_secure or request.url.scheme == "https"


def cookie_name(base: str, settings: Settings | None = None) -> str:
    """``base``, with the ``__Host-`` prefix where the cookies are always Secure (production)."""
    return HOST_PREFIX + base if (settings or get_settings()).cookies_secure else base


def _login_cookie_path(settings: Settings) -> str:
    return "/" if settings.cookies_secure else LOGIN_PATH  # a __Host- cookie must have Path=/


def unsign_cookie(request: Request, cookie: str, salt: str, max_age: int) -> str | None:
    value = request.cookies.get(cookie_name(cookie))
    if not value or len(value) > 512:
        return None
    try:
        token = _serializer(get_settings(), salt).loads(value, max_age=max_age)
    except BadSignature:
        return None
    return token if isinstance(token, str) else None


# Sessions ------------------------------------------------------------------------------------------


def current_admin(request: Request, session: SessionDep) -> Admin | None:
    """The admin whose live session the cookie names, or None."""
    if request.method not in SAFE_METHODS and not session.in_transaction():
        # Every admin POST writes (even a failed sign-in): take the write lock first on SQLite.
        write_session(session)
    settings = get_settings()
    token = unsign_cookie(request, COOKIE, "admin-session", settings.admin_session_max_hours * 3600)
    if token is None:
        return None
    if _digest(token) in pending_revocations():  # signed out while the database could not record it
        _record_pending_revocation(session, _digest(token))
        return None
    now = utcnow()
    found = queries.live_session(session, _digest(token), now, idle_since(now))
    if found is None:
        return None
    admin_session, user = found
    if now - aware(admin_session.last_seen_at) > dt.timedelta(minutes=1):
        admin_session.last_seen_at = now
    return Admin(user.id, user.name, admin_session.id, admin_session.csrf_token, client_address(request))


AdminOrNone = Annotated[Admin | None, Depends(current_admin)]


def pending_revocations() -> PendingRevocations:
    return _pending_revocations(get_settings().database_url)


@lru_cache
def _pending_revocations(database_url: str) -> PendingRevocations:
    return PendingRevocations(default_path(database_url))


def _record_pending_revocation(session: Session, digest: str) -> None:
    """Revoke in the database a session signed out while it could not be written, if it can be now;
    once it holds the revocation the note is forgotten. Committed here, at the start of the request
    (nothing else is in its transaction yet), because the request itself is refused and rolled back."""
    row = session.get(AdminSession, digest)
    if row is None or row.revoked_at is not None:
        pending_revocations().forget(digest)
        return
    try:
        row.revoked_at = utcnow()
        session.commit()
    except DBAPIError:  # still cannot be written: the session stays refused, and this is tried again
        session.rollback()


def sign_out_anyway(request: Request, response: Response) -> None:
    """A sign-out the database could not record: clear the cookie all the same, and note the session so
    that it is refused, and revoked once the database can be written (app.admin.revocations)."""
    settings = get_settings()
    max_age = settings.admin_session_max_hours * 3600
    token = unsign_cookie(request, COOKIE, "admin-session", max_age)
    if token is not None:
        pending_revocations().add(_digest(token), time.time() + max_age)
    clear_session_cookie(response)


def idle_since(now: dt.datetime) -> dt.datetime:
    """A session last used before this has idled out."""
    return now - dt.timedelta(minutes=get_settings().admin_session_idle_minutes)


def active_sessions(session: Session, user_id: int | None = None) -> list[tuple[AdminSession, str]]:
    """Sessions still usable (all accounts', or one's), with the account name."""
    now = utcnow()
    return queries.active_sessions(session, now, idle_since(now), user_id)


def revoke_session(session: Session, actor: Actor, session_id: str) -> AdminSession | None:
    """End a session at once: the next request with its cookie is signed out. None if it is not live."""
    now = utcnow()
    row = queries.session_by_id(session, session_id)
    live = {s.id for s, _ in queries.active_sessions(session, now, idle_since(now))}
    if row is None or row.id not in live:
        return None
    row.revoked_at = now
    session.flush()
    record(
        session,
        actor,
        "revoke_session",
        "admin_user",
        row.user_id,
        f"session of {aware(row.created_at):%Y-%m-%d %H:%M} UTC from {row.address or 'an unknown address'}",
    )
    return row


def purge_stale(session: Session) -> tuple[int, int]:
    """Delete ended sessions and failed sign-ins too old to count: (sessions, failures) removed. Runs at
    every sign-in, and from ``unga purge-sessions`` for a site where nobody signs in for a while."""
    now = utcnow()
    return (
        queries.purge_sessions(session, now, idle_since(now)),
        queries.purge_failures(session, now - THROTTLE_WINDOW),
    )


def start_session(session: Session, request: Request, response: Response, user: AdminUser) -> str:
    """A new session (and so a new token and CSRF token) at every sign-in; ended sessions and old
    failures are cleared out on the way, so the tables stay small without a scheduled job."""
    settings = get_settings()
    purge_stale(session)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        AdminSession(
            id=_digest(token),
            user_id=user.id,
            csrf_token=(csrf := secrets.token_urlsafe(32)),
            created_at=now,
            last_seen_at=now,
            expires_at=now + dt.timedelta(hours=settings.admin_session_max_hours),
            address=client_address(request)[:64],
            user_agent=_printable(request.headers.get("user-agent", ""))[:200],
        )
    )
    secure = _secure(request, settings)
    response.set_cookie(
        cookie_name(COOKIE, settings),
        _serializer(settings, "admin-session").dumps(token),
        max_age=settings.admin_session_max_hours * 3600,
        path="/",
        secure=secure,
        httponly=True,
        samesite="lax",
    )
    # The device cookie: this browser has signed in to this account, so the account's cap (set off by
    # guesses from elsewhere) does not apply to it. It names the account and nothing else.
    response.set_cookie(
        cookie_name(DEVICE_COOKIE, settings),
        _serializer(settings, "admin-device").dumps(user.name.casefold()),
        max_age=DEVICE_MAX_AGE,
        path="/",
        secure=secure,
        httponly=True,
        samesite="strict",
    )
    response.delete_cookie(
        cookie_name(LOGIN_COOKIE, settings), path=_login_cookie_path(settings), secure=secure, httponly=True
    )
    return csrf  # the new session's CSRF token, for a page rendered in this same response


def _printable(text: str) -> str:
    """Header text as it may be stored and shown (PostgreSQL refuses NUL; nothing else needs care)."""
    return "".join(ch for ch in text if ch.isprintable())


def end_session(session: Session, admin: Admin, response: Response) -> None:
    row = session.get(AdminSession, admin.session_id)
    if row is not None:
        row.revoked_at = utcnow()
    clear_session_cookie(response)


def clear_session_cookie(response: Response) -> None:
    """Tell the browser to drop the session cookie (under either name)."""
    for name in SESSION_COOKIES:
        response.delete_cookie(name, path="/", secure=name.startswith(HOST_PREFIX), httponly=True)


# The sign-in form's CSRF token, before there is a session ----------------------------------------------


def signin_token(request: Request) -> tuple[str, str | None]:
    """The pre-sign-in token and, if it is new, the signed cookie value to set."""
    token = unsign_cookie(request, LOGIN_COOKIE, "admin-signin", 3600)
    if token is not None:
        return token, None
    token = secrets.token_urlsafe(32)
    return token, _serializer(get_settings(), "admin-signin").dumps(token)


def set_signin_cookie(request: Request, response: Response, value: str) -> None:
    settings = get_settings()
    response.set_cookie(
        cookie_name(LOGIN_COOKIE, settings),
        value,
        max_age=3600,
        path=_login_cookie_path(settings),
        secure=_secure(request, settings),
        httponly=True,
        samesite="lax",
    )


# Throttling ------------------------------------------------------------------------------------------


def _account(name: str) -> str:
    return name.casefold()[:80]


def _keys(address: str, account: str) -> list[tuple[str, str]]:
    """The (scope, key) counters a failure of ``account`` from ``address`` adds to."""
    account = _account(account)
    return [("pair", f"{account}|{address[:47]}"), ("address", address[:128]), ("account", account)]


def has_device_cookie(request: Request, account: str) -> bool:
    """Whether this browser has signed in to ``account`` before (the device cookie names it)."""
    named = unsign_cookie(request, DEVICE_COOKIE, "admin-device", DEVICE_MAX_AGE)
    return named is not None and hmac.compare_digest(named.encode(), _account(account).encode())


def throttle_wait(session: Session, address: str, account: str, *, known_device: bool = False) -> int:
    """Seconds before another sign-in attempt of ``account`` from ``address`` may be checked; 0 if it
    may be now. ``known_device``: the browser carries the account's device cookie, so the account's own
    cap does not apply (only this address's counts do)."""
    now = utcnow()
    wait = dt.timedelta(0)
    for scope, key in _keys(address, account):
        if scope == "account" and known_device:
            continue
        count, last = queries.failures(session, scope, key, now - THROTTLE_WINDOW)
        if last is None:
            continue
        last = aware(last)
        if count >= LOCK_AFTER[scope]:
            wait = max(wait, last + THROTTLE_WINDOW - now)
        elif scope == "pair" and count >= SLOW_AFTER:
            wait = max(wait, last + dt.timedelta(seconds=2 ** (count - SLOW_AFTER + 1)) - now)
    return max(0, int(wait.total_seconds() + 0.999))


def check_password(session: Session, request: Request, name: str, password: str) -> AdminUser | None:
    """The account if the name and password match, recording the outcome (counts and audit). Call
    ``throttle_wait`` first: a refused attempt writes nothing."""
    address = client_address(request)
    user = queries.user_by_name(session, name)
    usable = user is not None and not user.disabled
    ok, new_hash = verify_password(password, user.password_hash if usable and user else None)
    if ok and user is not None:
        if new_hash:
            user.password_hash = new_hash
        for scope, key in _keys(address, name):
            if scope != "account":  # the account's count is everyone's; its owner signing in ends none
                queries.forget_failures(session, scope, key)
        return user
    now = utcnow()
    queries.purge_failures(session, now - THROTTLE_WINDOW)
    for scope, key in _keys(address, name):
        session.add(LoginFailure(scope=scope, key=key, failed_at=now))
    reason = (
        "unknown account" if user is None else ("account disabled" if user.disabled else "wrong password")
    )
    earlier = queries.recent_failure_event(session, name[:128], address[:64], now - THROTTLE_WINDOW)
    if earlier is not None:  # the same name from the same address again: one row, counted
        earlier.count += 1
        session.flush()
    else:
        record(session, Actor(None, name[:80], address), "sign_in_failed", "admin_user", name[:128], reason)
    return None


def unlock(session: Session, account: str, address: str = "") -> int:
    """Forget the failed sign-ins of ``account`` (its own count and every address's against it), and of
    ``address`` if given: what ``unga unlock-admin`` does. The number of failures forgotten."""
    account = _account(account)
    forgotten = queries.forget_failures(session, "account", account)
    forgotten += queries.forget_failures_like(session, "pair", account + "|")
    if address:
        forgotten += queries.forget_failures(session, "address", address[:128])
    return forgotten
