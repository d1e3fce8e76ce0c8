"""Scale-out on real parts: a PostgreSQL hot standby for the public reads, two app instances, and nginx
with a proxy cache in front, started on this machine (loopback only), measured, and stopped.

The topology, from Debian's and PyPI's packages (README: Operations, "Scale-out"):

    wrk, the admin  ->  nginx :18080 (proxy cache)  ->  app a :18001 (uvicorn, N workers)  -> primary :18432
                        nginx :18081 (no cache)         app b :18002 (uvicorn, N workers)  -> standby :18433

* a private PostgreSQL 15 primary holding the real history, and a hot standby made from it with
  ``pg_basebackup -R``, streaming its WAL (benchmarks/private_postgres.py; run as the postgres user in
  /tmp/unga_scaleout, never the machine's own server);
* two app instances, each its own uvicorn with several workers, writing to the primary
  (``DATABASE_URL``) and reading public pages from the standby (``UNGA_READ_DATABASE_URL``); each
  connection names its instance (application_name), so the servers can say who reads where;
* nginx (benchmarks/scaleout.nginx.conf): the two instances balanced, retried on a failed one, a proxy
  cache that follows the app's Cache-Control, ETag and stale-while-revalidate, with a cache lock; and
  the same balancing without the cache on a second port ("the app alone").

Then, in order (each part can be skipped with --skip):

1. replication: wrk reads, then admin saves; the servers' own counters (pg_stat_database) and
   connections (pg_stat_activity) show the reads on the standby and the writes on the primary.
2. propagation: an admin save, and when it shows: on the admin's next page (the primary), on the
   standby (replication lag), through the app alone, and through the proxy cache holding the page.
3. throughput: the same wrk load through the proxy cache and without it, one after the other, both
   warm (every URL asked beforehand).
4. faults, each under wrk (reads) and an admin saving in a loop, bounded in time: the standby stopped
   and started; app instance b stopped and started; the primary stopped and started. What clients got
   is counted per phase from nginx's log (every answer, with the instance that gave it).
5. promotion: the primary is lost (an immediate stop: a crash), the standby promoted, the instances
   restarted one at a time pointed at it, under load; each step timed.

Two cores are shared by wrk, nginx, both servers and both instances (and, on our build machines, other
people's work): the throughput figures are floors.

    python -m benchmarks.scaleout                  # about 10 minutes; the folder is removed at the end
    python -m benchmarks.scaleout --keep           # keep the loaded primary (the next run skips the import)
    python -m benchmarks.scaleout --skip faults,promotion --saves 1
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import httpx2
import psycopg

from app.config import PROJECT_ROOT
from benchmarks import load
from benchmarks.private_postgres import PG_BIN, Cluster, available, import_history, wait_for_replay
from benchmarks.web_speed import Result, wait_for, wrk

ROOT = Path("/tmp/unga_scaleout")
DATABASE = "unga"
PRIMARY = Cluster(ROOT / "primary", 18432)
# Feedback keeps the primary from vacuuming rows a standby query still reads (the standby would cancel
# that query). Streaming needs nothing else: PostgreSQL 15's defaults (wal_level=replica,
# max_wal_senders=10, hot_standby=on) and initdb's pg_hba.conf (replication from 127.0.0.1) allow it.
STANDBY = Cluster(ROOT / "standby", 18433, settings=("max_connections=200", "hot_standby_feedback=on"))
APP_PORTS = {"a": 18001, "b": 18002}
CACHED, DIRECT = 18080, 18081  # nginx: with the proxy cache; without it
PUBLIC_HOST = f"127.0.0.1:{CACHED}"  # what the app is configured with and nginx sends as Host
TEMPLATE = Path(__file__).with_name("scaleout.nginx.conf")
EDITED = load.EDITED
PUBLIC_PAGE = "/resolutions/" + quote(EDITED, safe="/()-")
CONNECTIONS = 32


# -- the parts -------------------------------------------------------------------------------------


@dataclass
class Instance:
    """One app instance: uvicorn with several workers, writing to ``primary``, reading from ``replica``."""

    name: str
    workers: int
    primary: Cluster
    replica: Cluster | None
    process: subprocess.Popen[bytes] | None = None

    @property
    def port(self) -> int:
        return APP_PORTS[self.name]

    def environment(self) -> dict[str, str]:
        env = load.environment(self.primary.url(DATABASE, application_name=f"unga-{self.name}"))
        env.pop("UNGA_READ_DATABASE_URL", None)
        if self.replica is not None:
            env["UNGA_READ_DATABASE_URL"] = self.replica.url(
                DATABASE, application_name=f"unga-{self.name}-reads"
            )
        pages = ROOT / f"pages-{self.name}"  # each instance its own, as on its own machine
        pages.mkdir(mode=0o700, exist_ok=True)
        return {
            **env,
            "UNGA_PUBLIC_URL": f"http://{PUBLIC_HOST}",
            "UNGA_SECURE_COOKIES": "false",  # plain HTTP on loopback; a real site has TLS in front
            "UNGA_PAGE_CACHE_DIR": str(pages),
        }

    def start(self) -> None:
        log = (ROOT / f"app-{self.name}.log").open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "app.main:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                str(self.workers),
                "--proxy-headers",
                "--forwarded-allow-ips",
                "127.0.0.1",
                "--no-access-log",
                "--log-level",
                "warning",
            ],
            env=self.environment(),
            cwd=PROJECT_ROOT,
            stdout=log,
            stderr=log,
        )
        log.close()
        wait_for(f"http://127.0.0.1:{self.port}/readyz", timeout=120)

    def stop(self) -> None:
        """SIGTERM: uvicorn finishes the requests in flight and closes its connections."""
        _stop(self.process, signal.SIGTERM, timeout=30)
        self.process = None


@dataclass
class Proxy:
    """nginx run from the template, in its own folder, in the foreground (stopped with the harness)."""

    folder: Path = ROOT / "nginx"
    process: subprocess.Popen[bytes] | None = None

    def values(self) -> dict[str, str]:
        """What fills the template's ${UNGA_...} names here (compose.yaml's proxy service has its own)."""
        return {
            "UNGA_PROXY_USER": "user nobody nogroup;" if os.geteuid() == 0 else "",  # workers never root
            "UNGA_PROXY_FOLDER": str(self.folder),
            "UNGA_PROXY_ACCESS_LOG": str(self.folder / "access.log"),
            "UNGA_PROXY_ERROR_LOG": str(self.folder / "error.log"),
            "UNGA_APP_A": f"127.0.0.1:{APP_PORTS['a']}",
            "UNGA_APP_B": f"127.0.0.1:{APP_PORTS['b']}",
            "UNGA_PUBLIC_HOST": PUBLIC_HOST,
            "UNGA_CACHED_LISTEN": f"127.0.0.1:{CACHED}",
            "UNGA_DIRECT_LISTEN": f"127.0.0.1:{DIRECT}",
        }

    def configuration(self, **changes: str) -> str:
        # As the nginx image's envsubst does: ${NAME} for the names given, nothing else.
        values = {**self.values(), **changes}
        return re.sub(r"\$\{(UNGA_\w+)\}", lambda m: values[m[1]], TEMPLATE.read_text())

    def start(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.folder.chmod(0o755)
        conf = self.folder / "nginx.conf"
        conf.write_text(self.configuration())
        command = ["nginx", "-p", str(self.folder), "-e", str(self.folder / "error.log"), "-c", str(conf)]
        subprocess.run([*command, "-t", "-q"], check=True)
        self.process = subprocess.Popen([*command, "-g", "daemon off;"])
        for port in (CACHED, DIRECT):
            _wait_for_port(port)

    def stop(self) -> None:
        _stop(self.process, signal.SIGQUIT, timeout=15)  # graceful: answers in flight are finished
        self.process = None

    def answers(self, start: float, end: float, port: int | None = None) -> list[Answer]:
        """What clients got between two wall-clock times, from the access log."""
        answers = []
        for line in (self.folder / "access.log").read_text().splitlines():
            answer = Answer.parse(line)
            if start <= answer.at < end and (port is None or answer.port == port):
                answers.append(answer)
        return answers


@dataclass
class Answer:
    """One line of nginx's access log (benchmarks/scaleout.nginx.conf's log_format)."""

    at: float
    status: int
    upstream_status: str
    upstream_addr: str
    cache: str
    seconds: float
    request: str
    port: int

    PATTERN = re.compile(r'^([\d.]+) (\d+) "([^"]*)" "([^"]*)" (\S+) ([\d.]+) "([^"]*)" (\d+)$')

    @classmethod
    def parse(cls, line: str) -> Answer:
        m = cls.PATTERN.match(line)
        assert m, line
        at, status, ups, addr, cache, seconds, request, port = m.groups()
        return cls(float(at), int(status), ups, addr, cache, float(seconds), request, int(port))

    @property
    def instances(self) -> list[str]:
        """The instances tried, in order ("a", "b"), from the upstream addresses."""
        by_port = {str(port): name for name, port in APP_PORTS.items()}
        return [
            by_port.get(addr.rsplit(":", 1)[-1], "?")
            for addr in re.split(r", | : ", self.upstream_addr)
            if addr != "-"
        ]


@dataclass
class Site:
    primary: Cluster
    standby: Cluster
    instances: dict[str, Instance]
    proxy: Proxy
    edit_url: str = ""
    read_paths: list[str] = field(default_factory=list)  # the public pages and API answers wrk asks for
    cold_paths: list[str] = field(default_factory=list)  # every resolution page: mostly first renders


def _stop(process: subprocess.Popen[bytes] | None, how: signal.Signals, timeout: float) -> None:
    """Ask a process to stop, and kill it if it has not within ``timeout`` seconds."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(how)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_for_port(port: int, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")


@contextmanager
def running_site(args: argparse.Namespace) -> Iterator[Site]:
    """Start everything; stop everything when the block ends, however it ends."""
    for port in (PRIMARY.port, STANDBY.port, *APP_PORTS.values(), CACHED, DIRECT):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:  # measuring someone else's server: no
                raise SystemExit(f"127.0.0.1:{port} is taken: is another run still going?")
    ROOT.mkdir(parents=True, exist_ok=True)
    ROOT.chmod(0o755)  # the postgres user must reach its clusters' folders
    instances = {name: Instance(name, args.workers, PRIMARY, STANDBY) for name in APP_PORTS}
    site = Site(PRIMARY, STANDBY, instances, Proxy())
    try:
        started = time.monotonic()
        if not PRIMARY.exists():
            PRIMARY.initdb()
        PRIMARY.start()
        PRIMARY.create_database(DATABASE)
        print("Importing the real history into the primary (under a minute the first time)...", flush=True)
        import_history(PRIMARY.url(DATABASE))
        load.ensure_admin(PRIMARY.url(DATABASE))
        site.edit_url = load.edit_url(PRIMARY.url(DATABASE))
        site.read_paths = load.paths(PRIMARY.url(DATABASE))
        symbols = PRIMARY.query(
            "SELECT symbol FROM resolution WHERE kind = 'resolution' AND symbol LIKE 'A/RES/%%' ORDER BY id",
            DATABASE,
        )
        site.cold_paths = ["/resolutions/" + quote(s, safe="/()-") for (s,) in symbols]
        # What autovacuum would do in the next minutes after a bulk import (its transactions would blur
        # the primary's counters in part 1); it also sets the visibility map for index-only scans.
        PRIMARY.query("VACUUM (ANALYZE)", DATABASE)
        PRIMARY.query("CHECKPOINT")
        made = time.monotonic()
        STANDBY.base_backup_of(PRIMARY)
        STANDBY.start()
        print(
            f"Primary ready in {made - started:.0f} s; standby made with pg_basebackup -R and started in "
            f"{time.monotonic() - made:.1f} s"
        )
        for instance in instances.values():
            instance.start()
        site.proxy.start()
        yield site
    finally:
        site.proxy.stop()
        for instance in instances.values():
            instance.stop()
        STANDBY.remove()
        if args.keep:
            PRIMARY.stop()
        else:
            PRIMARY.remove()
            shutil.rmtree(ROOT, ignore_errors=True)


# -- measuring helpers ----------------------------------------------------------------------------


def database_counters(cluster: Cluster) -> dict[str, int]:
    """The server's own counters for the site's database: transactions, rows read, rows written.
    (PostgreSQL 15 backends report them at most once a second while busy, within 10 s when idle.)"""
    row = cluster.query(
        "SELECT xact_commit, tup_returned + tup_fetched, tup_inserted + tup_updated + tup_deleted"
        " FROM pg_stat_database WHERE datname = %s",
        params=[DATABASE],
    )[0]
    return {"transactions": int(row[0]), "rows read": int(row[1]), "rows written": int(row[2])}


def _rows_read(cluster: Cluster) -> int | None:
    try:
        return database_counters(cluster)["rows read"]
    except psycopg.OperationalError:  # stopped, or promoted away
        return None


def connections(cluster: Cluster) -> dict[str, int]:
    rows = cluster.query(
        "SELECT application_name, count(*) FROM pg_stat_activity WHERE datname = %s AND application_name"
        " LIKE 'unga-%%' GROUP BY 1 ORDER BY 1",
        params=[DATABASE],
    )
    return {str(name): int(n) for name, n in rows}


class Admin:
    """An admin signed in through the real forms (through nginx: the cookie bypasses the proxy cache)."""

    def __init__(self, site: Site, port: int) -> None:
        # One public origin: the Origin the app compares with the Host that nginx sends.
        self.client = httpx2.Client(
            base_url=f"http://127.0.0.1:{port}", headers={"Origin": f"http://{PUBLIC_HOST}"}, timeout=30
        )
        self.edit_url = site.edit_url
        login = self.client.get("/admin/login")
        token = load.input_value(login.text, "csrf_token")
        data = {"name": load.ADMIN, "password": load.PASSWORD, "csrf_token": token, "next": "/admin"}
        signed_in = self.client.post("/admin/login", data=data)
        if signed_in.status_code != 303:
            raise SystemExit(f"the admin could not sign in: {signed_in.status_code}")
        self.original = self.title()

    def title(self) -> str:
        return load.form_values(self.client.get(self.edit_url).text)["title"]

    def save(self, title: str) -> int:
        """Save a new title through the edit form; the status of the save (303 when saved)."""
        form = self.client.get(self.edit_url)
        if form.status_code != 200:
            return form.status_code
        values = load.form_values(form.text)
        values.update({"title": title, "action": "save"})
        return self.client.post(self.edit_url, data=values).status_code

    def close(self) -> None:
        if self.save(self.original) != 303:
            print("    (the edited title could not be restored)")
        self.client.close()


@dataclass(eq=False)
class Writer(threading.Thread):
    """The admin saving in a loop until told to stop; every outcome kept with its wall-clock time."""

    admin: Admin
    outcomes: list[tuple[float, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        threading.Thread.__init__(self, daemon=True)
        self.halt = threading.Event()

    def run(self) -> None:
        n = 0
        while not self.halt.is_set():
            n += 1
            try:
                status = self.admin.save(f"{self.admin.original} (save {n})")
                self.outcomes.append((time.time(), "saved" if status == 303 else str(status)))
            except httpx2.HTTPError as exc:
                self.outcomes.append((time.time(), type(exc).__name__))
            self.halt.wait(0.25)


def visible_after(check: Callable[[], bool], since: float, timeout: float, every: float) -> float | None:
    """Seconds from ``since`` (a perf_counter time) until ``check()`` first holds; None if it never did."""
    deadline = since + timeout
    while time.perf_counter() < deadline:
        if check():
            return time.perf_counter() - since
        time.sleep(every)
    return None


def ask_each(port: int, paths: list[str], clients: int = 8) -> None:
    """GET every path once through ``port``, ``clients`` at a time."""
    with (
        httpx2.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client,
        ThreadPoolExecutor(clients) as pool,
    ):
        list(pool.map(client.get, paths))


def watch_all(
    watchers: dict[str, tuple[Callable[[], bool], float]], since: float, timeout: float
) -> dict[str, float | None]:
    """visible_after for each (check, interval) at once, each in its own thread."""
    results: dict[str, float | None] = {}

    def watch(label: str, check: Callable[[], bool], every: float) -> None:
        results[label] = visible_after(check, since, timeout, every)

    threads = [threading.Thread(target=watch, args=(label, *how)) for label, how in watchers.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def median_max(values: list[float]) -> str:
    if not values:
        return "none"
    return (
        f"median {statistics.median(values) * 1000:.1f} ms, max {max(values) * 1000:.1f} ms (n={len(values)})"
    )


@dataclass
class Load:
    """wrk in a thread for a bounded time, with the admin saving beside it; phases marked by name.

    What clients got is read from nginx's log afterwards, phase by phase: the public reads (wrk's) and
    the admin's pages apart, and the admin's saves as the writer saw them."""

    site: Site
    port: int
    paths: list[str]
    seconds: int
    writer: Writer
    marks: list[tuple[str, float]] = field(default_factory=list)
    # Rows read on the primary and on the standby at each mark (None: that server was down).
    counters: list[tuple[int | None, int | None]] = field(default_factory=list)
    result: list[Result] = field(default_factory=list)

    def _wrk(self) -> None:
        url = f"http://127.0.0.1:{self.port}"
        self.result.append(wrk(url, self.paths, self.seconds, CONNECTIONS, warm_up=0, timeout=10))

    def __enter__(self) -> Load:
        self.thread = threading.Thread(target=self._wrk)
        self.mark("before")
        self.thread.start()
        self.writer.start()
        self.started = time.monotonic()
        self.ends = time.time() + self.seconds
        return self

    def mark(self, phase: str) -> None:
        self.marks.append((phase, time.time()))
        self.counters.append((_rows_read(self.site.primary), _rows_read(self.site.standby)))

    def at(self, second: float) -> None:
        """Wait until ``second`` seconds into the load."""
        time.sleep(max(0.0, self.started + second - time.monotonic()))

    def __exit__(self, *exc: object) -> None:
        self.thread.join()
        self.writer.halt.set()
        self.writer.join()
        self.mark("end")

    def first_save(self, since: float) -> float | None:
        """When the admin's first save after ``since`` (wall-clock) succeeded."""
        return min((at for at, kind in self.writer.outcomes if at >= since and kind == "saved"), default=None)

    def close(self) -> None:
        self.writer.admin.close()

    def report(self) -> None:
        (result,) = self.result
        print(
            f"    wrk: {result.requests} answers, {result.rps:.0f} req/s, p99 {result.p99_ms:.0f} ms;"
            f" client side: {result.detail}"
        )
        header = f"{'phase':<30}{'s':>5}  {'public reads: statuses':<28}{'by instance (retried)':<26}"
        print(f"    {header}{'rows read: primary, standby':<32}admin saves")
        for (phase, start), (_, end), counted, counted_next in zip(
            self.marks, self.marks[1:], self.counters, self.counters[1:], strict=False
        ):
            answers = self.site.proxy.answers(start, end, self.port)
            reads = [a for a in answers if not a.request.split()[-1].startswith("/admin")]
            # wrk hangs up on the requests in flight when its time is up: nginx logs those as 499.
            hung_up = [a for a in reads if a.status == 499 and a.at >= self.ends - 1]
            reads = [a for a in reads if a not in hung_up]
            statuses = Counter(a.status for a in reads)
            by_instance = Counter(a.instances[-1] if a.instances else "-" for a in reads)
            retried = sum(1 for a in reads if len(a.instances) > 1)
            saves = Counter(kind for at, kind in self.writer.outcomes if start <= at < end)
            rows = [
                "?" if a is None or b is None else f"+{b - a}"
                for a, b in zip(counted, counted_next, strict=True)
            ]
            print(
                f"    {phase:<30}{end - start:5.1f}  "
                + f"{' '.join(f'{s}: {n}' for s, n in sorted(statuses.items())):<28}"
                + f"{' '.join(f'{k} {n}' for k, n in sorted(by_instance.items())) + f' ({retried})':<26}"
                + f"{', '.join(rows):<32}"
                + ", ".join(f"{k} {n}" for k, n in sorted(saves.items()))
                + (f"  [{len(hung_up)} cut off by wrk's end, left out]" if hung_up else "")
            )


# -- 1. replication --------------------------------------------------------------------------------

IDLE_REPORT = 11  # seconds: PostgreSQL 15 backends report their counters within 10 s once idle


def replication(site: Site, args: argparse.Namespace) -> None:
    print("\n1. Who reads and who writes, by the servers' own counters (pg_stat_database)")
    replay = site.primary.query("SELECT application_name, state, sync_state FROM pg_stat_replication")
    print(
        f"    primary's pg_stat_replication: {replay}; standby in recovery: "
        f"{site.standby.query('SELECT pg_is_in_recovery()')[0][0]}"
    )
    time.sleep(IDLE_REPORT)
    before = {c: database_counters(c) for c in (site.primary, site.standby)}
    result = wrk(
        f"http://127.0.0.1:{DIRECT}", site.cold_paths, args.phase, CONNECTIONS, warm_up=0, timeout=10
    )
    activity = {c.port: connections(c) for c in (site.primary, site.standby)}
    time.sleep(IDLE_REPORT)
    after_reads = {c: database_counters(c) for c in (site.primary, site.standby)}
    print(
        f"    {args.phase} s of public reads (wrk, {result.requests} answers, resolution pages through the"
        f" balancer without the proxy cache):"
    )
    _print_deltas(site, before, after_reads)
    print(
        f"    connections open at the end, by instance: primary {activity[site.primary.port]},"
        f" standby {activity[site.standby.port]}"
    )

    admin = Admin(site, CACHED)
    lags: list[float] = []
    with psycopg.connect(
        host="127.0.0.1", port=site.standby.port, user="postgres", dbname=DATABASE, autocommit=True
    ) as standby:

        def on_standby(title: str) -> Callable[[], bool]:
            query = b"SELECT title FROM resolution WHERE symbol = %s"
            return lambda: standby.execute(query, [EDITED]).fetchone() == (title,)

        for n in range(args.writes):
            title = f"{admin.original} (replicated {n})"
            assert admin.save(title) == 303
            lag = visible_after(on_standby(title), time.perf_counter(), timeout=10, every=0.0005)
            if lag is not None:
                lags.append(lag)
    admin.close()
    time.sleep(IDLE_REPORT)
    after_writes = {c: database_counters(c) for c in (site.primary, site.standby)}
    print(f"    {args.writes} admin saves (through nginx, signed in):")
    _print_deltas(site, after_reads, after_writes)
    print(f"    each save on the standby after the admin's answer: {median_max(lags)}")


def _print_deltas(
    site: Site, before: dict[Cluster, dict[str, int]], after: dict[Cluster, dict[str, int]]
) -> None:
    for name, cluster in (("primary", site.primary), ("standby", site.standby)):
        delta = {k: after[cluster][k] - before[cluster][k] for k in before[cluster]}
        print(f"      {name:<8} " + ", ".join(f"{k} +{v}" for k, v in delta.items()))


# -- 2. propagation --------------------------------------------------------------------------------


def propagation(site: Site, args: argparse.Namespace) -> None:
    print("\n2. An admin save reaching the public (the page held by the proxy cache just before the save)")
    admin = Admin(site, CACHED)
    for n in range(args.saves):
        marker = f"propagation {n} {int(time.time())}"
        held = httpx2.get(f"http://127.0.0.1:{CACHED}{PUBLIC_PAGE}")  # the proxy now holds it for 60 s
        httpx2.get(f"http://127.0.0.1:{DIRECT}{PUBLIC_PAGE}")
        watchers = {  # made before the save: the standby's connection is open when it is sent
            "to the admin (the primary)": (_admin_shows(admin, marker), 0.0),
            "on the standby (replication)": (_on_standby(site.standby, marker), 0.0005),
            "through the app alone (:18081)": (_public_shows(DIRECT, marker), 0.25),
            "through the proxy cache (:18080)": (_public_shows(CACHED, marker), 0.25),
        }
        sent = time.perf_counter()
        assert admin.save(f"{admin.original} ({marker})") == 303
        saved_at = time.perf_counter()  # committed on the primary before this answer
        results = watch_all(watchers, saved_at, args.bound)
        print(
            f"    save {n + 1} (answered in {(saved_at - sent) * 1000:.0f} ms; the proxy held the page:"
            f" X-Cache {held.headers.get('x-cache')}): seen, counted from the save's answer,"
        )
        for label in watchers:
            seconds = results.get(label)
            print(f"      {label:<34} " + ("not within --bound" if seconds is None else f"{seconds:.3f} s"))
    admin.close()


def _admin_shows(admin: Admin, marker: str) -> Callable[[], bool]:
    return lambda: marker in admin.title()


def _on_standby(standby: Cluster, marker: str) -> Callable[[], bool]:
    """Whether the standby's copy of the edited title holds ``marker`` (one connection, kept open)."""
    conn = psycopg.connect(
        host="127.0.0.1", port=standby.port, user="postgres", dbname=DATABASE, autocommit=True
    )

    def check() -> bool:
        row = conn.execute(b"SELECT title FROM resolution WHERE symbol = %s", [EDITED]).fetchone()
        if row is not None and marker in row[0]:
            conn.close()
            return True
        return False

    return check


def _public_shows(port: int, marker: str) -> Callable[[], bool]:
    """Whether the public page, asked without a cookie through ``port``, shows ``marker``."""
    return lambda: marker in httpx2.get(f"http://127.0.0.1:{port}{PUBLIC_PAGE}", timeout=30).text


# -- 3. throughput ---------------------------------------------------------------------------------


def throughput(site: Site, args: argparse.Namespace) -> None:
    print(
        f"\n3. Read throughput, {len(site.read_paths)} URLs (pages, searches, API), {args.phase} s each"
        f" after {args.warm_up} s of warm-up, {args.connections} connections"
    )
    # Both measured warm: every URL asked twice of the balancer (so that each instance most likely
    # holds it) and once of the proxy cache. Filling them from cold is the app's rendering speed, timed.
    filling = time.perf_counter()
    for port in (DIRECT, DIRECT, CACHED):
        ask_each(port, site.read_paths)
    print(
        f"    filling the caches (every URL twice through the balancer, once through the proxy cache):"
        f" {time.perf_counter() - filling:.0f} s"
    )
    results = {}
    for label, port in (("proxy cache", CACHED), ("app alone", DIRECT)):
        url = f"http://127.0.0.1:{port}"
        started = time.time() + args.warm_up
        r = wrk(url, site.read_paths, args.phase, args.connections, warm_up=args.warm_up, timeout=10)
        results[label] = r
        answers = site.proxy.answers(started, time.time(), port)
        kinds = Counter(a.cache for a in answers)
        print(
            f"    {label:<12} {r.rps:8.0f} req/s  p50 {r.p50_ms:6.1f} ms  p99 {r.p99_ms:7.1f} ms  "
            f"errors {r.errors}"
            + (f" ({r.detail})" if r.errors else "")
            + ("  cache: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()) if port == CACHED else "")
        )
    ratio = results["proxy cache"].rps / results["app alone"].rps
    print(f"    the proxy cache serves {ratio:.1f}x the app alone (same machine, same run)")


# -- 4. faults -------------------------------------------------------------------------------------


def faults(site: Site, args: argparse.Namespace) -> None:
    before, down, restoring = 8, 10, 20  # restoring: time allowed for what was stopped to be back
    total = before + down + restoring + args.after
    print(
        f"\n4. Faults under load: wrk ({CONNECTIONS} connections, {total} s, every resolution page, mostly"
        " first renders, through the balancer without the proxy cache) and the admin saving in a loop"
    )

    def run_fault(stop: Callable[[], None], start: Callable[[], None], what: str) -> Load:
        with Load(site, DIRECT, site.cold_paths, total, Writer(Admin(site, DIRECT))) as run:
            run.at(before)
            run.mark(f"{what} down")
            stop()
            run.at(before + down)
            run.mark(f"{what} starting")
            start()
            run.mark(f"{what} back, after")
        run.report()
        run.close()
        return run

    print("  a. the standby stopped (fast shutdown: its connections cut) and started again")
    run_fault(site.standby.stop, site.standby.start, "standby")

    print("  b. app instance b stopped (SIGTERM: requests in flight finished) and started again")
    run = run_fault(site.instances["b"].stop, site.instances["b"].start, "instance b")
    ready_at = run.marks[3][1]
    first_b = min(
        (a.at for a in site.proxy.answers(ready_at, run.marks[-1][1], DIRECT) if a.instances[-1:] == ["b"]),
        default=None,
    )
    print(
        f"    instance b took {ready_at - run.marks[2][1]:.1f} s to start (until /readyz) and answered again "
        + ("(never)" if first_b is None else f"{first_b - ready_at:.1f} s after")
    )

    print("  c. the primary stopped (fast shutdown) and started again")
    run = run_fault(site.primary.stop, site.primary.start, "primary")
    back_at = run.marks[3][1]
    first_save = run.first_save(back_at)
    print(
        "    first save after the primary was back: "
        + ("(none)" if first_save is None else f"{first_save - back_at:.1f} s")
        + "; admin outcomes in order: "
        + " ".join(f"{kind}@{at - run.marks[0][1]:.1f}" for at, kind in run.writer.outcomes)
    )
    wait_for_replay(site.primary, site.standby)
    print(f"    the standby streams again: {site.primary.query('SELECT state FROM pg_stat_replication')}")


# -- 5. promotion ----------------------------------------------------------------------------------


def promotion(site: Site, args: argparse.Namespace) -> None:
    print("\n5. Promotion: the primary lost, the standby promoted, the instances pointed at it (under load)")
    lose, decide = 8, 3  # the operator's decision is not timed; the steps are
    total = lose + decide + 60 + args.after  # 60: time allowed for the steps, under load
    steps: dict[str, float] = {}
    with Load(site, DIRECT, site.read_paths, total, Writer(Admin(site, DIRECT))) as run:
        run.at(lose)
        run.mark("primary lost (a crash)")
        site.primary.stop("immediate")
        run.at(lose + decide)
        run.mark("standby promoted")
        step = time.perf_counter()
        site.standby.ctl("promote")  # waits until it accepts writes
        steps["pg_ctl promote, until it accepts writes"] = time.perf_counter() - step
        for name in ("a", "b"):  # one at a time: nginx sends everything to the other meanwhile
            run.mark(f"instance {name} restarting")
            step = time.perf_counter()
            instance = site.instances[name]
            instance.stop()
            instance.primary, instance.replica = site.standby, None
            instance.start()
            steps[f"instance {name} restarted pointed at it, until /readyz"] = time.perf_counter() - step
        run.mark("after")
    run.report()
    run.close()
    lost_at = run.marks[1][1]
    steps["from the loss to both instances repointed"] = run.marks[-2][1] - lost_at
    for label, seconds in steps.items():
        print(f"    {label:<56} {seconds:6.1f} s")
    first_save = run.first_save(lost_at)
    print(
        "    first admin save after the loss: "
        + ("(none)" if first_save is None else f"{first_save - lost_at:.1f} s")
    )


# -- main ------------------------------------------------------------------------------------------

PARTS: dict[str, Callable[[Site, argparse.Namespace], None]] = {
    "replication": replication,
    "propagation": propagation,
    "throughput": throughput,
    "faults": faults,
    "promotion": promotion,
}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers per instance")
    parser.add_argument("--phase", type=int, default=20, help="seconds of each measured wrk run")
    parser.add_argument("--warm-up", type=int, default=5, help="seconds of load before each throughput run")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections for the throughput")
    parser.add_argument("--writes", type=int, default=20, help="admin saves in the replication part")
    parser.add_argument("--saves", type=int, default=2, help="saves whose propagation is timed")
    parser.add_argument("--bound", type=float, default=150, help="seconds to wait for a save to show")
    parser.add_argument("--after", type=int, default=14, help="seconds of load after each fault ends")
    parser.add_argument("--skip", default="", help="parts to skip, comma-separated: " + ", ".join(PARTS))
    parser.add_argument("--keep", action="store_true", help="keep the primary's data for the next run")
    args = parser.parse_args()
    if not available() or not shutil.which("nginx") or not shutil.which("wrk"):
        raise SystemExit(
            f"needs PostgreSQL 15 in {PG_BIN}, nginx and wrk: apt-get install postgresql-15 nginx wrk"
        )
    # A stop from outside (Ctrl-C, SIGTERM) still stops everything this started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    skip = {s for s in args.skip.split(",") if s}
    with running_site(args) as site:
        for name, part in PARTS.items():
            if name not in skip:
                part(site, args)
    print(f"\nStopped: nginx, both instances, both clusters{' (the primary kept)' if args.keep else ''}.")


if __name__ == "__main__":
    main()
