"""What the application sees of a public request whose answer may be cached (app.cache.middleware)."""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import parse_qsl, urlencode

from starlette.types import Scope


def normalise_query(query: bytes, declared: Collection[str] | None) -> bytes:
    """``query`` without the parameters the route does not declare (all of them kept if None)."""
    if declared is None or not query:
        return query
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if k in declared]
    if len(kept) == len(pairs):
        return query
    return urlencode(kept, encoding="latin-1").encode("latin-1")


def render_scope(scope: Scope, query: bytes) -> Scope:
    """The request as the application sees it when its answer may be cached: the path, the normalised
    query, the scheme and the server, and no header or cookie (nothing the cache key does not hold). The
    client's address stays, for rate limits: only answers other than 200, never kept, may depend on it."""
    return {**scope, "query_string": query, "headers": []}


def refresh_scope(scope: Scope) -> Scope:
    """A plain GET for the same page, with nothing of the request that asked for it: a background
    re-render outlives that request."""
    return {
        "type": "http",
        "asgi": scope.get("asgi", {"version": "3.0"}),
        "http_version": scope.get("http_version", "1.1"),
        "method": "GET",
        "scheme": scope.get("scheme", "http"),
        "server": scope.get("server"),
        "client": None,
        "root_path": scope.get("root_path", ""),
        "path": scope["path"],
        "raw_path": scope.get("raw_path"),
        "query_string": scope.get("query_string", b""),
        "headers": [],
        "state": dict(scope.get("state", {})),
        **({"app": scope["app"]} if "app" in scope else {}),
    }
