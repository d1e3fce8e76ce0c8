"""Fixtures of the open-data tests: the app's package files built once from the committed real history,
and a small package to break in the importer's tests.

The small package is written from a SQLite database holding one emergency special session (ES-11, six
resolutions) whatever database the suite runs on: the files do not depend on the database they were
read from, and the round trip through each database is tested on the whole history
(tests/ops/test_export.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.config import get_settings
from app.db import make_engine, write_session
from app.importing import import_paths
from app.ingest.summary import ImportSummary
from app.migrate import recreate_schema
from app.opendata.files import BuiltPackage, PackageFiles, get_package_files
from app.opendata.package import write_package
from tests.conftest import REFERENCE, SOURCES, WORKER
from tests.ops.conftest import scratch, scratch_url  # noqa: F401  (fixtures: scratch databases)


@pytest.fixture(scope="module")
def package_files(
    engine: Engine,
    first_import: ImportSummary,
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> Iterator[PackageFiles]:
    """The app's package files (get_package_files), in a folder of this module's that the xdist workers
    share, as a server's workers share theirs: where the module's tests run apart (the long ones first,
    tests/conftest.py), a package built for one is found on disk by the next, on either worker."""
    base = tmp_path_factory.getbasetemp()
    root = (base.parent if WORKER else base) / f"opendata-{request.module.__name__}" / "downloads"
    before = os.environ.get("UNGA_DOWNLOAD_DIR")
    os.environ["UNGA_DOWNLOAD_DIR"] = str(root)
    get_settings.cache_clear()
    get_package_files.cache_clear()
    yield get_package_files()
    if before is None:
        del os.environ["UNGA_DOWNLOAD_DIR"]
    else:
        os.environ["UNGA_DOWNLOAD_DIR"] = before
    get_settings.cache_clear()
    get_package_files.cache_clear()


@pytest.fixture(scope="module")
def real_package(package_files: PackageFiles) -> BuiltPackage:
    """The package of the whole real history, as the /data page offers it."""
    return package_files.current()


@pytest.fixture(scope="module")
def small_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("small")
    engine = make_engine(f"sqlite:///{folder / 'small.sqlite3'}")
    recreate_schema(engine)
    with Session(engine) as session:
        write_session(session)
        import_paths(session, [SOURCES / "un_dgacm" / "ES-11.json.gz"], REFERENCE)
        session.commit()
    with Session(engine) as session:
        package = folder / "package"
        package.mkdir()
        write_package(session, package)
    engine.dispose()
    return package
