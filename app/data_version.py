"""The data version: what the page cache keys pages by and serves ETags with, and per-version reuse below it.

The version is a stored row (app.models.DataVersion), bumped in the transaction of the write that changes
what a public page shows, so it commits or rolls back with that write and a read replica sees both at
once. Two ways bump it, and together they cover every writer:

* ``after_write`` (app.derived), which both write doors call: the import writes its roll calls with bulk
  statements no session event sees;
* this module's session events, with every flush (or ORM bulk statement) that wrote a table a public
  page reads: the admin's many save paths (records, states, intended votes, publication), a new fit of the
  ideal points, the import's ORM writes, and whatever a later writer adds. Only the admin's own tables
  (accounts, sessions, the audit trail, readers' error reports) and the import's bookkeeping leave it
  alone (and the series, which after_write derives): a sign-in or a reader's report must not make every
  cached page stale.

The page cache (app.cache.middleware) reads the version at most once a second and sets it in
``served_version`` before it runs the application, so per-version work further down (the vote matrix,
lists that only change with the data) can reuse that read instead of asking the database again. Outside
the cache (tests that read their own uncommitted data, an admin's browser, which carries a cookie)
nothing is set and such code asks the database itself.
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
import threading
from collections.abc import Callable
from contextvars import ContextVar
from itertools import chain
from typing import Any, TypeVar

from sqlalchemy import Connection, event, insert, select, update
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from app.models import (
    AdminSession,
    AdminUser,
    AuditEvent,
    DataVersion,
    ErrorReport,
    ImportRun,
    LoginFailure,
    Series,
    SeriesMember,
)

# Writing these leaves the version alone: no public page shows the first ones, and the series are derived
# from the records by app.derived.after_write, which moves the version when the records changed (an
# import that found nothing new rewrites them as they were).
PRIVATE = (AdminSession, AdminUser, AuditEvent, LoginFailure, ErrorReport, ImportRun, DataVersion)
DERIVED = (Series, SeriesMember)
_UNVERSIONED = (*PRIVATE, *DERIVED)
_ROW = 1  # the one row of data_version

served_version: ContextVar[str | None] = ContextVar("served_version", default=None)

T = TypeVar("T")


def data_version(session: Session) -> str:
    """The version of the data ``session`` sees: the number of bumps and the last one's random token."""
    row = session.execute(
        select(DataVersion.number, DataVersion.token).where(DataVersion.id == _ROW)
    ).one_or_none()
    return "0" if row is None else f"{row.number}-{row.token}"


def bump(session: Session) -> None:
    """Move the version, in ``session``'s transaction: cached pages are stale once it commits."""
    _bump(session.connection())


def _bump(connection: Connection) -> None:
    values: dict[str, Any] = {"token": secrets.token_hex(8), "bumped_at": dt.datetime.now(dt.UTC)}
    moved = connection.execute(
        update(DataVersion).where(DataVersion.id == _ROW).values(number=DataVersion.number + 1, **values)
    )
    if moved.rowcount == 0:  # a database whose row went missing (restored from a partial dump)
        connection.execute(insert(DataVersion).values(id=_ROW, number=1, **values))


def _is_public(entity: object) -> bool:
    return not isinstance(entity, _UNVERSIONED)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context: UOWTransaction, _instances: object) -> None:
    # Decided before the flush: after it, the history of a mapper's version counter (resolution, state)
    # reads as unchanged. "dirty" is optimistic (an attribute set to its own value), hence is_modified.
    written = chain(
        session.new,
        session.deleted,
        (obj for obj in session.dirty if session.is_modified(obj, include_collections=False)),
    )
    if any(_is_public(obj) for obj in written):
        _bump(session.connection())


@event.listens_for(Session, "do_orm_execute")
def _on_bulk_statement(state: ORMExecuteState) -> None:
    # insert(Vote), delete(...) run through the session: no flush sees them.
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    if mapper is not None and not issubclass(mapper.class_, _UNVERSIONED):
        _bump(state.session.connection())


def per_version(compute: Callable[[Session], T]) -> Callable[[Session], T]:
    """``compute(session)`` once per served data version and process, for lists that only change with
    the data (every state's name, the topic list): each country page asked for them anew, ~10 ms of its
    ~30. Requests outside the page cache always compute. Callers must not mutate what they get."""
    lock = threading.Lock()
    known: tuple[str, T] | None = None

    @functools.wraps(compute)
    def cached(session: Session) -> T:
        nonlocal known
        version = served_version.get()
        if version is None:
            return compute(session)
        found = known
        if found is not None and found[0] == version:
            return found[1]
        with lock:  # one request computes, the others of this moment wait for it
            found = known
            if found is None or found[0] != version:
                found = (version, compute(session))
                known = found
        return found[1]

    return cached
