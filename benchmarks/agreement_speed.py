"""How fast the in-memory vote matrix answers "most and least alike", and what keeping it current costs.

Prints, on an imported database, in one run:

* **query**: one country's agreement with every other state for a random period (any span of years) and
  topic (a Voeten issue or none), as a country page computes it: the data-version check, the mask, the
  pair counts and the ranking. Median and 95th percentile of many calls. **Baseline**: the same figures
  from a SQL self-join of the vote table (what it costs without the matrix), median of fewer calls.
* **keeping it current**: building the matrix from scratch (once per process), an admin save's
  refresh_public, and patching the matrix after that save of one resolution (what the first reader after
  a save pays). Before the matrix, refresh_public also rewrote two aggregate tables: measured with the
  previous code on the same machine, 1.9 s on SQLite and 3.9 s on PostgreSQL per save, against 0.28 s
  and 0.67 s now (the rest is the search index) plus ~0.1 s for the first reader.

Machines are shared and noisy: read ratios, not digits. Nothing is written (the patched save is rolled back).

    DATABASE_URL=sqlite:////tmp/scratch.sqlite3 python -m benchmarks.agreement_speed --calls 300
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from functools import partial

from sqlalchemy import Integer, and_, case, cast, func, select, update
from sqlalchemy.orm import Session, aliased

from app.admin.service import refresh_public
from app.config import get_settings
from app.countries import agreement, country_page, matrix, queries
from app.db import make_engine
from app.models import Resolution, ResolutionSubject, State, Vote, VoteChoice

TOPICS = [None, "Human rights", "Palestinian conflict", "Nuclear weapons and nuclear material", "Colonialism"]


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def sql_partners(session: Session, state_id: int, since: int, until: int, topic: str | None) -> int:
    """The baseline: every pair's n/same/half for one state, counted by the database from the votes."""
    va, vb = aliased(Vote), aliased(Vote)
    year = cast(func.extract("year", Resolution.adopted_on), Integer)
    conditions = [
        va.state_id == state_id,
        vb.state_id != state_id,
        va.choice != VoteChoice.NON_VOTING,
        vb.choice != VoteChoice.NON_VOTING,
        queries.counted_decisions(),
        year.between(since, until),
    ]
    if topic:
        conditions.append(
            Resolution.id.in_(select(ResolutionSubject.resolution_id).where(ResolutionSubject.term == topic))
        )
    abstain = VoteChoice.ABSTAIN
    rows = session.execute(
        select(
            vb.state_id,
            func.count(),
            func.sum(case((va.choice == vb.choice, 1), else_=0)),
            func.sum(
                case(
                    (and_(va.choice != vb.choice, (va.choice == abstain) | (vb.choice == abstain)), 1),
                    else_=0,
                )
            ),
        )
        .select_from(va)
        .join(vb, vb.resolution_id == va.resolution_id)
        .join(Resolution, Resolution.id == va.resolution_id)
        .where(*conditions)
        .group_by(vb.state_id)
    ).all()
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=300, help="matrix queries to time")
    parser.add_argument("--baseline-calls", type=int, default=15, help="SQL self-joins to time")
    parser.add_argument("--builds", type=int, default=3)
    args = parser.parse_args()
    engine = make_engine(get_settings().database_url)
    rng = random.Random(5)
    with Session(engine) as session:
        version = "bench"
        builds = [timed(lambda: matrix.build_matrix(session, version)) for _ in range(args.builds)]
        m = matrix.get_matrix(session)
        states = [s for s in session.scalars(select(State)) if s.id in m.states]
        cases = []
        for _ in range(max(args.calls, args.baseline_calls)):
            since = rng.randint(1946, 2020)
            cases.append((rng.choice(states), since, rng.randint(since, 2026), rng.choice(TOPICS)))

        def query(state: State, since: int, until: int, topic: str | None) -> None:
            current = matrix.get_matrix(session)  # the data-version check every request pays
            mask = current.topic(topic) if topic else None
            where = agreement.scope(current, current.period(since, until), mask)
            agreement.ranked_partners(current, state, where, "kappa", country_page.MIN_PARTNER_VOTES)

        ours = [timed(partial(query, *c)) for c in cases[: args.calls]]
        theirs = [
            timed(partial(sql_partners, session, c[0].id, c[1], c[2], c[3]))
            for c in cases[: args.baseline_calls]
        ]

        usa = next(s for s in states if s.code == "USA")
        full = (usa, 1946, 2026, None)
        ours_full = [timed(partial(query, *full)) for _ in range(args.baseline_calls)]
        theirs_full = [
            timed(partial(sql_partners, session, usa.id, 1946, 2026, None))
            for _ in range(args.baseline_calls)
        ]

        # An admin-style save of one resolution: its votes change and its version moves; then the first
        # reader patches the matrix. Rolled back afterwards.
        patches: list[float] = []
        saves: list[float] = []
        for symbol in ("A/RES/ES-10/24", "A/RES/79/1", "A/RES/ES-11/1"):
            resolution = session.scalar(select(Resolution).where(Resolution.symbol == symbol))
            if resolution is None:
                continue
            before = matrix.get_matrix(session)
            session.execute(
                update(Vote).where(Vote.resolution_id == resolution.id).values(choice=VoteChoice.ABSTAIN)
            )
            resolution.content_hash = "benchmark"
            session.flush()
            saves.append(timed(partial(refresh_public, session)))
            patches.append(timed(partial(matrix.build_matrix, session, "patched", before)))
            session.rollback()

    median = statistics.median
    print(f"{engine.dialect.name}, {len(m.states)} states, {len(m.decisions):,} decisions")
    print(
        f"  matrix query (any period and topic) median {median(ours) * 1000:7.1f} ms   "
        f"p95 {statistics.quantiles(ours, n=20)[-1] * 1000:7.1f} ms   ({len(ours)} calls)"
    )
    print(f"  baseline: SQL self-join        median {median(theirs) * 1000:7.1f} ms   ({len(theirs)} calls)")
    print(f"  ratio baseline / matrix        {median(theirs) / median(ours):7.0f} x")
    print(
        f"  USA, whole history: matrix {median(ours_full) * 1000:.1f} ms, "
        f"SQL self-join {median(theirs_full) * 1000:.1f} ms ({median(theirs_full) / median(ours_full):.0f} x)"
    )
    print(f"  full build (once per process)  median {median(builds):7.2f} s    ({len(builds)} builds)")
    if saves:
        print(
            f"  an admin save's refresh_public   median {median(saves) * 1000:5.0f} ms"
            "   (search index only now; it also rewrote the aggregate tables before)"
        )
    if patches:
        print(
            f"  patch after a one-resolution save  median {median(patches) * 1000:5.0f} ms"
            f"   ({len(patches)} saves)"
        )


if __name__ == "__main__":
    main()
