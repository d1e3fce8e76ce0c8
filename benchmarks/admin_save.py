"""How long an admin save takes, and how much of it keeps the public pages in step.

Every admin save (enter, correct, publish, delete a resolution) ends by refreshing what the public site
derives from resolutions: the search index and the series of recurring resolutions
(app/admin/service.refresh_public; country figures follow by themselves through the in-memory vote
matrix, app/countries/matrix.py). This prints, as medians over several runs:

* the whole request an admin waits for (POST of the correction form, through the app, signed in);
* its parts, timed directly in a transaction that is rolled back: reading and checking the form, the
  save itself (which includes both refreshes), and each refresh alone;
* the share of the save that the refreshes take: the figure to compare when the refresh gets cheaper.

Machines are shared and noisy: read ratios, not digits. The requests commit, so use a scratch database;
it is migrated and, if empty, the shipped data is imported first (a minute or two).

    DATABASE_URL=sqlite:////tmp/admin-bench.sqlite3 python -m benchmarks.admin_save --runs 5
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/unga_bench_test python -m benchmarks.admin_save
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from bs4 import BeautifulSoup
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from app.admin import service
from app.admin.accounts import create_account
from app.admin.entry import read_entry
from app.admin.forms import raw_form
from app.admin.queries import resolution_by_id, resolution_id_by_symbol, user_by_name
from app.audit import Actor
from app.config import PROJECT_ROOT, get_settings
from app.db import make_engine, write_session
from app.importing import import_paths
from app.main import create_app
from app.migrate import upgrade_to_head
from app.models import Resolution
from app.resolutions.search import rebuild_search_index
from app.series.refresh import refresh_series

ACCOUNT, PASSWORD = "benchmark", "long enough and uncommon 77"
ORIGIN = {"Origin": "http://testserver"}
SYMBOL = "A/RES/ES-11/7"
REQUEST = "whole request (POST, signed in)"
FORM: dict[str, str] = {
    "symbol": SYMBOL,
    "title": "Advancing a comprehensive, just and lasting peace in Ukraine",
    "adopted_on": "2026-02-24",
    "meeting_record": "A/ES-11/PV.25",
    "adoption": "recorded_vote",
    "official_yes": "107",
    "official_no": "12",
    "official_abstain": "51",
    "vote-ISR": "Y",
}


def _prepare(engine: Any) -> None:
    """Import the shipped data if the database is empty, and make the account."""
    with Session(engine) as session:
        write_session(session)
        if not session.scalar(select(func.count()).select_from(Resolution)):
            print("Empty database: importing the shipped data first...")
            import_paths(session, [PROJECT_ROOT / "data" / "sources"], PROJECT_ROOT / "data" / "states.toml")
            session.commit()
            write_session(session)
        if user_by_name(session, ACCOUNT) is None:
            create_account(session, ACCOUNT, PASSWORD)
        session.commit()


def _token(html: str) -> tuple[str, dict[str, str]]:
    page = BeautifulSoup(html, "html.parser")
    fields = {str(f["name"]): str(f.get("value", "")) for f in page.select("form input[name]")}
    return fields.get("csrf_token", ""), fields


def _requests(runs: int, laps: dict[str, list[float]]) -> None:
    with TestClient(create_app()) as client:
        token, _ = _token(client.get("/admin/login").text)
        login = {"name": ACCOUNT, "password": PASSWORD, "csrf_token": token, "next": "/admin"}
        client.post("/admin/login", data=login, headers=ORIGIN)
        token, _ = _token(client.get("/admin").text)
        new = {**FORM, "vote-USA": "A", "roll_call_complete": "", "action": "save", "csrf_token": token}
        client.post("/admin/resolutions/new", data=new, headers=ORIGIN)  # refused if it exists: fine
        with Session(make_engine(get_settings().database_url)) as session:
            found = resolution_id_by_symbol(session, SYMBOL)
        assert found is not None, "the benchmark resolution could not be entered"
        url = f"/admin/resolutions/{found}/edit"
        for run in range(runs):
            token, fields = _token(client.get(url).text)
            # Alternate the United States' vote, so that every save changes the roll call.
            data = {**FORM, "vote-USA": "N" if run % 2 else "A", "action": "save", "csrf_token": token}
            data["version"] = fields["version"]
            started = time.perf_counter()
            response = client.post(url, data=data, headers=ORIGIN, follow_redirects=False)
            laps[REQUEST].append(time.perf_counter() - started)
            assert response.status_code == 303, response.text[:300]


T = TypeVar("T")


def _lap(laps: dict[str, list[float]], name: str, work: Callable[[], T]) -> T:
    started = time.perf_counter()
    result = work()
    laps[name].append(time.perf_counter() - started)
    return result


def _parts(engine: Any, runs: int, laps: dict[str, list[float]]) -> None:
    actor = Actor(None, "benchmark")
    for run in range(runs):
        with Session(engine) as session:
            write_session(session)
            resolution_id = resolution_id_by_symbol(session, SYMBOL)
            resolution = resolution_by_id(session, resolution_id) if resolution_id else None
            assert resolution is not None
            form = {k: [v] for k, v in FORM.items()} | {"vote-USA": ["A" if run % 2 else "N"]}
            form["version"] = [str(resolution.version)]

            raw = raw_form(form)
            entry = _lap(laps, "read and check the form", partial(read_entry, session, raw, resolution.id))
            save = partial(service.save_entry, session, actor, entry, resolution, resolution.version)
            _lap(laps, "save (with both refreshes)", save)
            _lap(laps, "  search index refresh alone", partial(rebuild_search_index, session))
            _lap(laps, "  series refresh alone", partial(refresh_series, session))
            session.rollback()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    upgrade_to_head()
    engine = make_engine(get_settings().database_url)
    _prepare(engine)
    laps: dict[str, list[float]] = defaultdict(list)
    _requests(args.runs, laps)
    _parts(engine, args.runs, laps)
    median = {name: statistics.median(values) for name, values in laps.items()}
    print(f"{engine.dialect.name}, median of {args.runs} runs")
    for name, value in median.items():
        print(f"  {name:40} {value:7.3f} s")
    save = median["save (with both refreshes)"]
    series = median["  series refresh alone"]
    search = median["  search index refresh alone"]
    print(f"  {'series refresh / save':40} {series / save:7.0%}")
    print(f"  {'search index refresh / save':40} {search / save:7.0%}")
    print(f"  {'both refreshes / whole request':40} {(series + search) / median[REQUEST]:7.0%}")


if __name__ == "__main__":
    main()
