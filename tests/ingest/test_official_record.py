"""The reconciled record on the real data: landmark votes read as the UN records them, Voeten's roll calls
matched by their votes, separate votes kept apart, and the sources' differences kept.

The figures are the UN Digital Library's (its record pages), checked by hand against them."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.importing import import_paths
from app.ingest.summary import ImportSummary
from app.models import (
    DecisionKind,
    DifferenceKind,
    ImportRun,
    Resolution,
    SessionKind,
    SourceDifference,
    SourceKind,
)
from app.resolutions.lookup import lookup_symbol, separate_votes
from tests.conftest import REFERENCE, SOURCES


def _find(db: Session, symbol: str) -> Resolution:
    found = lookup_symbol(db, symbol).resolution
    assert found is not None, symbol
    return found


def _tally(r: Resolution) -> tuple[int, int, int]:
    return (r.tally_yes, r.tally_no, r.tally_abstain)


@pytest.mark.parametrize(
    ("symbol", "day", "tally"),
    [
        ("A/RES/181(II)", dt.date(1947, 11, 29), (33, 13, 10)),  # the partition plan, 181 (II) A
        ("A/RES/1514(XV)", dt.date(1960, 12, 14), (89, 0, 9)),  # decolonisation
        ("A/RES/2758(XXVI)", dt.date(1971, 10, 25), (76, 35, 17)),  # China's seat
        ("A/RES/3379(XXX)", dt.date(1975, 11, 10), (72, 35, 32)),
        ("A/RES/ES-10/19", dt.date(2017, 12, 21), (128, 9, 35)),  # status of Jerusalem
        ("A/RES/ES-10/23", dt.date(2024, 5, 10), (143, 9, 25)),  # only the Library has it
        ("A/RES/ES-10/24", dt.date(2024, 9, 18), (124, 14, 43)),
        ("A/RES/ES-11/7", dt.date(2025, 2, 24), (93, 18, 65)),
        ("A/RES/ES-11/1", dt.date(2022, 3, 2), (141, 5, 35)),  # aggression against Ukraine
        ("A/RES/377(V) A", dt.date(1950, 11, 3), (52, 5, 2)),  # Uniting for peace: A to C voted as one
    ],
)
def test_landmark_votes_read_as_the_un_records_them(
    db: Session, symbol: str, day: dt.date, tally: tuple[int, int, int]
) -> None:
    resolution = _find(db, symbol)
    assert resolution.adopted_on == day
    assert _tally(resolution) == tally
    assert resolution.kind is DecisionKind.RESOLUTION
    assert "undl" in resolution.source_kinds.split()


@pytest.mark.parametrize(
    "written",
    ["A/RES/181(II)", "A/RES/181 (II)", "181(II)", "A/RES/181(II)[A]", "A/RES/181 (II) A", "a/res/181(ii)a"],
)
def test_every_common_form_of_a_symbol_finds_the_record(db: Session, written: str) -> None:
    assert _find(db, written).symbol == "A/RES/181(II) A"


def test_a_resolution_voted_in_parts_lists_them(db: Session) -> None:
    found = lookup_symbol(db, "A/RES/39/148")
    assert found.resolution is None
    assert [p.symbol for p in found.parts][:3] == ["A/RES/39/148 A", "A/RES/39/148 B", "A/RES/39/148 C"]
    assert len(found.parts) >= 11


def test_china_s_seat_is_one_record_with_its_motions_and_amendments_as_separate_votes(db: Session) -> None:
    resolution = _find(db, "A/RES/2758(XXVI)")
    lettered = db.scalar(select(func.count()).where(Resolution.symbol.like("A/RES/2758(XXVI) %")))
    assert lettered == 0
    others = separate_votes(db, resolution)
    assert len(others) == 6  # Voeten's R/26/2758A to F: the adoption is G
    assert {s.voeten_ref for s in others} == {f"R/26/2758{letter}" for letter in "ABCDEF"}
    assert all(s.symbol == "" and s.adopted is None for s in others)
    assert resolution.voeten_ref == "R/26/2758G"


def test_voeten_s_count_is_kept_as_a_difference(db: Session) -> None:
    resolution = _find(db, "A/RES/ES-10/19")
    counts = db.execute(
        select(SourceDifference.item, SourceDifference.shown, SourceDifference.other).where(
            SourceDifference.resolution_id == resolution.id,
            SourceDifference.kind == DifferenceKind.COUNT,
            SourceDifference.source == SourceKind.VOETEN,
        )
    ).all()
    assert ("yes", "128", "127") in counts


def test_voeten_s_dates_are_kept_as_differences(db: Session) -> None:
    resolution = _find(db, "A/RES/3379(XXX)")
    dates = db.execute(
        select(SourceDifference.shown, SourceDifference.other).where(
            SourceDifference.resolution_id == resolution.id, SourceDifference.kind == DifferenceKind.DATE
        )
    ).all()
    assert dates == [("1975-11-10", "1975-11-01")]


def test_no_early_record_carries_a_symbol_the_library_lacks(db: Session) -> None:
    """Sessions 1 to 17: Voeten's references point into the Official Records, and must never become
    symbols; every resolution shown is the Library's."""
    early = db.execute(
        select(Resolution.symbol, Resolution.source_kinds).where(
            Resolution.kind == DecisionKind.RESOLUTION,
            Resolution.session_kind == SessionKind.REGULAR,
            Resolution.session_number <= 17,
        )
    ).all()
    assert early
    assert [s for s, kinds in early if "undl" not in kinds.split()] == []
    assert db.scalar(select(func.count()).where(Resolution.symbol == "A/RES/1424(II)")) == 0


def test_separate_votes_never_carry_a_symbol(db: Session) -> None:
    carrying = db.scalar(
        select(func.count()).where(Resolution.kind != DecisionKind.RESOLUTION, Resolution.symbol != "")
    )
    assert carrying == 0


def test_the_import_matched_most_of_voeten_s_roll_calls(first_import: ImportSummary) -> None:
    """6,202 roll calls: about 4,900 are the UN's adopted resolutions; the rest are separate votes."""
    assert 1_000 < first_import.separate_votes < 1_600
    assert first_import.differences > 5_000


@pytest.mark.long
def test_a_second_import_of_the_same_files_changes_nothing(db: Session) -> None:
    summary = import_paths(db, [SOURCES], REFERENCE)
    assert not summary.changed_anything


@pytest.mark.long
@pytest.mark.slow
def test_reading_the_same_files_again_in_full_changes_nothing(db: Session) -> None:
    """Without the shortcut for files already read: the reconciliation gives the same record again."""
    db.execute(delete(ImportRun))
    summary = import_paths(db, [SOURCES], REFERENCE)
    assert (summary.resolutions_added, summary.resolutions_changed, summary.removed) == (0, 0, 0)
