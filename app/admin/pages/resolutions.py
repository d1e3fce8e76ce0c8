"""The overview, and entering, correcting and publishing resolutions and their roll calls."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.admin import merge, queries, record_file, service
from app.admin.entry import Entry, read_entry
from app.admin.forms import RawForm, intention_form, raw_form, read_date
from app.admin.guard import AdminDep, FormDep
from app.admin.pages.common import CHOICES, first, form_version, render
from app.admin.views import DashboardPage, ResolutionAdminPage, ResolutionFormPage
from app.audit import changes
from app.collation import name_key
from app.deps import RowId, SessionDep
from app.ingest.names import StateResolver
from app.ingest.reference import build_resolver
from app.kit.text_checks import text_problem
from app.models import Resolution
from app.resolutions import roll_calls
from app.resolutions.tally import shown_tally
from app.symbols import normalize_symbol, session_label
from app.urls import resolution_path

router = APIRouter(prefix="/admin")


# Overview ----------------------------------------------------------------------------------------------


@router.get("")
def dashboard(request: Request, admin: AdminDep, session: SessionDep) -> Response:
    return _dashboard(request, admin, session)


def _dashboard(
    request: Request, admin: AdminDep, session: SessionDep, status: int = 200, **extra: Any
) -> Response:
    page = DashboardPage(
        drafts=queries.recent_resolutions(session, drafts_only=True),
        recent=queries.recent_resolutions(session, drafts_only=False),
        **extra,
    )
    return render(request, "dashboard.html", admin, status, **dict(page))


@router.get("/resolutions/find")
def find_resolution(
    request: Request, admin: AdminDep, session: SessionDep, symbol: Annotated[str, Query(max_length=100)] = ""
) -> Response:
    normalized = normalize_symbol(symbol) if not text_problem(symbol, 100) else None
    found = queries.resolution_id_by_symbol(session, normalized) if normalized else None
    if found is None:
        errors = {"symbol": f"No resolution {normalized or symbol!r} in the database."}
        return _dashboard(request, admin, session, 404, errors=errors, symbol=symbol)
    return RedirectResponse(f"/admin/resolutions/{found}", 303)


# Entering and editing a resolution ---------------------------------------------------------------------


def _blank_form() -> RawForm:
    return RawForm(values={"adoption": "recorded_vote", "roll_call_complete": "1"}, choices={})


def _form_page(
    request: Request,
    admin: Any,
    session: SessionDep,
    entry: Entry | None,
    raw: RawForm,
    resolution: Resolution | None,
    status: int = 200,
    base: str = "",
    **extra: Any,
) -> HTMLResponse:
    """The resolution form; ``base``: what an edit form was loaded with (carried for a merge)."""
    members = entry.members if entry else []
    if entry is None:
        day, _ = read_date(raw.get("adopted_on"))
        if day is not None:
            members = queries.members_on(session, build_resolver(session), day)
    choices = entry.choices if entry else raw.choices
    counts = {value: sum(1 for m in members if choices.get(m.code) == value) for value, _ in CHOICES}
    page = ResolutionFormPage(
        resolution=resolution,
        values=raw.values,
        choices=choices,
        members=members,
        counts=counts,
        unknown=sum(1 for m in members if m.code not in choices),
        vote_choices=CHOICES,
        entry=entry,
        errors=entry.errors if entry else {},
        base=base,
        **extra,
    )
    return render(request, "resolution_form.html", admin, status, **dict(page))


@router.get("/resolutions/new")
def new_resolution(request: Request, admin: AdminDep, session: SessionDep) -> Response:
    return _form_page(request, admin, session, None, _blank_form(), None)


@router.post("/resolutions/new")
def create_resolution(request: Request, admin: AdminDep, session: SessionDep, form: FormDep) -> Response:
    raw = raw_form(form)
    entry = read_entry(session, raw)
    if entry.errors or first(form, "action") != "save":
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
    request: Request,
    resolution_id: RowId,
    admin: AdminDep,
    session: SessionDep,
    saved: str = "",
    merged: str = "",
) -> Response:
    resolution = _load(session, resolution_id)
    return _resolution_page(request, admin, session, resolution, saved=bool(saved), merged=bool(merged))


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
    page = ResolutionAdminPage(
        resolution=resolution,
        session_label=session_label(resolution),
        tally=shown_tally(resolution, len(members)),
        known=len(votes),
        votes=sorted(votes.items(), key=lambda kv: name_key(names.get(kv[0], kv[0]))),
        names=names,
        members=members,
        history=history,
        intended=roll_calls.intended_votes(session, resolution.id),
        vote_choices=CHOICES,
        public_path=resolution_path(resolution),
        **extra,
    )
    return render(request, "resolution.html", admin, status, **dict(page))


def _resolver(session: SessionDep) -> StateResolver:
    return build_resolver(session)


@router.get("/resolutions/{resolution_id}/edit")
def edit_resolution(request: Request, resolution_id: RowId, admin: AdminDep, session: SessionDep) -> Response:
    resolution = _load(session, resolution_id)
    raw = record_file.form_values(resolution, queries.votes_by_code(session, resolution.id))
    return _form_page(request, admin, session, None, raw, resolution, 200, merge.encode(merge.state_of(raw)))


@router.get("/resolutions/{resolution_id}/export.toml")
def export_resolution(resolution_id: RowId, admin: AdminDep, session: SessionDep) -> Response:
    """The record as a file in the form's shape (app/admin/record_file.py), which ``unga import`` reads:
    how a provisional record entered here goes into data/sources/provisional for review."""
    resolution = _load(session, resolution_id)
    raw = record_file.form_values(resolution, queries.votes_by_code(session, resolution.id))
    name = (
        (resolution.symbol or resolution.page_key or str(resolution.id)).replace("/", "_").replace(" ", "_")
    )
    return Response(
        record_file.to_toml([(raw, resolution.page_key)]),
        media_type="application/toml; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.toml"'},
    )


@router.post("/resolutions/{resolution_id}/edit")
def update_resolution(
    request: Request, resolution_id: RowId, admin: AdminDep, session: SessionDep, form: FormDep
) -> Response:
    resolution = _load(session, resolution_id)
    raw = raw_form(form)
    base = first(form, "base")
    loaded = form_version(raw.get("version"))
    taken: list[str] = []
    if loaded != resolution.version:
        # Saved meanwhile by someone else: merge field by field against what this form was loaded with.
        loaded_state = merge.decode(base)
        if loaded_state is None:
            entry = read_entry(session, raw, resolution.id)
            return _conflict(request, admin, session, entry, raw, resolution, loaded, base, [])
        votes = queries.votes_by_code(session, resolution.id)
        theirs = merge.state_of(record_file.form_values(resolution, votes))
        merged = merge.three_way(loaded_state, merge.state_of(raw), theirs)
        raw = merge.as_form(merged.state, resolution.version, raw.get("paste"))
        base, taken = merge.encode(theirs), merged.taken
        if merged.conflicts:
            entry = read_entry(session, raw, resolution.id)
            return _conflict(request, admin, session, entry, raw, resolution, loaded, base, merged.conflicts)
        loaded = resolution.version
    entry = read_entry(session, raw, resolution.id)
    if entry.errors or first(form, "action") != "save":
        status = 400 if entry.errors else 200
        return _form_page(
            request, admin, session, entry, raw, resolution, status, base, checked=True, taken=taken
        )
    try:
        service.save_entry(session, admin.actor, entry, resolution, loaded)
    except service.ConflictError:
        session.refresh(resolution)
        return _conflict(request, admin, session, entry, raw, resolution, loaded, base, [])
    except service.SymbolTakenError:
        entry.errors["symbol"] = "A resolution with this symbol was saved meanwhile."
        return _form_page(request, admin, session, entry, raw, resolution, 409, base)
    merged_note = "&merged=1" if taken else ""
    return RedirectResponse(f"/admin/resolutions/{resolution.id}?saved=1{merged_note}", 303)


def _conflict(
    request: Request,
    admin: Any,
    session: SessionDep,
    entry: Entry,
    raw: RawForm,
    resolution: Resolution,
    loaded: int | None,
    base: str,
    conflicts: list[merge.Conflict],
) -> HTMLResponse:
    """409: both admins changed the same fields differently. Show both values and who changed what
    since the form was loaded; the form holds the merge (this admin's value where they conflict) at the
    current version, so saving again replaces only those fields, deliberately."""
    events = [
        (event, changes(event.before_json, event.after_json))
        for event in queries.audit_for(session, "resolution", str(resolution.id))
        if loaded is None or _event_version(event.after_json) > loaded
    ]
    raw.values["version"] = str(resolution.version)
    conflict = {"loaded": loaded, "events": events, "fields": conflicts}
    return _form_page(request, admin, session, entry, raw, resolution, 409, base, conflict=conflict)


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
            first(form, "publish") == "1",
            form_version(first(form, "version")),
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
        service.delete_draft(session, admin.actor, resolution, form_version(first(form, "version")))
    except service.ConflictError:
        return _conflict_page(request, admin, session, resolution)
    return RedirectResponse("/admin", 303)


@router.post("/resolutions/{resolution_id}/intentions")
def add_intention(
    request: Request, resolution_id: RowId, admin: AdminDep, session: SessionDep, form: FormDep
) -> Response:
    resolution = _load(session, resolution_id)
    members = {m.code: m for m in queries.members_on(session, _resolver(session), resolution.adopted_on)}
    read = intention_form(form, {code: m.state_id for code, m in members.items()}, resolution.adopted_on)
    if read.values is None:
        return _resolution_page(
            request, admin, session, resolution, 400, errors=read.errors, typed=read.typed
        )
    v = read.values
    service.add_intention(session, admin.actor, resolution, v.state_id, v.intended, v.statement, v.stated_on)
    return RedirectResponse(f"/admin/resolutions/{resolution.id}#intentions", 303)
