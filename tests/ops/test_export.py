"""Export, then import into an empty database: the same states, resolutions, separate votes, subjects,
votes and differences between sources, on the whole real history. (What a data package does not carry
is listed in README.md.)"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, String, select, type_coerce
from sqlalchemy.orm import Session, selectinload
from typer.testing import CliRunner

from app.cli import app as cli
from app.importing import import_paths
from app.ingest import package_format as fmt
from app.ingest.summary import ImportSummary
from app.models import DataSource, Resolution, ResolutionSubject, SourceDifference, SourceKind, State, Vote
from app.ops.export import ExportError, export_all
from tests.conftest import REFERENCE
from tests.ops.conftest import ScratchFactory, migrated

Key = tuple[str, str, int | None]
COLUMNS = (
    "kind", "title", "description", "adopted_on", "session_kind", "session_number", "meeting_record",
    "draft_symbol", "committee", "agenda_item", "agenda_title", "adoption", "adopted", "important_vote",
    "official_yes", "official_no", "official_abstain", "official_non_voting", "tally_yes", "tally_no",
    "tally_abstain", "tally_non_voting", "roll_call_complete", "discrepancy", "voeten_rcid", "voeten_ref",
    "undl_id", "source_kinds", "published",
)  # fmt: skip


def states_of(session: Session) -> dict[str, Any]:
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
            sorted((a.alias, a.folded, a.public) for a in s.aliases),
        )  # fmt: skip
        for s in states
    }


def _keys(session: Session) -> dict[int, Key]:
    return {r.id: (r.kind.value, r.symbol, r.voeten_rcid) for r in session.scalars(select(Resolution))}


def decisions_of(session: Session) -> dict[Key, Any]:
    """Every stored field that matters to a user, by a key that does not depend on row ids: the parent
    of a separate vote by its key, its subjects and the differences the sources record."""
    keys = _keys(session)
    codes = dict(session.execute(select(State.id, State.code)).all())
    subjects: dict[int, set[tuple[str, str]]] = {}
    for rid, vocabulary, term in session.execute(
        select(ResolutionSubject.resolution_id, ResolutionSubject.vocabulary, ResolutionSubject.term)
    ):
        subjects.setdefault(rid, set()).add((vocabulary, term))
    differences: dict[int, list[tuple[Any, ...]]] = {}
    for d in session.scalars(select(SourceDifference)):
        differences.setdefault(d.resolution_id, []).append(
            (d.source, d.kind, codes.get(d.state_id or 0), d.item, d.shown, d.other)
        )
    found = {}
    for r in session.scalars(select(Resolution)):
        key = keys[r.id]
        assert key not in found
        found[key] = (
            *(getattr(r, c) for c in COLUMNS),
            keys.get(r.parent_id or 0),
            subjects.get(r.id, set()),
            sorted(differences.get(r.id, []), key=repr),
        )
    return found


def roll_calls_of(session: Session) -> dict[Key, str]:
    """A digest of each decision's roll call, by state code."""
    keys = _keys(session)
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


@pytest.mark.long
@pytest.mark.slow
def test_round_trip_on_the_real_history(
    engine: Engine, first_import: ImportSummary, scratch_url: ScratchFactory, tmp_path: Path
) -> None:
    folder = tmp_path / "export"
    with Session(engine) as session:
        summary = export_all(session, folder)
        expected = (states_of(session), decisions_of(session), roll_calls_of(session))
    assert summary.not_exported == []
    assert summary.drafts_skipped == 0
    assert sorted(p.name for p in folder.iterdir()) == sorted([fmt.DESCRIPTOR, *(t.path for t in fmt.TABLES)])

    copy = migrated(scratch_url("roundtrip"))
    with Session(copy) as session:
        # Without --states: the package's own member states are used, not data/states.toml.
        imported = import_paths(session, [folder], REFERENCE)
        session.commit()
        assert imported.resolutions_added == len(expected[1])
        states, decisions, roll_calls = states_of(session), decisions_of(session), roll_calls_of(session)
        provenance = set(session.scalars(select(DataSource.kind).join(Resolution).distinct()))
        again = import_paths(session, [folder], REFERENCE)
    copy.dispose()

    assert states == expected[0]
    assert decisions.keys() == expected[1].keys()
    differing = [key for key in decisions if decisions[key] != expected[1][key]]
    assert differing == [], [(decisions[k], expected[1][k]) for k in differing[:3]]
    assert roll_calls == expected[2]
    assert provenance == {SourceKind.PACKAGE}  # the rows' file is the package's (README.md says so)
    assert not again.changed_anything
    # What the history holds, so that the comparison above compares something.
    assert len(roll_calls) > 6900  # every recorded vote with a roll call
    assert sum(1 for d in decisions.values() if d[-1]) > 3000  # resolutions with differences
    assert sum(1 for k, d in decisions.items() if k[0] != "resolution" and d[len(COLUMNS)]) > 500  # parents
    assert sum(1 for d in decisions.values() if d[COLUMNS.index("source_kinds")] == "undl dgacm voeten") > 50


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
