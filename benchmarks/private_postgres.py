"""Private, throwaway PostgreSQL 15 clusters for the benchmarks and the replication test, never the
shared server.

The shared server on 127.0.0.1:5432 serves other people and CI: its 100 connections are shared (a load
test of several workers there fails with "too many clients" whenever a test suite runs beside it) and it
must never be restarted. A Cluster lives in a folder of its own (its data directory and its log) on its
own port, listening on 127.0.0.1 only, made with initdb (or pg_basebackup, for a hot standby) and driven
with pg_ctl from /usr/lib/postgresql/15/bin, as the ``postgres`` system user when run as root
(PostgreSQL refuses to run as root). Authentication is ``trust``: the port is loopback only and the
cluster is thrown away.

The module-level functions drive the one cluster benchmarks/load.py and faults.py share, whose database
is loaded with the real history once and kept between runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from app.config import PROJECT_ROOT, child_environment

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def available() -> bool:
    return (PG_BIN / "initdb").exists() and (PG_BIN / "pg_basebackup").exists()


def as_postgres(command: Sequence[str]) -> list[str]:
    """The command as the ``postgres`` system user when we are root (PostgreSQL refuses to run as root)."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


def make_folder(path: Path) -> Path:
    """An empty folder the server's user owns."""
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")
    return path


@dataclass(eq=False)  # one server is one object: usable as a key
class Cluster:
    """One PostgreSQL server: ``folder``/data and ``folder``/server.log, listening on 127.0.0.1:``port``."""

    folder: Path
    port: int
    # Server settings given on the command line at every start, beyond the port and address.
    settings: tuple[str, ...] = ("max_connections=200",)

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    def url(self, database: str = "postgres", application_name: str = "") -> str:
        """A SQLAlchemy URL; ``application_name`` shows in pg_stat_activity (who is connected from where)."""
        query = f"?application_name={application_name}" if application_name else ""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}{query}"

    def exists(self) -> bool:
        return (self.data / "PG_VERSION").exists()

    def initdb(self) -> None:
        make_folder(self.folder)
        command = [str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust"]
        _run(as_postgres(command))

    def base_backup_of(self, primary: Cluster) -> None:
        """Make this cluster a hot standby of ``primary``: a base backup streamed from it, with ``-R``
        writing standby.signal and primary_conninfo, so that once started it replays the primary's WAL
        as it is written (streaming replication) and answers read-only queries meanwhile."""
        make_folder(self.folder)
        command = [
            str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
            "-D", str(self.data), "-R", "--wal-method=stream", "--checkpoint=fast",
        ]  # fmt: skip
        _run(as_postgres(command))

    def ctl(self, *args: str) -> None:
        """pg_ctl on the cluster, waiting for it: start, stop -m fast, promote..."""
        options = " ".join(
            [f"-p {self.port}", "-c listen_addresses=127.0.0.1", f"-k {self.folder}"]
            + [f"-c {setting}" for setting in self.settings]
        )
        command = [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w"]
        _run(as_postgres([*command, *args]))

    def start(self) -> None:
        self.ctl("start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server if it runs: ``fast`` cuts open connections, ``immediate`` is a crash."""
        if (self.data / "postmaster.pid").exists():
            self.ctl("stop", "-m", mode)

    def remove(self) -> None:
        """Stop (as a crash: nothing to keep) and delete the folder."""
        if (self.data / "postmaster.pid").exists():
            stop = [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "stop", "-m", "immediate"]
            subprocess.run(as_postgres(stop), capture_output=True)
        shutil.rmtree(self.folder, ignore_errors=True)

    def query(
        self, sql: str, database: str = "postgres", params: Sequence[Any] = ()
    ) -> list[tuple[Any, ...]]:
        """Run one statement in autocommit and return its rows (none for a statement without any)."""
        with psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user="postgres",
            dbname=database,
            autocommit=True,
            connect_timeout=5,
        ) as conn:
            cursor = conn.execute(sql.encode(), params)
            return list(cursor.fetchall()) if cursor.description else []

    def create_database(self, name: str) -> None:
        if not self.query("SELECT 1 FROM pg_database WHERE datname = %s", params=[name]):
            self.query(f'CREATE DATABASE "{name}"')


def wait_for_replay(primary: Cluster, standby: Cluster, timeout: float = 30) -> float:
    """Wait until the standby has replayed everything the primary has written so far; seconds waited."""
    started = time.monotonic()
    (target,) = primary.query("SELECT pg_current_wal_lsn()")[0]
    while True:
        (caught_up,) = standby.query("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", params=[target])[0]
        if caught_up:
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"the standby on port {standby.port} did not catch up within {timeout} s")
        time.sleep(0.01)


def import_history(url: str) -> None:
    """Load the shipped real history into the database at ``url`` (a second import changes nothing and
    says so, in a few seconds)."""
    unga = Path(sys.executable).parent / "unga"
    sources = str(PROJECT_ROOT / "data" / "sources")
    subprocess.run(
        [str(unga), "import", "--quiet", sources], env=child_environment(DATABASE_URL=url), check=True
    )


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}): {result.stderr.strip()}")


# The cluster benchmarks/load.py and faults.py share, kept (stopped) between runs.
BENCH = Cluster(Path("/tmp/unga_ops_bench_pg"), 8151)
DATABASE = "unga_ops_bench"
URL = BENCH.url(DATABASE)


def pg_ctl(*args: str) -> None:
    BENCH.ctl(*args)


def start() -> str:
    """Make the shared benchmark cluster if needed, start it, load the real history once; returns its URL."""
    if not available():
        raise SystemExit(f"needs PostgreSQL 15's server binaries in {PG_BIN} (apt-get install postgresql-15)")
    if not BENCH.exists():
        BENCH.initdb()
    BENCH.start()
    BENCH.create_database(DATABASE)
    import_history(URL)
    return URL


def stop(*, remove: bool) -> None:
    BENCH.stop()
    if remove:
        BENCH.remove()
