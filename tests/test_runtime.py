"""The served app prepares itself before its first request."""

from __future__ import annotations

import gc

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from app.countries import matrix
from app.data_version import data_version
from app.ingest.summary import ImportSummary
from app.main import create_app
from app.runtime import YOUNG_THRESHOLD


def test_the_vote_matrix_is_built_at_start_up(engine: Engine, first_import: ImportSummary) -> None:
    kept = matrix._current
    matrix._current = None  # as in a fresh worker
    try:
        with TestClient(create_app()):
            built = matrix._current
            assert built is not None  # before any request
            with Session(engine) as session:
                assert built.version == data_version(session)
            assert gc.get_threshold()[0] == YOUNG_THRESHOLD
    finally:
        matrix._current = kept
