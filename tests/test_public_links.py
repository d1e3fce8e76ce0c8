"""Absolute links come from the configured public URL, never from a request's Host header; unknown Hosts
are refused; and what the page cache keeps is rendered from nothing but its key (issue 13, item 1).

Before: ``curl -H 'Host: evil.example' /countries/FRA/feed.atom`` once, and every later reader's feed,
CSV and page (canonical link, og:url, og:image) pointed at evil.example, even after a restart."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from starlette.requests import Request
from starlette.testclient import TestClient

from app.config import get_settings
from app.hosts import host_name
from app.ingest.summary import ImportSummary
from app.main import create_app
from app.urls import public_base

FEED = "/countries/FRA/feed.atom"
PAGE = "/resolutions/A/RES/ES-10/24"

SetEnv = Callable[..., None]


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[SetEnv]:
    def apply(**variables: str) -> None:
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()

    yield apply
    monkeypatch.undo()
    get_settings.cache_clear()


def _links(text: str) -> set[str]:
    """Every absolute link of a page (links, anchors, meta tags) or an Atom feed (links, ids)."""
    if text.startswith("<?xml"):
        nodes = list(ElementTree.fromstring(text).iter())
        found = {n.get("href", "") for n in nodes} | {n.text or "" for n in nodes if n.tag.endswith("}id")}
    else:
        soup = BeautifulSoup(text, "lxml")
        found = {str(n.get("href", "")) for n in soup.find_all(["link", "a"])}
        found |= {str(n.get("content", "")) for n in soup.find_all("meta")}
    return {link for link in found if link.startswith("http") and "www.w3.org" not in link}


class TestHosts:
    def test_an_unknown_host_is_refused(self, first_import: ImportSummary) -> None:
        client = TestClient(create_app())
        refused = client.get(FEED, headers={"Host": "evil.example"})
        assert refused.status_code == 400
        assert "evil.example" not in refused.text
        assert client.get(FEED, headers={"Host": "EVIL.example:8000"}).status_code == 400

    def test_the_served_address_and_localhost_are_always_allowed(self, first_import: ImportSummary) -> None:
        client = TestClient(create_app())
        for host in ("testserver", "localhost:8000", "127.0.0.1", "[::1]:8000"):
            assert client.get("/healthz", headers={"Host": host}).status_code == 200, host

    def test_an_allowed_alias_never_reaches_a_cached_page(
        self, first_import: ImportSummary, settings_env: SetEnv
    ) -> None:
        settings_env(UNGA_ALLOWED_HOSTS="alias.example, other.example")
        client = TestClient(create_app())
        for path in (FEED, PAGE, "/countries/FRA.csv"):
            through_alias = client.get(path, headers={"Host": "alias.example"})
            assert through_alias.status_code == 200
            assert "alias.example" not in through_alias.text, path
            later = client.get(path)
            assert "alias.example" not in later.text
        assert _links(client.get(FEED).text)
        assert all(link.startswith("http://testserver/") for link in _links(client.get(FEED).text))

    @pytest.mark.parametrize(
        ("header", "name"),
        [("example.org", "example.org"), ("Example.ORG:8443", "example.org"), ("[::1]:80", "::1"), ("", "")],
    )
    def test_host_name(self, header: str, name: str) -> None:
        assert host_name(header) == name


class TestPublicUrl:
    def test_links_come_from_the_public_url(self, first_import: ImportSummary, settings_env: SetEnv) -> None:
        settings_env(UNGA_PUBLIC_URL="https://votes.example.org/")
        client = TestClient(create_app())
        feed = client.get(FEED, headers={"Host": "votes.example.org"})  # its own name is allowed
        assert feed.status_code == 200
        assert _links(feed.text)
        assert all(link.startswith("https://votes.example.org/") for link in _links(feed.text))
        page = BeautifulSoup(client.get(PAGE).text, "lxml")
        og_url = page.select_one("meta[property='og:url']")
        assert og_url is not None
        assert og_url["content"] == "https://votes.example.org" + PAGE
        og_image = page.select_one("meta[property='og:image']")
        assert og_image is not None
        assert str(og_image["content"]).startswith("https://votes.example.org/cards/")
        rows = client.get("/countries/FRA.csv?q=ES-10").text.splitlines()
        assert len(rows) > 1
        assert all(
            row.split(",")[-1].startswith("https://votes.example.org/resolutions/") for row in rows[1:]
        )

    def test_a_public_url_must_be_http_or_https(self, settings_env: SetEnv) -> None:
        settings_env(UNGA_PUBLIC_URL="javascript:alert(1)")
        with pytest.raises(ValueError, match="UNGA_PUBLIC_URL"):
            get_settings()

    @pytest.mark.parametrize(
        ("scheme", "server", "base"),
        [
            ("http", ("127.0.0.1", 8000), "http://127.0.0.1:8000"),
            ("http", ("testserver", 80), "http://testserver"),
            ("https", ("::1", 443), "https://[::1]"),
            ("https", ("votes.local", 8443), "https://votes.local:8443"),
        ],
    )
    def test_by_default_the_address_served(self, scheme: str, server: tuple[str, int], base: str) -> None:
        scope = {"type": "http", "scheme": scheme, "server": server, "headers": [(b"host", b"evil.example")]}
        assert public_base(Request(scope)) == base
