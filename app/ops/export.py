"""``unga export DIR``: the published record as a data package (app.opendata), the same files the /data
page offers, so that ``unga import DIR`` into an empty database gives the same data back. What a package
does not carry is listed in README.md ("What an export does not keep")."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from app.opendata.package import PackageSummary, write_package


class ExportError(Exception):
    """The target cannot be written (it is not an empty folder)."""


def export_all(session: Session, folder: Path) -> PackageSummary:
    """Write everything published to ``folder`` (which must be empty or absent), from one snapshot."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ExportError(f"{folder} is not an empty folder: export into a new one")
    folder.mkdir(parents=True, exist_ok=True)
    return write_package(session, folder)
