"""The trends page: yearly figures against direct counts, what the data cannot tell left blank."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from app.kit.figures import percent
from app.models import Adoption, DecisionKind, Resolution


def by_hand(db: Session, year: int) -> tuple[int, int, float, float]:
    """(recorded, without vote, average margin, unanimous share) of a year, from the resolution rows."""
    rows = db.scalars(
        select(Resolution).where(
            Resolution.kind == DecisionKind.RESOLUTION,
            Resolution.published.is_(True),
            Resolution.adopted_on.between(dt.date(year, 1, 1), dt.date(year, 12, 31)),
        )
    ).all()
    recorded = [r for r in rows if r.adoption is Adoption.RECORDED_VOTE]
    complete = [r for r in recorded if r.roll_call_complete and r.tally_yes + r.tally_no + r.tally_abstain]
    margins = [(r.tally_yes - r.tally_no) / (r.tally_yes + r.tally_no + r.tally_abstain) for r in complete]
    unanimous = sum(1 for r in complete if r.tally_no == 0 and r.tally_abstain == 0)
    return len(recorded), len(rows) - len(recorded), sum(margins) / len(margins), unanimous / len(complete)


@pytest.mark.parametrize("year", [1950, 1985, 2024])
def test_json_equals_a_count(client: TestClient, db: Session, year: int) -> None:
    recorded, without, margin, unanimous = by_hand(db, year)
    row = next(y for y in client.get("/api/trends").json() if y["year"] == year)
    assert (row["recorded_votes"], row["adopted_without_vote"]) == (recorded, without)
    assert row["average_margin"] == pytest.approx(margin)
    assert row["share_unanimous"] == pytest.approx(unanimous)


def test_share_by_recorded_vote_only_where_the_data_tells(client: TestClient, db: Session) -> None:
    rows = {y["year"]: y for y in client.get("/api/trends").json()}
    assert rows[2018]["share_by_recorded_vote"] is None  # Voeten's data lists recorded votes only
    assert rows[2019]["share_by_recorded_vote"] is None  # the UN's data starts in September
    recorded, without, _, _ = by_hand(db, 2024)
    assert rows[2024]["share_by_recorded_vote"] == pytest.approx(recorded / (recorded + without))
    assert rows[2026]["partial_year"] is True


def test_page_has_the_chart_the_table_and_the_csv(client: TestClient) -> None:
    page = BeautifulSoup(client.get("/trends").text, "lxml")
    assert len(page.select("svg.line-chart g.series")) == 3
    table = {
        tr.th.get_text(" ", strip=True).split()[0]: [td.get_text() for td in tr.select("td")]
        for tr in page.select("table.trends tbody tr")
        if tr.th
    }
    data = {str(y["year"]): y for y in client.get("/api/trends").json()}
    assert table["1985"][3] == percent(data["1985"]["average_margin"])
    assert table["1985"][2] == "–"
    response = client.get("/trends.csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = {r["year"]: r for r in csv.DictReader(io.StringIO(response.text))}
    assert rows["1985"]["share_by_recorded_vote"] == ""
    assert float(rows["2024"]["share_by_recorded_vote"]) == pytest.approx(
        data["2024"]["share_by_recorded_vote"], abs=1e-4
    )
