"""Backups and restores of the whole database, made while the site keeps serving.

SQLite: the online backup API (``sqlite3.Connection.backup``) copies the database as of one read
transaction; in WAL mode writers carry on meanwhile and the copy includes none of their later commits.
PostgreSQL: ``pg_dump --format=custom``, which reads everything in one snapshot. Either way the backup
is written beside the target under a temporary name and renamed when complete, so a failed backup never
leaves a file that looks like a good one.

A restore refuses a target that already holds data (states, resolutions or admin accounts) unless told
to replace it; it then migrates the restored database to the current schema.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, make_url

from app.config import child_environment
from app.db import make_engine

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"
DATA_TABLES = ("state", "resolution", "admin_user")


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Target:
    url: URL

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def sqlite_path(self) -> Path:
        if not self.url.database or self.url.database == ":memory:":
            raise BackupError("an in-memory SQLite database cannot be backed up or restored")
        return Path(self.url.database)


def backup(database_url: str, path: Path) -> None:
    """Write a consistent backup of the database to ``path`` (which must not exist)."""
    if path.exists():
        raise BackupError(f"{path} already exists: choose a new file name")
    target = Target(make_url(database_url))
    partial = path.with_name(path.name + ".partial")
    try:
        if target.is_sqlite:
            _sqlite_copy(target.sqlite_path, partial, read_only_source=True)
        else:
            _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(partial)], target.url)
        partial.rename(path)
    finally:
        partial.unlink(missing_ok=True)


def restore(database_url: str, path: Path, *, replace: bool = False) -> None:
    """Load a backup made by :func:`backup` into the database. Refuses a database holding data unless
    ``replace``; the restore itself is all or nothing (pg_restore in one transaction; SQLite's backup
    API writes the target in one transaction)."""
    target = Target(make_url(database_url))
    kind = _backup_kind(path)
    if kind != ("sqlite" if target.is_sqlite else "postgresql"):
        raise BackupError(
            f"{path} is a {kind} backup but the database is not {kind}: to move data between the two, "
            "use `unga export` and `unga import`"
        )
    held = _tables_with_data(database_url)
    if held and not replace:
        raise BackupError(
            f"the database already holds data ({', '.join(held)}): restore into an empty database, "
            "or pass --replace to overwrite it"
        )
    if target.is_sqlite:
        _sqlite_copy(path, target.sqlite_path, read_only_source=True, check=True)
    else:
        options = ["--no-owner", "--clean", "--if-exists", "--single-transaction", "--exit-on-error"]
        _run(["pg_restore", *options, str(path)], target.url)


def _backup_kind(path: Path) -> str:
    try:
        with path.open("rb") as file:
            head = file.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc.strerror}") from None
    if head == SQLITE_HEADER:
        return "sqlite"
    if head.startswith(PG_DUMP_HEADER):
        return "postgresql"
    raise BackupError(f"{path} is not a backup made by `unga backup` (neither SQLite nor pg_dump)")


def _sqlite_copy(source: Path, destination: Path, *, read_only_source: bool, check: bool = False) -> None:
    if not source.exists():
        raise BackupError(f"{source} does not exist")
    mode = "?mode=ro" if read_only_source else ""
    src = sqlite3.connect(f"file:{source}{mode}", uri=True)
    try:
        if check and src.execute("PRAGMA integrity_check").fetchone() != ("ok",):
            raise BackupError(f"{source} is damaged (PRAGMA integrity_check failed)")
        destination.parent.mkdir(parents=True, exist_ok=True)
        dst = sqlite3.connect(destination)
        try:
            src.backup(dst)  # all pages in one step: one consistent read of the source
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite could not copy {source} to {destination}: {exc}") from None
    finally:
        src.close()


def _tables_with_data(database_url: str) -> list[str]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            present = set(inspect(conn).get_table_names())
            return [
                t for t in DATA_TABLES if t in present and conn.scalar(text(f"SELECT 1 FROM {t} LIMIT 1"))
            ]
    finally:
        engine.dispose()


def _libpq(url: URL) -> str:
    """The URL as libpq reads it, without the password (that goes in PGPASSWORD, out of `ps`)."""
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)


def _run(command: list[str], url: URL) -> None:
    program = shutil.which(command[0])
    if program is None:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client)")
    env = child_environment(PGPASSWORD=str(url.password)) if url.password else None
    arguments = [program, *command[1:], "--dbname", _libpq(url)]
    result = subprocess.run(arguments, env=env, capture_output=True, text=True)
    if result.returncode:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip() or result.returncode}")
