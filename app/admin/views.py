"""Typed contexts of admin pages (the public pages' habit, app/resolutions/views.py): a page's template
may use only what its model declares, and a test can check it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict

from app.admin.entry import Entry
from app.admin.queries import AuditFilters, Member
from app.kit.page_links import PageLinks
from app.models import AdminSession, AuditEvent, ErrorReport, RegionalGroup, Resolution, State, VoteChoice
from app.resolutions.roll_calls import IntendedVote
from app.resolutions.tally import ShownTally


class _Context(BaseModel):
    # Contexts carry ORM rows loaded up front; lazy="raise" stops a template from querying.
    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)


class ReportsPage(_Context):
    """The queue of errors readers reported (templates/admin/reports.html)."""

    reports: list[ErrorReport]
    open: int
    error: str = ""
    error_for: str = ""  # the report the error is about


History = list[tuple[AuditEvent, list[tuple[str, str, str]]]]  # each event with its changed fields


class ResolutionFormPage(_Context):
    """Entering or correcting a resolution (templates/admin/resolution_form.html)."""

    resolution: Resolution | None  # None for a new one
    values: dict[str, str]  # the form's fields as typed
    choices: dict[str, str]  # state code -> vote letter, as the table shows them
    members: list[Member]  # every member on the date, with its name then
    counts: dict[str, int]  # votes per letter in the table
    unknown: int  # members whose vote is not known
    vote_choices: list[tuple[str, str]]
    entry: Entry | None  # the form as read and checked, once posted
    errors: dict[str, str]
    base: str = ""  # what an edit form was loaded with (app.admin.merge)
    checked: bool = False  # posted with Check: read and shown, not saved
    conflict: dict[str, Any] | None = None  # a 409: who changed what, and the fields both changed
    taken: list[str] = []  # what another admin changed meanwhile, merged into the form


class ResolutionAdminPage(_Context):
    """A resolution in the admin: totals, roll call, history, notes of intended votes."""

    resolution: Resolution
    session_label: str
    tally: ShownTally
    known: int
    votes: list[tuple[str, VoteChoice]]  # (state code, vote), by the state's name on the date
    names: dict[str, str]
    members: list[Member]
    history: History
    intended: list[IntendedVote]
    vote_choices: list[tuple[str, str]]
    public_path: str
    saved: bool = False
    merged: bool = False
    notice: str = ""
    errors: dict[str, str] = {}
    typed: dict[str, str] = {}


class StatePage(_Context):
    """A member state's record in the admin (templates/admin/state.html)."""

    state: State
    history: History
    codes: dict[int, str]  # state id -> code, for successors
    typed: dict[str, str] = {}
    errors: dict[str, str] = {}
    open_form: str = ""  # the form shown open with what was typed
    notice: str = ""
    contradicted: dict[str, str] = {}  # the form and label of the answer to contradicted votes
    last_day: dt.date | None = None  # a dissolved state's last day: its last name ends there, not "today"


class DashboardPage(_Context):
    """The admin's home: drafts, and what admins entered or changed lately; the symbol finder."""

    drafts: list[Resolution]
    recent: list[Resolution]
    symbol: str = ""  # a symbol looked for and not found
    errors: dict[str, str] = {}


class AuditPage(_Context):
    """The audit trail, filtered and paged."""

    events: History
    total: int
    page: int
    pages: int
    page_links: PageLinks
    filters: AuditFilters
    actions: list[str]
    entities: list[str]


class SessionsPage(_Context):
    """Every signed-in browser: this admin's own, then the others'."""

    mine: list[tuple[AdminSession, str]]
    others: list[tuple[AdminSession, str]]
    revoked: bool


class StatesPage(_Context):
    """Every state, and the form for a new member."""

    states: list[State]
    groups: list[RegionalGroup]
    typed: dict[str, str] = {}
    errors: dict[str, str] = {}
