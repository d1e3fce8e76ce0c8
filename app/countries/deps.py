"""Dependencies that turn a country URL into a loaded state or a 404, shared by a page and its JSON, CSV
and Atom twins (twfy-votes' one dependency per page), so they answer the same address the same way.

A code we do not know raises ``NotFoundError`` (app/errors.py): JSON under /api, and for people the
not-found page with the nearest names, built here while the unit of work is still open."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.countries import queries
from app.countries.not_found_page import not_found_page
from app.deps import SessionDep
from app.errors import NotFoundError, is_page_path
from app.models import State
from app.urls import COUNTRIES_PATH


def find_state(request: Request, session: SessionDep, code: str, back_url: str = COUNTRIES_PATH) -> State:
    """The state with this code (any case, former codes too), or NotFoundError."""
    state = queries.get_state(session, code)
    if state is None:
        page = not_found_page(session, code, back_url) if is_page_path(request) else None
        raise NotFoundError(f"No state with the code {code!r}; codes are ISO 3166-1 alpha-3, e.g. USA.", page)
    return state


def state_in_path(code: str, request: Request, session: SessionDep) -> State:
    return find_state(request, session, code)


# The state named by the ``{code}`` of a path.
StateDep = Annotated[State, Depends(state_in_path)]
