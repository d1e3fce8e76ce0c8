"""Member states: names, memberships and suspensions."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.admin import queries, service, state_checks, state_forms, state_queries, state_records
from app.admin import states as states_service
from app.admin.guard import AdminDep, FormDep
from app.admin.pages.common import first, form_version, render
from app.admin.views import StatePage, StatesPage
from app.audit import changes
from app.config import get_settings
from app.countries.service import dissolved_on
from app.deps import RowId, SessionDep
from app.ingest.errors import IngestError
from app.ingest.reference import load_reference

router = APIRouter(prefix="/admin")


# Member states -----------------------------------------------------------------------------------------


GROUPS = state_forms.GROUPS


@router.get("/states")
def states(request: Request, admin: AdminDep, session: SessionDep) -> Response:
    page = StatesPage(states=state_queries.all_states(session), groups=GROUPS)
    return render(request, "states.html", admin, **dict(page))


@router.post("/states")
def add_state(request: Request, admin: AdminDep, session: SessionDep, form: FormDep) -> Response:
    read = state_forms.new_state_form(session, form)
    if read.values is None:
        page = StatesPage(
            states=state_queries.all_states(session), groups=GROUPS, typed=read.typed, errors=read.errors
        )
        return render(request, "states.html", admin, 400, **dict(page))
    v = read.values
    state_records.add_state(session, admin.actor, v.code, v.name, v.iso2, v.group, v.admitted_on)
    return RedirectResponse(f"/admin/states/{v.code}", 303)


def _state_page(
    request: Request, admin: Any, session: SessionDep, code: str, status: int = 200, **extra: Any
) -> HTMLResponse:
    state = state_queries.state_by_code(session, code)
    if state is None:
        raise HTTPException(404, "No such state.")
    history = [
        (event, changes(event.before_json, event.after_json))
        for event in queries.audit_for(session, "state", code)
    ]
    codes = {s.id: s.code for s in state_queries.all_states(session)}
    page = StatePage(state=state, history=history, codes=codes, last_day=dissolved_on(state), **extra)
    return render(request, "state.html", admin, status, **dict(page))


@router.get("/states/{code}")
def state_page(request: Request, code: str, admin: AdminDep, session: SessionDep) -> Response:
    return _state_page(request, admin, session, code)


ROW_KINDS = {"names": "name", "memberships": "membership", "suspensions": "suspension"}


def _state_or_404(session: SessionDep, code: str) -> Any:
    state = state_queries.state_by_code(session, code)
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
    resumed: bool = False,
) -> Response:
    """Run a checked change, then redirect; or show the state page again with what the admin typed:
    400 with the errors, 409 if someone changed the state since the form was loaded."""
    contradicted: dict[str, str] = {}
    if resumed:  # back from signing in again (app.admin.resume): show the form as it was typed
        return _state_page(request, admin, session, code, 200, typed=typed, open_form=form_id)
    if not errors and apply is not None:
        try:
            apply()
        except state_checks.VotesContradictedError as exc:
            # Refused with the votes it contradicts; the form now offers to resolve them explicitly.
            errors[exc.field] = exc.message
            contradicted = {"form": form_id, "label": exc.resolution}
        except state_checks.StateChangeError as exc:
            errors[exc.field] = exc.message
        except states_service.MissingRowError:
            raise HTTPException(404, "No such entry in this state's record.") from None
        except service.ConflictError:
            session.expire_all()
            return _state_conflict(request, admin, session, code, form_id, typed)
        else:
            return RedirectResponse(f"/admin/states/{code}", 303)
    return _state_page(
        request,
        admin,
        session,
        code,
        400,
        errors=errors,
        typed=typed,
        open_form=form_id,
        contradicted=contradicted,
    )


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
    apply = partial(state_records.take_file_record, session, admin.actor, state, version, reference)
    return _state_outcome(request, admin, session, code, "from-file", {}, {}, apply)


@router.post("/states/{code}/{change}")
def change_state(
    request: Request, code: str, change: str, admin: AdminDep, session: SessionDep, form: FormDep
) -> Response:
    """Add a name, end the membership, or add a suspension."""
    state = _state_or_404(session, code)
    version, actor = form_version(first(form, "version")), admin.actor
    apply: Callable[[], None] | None = None
    read: state_forms.FormResult[Any]
    if change == "name":
        read = names = state_forms.name_form(form, new=True)
        if (n := names.values) is not None:
            apply = partial(states_service.add_name, session, actor, state, version, n.name, n.valid_from)
    elif change == "membership-end":
        read = ending = state_forms.membership_form(session, form, ending=True)
        if (m := ending.values) is not None and m.ended_on is not None:
            apply = partial(
                states_service.end_membership,
                session, actor, state, version, m.ended_on, m.successor, m.note, resolve=ending.resolve,
            )  # fmt: skip
    elif change == "suspension":
        read = suspension = state_forms.suspension_form(form)
        if (s := suspension.values) is not None:
            apply = partial(
                states_service.add_suspension,
                session, actor, state, version, s.starts_on, s.ends_on, s.note, resolve=suspension.resolve,
            )  # fmt: skip
    else:
        raise HTTPException(404, "No such change.")
    resumed = bool(first(form, "resumed"))
    return _state_outcome(request, admin, session, code, change, read.typed, read.errors, apply, resumed)


REMOVERS: dict[str, Callable[..., None]] = {
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
        successor=state_queries.state_code(session, successor) if successor else "",
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
        # Removing a membership may leave votes outside membership: the admin may say to remove them.
        resolve = (
            {"resolve": first(form, "contradicted") == state_checks.RESOLVE} if kind == "memberships" else {}
        )
        apply = partial(REMOVERS[kind], session, actor, state, version, row_id, **resolve)
        return _state_outcome(request, admin, session, code, form_id, {}, {}, apply)
    edit: Callable[[], None] | None = None
    read: state_forms.FormResult[Any]
    if kind == "names":
        read = names = state_forms.name_form(form, new=False)
        if (n := names.values) is not None:
            edit = partial(
                states_service.edit_name,
                session,
                actor,
                state,
                version,
                row_id,
                n.name,
                n.valid_from,
                n.valid_to,
            )
    elif kind == "memberships":
        read = period = state_forms.membership_form(session, form, ending=False)
        if (m := period.values) is not None and m.admitted_on is not None:
            edit = partial(
                states_service.edit_membership,
                session, actor, state, version, row_id, m.admitted_on, m.ended_on, m.successor, m.note,
                resolve=period.resolve,
            )  # fmt: skip
    else:
        read = suspension = state_forms.suspension_form(form)
        if (s := suspension.values) is not None:
            edit = partial(
                states_service.edit_suspension,
                session, actor, state, version, row_id, s.starts_on, s.ends_on, s.note,
                resolve=suspension.resolve,
            )  # fmt: skip
    resumed = bool(first(form, "resumed"))
    return _state_outcome(request, admin, session, code, form_id, read.typed, read.errors, edit, resumed)
