"""The OpenAPI schema as the API answers, checked by schemathesis with all its checks (tests/ops/).

FastAPI documents a 422 with its validation-error array for every route with parameters, but this app
answers invalid parameters with a 400 whose ``detail`` is one readable string (app.main), and the 422s
it does send (a period that cannot be read, two identical states) carry a string too. Here each answer
the API can give is documented with the body it has: ``Error`` for 400, 404, 422 and 503. Routes declare
their own 404 and 422 (``NOT_FOUND``, ``UNPROCESSABLE``); every operation with parameters gets the 400,
and every one the 503 (app.errors: the database unavailable).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field


class Error(BaseModel):
    """Every error the API answers: what went wrong, in words."""

    detail: str = Field(description="what was wrong with the request, or why it cannot be answered now")


def _error(description: str) -> dict[str, Any]:
    return {"model": Error, "description": description}


NOT_FOUND: dict[int | str, dict[str, Any]] = {404: _error("Nothing has that key (the detail says which)")}
UNPROCESSABLE: dict[int | str, dict[str, Any]] = {422: _error("Parameters valid one by one but not together")}
_ERROR_REF = {"$ref": "#/components/schemas/Error"}
WITHOUT_DATABASE = frozenset({"/healthz", "/metrics"})  # answer without it, so never its 503
_FASTAPI_VALIDATION = "#/components/schemas/HTTPValidationError"


def _json(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ERROR_REF}}}


def _fix(schema: dict[str, Any]) -> dict[str, Any]:
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            responses: dict[str, Any] = operation["responses"]
            declared = responses.get("422", {}).get("content", {}).get("application/json", {})
            if declared.get("schema", {}).get("$ref") == _FASTAPI_VALIDATION:
                del responses["422"]  # never sent: invalid parameters are a 400 (below)
            if operation.get("parameters"):
                responses.setdefault("400", _json("Invalid parameters (the detail says which and why)"))
            if path not in WITHOUT_DATABASE:
                responses.setdefault("503", _json("The database is unavailable; try again after Retry-After"))
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = Error.model_json_schema()
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    return schema


# Schemas built in this process, by what they are built from: every app of a process (the tests make
# hundreds, schemathesis reading each one's) has the same routes, and building the schema took 0.3 s.
_built: dict[tuple[object, ...], dict[str, Any]] = {}


def _schema_key(app: FastAPI) -> tuple[object, ...]:
    routes = tuple(
        (
            type(r),
            getattr(r, "path", None),
            getattr(r, "endpoint", None),
            tuple(sorted(getattr(r, "methods", None) or ())),
        )
        for r in app.routes
    )
    return (app.title, app.version, app.summary, app.description, routes)


def install(app: FastAPI) -> None:
    """Make ``app.openapi()`` return the schema with the answers as they are."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            key = _schema_key(app)
            if key not in _built:
                _built[key] = _fix(
                    get_openapi(
                        title=app.title,
                        version=app.version,
                        summary=app.summary,
                        description=app.description,
                        routes=app.routes,
                    )
                )
            app.openapi_schema = _built[key]
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
