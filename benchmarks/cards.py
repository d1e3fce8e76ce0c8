"""How long a share card takes: drawing alone, and served through the app, against a baseline measured in
the same run (the HTML page of the same resolution or country, served the same way).

Prints medians in milliseconds over a sample of resolutions and countries from an imported database, and
the ratio of each figure to its baseline. Machines are shared and noisy: read ratios, not digits. The goal
is a card drawn in well under 100 ms; once drawn, the page cache serves it until the data changes.

    python -m benchmarks.cards --sample 25 --repeat 3        # on var/unga.sqlite3 (or DATABASE_URL)
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from app.cards import render, views
from app.config import get_settings
from app.countries.agreement import year_tallies
from app.countries.matrix import get_matrix
from app.countries.share import country_card
from app.db import make_engine
from app.main import create_app
from app.models import Adoption, DecisionKind, Resolution, State, StateStatus
from app.urls import country_card_path, country_path, resolution_card_path, resolution_path


def _median_ms(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _sample(session: Session, size: int) -> tuple[list[Resolution], list[State]]:
    recorded = (
        session.execute(
            select(Resolution)
            .where(Resolution.kind == DecisionKind.RESOLUTION, Resolution.symbol != "")
            .where(Resolution.adoption == Adoption.RECORDED_VOTE)
            .order_by(Resolution.id)
        )
        .scalars()
        .all()
    )
    step = max(len(recorded) // size, 1)
    states = (
        session.execute(select(State).where(State.status == StateStatus.MEMBER).order_by(State.code))
        .scalars()
        .all()
    )
    return list(recorded[::step][:size]), list(states[:: max(len(states) // size, 1)][:size])


def _get(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sample", type=int, default=25, help="resolutions and countries measured")
    parser.add_argument("--repeat", type=int, default=3, help="runs per item (the median is kept)")
    args = parser.parse_args()
    engine = make_engine(get_settings().database_url)
    figures: dict[str, list[float]] = {}
    sizes: list[int] = []

    def measure(name: str, action: Callable[[], object]) -> None:
        figures.setdefault(name, []).append(_median_ms(action, args.repeat))

    with Session(engine) as session:
        resolutions, states = _sample(session, args.sample)
        render.font(30)  # the first call loads the font files: not part of any card's cost
        for resolution in resolutions:
            card = views.resolution_card(session, resolution)
            measure("resolution card: draw + PNG", lambda card=card: render.render_resolution(card))  # type: ignore[misc]
            sizes.append(len(render.render_resolution(card)))
        for state in states:
            tallies = year_tallies(get_matrix(session), state.id)
            country = country_card(state, tallies)
            measure("country card: draw + PNG", lambda c=country: render.render_country(c))  # type: ignore[misc]
        paths = [(resolution_card_path(r), resolution_path(r)) for r in resolutions]
        paths += [(country_card_path(s.code), country_path(s.code)) for s in states]

    # Through the app, page cache off: every request loads from the database and draws or renders.
    with TestClient(create_app(page_cache=False)) as client:
        for card_path, page_path in paths:
            kind = "resolution" if page_path.startswith("/resolutions") else "country"
            measure(f"{kind} card, served (uncached)", lambda p=card_path: _get(client, p))  # type: ignore[misc]
            measure(f"{kind} page, served (uncached): baseline", lambda p=page_path: _get(client, p))  # type: ignore[misc]
    # With the page cache, as `unga serve` runs: after the first request a card comes from memory.
    with TestClient(create_app()) as client:
        for card_path, _ in paths:
            _get(client, card_path)
            measure("any card, served from the page cache", lambda p=card_path: _get(client, p))  # type: ignore[misc]

    print(
        f"{engine.dialect.name}, {len(resolutions)} resolutions and {len(states)} countries, "
        "median of the medians"
    )
    medians = {name: statistics.median(values) for name, values in figures.items()}
    for name, value in medians.items():
        print(f"  {name:48} {value:7.1f} ms")
    for kind in ("resolution", "country"):
        ratio = (
            medians[f"{kind} card, served (uncached)"] / medians[f"{kind} page, served (uncached): baseline"]
        )
        print(f"  {kind + ' card / ' + kind + ' page (uncached)':48} {ratio:7.2f} x")
    print(f"  {'PNG size of a resolution card (median)':48} {statistics.median(sizes) / 1000:7.1f} kB")


if __name__ == "__main__":
    main()
