"""Throughput and latency of the main public pages under load, against Datasette on the same data.

For each page type, wrk (32 connections, 2 threads) runs against UNGA Votes and against Datasette's
equivalent page over the same SQLite file, in the same run: the resolution page vs Datasette's table page
filtered to that resolution's votes, the country page vs the vote table filtered to that state, search vs
Datasette's full-text search. Each pair is measured twice: one hot URL, and rotating over many URLs
(200 resolutions, every member state, 30 searches) so that the page cache is not the only thing measured.
wrk shares the two cores with the servers, so the figures are floors. Each measurement follows a warm-up
of the same load (2 s by default): in the rotating scenarios the first render of each page falls partly in
the measured seconds and sets their p99; with ``--warm-up 10`` every page has been rendered once and the
figures are those of a server that has been up a while.

    python -m benchmarks.web_speed      # needs wrk (apt-get install wrk); installs Datasette in var/bench/
    python -m benchmarks.web_speed --duration 20 --workers 2
    python -m benchmarks.web_speed --warm-up 10 --only URLs
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from app.config import PROJECT_ROOT

BENCH = PROJECT_ROOT / "var" / "bench"
DATABASE = BENCH / "unga.sqlite3"
DATASETTE_VENV = BENCH / "datasette-venv"
DATASETTE_VERSION = "0.65.5"
OURS, THEIRS = 8001, 8002
SEARCHES = [
    "nuclear weapons", "territorial integrity", "human rights", "palestine", "climate", "decolonization",
    "apartheid", "cuba embargo", "ukraine", "disarmament", "refugees", "children", "terrorism", "korea",
    "development", "women", "israel", "syria", "iran", "myanmar", "landmines", "outer space", "oceans",
    "indigenous", "torture", "death penalty", "self-determination", "mercenaries", "drugs", "budget",
]  # fmt: skip


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int = 0
    detail: str = ""  # which errors: wrk's socket errors and non-2xx/3xx answers


def prepare_database() -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{DATABASE}"}
    unga = Path(sys.executable).parent / "unga"  # the console script installed with the package
    if DATABASE.exists():  # made by an earlier run: bring its schema (and indexes) up to date
        subprocess.run([str(unga), "migrate"], env=env, check=True, capture_output=True)
        return
    BENCH.mkdir(parents=True, exist_ok=True)
    sources = PROJECT_ROOT / "data" / "sources"
    subprocess.run([str(unga), "import", "--quiet", str(sources)], env=env, check=True)
    db = sqlite3.connect(DATABASE)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def prepare_datasette() -> Path:
    binary = DATASETTE_VENV / "bin" / "datasette"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "venv", str(DATASETTE_VENV)], check=True)
        pip = DATASETTE_VENV / "bin" / "pip"
        subprocess.run([str(pip), "install", "--quiet", f"datasette=={DATASETTE_VERSION}"], check=True)
    return binary


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s")


def wrk(
    base: str, paths: list[str], duration: int, connections: int, warm_up: int = 2, timeout: int = 2
) -> Result:
    """``duration`` seconds of load, after ``warm_up`` seconds of the same load whose figures are dropped
    (none if 0). A request unanswered after ``timeout`` seconds counts as an error (wrk's own default)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        quoted = ", ".join('"' + p.replace('"', '\\"') + '"' for p in paths)
        script.write(
            f"paths = {{{quoted}}}\n"
            "request = function()\n  return wrk.format(nil, paths[math.random(#paths)])\nend\n"
        )
    args = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-s", script.name, base]
    if timeout != 2:
        args[4:4] = ["--timeout", f"{timeout}s"]
    if warm_up:
        subprocess.run([*args[:3], f"-d{warm_up}s", *args[4:]], capture_output=True, check=True)
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    Path(script.name).unlink()

    def latency(label: str) -> float:
        m = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\b", out, re.M)
        assert m, out
        return float(m[1]) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m[2]]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])  # type: ignore[index]
    requests = int(re.search(r"(\d+) requests in", out)[1])  # type: ignore[index]
    # Errors: non-2xx answers and socket errors: connect, read, write, and timeouts (wrk gives up on a
    # request after ``timeout`` seconds).
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = sum(int(n) for n in socket.groups()) if socket else 0
    non_2xx = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors += non_2xx
    detail = (socket[0] if socket else "no socket errors") + f", non-2xx/3xx {non_2xx}"
    return Result(rps, latency("50%"), latency("99%"), errors, requests, detail)


def scenarios() -> list[tuple[str, list[str], list[str]]]:
    db = sqlite3.connect(f"file:{DATABASE}?mode=ro", uri=True)
    es = db.execute("SELECT id FROM resolution WHERE symbol = 'A/RES/ES-10/24'").fetchone()[0]
    usa = db.execute("SELECT id FROM state WHERE code = 'USA'").fetchone()[0]
    recent = db.execute(
        "SELECT id, symbol FROM resolution WHERE kind = 'resolution' AND adoption = 'recorded_vote' "
        "AND symbol LIKE 'A/RES/%' "
        "ORDER BY adopted_on DESC LIMIT 200"
    ).fetchall()
    states = db.execute("SELECT id, code FROM state WHERE status = 'member'").fetchall()
    db.close()

    def res(symbol: str) -> str:
        return "/resolutions/" + quote(symbol, safe="/()-")

    by_resolution = "/unga/vote?resolution_id={}&_size=200"
    by_state = "/unga/vote?state_id={}&_sort_desc=resolution_id"
    search = "/unga/resolution_fts?_search={}"
    searches = [quote(q) for q in SEARCHES]
    return [
        ("resolution page, one URL", [res("A/RES/ES-10/24")], [by_resolution.format(es)]),
        (
            "resolution page, 200 URLs",
            [res(s) for _, s in recent],
            [by_resolution.format(i) for i, _ in recent],
        ),
        ("country page, one URL", ["/countries/USA"], [by_state.format(usa)]),
        (
            "country page, 193 URLs",
            [f"/countries/{c}" for _, c in states],
            [by_state.format(i) for i, _ in states],
        ),
        ("search, one query", ["/resolutions?q=nuclear+weapons"], [search.format("nuclear+weapons")]),
        (
            "search, 30 queries",
            [f"/resolutions?q={q}" for q in searches],
            [search.format(q) for q in searches],
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers for UNGA Votes")
    parser.add_argument("--only", default="", help="run only the scenarios whose label contains this")
    parser.add_argument(
        "--warm-up",
        type=int,
        default=2,
        help="seconds of the same load before each measurement, not counted (rotating scenarios: with "
        "about 10 s every page has been rendered once, so the figures are the steady state's)",
    )
    args = parser.parse_args()
    prepare_database()
    datasette = prepare_datasette()
    pages = tempfile.TemporaryDirectory(prefix="unga-web-speed-pages-")  # removed when the run ends
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{DATABASE}",
        "UNGA_ENVIRONMENT": "production",
        "UNGA_SECRET_KEY": "benchmark-only-secret-key-not-for-production-use",
        # An empty folder for the pages the workers share (app/cache/shared.py): each run starts cold.
        "UNGA_PAGE_CACHE_DIR": pages.name,
    }
    # The request log stays on, as in production; it goes to a file, not to this terminal.
    server_log = (BENCH / "web_speed.log").open("w")
    ours = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory", "--port", str(OURS),
         "--workers", str(args.workers), "--log-level", "warning", "--no-access-log"],
        env=env, cwd=PROJECT_ROOT, stdout=server_log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    theirs = subprocess.Popen(
        [str(datasette), "serve", "-i", str(DATABASE), "--port", str(THEIRS)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for(f"http://127.0.0.1:{OURS}/resolutions")
        wait_for(f"http://127.0.0.1:{THEIRS}/unga")
        print(f"{'page':<28}{'':>10}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}   ratio req/s")
        for label, our_paths, their_paths in scenarios():
            if args.only not in label:
                continue
            a = wrk(f"http://127.0.0.1:{OURS}", our_paths, args.duration, args.connections, args.warm_up)
            b = wrk(f"http://127.0.0.1:{THEIRS}", their_paths, args.duration, args.connections, args.warm_up)
            ratio = f"{a.rps / b.rps:.1f}x" if b.rps else "-"
            for who, r, shown in (("UNGA Votes", a, ratio), ("Datasette", b, "")):
                name = label if who == "UNGA Votes" else ""
                figures = f"{r.rps:9.0f}{r.p50_ms:9.1f}{r.p99_ms:9.1f}{r.errors:8d}"
                print(f"{name:<28}{who:>10}{figures}   {shown}")
    finally:
        for process in (ours, theirs):
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
