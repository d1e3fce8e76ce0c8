"""Faults under load: a PRIVATE, throwaway PostgreSQL cluster is stopped and started again mid-load.

Never the shared server on 127.0.0.1:5432: the cluster is benchmarks/private_postgres.py's (under /tmp,
on its own port, loaded with the real history once). The app is served with several uvicorn workers and
32 clients keep requesting the main pages and the API. After a quiet start the cluster is stopped (fast
shutdown: open connections are cut), kept down for a while, and started again. Reported, by when each
answer came: what the requests got (status codes with the 503's reason, client-side errors), whether any
answer was a 500, the slowest answer while the database was down, and how long after the database was
back the app answered normally again (the app is never restarted). The app's log is in var/bench/faults.log.

    python -m benchmarks.faults                   # down for 5 s, 45 s in all
    python -m benchmarks.faults --down 10 --keep  # keep the cluster for the next run
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx2

from app.config import PROJECT_ROOT
from benchmarks import private_postgres
from benchmarks.load import environment, paths
from benchmarks.web_speed import BENCH, wait_for

APP_PORT = 8112
CLIENTS = 32


@dataclass
class Outcome:
    at: float  # seconds since the load started
    kind: str  # "200", "503", ... or a client-side error's name
    seconds: float


@dataclass
class Timeline:
    started: float = field(default_factory=time.monotonic)
    outcomes: list[Outcome] = field(default_factory=list)

    def now(self) -> float:
        return time.monotonic() - self.started


async def client_loop(base: str, urls: list[str], timeline: Timeline, until: float) -> None:
    async with httpx2.AsyncClient(base_url=base, timeout=10) as client:
        while timeline.now() < until:
            sent = timeline.now()
            try:
                response = await client.get(random.choice(urls))
                kind = str(response.status_code)
                if response.status_code >= 500:
                    kind += f" {_reason(response)}"
            except httpx2.HTTPError as exc:
                kind = type(exc).__name__
            timeline.outcomes.append(Outcome(sent, kind, timeline.now() - sent))


def _reason(response: httpx2.Response) -> str:
    """The reason a 5xx gives: the API's detail, or the error page's lead paragraph."""
    if response.headers.get("content-type", "").startswith("application/json"):
        return f"({response.json().get('detail', '')})"
    lede = re.search(r'<p class="lede">(.*?)</p>', response.text, re.S)
    return f"({lede[1].strip()})" if lede else "(no reason given)"


async def fault(timeline: Timeline, at: float, down: float, marks: dict[str, float]) -> None:
    await asyncio.sleep(at)
    marks["stop"] = timeline.now()
    await asyncio.to_thread(private_postgres.pg_ctl, "stop", "-m", "fast")
    marks["stopped"] = timeline.now()
    await asyncio.sleep(down)
    marks["start"] = timeline.now()
    await asyncio.to_thread(private_postgres.pg_ctl, "start")
    marks["back"] = timeline.now()


async def run_load(base: str, urls: list[str], args: argparse.Namespace) -> tuple[Timeline, dict[str, float]]:
    timeline, marks = Timeline(), dict[str, float]()
    until = args.before + args.down + args.after
    await asyncio.gather(
        fault(timeline, args.before, args.down, marks),
        *(client_loop(base, urls, timeline, until) for _ in range(CLIENTS)),
    )
    return timeline, marks


def report(timeline: Timeline, marks: dict[str, float]) -> None:
    phases = {
        "before the stop": (0.0, marks["stop"]),
        "database down": (marks["stop"], marks["back"]),
        "after it is back": (marks["back"], float("inf")),
    }
    stopping = marks["stopped"] - marks["stop"]
    print(
        f"\nPostgreSQL stopped at {marks['stop']:.1f} s (down {stopping:.1f} s later),"
        f" started at {marks['start']:.1f} s, accepting connections at {marks['back']:.1f} s"
    )
    print(f"{'answered':<20}{'requests':>9}  outcomes")
    for name, (start, end) in phases.items():  # by when the answer came
        outcomes = [o for o in timeline.outcomes if start <= o.at + o.seconds < end]
        kinds = Counter(o.kind for o in outcomes)
        print(f"{name:<20}{len(outcomes):>9}")
        for kind, n in kinds.most_common():
            print(f"{'':<22}{n:>7}  {kind}")
    errors = [o for o in timeline.outcomes if o.kind != "200"]
    server_errors = sum(1 for o in timeline.outcomes if o.kind.startswith("500"))
    down = [o for o in timeline.outcomes if marks["stop"] <= o.at + o.seconds < marks["back"]]
    after = sorted((o for o in timeline.outcomes if o.at >= marks["back"]), key=lambda o: o.at)
    first_ok = next((o.at + o.seconds for o in after if o.kind == "200"), None)
    last_error = max((o.at + o.seconds for o in errors if o.at + o.seconds >= marks["back"]), default=None)
    print(f"500 answers: {server_errors}")
    if down:
        print(f"slowest answer while down: {max(o.seconds for o in down) * 1000:.0f} ms")
    if first_ok is not None:
        print(f"first 200 after the database was back: {first_ok - marks['back']:.2f} s later")
    print(
        "last error after the database was back: "
        + ("none" if last_error is None else f"{last_error - marks['back']:.2f} s later")
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--before", type=float, default=15, help="seconds of load before the stop")
    parser.add_argument("--down", type=float, default=5, help="seconds the database stays down")
    parser.add_argument("--after", type=float, default=25, help="seconds of load after the start")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the cluster (stopped) for the next run")
    args = parser.parse_args()
    database_url = private_postgres.start()
    base = f"http://127.0.0.1:{APP_PORT}"
    BENCH.mkdir(parents=True, exist_ok=True)
    log = (BENCH / "faults.log").open("w")  # the app's JSON lines, database_unavailable ones included
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory", "--port", str(APP_PORT),
         "--workers", str(args.workers), "--no-access-log", "--log-level", "warning"],
        env={**environment(database_url), "UNGA_REQUEST_LOG": "false"}, cwd=PROJECT_ROOT, stderr=log,
    )  # fmt: skip
    try:
        wait_for(f"{base}/readyz")
        timeline, marks = asyncio.run(run_load(base, paths(database_url), args))
        report(timeline, marks)
    finally:
        server.terminate()
        server.wait(timeout=30)
        private_postgres.stop(remove=not args.keep)
        log.close()


if __name__ == "__main__":
    main()
