"""How long the ideal points take: the full history from scratch, and the update after one new vote.

The goals (issue 14): the whole history in 60 s or less on a 2-core machine, and an update after one new
vote in 10 s or less, warm-started from the last fit. This prints, as medians over several runs:

* reading the record from the database (about a million votes) and preparing the estimator's arrays;
* the cold fit of the whole history (the estimator alone), with its iterations;
* the one-vote update: the newest recorded vote is held out, the rest is fitted, then the vote comes
  back and the fit starts from the previous values (the estimator alone), and its largest change;
* the end-to-end runs as `unga ideal-points` and the background refit do them (read, fit, write);
* memory: the peak of Python and numpy allocations during a cold fit (tracemalloc), and the process's
  peak resident size.

Machines are shared and noisy: read the medians, and ratios, not digits. The end-to-end runs write the
fit, so use a scratch database; it is migrated and, if empty, the shipped data is imported first.

    python -m benchmarks.ideal_points --runs 3
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/unga_bench_test python -m benchmarks.ideal_points
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
import tracemalloc

import numpy as np
from sqlalchemy import func, select

from app.cli import run_import
from app.config import get_settings
from app.db import unit_of_work
from app.ideal import queries
from app.ideal.data import Prepared, prepare
from app.ideal.estimate import fit
from app.ideal.model import Start, Votes
from app.ideal.refresh import PRIOR, fit_and_store
from app.migrate import migrate_database
from app.models import Resolution


def load() -> tuple[Prepared, int | None]:
    with unit_of_work() as session:
        items = queries.fit_items(session)
        arrays = queries.fit_votes(session)
        usa = queries.state_id_of(session, "USA")
    prepared = prepare(arrays.resolution_ids, arrays.state_ids, arrays.choices, items)
    return prepared, prepared.state_ids.index(usa) if usa in prepared.state_ids else None


def without_last_item(votes: Votes) -> tuple[Votes, int]:
    """The votes less the newest parameter group voted on in the last year (the "new vote")."""
    last_year = votes.node_year[votes.node] == votes.node_year.max()
    newest = int(votes.item[last_year].max())
    keep = votes.item != newest
    item = np.where(votes.item[keep] > newest, votes.item[keep] - 1, votes.item[keep])
    held = Votes(
        votes.node[keep], item, votes.choice[keep], votes.node_state, votes.node_year, votes.n_items - 1
    )
    return held, newest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    migrate_database()
    with unit_of_work() as session:
        empty = not session.scalar(select(func.count()).select_from(Resolution))
    if empty:
        print("Importing the shipped data first...")
        run_import([get_settings().data_dir / "sources"], quiet=True)

    reads, colds, updates, iterations, update_iterations, changes = [], [], [], [], [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        prepared, usa = load()
        reads.append(time.perf_counter() - started)
        votes = prepared.votes
        started = time.perf_counter()
        cold = fit(votes, PRIOR, positive_state=usa)
        colds.append(time.perf_counter() - started)
        iterations.append(cold.iterations)
        # The one-vote update: fit without the newest vote, then add it back and start from there.
        held, newest = without_last_item(votes)
        before = fit(held, PRIOR, positive_state=usa)
        start = Start(
            before.theta,
            np.insert(before.beta, newest, np.nan),
            np.insert(before.cut_no, newest, np.nan),
            np.insert(before.cut_yes, newest, np.nan),
        )
        started = time.perf_counter()
        after = fit(votes, PRIOR, start=start, positive_state=usa)
        updates.append(time.perf_counter() - started)
        update_iterations.append(after.iterations)
        changes.append(float(np.abs(after.theta - before.theta).max()))

    print(
        f"record: {len(votes.node):,} votes, {votes.n_items:,} parameter groups, "
        f"{votes.n_nodes:,} state-years"
    )
    print(f"read and prepare:           median {statistics.median(reads):6.1f} s")
    print(
        f"full history, cold fit:     median {statistics.median(colds):6.1f} s "
        f"({statistics.median(iterations):.0f} iterations)   goal <= 60 s"
    )
    print(
        f"one new vote, warm fit:     median {statistics.median(updates):6.1f} s "
        f"({statistics.median(update_iterations):.0f} iterations; largest move {max(changes):.3f})"
    )
    print(
        f"one new vote, read + warm fit: {statistics.median(reads) + statistics.median(updates):6.1f} s"
        "   goal <= 10 s"
    )
    ends_cold = [fit_and_store(warm=False).seconds for _ in range(args.runs)]
    ends_warm = [fit_and_store(warm=True).seconds for _ in range(args.runs)]
    print(f"unga ideal-points (cold, read+fit+write): median {statistics.median(ends_cold):6.1f} s")
    print(f"background refit (warm, read+fit+write):  median {statistics.median(ends_warm):6.1f} s")
    tracemalloc.start()
    fit(votes, PRIOR, positive_state=usa)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"memory: peak allocations during a cold fit {peak / 1e6:.0f} MB; "
        f"process peak resident {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3:.0f} MB"
    )


if __name__ == "__main__":
    main()
