"""Fuzzing the admin forms: whatever is posted, the answer is a page or a refusal, never a 500, and
markup typed into a field never comes back as markup."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from tests.admin.conftest import ORIGIN, csrf_from
from tests.admin.test_entry import NEW, UKRAINE_2026

NASTY = st.sampled_from(
    [
        "",
        " ",
        "<script>alert(1)</script>",
        "' OR 1=1; --",
        "\x00",
        "\u202e\ufeff",
        "9" * 40,
        "-1",
        "1e3",
        "２０２６-０２-２４",
        "A/RES/ES-11/9\n",
        "In favour: Israel\nAgainst: Israel",
        "x" * 70_000,
        "0000-00-00",
        "2026-02-30",
    ]
)
TEXT = st.one_of(NASTY, st.text(st.characters(exclude_categories=["Cs"]), max_size=200))
# Query strings: what fits in a URL (the client itself refuses longer ones).
SHORT = st.one_of(
    st.sampled_from(["\x00", "a\x00b", "<script>alert(1)</script>", "' OR 1=1; --", "/admin\r\nX: y"]),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=200),
)
FIELDS = [
    "symbol", "title", "adopted_on", "meeting_record", "draft_symbol", "agenda_item", "subjects", "adoption",
    "official_yes", "official_no", "official_abstain", "official_non_voting", "roll_call_complete",
    "discrepancy", "paste", "action", "vote-USA", "vote-ISR", "vote-", "vote-<b>",
]  # fmt: skip
FUZZ = settings(
    max_examples=40,
    deadline=None,
    # The same examples on every run: a failure found here is reproducible, and CI is never red by luck.
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _check(response: Any) -> None:
    assert response.status_code < 500, response.text[:500]
    assert "<script>alert(1)</script>" not in response.text


@FUZZ
@given(changes=st.dictionaries(st.sampled_from(FIELDS), TEXT, max_size=6))
def test_new_resolution_form(admin_client: TestClient, changes: dict[str, str]) -> None:
    token = csrf_from(admin_client.get("/admin").text)
    data = {**UKRAINE_2026, "symbol": "A/RES/ES-11/98", "action": "check", **changes, "csrf_token": token}
    _check(admin_client.post(NEW, data=data, headers=ORIGIN, follow_redirects=False))


@FUZZ
@given(
    changes=st.dictionaries(
        st.sampled_from(["state", "intended", "statement", "stated_on", "version", "publish"]), TEXT
    )
)
def test_resolution_page_forms(admin_client: TestClient, changes: dict[str, str]) -> None:
    token = csrf_from(admin_client.get("/admin").text)
    data = {"csrf_token": token, **changes}
    for action in ("intentions", "publish", "delete"):
        # Resolution 1 exists in the imported data; the forms refuse or accept, never fail.
        response = admin_client.post(
            f"/admin/resolutions/1/{action}", data=data, headers=ORIGIN, follow_redirects=False
        )
        _check(response)


@FUZZ
@given(name=TEXT, password=TEXT, next_=TEXT, audit_filter=SHORT)
def test_login_and_audit(
    admin_client: TestClient, name: str, password: str, next_: str, audit_filter: str
) -> None:
    with TestClient(admin_client.app) as anonymous:
        token = csrf_from(anonymous.get("/admin/login").text)
        data = {"name": name, "password": password, "next": next_, "csrf_token": token}
        _check(anonymous.post("/admin/login", data=data, headers=ORIGIN, follow_redirects=False))
    _check(admin_client.get("/admin/audit", params={"actor": audit_filter, "entity_id": audit_filter}))
    _check(admin_client.get("/admin/resolutions/find", params={"symbol": audit_filter}))


STATE_FIELDS = ["code", "name", "iso2", "group", "admitted_on", "valid_from", "ended_on", "successor", "note"]


@FUZZ
@given(changes=st.dictionaries(st.sampled_from([*STATE_FIELDS, "starts_on", "ends_on"]), TEXT, max_size=6))
def test_member_state_forms(admin_client: TestClient, changes: dict[str, str]) -> None:
    token = csrf_from(admin_client.get("/admin").text)
    data = {"csrf_token": token, **changes}
    for url in (
        "/admin/states",
        "/admin/states/VEN/name",
        "/admin/states/VEN/membership-end",
        "/admin/states/VEN/suspension",
    ):
        _check(admin_client.post(url, data=data, headers=ORIGIN, follow_redirects=False))


CORRECTION_FIELDS = [*STATE_FIELDS, "valid_to", "starts_on", "ends_on", "admitted_on", "version", "session"]


def _state_forms(client: TestClient, code: str) -> tuple[list[str], str]:
    """The correction forms' URLs on a state's page, and the version they carry."""
    page = BeautifulSoup(client.get(f"/admin/states/{code}").text, "lxml")
    urls = [str(f["action"]) for f in page.select("form[action]") if "/admin/states/" in str(f["action"])]
    version = page.select_one("input[name=version]")
    assert version is not None
    return urls, str(version["value"])


@pytest.mark.long
@FUZZ
@given(
    changes=st.dictionaries(st.sampled_from(CORRECTION_FIELDS), TEXT, max_size=6),
    current_version=st.booleans(),
)
def test_state_correction_forms(
    admin_client: TestClient, changes: dict[str, str], current_version: bool
) -> None:
    # ZAF has a name, a membership and a suspension: every kind of correction form, and removal.
    urls, version = _state_forms(admin_client, "ZAF")
    assert any(u.endswith("/edit") for u in urls)
    assert any(u.endswith("/remove") for u in urls)
    token = csrf_from(admin_client.get("/admin").text)
    data = {"csrf_token": token, **changes}
    if current_version:
        data["version"] = version
    for url in [*urls, "/admin/states/ZAF/names/0/edit", "/admin/states/ZAF/names/x/remove"]:
        _check(admin_client.post(url, data=data, headers=ORIGIN, follow_redirects=False))
        if url.endswith("/remove"):  # the confirmation page, asked for with any version
            _check(admin_client.get(url, params={"version": changes.get("version", version)[:20]}))
    _check(admin_client.post("/admin/sessions/revoke", data=data, headers=ORIGIN, follow_redirects=False))
    _check(admin_client.get("/admin/sessions"))
