"""The resolution pages in a real browser (Debian's chromium driven by Playwright): search, follow,
filter, download, and an axe-core accessibility scan. Skipped where Playwright or chromium is missing.

The server runs in a thread on the test database's committed data (the shipped history), exactly as
`unga serve` would serve it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser import chromium_browser, live_base_url  # noqa: F401 (fixtures: the browser and the server)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    yield page
    context.close()


class TestInABrowser:
    def test_search_then_open_the_resolution(self, page: Page, base_url: str) -> None:
        page.goto(base_url + "/")
        page.get_by_label("Search resolutions by words or symbol").fill("territorial integrity of Ukraine")
        page.get_by_label("Search resolutions by words or symbol").press("Enter")
        first = page.locator(".results .result .symbol").first
        assert first.inner_text() == "A/RES/68/262"
        first.click()
        page.wait_for_url("**/resolutions/A/RES/68/262")
        assert page.locator("h1").inner_text() == "Territorial integrity of Ukraine"
        assert page.locator("svg.map").is_visible()

    def test_symbol_search_goes_straight_to_it(self, page: Page, base_url: str) -> None:
        page.goto(base_url + "/resolutions")
        page.locator("#site-q").fill("es-10/24")
        page.locator("#site-q").press("Enter")
        page.wait_for_url("**/resolutions/A/RES/ES-10/24")
        assert page.locator(".outcome .t-yes strong").inner_text() == "124"

    def test_filter_and_download(self, page: Page, base_url: str) -> None:
        page.goto(base_url + "/resolutions")
        everything = page.locator(".result-count strong").inner_text()
        page.locator(".filters input[name=session]").fill("ES-10")
        page.get_by_role("button", name="Show").click()
        page.wait_for_url("**/resolutions?*session=ES-10*")
        assert page.locator(".result-count strong").inner_text() != everything
        with page.expect_download() as info:
            page.get_by_role("link", name="CSV").click()
        rows = list(csv.reader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"))))
        assert rows[0][0] == "symbol"
        assert all(row[0].startswith("A/RES/ES-10/") for row in rows[1:])

    def test_map_titles_name_each_state(self, page: Page, base_url: str) -> None:
        page.goto(base_url + "/resolutions/A/RES/ES-10/24")
        titles = page.locator("svg.map title").all_text_contents()
        assert "United States of America: Against" in titles
        assert page.locator("svg.map use.m-yes").count() > 100

    @pytest.mark.parametrize(
        "path", ["/", "/resolutions?q=apartheid", "/resolutions/A/RES/ES-10/24", "/resolutions/A/RES/99/999"]
    )
    def test_no_accessibility_violations(self, page: Page, base_url: str, path: str) -> None:
        axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
        page.goto(base_url + path)
        violations = axe_module.Axe().run(page).response["violations"]
        assert [v["id"] for v in violations] == []
