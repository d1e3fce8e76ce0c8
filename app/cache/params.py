"""The query parameters each route declares, so that the page cache keys a page by those alone.

Any query string used to be a page of its own: ``?r=1``, ``?r=2``... on a share card each cost a render
(13-36 ms instead of 1), about seven a second saturated a worker. The route a request would reach is
found as the router finds it, and the names of its query parameters (FastAPI's, Pydantic filter models
included) are what the cache keeps; a path no route serves keeps none. Looked up once per path.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from pydantic import BaseModel
from starlette.routing import BaseRoute, Match
from starlette.types import Scope

MEMO = 4096  # paths remembered (a path's route never changes while the process runs)
F = TypeVar("F", bound=Callable[..., Any])


def declares_query(names: Callable[[], Iterable[str]]) -> Callable[[F], F]:
    """For a handler that reads its query string itself (``request.query_params``) rather than through
    parameters FastAPI knows: the names it reads, so that the page cache keeps them."""

    def mark(handler: F) -> F:
        handler.__dict__["query_names"] = names
        return handler

    return mark


def query_names(dependant: Dependant) -> frozenset[str]:
    """The query parameter names of a route, its dependencies' included, and the fields of a Pydantic
    model taken as ``Query()`` (a filter model) in place of the model."""
    names: set[str] = set()
    stack = [dependant]
    while stack:
        current = stack.pop()
        stack.extend(current.dependencies)
        for param in current.query_params:
            model = param.field_info.annotation
            if isinstance(model, type) and issubclass(model, BaseModel):
                names.update(f.alias or name for name, f in model.model_fields.items())
            else:
                names.add(param.alias)
    return frozenset(names)


class DeclaredParams:
    """``params(scope)``: the query parameter names of the route ``scope`` would reach."""

    def __init__(self, routes: Callable[[], Sequence[BaseRoute]]) -> None:
        self._app_routes = routes  # read on first use: routes are added after the middleware is
        self._flat: list[RouteContext] | None = None
        self._by_route: dict[int, frozenset[str]] = {}
        self._memo: OrderedDict[str, frozenset[str]] = OrderedDict()
        self._lock = threading.Lock()

    def _names(self, route: APIRoute) -> frozenset[str]:
        names = self._by_route.get(id(route))
        if names is None:
            declared = route.endpoint.__dict__.get("query_names")
            names = query_names(route.dependant) | frozenset(declared() if declared else ())
            self._by_route[id(route)] = names
        return names

    def __call__(self, scope: Scope) -> frozenset[str]:
        path: str = scope["path"]
        with self._lock:
            known = self._memo.get(path)
            if known is not None:
                self._memo.move_to_end(path)
                return known
        names: frozenset[str] = frozenset()
        probe = {**scope, "method": "GET"}
        if self._flat is None:  # every route, routers included, in the order the router tries them
            self._flat = list(iter_route_contexts(self._app_routes()))
        for route in self._flat:
            match, _ = route.matches(probe)
            if match is Match.FULL:
                original = route.original_route
                names = self._names(original) if isinstance(original, APIRoute) else frozenset()
                break
        with self._lock:
            self._memo[path] = names
            while len(self._memo) > MEMO:
                self._memo.popitem(last=False)
        return names
