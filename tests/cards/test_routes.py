"""Share cards and embeds over HTTP, on the real data: the images, their ETags, the Open Graph tags of the
pages, the "Share / embed" section, and the embeds that other sites may frame while no other page may."""

from __future__ import annotations

import io

import pytest
from bs4 import BeautifulSoup
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from app.models import Adoption, DecisionKind, Resolution
from tests.resolutions.conftest import one, soup

ES_10_24 = "A/RES/ES-10/24"
BASE = "http://testserver"


def _png(client: TestClient, path: str) -> Image.Image:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG"
    return image


def _meta(page: BeautifulSoup, key: str) -> str:
    tag = page.select_one(f'meta[property="{key}"]') or page.select_one(f'meta[name="{key}"]')
    assert tag is not None, f"no {key} meta tag"
    return str(tag["content"])


def _es_10_24(db: Session) -> Resolution:
    return db.execute(select(Resolution).where(Resolution.symbol == ES_10_24)).scalar_one()


class TestCardImages:
    @pytest.mark.parametrize(
        "path",
        [
            f"/cards/resolutions/{ES_10_24}.png",
            "/cards/resolutions/A/RES/3379(XXX).png",
            "/cards/countries/TUR.png",
            "/cards/countries/CIV.png",
            "/cards/countries/civ.png",  # codes in any case, as on the country pages
        ],
    )
    def test_png_of_the_right_size(self, client: TestClient, path: str) -> None:
        assert _png(client, path).size == (1200, 630)

    def test_a_separate_vote_has_a_card(self, client: TestClient, db: Session) -> None:
        vote_id = db.execute(
            select(Resolution.id).where(Resolution.kind != DecisionKind.RESOLUTION).limit(1)
        ).scalar_one()
        assert _png(client, f"/cards/votes/{vote_id}.png").size == (1200, 630)

    def test_adopted_without_a_vote(self, client: TestClient, db: Session) -> None:
        symbol = db.execute(
            select(Resolution.symbol)
            .where(Resolution.adoption == Adoption.WITHOUT_VOTE, Resolution.symbol != "")
            .limit(1)
        ).scalar_one()
        assert _png(client, f"/cards/resolutions/{symbol}.png").size == (1200, 630)

    def test_head_answers_like_get(self, client: TestClient) -> None:
        response = client.head("/cards/countries/USA.png")
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/png"
        assert response.headers["etag"] == client.get("/cards/countries/USA.png").headers["etag"]

    def test_etag_cache_control_and_304(self, client: TestClient) -> None:
        first = client.get(f"/cards/resolutions/{ES_10_24}.png")
        etag = first.headers["etag"]
        assert "public" in first.headers["cache-control"]
        again = client.get(f"/cards/resolutions/{ES_10_24}.png", headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["etag"] == etag

    def test_image_and_etag_change_with_the_data(self, client: TestClient, db: Session) -> None:
        before = client.get(f"/cards/resolutions/{ES_10_24}.png")
        resolution = _es_10_24(db)
        resolution.tally_yes += 1  # as an admin's correction would
        resolution.version += 1
        db.flush()
        after = client.get(
            f"/cards/resolutions/{ES_10_24}.png", headers={"If-None-Match": before.headers["etag"]}
        )
        assert after.status_code == 200
        assert after.headers["etag"] != before.headers["etag"]
        assert after.content != before.content

    def test_every_card_gets_a_new_etag_when_any_data_changes(self, client: TestClient, db: Session) -> None:
        # The version is global: a country's card shows figures drawn from every resolution.
        before = client.get("/cards/countries/USA.png").headers["etag"]
        _es_10_24(db).version += 1
        db.flush()
        assert client.get("/cards/countries/USA.png").headers["etag"] != before

    @pytest.mark.parametrize(
        ("path", "reason"),
        [
            ("/cards/resolutions/A/RES/99/9999.png", "no resolution with the symbol “A/RES/99/9999”"),
            ("/cards/countries/XYZ.png", "no state with the code “XYZ”"),
            ("/cards/votes/999999999.png", "no recorded vote with the number 999999999"),
            ("/embed/resolutions/A/RES/99/9999", "no resolution with the symbol “A/RES/99/9999”"),
            ("/embed/countries/XYZ", "no state with the code “XYZ”"),
        ],
    )
    def test_unknown_is_a_404_with_a_reason(self, client: TestClient, path: str, reason: str) -> None:
        response = client.get(path)
        assert response.status_code == 404
        assert reason in one(soup(response.text), "main").get_text()


class TestOpenGraphTags:
    def test_resolution_page(self, client: TestClient) -> None:
        page = soup(client.get(f"/resolutions/{ES_10_24}").text)
        assert _meta(page, "og:url") == f"{BASE}/resolutions/{ES_10_24}"
        assert one(page, 'link[rel="canonical"]')["href"] == f"{BASE}/resolutions/{ES_10_24}"
        assert _meta(page, "og:image") == f"{BASE}/cards/resolutions/{ES_10_24}.png"
        assert _meta(page, "twitter:image") == _meta(page, "og:image")
        assert _meta(page, "twitter:card") == "summary_large_image"
        assert _meta(page, "og:type") == "article"
        assert (_meta(page, "og:image:width"), _meta(page, "og:image:height")) == ("1200", "630")
        assert _meta(page, "og:title").startswith(f"{ES_10_24}: Advisory opinion of the International Court")
        alt = _meta(page, "og:image:alt")
        assert alt.startswith(f"{ES_10_24}: 124 in favour, 14 against, 43 abstaining, 12 non-voting.")
        assert "Adopted by a recorded vote on 18 September 2024" in alt
        assert _meta(page, "twitter:image:alt") == alt
        assert "124 in favour" in _meta(page, "og:description")

    def test_country_page_is_canonical_whatever_the_filters(self, client: TestClient) -> None:
        page = soup(client.get("/countries/TUR?year=2000&q=nuclear").text)
        assert _meta(page, "og:url") == f"{BASE}/countries/TUR"
        assert _meta(page, "og:image") == f"{BASE}/cards/countries/TUR.png"
        assert _meta(page, "og:title") == "How Türkiye votes in the UN General Assembly"
        alt = _meta(page, "og:image:alt")
        assert alt.startswith("Türkiye (Western European and Others Group): on ")
        assert "% in favour" in alt
        assert "% against" in alt
        assert "% abstaining" in alt
        assert _meta(page, "twitter:card") == "summary_large_image"

    def test_other_pages_have_no_card(self, client: TestClient) -> None:
        page = soup(client.get("/resolutions").text)
        assert page.select_one('meta[property="og:image"]') is None


class TestShareSection:
    @pytest.mark.parametrize(
        ("path", "embed"),
        [
            (f"/resolutions/{ES_10_24}", f"/embed/resolutions/{ES_10_24}"),
            ("/countries/CIV", "/embed/countries/CIV"),
        ],
    )
    def test_snippet_and_links(self, client: TestClient, path: str, embed: str) -> None:
        section = one(soup(client.get(path).text), "section.share-embed")
        assert one(section, "h2").get_text() == "Share / embed"
        snippet = one(section, "textarea#share-embed-code")
        assert snippet.has_attr("readonly")
        frame = one(soup(snippet.get_text()), "iframe")  # the text to copy is a working iframe
        assert frame["src"] == BASE + embed
        assert frame["title"]
        links = {a.get_text(strip=True): str(a["href"]) for a in section.select(".share-links a")}
        assert set(links) == {"Preview the embed", "Card image", "CSV", "JSON"}
        for href in links.values():
            assert client.get(href).status_code == 200, href
        assert client.get(links["Card image"]).headers["content-type"] == "image/png"


class TestEmbeds:
    @pytest.mark.parametrize(
        "path", [f"/embed/resolutions/{ES_10_24}", "/embed/countries/TUR", "/embed/countries/CIV"]
    )
    def test_framable_without_script(self, client: TestClient, path: str) -> None:
        response = client.get(path)
        assert response.status_code == 200
        assert "x-frame-options" not in response.headers
        assert "frame-ancestors *" in response.headers["content-security-policy"]
        assert "script-src 'none'" in response.headers["content-security-policy"]
        page = soup(response.text)
        assert page.select("script") == []
        assert [link["href"] for link in page.select("link[rel=stylesheet]")] == ["/static/embed.css"]
        # The full site refuses to be framed, so every link opens outside the frame.
        for link in page.select("a[href]"):
            assert link["target"] == "_blank"
            assert "noopener" in link["rel"]

    @pytest.mark.parametrize(
        "path",
        [
            f"/resolutions/{ES_10_24}",
            "/countries/TUR",
            "/",
            "/embedded",
            f"/cards/resolutions/{ES_10_24}.png",
        ],
    )
    def test_other_pages_refuse_framing(self, client: TestClient, path: str) -> None:
        response = client.get(path)
        assert response.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]

    def test_resolution_embed_shows_the_tally(self, client: TestClient) -> None:
        page = soup(client.get(f"/embed/resolutions/{ES_10_24}").text)
        assert one(page, "h1").get_text(strip=True) == ES_10_24
        figures = {k: one(page, f".t-{k} strong").get_text() for k in ("yes", "no", "abstain", "nonvoting")}
        assert figures == {"yes": "124", "no": "14", "abstain": "43", "nonvoting": "12"}
        assert one(page, ".verdict").get_text(strip=True) == "Adopted by a recorded vote"
        assert one(page, ".embed-foot a")["href"] == f"/resolutions/{ES_10_24}"

    def test_country_embed_shows_shares_and_years(self, client: TestClient) -> None:
        page = soup(client.get("/embed/countries/CIV").text)
        assert one(page, "h1 a").get_text() == "Côte d'Ivoire"
        assert "African Group" in one(page, "header .meta").get_text()
        assert one(page, ".shares .t-yes strong").get_text().endswith("%")
        assert len(page.select(".strip g")) > 40  # a column per year since 1960
        assert one(page, ".embed-foot a")["href"] == "/countries/CIV"
