"""The data package of the /data page as files on disk: built once per data version, shared by the
workers of a machine, served from there.

A build reads the whole record (a million votes: seconds), so a download must never rebuild it. The
package of a data version is built into a temporary folder that is renamed into place when complete,
under a lock file, so the workers of a machine build it once between them and no one serves half a
package. A request finds the package by the data version the page cache has already read
(app.data_version.served_version) with no query at all; only a version not built yet asks the
database, and the first such request builds it (the others wait for that build). After a build, all but
the two newest versions are removed: a download still reading an older file keeps its open file.

Folders are named after the database and the code (app.cache.shared.namespace: another release may
write other files) and the data version, in a folder of this user's alone (app.cache.shared.private_folder);
another release's are removed a day after it last built one.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sqlalchemy.orm import Session

from app.cache.shared import FORGET_AFTER, namespace, private_folder
from app.config import get_settings
from app.data_version import data_version
from app.db import unit_of_work
from app.ingest import package_format as fmt
from app.opendata.package import PackageSummary, write_package

MANIFEST = "built.json"  # beside the package, not served: what the /data page lists
KEEP = 2  # versions kept on disk: the newest, and the one before for downloads under way
ABANDONED_AFTER = 3600.0  # seconds after which a build folder left by a killed process is removed
_BUILDING = ".building-"

SessionOpener = Callable[[], AbstractContextManager[Session]]


@dataclass(frozen=True)
class BuiltFile:
    name: str  # the file name, as in the URL
    title: str
    description: str
    rows: int | None  # None for the descriptor
    bytes: int


@dataclass(frozen=True)
class BuiltPackage:
    folder: Path
    data_version: str  # the app's, which names the folder
    version: str  # the package's (datapackage.json)
    created: str  # when the record last changed, ISO 8601; "" if it is empty
    files: tuple[BuiltFile, ...]  # the descriptor, then the tables
    source_versions: dict[str, str]  # by source kind: the upstream versions read, where known

    def file(self, name: str) -> BuiltFile | None:
        return next((f for f in self.files if f.name == name), None)

    def path(self, name: str) -> Path:
        return self.folder / name


class PackageFiles:
    def __init__(self, root: Path, space: str, open_session: SessionOpener) -> None:
        self.root = root
        self.space = space
        self._open_session = open_session
        self._known: dict[str, BuiltPackage] = {}
        self._lock = threading.Lock()
        self._checked = False  # the root is this user's alone (checked once, before anything is read)
        self.builds = 0  # packages this process built (tests and benchmarks read it)

    def current(self, served: str | None = None) -> BuiltPackage:
        """The package of the current data. ``served``: the data version the request is served under,
        if known; its package, if built, is the answer without a query."""
        self._check_root()
        if served is not None and (found := self.built(served)) is not None:
            return found
        with self._open_session() as session:
            version = data_version(session)
        found = self.built(version)
        if found is not None:
            return found
        with self._lock, self._machine_lock():
            return self.built(version) or self._build()

    def built(self, version: str) -> BuiltPackage | None:
        """The package of ``version`` if it is on disk (another worker may have built it, or removed it)."""
        known = self._known.get(version)
        if known is not None and known.folder.is_dir():
            return known
        self._check_root()
        folder = self._folder(version)
        try:
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        found = _from_manifest(folder, manifest)
        if len(self._known) >= 4 * KEEP:
            self._known.clear()
        self._known[version] = found
        return found

    def _check_root(self) -> None:
        """Files served from the root must be ours alone (checked once; raises PermissionError)."""
        if not self._checked:
            private_folder(self.root)
            self._checked = True

    def _folder(self, version: str) -> Path:
        return self.root / f"{self.space}-{hashlib.sha256(version.encode()).hexdigest()[:16]}"

    @contextmanager
    def _machine_lock(self) -> Iterator[None]:
        """Held while building: the other workers of the machine wait, then find the package built."""
        with (self.root / ".lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _build(self) -> BuiltPackage:
        building = Path(tempfile.mkdtemp(prefix=_BUILDING, dir=self.root))
        try:
            with self._open_session() as session:
                summary = write_package(session, building)
            (building / MANIFEST).write_text(json.dumps(_manifest(summary)), encoding="utf-8")
            target = self._folder(summary.data_version)
            if not target.exists():  # else the data moved on to a version already built: keep that
                building.rename(target)
            self.builds += 1
        finally:
            shutil.rmtree(building, ignore_errors=True)
        self._sweep(target)
        found = self.built(summary.data_version)
        assert found is not None
        return found

    def _sweep(self, newest: Path) -> None:
        """Remove all but the KEEP newest packages of this database and release; those of others once
        nothing has built them for a day (an earlier release's); builds a killed process abandoned."""
        now = time.time()
        ours = []
        for entry in self.root.iterdir():
            try:
                age = now - entry.stat().st_mtime
                if entry.name.startswith(_BUILDING):
                    if age > ABANDONED_AFTER:
                        shutil.rmtree(entry, ignore_errors=True)
                elif not entry.is_dir() or entry == newest:
                    continue
                elif entry.name.startswith(self.space + "-"):
                    ours.append((entry.stat().st_mtime, entry))
                elif age > FORGET_AFTER:
                    shutil.rmtree(entry, ignore_errors=True)
            except OSError:
                continue
        for _, entry in sorted(ours, reverse=True)[KEEP - 1 :]:
            shutil.rmtree(entry, ignore_errors=True)


def _manifest(summary: PackageSummary) -> dict[str, object]:
    created = summary.created.isoformat() if summary.created else ""
    return {
        "data_version": summary.data_version,
        "version": summary.version,
        "created": created,
        "descriptor_bytes": summary.descriptor_bytes,
        "source_versions": summary.source_versions,
        "tables": {f.table.name: {"rows": f.rows, "bytes": f.bytes} for f in summary.files},
    }


def _from_manifest(folder: Path, manifest: dict[str, object]) -> BuiltPackage:
    tables, versions = manifest["tables"], manifest.get("source_versions") or {}
    assert isinstance(tables, dict)
    assert isinstance(versions, dict)
    descriptor = BuiltFile(
        fmt.DESCRIPTOR,
        "Data package descriptor",
        "What each file holds: every column with its type and meaning, the keys that link the tables, "
        "each source's licence and citation (Frictionless Data Package).",
        None,
        int(str(manifest["descriptor_bytes"])),
    )
    files = [
        BuiltFile(t.path, t.title, t.description, tables[t.name]["rows"], tables[t.name]["bytes"])
        for t in fmt.TABLES
    ]
    return BuiltPackage(
        folder,
        str(manifest["data_version"]),
        str(manifest["version"]),
        str(manifest["created"]),
        (descriptor, *files),
        {str(k): str(v) for k, v in versions.items()},
    )


def default_root() -> Path:
    return Path(tempfile.gettempdir()) / f"unga-data-{os.getuid()}"


@lru_cache
def get_package_files() -> PackageFiles:
    """The package files of the database the public pages read (a read replica, if there is one)."""
    settings = get_settings()
    read_url = settings.read_database_url or settings.database_url
    return PackageFiles(
        settings.download_dir or default_root(),
        namespace(read_url),
        lambda: unit_of_work(read_only=True),
    )
