"""HTTP validators shared by the page cache (app.cache) and the routes that answer 304 themselves (the
share-card images, the data package): what tells two public answers apart, their ETag under a data
version, and how long proxies and browsers may keep them."""

from __future__ import annotations

import hashlib

from starlette.types import Scope

# Seconds after its render that a page may still be answered once the data has changed: by this process
# (stale while revalidate) and, through max-age, by proxies and browsers.
MAX_STALE = 60
CACHE_CONTROL = f"public, max-age={MAX_STALE}, stale-while-revalidate=600"


def cache_key(scope: Scope) -> str:
    """What tells two public answers apart: the path and the query string (and the scheme, when it is
    not plain http: behind a proxy that passes it on, the default public URL follows it)."""
    path: str = scope["path"]
    query: bytes = scope.get("query_string", b"")
    scheme = scope.get("scheme", "http")
    return ("" if scheme == "http" else scheme + ":") + path + "?" + query.decode("latin-1")


def etag_for(version: str, key: str) -> str:
    """The ETag of the answer at ``key`` under a data version: routes that answer 304 themselves (the
    share-card images, app/cards) use it too, so theirs and the cache's agree."""
    return 'W/"' + hashlib.sha256(f"{version}|{key}".encode()).hexdigest()[:32] + '"'


def etag_matches(etag: str, if_none_match: str | None) -> bool:
    return etag in (if_none_match or "")
