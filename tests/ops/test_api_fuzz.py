"""Schemathesis over the OpenAPI schema: generated requests to every documented operation, on the real
data, must never get a server error (5xx). Examples are bounded so that this runs in well under a minute.

Schemathesis' own pytest loader does not run under pytest 9, so each operation is a parametrized test
that draws its cases with Hypothesis from the operation's strategy."""

from __future__ import annotations

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from starlette.testclient import TestClient

from app.main import create_app

MAX_EXAMPLES = 60  # per operation


def _labels() -> list[str]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(page_cache=False))
    labels = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result.err()  # the schema itself is valid
        labels.append(result.ok().label)
    return labels


@pytest.mark.parametrize("label", _labels())
def test_no_server_error(client: TestClient, label: str) -> None:
    assert isinstance(client.app, FastAPI)  # the shared app: the test transaction's session
    operation = schemathesis.openapi.from_asgi("/openapi.json", client.app).find_operation_by_label(label)
    assert operation is not None

    @given(data=st.data())
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    def check(data: st.DataObject) -> None:
        case = data.draw(operation.as_strategy())
        case.call_and_validate(checks=[not_a_server_error])

    check()
