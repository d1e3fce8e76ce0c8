"""Turning a resolution's URL into the loaded resolution or a 404, shared by a page and its CSV and JSON
twins, so they answer an unknown symbol or vote number the same way.

A miss raises ``NotFoundError`` (app/errors.py): JSON under /api; for people a page that says what was
looked for (with the nearest symbols, built here while the unit of work is still open)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.deps import SessionDep
from app.errors import ErrorPage, NotFoundError, Suggestion, is_page_path
from app.models import Resolution
from app.resolutions import lookup, views
from app.resolutions.params import MAX_QUERY, ListQuery
from app.urls import symbol_path


def find_decision(request: Request, session: SessionDep, decision_id: int) -> Resolution:
    """The recorded vote with this id, or NotFoundError."""
    found = lookup.get_decision(session, decision_id)
    if found is None:
        page = ErrorPage(
            title="No such recorded vote",
            message=f"There is no recorded vote with the number {decision_id}.",
            back_url="/resolutions",
            back_label="Browse all resolutions",
        )
        raise NotFoundError(f"No recorded vote with id {decision_id}.", page)
    return found


def find_resolution(request: Request, session: SessionDep, symbol: str) -> Resolution:
    """The resolution a URL's symbol names (a symbol voted in parts names none), or NotFoundError."""
    found = lookup.lookup_symbol(session, symbol).resolution
    if found is None:
        raise symbol_not_found(request, session, symbol)
    return found


def resolution_in_path(symbol: str, request: Request, session: SessionDep) -> Resolution:
    return find_resolution(request, session, symbol)


# The resolution named by the ``{symbol:path}`` of a path (its CSV twins; the page itself also lists the
# parts of a symbol voted in parts, so it looks the symbol up itself).
ResolutionDep = Annotated[Resolution, Depends(resolution_in_path)]


def symbol_not_found(request: Request, session: SessionDep, symbol: str) -> NotFoundError:
    shown = views.shown_symbol(symbol)
    page = None
    if is_page_path(request):
        page = ErrorPage(
            title="No such resolution",
            message=f"There is no resolution with the symbol “{shown}” in our data.",
            suggestions=[
                Suggestion(label=s, url=symbol_path(s)) for s in views.suggestions_for(session, symbol)
            ],
            back_url=ListQuery(q=shown[:MAX_QUERY]).url(),
            back_label="Search for it instead",
        )
    return NotFoundError(f"No resolution with the symbol {shown!r}.", page)
