"""The admin area under /admin: the only web write path.

Every route sits behind ``admin_guard`` (router-level): pages need a live session, and every unsafe
request needs a same-origin Origin header and the session's CSRF token. Handlers stay thin: read the
form, call the service, render or redirect.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable
from functools import partial
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.admin import queries, service
from app.admin import states as states_service
from app.admin.audit import Actor, changes, record
from app.admin.auth import (
    AdminDep,
    AdminOrNone,
    FormDep,
    active_sessions,
    admin_guard,
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
from app.admin.forms import RawForm, raw_form, read_date, read_state_date, text_problem
from app.admin.passwords import MAX_LENGTH
from app.config import get_settings
from app.deps import PageDep, RowId, SessionDep
from app.ingest.errors import IngestError
from app.ingest.names import StateResolver
from app.ingest.reference import build_resolver, load_reference
from app.models import RegionalGroup, Resolution, VoteChoice
from app.resolutions import queries as resolution_queries
from app.resolutions.service import display_tally, session_label
from app.symbols import normalize_symbol
from app.templating import get_templates
from app.urls import resolution_path

router = APIRouter(prefix="/admin", include_in_schema=False, dependencies=[Depends(admin_guard)])

CHOICES = [(c.value, c.label) for c in VoteChoice]


def _render(request: Request, template: str, admin: Any, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("errors", {})
    csrf = admin.csrf_token if admin is not None else context.pop("signin_csrf", "")
    return get_templates().TemplateResponse(
        request, f"admin/{template}", {"admin": admin, "csrf_token": csrf, **context}, status_code=status
    )


def _first(form: dict[str, list[str]], name: str) -> str:
    return (form.get(name) or [""])[0]


def _safe_next(target: str) -> str:
    """Only a path inside the admin: no other site, no header-breaking characters."""
    ok = (
        target.startswith("/admin")
        and "//" not in target
        and "\\" not in target
        and len(target) < 300
        and target.isascii()
        and target.isprintable()
    )
    return target if ok else "/admin"


def _version(raw: str) -> int | None:
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


# Signing in and out ------------------------------------------------------------------------------------


def _login_page(
    request: Request, status: int, message: str = "", name: str = "", next_: str = "/admin"
) -> Response:
    token, new_cookie = signin_token(request)
    response = _render(
        request,
        "login.html",
        None,
        status,
        signin_csrf=token,
        message=message,
        name=name,
        next=_safe_next(next_),
    )
    if new_cookie:
        set_signin_cookie(request, response, new_cookie)
    return response


@router.get("/login")
def login_form(
    request: Request, admin: AdminOrNone, next: Annotated[str, Query(max_length=300)] = "/admin"
) -> Response:
    if admin is not None:
        return RedirectResponse(_safe_next(next), 303)
    return _login_page(request, 200, next_=next)


@router.post("/login")
def login_submit(request: Request, session: SessionDep, form: FormDep) -> Response:
    name, password, next_ = _first(form, "name").strip(), _first(form, "password"), _first(form, "next")
    if not name or not password or len(name) > 80 or len(password) > MAX_LENGTH or text_problem(name, 80):
        return _login_page(request, 400, "Give your account name and password.", name[:80], next_)
    # Before anything is written: a refused attempt leaves no row (the failures it follows are counted).
    wait = throttle_wait(
        session, client_address(request), name, known_device=has_device_cookie(request, name)
    )
    if wait:
        minutes = math.ceil(wait / 60)
        when = f"{wait} seconds" if wait < 60 else f"{minutes} minute{'s' if minutes > 1 else ''}"
        response = _login_page(request, 429, f"Too many failed sign-ins. Try again in {when}.", name, next_)
        response.headers["Retry-After"] = str(wait)
        return response
    user = check_password(session, request, name, password)
    if user is None:
        return _login_page(request, 400, "Wrong account name or password.", name, next_)
    response = RedirectResponse(_safe_next(next_), 303)
    start_session(session, request, response, user)
    record(
        session,
        Actor(user.id, user.name, client_address(request)),
        "sign_in",
        "admin_user",
        user.id,
        user.name,
    )
    return response


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
    return _render(
        request,
        "sessions.html",
        admin,
        mine=[(s, name) for s, name in rows if s.user_id == admin.user_id],
        others=[(s, name) for s, name in rows if s.user_id != admin.user_id],
        revoked=bool(revoked),
    )


@router.post("/sessions/revoke")
def revoke(admin: AdminDep, session: SessionDep, form: FormDep) -> Response:
    target = _first(form, "session")
    ended = revoke_session(session, admin.actor, target) if len(target) == 64 else None
    if ended is None:
        raise HTTPException(404, "No such session: it may have ended already.")
    if ended.id == admin.session_id:
        response = RedirectResponse("/admin/login", 303)
        end_session(session, admin, response)
        return response
    return RedirectResponse("/admin/sessions?revoked=1", 303)


# Overview ----------------------------------------------------------------------------------------------


@router.get("")
def dashboard(request: Request, admin: AdminDep, session: SessionDep) -> Response:
    return _render(
        request,
        "dashboard.html",
        admin,
        drafts=queries.recent_resolutions(session, drafts_only=True),
        recent=queries.recent_resolutions(session, drafts_only=False),
    )


@router.get("/resolutions/find")
def find_resolution(
    request: Request, admin: AdminDep, session: SessionDep, symbol: Annotated[str, Query(max_length=100)] = ""
) -> Response:
    normalized = normalize_symbol(symbol) if not text_problem(symbol, 100) else None
    found = queries.resolution_id_by_symbol(session, normalized) if normalized else None
    if found is None:
        return _render(
            request,
            "dashboard.html",
            admin,
            404,
            drafts=queries.recent_resolutions(session, drafts_only=True),
            recent=queries.recent_resolutions(session, drafts_only=False),
            errors={"symbol": f"No resolution {normalized or symbol!r} in the database."},
            symbol=symbol,
        )
    return RedirectResponse(f"/admin/resolutions/{found}", 303)


# Entering and editing a resolution ---------------------------------------------------------------------


def _blank_form() -> RawForm:
    return RawForm(values={"adoption": "recorded_vote", "roll_call_complete": "1"}, choices={})


def _form_from(resolution: Resolution, votes: dict[str, VoteChoice]) -> RawForm:
    def n(v: int | None) -> str:
        return "" if v is None else str(v)

    values = {
        "symbol": resolution.symbol,
        "title": resolution.title,
        "adopted_on": resolution.adopted_on.isoformat(),
        "meeting_record": resolution.meeting_record,
        "draft_symbol": resolution.draft_symbol,
        "agenda_item": resolution.agenda_item,
        "subjects": "\n".join(sorted({s.term for s in resolution.subjects})),
        "adoption": resolution.adoption.value,
        "official_yes": n(resolution.official_yes),
        "official_no": n(resolution.official_no),
        "official_abstain": n(resolution.official_abstain),
        "official_non_voting": n(resolution.official_non_voting),
        "roll_call_complete": "1" if resolution.roll_call_complete else "",
        "discrepancy": resolution.discrepancy,
        "version": str(resolution.version),
    }
    return RawForm(values=values, choices={code: c.value for code, c in votes.items()})


def _form_page(
    request: Request,
    admin: Any,
    session: SessionDep,
    entry: service.Entry | None,
    raw: RawForm,
    resolution: Resolution | None,
    status: int = 200,
    **extra: Any,
) -> HTMLResponse:
    members = entry.members if entry else []
    if entry is None:
        day, _ = read_date(raw.get("adopted_on"))
        if day is not None:
            members = queries.members_on(session, build_resolver(session), day)
    choices = entry.choices if entry else raw.choices
    counts = {value: sum(1 for m in members if choices.get(m.code) == value) for value, _ in CHOICES}
    return _render(
        request,
        "resolution_form.html",
        admin,
        status,
        resolution=resolution,
        values=raw.values,
        choices=choices,
        members=members,
        counts=counts,
        unknown=sum(1 for m in members if m.code not in choices),
        vote_choices=CHOICES,
        entry=entry,
        errors=entry.errors if entry else {},
        **extra,
    )


@router.get("/resolutions/new")
def new_resolution(request: Request, admin: AdminDep, session: SessionDep) -> Response:
    return _form_page(request, admin, session, None, _blank_form(), None)


@router.post("/resolutions/new")
def create_resolution(request: Request, admin: AdminDep, session: SessionDep, form: FormDep) -> Response:
    raw = raw_form(form)
    entry = service.read_entry(session, raw)
    if entry.errors or _first(form, "action") != "save":
        return _form_page(
            request, admin, session, entry, raw, None, 400 if entry.errors else 200, checked=True
        )
    try:
        resolution = service.save_entry(session, admin.actor, entry, None, None)
    except service.SymbolTakenError:
        entry.errors["symbol"] = "A resolution with this symbol was saved meanwhile."
        return _form_page(request, admin, session, entry, raw, None, 409)
    return RedirectResponse(f"/admin/resolutions/{resolution.id}?saved=1", 303)


def _load(session: SessionDep, resolution_id: int) -> Resolution:
    resolution = queries.resolution_by_id(session, resolution_id)
    if resolution is None:
        raise HTTPException(404, "No such resolution.")
    return resolution


@router.get("/resolutions/{resolution_id}")
def show_resolution(
    request: Request, resolution_id: RowId, admin: AdminDep, session: SessionDep, saved: str = ""
) -> Response:
    return _resolution_page(request, admin, session, _load(session, resolution_id), saved=bool(saved))


def _resolution_page(
    request: Request, admin: Any, session: SessionDep, resolution: Resolution, status: int = 200, **extra: Any
) -> HTMLResponse:
    votes = queries.votes_by_code(session, resolution.id)
    history = [
        (event, changes(event.before_json, event.after_json))
        for event in queries.audit_for(session, "resolution", str(resolution.id))
    ]
    members = queries.members_on(session, _resolver(session), resolution.adopted_on)
    names = {m.code: m.name for m in members}
    return _render(
        request,
        "resolution.html",
        admin,
        status,
        resolution=resolution,
        session_label=session_label(resolution),
        shown=display_tally(resolution),
        known=len(votes),
        votes=sorted(votes.items(), key=lambda kv: names.get(kv[0], kv[0]).casefold()),
        names=names,
        members=members,
        history=history,
        intended=resolution_queries.intended_votes(session, resolution.id),
        vote_choices=CHOICES,
        public_path=resolution_path(resolution),
        **extra,
    )


def _resolver(session: SessionDep) -> StateResolver:
    return build_resolver(session)


@router.get("/resolutions/{resolution_id}/edit")
def edit_resolution(request: Request, resolution_id: RowId, admin: AdminDep, session: SessionDep) -> Response:
    resolution = _load(session, resolution_id)
    raw = _form_from(resolution, queries.votes_by_code(session, resolution.id))
    return _form_page(request, admin, session, None, raw, resolution)


@router.post("/resolutions/{resolution_id}/edit")
def update_resolution(
    request: Request, resolution_id: RowId, admin: AdminDep, session: SessionDep, form: FormDep
) -> Response:
    resolution = _load(session, resolution_id)
    raw = raw_form(form)
    loaded = _version(raw.get("version"))
    entry = service.read_entry(session, raw, resolution.id)
    if loaded != resolution.version:
        return _conflict(request, admin, session, entry, raw, resolution, loaded)
    if entry.errors or _first(form, "action") != "save":
        return _form_page(
            request, admin, session, entry, raw, resolution, 400 if entry.errors else 200, checked=True
        )
    try:
        service.save_entry(session, admin.actor, entry, resolution, loaded)
    except service.ConflictError:
        session.refresh(resolution)
        return _conflict(request, admin, session, entry, raw, resolution, loaded)
    except service.SymbolTakenError:
        entry.errors["symbol"] = "A resolution with this symbol was saved meanwhile."
        return _form_page(request, admin, session, entry, raw, resolution, 409)
    return RedirectResponse(f"/admin/resolutions/{resolution.id}?saved=1", 303)


def _conflict(
    request: Request,
    admin: Any,
    session: SessionDep,
    entry: service.Entry,
    raw: RawForm,
    resolution: Resolution,
    loaded: int | None,
) -> HTMLResponse:
    """409: show who changed what since the admin loaded the form, keep everything the admin typed, and
    carry the current version so that saving again deliberately replaces the other change."""
    events = [
        (event, changes(event.before_json, event.after_json))
        for event in queries.audit_for(session, "resolution", str(resolution.id))
        if loaded is None or _event_version(event.after_json) > loaded
    ]
    raw.values["version"] = str(resolution.version)
    return _form_page(
        request, admin, session, entry, raw, resolution, 409, conflict={"loaded": loaded, "events": events}
    )


def _event_version(after_json: str | None) -> int:
    try:
        value = json.loads(after_json or "{}").get("version", 0)
    except ValueError:
        return 0
    return value if isinstance(value, int) else 0


@router.post("/resolutions/{resolution_id}/publish")
def publish(
    request: Request, resolution_id: RowId, admin: AdminDep, session: SessionDep, form: FormDep
) -> Response:
    resolution = _load(session, resolution_id)
    try:
        service.set_published(
            session,
            admin.actor,
            resolution,
            _first(form, "publish") == "1",
            _version(_first(form, "version")),
        )
    except service.ConflictError:
        session.refresh(resolution)
        return _conflict_page(request, admin, session, resolution)
    return RedirectResponse(f"/admin/resolutions/{resolution.id}", 303)


def _conflict_page(
    request: Request, admin: AdminDep, session: SessionDep, resolution: Resolution
) -> Response:
    """409: another admin saved this resolution after the form was loaded."""
    return _resolution_page(
        request,
        admin,
        session,
        resolution,
        409,
        notice="Someone changed this resolution meanwhile: check it and try again.",
    )


@router.post("/resolutions/{resolution_id}/delete")
def delete(
    request: Request, resolution_id: RowId, admin: AdminDep, session: SessionDep, form: FormDep
) -> Response:
    resolution = _load(session, resolution_id)
    if resolution.published:
        return _resolution_page(
            request, admin, session, resolution, 400, notice="Only drafts can be deleted: unpublish it first."
        )
    try:
        service.delete_draft(session, admin.actor, resolution, _version(_first(form, "version")))
    except service.ConflictError:
        return _conflict_page(request, admin, session, resolution)
    return RedirectResponse("/admin", 303)


@router.post("/resolutions/{resolution_id}/intentions")
def add_intention(
    request: Request, resolution_id: RowId, admin: AdminDep, session: SessionDep, form: FormDep
) -> Response:
    resolution = _load(session, resolution_id)
    members = {m.code: m for m in queries.members_on(session, _resolver(session), resolution.adopted_on)}
    code, intended = _first(form, "state"), _first(form, "intended")
    statement, stated_raw = _first(form, "statement").strip(), _first(form, "stated_on").strip()
    errors: dict[str, str] = {}
    if code not in members:
        errors["state"] = "Choose a state that was a member on the date of the vote."
    if intended not in {c.value for c in VoteChoice}:
        errors["intended"] = "Choose the vote the state says it intended."
    if problem := text_problem(statement, 2000, multiline=True):
        errors["statement"] = problem
    elif not statement:
        errors["statement"] = "Say what the state said, and where (e.g. the meeting record)."
    stated_on: dt.date | None = None
    if stated_raw:
        stated_on, problem = read_date(stated_raw[:20])
        if problem:
            errors["stated_on"] = problem
        elif stated_on is not None and stated_on < resolution.adopted_on:
            errors["stated_on"] = "A statement about a vote comes after the vote."
    if errors:
        typed = {"state": code, "intended": intended, "statement": statement, "stated_on": stated_raw}
        return _resolution_page(request, admin, session, resolution, 400, errors=errors, typed=typed)
    service.add_intention(
        session, admin.actor, resolution, members[code].state_id, VoteChoice(intended), statement, stated_on
    )
    return RedirectResponse(f"/admin/resolutions/{resolution.id}#intentions", 303)


# Audit trail -------------------------------------------------------------------------------------------


@router.get("/audit")
def audit(
    request: Request,
    admin: AdminDep,
    session: SessionDep,
    page: PageDep,
    action: Annotated[str, Query(max_length=32)] = "",
    entity: Annotated[str, Query(max_length=40)] = "",
    entity_id: Annotated[str, Query(max_length=128)] = "",
    actor: Annotated[str, Query(max_length=80)] = "",
) -> Response:
    # Characters no stored value has (NUL, which PostgreSQL refuses outright) cannot match: drop them.
    action, entity, entity_id, actor = (
        v if not text_problem(v, 128) else "" for v in (action, entity, entity_id, actor)
    )
    filters = queries.AuditFilters(action=action, entity=entity, entity_id=entity_id, actor=actor)
    events, total = queries.audit_events(session, filters, page)
    pages = max(1, math.ceil(total / page.per_page))
    params = {k: v for k, v in vars(filters).items() if v}

    def page_url(n: int) -> str:
        return "/admin/audit?" + urlencode({**params, "page": n})

    return _render(
        request,
        "audit.html",
        admin,
        events=[(e, changes(e.before_json, e.after_json)) for e in events],
        total=total,
        page=page.page,
        pages=pages,
        page_url=page_url,
        filters=filters,
        actions=queries.audit_actions(session),
        entities=["admin_user", "resolution", "state", "vote_intention"],
    )


# Member states -----------------------------------------------------------------------------------------


GROUPS = [g for g in RegionalGroup if g is not RegionalGroup.NONE]


@router.get("/states")
def states(request: Request, admin: AdminDep, session: SessionDep) -> Response:
    return _render(request, "states.html", admin, states=queries.all_states(session), groups=GROUPS, typed={})


@router.post("/states")
def add_state(request: Request, admin: AdminDep, session: SessionDep, form: FormDep) -> Response:
    typed = {key: _first(form, key).strip() for key in ("code", "name", "iso2", "group", "admitted_on")}
    errors: dict[str, str] = {}
    for key, value in typed.items():
        if problem := text_problem(value, 120):
            errors[key] = problem
    code, name, iso2 = typed["code"].upper(), " ".join(typed["name"].split()), typed["iso2"].upper()
    if "code" not in errors and not re.fullmatch(r"[A-Z]{3}", code):
        errors["code"] = "Three letters: the ISO 3166-1 alpha-3 code."
    elif "code" not in errors and queries.state_by_code(session, code) is not None:
        errors["code"] = "A state with this code exists already."
    if "name" not in errors and not name:
        errors["name"] = "Give the name as the UN writes it."
    if "iso2" not in errors and iso2 and not re.fullmatch(r"[A-Z]{2}", iso2):
        errors["iso2"] = "Two letters, or leave it empty."
    group = next((g for g in GROUPS if g.value == typed["group"]), None)
    if group is None:
        errors["group"] = "Choose the regional group."
    admitted_on, problem = read_state_date(typed["admitted_on"])
    if problem:
        errors["admitted_on"] = problem
    if errors or group is None or admitted_on is None:
        return _render(
            request,
            "states.html",
            admin,
            400,
            states=queries.all_states(session),
            groups=GROUPS,
            typed=typed,
            errors=errors,
        )
    states_service.add_state(session, admin.actor, code, name, iso2, group, admitted_on)
    return RedirectResponse(f"/admin/states/{code}", 303)


def _state_page(
    request: Request, admin: Any, session: SessionDep, code: str, status: int = 200, **extra: Any
) -> HTMLResponse:
    state = queries.state_by_code(session, code)
    if state is None:
        raise HTTPException(404, "No such state.")
    history = [
        (event, changes(event.before_json, event.after_json))
        for event in queries.audit_for(session, "state", code)
    ]
    extra.setdefault("typed", {})
    return _render(
        request,
        "state.html",
        admin,
        status,
        state=state,
        history=history,
        codes={s.id: s.code for s in queries.all_states(session)},
        **extra,
    )


@router.get("/states/{code}")
def state_page(request: Request, code: str, admin: AdminDep, session: SessionDep) -> Response:
    return _state_page(request, admin, session, code)


STATE_FIELDS = (
    "name",
    "valid_from",
    "valid_to",
    "admitted_on",
    "ended_on",
    "successor",
    "note",
    "starts_on",
    "ends_on",
)
ROW_KINDS = {"names": "name", "memberships": "membership", "suspensions": "suspension"}


def _state_form(form: dict[str, list[str]]) -> tuple[dict[str, str], dict[str, str]]:
    """The member-state form fields as typed, and a message for each that no field may hold."""
    typed = {key: _first(form, key) for key in STATE_FIELDS}
    errors: dict[str, str] = {}
    for key, value in typed.items():
        if problem := text_problem(value, 2000 if key == "note" else 120, multiline=key == "note"):
            errors[key] = problem
    return typed, errors


def _state_date(typed: dict[str, str], key: str, errors: dict[str, str], *, required: bool) -> dt.date | None:
    day, problem = read_state_date(typed[key], required=required)
    if problem and key not in errors:
        errors[key] = problem
    return day


def _suspension_dates(typed: dict[str, str], errors: dict[str, str]) -> tuple[dt.date | None, dt.date | None]:
    """A suspension's dates; its note (reason and source) is required."""
    starts_on = _state_date(typed, "starts_on", errors, required=True)
    ends_on = _state_date(typed, "ends_on", errors, required=False)
    if not typed["note"].strip() and "note" not in errors:
        errors["note"] = "Give the reason and the source (e.g. Article 19, A/80/xxx)."
    return starts_on, ends_on


def _successor(session: SessionDep, typed: dict[str, str], errors: dict[str, str]) -> Any:
    code = typed["successor"].strip().upper()
    if not code or "successor" in errors:
        return None
    successor = queries.state_by_code(session, code)
    if successor is None:
        errors["successor"] = "No state with that code."
    return successor


def _state_or_404(session: SessionDep, code: str) -> Any:
    state = queries.state_by_code(session, code)
    if state is None:
        raise HTTPException(404, "No such state.")
    return state


def _state_outcome(
    request: Request,
    admin: Any,
    session: SessionDep,
    code: str,
    form_id: str,
    typed: dict[str, str],
    errors: dict[str, str],
    apply: Callable[[], None] | None,
) -> Response:
    """Run a checked change, then redirect; or show the state page again with what the admin typed:
    400 with the errors, 409 if someone changed the state since the form was loaded."""
    if not errors and apply is not None:
        try:
            apply()
        except states_service.StateChangeError as exc:
            errors[exc.field] = exc.message
        except states_service.MissingRowError:
            raise HTTPException(404, "No such entry in this state's record.") from None
        except service.ConflictError:
            session.expire_all()
            return _state_conflict(request, admin, session, code, form_id, typed)
        else:
            return RedirectResponse(f"/admin/states/{code}", 303)
    return _state_page(request, admin, session, code, 400, errors=errors, typed=typed, open_form=form_id)


def _state_conflict(
    request: Request, admin: Any, session: SessionDep, code: str, form_id: str, typed: dict[str, str]
) -> HTMLResponse:
    """409: the state changed after the admin loaded its page; show its record as it is now."""
    return _state_page(
        request,
        admin,
        session,
        code,
        409,
        typed=typed,
        open_form=form_id,
        notice="Someone changed this state meanwhile: check its record below, then save again.",
    )


# Registered before the generic /states/{code}/{change}, which would otherwise take this path.
@router.post("/states/{code}/from-file")
def state_from_file(
    request: Request, code: str, admin: AdminDep, session: SessionDep, form: FormDep
) -> Response:
    """Take a state's record from data/states.toml, dropping the changes made here."""
    state = _state_or_404(session, code)
    try:
        reference = load_reference(get_settings().data_dir / "states.toml")
    except IngestError as exc:
        return _state_page(request, admin, session, code, 400, errors={"file": str(exc)})
    version = _version(_first(form, "version"))
    apply = partial(states_service.take_file_record, session, admin.actor, state, version, reference)
    return _state_outcome(request, admin, session, code, "from-file", {}, {}, apply)


@router.post("/states/{code}/{change}")
def change_state(
    request: Request, code: str, change: str, admin: AdminDep, session: SessionDep, form: FormDep
) -> Response:
    """Add a name, end the membership, or add a suspension."""
    state = _state_or_404(session, code)
    if change not in {"name", "membership-end", "suspension"}:
        raise HTTPException(404, "No such change.")
    typed, errors = _state_form(form)
    version, note, actor = _version(_first(form, "version")), typed["note"].strip(), admin.actor
    apply: Callable[[], None] | None = None
    if change == "name":
        name = " ".join(typed["name"].split())
        valid_from = _state_date(typed, "valid_from", errors, required=True)
        if not name and "name" not in errors:
            errors["name"] = "Give the new name as the UN writes it."
        if valid_from is not None:
            apply = partial(states_service.add_name, session, actor, state, version, name, valid_from)
    elif change == "membership-end":
        ended_on = _state_date(typed, "ended_on", errors, required=True)
        successor = _successor(session, typed, errors)
        if not note and "note" not in errors:
            errors["note"] = "Say what happened (e.g. dissolution, merger), with its source."
        if ended_on is not None:
            apply = partial(
                states_service.end_membership, session, actor, state, version, ended_on, successor, note
            )
    else:
        starts_on, ends_on = _suspension_dates(typed, errors)
        if starts_on is not None:
            apply = partial(
                states_service.add_suspension, session, actor, state, version, starts_on, ends_on, note
            )
    return _state_outcome(request, admin, session, code, change, typed, errors, apply)


REMOVERS = {
    "names": states_service.remove_name,
    "memberships": states_service.remove_membership,
    "suspensions": states_service.remove_suspension,
}


@router.get("/states/{code}/{kind}/{row_id}/remove")
def confirm_state_row_removal(
    request: Request,
    code: str,
    kind: str,
    row_id: RowId,
    admin: AdminDep,
    session: SessionDep,
    version: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """The first step of a removal (the state page's Remove button): say exactly what would be removed
    and ask; nothing is written. The version the state page carried goes on to the confirming form, so a
    record changed meanwhile is refused at either step with the same 409 page."""
    state = _state_or_404(session, code)
    try:
        row = states_service.recorded_row(state, kind, row_id)
    except states_service.MissingRowError:
        raise HTTPException(404, "No such entry in this state's record.") from None
    loaded = _version(version)
    if loaded != state.version:
        return _state_conflict(request, admin, session, code, f"{kind}-{row_id}", {})
    successor = getattr(row, "successor_id", None)
    return _render(
        request,
        "state_remove.html",
        admin,
        state=state,
        kind=ROW_KINDS[kind],
        row=row,
        successor=queries.state_code(session, successor) if successor else "",
        action=f"/admin/states/{code}/{kind}/{row_id}/remove",
    )


@router.post("/states/{code}/{kind}/{row_id}/{verb}")
def change_state_row(
    request: Request,
    code: str,
    kind: str,
    row_id: RowId,
    verb: str,
    admin: AdminDep,
    session: SessionDep,
    form: FormDep,
) -> Response:
    """Correct one recorded name, membership period or suspension, or remove it once confirmed (the
    confirmation page posts here)."""
    state = _state_or_404(session, code)
    if kind not in REMOVERS or verb not in {"edit", "remove"}:
        raise HTTPException(404, "No such change.")
    version, actor, form_id = _version(_first(form, "version")), admin.actor, f"{kind}-{row_id}"
    if verb == "remove":
        apply = partial(REMOVERS[kind], session, actor, state, version, row_id)
        return _state_outcome(request, admin, session, code, form_id, {}, {}, apply)
    typed, errors = _state_form(form)
    note = typed["note"].strip()
    edit: Callable[[], None] | None = None
    if kind == "names":
        name = " ".join(typed["name"].split())
        valid_from = _state_date(typed, "valid_from", errors, required=True)
        valid_to = _state_date(typed, "valid_to", errors, required=False)
        if not name and "name" not in errors:
            errors["name"] = "Give the name as the UN writes it."
        if valid_from is not None:
            edit = partial(
                states_service.edit_name, session, actor, state, version, row_id, name, valid_from, valid_to
            )
    elif kind == "memberships":
        admitted_on = _state_date(typed, "admitted_on", errors, required=True)
        ended_on = _state_date(typed, "ended_on", errors, required=False)
        successor = _successor(session, typed, errors)
        if admitted_on is not None:
            edit = partial(
                states_service.edit_membership,
                session, actor, state, version, row_id, admitted_on, ended_on, successor, note,
            )  # fmt: skip
    else:
        starts_on, ends_on = _suspension_dates(typed, errors)
        if starts_on is not None:
            edit = partial(
                states_service.edit_suspension,
                session,
                actor,
                state,
                version,
                row_id,
                starts_on,
                ends_on,
                note,
            )
    return _state_outcome(request, admin, session, code, form_id, typed, errors, edit)
