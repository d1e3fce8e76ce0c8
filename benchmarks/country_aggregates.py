"""How long refreshing the country aggregates takes, step by step, on an imported database.

The refresh runs at the end of every import (and after admin saves), so its cost adds to both. Prints
the median of each step over several runs; machines are shared and noisy, so read ratios, not digits.
Each run rewrites the tables and commits: use a scratch database.

    DATABASE_URL=sqlite:////tmp/scratch.sqlite3 python -m benchmarks.country_aggregates --runs 5
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import defaultdict

from sqlalchemy.orm import Session

from app.config import get_settings
from app.countries import queries, stats
from app.db import make_engine, write_session


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    url = get_settings().database_url
    engine = make_engine(url)
    steps: dict[str, list[float]] = defaultdict(list)
    sizes: dict[str, int] = {}
    for _ in range(args.runs):
        with Session(engine) as session:
            write_session(session)
            started = last = time.perf_counter()

            def lap(name: str) -> None:
                nonlocal last
                now = time.perf_counter()
                steps[name].append(now - last)
                last = now

            rows = queries.vote_lists(session)
            lap("load votes (one row per state)")
            bits = stats.build_bits(rows, queries.max_resolution_id(session) + 1)
            lap("build bitsets")
            year_masks, decade_masks = stats.masks(queries.counted_resolutions(session))
            lap("year and decade masks")
            tallies = list(stats.year_tallies(bits, year_masks))
            lap("yearly tallies")
            pairs = stats.pair_agreements(bits, decade_masks)
            lap("pair agreements per decade")
            queries.replace_aggregates(session, tallies, pairs)
            session.commit()
            lap("write and commit")
            steps["total"].append(time.perf_counter() - started)
            sizes = {"tally rows": len(tallies), "pair rows": len(pairs)}
    print(f"{make_engine(url).dialect.name}, median of {args.runs} runs")
    for name, values in steps.items():
        print(f"  {name:32} {statistics.median(values):6.3f} s")
    for name, size in sizes.items():
        print(f"  {name:32} {size:>8,}")


if __name__ == "__main__":
    main()
