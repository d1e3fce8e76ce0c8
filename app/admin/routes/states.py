"""Member states: names, memberships and suspensions."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.admin import queries, service
from app.admin import states as states_service
from app.admin.audit import changes
from app.admin.auth import AdminDep, FormDep
from app.admin.forms import read_state_date, text_problem
from app.admin.routes.common import first, form_version, render
from app.config import get_settings
from app.deps import RowId, SessionDep
from app.ingest.errors import IngestError
from app.ingest.reference import load_reference
from app.models import RegionalGroup

router = APIRouter()


# Member states -----------------------------------------------------------------------------------------


GROUPS = [g for g in RegionalGroup if g is not RegionalGroup.NONE]


@router.get("/states")
def states(request: Request, admin: AdminDep, session: SessionDep) -> Response:
    return render(request, "states.html", admin, states=queries.all_states(session), groups=GROUPS, typed={})


@router.post("/states")
def add_state(request: Request, admin: AdminDep, session: SessionDep, form: FormDep) -> Response:
    typed = {key: first(form, key).strip() for key in ("code", "name", "iso2", "group", "admitted_on")}
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
        return render(
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
    return render(
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
    typed = {key: first(form, key) for key in STATE_FIELDS}
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
    version = form_version(first(form, "version"))
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
    version, note, actor = form_version(first(form, "version")), typed["note"].strip(), admin.actor
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
    loaded = form_version(version)
    if loaded != state.version:
        return _state_conflict(request, admin, session, code, f"{kind}-{row_id}", {})
    successor = getattr(row, "successor_id", None)
    return render(
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
    version, actor, form_id = form_version(first(form, "version")), admin.actor, f"{kind}-{row_id}"
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
