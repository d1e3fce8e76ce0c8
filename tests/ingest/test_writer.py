"""The decision writer: batches are written by a second thread, but a failure still stops the import in
the importing thread, and nothing is left half-written."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.ingest.load import DecisionWriter
from app.ingest.prepare import Decision
from app.ingest.records import Record, SourceFile
from app.models import Adoption, Resolution, SessionKind, SourceKind

SOURCE = SourceFile(SourceKind.DGACM, "writer-test.json", "f" * 64)


def _decision(symbol: str, letters: str) -> Decision:
    record = Record(
        source=SOURCE,
        line=1,
        day=dt.date(2026, 3, 1),
        symbol=symbol,
        session_kind=SessionKind.EMERGENCY_SPECIAL,
        session_number=11,
        adoption=Adoption.RECORDED_VOTE,
        has_roll_call=True,
    )
    return Decision(record, letters, (letters.count("Y"), 0, 0, 0), True, "", content_hash=symbol)


class TestWriterThread:
    def test_batches_are_written_and_counted(self, db: Session) -> None:
        with DecisionWriter(db, [SOURCE]) as writer:
            writer.submit(_decision("A/RES/ES-11/97", "-YY"))
            writer.submit(_decision("A/RES/ES-11/98", "-Y-Y"))
        assert (writer.result.added, writer.result.votes_written) == (2, 4)
        assert db.scalar(select(func.count()).where(Resolution.symbol.like("A/RES/ES-11/9_"))) == 2

    def test_a_failed_batch_raises_in_the_importing_thread(self, db: Session) -> None:
        # A vote by state id 999, which does not exist: the foreign key refuses it in the writer thread.
        with pytest.raises(Exception, match=r"(?i)foreign key"), DecisionWriter(db, [SOURCE]) as writer:
            writer.submit(_decision("A/RES/ES-11/99", "-" * 999 + "Y"))
