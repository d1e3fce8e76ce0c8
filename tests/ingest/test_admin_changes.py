"""A re-import never silently undoes what an admin did: an unpublished resolution stays unpublished, an
edited one keeps the admin's version, and the summary names both. Admin changes go through the admin
routes, as an admin makes them; the sources are the shipped files, one record changed."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from app.cli import _print_summary
from app.importing import import_paths
from app.ingest.errors import IngestError
from app.models import ImportRun, Resolution, ResolutionSubject, VoteChoice
from app.resolutions.lookup import get_resolution
from app.resolutions.roll_calls import roll_call
from tests.admin.conftest import post_form
from tests.admin.test_edit import _form_values
from tests.admin.test_entry import UKRAINE_2026, _save
from tests.conftest import REFERENCE, SOURCES

# A vote only DGACM's file holds (the Library's ends in October 2025), so that a change to that one file is
# a change to the record: where the Library holds a vote too, its roll call and title rule.
SYMBOL = "A/RES/80/264"
SOURCE = SOURCES / "un_dgacm" / "80.json.gz"


def _rows(path: Path) -> list[dict[str, Any]]:
    lines = gzip.decompress(path.read_bytes()).decode().splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _write(folder: Path, name: str, rows: list[dict[str, Any]]) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text("\n".join(json.dumps(row) for row in rows) + "\n", "utf-8")
    return folder


def _changed_source(folder: Path, title: str = "A corrected title") -> Path:
    """80.json as the UN might republish it: A/RES/80/264 retitled, France moved to abstaining."""
    rows = _rows(SOURCE)
    target = next(row for row in rows if row["symbol"].strip() == SYMBOL)
    target["title"] = title
    target["MS_in_favour"].remove("FRANCE")
    target["MS_abstaining"].append("FRANCE")
    return _write(folder, "80.json", rows)


def _row(db: Session, symbol: str = SYMBOL) -> Resolution:
    db.expire_all()
    return db.scalars(select(Resolution).where(Resolution.symbol == symbol)).one()


def _vote(db: Session, code: str) -> VoteChoice:
    resolution = get_resolution(db, SYMBOL, include_drafts=True)
    assert resolution is not None
    return next(entry.choice for entry in roll_call(db, resolution) if entry.code == code)


def _subjects(db: Session, resolution_id: int) -> list[str]:
    terms = db.scalars(select(ResolutionSubject.term).where(ResolutionSubject.resolution_id == resolution_id))
    return sorted(terms)


def _printed(capsys: pytest.CaptureFixture[str]) -> str:
    """What the import command printed, as one line (the console wraps long lines)."""
    return " ".join(capsys.readouterr().err.split())


def _unpublish(client: TestClient, db: Session) -> Resolution:
    resolution = _row(db)
    page = f"/admin/resolutions/{resolution.id}"
    data = {"publish": "0", "version": str(resolution.version)}
    assert post_form(client, f"{page}/publish", data, page=page).status_code == 303
    resolution = _row(db)
    assert resolution.published is False
    return resolution


def _edit(client: TestClient, db: Session, **changes: str) -> Resolution:
    resolution = _row(db)
    url = f"/admin/resolutions/{resolution.id}/edit"
    values = _form_values(client.get(url).text)
    values.pop("csrf_token")
    values.update(changes, action="save")
    assert post_form(client, url, values, page=url).status_code == 303
    return _row(db)


class TestUnpublished:
    def test_a_changed_source_record_is_taken_but_the_resolution_stays_unpublished(
        self, admin_client: TestClient, client: TestClient, db: Session, tmp_path: Path
    ) -> None:
        version = _unpublish(admin_client, db).version

        summary = import_paths(db, [_changed_source(tmp_path / "src")], REFERENCE)

        assert (summary.resolutions_changed, summary.unpublished_updated) == (1, [SYMBOL])
        assert summary.resolutions_kept == []
        after = _row(db)
        assert after.published is False
        assert (after.title, after.version) == ("A corrected title", version + 1)  # the UN's correction
        assert _vote(db, "FRA") is VoteChoice.ABSTAIN
        assert client.get(f"/resolutions/{SYMBOL}").status_code == 404  # still withdrawn publicly

    def test_the_summary_names_it(
        self, admin_client: TestClient, db: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        _unpublish(admin_client, db)
        summary = import_paths(db, [_changed_source(tmp_path / "src")], REFERENCE)
        capsys.readouterr()  # the requests' log lines
        _print_summary(summary, 1.0)
        printed = _printed(capsys)
        assert "left unpublished, as an admin unpublished them (publish them again" in printed
        assert f"again on their admin page if they are right now): {SYMBOL}." in printed
        assert "Kept as changed" not in printed

    def test_an_unchanged_reimport_changes_and_names_nothing(
        self, admin_client: TestClient, db: Session
    ) -> None:
        _unpublish(admin_client, db)
        summary = import_paths(db, [SOURCE], REFERENCE)
        assert not summary.changed_anything
        assert (summary.unpublished_updated, summary.resolutions_kept) == ([], [])
        assert _row(db).published is False


class TestEditedByAdmin:
    def test_an_edited_title_is_kept_and_named_once_per_source_change(
        self, admin_client: TestClient, db: Session, tmp_path: Path
    ) -> None:
        edited = _edit(admin_client, db, title="The admin's title")

        changed = _changed_source(tmp_path / "first")
        summary = import_paths(db, [changed], REFERENCE)

        assert summary.resolutions_kept == [SYMBOL]
        assert (summary.resolutions_changed, summary.unpublished_updated) == (0, [])
        assert not summary.changed_anything
        after = _row(db)
        assert (after.title, after.version) == ("The admin's title", edited.version)
        assert _vote(db, "FRA") is VoteChoice.YES  # the admin's roll call too
        # Said once: the same source again is nothing new; a further change is named again.
        assert import_paths(db, [changed], REFERENCE).resolutions_kept == []
        again = _changed_source(tmp_path / "second", title="Corrected twice")
        assert import_paths(db, [again], REFERENCE).resolutions_kept == [SYMBOL]
        assert _row(db).title == "The admin's title"

    def test_the_summary_names_it(
        self, admin_client: TestClient, db: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        _edit(admin_client, db, title="The admin's title")
        summary = import_paths(db, [_changed_source(tmp_path / "src")], REFERENCE)
        capsys.readouterr()  # the requests' log lines
        _print_summary(summary, 1.0)
        printed = _printed(capsys)
        assert "Nothing changed: the database already holds exactly this data." in printed
        assert "Kept as changed through the admin (their source record changed since" in printed
        assert f"): {SYMBOL}." in printed
        assert "left unpublished" not in printed

    def test_an_unchanged_reimport_keeps_the_admins_subjects(
        self, admin_client: TestClient, db: Session
    ) -> None:
        # It used to add back every subject the admin had removed, and call the resolution changed.
        before = _subjects(db, _row(db).id)
        assert len(before) > 2
        edited = _edit(admin_client, db, subjects="ISRAEL\nPALESTINE QUESTION")
        assert _subjects(db, edited.id) == ["ISRAEL", "PALESTINE QUESTION"]

        summary = import_paths(db, [SOURCE], REFERENCE)

        assert not summary.changed_anything
        assert (summary.resolutions_kept, summary.unpublished_updated) == ([], [])
        assert _subjects(db, edited.id) == ["ISRAEL", "PALESTINE QUESTION"]
        assert _row(db).version == edited.version

    @pytest.mark.long
    @pytest.mark.slow
    def test_a_full_import_keeps_what_an_admin_saved(self, admin_client: TestClient, db: Session) -> None:
        """A/RES/74/7 is held by all three sources; all read again, in full, leave the admin's save alone."""
        symbol = "A/RES/74/7"
        resolution = _row(db, symbol)
        page = f"/admin/resolutions/{resolution.id}/edit"
        values = _form_values(admin_client.get(page).text)
        values.pop("csrf_token")
        values.update(title="The admin's title", action="save")
        assert post_form(admin_client, page, values, page=page).status_code == 303

        db.execute(delete(ImportRun))  # no shortcut: every file is read and reconciled again
        summary = import_paths(db, [SOURCES], REFERENCE)

        assert summary.resolutions_kept == []
        assert not summary.changed_anything
        assert _row(db, symbol).title == "The admin's title"

    def test_voeten_s_data_alone_is_refused_beside_the_un_s_records(self, db: Session) -> None:
        with pytest.raises(IngestError, match="import all the sources together"):
            import_paths(db, [SOURCES / "voeten"], REFERENCE)

    def test_a_draft_entered_by_an_admin_stays_a_draft_when_a_source_lists_it(
        self, admin_client: TestClient, db: Session, tmp_path: Path
    ) -> None:
        assert _save(admin_client, UKRAINE_2026).status_code == 303
        draft = _row(db, "A/RES/ES-11/9")
        rows = _rows(SOURCES / "un_dgacm" / "ES-11.json.gz")
        listed = dict(
            rows[-1], symbol="A/RES/ES-11/9", title="The UN's title", adoption_date="24 February 2026"
        )

        summary = import_paths(db, [_write(tmp_path / "src", "ES-11.json", [*rows, listed])], REFERENCE)

        assert summary.resolutions_kept == ["A/RES/ES-11/9"]
        assert summary.resolutions_added == 0
        after = _row(db, "A/RES/ES-11/9")
        assert (after.published, after.title, after.version) == (False, UKRAINE_2026["title"], draft.version)
