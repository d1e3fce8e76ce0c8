"""The data version a request is being served under, for code below the page cache.

The page cache (app.cache.middleware) reads the data version at most once a second and sets it here before
it runs the application, so per-version work further down (the vote matrix, lists that only change with
the data) can reuse that read instead of asking the database again. Outside the cache (tests that read
their own uncommitted data, an admin's browser, which carries a cookie) nothing is set and such code asks
the database itself.
"""

from __future__ import annotations

from contextvars import ContextVar

served_version: ContextVar[str | None] = ContextVar("served_version", default=None)
