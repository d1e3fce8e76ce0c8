"""The data version: what the page cache keys pages by and serves ETags with, and per-version reuse below it.

The version is a stored row (app.models.DataVersion), bumped in the transaction of the write that changes
what a public page shows, as that transaction commits: it commits or rolls back with the write, and a
read replica sees both at once. Two ways ask for the bump, and together they cover every writer:

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

from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction

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
_PENDING = "unga_data_version_pending"  # in Session.info: written, not bumped yet

served_version: ContextVar[str | None] = ContextVar("served_version", default=None)

T = TypeVar("T")


def data_version(session: Session) -> str:
    """The version of the data ``session`` sees: the number of bumps and the last one's random token.
    A session that wrote and has not committed yet sees its own bump."""
    if session.info.get(_PENDING):
        _bump(session)
    row = session.execute(
        select(DataVersion.number, DataVersion.token).where(DataVersion.id == _ROW)
    ).one_or_none()
    return "0" if row is None else f"{row.number}-{row.token}"


def bump(session: Session) -> None:
    """Move the version when ``session``'s transaction commits: cached pages are stale from then on."""
    session.info[_PENDING] = True


def _bump(session: Session) -> None:
    # Written when the transaction commits rather than when it first writes: on PostgreSQL the row stays
    # locked from this statement to the commit, and an import of several minutes would otherwise hold
    # every admin save that long.
    session.info.pop(_PENDING, None)
    values: dict[str, Any] = {"token": secrets.token_hex(8), "bumped_at": dt.datetime.now(dt.UTC)}
    connection = session.connection()
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
        bump(session)


@event.listens_for(Session, "do_orm_execute")
def _on_bulk_statement(state: ORMExecuteState) -> None:
    # insert(Vote), delete(...) run through the session: no flush sees them.
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    if mapper is not None and not issubclass(mapper.class_, _UNVERSIONED):
        bump(state.session)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    session.flush()  # the commit flushes what is pending only after this event: decide with it
    if session.info.get(_PENDING):
        _bump(session)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the whole transaction rolled back: nothing was written after all
        session.info.pop(_PENDING, None)


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
