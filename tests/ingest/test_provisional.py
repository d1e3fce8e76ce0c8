"""The provisional record of 24 February 2026 that ships with the app, on every page where a tally
appears, and its replacement when an import brings the official record."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from app.admin.record_file import read_records
from app.importing import import_paths
from app.ingest.errors import IngestError
from app.models import AuditEvent, Resolution, SourceKind, Vote, VoteChoice
from tests.admin.conftest import one, post_form, soup
from tests.admin.test_edit import _form_values
from tests.conftest import REFERENCE, SOURCES

PAGE = "/resolutions/on/ES-11/2026-02-24"
NOTE = "roll call incomplete: 2 of 193 known"
SHIPPED = SOURCES / "provisional" / "ES-11_2026-02-24.toml"


def _shipped(db: Session) -> Resolution:
    db.expire_all()
    return db.scalars(select(Resolution).where(Resolution.page_key == "ES-11/2026-02-24")).one()


def _text(html: str, selector: str) -> str:
    node = BeautifulSoup(html, "lxml").select_one(selector)
    assert node is not None, f"nothing matches {selector!r}"
    return " ".join(node.get_text(" ", strip=True).split())


class TestTheShippedRecord:
    def test_stored_as_provisional_with_its_source_and_two_votes(self, db: Session) -> None:
        row = _shipped(db)
        assert (row.symbol, row.provisional, row.published, row.roll_call_complete) == ("", True, True, False)
        assert (row.official_yes, row.official_no, row.official_abstain) == (107, 12, 51)
        assert "Ynetnews" in row.source_note
        assert row.imported_kind is SourceKind.PROVISIONAL
        votes = dict(db.execute(select(Vote.state_id, Vote.choice).where(Vote.resolution_id == row.id)).all())
        assert sorted(votes.values()) == [VoteChoice.ABSTAIN, VoteChoice.YES]
        history = db.scalars(select(AuditEvent).where(AuditEvent.entity_id == str(row.id))).all()
        assert [(e.action, e.actor) for e in history] == [("create", "import")]

    def test_its_page(self, client: TestClient) -> None:
        html = client.get(PAGE).text
        figures = _text(html, ".outcome .tally-figures")
        assert figures == "107 in favour 12 against 51 abstaining"
        assert _text(html, ".outcome .tally-note") == "Roll call incomplete: 2 of 193 known"
        assert "Ynetnews" in _text(html, ".notice.provisional")
        assert _text(html, ".res-header .eyebrow .symbol") == "symbol not yet known"
        unknown = BeautifulSoup(html, "lxml").select(".vote-group-unknown li")
        assert len(unknown) == 191
        # The map marks the unknown as unknown, not as non-members.
        titles = [t.get_text() for t in BeautifulSoup(html, "lxml").select("svg.map title")]
        assert "Afghanistan: vote not known" in titles
        assert not any(t.startswith("Afghanistan: not a") for t in titles)
        # Group figures leave the unknown out: no cohesion or majority from two votes.
        rows = BeautifulSoup(html, "lxml").select("table.regions tr")
        weog = next(r for r in rows if "Western European" in r.get_text())
        assert one(weog, ".cohesion").get_text() == "–"

    def test_every_other_place_a_tally_appears(self, client: TestClient) -> None:
        listed = client.get("/resolutions", params={"session": "ES-11"}).text
        assert "107" in _text(listed, ".results .result .tally")
        assert NOTE in _text(listed, ".results").lower()
        assert NOTE in _text(client.get("/").text, "section[aria-labelledby=latest-h] ol").lower()
        feed = client.get("/feeds/resolutions.atom").text
        assert "by 107 votes to 12, with 51 abstentions (roll call incomplete: 2 of 193 known)" in feed
        assert NOTE in client.get("/countries/USA/feed.atom").text
        embed = client.get("/embed" + PAGE).text
        assert "107" in _text(embed, ".tally-figures")
        assert NOTE in embed
        assert client.get("/cards" + PAGE + ".png").headers["content-type"] == "image/png"
        alt = BeautifulSoup(client.get(PAGE).text, "lxml").select_one("meta[property='og:image:alt']")
        assert alt is not None
        assert NOTE in str(alt["content"])

        api = client.get("/api" + PAGE).json()
        assert api["tally"] == {"yes": 107, "no": 12, "abstain": 51, "non_voting": None}
        assert api["roll_call"] == {"complete": False, "known": 2, "members": 193, "note": NOTE}
        assert len(api["not_known"]) == 191
        assert api["provisional"] is True
        listed_api = client.get("/api/resolutions", params={"session": "ES-11"}).json()["results"]
        assert listed_api[0]["tally"]["yes"] == 107

        rows = list(
            csv.DictReader(io.StringIO(client.get("/resolutions.csv", params={"session": "ES-11"}).text))
        )
        row = next(r for r in rows if r["date"] == "2026-02-24")
        assert (row["yes"], row["no"], row["abstain"], row["non_voting"]) == ("107", "12", "51", "")
        assert (row["roll_call_complete"], row["votes_known"], row["members"]) == ("no", "2", "193")
        roll = list(csv.DictReader(io.StringIO(client.get(PAGE + ".csv").text)))
        assert [r["vote"] for r in roll].count("Not known") == 191
        groups = list(csv.DictReader(io.StringIO(client.get(PAGE + "/groups.csv").text)))
        assert sum(int(g["not_known"]) for g in groups if not g["group"].startswith("Permanent")) == 191

    def test_findable_by_date_words_and_session(self, client: TestClient) -> None:
        for params in ({"q": "24 February 2026"}, {"q": "2026-02-24"}, {"q": "lasting peace Ukraine"}):
            html = client.get("/resolutions", params=params).text
            assert "Support for lasting peace in Ukraine" in html, params

    def test_the_country_pages_show_the_known_votes(self, client: TestClient) -> None:
        record = client.get("/countries/USA", params={"q": "lasting peace"}).text
        assert "Support for lasting peace in Ukraine" in record

    def test_a_second_import_changes_nothing(self, db: Session) -> None:
        summary = import_paths(db, [SHIPPED], REFERENCE)
        assert summary.provisional.unchanged == 1
        assert not summary.changed_anything


def _official_record(folder: Path, **changes: Any) -> Path:
    """The UN's record of the vote as the DGACM extract would carry it (two names listed here)."""
    row = {
        "symbol": "A/RES/ES-11/9",
        "title": "Support for lasting peace in Ukraine",
        "session": "Eleventh emergency special session",
        "adoption_meeting": "27th plenary meeting",
        "adoption_date": "24 February 2026",
        "originating_document": "A/ES-11/L.12",
        "committee": "Without reference to a Main Committee",
        "agenda_item": "Agenda item 5",
        "adoption_type": "By a recorded vote",
        "MS_in_favour_count": "107",
        "MS_against_count": "12",
        "MS_abstaining_count": "51",
        "pv": "A/ES-11/PV.27",
        "MS_in_favour": ["ISRAEL", "UKRAINE"],
        "MS_against": ["RUSSIAN FEDERATION"],
        "MS_abstaining": ["UNITED STATES", "CHINA"],
        "subjects": [["UKRAINE", "UNBIS Thesaurus"]],
        **changes,
    }
    folder.mkdir(exist_ok=True)
    (folder / "ES-11-2026.json").write_text(json.dumps(row) + "\n", "utf-8")
    return folder


class TestReplacedByTheOfficialRecord:
    def test_the_official_record_replaces_roll_call_and_symbol(
        self, db: Session, client: TestClient, tmp_path: Path
    ) -> None:
        before = _shipped(db)
        row_id, note = before.id, before.source_note
        summary = import_paths(db, [_official_record(tmp_path / "src")], REFERENCE)
        assert summary.provisional.replaced == [
            "ES-11/2026-02-24 -> A/RES/ES-11/9 (/resolutions/A/RES/ES-11/9)"
        ]
        after = _shipped(db)
        assert after.id == row_id
        assert after.symbol == "A/RES/ES-11/9"
        assert after.provisional is False
        assert after.source_note == note  # the note stays
        assert after.meeting_record == "A/ES-11/PV.27"
        assert db.scalars(select(Resolution).where(Resolution.symbol == "A/RES/ES-11/9")).all() == [after]
        votes = db.scalars(select(Vote).where(Vote.resolution_id == row_id)).all()
        assert len(votes) == 193  # the official roll call (members in no list: non-voting)
        actions = db.scalars(
            select(AuditEvent.action).where(
                AuditEvent.entity == "resolution", AuditEvent.entity_id == str(row_id)
            )
        ).all()
        assert sorted(actions) == ["create", "replace_provisional"]  # the history stays
        # The address of the day still works, and leads to the symbol's page.
        response = client.get(PAGE, follow_redirects=False)
        assert response.status_code == 301
        assert response.headers["location"] == "/resolutions/A/RES/ES-11/9"
        # Importing both again changes nothing, and the provisional file is not written again.
        again = import_paths(db, [tmp_path / "src", SHIPPED], REFERENCE)
        assert not again.changed_anything
        assert db.scalars(select(Resolution).where(Resolution.page_key == "ES-11/2026-02-24")).all() == [
            after
        ]

    def test_totals_that_differ_are_another_vote(self, db: Session, tmp_path: Path) -> None:
        folder = _official_record(tmp_path / "src", MS_in_favour_count="106")
        summary = import_paths(db, [folder], REFERENCE)
        assert summary.provisional.replaced == []
        assert _shipped(db).provisional is True


class TestRecordFiles:
    def test_the_shipped_file_reads_as_the_form(self) -> None:
        (record,) = read_records(SHIPPED.read_text("utf-8"))
        assert record.raw.values["official_yes"] == "107"
        assert record.raw.choices == {"ISR": "Y", "USA": "A"}

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ('official_yes = "many"', "official_yes must be a whole number"),
            ('votes = { ISR = "maybe" }', "votes must map state codes"),
            ('colour = "red"', "unknown field(s) colour"),
        ],
    )
    def test_a_bad_record_names_file_and_field(
        self, db: Session, tmp_path: Path, change: str, message: str
    ) -> None:
        path = tmp_path / "bad.toml"
        path.write_text(f'format = "UNGA Votes admin form"\n[[record]]\n{change}\n', "utf-8")
        with pytest.raises(IngestError, match=re.escape(message)) as raised:
            import_paths(db, [path], REFERENCE)
        assert "bad.toml" in str(raised.value)

    def test_a_record_the_form_would_refuse_is_refused(self, db: Session, tmp_path: Path) -> None:
        text = (
            SHIPPED.read_text("utf-8")
            .replace("official_yes = 107", "official_yes = 150")
            .replace("official_no = 12", "official_no = 30")
            .replace("official_abstain = 51", "official_abstain = 20")
        )
        path = tmp_path / "too-many.toml"
        path.write_text(text, "utf-8")
        with pytest.raises(IngestError, match="more than the 193 members"):
            import_paths(db, [path], REFERENCE)

    def test_an_admin_exports_a_record_the_import_reads_back(
        self, admin_client: TestClient, db: Session
    ) -> None:
        row = _shipped(db)
        exported = admin_client.get(f"/admin/resolutions/{row.id}/export.toml")
        assert exported.status_code == 200
        (record,) = read_records(exported.text)
        assert record.page_key == "ES-11/2026-02-24"
        assert record.raw.values["source_note"] == row.source_note
        assert record.raw.choices == {"ISR": "Y", "USA": "A"}


class TestMarkedProvisionalByAnAdmin:
    def test_any_record_can_be_marked_provisional(self, admin_client: TestClient, db: Session) -> None:
        row = db.scalars(select(Resolution).where(Resolution.symbol == "A/RES/ES-11/6")).one()
        edit = f"/admin/resolutions/{row.id}/edit"
        data = {**_form_values(admin_client.get(edit).text), "provisional": "1"}
        data["source_note"] = "Press release GA/12345"
        response = post_form(admin_client, edit, {**data, "action": "save"}, page=edit)
        assert response.status_code == 303, soup(response).select(".field-error")
        db.expire_all()
        assert db.get_one(Resolution, row.id).provisional is True
        public = soup(admin_client.get("/resolutions/A/RES/ES-11/6"))
        assert "Press release GA/12345" in one(public, ".notice.provisional").get_text()
