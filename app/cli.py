"""The ``unga`` command: imports, exports, backups and administration."""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import psycopg
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from app.config import get_settings, share_metrics
from app.db import get_sessionmaker, unit_of_work
from app.ingest.errors import IngestError, UnmatchedNamesError
from app.ingest.summary import ImportSummary, Reporter
from app.migrate import migrate_database
from app.models import Resolution

app = typer.Typer(
    help="UNGA Votes: import and administer United Nations General Assembly voting data.",
    no_args_is_help=True,
)
console = Console(stderr=True)


class _BarReporter(Reporter):
    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None

    def stage(self, name: str, total: int | None = None) -> None:
        if self.task is not None:
            self.progress.update(self.task, completed=self.progress.tasks[self.task].total or 1)
        self.task = self.progress.add_task(name, total=total or 1)
        if total is None:
            self.progress.update(self.task, completed=1)

    def advance(self, amount: int) -> None:
        if self.task is not None:
            self.progress.advance(self.task, amount)


def run_import(paths: list[Path], quiet: bool = False, states: Path | None = None) -> ImportSummary:
    """Migrate, then import in one write transaction; on any error nothing is written."""
    from app.importing import import_paths  # numpy, polars and the rest: only to import

    settings = get_settings()
    reference = states or settings.data_dir / "states.toml"
    migrate_database()
    columns = (TextColumn("{task.description:<16}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with (
        unit_of_work(write=True) as session,
        Progress(*columns, console=console, disable=quiet, transient=False) as progress,
    ):
        return import_paths(session, paths, reference, _BarReporter(progress))


def _print_summary(summary: ImportSummary, seconds: float) -> None:
    console.print(f"Read {len(summary.files)} file(s) in {seconds:.1f} s.")
    if not summary.changed_anything:
        console.print("[bold]Nothing changed[/bold]: the database already holds exactly this data.")
    console.print(
        f"Resolutions and recorded votes: {summary.resolutions_added} added, "
        f"{summary.resolutions_changed} changed, {summary.resolutions_unchanged} unchanged."
    )
    console.print(f"Votes written: {summary.votes_written:,}.")
    if summary.separate_votes or summary.differences:
        console.print(
            f"Sources reconciled: {summary.separate_votes:,} of Voeten's roll calls match no UN record and "
            f"are kept as separate votes; {summary.differences:,} difference(s) between the sources "
            "recorded (listed at /differences)."
        )
    if summary.removed:
        console.print(f"Removed {summary.removed:,} record(s) the sources no longer hold.")
    console.print(f"Member states: {summary.states_added} added, {summary.states_changed} changed.")
    if summary.states_kept:
        console.print(
            f"Kept as changed through the admin (data/states.toml differs; update the file, or take the "
            f"file's record on the state's admin page): {', '.join(summary.states_kept)}."
        )
    if summary.resolutions_kept:
        console.print(
            f"Kept as changed through the admin (their source record changed since the admin's edit, "
            f"which stays; check it against the source): {_names(summary.resolutions_kept)}."
        )
    if summary.unpublished_updated:
        console.print(
            f"Updated from their changed source record but left unpublished, as an admin unpublished "
            f"them (publish them again on their admin page if they are right now): "
            f"{_names(summary.unpublished_updated)}."
        )
    recorded = summary.provisional
    if recorded.added or recorded.changed:
        console.print(f"Provisional records: {recorded.added} added, {recorded.changed} changed.")
    if recorded.kept:
        console.print(
            f"Provisional records kept as an admin changed them (their file changed since): "
            f"{_names(recorded.kept)}."
        )
    if recorded.replaced:
        console.print(
            "The official record replaced these provisional records (their notes and history stay): "
            f"{_names(recorded.replaced)}."
        )
    if summary.flagged:
        console.print(
            f"{summary.flagged} decision(s) flagged: official totals and roll call differ, "
            "or the source notes a gap."
        )
    if summary.outside_membership:
        total = sum(summary.outside_membership.values())
        worst = ", ".join(f"{code} {n}" for code, n in summary.outside_membership.most_common(5))
        console.print(
            f"{total:,} listed vote(s) fall outside the voter's membership dates and were kept as the "
            f"source gives them (mostly month-level dates in Voeten's data): {worst}..."
        )


def _names(names: list[str], shown: int = 30) -> str:
    more = len(names) - shown
    return ", ".join(names[:shown]) + (f" and {more} more" if more > 0 else "")


@app.command("import")
def import_command(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Files or folders: DGACM JSON Lines, Voeten CSV, UN Digital Library CSV, or a data "
            "package written by `unga export`"
        ),
    ],
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar")] = False,
    states: Annotated[
        Path | None,
        typer.Option(
            help="Member-state reference file (default: data/states.toml; a data package carries its own)"
        ),
    ] = None,
    no_ideal_points: Annotated[
        bool, typer.Option("--no-ideal-points", help="Do not estimate the ideal points after the import")
    ] = False,
) -> None:
    """Import voting data. Idempotent and transactional: a bad row stops it and changes nothing."""
    started = time.perf_counter()
    try:
        summary = run_import(paths, quiet=quiet, states=states)
    except (IngestError, UnmatchedNamesError) as exc:
        console.print(f"[red]Import failed, nothing was changed.[/red]\n{exc}")
        raise typer.Exit(1) from None
    # The database refused the transaction, which was rolled back whole. The bulk writer talks to the
    # driver directly, so its errors can come unwrapped by SQLAlchemy.
    except (DBAPIError, sqlite3.DatabaseError, psycopg.DatabaseError) as exc:
        cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
        reason = (str(cause).splitlines() or [type(cause).__name__])[0]
        console.print(f"[red]Import failed, nothing was changed.[/red] The database refused it: {reason}")
        raise typer.Exit(1) from None
    _print_summary(summary, time.perf_counter() - started)
    if not no_ideal_points:
        _refit_if_stale()


def _refit_if_stale(*, background: bool = False) -> None:
    """Estimate the ideal points again when the record changed since the last fit (app.ideal)."""
    from app.ideal.refresh import fit_and_store, is_stale, refit_in_background

    if not is_stale():
        return
    if background:
        console.print("Estimating the ideal points in the background (about half a minute)...")
        refit_in_background()
        return
    console.print("Estimating the ideal points...")
    report = fit_and_store(warm=True)
    console.print(f"Ideal points of {report.state_years:,} state-years estimated in {report.seconds:.1f} s.")


@app.command("ideal-points")
def ideal_points(
    warm: Annotated[bool, typer.Option(help="Start from the last fit instead of from scratch")] = False,
) -> None:
    """Estimate every state's ideal point, year by year, from the recorded votes, and store them."""
    from app.ideal.refresh import fit_and_store

    migrate_database()
    report = fit_and_store(warm=warm)
    state = "converged" if report.converged else "stopped before converging"
    console.print(
        f"Ideal points of {report.state_years:,} state-years from {report.votes:,} votes on "
        f"{report.recorded_votes:,} recorded votes: {report.iterations} iterations ({state}), "
        f"{report.seconds:.1f} s ({report.read_seconds:.1f} s reading, {report.fit_seconds:.1f} s fitting)."
    )
    if not report.stored:
        console.print("A fit that started later was stored meanwhile; this one was not stored.")


@app.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    if migrate_database():
        console.print("Database schema upgraded to the latest revision; planner statistics refreshed.")
    else:
        console.print("Database schema is up to date.")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
) -> None:
    """Migrate, import the shipped data if the database is empty, and serve the site."""
    import uvicorn

    try:
        get_settings().check_serving()
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    migrate_database()
    with get_sessionmaker()() as session:
        empty = not session.scalar(select(func.count()).select_from(Resolution))
    if empty:
        console.print("The database is empty: importing the shipped UN data (about a million votes)...")
        started = time.perf_counter()
        summary = run_import([get_settings().data_dir / "sources"])
        _print_summary(summary, time.perf_counter() - started)
    _refit_if_stale(background=True)  # pages say the estimates are coming until they are stored
    console.print(f"Serving on http://{host}:{port}/")
    with _shared_metrics(workers):
        # The app writes its own JSON line per request (app/ops/logs.py): uvicorn's access log would
        # repeat it.
        uvicorn.run(
            "app.main:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
            access_log=False,
        )


@contextmanager
def _shared_metrics(workers: int) -> Iterator[None]:
    """Have the workers count in one folder, so that /metrics shows the machine whichever worker answers
    (app/kit/counters.py): PROMETHEUS_MULTIPROC_DIR's, emptied of a previous run's counts, or one of
    their own for as long as they serve."""
    given = get_settings().metrics_dir
    if given is not None:
        given.mkdir(parents=True, exist_ok=True)
        for stale in given.glob("*.db"):
            stale.unlink()
        yield
    elif workers > 1:
        with tempfile.TemporaryDirectory(prefix="unga-metrics-") as folder:
            share_metrics(Path(folder))
            yield
    else:
        yield


def main() -> None:
    app()


@app.command("create-admin")
def create_admin(
    name: Annotated[str, typer.Argument(help="Account name (letters, digits, . _ @ -)")],
) -> None:
    """Create an admin account. The password is read from a prompt, or from standard input when piped;
    never from the command line, where other users and the shell history would see it."""
    from app.admin.accounts import AccountError, create_account

    if sys.stdin.isatty():
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    migrate_database()
    try:
        with unit_of_work(write=True) as session:
            create_account(session, name, password)
    except AccountError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    console.print(f"Admin account {name!r} created.")


@app.command("purge-sessions")
def purge_sessions() -> None:
    """Delete ended admin sessions (revoked, expired, idle), failed sign-ins too old to count, and audit
    events past their retention: failed sign-ins after UNGA_SIGNIN_AUDIT_DAYS (90), other events after
    UNGA_AUDIT_RETENTION_DAYS if set (kept for ever by default). Run it daily from cron."""
    from app.admin.auth import purge_stale
    from app.admin.retention import purge_audit

    migrate_database()
    with unit_of_work(write=True) as session:
        sessions, failures = purge_stale(session)
        signins, others = purge_audit(session)
    console.print(
        f"Removed {sessions} ended admin session(s), {failures} old failed sign-in(s), and "
        f"{signins + others} audit event(s) past their retention ({signins} of failed sign-ins)."
    )


@app.command("unlock-admin")
def unlock_admin(
    name: Annotated[str, typer.Argument(help="Account name")],
    address: Annotated[str, typer.Option(help="Also forget this client address's failures")] = "",
) -> None:
    """Let an account sign in again at once: forget its failed sign-ins (from every address), and those
    of --address if given. The audit log keeps them, and records the unlock."""
    from app.admin.auth import unlock
    from app.audit import Actor, record

    migrate_database()
    with unit_of_work(write=True) as session:
        forgotten = unlock(session, name, address)
        summary = f"{forgotten} failed sign-in(s) forgotten" + (f", address {address}" if address else "")
        record(session, Actor(None, "cli"), "unlock", "admin_user", name[:128], summary)
    console.print(f"Unlocked {name!r}: {summary}.")


@app.command("export")
def export_command(
    folder: Annotated[Path, typer.Argument(help="A new or empty folder")],
) -> None:
    """Export all published data as a data package (CSV files and datapackage.json, the files of the
    /data page). Import it back, into an empty database, with: unga import FOLDER"""
    from app.ingest.package_format import DESCRIPTOR
    from app.opendata.views import human_size
    from app.ops.export import ExportError, export_all

    started = time.perf_counter()
    try:
        with unit_of_work() as session:
            summary = export_all(session, folder)
    except ExportError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    size = sum(f.bytes for f in summary.files) + summary.descriptor_bytes
    console.print(
        f"Exported version {summary.version} to {folder} in {time.perf_counter() - started:.1f} s: "
        f"{DESCRIPTOR} and {len(summary.files)} tables, {human_size(size)}."
    )
    for written in summary.files:
        console.print(f"  {written.table.path:<32} {written.rows:>10,} rows {human_size(written.bytes):>10}")
    if summary.drafts_skipped:
        console.print(f"{summary.drafts_skipped} unpublished draft(s) left out: they are not public.")
    if summary.not_exported:
        console.print(
            f"[yellow]Left out, as an import could not tell them apart or link them "
            f"({len(summary.not_exported)}):[/yellow] " + ", ".join(summary.not_exported[:20])
        )


@app.command()
def backup(
    path: Annotated[Path, typer.Argument(help="The backup file to write (must not exist)")],
) -> None:
    """Back up the whole database while the site keeps serving (SQLite online backup, or pg_dump)."""
    from app.ops.backup import BackupError
    from app.ops.backup import backup as make_backup

    try:
        make_backup(get_settings().database_url, path)
    except BackupError as exc:
        console.print(f"[red]Backup failed: {exc}[/red]")
        raise typer.Exit(1) from None
    console.print(f"Backup written to {path} ({path.stat().st_size / 1e6:.1f} MB).")


@app.command()
def restore(
    path: Annotated[Path, typer.Argument(help="A file written by `unga backup`")],
    replace: Annotated[bool, typer.Option(help="Overwrite a database that already holds data")] = False,
) -> None:
    """Restore a backup into the database (stop the site first), then migrate it to the current schema."""
    from app.ops.backup import BackupError
    from app.ops.backup import restore as load_backup

    try:
        load_backup(get_settings().database_url, path, replace=replace)
    except BackupError as exc:
        console.print(f"[red]Restore refused or failed; the database is unchanged.[/red]\n{exc}")
        raise typer.Exit(1) from None
    migrate_database()
    console.print(f"Restored {path}; the schema is up to date.")
