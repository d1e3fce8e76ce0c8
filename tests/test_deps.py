"""Row ids in paths (app.deps.RowId): a number beyond the INTEGER columns is a 400 that says why, on every
route that takes one; a well-formed id of nothing is a 404. Before, three routes took a plain int and
answered 404, or a 500 past 64 bits where the database driver refused the number."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

import pytest
from httpx2 import Response
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from app.admin.accounts import create_account
from app.config import PROJECT_ROOT
from tests.admin.conftest import ORIGIN, PASSWORD, csrf_from, one, sign_in, soup

LARGEST = 2**31 - 1
UNKNOWN = "999999999"  # well-formed and in range; no row has it

# (method, route as declared (router prefix + path), a URL of it with {} for the id). The admin's state
# rows use ZAF, whose record has a row of every kind.
CASES = [
    ("GET", "/votes/{decision_id:int}", "/votes/{}"),
    ("GET", "/votes/{decision_id:int}.csv", "/votes/{}.csv"),
    ("GET", "/votes/{decision_id:int}/groups.csv", "/votes/{}/groups.csv"),
    ("GET", "/api/votes/{decision_id}", "/api/votes/{}"),
    ("GET", "/cards/votes/{decision_id:int}.png", "/cards/votes/{}.png"),
    ("GET", "/embed/votes/{decision_id:int}", "/embed/votes/{}"),
    ("GET", "/admin/resolutions/{resolution_id}", "/admin/resolutions/{}"),
    ("GET", "/admin/resolutions/{resolution_id}/edit", "/admin/resolutions/{}/edit"),
    ("POST", "/admin/resolutions/{resolution_id}/edit", "/admin/resolutions/{}/edit"),
    ("POST", "/admin/resolutions/{resolution_id}/publish", "/admin/resolutions/{}/publish"),
    ("POST", "/admin/resolutions/{resolution_id}/delete", "/admin/resolutions/{}/delete"),
    ("POST", "/admin/resolutions/{resolution_id}/intentions", "/admin/resolutions/{}/intentions"),
    ("GET", "/admin/resolutions/{resolution_id}/export.toml", "/admin/resolutions/{}/export.toml"),
    ("POST", "/admin/reports/{report_id}/{verb}", "/admin/reports/{}/resolve"),
    ("GET", "/admin/states/{code}/{kind}/{row_id}/remove", "/admin/states/ZAF/names/{}/remove"),
    ("POST", "/admin/states/{code}/{kind}/{row_id}/{verb}", "/admin/states/ZAF/names/{}/remove"),
    ("POST", "/admin/states/{code}/{kind}/{row_id}/{verb}", "/admin/states/ZAF/suspensions/{}/edit"),
]


def _id_routes() -> dict[tuple[str, str], list[str]]:
    """Every route in app/ with an id (a path parameter named *_id), read from the source: (method, router
    prefix + path) -> the annotations of its id parameters."""
    found: dict[tuple[str, str], list[str]] = {}
    for path in sorted((PROJECT_ROOT / "app").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        prefix = next(
            (
                str(kw.value.value)
                for node in ast.walk(tree)
                if isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "APIRouter"
                for kw in node.keywords
                if kw.arg == "prefix" and isinstance(kw.value, ast.Constant)
            ),
            "",
        )
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef):
                continue
            for decorator in node.decorator_list:
                if not (
                    isinstance(decorator, ast.Call)
                    and isinstance(decorator.func, ast.Attribute)
                    and decorator.func.attr in {"get", "post", "put", "patch", "delete", "api_route"}
                ):
                    continue
                declared = decorator.args[0]
                if not isinstance(declared, ast.Constant):  # e.g. SERIES_PATH + "/{slug}": no id in it
                    assert "_id" not in ast.unparse(declared), f"{path.name}:{node.lineno}: use a literal"
                    continue
                route = prefix + str(declared.value)
                ids = [name for name in re.findall(r"\{(\w+)", route) if name.endswith("_id")]
                if ids:
                    params = {a.arg: ast.unparse(a.annotation) for a in node.args.args if a.annotation}
                    annotations = [params.get(name, "") for name in ids]
                    found[(decorator.func.attr.upper(), route)] = annotations
    return found


def test_every_id_in_a_path_is_a_bounded_row_id() -> None:
    routes = _id_routes()
    assert {route: kinds for route, kinds in routes.items() if set(kinds) != {"RowId"}} == {}
    # And each of them is tried below, so a new route with an id is tested the same way.
    assert set(routes) == {(method, route) for method, route, _ in CASES}


@pytest.fixture
def admin(client: TestClient, db: Session) -> Iterator[TestClient]:
    create_account(db, "ada", PASSWORD)
    with TestClient(client.app) as signed_in:
        assert sign_in(signed_in, "ada", PASSWORD).status_code == 303
        yield signed_in


def _request(client: TestClient, admin: TestClient, method: str, url: str) -> Response:
    if not url.startswith("/admin"):
        return client.request(method, url, follow_redirects=False)
    if method == "GET":
        return admin.get(url, params={"version": _zaf_version(admin)}, follow_redirects=False)
    # A form that would be accepted but for the id: the session's token, the current version, valid fields.
    data = {
        "csrf_token": csrf_from(admin.get("/admin").text),
        "version": _zaf_version(admin),
        "starts_on": "1974-11-12",
        "note": "Test",
    }
    return admin.post(url, data=data, headers=ORIGIN, follow_redirects=False)


def _zaf_version(admin: TestClient) -> str:
    return str(one(soup(admin.get("/admin/states/ZAF")), "input[name=version]")["value"])


@pytest.mark.parametrize(("method", "route", "url"), CASES, ids=[f"{m} {u}" for m, _, u in CASES])
def test_out_of_range_is_a_400_with_the_reason_and_unknown_a_404(
    client: TestClient, admin: TestClient, method: str, route: str, url: str
) -> None:
    for beyond in (str(LARGEST + 1), "9" * 30):
        response = _request(client, admin, method, url.format(beyond))
        assert response.status_code == 400, (url, beyond)
        assert f"less than or equal to {LARGEST}" in response.text
    response = _request(client, admin, method, url.format(UNKNOWN))
    assert response.status_code == 404, url
