"""How long the data package of /data takes to build from the database, how large its files are, and how
long a download of the built votes table takes, each against a baseline measured in the same run.

* Build: ``write_package`` into an empty folder (what the first request after a data change, or
  ``unga export``, does), against reading every vote row through the driver (the least any build must do).
* Download: GET /data/votes.csv.gz through a running server (uvicorn, one worker, page cache on) once
  the files are built, against GET /about (a cached page) on the same server.

Prints medians. Machines are shared and noisy: read the ratios, not the digits.

    python -m benchmarks.open_data --repeat 3                  # on var/unga.sqlite3 (or DATABASE_URL)
    DATABASE_URL=postgresql+psycopg://... python -m benchmarks.open_data --port 8401
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

from app.config import get_settings
from app.db import make_engine
from app.opendata.package import write_package


def _median(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _build_figures(url: str, repeat: int) -> None:
    engine = make_engine(url)
    sizes: dict[str, tuple[int | None, int]] = {}

    def build() -> None:
        with tempfile.TemporaryDirectory() as folder, Session(engine) as session:
            summary = write_package(session, Path(folder))
            sizes.update({f.table.path: (f.rows, f.bytes) for f in summary.files})
            sizes["datapackage.json"] = (None, summary.descriptor_bytes)

    def read_votes() -> None:
        with engine.connect() as conn:
            driver = conn.connection.driver_connection
            assert driver is not None
            cursor = driver.cursor()
            cursor.execute("SELECT resolution_id, state_id, choice FROM vote ORDER BY 1, 2")
            while cursor.fetchmany(50_000):
                pass
            cursor.close()

    built = _median(build, repeat)
    baseline = _median(read_votes, repeat)
    print(f"database: {engine.dialect.name}")
    print(f"build the package:            {built:7.2f} s (median of {repeat})")
    print(f"baseline, read the vote rows: {baseline:7.2f} s   ratio {built / baseline:.1f}")
    total = 0
    for name, (rows, size) in sizes.items():
        total += size
        shown = "" if rows is None else f"{rows:>10,} rows"
        print(f"  {name:<32}{shown:>16} {size / 1e3:9.1f} kB")
    print(f"  {'all files':<32}{'':>16} {total / 1e3:9.1f} kB")
    engine.dispose()


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=300) as response:  # noqa: S310 (a local server)
        body: bytes = response.read()
        return body


def _serve_figures(url: str, port: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as downloads:
        environment = {
            **os.environ,
            "DATABASE_URL": url,
            "UNGA_DOWNLOAD_DIR": str(Path(downloads) / "files"),
            "UNGA_PAGE_CACHE_DIR": str(Path(downloads) / "pages"),
            "UNGA_REQUEST_LOG": "false",
        }
        command = [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory", "--port", str(port)]
        command.append("--no-access-log")
        server = subprocess.Popen(command, env=environment, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(300):
                try:
                    _get(base + "/healthz")
                    break
                except OSError:
                    time.sleep(0.2)
            started = time.perf_counter()
            size = len(_get(base + "/data/votes.csv.gz"))
            first_time = time.perf_counter() - started
            _get(base + "/about")
            download = _median(lambda: _get(base + "/data/votes.csv.gz"), repeat * 5)
            page = _median(lambda: _get(base + "/about"), repeat * 5)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"first download (builds):      {first_time:7.2f} s")
    print(
        f"download of votes.csv.gz:     {download * 1000:7.1f} ms (median of {repeat * 5}; "
        f"{size / 1e6:.2f} MB, {size / download / 1e6:.0f} MB/s)"
    )
    print(f"baseline, GET /about:         {page * 1000:7.1f} ms   ratio {download / page:.1f}")


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--port", type=int, default=8400, help="for the server of the download figures")
    args = parser.parse_args()
    url = get_settings().database_url
    _build_figures(url, args.repeat)
    _serve_figures(url, args.port, args.repeat)


if __name__ == "__main__":
    main()
