"""The UN Digital Library voting CSV, tested with a small file written from its published schema
(2025 "Version 3" column names; totals as floats, as in the 2026 file; X for non-voting)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from app.importing import import_paths
from app.ingest.records import SourceFile
from app.ingest.undl import parse_undl
from app.models import SourceKind, VoteChoice
from app.resolutions.lookup import get_resolution
from app.resolutions.roll_calls import roll_call
from tests.conftest import REFERENCE

HEADER = (
    "undl_id,ms_code,ms_name,ms_vote,date,session,resolution,draft,committee_report,meeting,title,"
    "agenda_title,subjects,vote_note,total_yes,total_no,total_abstentions,total_non_voting,total_ms,undl_link"
)
ROWS = [
    ("USA", "UNITED STATES", "N"),
    ("ISR", "ISRAEL", "N"),
    ("FRA", "FRANCE", "Y"),
    ("DEU", "GERMANY", "A"),
    ("VEN", "VENEZUELA (BOLIVARIAN REPUBLIC OF)", "X"),
    ("TUR", "TÜRKİYE", "Y"),
]


def _write(path: Path) -> Path:
    lines = [HEADER]
    for code, name, vote in ROWS:
        lines.append(
            f'4047000,{code},"{name}",{vote},2024-05-10,ES-10,A/RES/ES-10/23,A/ES-10/L.30/Rev.1,,A/ES-10/PV.49,'
            '"Admission of new Members to the United Nations",'
            '"Illegal Israeli actions in Occupied East Jerusalem and the rest of the Occupied Palestinian '
            'Territory",'
            '"PALESTINE QUESTION|UN MEMBERSHIP",,143.0,9.0,25.0,,193.0,https://digitallibrary.un.org/record/4047000'
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_undl_csv(db: Session, tmp_path: Path) -> None:
    """The Library's bulk file, a later version than the one shipped: its record of A/RES/ES-10/23 (here
    cut to six rows) replaces the stored one, which only the Library holds."""
    summary = import_paths(db, [_write(tmp_path / "2026_02_06_ga_voting.csv")], REFERENCE)
    assert (summary.resolutions_changed, summary.resolutions_added) == (1, 0)
    resolution = get_resolution(db, "A/RES/ES-10/23")
    assert resolution is not None
    assert (resolution.official_yes, resolution.official_no, resolution.official_abstain) == (143, 9, 25)
    assert resolution.undl_id == 4047000
    votes = {e.code: e.choice for e in roll_call(db, resolution)}
    assert votes["USA"] is VoteChoice.NO
    assert votes["TUR"] is VoteChoice.YES
    assert votes["VEN"] is VoteChoice.NON_VOTING
    assert len(votes) == 193  # members in no row of this small file count as non-voting
    assert "official 143, roll call 2" in resolution.discrepancy  # and the totals disagree, so it is flagged


def test_quotes_the_fast_reader_would_misread_go_to_the_row_reader(tmp_path: Path) -> None:
    """A field with a stray quote inside: polars reads on without an error but joins rows; the row count
    tells, and the csv module's reading is taken, as for any file with a problem."""
    path = _write(tmp_path / "votes.csv")
    text = path.read_text(encoding="utf-8").replace("Palestinian Territory", 'Palestinian "Territory')
    path.write_text(text, encoding="utf-8")
    (record,) = parse_undl(SourceFile(SourceKind.UNDL, path.name, "x"), path.read_bytes(), bytes.decode)
    assert record.choices == "NNYAXY"
