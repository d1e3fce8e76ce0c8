"""How long the full real history takes to import, against a baseline measured in the same run.

Baseline (from issue 2): a plain parse of Voeten's votes file plus one executemany of integer tuples into
a fresh SQLite file: about what Python can do at all. The import does much more (three sources, name
matching by date, non-voting members derived, official totals checked, indexes built), so the ratio is
the figure to watch. Prints medians; machines are shared and noisy.

    python -m benchmarks.import_speed                   # SQLite, 3 runs each
    python -m benchmarks.import_speed --runs 5 --postgres postgresql+psycopg://postgres@127.0.0.1/unga_bench_test
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
from pathlib import Path

from sqlalchemy.orm import Session

from app.config import PROJECT_ROOT
from app.db import make_engine, write_session
from app.ingest.run import import_paths
from app.migrate import recreate_schema

SOURCES = PROJECT_ROOT / "data" / "sources"
REFERENCE = PROJECT_ROOT / "data" / "states.toml"
VOTES = SOURCES / "voeten" / "un_votes.csv.gz"


def baseline(folder: Path) -> float:
    """Parse Voeten's votes to integer tuples and insert them with one executemany."""
    started = time.perf_counter()
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
    return time.perf_counter() - started


def full_import(url: str) -> float:
    """Migrate an empty database, then time the whole import of the shipped history (one transaction)."""
    engine = make_engine(url)
    recreate_schema(engine)
    started = time.perf_counter()
    with Session(engine) as session:
        write_session(session)
        summary = import_paths(session, [SOURCES], REFERENCE)
        session.commit()
    elapsed = time.perf_counter() - started
    engine.dispose()
    assert summary.votes_written > 1_000_000
    return elapsed


def reimport(url: str) -> float:
    engine = make_engine(url)
    started = time.perf_counter()
    with Session(engine) as session:
        write_session(session)
        summary = import_paths(session, [SOURCES], REFERENCE)
        session.commit()
    engine.dispose()
    assert not summary.changed_anything
    return time.perf_counter() - started


def _median(label: str, runs: int, fn: Callable[[], float]) -> float:
    times = [fn() for _ in range(runs)]
    med = statistics.median(times)
    print(f"{label:<44} median {med:6.2f} s   (min {min(times):.2f}, max {max(times):.2f}, n={runs})")
    return med


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--postgres", help="URL of a scratch PostgreSQL database (its name must end in _test)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        counter = iter(range(1000))

        def fresh_sqlite() -> float:
            return full_import(f"sqlite:///{folder / f'import{next(counter)}.sqlite3'}")

        base = _median("baseline: parse + one executemany (Voeten)", args.runs, lambda: baseline(folder))
        lite = _median("full import, SQLite", args.runs, fresh_sqlite)
        last = f"sqlite:///{folder / 'reimport.sqlite3'}"
        full_import(last)
        again = _median("re-import, nothing changed, SQLite", args.runs, lambda: reimport(last))
        print(f"ratio full import / baseline (SQLite): {lite / base:.2f}")
        print(f"ratio re-import / baseline (SQLite): {again / base:.2f}")
        if args.postgres:
            if not args.postgres.rsplit("/", 1)[-1].endswith("_test"):
                raise SystemExit("refusing to wipe a PostgreSQL database whose name does not end in _test")
            pg = _median("full import, PostgreSQL", args.runs, lambda: full_import(args.postgres))
            print(f"ratio full import PostgreSQL / baseline: {pg / base:.2f}")


if __name__ == "__main__":
    main()
