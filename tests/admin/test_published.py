"""'New' is what was published last: a vote entered days after it was taken is first on the home page and
in the feed, which show the vote's own date as the date of the vote."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from app.models import Resolution
from tests.admin.conftest import one, post_form, soup
from tests.admin.test_entry import _save

BACK_DATED = {
    "symbol": "A/RES/78/399",
    "title": "A back-dated test vote",
    "adopted_on": "2024-03-05",
    "adoption": "recorded_vote",
    "official_yes": "100",
    "official_no": "10",
    "official_abstain": "20",
    "vote-ISR": "Y",
}


def test_a_back_dated_vote_is_new_when_it_is_published(
    admin_client: TestClient, client: TestClient, db: Session
) -> None:
    assert _save(admin_client, BACK_DATED).status_code == 303
    row = db.scalars(select(Resolution).where(Resolution.symbol == "A/RES/78/399")).one()
    assert row.published_at is None  # a draft is not "new" yet
    page = f"/admin/resolutions/{row.id}"
    published = post_form(
        admin_client, f"{page}/publish", {"publish": "1", "version": str(row.version)}, page=page
    )
    assert published.status_code == 303
    db.refresh(row)
    assert row.published_at is not None

    latest = soup(client.get("/")).select("section[aria-labelledby=latest-h] .result")
    assert one(latest[0], ".symbol").get_text() == "A/RES/78/399"
    assert one(latest[0], ".meta").get_text() == "Vote of 5 March 2024"
    assert "Roll call incomplete: 1 of 193 known" in latest[0].get_text()

    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.fromstring(client.get("/feeds/resolutions.atom").content)
    first = feed.find("a:entry", ns)
    assert first is not None
    assert "A/RES/78/399" in (first.findtext("a:title", "", ns))
    published_at = dt.datetime.fromisoformat(first.findtext("a:published", "", ns))
    assert published_at.date() >= dt.date(2026, 1, 1)  # dated by its publication, not the vote
    assert "Vote of 5 March 2024" in first.findtext("a:summary", "", ns)
