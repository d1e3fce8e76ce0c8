"""The data version a request is being served under, for code below the page cache.

The page cache (app.cache.middleware) reads the data version at most once a second and sets it here before
it runs the application, so per-version work further down (the vote matrix, lists that only change with
the data) can reuse that read instead of asking the database again. Outside the cache (tests that read
their own uncommitted data, an admin's browser, which carries a cookie) nothing is set and such code asks
the database itself.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from contextvars import ContextVar
from typing import TypeVar

from sqlalchemy.orm import Session

served_version: ContextVar[str | None] = ContextVar("served_version", default=None)

T = TypeVar("T")


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
