"""Bad data packages: every problem stops the import with the file, the line and the reason."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.cli import app as cli
from app.importing import import_paths
from app.ingest import package_format as fmt
from app.ingest.errors import IngestError
from app.ingest.package_schema import Table
from app.models import Resolution
from tests.conftest import REFERENCE, SOURCES


def _copy(small_package: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "package"
    shutil.copytree(small_package, folder)
    return folder


def _edit(folder: Path, table: Table, change: Callable[[list[str]], list[str]], rehash: bool = True) -> None:
    """Rewrite a table's lines, and its hash in the descriptor (as someone correcting the data would)."""
    path = folder / table.path
    lines = gzip.decompress(path.read_bytes()).decode().splitlines()
    path.write_bytes(gzip.compress(("\n".join(change(lines)) + "\n").encode()))
    if rehash:
        descriptor = json.loads((folder / fmt.DESCRIPTOR).read_text())
        for resource in descriptor["resources"]:
            if resource["name"] == table.name:
                resource["hash"] = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
                resource["bytes"] = path.stat().st_size
        (folder / fmt.DESCRIPTOR).write_text(json.dumps(descriptor))


def _replace_in(line: int, old: str, new: str) -> Callable[[list[str]], list[str]]:
    def change(lines: list[str]) -> list[str]:
        assert old in lines[line - 1], lines[line - 1]
        lines[line - 1] = lines[line - 1].replace(old, new, 1)
        return lines

    return change


def _set_cell(line: int, column: str, old: str, new: str) -> Callable[[list[str]], list[str]]:
    def change(lines: list[str]) -> list[str]:
        header = lines[0].split(",")
        cells = next(csv.reader([lines[line - 1]]))
        assert cells[header.index(column)] == old
        cells[header.index(column)] = new
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow(cells)
        lines[line - 1] = out.getvalue()
        return lines

    return change


def _with_rcid(line: str) -> str:
    """A resolution's row with the Voeten roll-call id 7."""
    cells = next(csv.reader([line]))
    cells[fmt.RESOLUTIONS.header.index("voeten_rcid")] = "7"
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    return out.getvalue()


def _import(db: Session, *paths: Path) -> None:
    import_paths(db, list(paths), REFERENCE)


class TestBadPackages:
    def test_a_good_package_imports(self, db: Session, small_package: Path, tmp_path: Path) -> None:
        # Into the real history: the package's six resolutions are there already, unchanged but for
        # their provenance, so nothing is added.
        summary = import_paths(db, [_copy(small_package, tmp_path)], REFERENCE)
        assert summary.resolutions_added == 0
        assert summary.votes_written == 0

    def test_an_unknown_vote(self, db: Session, small_package: Path, tmp_path: Path) -> None:
        folder = _copy(small_package, tmp_path)
        _edit(folder, fmt.VOTES, _replace_in(4, ",yes", ",maybe"))
        with pytest.raises(IngestError, match=r"votes.csv.gz, line 4: vote: 'maybe' is not one of yes, no"):
            _import(db, folder)

    def test_an_unknown_state(self, db: Session, small_package: Path, tmp_path: Path) -> None:
        folder = _copy(small_package, tmp_path)
        _edit(folder, fmt.VOTES, lambda lines: [*lines, lines[1].split(",")[0] + ",XYZ,yes"])
        with pytest.raises(IngestError, match=r"votes.csv.gz, line \d+: the state 'XYZ' is not in states"):
            _import(db, folder)

    def test_a_state_voting_twice(self, db: Session, small_package: Path, tmp_path: Path) -> None:
        folder = _copy(small_package, tmp_path)
        _edit(folder, fmt.VOTES, lambda lines: [*lines[:3], lines[2], *lines[3:]])
        with pytest.raises(IngestError, match=r"votes.csv.gz, line 4: \w{3} votes twice in the vote \d+"):
            _import(db, folder)

    def test_votes_of_a_decision_not_in_the_file(
        self, db: Session, small_package: Path, tmp_path: Path
    ) -> None:
        folder = _copy(small_package, tmp_path)
        _edit(folder, fmt.VOTES, lambda lines: [*lines, "999999,USA,yes"])
        with pytest.raises(IngestError, match=r"votes.csv.gz, line \d+: the id 999999 is not in resolutions"):
            _import(db, folder)

    def test_counts_that_disagree_with_the_votes(
        self, db: Session, small_package: Path, tmp_path: Path
    ) -> None:
        folder = _copy(small_package, tmp_path)
        # ES-11/1 (2 March 2022): 141 in favour.
        _edit(folder, fmt.RESOLUTIONS, _set_cell(2, "yes", "141", "142"))
        with pytest.raises(
            IngestError, match=r"resolutions.csv.gz, line 2: the counts yes/no/abstain/non_voting 142/5/35/"
        ):
            _import(db, folder)

    def test_a_roll_call_given_twice(self, db: Session, small_package: Path, tmp_path: Path) -> None:
        folder = _copy(small_package, tmp_path)
        _edit(folder, fmt.RESOLUTIONS, lambda lines: [lines[0], *(_with_rcid(line) for line in lines[1:3])])
        with pytest.raises(
            IngestError, match=r"resolutions.csv.gz, line 3: Voeten's roll call 7 is the id \d+'s too"
        ):
            _import(db, folder)

    def test_a_bad_date(self, db: Session, small_package: Path, tmp_path: Path) -> None:
        folder = _copy(small_package, tmp_path)
        _edit(folder, fmt.RESOLUTIONS, _replace_in(2, ",2022-03-02,", ",2 March 2022,"))
        with pytest.raises(
            IngestError, match=r"resolutions.csv.gz, line 2: date: '2 March 2022' is not a date"
        ):
            _import(db, folder)

    def test_a_row_with_a_missing_field(self, db: Session, small_package: Path, tmp_path: Path) -> None:
        folder = _copy(small_package, tmp_path)
        _edit(folder, fmt.STATE_NAMES, lambda lines: [*lines[:4], lines[4].rsplit(",", 1)[0], *lines[5:]])
        with pytest.raises(IngestError, match=r"state_names.csv.gz, line 5: 3 fields where the header has 4"):
            _import(db, folder)

    def test_a_column_missing(self, db: Session, small_package: Path, tmp_path: Path) -> None:
        folder = _copy(small_package, tmp_path)
        _edit(folder, fmt.STATES, lambda lines: [",".join(line.split(",")[:-1]) for line in lines])
        with pytest.raises(
            IngestError,
            match=r"states.csv.gz, line 1: the columns of the data package's states table differ "
            r"\(missing status\)",
        ):
            _import(db, folder)

    def test_a_changed_file_without_its_new_hash(
        self, db: Session, small_package: Path, tmp_path: Path
    ) -> None:
        folder = _copy(small_package, tmp_path)
        _edit(folder, fmt.VOTES, _replace_in(4, ",yes", ",no"), rehash=False)
        with pytest.raises(
            IngestError, match=r"votes.csv.gz: differs from the file the descriptor describes"
        ):
            _import(db, folder)

    def test_a_state_record_that_does_not_hold(
        self, db: Session, small_package: Path, tmp_path: Path
    ) -> None:
        folder = _copy(small_package, tmp_path)
        _edit(
            folder,
            fmt.STATES,
            lambda lines: [
                line.replace(",member", ",former") if line.startswith("FRA,") else line for line in lines
            ],
        )
        with pytest.raises(
            IngestError,
            match=r"states.csv.gz, line \d+: FRA: .*'former' but the last membership has not ended",
        ):
            _import(db, folder)

    def test_a_descriptor_without_a_table(self, db: Session, small_package: Path, tmp_path: Path) -> None:
        folder = _copy(small_package, tmp_path)
        descriptor = json.loads((folder / fmt.DESCRIPTOR).read_text())
        descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "memberships"]
        (folder / fmt.DESCRIPTOR).write_text(json.dumps(descriptor))
        with pytest.raises(IngestError, match=r"datapackage.json: lists no resource 'memberships'"):
            _import(db, folder)

    def test_a_path_outside_the_folder(self, db: Session, small_package: Path, tmp_path: Path) -> None:
        folder = _copy(small_package, tmp_path)
        descriptor = json.loads((folder / fmt.DESCRIPTOR).read_text())
        descriptor["resources"][0]["path"] = "../elsewhere.csv.gz"
        (folder / fmt.DESCRIPTOR).write_text(json.dumps(descriptor))
        with pytest.raises(
            IngestError, match=r"resolutions: the path '../elsewhere.csv.gz' is not a file beside it"
        ):
            _import(db, folder)

    def test_another_sites_package(self, db: Session, small_package: Path, tmp_path: Path) -> None:
        folder = _copy(small_package, tmp_path)
        descriptor = json.loads((folder / fmt.DESCRIPTOR).read_text())
        descriptor["name"] = "someone-elses"
        (folder / fmt.DESCRIPTOR).write_text(json.dumps(descriptor))
        with pytest.raises(
            IngestError, match=r"datapackage.json: a data package, but not one of this site's"
        ):
            _import(db, folder)

    def test_a_table_without_its_descriptor(self, db: Session, small_package: Path) -> None:
        with pytest.raises(
            IngestError, match=r"votes.csv.gz, line 1: a table of a data package: import the folder"
        ):
            _import(db, small_package / fmt.VOTES.path)

    def test_a_package_with_other_sources(self, db: Session, small_package: Path) -> None:
        with pytest.raises(IngestError, match="holds the reconciled record already: import it on its own"):
            _import(db, small_package, SOURCES / "un_dgacm" / "ES-10.json.gz")

    def test_the_command_says_where_and_changes_nothing(
        self, engine: Engine, small_package: Path, tmp_path: Path
    ) -> None:
        folder = _copy(small_package, tmp_path)
        _edit(folder, fmt.VOTES, _replace_in(4, ",yes", ",maybe"))
        with Session(engine) as session:
            before = session.scalar(select(func.count()).select_from(Resolution))
        result = CliRunner().invoke(cli, ["import", "--quiet", str(folder)])
        assert result.exit_code == 1
        output = "".join(result.output.split())  # the console wraps long lines anywhere
        assert "Importfailed,nothingwaschanged." in output
        assert "votes.csv.gz,line4:vote:'maybe'isnotoneofyes,no,abstain,non_voting" in output
        with Session(engine) as session:
            assert session.scalar(select(func.count()).select_from(Resolution)) == before
