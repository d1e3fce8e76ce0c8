"""The agreement and trends charts in a real browser, at a phone's width: choosing states gives a
shareable address, and chart labels stay readable. Skipped where Playwright or chromium is missing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.browser import chromium_browser, live_base_url  # noqa: F401 (fixtures: the browser and the server)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, ViewportSize

PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    yield page
    context.close()


def smallest_label(page: Page) -> float:
    """The smallest rendered height, in CSS pixels, of a chart's axis labels."""
    heights: list[float] = page.eval_on_selector_all(
        "svg.line-chart text.axis-label", "nodes => nodes.map(n => n.getBoundingClientRect().height)"
    )
    assert heights
    return min(heights)


def test_choosing_states_charts_them_with_a_shareable_address(phone: Page, base_url: str) -> None:
    phone.goto(base_url + "/countries/USA")
    form = phone.locator("form.peer-form")
    form.locator("select[name=peer]").nth(0).select_option("ISR")
    form.locator("select[name=peer]").nth(1).select_option("GBR")
    form.get_by_role("button", name="Chart").click()
    phone.wait_for_url("**peer=ISR&peer=GBR**")
    assert phone.locator("section[aria-labelledby=peers-h] svg.line-chart g.series").count() == 2
    assert phone.locator("table.peer-years tbody tr").count() > 50
    assert smallest_label(phone) >= 9  # the chart scrolls sideways rather than shrink its labels away


def test_trends_chart_is_readable_on_a_phone(phone: Page, base_url: str) -> None:
    phone.goto(base_url + "/trends")
    assert phone.locator("svg.line-chart g.series").count() == 3
    assert smallest_label(phone) >= 9
    assert phone.locator("table.trends tbody tr").count() > 70


@pytest.mark.parametrize("path", ["/compare?a=USA&b=ISR", "/countries/USA"])
def test_a_checkbox_sits_by_its_words(browser: Browser, base_url: str, path: str) -> None:
    """The filters' checkboxes took the text fields' full width, the box far from what it says."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(base_url + path)
        label = page.locator("form label.check").first
        box = label.locator("input[type=checkbox]").bounding_box()
        whole = label.bounding_box()
        assert box is not None
        assert whole is not None
        assert box["x"] - whole["x"] < 4  # the box opens the label
        assert box["width"] < 30  # a box, not a field stretched across the form
    finally:
        page.close()
