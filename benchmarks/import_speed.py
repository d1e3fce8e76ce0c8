"""How long the full real history takes to import, against a baseline measured in the same run.

Baseline (from issue 2): a plain parse of Voeten's votes file plus one executemany of integer tuples into
a fresh SQLite file: about what Python can do at all. The import does much more (three sources, name
matching by date, non-voting members derived, official totals checked, indexes, country aggregates and
the search index built), so the ratio is the figure to watch. Prints medians; machines are shared and
noisy, so each figure comes with this process's CPU seconds (all its threads; PostgreSQL's own work is
not in them), which other load disturbs much less than the wall clock.

    python -m benchmarks.import_speed                   # SQLite, 3 runs each
    python -m benchmarks.import_speed --runs 5 --postgres postgresql+psycopg://postgres@127.0.0.1/unga_bench_test
    python -m benchmarks.import_speed --profile         # and where the time goes, phase by phase
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from app.config import PROJECT_ROOT
from app.db import make_engine, write_session
from app.importing import import_paths
from app.ingest.summary import Reporter
from app.migrate import recreate_schema

SOURCES = PROJECT_ROOT / "data" / "sources"
REFERENCE = PROJECT_ROOT / "data" / "states.toml"
VOTES = SOURCES / "voeten" / "un_votes.csv.gz"


@dataclass
class Timing:
    wall: float
    cpu: float
    phases: dict[str, tuple[float, float]] = field(default_factory=dict)  # stage -> (wall, cpu)


class Stopwatch:
    """Wall and CPU seconds since it started (or since the last ``lap``)."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        spent = (wall - self.wall, cpu - self.cpu)
        self.wall, self.cpu = wall, cpu
        return spent


class PhaseTimer(Reporter):
    """Times each stage the import announces (the CLI's progress-bar stages)."""

    def __init__(self) -> None:
        self.phases: dict[str, tuple[float, float]] = {}
        self._name: str | None = None
        self._watch = Stopwatch()

    def stage(self, name: str, total: int | None = None) -> None:
        spent = self._watch.lap()
        if self._name is not None:
            self.phases[self._name] = spent
        self._name = name


def baseline(folder: Path) -> Timing:
    """Parse Voeten's votes to integer tuples and insert them with one executemany."""
    watch = Stopwatch()
    text_data = gzip.decompress(VOTES.read_bytes()).decode()
    countries: dict[str, int] = {}
    codes = {"yes": 1, "no": 2, "abstain": 3}
    reader = csv.reader(io.StringIO(text_data))
    next(reader)
    rows = [(int(r[0]), countries.setdefault(r[1], len(countries)), codes[r[3]]) for r in reader]
    path = folder / "baseline.sqlite3"
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("CREATE TABLE vote (rcid INTEGER, country INTEGER, vote INTEGER)")
    db.execute("BEGIN")
    db.executemany("INSERT INTO vote VALUES (?, ?, ?)", rows)
    db.execute("COMMIT")
    db.close()
    return Timing(*watch.lap())


def _import(url: str, *, fresh: bool) -> Timing:
    """Time the whole import of the shipped history (one transaction), into a freshly migrated
    database or (``fresh=False``) again into one that has it all already."""
    engine = make_engine(url)
    if fresh:
        recreate_schema(engine)
    timer = PhaseTimer()
    watch = Stopwatch()
    with Session(engine) as session:
        write_session(session)
        summary = import_paths(session, [SOURCES], REFERENCE, timer)
        timer.stage("Commit")
        session.commit()
    timer.stage("")
    timing = Timing(*watch.lap(), timer.phases)
    engine.dispose()
    if fresh:
        assert summary.votes_written > 1_000_000
    else:
        assert not summary.changed_anything
    return timing


def _median(label: str, runs: int, fn: Callable[[], Timing]) -> list[Timing]:
    timings = [fn() for _ in range(runs)]
    walls = [t.wall for t in timings]
    cpu = statistics.median(t.cpu for t in timings)
    print(
        f"{label:<44} median {statistics.median(walls):6.2f} s   (min {min(walls):.2f}, "
        f"max {max(walls):.2f}, n={runs})   cpu {cpu:5.2f} s"
    )
    return timings


def _ratio(label: str, timings: list[Timing], base: list[Timing]) -> None:
    wall = statistics.median(t.wall for t in timings) / statistics.median(t.wall for t in base)
    cpu = statistics.median(t.cpu for t in timings) / statistics.median(t.cpu for t in base)
    print(f"ratio {label} / baseline: {wall:.2f} (cpu {cpu:.2f})")


def _profile(label: str, timings: list[Timing]) -> None:
    """Median wall and CPU seconds per phase; the phases' medians need not add up to the total's."""
    print(f"  phases of {label} (median wall / cpu seconds):")
    for name in timings[0].phases:
        wall = statistics.median(t.phases[name][0] for t in timings)
        cpu = statistics.median(t.phases[name][1] for t in timings)
        print(f"    {name:<40} {wall:6.2f} {cpu:6.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--postgres", help="URL of a scratch PostgreSQL database (its name must end in _test)"
    )
    parser.add_argument("--profile", action="store_true", help="also print the time of each phase")
    args = parser.parse_args()
    if args.postgres and not args.postgres.rsplit("/", 1)[-1].endswith("_test"):
        raise SystemExit("refusing to wipe a PostgreSQL database whose name does not end in _test")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        counter = iter(range(1000))

        def fresh_sqlite() -> Timing:
            return _import(f"sqlite:///{folder / f'import{next(counter)}.sqlite3'}", fresh=True)

        base = _median("baseline: parse + one executemany (Voeten)", args.runs, lambda: baseline(folder))
        lite = _median("full import, SQLite", args.runs, fresh_sqlite)
        last = f"sqlite:///{folder / 'reimport.sqlite3'}"
        _import(last, fresh=True)
        again = _median("re-import, nothing changed, SQLite", args.runs, lambda: _import(last, fresh=False))
        _ratio("full import (SQLite)", lite, base)
        _ratio("re-import (SQLite)", again, base)
        if args.profile:
            _profile("the full import, SQLite", lite)
        if args.postgres:
            pg = _median("full import, PostgreSQL", args.runs, lambda: _import(args.postgres, fresh=True))
            _ratio("full import PostgreSQL", pg, base)
            if args.profile:
                _profile("the full import, PostgreSQL (cpu: this process only)", pg)


if __name__ == "__main__":
    main()
