"""The one guard in front of every admin request, and the dependencies admin routes take: the signed-in
admin (or a redirect to the sign-in page) and the posted form, read once.

``admin_guard`` is a router-level dependency: it refuses a body over MAX_BODY; for unsafe methods it
checks the ``Origin`` (or ``Referer``) against the host, then the CSRF token in the form against the
session's (or, for the sign-in form, against the signed pre-sign-in cookie). Without a session, pages
redirect to the sign-in form and unsafe requests get 403."""

from __future__ import annotations

import hmac
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import Depends, HTTPException, Request
from starlette.datastructures import FormData
from starlette.types import Message, Receive

from app.admin.auth import (
    LOGIN_COOKIE,
    LOGIN_PATH,
    MAX_BODY,
    SAFE_METHODS,
    Admin,
    AdminOrNone,
    unsign_cookie,
)
from app.admin.resume import SessionEndedError

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
        expected = unsign_cookie(request, LOGIN_COOKIE, "admin-signin", 3600)
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
