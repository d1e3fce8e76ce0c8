"""The admin in a real browser (Debian's chromium driven by Playwright): sign in, enter the 24 February
2026 resolution by paste and by the per-state table, publish it and see it on the public pages, then edit
it from two sessions at once and get the conflict. Skipped where Playwright or chromium is missing.

The server runs in a thread on the committed test database, as `unga serve` would. What the test writes
is committed too, so it is removed afterwards (and the derived tables rebuilt) for the tests that follow.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine, delete, or_, select
from sqlalchemy.orm import Session

from app.admin.accounts import create_account
from app.ingest.summary import ImportSummary
from app.models import AdminSession, AdminUser, AuditEvent, DataSource, LoginFailure, Resolution, SourceKind
from app.resolutions.search import rebuild_search_index
from tests.admin.conftest import PASSWORD
from tests.browser import chromium_browser, live_server  # noqa: F401 (chromium_browser provides the browser fixture)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


ACCOUNTS = ("ada", "grace")


def _clean(engine: Engine) -> None:
    """Remove what this module committed, and only that: its accounts and what they did."""
    with Session(engine) as session:
        session.execute(delete(Resolution).where(Resolution.symbol == "A/RES/ES-11/9"))
        session.execute(delete(DataSource).where(DataSource.kind == SourceKind.ADMIN))
        ours = select(AdminUser.id).where(AdminUser.name.in_(ACCOUNTS))
        # The import's own history (the provisional record's) stays for the tests that follow.
        session.execute(
            delete(AuditEvent).where(or_(AuditEvent.actor_id.in_(ours), AuditEvent.actor.in_(ACCOUNTS)))
        )
        session.execute(delete(AdminSession).where(AdminSession.user_id.in_(ours)))
        # Failures are counted per account, and per account and address ("ada|127.0.0.1").
        failures = [LoginFailure.key.in_(ACCOUNTS), *(LoginFailure.key.startswith(f"{a}|") for a in ACCOUNTS)]
        session.execute(delete(LoginFailure).where(or_(*failures)))
        session.execute(delete(AdminUser).where(AdminUser.name.in_(ACCOUNTS)))
        rebuild_search_index(session)
        session.commit()


@pytest.fixture(scope="module")
def base_url(engine: Engine, first_import: ImportSummary) -> Iterator[str]:
    with Session(engine) as session:
        create_account(session, "ada", PASSWORD)
        create_account(session, "grace", PASSWORD + " too")
        session.commit()
    try:
        with live_server() as url:
            yield url
    finally:
        _clean(engine)


def _signed_in(browser: Browser, base_url: str, name: str, password: str) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{base_url}/admin")
    page.wait_for_url(re.compile(r".*/admin/login\?next="))
    page.fill("#f-name", name)
    page.fill("#f-password", password)
    page.click("form.admin-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/admin$"))
    return page


@pytest.mark.long
def test_enter_publish_and_edit_concurrently(browser: Browser, base_url: str) -> None:
    ada = _signed_in(browser, base_url, "ada", PASSWORD)
    ada.click("text=Enter a resolution")
    ada.fill("#f-symbol", "es-11/9")
    ada.fill("#f-title", "Advancing a comprehensive, just and lasting peace in Ukraine")
    ada.fill("#f-adopted_on", "2026-02-24")
    ada.fill("#f-official_yes", "107")
    ada.fill("#f-official_no", "12")
    ada.fill("#f-official_abstain", "51")
    ada.uncheck("input[name=roll_call_complete]")
    ada.fill("#f-paste", "In favour: Israel, Narnia\nAbstaining: United States of America")
    ada.click("button[value=check]")
    assert "Narnia" in ada.inner_text("#f-paste + .field-error, #paste-error")
    ada.fill("#f-paste", "In favour: Israel\nAbstaining: United States of America")
    ada.click("button[value=check]")
    assert "Israel" in ada.inner_text("#understood")
    assert ada.is_checked("input[name=vote-ISR][value=Y]")
    ada.click("button[value=save]")
    ada.wait_for_url(re.compile(r".*/admin/resolutions/\d+\?saved=1"))
    assert "2 of 193 members' votes known" in " ".join(ada.inner_text("main").split())
    assert ada.request.get(f"{base_url}/api/resolutions/A/RES/ES-11/9").status == 404  # a draft

    ada.click("button:has-text('Publish')")
    body = ada.request.get(f"{base_url}/api/resolutions/A/RES/ES-11/9").json()
    assert body["official_totals"]["yes"] == 107
    assert body["roll_call_complete"] is False
    public = ada.context.new_page()
    public.goto(f"{base_url}/resolutions/A/RES/ES-11/9")
    text = " ".join(public.inner_text("main").split())
    assert "107" in text
    assert "51" in text
    assert "ncomplete" in text
    public.close()

    # The per-state table, with the keyboard; the running totals follow (static/admin-rollcall.js).
    ada.click("text=Edit")
    france = ada.locator("input[name=vote-FRA][value='']")
    france.focus()
    for _ in range(4):  # from "Not known" back to "In favour"
        ada.keyboard.press("ArrowLeft")
    assert ada.is_checked("input[name=vote-FRA][value=Y]")
    assert "In favour: 2" in ada.inner_text("#rollcall-totals")

    # Grace opens the same form, then Ada saves first. Grace's save merges field by field: France's vote,
    # which only Ada changed, comes into her form; the title, which both changed, is a conflict shown
    # with both values (app/admin/merge.py).
    grace = _signed_in(browser, base_url, "grace", PASSWORD + " too")
    grace.goto(ada.url)
    grace.fill("#f-title", "Grace's title")
    ada.fill("#f-title", "Ada's title")
    ada.click("button[value=save]")
    ada.wait_for_url(re.compile(r".*\?saved=1"))
    grace.click("button[value=save]")
    conflict = " ".join(grace.inner_text("#conflict").split())
    assert "ada" in conflict
    assert "FRA" in conflict
    assert grace.inner_text("table.conflicts tr[data-field=title] .theirs") == "Ada's title"
    assert grace.input_value("#f-title") == "Grace's title"
    assert grace.is_checked("input[name=vote-FRA][value=Y]")


def test_a_form_comes_back_after_signing_in_again(browser: Browser, base_url: str) -> None:
    """The session ends while Ada types (here: her cookies are gone); she signs in again and is back in
    her form with what she typed, read as a check (static/admin-resume.js posts it back by itself)."""
    ada = _signed_in(browser, base_url, "ada", PASSWORD)
    ada.goto(f"{base_url}/admin/resolutions/new")
    ada.fill("#f-title", "Typed before the session ended")
    ada.fill("#f-adopted_on", "2026-02-24")
    ada.fill("#f-paste", "In favour: Israel\nAbstaining: United States of America")
    ada.context.clear_cookies()
    ada.click("button[value=check]")
    assert "what you typed is kept" in ada.inner_text("#login-message")
    ada.fill("#f-name", "ada")
    ada.fill("#f-password", PASSWORD)
    ada.click("form.admin-form button[type=submit]")
    ada.wait_for_selector("#rollcall")
    assert ada.url.endswith("/admin/resolutions/new")
    assert ada.input_value("#f-title") == "Typed before the session ended"
    assert ada.is_checked("input[name=vote-ISR][value=Y]")
    assert ada.is_checked("input[name=vote-USA][value=A]")


def test_sessions_page_revokes_another_browser(browser: Browser, base_url: str) -> None:
    """Ada sees Grace's session on the sessions page and ends it; Grace's next page is the sign-in."""
    grace = _signed_in(browser, base_url, "grace", PASSWORD + " too")
    ada = _signed_in(browser, base_url, "ada", PASSWORD)
    ada.click("nav.admin-bar >> text=Sessions")
    ada.wait_for_url(re.compile(r".*/admin/sessions$"))
    mine = ada.locator("table.sessions-table", has_text="Your sessions")
    assert "(this browser)" in mine.inner_text()
    assert "HeadlessChrome" in mine.inner_text()  # the browser's User-Agent, as stored at sign-in
    others = ada.locator("table.sessions-table", has_text="Other accounts' sessions")
    row = others.locator("tbody tr", has_text="grace").first
    row.locator("button", has_text="Revoke").click()
    ada.wait_for_url(re.compile(r".*/admin/sessions\?revoked=1$"))
    assert "The session was revoked." in ada.inner_text("main")
    grace.reload()
    grace.wait_for_url(re.compile(r".*/admin/login\?next="))
    ada.set_viewport_size({"width": 390, "height": 844})  # a phone: the table scrolls, the page does not
    ada.goto(f"{base_url}/admin/sessions")
    width = ada.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
