"""Bad input stops the import with the file, the line and the reason, and changes nothing."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.cli import app as cli
from app.db import get_engine, get_sessionmaker
from app.importing import import_paths
from app.ingest.errors import IngestError, UnmatchedNamesError
from app.ingest.summary import ImportSummary
from app.models import Resolution, Vote
from tests.conftest import REFERENCE, SOURCES


def _dgacm_line(symbol: str, yes: list[str]) -> str:
    return json.dumps(
        {
            "symbol": symbol,
            "title": "A test resolution",
            "adoption_date": "1\u00a0March 2026",
            "adoption_type": "By a recorded vote",
            "MS_in_favour_count": str(len(yes)),
            "MS_against_count": "0",
            "MS_abstaining_count": "N.A.",
            "MS_in_favour": yes,
            "MS_against": [],
            "MS_abstaining": [],
        }
    )


def _reset_engine() -> None:
    get_engine().dispose()  # close pooled connections rather than leave them to the garbage collector
    get_engine.cache_clear()
    get_sessionmaker.cache_clear()


@pytest.fixture
def use_test_database(engine: Engine, first_import: ImportSummary) -> Iterator[None]:
    """The CLI opens its own sessions on the configured database: point them at the test database."""
    _reset_engine()
    yield
    _reset_engine()


def _counts(engine: Engine) -> tuple[int, int]:
    with Session(engine) as session:
        return (
            session.scalar(select(func.count()).select_from(Resolution)) or 0,
            session.scalar(select(func.count()).select_from(Vote)) or 0,
        )


@pytest.mark.usefixtures("use_test_database")
class TestCommandLine:
    def test_unmatched_names_are_all_listed_and_nothing_is_written(
        self, engine: Engine, tmp_path: Path
    ) -> None:
        path = tmp_path / "new.json"
        path.write_text(
            _dgacm_line("A/RES/ES-11/90", ["FRANCE", "ATLANTIS"]) + "\n"
            + _dgacm_line("A/RES/ES-11/91", ["GERMANY", "LILLIPUT", "ATLANTIS"]) + "\n",
            encoding="utf-8",
        )  # fmt: skip
        before = _counts(engine)
        result = CliRunner().invoke(cli, ["import", "--quiet", str(path)])
        assert result.exit_code == 1
        assert "nothing was changed" in result.output
        assert "'ATLANTIS'" in result.output
        assert "'LILLIPUT'" in result.output
        assert "new.json:1" in result.output
        assert _counts(engine) == before

    def test_malformed_line_names_file_and_line(self, engine: Engine, tmp_path: Path) -> None:
        path = tmp_path / "broken.json.gz"
        lines = [_dgacm_line("A/RES/ES-11/92", ["FRANCE"]), '{"symbol": "A/RES/ES-11/93", "adoption_date": ']
        path.write_bytes(gzip.compress("\n".join(lines).encode()))
        before = _counts(engine)
        result = CliRunner().invoke(cli, ["import", "--quiet", str(path)])
        assert result.exit_code == 1
        assert "broken.json.gz, line 2: not valid JSON" in result.output
        assert _counts(engine) == before

    def test_a_write_the_database_refuses_is_a_clear_error(self, engine: Engine, tmp_path: Path) -> None:
        """The database refuses a write (here a trigger refuses new resolutions): the command says so,
        without a traceback, and changes nothing."""
        postgres = engine.dialect.name == "postgresql"
        refuse = (
            [
                "CREATE FUNCTION refuse_in_test() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'no new resolutions in this test'; END $$ LANGUAGE plpgsql",
                "CREATE TRIGGER refuse_in_test BEFORE INSERT ON resolution "
                "FOR EACH ROW EXECUTE FUNCTION refuse_in_test()",
            ]
            if postgres
            else [
                "CREATE TRIGGER refuse_in_test BEFORE INSERT ON resolution "
                "BEGIN SELECT RAISE(ABORT, 'no new resolutions in this test'); END"
            ]
        )
        allow = (
            ["DROP TRIGGER refuse_in_test ON resolution", "DROP FUNCTION refuse_in_test()"]
            if postgres
            else ["DROP TRIGGER refuse_in_test"]
        )
        path = tmp_path / "new.json.gz"
        path.write_bytes(gzip.compress(_dgacm_line("A/RES/ES-11/92", ["FRANCE"]).encode()))
        with engine.begin() as conn:
            for statement in refuse:
                conn.exec_driver_sql(statement)
        try:
            before = _counts(engine)
            result = CliRunner().invoke(cli, ["import", "--quiet", str(path)])
            assert result.exit_code == 1
            assert "Import failed, nothing was changed" in result.output
            assert "no new resolutions in this test" in " ".join(result.output.split())
            assert "Traceback" not in result.output
            assert _counts(engine) == before
        finally:
            with engine.begin() as conn:
                for statement in allow:
                    conn.exec_driver_sql(statement)

    def test_second_import_says_nothing_changed(self, engine: Engine) -> None:
        result = CliRunner().invoke(cli, ["import", "--quiet", str(SOURCES / "un_dgacm" / "ES-10.json.gz")])
        assert result.exit_code == 0, result.output
        assert "Nothing changed" in result.output


class TestParsers:
    def test_unknown_format(self, db: Session, tmp_path: Path) -> None:
        path = tmp_path / "notes.csv"
        path.write_text("a,b\n1,2\n", encoding="utf-8")
        with pytest.raises(IngestError, match=r"notes.csv, line 1: unrecognised format"):
            import_paths(db, [path], REFERENCE)

    def test_voeten_votes_need_their_roll_calls(self, db: Session) -> None:
        with pytest.raises(IngestError, match="roll-calls file"):
            import_paths(db, [SOURCES / "voeten" / "un_votes.csv.gz"], REFERENCE)

    def test_bad_vote_value(self, db: Session, tmp_path: Path) -> None:
        (tmp_path / "un_roll_calls.csv").write_text(
            "rcid,session,importantvote,date,unres,amend,para,short,descr\n"
            "99001,74,0,2019-12-01,R/74/999,0,0,TEST,TEST\n",
            encoding="utf-8",
        )
        (tmp_path / "un_votes.csv").write_text(
            "rcid,country,country_code,vote\n99001,France,FR,yes\n99001,Namibia,NA,maybe\n", encoding="utf-8"
        )
        with pytest.raises(IngestError, match=r"un_votes.csv, line 3: vote must be yes, no or abstain"):
            import_paths(db, [tmp_path], REFERENCE)

    def test_a_state_in_two_lists(self, db: Session, tmp_path: Path) -> None:
        row = json.loads(_dgacm_line("A/RES/ES-11/94", ["FRANCE"]))
        row["MS_against"] = ["France"]
        (tmp_path / "x.json").write_text(json.dumps(row) + "\n", encoding="utf-8")
        with pytest.raises(
            IngestError, match="FRANCE is listed as both In favour and Against|France is listed"
        ):
            import_paths(db, [tmp_path], REFERENCE)

    def test_unmatched_names_raise_with_every_name(self, db: Session, tmp_path: Path) -> None:
        (tmp_path / "x.json").write_text(
            _dgacm_line("A/RES/ES-11/95", ["NARNIA", "GONDOR"]) + "\n", encoding="utf-8"
        )
        with pytest.raises(UnmatchedNamesError) as info:
            import_paths(db, [tmp_path], REFERENCE)
        assert set(info.value.unmatched) == {"NARNIA", "GONDOR"}
