"""Signing in and out, and the list of signed-in sessions."""

from __future__ import annotations

import math
from functools import partial
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from app.admin import resume
from app.admin.auth import (
    AdminOrNone,
    active_sessions,
    check_password,
    client_address,
    end_session,
    has_device_cookie,
    revoke_session,
    set_signin_cookie,
    signin_token,
    start_session,
    throttle_wait,
)
from app.admin.guard import AdminDep, FormDep
from app.admin.pages.common import first, render, safe_next
from app.admin.passwords import MAX_LENGTH
from app.admin.views import SessionsPage
from app.audit import Actor, record
from app.deps import SessionDep
from app.kit.text_checks import text_problem

router = APIRouter(prefix="/admin")


# Signing in and out ------------------------------------------------------------------------------------


def _login_page(
    request: Request,
    status: int,
    message: str = "",
    name: str = "",
    next_: str = "/admin",
    kept: str = "",
) -> Response:
    """The sign-in form; ``kept``: a form the admin was filling in when their session ended."""
    token, new_cookie = signin_token(request)
    response = render(
        request,
        "login.html",
        None,
        status,
        signin_csrf=token,
        message=message,
        name=name,
        next=safe_next(next_),
        kept=kept if resume.restore(kept) else "",
    )
    if new_cookie:
        set_signin_cookie(request, response, new_cookie)
    return response


@router.get("/login")
def login_form(
    request: Request, admin: AdminOrNone, next: Annotated[str, Query(max_length=300)] = "/admin"
) -> Response:
    if admin is not None:
        return RedirectResponse(safe_next(next), 303)
    return _login_page(request, 200, next_=next)


@router.post("/login")
def login_submit(request: Request, session: SessionDep, form: FormDep) -> Response:
    name, password, next_ = first(form, "name").strip(), first(form, "password"), first(form, "next")
    kept = first(form, "kept")
    login_page = partial(_login_page, kept=kept)
    if not name or not password or len(name) > 80 or len(password) > MAX_LENGTH or text_problem(name, 80):
        return login_page(request, 400, "Give your account name and password.", name[:80], next_)
    # Before anything is written: a refused attempt leaves no row (the failures it follows are counted).
    wait = throttle_wait(
        session, client_address(request), name, known_device=has_device_cookie(request, name)
    )
    if wait:
        minutes = math.ceil(wait / 60)
        when = f"{wait} seconds" if wait < 60 else f"{minutes} minute{'s' if minutes > 1 else ''}"
        response = login_page(request, 429, f"Too many failed sign-ins. Try again in {when}.", name, next_)
        response.headers["Retry-After"] = str(wait)
        return response
    user = check_password(session, request, name, password)
    if user is None:
        return login_page(request, 400, "Wrong account name or password.", name, next_)
    cookies = Response()  # the new session's cookies, for whichever answer follows
    csrf = start_session(session, request, cookies, user)
    restored = resume.restore(kept)
    response = RedirectResponse(safe_next(next_), 303)
    if restored is not None:
        # Back to the form the session ended on, with what was typed (app.admin.resume).
        response = render(request, "resume.html", None, 200, signin_csrf=csrf, kept=restored)
    for value in cookies.headers.getlist("set-cookie"):
        response.headers.append("set-cookie", value)
    record(
        session,
        Actor(user.id, user.name, client_address(request)),
        "sign_in",
        "admin_user",
        user.id,
        user.name,
    )
    return response


def session_ended(request: Request, exc: Exception) -> Response:
    """A form posted after the session ended (app.admin.resume): the sign-in form, keeping what was
    typed. 403 like any unsafe request without a session: nothing was done."""
    assert isinstance(exc, resume.SessionEndedError)
    message = (
        "Your session has ended. Sign in again: what you typed is kept, and you will return to your form "
        "to check and save it."
    )
    return _login_page(request, 403, message, kept=resume.keep(exc.path, exc.fields))


@router.post("/logout")
def logout(admin: AdminDep, session: SessionDep) -> Response:
    response = RedirectResponse("/admin/login", 303)
    end_session(session, admin, response)
    record(session, admin.actor, "sign_out", "admin_user", admin.user_id, admin.name)
    return response


# Sessions ----------------------------------------------------------------------------------------------


@router.get("/sessions")
def sessions(request: Request, admin: AdminDep, session: SessionDep, revoked: str = "") -> Response:
    """Every account's live sessions (admins are equals: any of them may end a stolen session)."""
    rows = active_sessions(session)
    page = SessionsPage(
        mine=[(s, name) for s, name in rows if s.user_id == admin.user_id],
        others=[(s, name) for s, name in rows if s.user_id != admin.user_id],
        revoked=bool(revoked),
    )
    return render(request, "sessions.html", admin, **dict(page))


@router.post("/sessions/revoke")
def revoke(admin: AdminDep, session: SessionDep, form: FormDep) -> Response:
    target = first(form, "session")
    ended = revoke_session(session, admin.actor, target) if len(target) == 64 else None
    if ended is None:
        raise HTTPException(404, "No such session: it may have ended already.")
    if ended.id == admin.session_id:
        response = RedirectResponse("/admin/login", 303)
        end_session(session, admin, response)
        return response
    return RedirectResponse("/admin/sessions?revoked=1", 303)
