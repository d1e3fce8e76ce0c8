"""The member-state forms, each read into a typed object: what the admin typed (to show it again), a
message per field that cannot be accepted, and the checked values when there is none. Checks against
the state's record and its votes happen in app.admin.states, which these values are handed to."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from app.admin import state_queries
from app.admin.forms import read_state_date
from app.admin.state_checks import RESOLVE
from app.kit.text_checks import text_problem
from app.models import RegionalGroup, State

T = TypeVar("T")
GROUPS = [g for g in RegionalGroup if g is not RegionalGroup.NONE]
FIELDS = (
    "name", "valid_from", "valid_to", "admitted_on", "ended_on", "successor", "note", "starts_on", "ends_on",
)  # fmt: skip
NEW_STATE_FIELDS = ("code", "name", "iso2", "group", "admitted_on")

Posted = dict[str, list[str]]


def _first(form: Posted, name: str) -> str:
    return (form.get(name) or [""])[0]


@dataclass
class FormResult(Generic[T]):
    """A form as read: ``values`` is None when ``errors`` is not empty."""

    typed: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    values: T | None = None
    resolve: bool = False  # the admin's answer to votes the change contradicts (app.admin.states)

    def date(self, key: str, *, required: bool) -> dt.date | None:
        day, problem = read_state_date(self.typed[key], required=required)
        if problem and key not in self.errors:
            self.errors[key] = problem
        return day

    def require(self, key: str, value: str, message: str) -> None:
        if not value and key not in self.errors:
            self.errors[key] = message

    def done(self, values: T) -> FormResult[T]:
        self.values = None if self.errors else values
        return self


def _read(form: Posted, keys: tuple[str, ...] = FIELDS) -> FormResult[Any]:
    typed = {key: _first(form, key) for key in keys}
    result: FormResult[Any] = FormResult(typed, resolve=_first(form, "contradicted") == RESOLVE)
    for key, value in typed.items():
        if problem := text_problem(value, 2000 if key == "note" else 120, multiline=key == "note"):
            result.errors[key] = problem
    return result


def _name(value: str) -> str:
    return " ".join(value.split())


def _successor(session: Session, result: FormResult[Any]) -> State | None:
    code = result.typed["successor"].strip().upper()
    if not code or "successor" in result.errors:
        return None
    successor = state_queries.state_by_code(session, code)
    if successor is None:
        result.errors["successor"] = "No state with that code."
    return successor


@dataclass(frozen=True)
class NameValues:
    name: str
    valid_from: dt.date
    valid_to: dt.date | None = None


def name_form(form: Posted, *, new: bool) -> FormResult[NameValues]:
    """A new name (from a date on), or the correction of a recorded one (with its end)."""
    result: FormResult[NameValues] = _read(form)
    name = _name(result.typed["name"])
    valid_from = result.date("valid_from", required=True)
    valid_to = None if new else result.date("valid_to", required=False)
    result.require("name", name, "Give the name as the UN writes it.")
    if valid_from is None:
        return result
    return result.done(NameValues(name, valid_from, valid_to))


@dataclass(frozen=True)
class MembershipValues:
    admitted_on: dt.date | None  # None when only the end is given (ending the open membership)
    ended_on: dt.date | None
    successor: State | None
    note: str


def membership_form(session: Session, form: Posted, *, ending: bool) -> FormResult[MembershipValues]:
    """The end of the open membership (its last day and what happened), or a corrected period."""
    result: FormResult[MembershipValues] = _read(form)
    note = result.typed["note"].strip()
    admitted_on = None if ending else result.date("admitted_on", required=True)
    ended_on = result.date("ended_on", required=ending)
    successor = _successor(session, result)
    if ending:
        result.require("note", note, "Say what happened (e.g. dissolution, merger), with its source.")
    return result.done(MembershipValues(admitted_on, ended_on, successor, note))


@dataclass(frozen=True)
class SuspensionValues:
    starts_on: dt.date
    ends_on: dt.date | None
    note: str


def suspension_form(form: Posted) -> FormResult[SuspensionValues]:
    """A period without the vote; its note (reason and source) is required."""
    result: FormResult[SuspensionValues] = _read(form)
    starts_on = result.date("starts_on", required=True)
    ends_on = result.date("ends_on", required=False)
    note = result.typed["note"].strip()
    result.require("note", note, "Give the reason and the source (e.g. Article 19, A/80/xxx).")
    if starts_on is None:
        return result
    return result.done(SuspensionValues(starts_on, ends_on, note))


@dataclass(frozen=True)
class NewStateValues:
    code: str
    name: str
    iso2: str
    group: RegionalGroup
    admitted_on: dt.date


def new_state_form(session: Session, form: Posted) -> FormResult[NewStateValues]:
    """A new member: its ISO code, UN name, regional group and date of admission."""
    typed = {key: _first(form, key).strip() for key in NEW_STATE_FIELDS}
    result: FormResult[NewStateValues] = FormResult(typed)
    errors = result.errors
    for key, value in typed.items():
        if problem := text_problem(value, 120):
            errors[key] = problem
    code, name, iso2 = typed["code"].upper(), _name(typed["name"]), typed["iso2"].upper()
    if "code" not in errors and not re.fullmatch(r"[A-Z]{3}", code):
        errors["code"] = "Three letters: the ISO 3166-1 alpha-3 code."
    elif "code" not in errors and state_queries.state_by_code(session, code) is not None:
        errors["code"] = "A state with this code exists already."
    result.require("name", name, "Give the name as the UN writes it.")
    if "iso2" not in errors and iso2 and not re.fullmatch(r"[A-Z]{2}", iso2):
        errors["iso2"] = "Two letters, or leave it empty."
    group = next((g for g in GROUPS if g.value == typed["group"]), None)
    if group is None:
        errors["group"] = "Choose the regional group."
    admitted_on, problem = read_state_date(typed["admitted_on"])
    if problem:
        errors["admitted_on"] = problem
    if group is None or admitted_on is None:
        return result
    return result.done(NewStateValues(code, name, iso2, group, admitted_on))
