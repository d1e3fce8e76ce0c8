"""The ``unga`` command: imports, exports, backups and administration."""

from __future__ import annotations

import sqlite3
import sys
import time
from pathlib import Path
from typing import Annotated

import psycopg
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from app.config import get_settings
from app.db import get_sessionmaker, unit_of_work
from app.ingest.errors import IngestError, UnmatchedNamesError
from app.ingest.run import ImportSummary, Reporter, import_paths
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
        typer.Argument(help="Files or folders: DGACM JSON Lines, Voeten CSV, UN Digital Library CSV"),
    ],
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar")] = False,
    states: Annotated[
        Path | None,
        typer.Option(help="Member-state reference file (default: data/states.toml; an export has its own)"),
    ] = None,
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
        if "voeten_rcid" in reason:
            console.print(
                "A database imported before the import took Voeten's titled roll call as a resolution's "
                "adoption (November 2026) pairs some roll calls differently; import into a new database."
            )
        raise typer.Exit(1) from None
    _print_summary(summary, time.perf_counter() - started)


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

    migrate_database()
    with get_sessionmaker()() as session:
        empty = not session.scalar(select(func.count()).select_from(Resolution))
    if empty:
        console.print("The database is empty: importing the shipped UN data (about a million votes)...")
        started = time.perf_counter()
        summary = run_import([get_settings().data_dir / "sources"])
        _print_summary(summary, time.perf_counter() - started)
    console.print(f"Serving on http://{host}:{port}/")
    # The app writes its own JSON line per request (app/ops/logs.py): uvicorn's access log would repeat it.
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        access_log=False,
    )


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
    """Delete ended admin sessions (revoked, expired, idle) and failed sign-ins too old to count.
    Signing in does this too; run it from cron on a site where nobody signs in for a long time."""
    from app.admin.auth import purge_stale

    migrate_database()
    with unit_of_work(write=True) as session:
        sessions, failures = purge_stale(session)
    console.print(f"Removed {sessions} ended admin session(s) and {failures} old failed sign-in(s).")


@app.command("export")
def export_command(
    folder: Annotated[Path, typer.Argument(help="A new or empty folder")],
) -> None:
    """Export all published data to the open formats `unga import` reads (DGACM JSON Lines, Voeten CSV,
    states.toml). Import it back with: unga import --states FOLDER/states.toml FOLDER"""
    from app.ops.export import ExportError, export_all

    started = time.perf_counter()
    try:
        with unit_of_work() as session:
            summary = export_all(session, folder)
    except ExportError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    console.print(
        f"Exported {summary.states} states, {summary.dgacm_lines} DGACM resolutions, "
        f"{summary.voeten_roll_calls} Voeten roll calls and {summary.votes:,} listed votes to {folder} "
        f"in {time.perf_counter() - started:.1f} s."
    )
    if summary.drafts_skipped:
        console.print(f"{summary.drafts_skipped} unpublished draft(s) left out (the formats have no drafts).")
    if summary.not_exported:
        console.print(
            f"[yellow]{len(summary.not_exported)} decision(s) fit no open format and were left out:[/yellow] "
            + ", ".join(summary.not_exported[:20])
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
