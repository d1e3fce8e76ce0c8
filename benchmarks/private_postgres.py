"""A private, throwaway PostgreSQL 15 cluster for the benchmarks, never the shared server.

The shared server on 127.0.0.1:5432 serves other people and CI: its 100 connections are shared (a load
test of several workers there fails with "too many clients" whenever a test suite runs beside it) and it
must never be restarted. This cluster lives under /tmp on its own port, made with initdb and driven with
pg_ctl from /usr/lib/postgresql/15/bin, as the ``postgres`` system user when run as root (PostgreSQL
refuses to run as root). Its database is loaded with the real history once and kept between runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from app.config import PROJECT_ROOT, child_environment

PG_BIN = Path("/usr/lib/postgresql/15/bin")
CLUSTER = Path("/tmp/unga_ops_bench_pg")
PORT = 8151
DATABASE = "unga_ops_bench"
URL = f"postgresql+psycopg://postgres@127.0.0.1:{PORT}/{DATABASE}"


def available() -> bool:
    return (PG_BIN / "initdb").exists()


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def pg_ctl(*args: str) -> None:
    """pg_ctl on the cluster, waiting for it: start, stop -m fast, restart..."""
    options = f"-p {PORT} -c listen_addresses=127.0.0.1 -c max_connections=200 -k {CLUSTER}"
    command = [str(PG_BIN / "pg_ctl"), "-D", str(CLUSTER / "data"), "-l", str(CLUSTER / "server.log")]
    subprocess.run(_as_postgres([*command, "-o", options, "-w", *args]), check=True, capture_output=True)


def start() -> str:
    """Make the cluster if needed, start it, load the real history once; returns the database URL."""
    if not available():
        raise SystemExit(f"needs PostgreSQL 15's server binaries in {PG_BIN} (apt-get install postgresql-15)")
    if not (CLUSTER / "data" / "PG_VERSION").exists():
        shutil.rmtree(CLUSTER, ignore_errors=True)
        CLUSTER.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(CLUSTER, "postgres", "postgres")
        initdb = [str(PG_BIN / "initdb"), "-D", str(CLUSTER / "data"), "-U", "postgres", "--auth=trust"]
        subprocess.run(_as_postgres(initdb), check=True, capture_output=True)
    pg_ctl("start")
    createdb = [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(PORT), "-U", "postgres", DATABASE]
    subprocess.run(createdb, capture_output=True)  # exists on later runs: fine
    unga = Path(sys.executable).parent / "unga"
    # A second import of the same data changes nothing and says so, in a few seconds.
    sources = str(PROJECT_ROOT / "data" / "sources")
    subprocess.run(
        [str(unga), "import", "--quiet", sources], env=child_environment(DATABASE_URL=URL), check=True
    )
    return URL


def stop(*, remove: bool) -> None:
    pg_ctl("stop", "-m", "fast")
    if remove:
        shutil.rmtree(CLUSTER, ignore_errors=True)
