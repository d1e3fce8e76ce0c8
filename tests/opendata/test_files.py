"""The package files: built once per data version, found by the other workers, old versions removed."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.orm import Session

from app.importing import import_paths
from app.opendata.files import KEEP, PackageFiles
from tests.conftest import REFERENCE, SOURCES
from tests.ops.conftest import ScratchFactory, add_resolution, migrated


def test_built_once_per_data_version(scratch_url: ScratchFactory, tmp_path: Path) -> None:
    engine = migrated(scratch_url("opendata_files"))
    with Session(engine) as session:
        import_paths(session, [SOURCES / "un_dgacm" / "ES-11.json.gz"], REFERENCE)
        session.commit()
    opened = 0

    @contextmanager
    def open_session() -> Iterator[Session]:
        nonlocal opened
        opened += 1
        with Session(engine) as session:
            yield session

    root = tmp_path / "downloads"
    files = PackageFiles(root, "test", open_session)
    first = files.current()
    assert files.builds == 1
    assert first.file("votes.csv.gz") is not None
    assert first.path("votes.csv.gz").is_file()
    assert files.current().folder == first.folder
    assert files.builds == 1
    asked = opened
    assert files.current(served=first.data_version) == first  # the version the page cache read: no query
    assert opened == asked

    other_worker = PackageFiles(root, "test", open_session)
    assert other_worker.current().folder == first.folder
    assert other_worker.builds == 0

    # Another release's packages: one built from a day ago goes with the next build, a recent one stays.
    (stale := root / "0123456789abcdef-0123456789abcdef").mkdir()
    os.utime(stale, (time.time() - 2 * 86400, time.time() - 2 * 86400))
    (recent := root / "fedcba9876543210-0123456789abcdef").mkdir()

    folders = [first.folder]
    for symbol in ("A/RES/ES-11/90", "A/RES/ES-11/91"):
        add_resolution(engine, symbol, "A resolution added later")
        # The version the request is served under is the page cache's, up to a second old: its package.
        assert files.current(served=first.data_version) == first
        newer = files.current()
        assert newer.data_version != first.data_version
        folders.append(newer.folder)
    assert files.builds == 3
    # The newest versions stay for downloads under way; older ones go.
    assert [f.is_dir() for f in folders] == [False] * (len(folders) - KEEP) + [True] * KEEP
    assert sorted(p.name for p in root.iterdir() if not p.name.startswith(".")) == sorted(
        [recent.name, *(f.name for f in folders[-KEEP:])]
    )
    assert not stale.exists()
    engine.dispose()
