"""The data package of the whole real history: a valid Frictionless package whose tables hold the record,
with each source's licence and citation."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.data_version import data_version
from app.importing import import_paths
from app.ingest import package_format as fmt
from app.ingest.package_schema import SUFFIX, Table
from app.models import Resolution, Vote
from app.opendata.files import BuiltPackage
from app.opendata.package import package_version, write_package
from tests.conftest import REFERENCE, SOURCES
from tests.ops.conftest import ScratchFactory, migrated


def _descriptor(package: BuiltPackage) -> dict[str, Any]:
    content: dict[str, Any] = json.loads(package.path(fmt.DESCRIPTOR).read_text(encoding="utf-8"))
    return content


def _rows(package: BuiltPackage, table: Table) -> list[dict[str, str]]:
    text = gzip.decompress(package.path(table.path).read_bytes()).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.slow
@pytest.mark.long
# frictionless leaves files it opened to the garbage collector (ResourceWarning, reported as unraisable).
@pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")
def test_frictionless_finds_the_package_valid(real_package: BuiltPackage) -> None:
    """Descriptor and data: types, required values, allowed values, primary and foreign keys, hashes."""
    from frictionless import validate

    report = validate(str(real_package.path(fmt.DESCRIPTOR)))
    errors = [e.message for e in report.errors] + [e.message for t in report.tasks for e in t.errors]
    assert errors == []
    assert report.valid
    assert {t.name: t.stats["rows"] for t in report.tasks} == {
        f.name.removesuffix(SUFFIX): f.rows for f in real_package.files if f.rows is not None
    }


def test_descriptor_names_licences_and_citations(real_package: BuiltPackage) -> None:
    descriptor = _descriptor(real_package)
    assert descriptor["name"] == "unga-votes"
    assert descriptor["version"] == real_package.version
    licences = {(x.get("name", ""), x["title"]) for x in descriptor["licenses"]}
    assert ("CC0-1.0", "Creative Commons Zero v1.0 Universal (public domain dedication)") in licences
    assert any("non-commercial use with attribution" in title for _, title in licences)
    assert any("acknowledge the United Nations as the source" in title for _, title in licences)
    citations = " ".join(s["citation"] for s in descriptor["sources"])
    assert "United Nations Dag Hammarskjöld Library, General Assembly Voting Data" in citations
    assert "github.com/UNxml/GAresolutions" in citations
    assert "Erik Voeten" in citations
    assert "hdl:1902.1/12379" in citations
    for source in descriptor["sources"]:
        assert source["licenses"]
        assert source["path"].startswith("https://")


def test_every_table_is_described(real_package: BuiltPackage) -> None:
    resources = {r["name"]: r for r in _descriptor(real_package)["resources"]}
    assert list(resources) == [t.name for t in fmt.TABLES]
    for table in fmt.TABLES:
        resource = resources[table.name]
        fields = resource["schema"]["fields"]
        assert [f["name"] for f in fields] == list(table.header)
        assert all(f["type"] in ("string", "integer", "boolean", "date") and f["description"] for f in fields)
        assert resource["path"] == table.path
        assert resource["bytes"] == real_package.path(table.path).stat().st_size
        assert resource["schema"].get("primaryKey", []) == list(table.primary_key)
    votes = resources["votes"]["schema"]
    assert votes["foreignKeys"] == [
        {"fields": ["resolution_id"], "reference": {"resource": "resolutions", "fields": ["id"]}},
        {"fields": ["state"], "reference": {"resource": "states", "fields": ["code"]}},
    ]


def test_the_version_is_the_data_version(real_package: BuiltPackage, engine: Engine) -> None:
    with Session(engine) as session:
        current = data_version(session)
        latest = session.scalar(select(func.max(Resolution.updated_at)))
    assert real_package.data_version == current
    assert real_package.version == package_version(current, latest)


def test_the_tables_hold_the_record(real_package: BuiltPackage, engine: Engine) -> None:
    with Session(engine) as session:
        votes = session.scalar(select(func.count()).select_from(Vote))
        decisions = session.scalar(select(func.count()).select_from(Resolution))
    rows = {f.name: f.rows or 0 for f in real_package.files}
    assert rows["votes.csv.gz"] + rows["separate_vote_votes.csv.gz"] == votes
    assert rows["resolutions.csv.gz"] + rows["separate_votes.csv.gz"] == decisions
    resolutions = {r["symbol"]: r for r in _rows(real_package, fmt.RESOLUTIONS)}
    # The UN's record of the partition vote: 33/13/10 on 29 November 1947 (its part A; the canonical
    # form of the symbol is the resolution pages' business).
    partition = next(r for symbol, r in resolutions.items() if symbol.startswith("A/RES/181(II)"))
    assert (partition["date"], partition["yes"], partition["no"], partition["abstain"]) == (
        "1947-11-29",
        "33",
        "13",
        "10",
    )
    assert partition["undl_record"].startswith("https://digitallibrary.un.org/record/")
    jerusalem = resolutions["A/RES/ES-10/19"]
    assert jerusalem["yes"] == "128"
    differences = [d for d in _rows(real_package, fmt.DIFFERENCES) if d["resolution_id"] == jerusalem["id"]]
    assert {
        "source": "voeten",
        "kind": "count",
        "state": "",
        "item": "yes",
        "shown": "128",
        "other": "127",
    } in [{k: v for k, v in d.items() if k != "resolution_id"} for d in differences]
    usa = [
        v
        for v in _rows(real_package, fmt.VOTES)
        if v["resolution_id"] == jerusalem["id"] and v["state"] == "USA"
    ]
    assert [v["vote"] for v in usa] == ["no"]
    separate = _rows(real_package, fmt.SEPARATE_VOTES)
    assert all(s["symbol"] == "" and s["voeten_rcid"] for s in separate)
    china = resolutions["A/RES/2758(XXVI)"]
    motions = [s for s in separate if s["parent_id"] == china["id"]]
    assert len(motions) >= 3
    assert all(s["voeten_ref"].startswith("R/26/2758") for s in motions)


def test_drafts_are_left_out(scratch_url: ScratchFactory, tmp_path: Path) -> None:
    """An unpublished decision is not public: neither it nor its votes, subjects or differences."""
    engine = migrated(scratch_url("opendata_drafts"))
    with Session(engine) as session:
        import_paths(session, [SOURCES / "un_dgacm" / "ES-11.json.gz"], REFERENCE)
        draft = session.scalars(select(Resolution).where(Resolution.symbol == "A/RES/ES-11/1")).one()
        draft.published = False
        session.commit()
        draft_id = draft.id
    with Session(engine) as session:
        summary = write_package(session, tmp_path)
    engine.dispose()
    assert summary.drafts_skipped == 1
    package = {t.name: gzip.decompress((tmp_path / t.path).read_bytes()).decode() for t in fmt.TABLES}
    assert "A/RES/ES-11/1," not in package["resolutions"]
    assert "A/RES/ES-11/2," in package["resolutions"]
    for table in ("votes", "subjects", "differences"):
        assert not any(line.startswith(f"{draft_id},") for line in package[table].splitlines()), table
