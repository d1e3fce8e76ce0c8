"""Backups made while the database is being written are consistent, restore gives the data back, and
restore refuses clearly what it must not do."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.cli import app as cli
from app.db import make_engine
from app.ingest.summary import ImportSummary
from app.models import DataSource, Resolution, State, Vote
from app.ops.backup import BackupError, backup, restore
from tests.ops.conftest import ScratchFactory, add_resolution, migrated

WRITER = "test A/RES/99/"  # data sources the concurrent writer adds, one per resolution


def _counts(engine: Engine) -> tuple[int, int, int, int, int]:
    with Session(engine) as session:
        written = select(DataSource.id).where(DataSource.name.startswith(WRITER))
        return (
            session.scalar(select(func.count()).select_from(State)) or 0,
            session.scalar(select(func.count()).select_from(Vote)) or 0,
            session.scalar(
                select(func.count()).select_from(Resolution).where(~Resolution.source_id.in_(written))
            )
            or 0,
            session.scalar(select(func.count()).where(DataSource.name.startswith(WRITER))) or 0,
            session.scalar(
                select(func.count()).select_from(Resolution).where(Resolution.source_id.in_(written))
            )
            or 0,
        )


@pytest.mark.slow
def test_backup_while_writing_then_restore(
    engine: Engine, first_import: ImportSummary, scratch_url: ScratchFactory, tmp_path: Path
) -> None:
    url = engine.url.render_as_string(False)
    before = _counts(engine)
    stop = threading.Event()
    written: list[int] = []

    def write() -> None:  # an admin saving, as fast as it can: source and resolution in one transaction
        writer = make_engine(url)
        while not stop.is_set():
            add_resolution(writer, f"A/RES/99/{len(written) + 1}", "Written during the backup")
            written.append(1)
        writer.dispose()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        while len(written) < 3:  # the writer is going
            stop.wait(0.01)
        backup(url, tmp_path / "unga.backup")
        during = len(written)
    finally:
        stop.set()
        thread.join()
    try:
        assert during > 3
        target = scratch_url("restored")
        restore(target, tmp_path / "unga.backup")
        restored = make_engine(target)
        states, votes, resolutions, sources, extra = _counts(restored)
        restored.dispose()
        assert (states, votes, resolutions) == before[:3]  # everything there before the backup
        assert sources == extra  # each of the writer's transactions whole, or not at all
        assert 3 <= extra <= len(written)
    finally:
        with Session(engine) as session:
            ids = select(DataSource.id).where(DataSource.name.startswith(WRITER))
            session.execute(delete(Resolution).where(Resolution.source_id.in_(ids)))
            session.execute(delete(DataSource).where(DataSource.name.startswith(WRITER)))
            session.commit()
    assert _counts(engine) == before


@pytest.fixture
def small_backup(scratch_url: ScratchFactory, tmp_path: Path) -> Path:
    """A backup of a database holding one resolution, A/RES/ES-11/1."""
    source = migrated(scratch_url("small"))
    add_resolution(source, "A/RES/ES-11/1", "From the backup")
    backup(source.url.render_as_string(False), tmp_path / "small.backup")
    source.dispose()
    return tmp_path / "small.backup"


def _titles(url: str) -> list[str]:
    engine = make_engine(url)
    with Session(engine) as session:
        titles = list(session.scalars(select(Resolution.title).order_by(Resolution.title)))
    engine.dispose()
    return titles


class TestRestoreRefuses:
    def test_a_database_holding_data_unless_told(
        self, small_backup: Path, scratch_url: ScratchFactory
    ) -> None:
        target = migrated(scratch_url("target"))
        add_resolution(target, "A/RES/ES-11/2", "Already there")
        url = target.url.render_as_string(False)
        target.dispose()
        with pytest.raises(BackupError, match="already holds data .*pass --replace"):
            restore(url, small_backup)
        assert _titles(url) == ["Already there"]
        restore(url, small_backup, replace=True)
        assert _titles(url) == ["From the backup"]

    def test_the_command_says_why_and_changes_nothing(
        self, engine: Engine, first_import: ImportSummary, small_backup: Path
    ) -> None:
        before = _counts(engine)
        result = CliRunner().invoke(cli, ["restore", str(small_backup)])
        assert result.exit_code == 1
        output = " ".join(result.output.split())
        assert "Restore refused or failed; the database is unchanged." in output
        assert "pass --replace" in output
        assert _counts(engine) == before

    def test_a_file_that_is_not_a_backup(self, scratch_url: ScratchFactory, tmp_path: Path) -> None:
        bogus = tmp_path / "notes.txt"
        bogus.write_text("not a database")
        with pytest.raises(BackupError, match="is not a backup made by `unga backup`"):
            restore(scratch_url("empty"), bogus)

    def test_overwriting_an_existing_backup(self, engine: Engine, small_backup: Path) -> None:
        with pytest.raises(BackupError, match="already exists"):
            backup(engine.url.render_as_string(False), small_backup)


def test_restore_into_an_empty_migrated_database(small_backup: Path, scratch_url: ScratchFactory) -> None:
    """The Docker flow: the migrate step has run, then the restore."""
    target = migrated(scratch_url("fresh"))
    url = target.url.render_as_string(False)
    target.dispose()
    restore(url, small_backup)
    assert _titles(url) == ["From the backup"]
