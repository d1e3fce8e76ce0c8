"""The ``unga`` command: imports and administration."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from sqlalchemy import func, select

from app.config import get_settings
from app.db import get_sessionmaker, unit_of_work
from app.ingest.errors import IngestError, UnmatchedNamesError
from app.ingest.run import ImportSummary, Reporter, import_paths
from app.migrate import upgrade_to_head
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


def run_import(paths: list[Path], quiet: bool = False) -> ImportSummary:
    """Migrate, then import in one write transaction; on any error nothing is written."""
    settings = get_settings()
    upgrade_to_head()
    columns = (TextColumn("{task.description:<16}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with (
        unit_of_work(write=True) as session,
        Progress(*columns, console=console, disable=quiet, transient=False) as progress,
    ):
        return import_paths(session, paths, settings.data_dir / "states.toml", _BarReporter(progress))


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


@app.command("import")
def import_command(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Files or folders: DGACM JSON Lines, Voeten CSV, UN Digital Library CSV"),
    ],
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar")] = False,
) -> None:
    """Import voting data. Idempotent and transactional: a bad row stops it and changes nothing."""
    started = time.perf_counter()
    try:
        summary = run_import(paths, quiet=quiet)
    except (IngestError, UnmatchedNamesError) as exc:
        console.print(f"[red]Import failed, nothing was changed.[/red]\n{exc}")
        raise typer.Exit(1) from None
    _print_summary(summary, time.perf_counter() - started)


@app.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    upgrade_to_head()
    console.print("Database schema is up to date.")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
) -> None:
    """Migrate, import the shipped data if the database is empty, and serve the site."""
    import uvicorn

    upgrade_to_head()
    with get_sessionmaker()() as session:
        empty = not session.scalar(select(func.count()).select_from(Resolution))
    if empty:
        console.print("The database is empty: importing the shipped UN data (about a million votes)...")
        started = time.perf_counter()
        summary = run_import([get_settings().data_dir / "sources"])
        _print_summary(summary, time.perf_counter() - started)
    console.print(f"Serving on http://{host}:{port}/")
    uvicorn.run("app.main:create_app", factory=True, host=host, port=port, workers=workers, log_level="info")


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
    upgrade_to_head()
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

    upgrade_to_head()
    with unit_of_work(write=True) as session:
        sessions, failures = purge_stale(session)
    console.print(f"Removed {sessions} ended admin session(s) and {failures} old failed sign-in(s).")
