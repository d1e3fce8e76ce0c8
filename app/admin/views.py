"""Typed contexts of admin pages (the public pages' habit, app/resolutions/views.py): a page's template
may use only what its model declares, and a test can check it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from app.models import ErrorReport


class _Context(BaseModel):
    # Contexts carry ORM rows loaded up front; lazy="raise" stops a template from querying.
    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)


class ReportsPage(_Context):
    """The queue of errors readers reported (templates/admin/reports.html)."""

    reports: list[ErrorReport]
    open: int
    error: str = ""
    error_for: str = ""  # the report the error is about
