"""Embeds in a real browser (Debian's chromium via Playwright): another site frames the widget, while the
full page refuses to be framed. Skipped where Playwright or chromium is missing.

The "other site" is a second small server on another port of 127.0.0.1 (another origin); a real one,
since chromium refuses to let a page of unknown address (one Playwright answers itself) frame a local one.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

import pytest

from app.ingest.summary import ImportSummary
from tests.browser import chromium_browser, live_server  # noqa: F401 (chromium_browser provides the browser fixture)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ES_10_24 = "A/RES/ES-10/24"


@pytest.fixture(scope="module")
def base_url(first_import: ImportSummary) -> Iterator[str]:
    with live_server() as url:
        yield url


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


class _OtherSite(BaseHTTPRequestHandler):
    body = ""

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        data = f"<!doctype html><title>Another site</title>{self.body}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's signature)
        pass


@pytest.fixture(scope="module")
def other_site() -> Iterator[str]:
    """Another origin (another port) whose one page shows _OtherSite.body."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _OtherSite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/blog/post"
    finally:
        server.shutdown()
        server.server_close()


def _visit(page: Page, other_site: str, body: str) -> None:
    _OtherSite.body = body
    page.goto(other_site)


class TestEmbedsInABrowser:
    def test_another_site_frames_the_embed_but_not_the_page(
        self, page: Page, base_url: str, other_site: str
    ) -> None:
        _visit(
            page,
            other_site,
            f'<iframe name="embed" src="{base_url}/embed/resolutions/{ES_10_24}" width="560" height="300">'
            f'</iframe><iframe name="full" src="{base_url}/resolutions/{ES_10_24}" width="560" height="300">'
            "</iframe>",
        )
        embed = page.frame_locator("iframe[name=embed]")
        assert embed.locator("h1").inner_text() == ES_10_24
        assert embed.locator(".t-yes strong").inner_text() == "124"
        # Chromium replaces a frame whose page refuses framing with its error page.
        page.wait_for_function(
            "() => window.frames['full'] && window.frames['full'].length === 0", timeout=5000
        )
        full = page.frame(name="full")
        assert full is not None
        assert full.url == "chrome-error://chromewebdata/"
        page.screenshot(path="/tmp/cards-framed.png")

    def test_snippet_from_the_page_works_elsewhere(self, page: Page, base_url: str, other_site: str) -> None:
        page.goto(f"{base_url}/countries/CIV")
        snippet = page.locator("#share-embed-code").input_value()
        assert snippet.startswith(f'<iframe src="{base_url}/embed/countries/CIV"')
        _visit(page, other_site, snippet)
        frame = page.frame_locator("iframe")
        assert frame.locator("h1 a").inner_text() == "Côte d'Ivoire"
        # The widget fits the height the snippet gives it: nothing to scroll.
        heights = frame.locator("html").evaluate("e => [e.scrollHeight, e.clientHeight]")
        assert heights[0] <= heights[1]

    def test_card_image_loads(self, page: Page, base_url: str) -> None:
        page.goto(f"{base_url}/resolutions/{ES_10_24}")
        page.locator(".share-preview summary").click()
        image = page.locator(".share-preview img")
        image.scroll_into_view_if_needed()
        page.wait_for_function("() => document.querySelector('.share-preview img').complete")
        assert image.evaluate("i => [i.naturalWidth, i.naturalHeight]") == [1200, 630]
