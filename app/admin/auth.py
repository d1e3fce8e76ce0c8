"""Sign-in, server-side sessions, sign-in throttling and the one guard in front of every admin request.

* The cookie carries a random token signed with the secret key (itsdangerous); the database keeps only
  the token's SHA-256 with the session's CSRF token, last use and expiry, so signing out, idling and
  expiry really end a session, and a tampered or replayed-after-sign-out cookie is worthless.
* Failed sign-ins are counted in the database per client address and per account name, so the limits
  hold across worker processes: after a few failures each further attempt must wait (doubling), and
  after more the address or account is refused until the window has passed.
* ``admin_guard`` is a router-level dependency: for unsafe methods it checks the ``Origin`` (or
  ``Referer``) against the host, then the CSRF token in the form against the session's (or, for the
  sign-in form, against the signed pre-sign-in cookie). Without a session, pages redirect to the
  sign-in form and unsafe requests get 403.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import Depends, HTTPException, Request
from fastapi.responses import Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.types import Message, Receive

from app.admin import queries
from app.admin.audit import Actor, aware, record, utcnow
from app.admin.passwords import verify_password
from app.admin.resume import SessionEndedError
from app.config import Settings, get_settings
from app.db import write_session
from app.deps import SessionDep
from app.models import AdminSession, AdminUser, LoginFailure

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOGIN_PATH = "/admin/login"
COOKIE = "unga_admin"
LOGIN_COOKIE = "unga_admin_signin"
MAX_BODY = 2_000_000  # bytes: the largest legitimate form (193 votes and a pasted list) is far smaller

THROTTLE_WINDOW = dt.timedelta(minutes=15)
SLOW_AFTER = 3  # failures before each further attempt has to wait
LOCK_AFTER = {"account": 6, "address": 20}  # failures in the window before all attempts are refused


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
    return settings.secure_cookies or request.url.scheme == "https"


def _unsign(request: Request, cookie: str, salt: str, max_age: int) -> str | None:
    value = request.cookies.get(cookie)
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
    token = _unsign(request, COOKIE, "admin-session", settings.admin_session_max_hours * 3600)
    if token is None:
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
    response.set_cookie(
        COOKIE,
        _serializer(settings, "admin-session").dumps(token),
        max_age=settings.admin_session_max_hours * 3600,
        path="/",
        secure=_secure(request, settings),
        httponly=True,
        samesite="lax",
    )
    response.delete_cookie(LOGIN_COOKIE, path=LOGIN_PATH)
    return csrf  # the new session's CSRF token, for a page rendered in this same response


def _printable(text: str) -> str:
    """Header text as it may be stored and shown (PostgreSQL refuses NUL; nothing else needs care)."""
    return "".join(ch for ch in text if ch.isprintable())


def end_session(session: Session, admin: Admin, response: Response) -> None:
    row = session.get(AdminSession, admin.session_id)
    if row is not None:
        row.revoked_at = utcnow()
    response.delete_cookie(COOKIE, path="/")


# The sign-in form's CSRF token, before there is a session ----------------------------------------------


def signin_token(request: Request) -> tuple[str, str | None]:
    """The pre-sign-in token and, if it is new, the signed cookie value to set."""
    token = _unsign(request, LOGIN_COOKIE, "admin-signin", 3600)
    if token is not None:
        return token, None
    token = secrets.token_urlsafe(32)
    return token, _serializer(get_settings(), "admin-signin").dumps(token)


def set_signin_cookie(request: Request, response: Response, value: str) -> None:
    response.set_cookie(
        LOGIN_COOKIE,
        value,
        max_age=3600,
        path=LOGIN_PATH,
        secure=_secure(request, get_settings()),
        httponly=True,
        samesite="lax",
    )


# Throttling ------------------------------------------------------------------------------------------


def _keys(address: str, account: str) -> list[tuple[str, str]]:
    return [("address", address[:128]), ("account", account.casefold()[:128])]


def throttle_wait(session: Session, address: str, account: str) -> int:
    """Seconds before another sign-in attempt may be checked; 0 if it may be now."""
    now = utcnow()
    wait = dt.timedelta(0)
    for scope, key in _keys(address, account):
        count, last = queries.failures(session, scope, key, now - THROTTLE_WINDOW)
        if last is None:
            continue
        last = aware(last)
        if count >= LOCK_AFTER[scope]:
            wait = max(wait, last + THROTTLE_WINDOW - now)
        elif count >= SLOW_AFTER:
            wait = max(wait, last + dt.timedelta(seconds=2 ** (count - SLOW_AFTER + 1)) - now)
    return max(0, int(wait.total_seconds() + 0.999))


def check_password(session: Session, request: Request, name: str, password: str) -> AdminUser | None:
    """The account if the name and password match, recording the outcome (counts and audit)."""
    address = client_address(request)
    user = queries.user_by_name(session, name)
    usable = user is not None and not user.disabled
    ok, new_hash = verify_password(password, user.password_hash if usable and user else None)
    if ok and user is not None:
        if new_hash:
            user.password_hash = new_hash
        for scope, key in _keys(address, name):
            queries.forget_failures(session, scope, key)
        return user
    now = utcnow()
    queries.purge_failures(session, now - THROTTLE_WINDOW)
    for scope, key in _keys(address, name):
        session.add(LoginFailure(scope=scope, key=key, failed_at=now))
    record(
        session,
        Actor(None, name[:80], address),
        "sign_in_failed",
        "admin_user",
        name[:128],
        "unknown account" if user is None else ("account disabled" if user.disabled else "wrong password"),
    )
    return None


# The guard ---------------------------------------------------------------------------------------------


TOO_LARGE = f"Request too large: an admin form sends at most {MAX_BODY:,} bytes."


async def _read_body(request: Request) -> bytes:
    """The body, read with the limit enforced as it arrives: a chunked request (no Content-Length) or
    one that sends more than it declared is cut off at MAX_BODY, not parsed whole first."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise HTTPException(413, TOO_LARGE)
        chunks.append(chunk)
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    """An ASGI receive channel that hands over a body already read, so the form parser reads it."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _same_origin(request: Request) -> bool:
    claimed = request.headers.get("origin") or request.headers.get("referer")
    if not claimed or claimed == "null":
        return False
    parts = urlsplit(claimed)
    host = request.headers.get("host", "")
    return parts.scheme in {"http", "https"} and bool(host) and parts.netloc.lower() == host.lower()


def login_redirect(request: Request) -> HTTPException:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return HTTPException(303, "Sign in first.", headers={"Location": f"{LOGIN_PATH}?next={quote(target)}"})


async def admin_guard(request: Request, admin: AdminOrNone) -> None:
    """Access control and CSRF protection for the whole admin router, in one place."""
    path = request.url.path
    if request.method in SAFE_METHODS:
        if admin is None and path != LOGIN_PATH:
            raise login_redirect(request)
        return
    if not _same_origin(request):
        raise HTTPException(403, "Cross-origin request refused.")
    length = request.headers.get("content-length", "")
    if length and (not (length.isascii() and length.isdigit()) or int(length) > MAX_BODY):
        raise HTTPException(413, TOO_LARGE)
    body = await _read_body(request)
    try:
        form = await Request(request.scope, _replay(body)).form(
            max_files=0, max_fields=2000, max_part_size=MAX_BODY
        )
    except HTTPException:
        raise
    except Exception:  # malformed multipart bodies and the like
        raise HTTPException(400, "Malformed form.") from None
    request.state.admin_form = form
    sent = form.get("csrf_token")
    if path == LOGIN_PATH:
        expected = _unsign(request, LOGIN_COOKIE, "admin-signin", 3600)
    elif admin is None:
        # The session ended while a form was open: keep what was typed for after signing in again
        # (app.admin.resume), rather than refusing it and losing it.
        fields = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
        raise SessionEndedError(path, fields)
    else:
        expected = admin.csrf_token
    if not expected or not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise HTTPException(403, "Missing or wrong CSRF token: reload the page and try again.")


def require_admin(admin: AdminOrNone, request: Request) -> Admin:
    """For handlers: the signed-in admin (the guard has already turned everyone else away)."""
    if admin is None:
        raise login_redirect(request)
    return admin


AdminDep = Annotated[Admin, Depends(require_admin)]


def read_form(request: Request) -> dict[str, list[str]]:
    """The posted form (already read, size-limited and CSRF-checked by the guard) as lists of strings."""
    form: FormData = request.state.admin_form
    out: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        out.setdefault(key, []).append(value if isinstance(value, str) else "")
    return out


FormDep = Annotated[dict[str, list[str]], Depends(read_form)]
