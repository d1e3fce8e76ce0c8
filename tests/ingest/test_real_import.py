"""The import of the shipped real data: figures checked against the official record."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from app.importing import import_paths
from app.ingest.summary import ImportSummary
from app.models import (
    DecisionKind,
    DifferenceKind,
    ImportRun,
    Resolution,
    SourceDifference,
    State,
    VoteChoice,
)
from app.resolutions.lookup import get_resolution
from app.resolutions.roll_calls import roll_call
from tests.conftest import REFERENCE, SOURCES


def _votes(db: Session, symbol: str) -> dict[str, VoteChoice]:
    resolution = get_resolution(db, symbol)
    assert resolution is not None, symbol
    return {entry.code: entry.choice for entry in roll_call(db, resolution)}


class TestFirstImport:
    def test_summary_counts_everything_once(self, first_import: ImportSummary) -> None:
        assert first_import.states_added == 200
        assert first_import.resolutions_added == 8470  # 7,168 resolutions, 1,302 separate votes
        assert first_import.provisional.added == 1  # data/sources/provisional: 24 February 2026
        assert first_import.votes_written > 1_000_000
        # Separate votes keep Voeten's dates, which are often days off: a few fall before admission.
        assert first_import.outside_membership.total() == 142

    def test_193_members_vote_on_a_2024_resolution(self, db: Session) -> None:
        assert len(_votes(db, "A/RES/ES-10/24")) == 193


class TestES1024:
    """A/RES/ES-10/24, 18 September 2024: 124 in favour, 14 against, 43 abstaining, 12 non-voting."""

    def test_tally(self, db: Session) -> None:
        resolution = get_resolution(db, "A/RES/ES-10/24")
        assert resolution is not None
        assert resolution.adopted_on == dt.date(2024, 9, 18)
        tally = (
            resolution.tally_yes,
            resolution.tally_no,
            resolution.tally_abstain,
            resolution.tally_non_voting,
        )
        assert tally == (124, 14, 43, 12)
        assert (resolution.official_yes, resolution.official_no, resolution.official_abstain) == (124, 14, 43)
        assert resolution.discrepancy == ""

    def test_the_twelve_non_voting_members(self, db: Session) -> None:
        votes = _votes(db, "A/RES/ES-10/24")
        non_voting = sorted(code for code, choice in votes.items() if choice is VoteChoice.NON_VOTING)
        assert non_voting == [
            "AFG",
            "BEN",
            "CAF",
            "COG",
            "GNQ",
            "MDG",
            "SOM",
            "STP",
            "SWZ",
            "TGO",
            "VEN",
            "ZMB",
        ]

    def test_the_fourteen_against(self, db: Session) -> None:
        votes = _votes(db, "A/RES/ES-10/24")
        against = sorted(code for code, choice in votes.items() if choice is VoteChoice.NO)
        assert against == [
            "ARG",
            "CZE",
            "FJI",
            "FSM",
            "HUN",
            "ISR",
            "MWI",
            "NRU",
            "PLW",
            "PNG",
            "PRY",
            "TON",
            "TUV",
            "USA",
        ]


class TestHistory:
    def test_ussr_vote_shown_under_its_name_at_the_time(self, db: Session) -> None:
        resolution = get_resolution(db, "A/RES/3379(XXX)")  # Voeten's R/30/3379, 1975
        assert resolution is not None
        entries = {e.code: e for e in roll_call(db, resolution)}
        assert entries["RUS"].name == "Union of Soviet Socialist Republics"
        assert entries["RUS"].choice is VoteChoice.YES
        assert entries["DEU"].name == "Federal Republic of Germany"
        assert entries["DEU"].choice is VoteChoice.NO
        assert entries["DDR"].choice is VoteChoice.YES

    def test_non_members_are_not_in_the_roll_call(self, db: Session) -> None:
        votes = _votes(db, "A/RES/3379(XXX)")
        assert "CZE" not in votes  # Czechia was admitted in 1993
        assert "CSK" in votes

    def test_session_74_in_both_sources_is_one_resolution(self, db: Session) -> None:
        rows = db.scalars(select(Resolution).where(Resolution.symbol == "A/RES/74/7")).all()
        assert len(rows) == 1
        assert rows[0].voeten_rcid is not None  # Voeten's roll-call id joined onto the UN record
        assert rows[0].official_yes is not None  # the UN's official totals

    def test_amendment_votes_are_kept_and_marked(self, db: Session) -> None:
        kinds = dict(db.execute(select(Resolution.kind, func.count()).group_by(Resolution.kind)).all())
        assert kinds[DecisionKind.AMENDMENT] > 0
        assert kinds[DecisionKind.PARAGRAPH] > 0


class TestVoetenQuirks:
    def test_adoption_is_the_titled_roll_call_not_a_later_procedural_motion(self, db: Session) -> None:
        # A/RES/61/11 (Cuba embargo, 8 Nov 2006): roll call 4668 is the adoption, 183-4-1; roll call
        # 5783, added to the dataset later under the same symbol, is a no-action motion (127-50-5).
        resolution = get_resolution(db, "A/RES/61/11")
        assert resolution is not None
        assert resolution.voeten_rcid == 4668
        assert (resolution.tally_yes, resolution.tally_no, resolution.tally_abstain) == (183, 4, 1)
        motion = db.scalars(select(Resolution).where(Resolution.voeten_rcid == 5783)).one()
        assert motion.kind is DecisionKind.SEPARATE

    def test_titles_of_sessions_71_to_73_are_the_resolution_titles(self, db: Session) -> None:
        # There Voeten's short and descr columns swap: the agenda entry must not become the title.
        resolution = get_resolution(db, "A/RES/71/5")
        assert resolution is not None
        assert resolution.title == (
            "Necessity of ending the economic, commercial and financial embargo imposed by the "
            "United States of America against Cuba"
        )
        assert resolution.description.startswith("A/71/251 39 - ")


class TestTheLibraryFillsDgacmGaps:
    """DGACM's lists sometimes disagree with its own totals; the Library's roll call of the same vote is
    shown, and DGACM's list is kept as a difference."""

    def test_a_list_one_short_of_its_count(self, db: Session) -> None:
        resolution = get_resolution(db, "A/RES/77/293")
        assert resolution is not None
        assert (resolution.official_abstain, resolution.tally_abstain) == (59, 59)
        assert resolution.discrepancy == ""
        counts = db.execute(
            select(SourceDifference.item, SourceDifference.shown, SourceDifference.other).where(
                SourceDifference.resolution_id == resolution.id, SourceDifference.kind == DifferenceKind.COUNT
            )
        ).all()
        assert counts == [("abstain", "59", "58")]

    def test_totals_without_lists(self, db: Session) -> None:
        resolution = get_resolution(db, "A/RES/75/254 A-C")
        assert resolution is not None
        assert (resolution.official_yes, resolution.official_no) == (168, 2)
        assert resolution.roll_call_complete
        assert (resolution.tally_yes, resolution.tally_no) == (168, 2)

    def test_names_listed_twice(self, db: Session) -> None:
        resolution = get_resolution(db, "A/RES/75/290 A")
        assert resolution is not None
        assert (resolution.tally_yes, resolution.tally_no, resolution.tally_abstain) == (90, 0, 47)
        assert resolution.discrepancy == ""


class TestReimport:
    @pytest.mark.long
    def test_second_run_changes_nothing(self, db: Session) -> None:
        # Read in full, whichever import ran last in this database (the figures once relied on another
        # test's committed import having left a different fingerprint than the first import's).
        db.execute(delete(ImportRun))
        summary = import_paths(db, [SOURCES], REFERENCE)
        assert not summary.changed_anything
        assert summary.resolutions_unchanged == 8470  # the sources' decisions; the provisional record aside
        assert summary.votes_written == 0
        # The same files again: recognised by their fingerprint, nothing read, every decision unchanged.
        again = import_paths(db, [SOURCES], REFERENCE)
        assert not again.changed_anything
        assert again.resolutions_unchanged == 8471

    @pytest.mark.long
    def test_search_index_still_covers_every_resolution(self, db: Session) -> None:
        import_paths(db, [SOURCES], REFERENCE)
        indexed = db.scalar(text("SELECT count(*) FROM resolution_fts"))
        # 8,470 from the sources' data files, and the provisional record of 24 February 2026.
        assert indexed == db.scalar(select(func.count()).select_from(Resolution)) == 8471

    def test_states_unchanged(self, db: Session) -> None:
        before = db.scalar(select(func.count()).select_from(State))
        summary = import_paths(db, [SOURCES / "un_dgacm" / "ES-10.json.gz"], REFERENCE)
        assert (summary.states_added, summary.states_changed) == (0, 0)
        assert db.scalar(select(func.count()).select_from(State)) == before


class TestChangedSource:
    def test_a_changed_record_updates_its_row_and_roll_call(self, db: Session, tmp_path: Path) -> None:
        """A/RES/80/264 (4 June 2026) is only in DGACM's file: the UN republishing it changes the record."""
        symbol = "A/RES/80/264"
        lines = gzip.decompress((SOURCES / "un_dgacm" / "80.json.gz").read_bytes()).decode().splitlines()
        rows = [json.loads(line) for line in lines if line.strip()]
        target = next(row for row in rows if row["symbol"].strip() == symbol)
        target["title"] = "A corrected title"
        target["MS_in_favour"].remove("FRANCE")
        target["MS_abstaining"].append("FRANCE")
        (tmp_path / "80.json").write_text("\n".join(json.dumps(row) for row in rows) + "\n", "utf-8")
        before = get_resolution(db, symbol)
        assert before is not None
        version = before.version

        summary = import_paths(db, [tmp_path], REFERENCE)

        assert (summary.resolutions_changed, summary.resolutions_added) == (1, 0)
        db.expire_all()
        after = get_resolution(db, symbol)
        assert after is not None
        assert (after.title, after.version) == ("A corrected title", version + 1)
        assert (after.tally_yes, after.tally_abstain) == (106, 56)
        assert _votes(db, symbol)["FRA"] is VoteChoice.ABSTAIN

    def test_a_source_that_holds_less_does_not_replace_the_library_s_roll_call(
        self, db: Session, tmp_path: Path
    ) -> None:
        """ES-10/24 is the Library's record too: DGACM's file alone, changed, leaves its roll call."""
        lines = gzip.decompress((SOURCES / "un_dgacm" / "ES-10.json.gz").read_bytes()).decode().splitlines()
        rows = [json.loads(line) for line in lines if line.strip()]
        target = next(row for row in rows if row["symbol"].strip() == "A/RES/ES-10/24")
        target["MS_in_favour"].remove("FRANCE")
        target["MS_abstaining"].append("FRANCE")
        (tmp_path / "ES-10.json").write_text("\n".join(json.dumps(row) for row in rows) + "\n", "utf-8")

        summary = import_paths(db, [tmp_path], REFERENCE)

        assert summary.resolutions_changed == 0
        assert _votes(db, "A/RES/ES-10/24")["FRA"] is VoteChoice.YES
