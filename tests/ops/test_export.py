"""Export, then import into an empty database: the same states, resolutions, subjects and votes, on the
whole real history. (What the open formats cannot carry is listed in README.md.)"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, String, select, type_coerce
from sqlalchemy.orm import Session, selectinload
from typer.testing import CliRunner

from app.cli import app as cli
from app.ingest.run import ImportSummary, import_paths
from app.models import DataSource, Resolution, ResolutionSubject, State, Vote
from app.ops.export import STATES_FILE, ExportError, export_all
from tests.ops.conftest import ScratchFactory, migrated

Key = tuple[str, str, int | None]
COLUMNS = (
    "kind", "title", "description", "adopted_on", "session_kind", "session_number", "meeting_record",
    "draft_symbol", "committee", "agenda_item", "agenda_title", "adoption", "adopted", "important_vote",
    "official_yes", "official_no", "official_abstain", "official_non_voting", "tally_yes", "tally_no",
    "tally_abstain", "tally_non_voting", "roll_call_complete", "discrepancy", "voeten_rcid", "undl_id",
    "published",
)  # fmt: skip


def _states(session: Session) -> dict[str, Any]:
    states = session.scalars(
        select(State).options(
            selectinload(State.names),
            selectinload(State.memberships),
            selectinload(State.aliases),
            selectinload(State.suspensions),
        )
    ).all()
    codes = {s.id: s.code for s in states}
    return {
        s.code: (
            s.id,
            s.name,
            s.iso2,
            s.m49,
            s.regional_group,
            s.group_note,
            s.status,
            [(n.name, n.valid_from, n.valid_to) for n in s.names],
            [(m.admitted_on, m.ended_on, codes.get(m.successor_id or 0), m.note) for m in s.memberships],
            sorted((x.starts_on, x.ends_on, x.note) for x in s.suspensions),
            sorted((a.alias, a.folded) for a in s.aliases),
        )  # fmt: skip
        for s in states
    }


def _resolutions(session: Session) -> dict[Key, Any]:
    subjects: dict[int, set[tuple[str, str]]] = {}
    for rid, vocabulary, term in session.execute(
        select(ResolutionSubject.resolution_id, ResolutionSubject.vocabulary, ResolutionSubject.term)
    ):
        subjects.setdefault(rid, set()).add((vocabulary, term))
    rows = session.execute(select(Resolution, DataSource.kind).join(DataSource))
    found = {}
    for r, source in rows:
        key = (r.kind.value, r.symbol, r.voeten_rcid)
        assert key not in found
        found[key] = (source, *(getattr(r, c) for c in COLUMNS), subjects.get(r.id, set()))
    return found


def _roll_calls(session: Session) -> dict[Key, str]:
    """A digest of each decision's roll call, by state code."""
    keys = {r.id: (r.kind.value, r.symbol, r.voeten_rcid) for r in session.scalars(select(Resolution))}
    codes = dict(session.execute(select(State.id, State.code)).all())
    digests: dict[Key, Any] = {}
    rows = session.connection().execute(  # Core rows and the raw code: a million ORM rows are slow
        select(Vote.resolution_id, Vote.state_id, type_coerce(Vote.choice, String)).order_by(
            Vote.resolution_id, Vote.state_id
        )
    )
    for rid, state_id, choice in rows:
        digests.setdefault(keys[rid], hashlib.sha256()).update(f"{codes[state_id]}{choice};".encode())
    return {key: digest.hexdigest() for key, digest in digests.items()}


@pytest.mark.slow
def test_round_trip_on_the_real_history(
    engine: Engine, first_import: ImportSummary, scratch_url: ScratchFactory, tmp_path: Path
) -> None:
    folder = tmp_path / "export"
    with Session(engine) as session:
        summary = export_all(session, folder)
        expected = (_states(session), _resolutions(session), _roll_calls(session))
    assert summary.not_exported == []
    assert summary.drafts_skipped == 0

    copy = migrated(scratch_url("roundtrip"))
    with Session(copy) as session:
        imported = import_paths(session, [folder], folder / STATES_FILE)
        session.commit()
        # The provisional record of 24 February 2026 comes back from the export's record file.
        assert imported.resolutions_added + imported.provisional.added == len(expected[1])
        assert summary.provisional == imported.provisional.added == 1
        states, resolutions, roll_calls = _states(session), _resolutions(session), _roll_calls(session)
    copy.dispose()

    assert states == expected[0]
    assert resolutions.keys() == expected[1].keys()
    differing = [key for key in resolutions if resolutions[key] != expected[1][key]]
    assert differing == [], [(resolutions[k], expected[1][k]) for k in differing[:3]]
    assert roll_calls == expected[2]
    assert len(roll_calls) > 6000  # every recorded vote with a roll call


def test_export_refuses_a_folder_with_files(engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with Session(engine) as session, pytest.raises(ExportError, match="not an empty folder"):
        export_all(session, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_export_command_refuses_clearly(engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "old.csv").write_text("x")
    result = CliRunner().invoke(cli, ["export", str(tmp_path)])
    assert result.exit_code == 1
    assert "is not an empty folder: export into a new one" in " ".join(result.output.split())
