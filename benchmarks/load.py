"""Load: the main pages at 128 connections for 60 s, with several workers, while an admin saves edits.

For each database (SQLite in WAL mode, and PostgreSQL 15: a database ``unga_ops_bench`` in a private
cluster, see benchmarks/private_postgres.py, or ``--postgres-url``), the whole real history is loaded
once, uvicorn serves the app with N workers (request logs on, as in production), and wrk (see
benchmarks/web_speed.py, whose wrk handling this reuses) picks at random among resolution pages, country
pages, searches and API answers. Meanwhile an admin signs in through the real forms and saves an edit of
A/RES/ES-11/1 in a loop, each save moving the data version (so the page caches refill). Reported: req/s,
p50/p99, errors (non-2xx/3xx and socket errors), 5xx lines in the request log, and the admin's saves
(count, median and worst time, failures). The two cores are shared with wrk and the admin (and, on our
build machines, with other people's work): the figures are floors.

The measured minute follows a warm-up of the same load (20 s by default, admin saving throughout) that
is reported on its own line: the 20 s right after a start with an empty page folder, the moment that
used to make clients wait (each of the ~800 pages rendered on first request). Production workers now
render the pages readers ask for first before they answer (app/cache/warm.py), so the line also says how
long the start took until /readyz answered.

    python -m benchmarks.load                          # both databases, 60 s, 128 connections, 4 workers
    python -m benchmarks.load --databases sqlite --duration 20 --no-admin
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import httpx2
from bs4 import BeautifulSoup
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from app.config import PROJECT_ROOT
from app.db import make_engine
from app.models import Resolution, State, StateStatus
from benchmarks import private_postgres
from benchmarks.web_speed import BENCH, DATABASE, SEARCHES, Result, prepare_database, wait_for, wrk

PORT = 8110
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/unga_ops_bench"
ADMIN, PASSWORD = "bench-admin", "benchmark admin password, long enough"
EDITED = "A/RES/ES-11/1"
UNGA = Path(sys.executable).parent / "unga"


def environment(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "UNGA_ENVIRONMENT": "production",
        "UNGA_SECRET_KEY": "benchmark-only-secret-key-not-for-production-use",
        # The admin signs in over plain HTTP on this machine: production's cookies are Secure otherwise.
        "UNGA_SECURE_COOKIES": "false",
    }


def prepare_postgres(url: str) -> None:
    """Create the scratch database and import the real history into it, once."""
    parsed = make_url(url)
    server = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}):
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    server.dispose()
    engine = make_engine(url)
    with engine.connect() as conn:
        loaded = conn.scalar(text("SELECT to_regclass('resolution') IS NOT NULL")) and conn.scalar(
            select(func.count()).select_from(Resolution)
        )
    engine.dispose()
    if not loaded:
        print("Importing the real history into PostgreSQL (about a minute)...", flush=True)
        sources = str(PROJECT_ROOT / "data" / "sources")
        subprocess.run([str(UNGA), "import", "--quiet", sources], env=environment(url), check=True)


def ensure_admin(url: str) -> None:
    subprocess.run(
        [str(UNGA), "create-admin", ADMIN], input=PASSWORD + "\n", text=True, env=environment(url),
        capture_output=True,
    )  # fmt: skip  # "already exists" on later runs is fine


def edit_url(url: str) -> str:
    engine = make_engine(url)
    with engine.connect() as conn:
        resolution_id = conn.scalar(select(Resolution.id).where(Resolution.symbol == EDITED))
    engine.dispose()
    return f"/admin/resolutions/{resolution_id}/edit"


def paths(url: str) -> list[str]:
    """Resolution pages, country pages, searches and API answers, in about equal shares."""
    engine = make_engine(url)
    with engine.connect() as conn:
        symbols = list(
            conn.scalars(
                select(Resolution.symbol)
                .where(Resolution.kind == "resolution", Resolution.symbol.startswith("A/RES/"))
                .order_by(Resolution.adopted_on.desc())
                .limit(200)
            )
        )
        codes = list(conn.scalars(select(State.code).where(State.status == StateStatus.MEMBER)))
    engine.dispose()
    searches = [quote(q) for q in SEARCHES]
    pages = [f"/resolutions/{quote(s, safe='/()-')}" for s in symbols]
    pages += [f"/countries/{c}" for c in codes]
    pages += [f"/resolutions?q={q}" for q in searches] * 6
    api = [f"/api/resolutions/{quote(s, safe='/()-')}" for s in symbols[:100]]
    api += [f"/api/countries/{c}" for c in codes[:100]] + [f"/api/resolutions?q={q}" for q in searches]
    return pages + api


@dataclass(eq=False)  # a thread must stay hashable
class AdminEditor(threading.Thread):
    """Signs in through the admin forms and saves an edit in a loop until told to stop."""

    base: str
    edit_url: str
    saves: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        threading.Thread.__init__(self, daemon=True)
        self.stop = threading.Event()

    def run(self) -> None:
        with httpx2.Client(base_url=self.base, headers={"Origin": self.base}, timeout=60) as client:
            login = client.get("/admin/login")
            token = input_value(login.text, "csrf_token")
            signed_in = client.post(
                "/admin/login",
                data={"name": ADMIN, "password": PASSWORD, "csrf_token": token, "next": "/admin"},
            )
            if signed_in.status_code != 303:
                self.failures.append(f"sign-in answered {signed_in.status_code}")
                return
            edit_url = self.edit_url
            original, n = "", 0
            while not self.stop.is_set():
                n += 1
                form = form_values(client.get(edit_url).text)
                original = original or form["title"]
                form.update({"title": original if n % 2 == 0 else original + " (edited)", "action": "save"})
                started = time.perf_counter()
                saved = client.post(edit_url, data=form)
                if saved.status_code == 303:
                    self.saves.append(time.perf_counter() - started)
                else:
                    self.failures.append(f"save answered {saved.status_code}")
            if n % 2:  # leave the title as it was
                form = form_values(client.get(edit_url).text)
                form.update({"title": original, "action": "save"})
                client.post(edit_url, data=form)


def input_value(html: str, name: str) -> str:
    node = BeautifulSoup(html, "html.parser").select_one(f"input[name={name}]")
    return str(node["value"]) if node else ""


def form_values(html: str) -> dict[str, str]:
    """The edit form's fields as a browser submits them (checked radios and boxes only)."""
    form = BeautifulSoup(html, "html.parser").select_one("form.admin-form")
    assert form is not None, "no edit form"
    values: dict[str, str] = {}
    for node in form.select("input[name], textarea[name]"):
        name = str(node["name"])
        if node.name == "textarea":
            values[name] = node.get_text()
        elif node.get("type") in {"radio", "checkbox"}:
            if node.has_attr("checked"):
                values[name] = str(node.get("value", "on"))
        else:
            values[name] = str(node.get("value", ""))
    return values


@dataclass
class Run:
    label: str
    result: Result
    logged_5xx: int
    logged: int
    editor: AdminEditor
    urls: int
    cold: Result | None = None  # the warm-up: the first seconds after start, with empty page caches
    ready_after: float = 0.0  # seconds from the start of the server to its first ready answer


def measure(label: str, url: str, args: argparse.Namespace) -> Run:
    ensure_admin(url)
    targets = paths(url)
    log_path = BENCH / f"load-{label.split()[0].lower()}.log"
    base = f"http://127.0.0.1:{args.port}"
    # An empty folder for the pages the workers share (app/cache/shared.py): each run starts cold.
    pages = tempfile.TemporaryDirectory(prefix="unga-load-pages-")
    with log_path.open("w") as log, pages:
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory", "--port", str(args.port),
             "--workers", str(args.workers), "--no-access-log", "--log-level", "warning"],
            env={**environment(url), "UNGA_PAGE_CACHE_DIR": pages.name,
                 **dict(v.split("=", 1) for v in args.env)},
            cwd=PROJECT_ROOT, stderr=log,
        )  # fmt: skip
        try:
            # Production workers render the pages readers ask for first before answering (app/cache/warm.py).
            started = time.monotonic()
            wait_for(f"{base}/readyz", timeout=240)
            ready_after = time.monotonic() - started
            editor = AdminEditor(base, edit_url(url))
            if not args.no_admin:
                editor.start()
            # Each page is rendered once before it can be answered from memory: reported apart.
            cold = wrk(base, targets, args.warm_up, args.connections, warm_up=0) if args.warm_up else None
            result = wrk(base, targets, args.duration, args.connections, warm_up=0)
            editor.stop.set()
            if not args.no_admin:
                editor.join(timeout=120)
        finally:
            server.terminate()
            server.wait(timeout=30)
    statuses = []
    for line in log_path.read_text().splitlines():
        if line.startswith("{") and '"status"' in line:
            statuses.append(json.loads(line)["status"])
    return Run(
        label,
        result,
        sum(1 for s in statuses if s >= 500),
        len(statuses),
        editor,
        len(targets),
        cold,
        ready_after,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=60, help="seconds of load per database")
    parser.add_argument("--connections", type=int, default=128)
    parser.add_argument("--workers", type=int, default=4, help="uvicorn workers")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument(
        "--postgres-url",
        default="",
        help=f"an existing server's database (e.g. {POSTGRES_URL}) instead "
        "of the private cluster (benchmarks/private_postgres.py)",
    )
    parser.add_argument("--no-admin", action="store_true", help="no admin saving (a baseline)")
    parser.add_argument("--port", type=int, default=PORT, help="where the app listens (127.0.0.1)")
    parser.add_argument(
        "--warm-up",
        type=int,
        default=20,
        help="seconds of the same load before the measured run, reported apart (0: none)",
    )
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting for the app, e.g. UNGA_REQUEST_LOG=false (to measure what request logs cost)",
    )
    args = parser.parse_args()
    runs = []
    for database in args.databases.split(","):
        if database == "sqlite":
            prepare_database()
            runs.append(measure("SQLite (WAL)", f"sqlite:///{DATABASE}", args))
        elif args.postgres_url:
            prepare_postgres(args.postgres_url)
            runs.append(measure("PostgreSQL 15", args.postgres_url, args))
        else:  # a private cluster: the shared server's connections are shared with everyone's tests
            url = private_postgres.start()
            try:
                runs.append(measure("PostgreSQL 15", url, args))
            finally:
                private_postgres.stop(remove=False)
    print(
        f"\n{args.duration} s, {args.connections} connections, {args.workers} workers, random among "
        f"{runs[0].urls if runs else 0} URLs (resolution and country pages, searches, API), "
        + ("no admin" if args.no_admin else "an admin saving edits throughout")
        + (f"; {' '.join(args.env)}" if args.env else "")
    )
    print(
        f"{'database':<16}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'requests':>10}{'errors':>8}{'5xx log':>9}"
        f"{'saves':>7}{'save p50 s':>11}{'save max s':>11}{'failed':>8}"
    )
    for run in runs:
        r, saves = run.result, run.editor.saves
        median = statistics.median(saves) if saves else float("nan")
        worst = max(saves) if saves else float("nan")
        print(
            f"{run.label:<16}{r.rps:9.0f}{r.p50_ms:9.1f}{r.p99_ms:9.1f}{r.requests:10d}{r.errors:8d}"
            f"{run.logged_5xx:9d}{len(saves):7d}{median:11.2f}{worst:11.2f}{len(run.editor.failures):8d}"
        )
        if r.errors:
            print(f"    errors: {r.detail}")
        if run.cold is not None:
            c = run.cold
            print(
                f"    the {args.warm_up} s before, from a cold start (empty page folder; ready after"
                f" {run.ready_after:.0f} s):"
                f" {c.rps:.0f} req/s, p50 {c.p50_ms:.1f} ms, p99 {c.p99_ms:.1f} ms, {c.errors} errors"
                + (f" ({c.detail})" if c.errors else "")
            )
        for failure in sorted(set(run.editor.failures)):
            print(f"    admin: {failure} ({run.editor.failures.count(failure)}x)")


if __name__ == "__main__":
    main()
