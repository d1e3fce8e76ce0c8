"""The /data page and its downloads, on the whole real history."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from app.ingest import package_format as fmt
from app.opendata import pages
from app.opendata.files import BuiltPackage, PackageFiles
from app.opendata.views import human_size


def _soup(client: TestClient, path: str) -> BeautifulSoup:
    response = client.get(path)
    assert response.status_code == 200, response.text[:300]
    return BeautifulSoup(response.text, "lxml")


class TestPage:
    def test_every_file_with_its_rows_and_size(self, client: TestClient, real_package: BuiltPackage) -> None:
        soup = _soup(client, "/data")
        rows = soup.select("table.data-files tbody tr")
        assert [r.select("a")[0]["href"] for r in rows] == [
            "/data/datapackage.json",
            *(f"/data/{t.path}" for t in fmt.TABLES),
        ]
        for row, built in zip(rows, real_package.files, strict=True):
            cells = [c.get_text(" ", strip=True) for c in row.select("td")]
            assert cells[-1] == human_size(built.bytes)
            assert cells[-2] == ("" if built.rows is None else f"{built.rows:,}")
        votes = next(r for r in rows if "votes.csv.gz" in r.get_text())
        assert int(votes.select("td")[-2].get_text().replace(",", "")) > 900_000
        assert real_package.version in soup.get_text()
        assert 'pandas.read_csv("http://testserver/data/votes.csv.gz")' in soup.get_text()

    def test_licences_and_citations(self, client: TestClient, real_package: BuiltPackage) -> None:
        text = " ".join(_soup(client, "/data").get_text(" ").split())
        assert "Cite as: United Nations Dag Hammarskjöld Library, General Assembly Voting Data" in text
        assert "non-commercial use only, with attribution" in text
        assert (
            "Cite as: Source: United Nations (DGACM), machine-readable General Assembly resolutions" in text
        )
        assert "Harvard Dataverse, hdl:1902.1/12379" in text
        assert "Creative Commons Zero v1.0 Universal" in text

    @pytest.mark.parametrize("path", ["/", "/resolutions", "/countries/USA", "/about", "/data"])
    def test_every_page_links_to_it(self, client: TestClient, real_package: BuiltPackage, path: str) -> None:
        link = _soup(client, path).select_one("footer a[href='/data']")
        assert link is not None
        assert link.get_text() == "Download the data"

    def test_a_folder_that_is_not_ours_is_a_503(
        self, client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        (open_folder := tmp_path / "shared").mkdir(mode=0o777)
        open_folder.chmod(0o777)
        files = PackageFiles(
            open_folder, "test", lambda: pytest.fail("no build in a folder others can write")
        )
        monkeypatch.setattr(pages, "get_package_files", lambda: files)
        response = client.get("/data/votes.csv.gz")
        assert response.status_code == 503
        assert "cannot be prepared just now (PermissionError)" in response.text


class TestDownloads:
    def test_a_table(self, client: TestClient, real_package: BuiltPackage) -> None:
        response = client.get("/data/votes.csv.gz")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/gzip"
        assert response.headers["content-disposition"] == 'attachment; filename="votes.csv.gz"'
        assert response.headers["cache-control"].startswith("public, max-age=")
        assert response.headers["etag"].startswith('W/"')
        assert response.content == real_package.path("votes.csv.gz").read_bytes()
        assert gzip.decompress(response.content).startswith(b"resolution_id,state,vote\n")

    def test_head_and_revalidation(self, client: TestClient, real_package: BuiltPackage) -> None:
        got = client.get("/data/separate_votes.csv.gz")
        head = client.head("/data/separate_votes.csv.gz")
        assert head.status_code == 200
        assert head.content == b""
        for name in ("content-type", "content-length", "content-disposition", "etag", "cache-control"):
            assert head.headers[name] == got.headers[name]
        again = client.get("/data/separate_votes.csv.gz", headers={"If-None-Match": got.headers["etag"]})
        assert again.status_code == 304
        assert again.content == b""

    def test_the_descriptor(self, client: TestClient, real_package: BuiltPackage) -> None:
        response = client.get("/data/datapackage.json")
        assert response.headers["content-type"] == "application/json"
        assert response.headers["content-disposition"] == 'inline; filename="datapackage.json"'
        assert response.json()["version"] == real_package.version

    def test_a_file_that_is_not_there(self, client: TestClient, real_package: BuiltPackage) -> None:
        response = client.get("/data/passwords.csv.gz")
        assert response.status_code == 404
        assert "The data package has no file named “passwords.csv.gz”" in response.text

    def test_a_second_download_does_not_rebuild(
        self, client: TestClient, real_package: BuiltPackage, package_files: PackageFiles
    ) -> None:
        builds = package_files.builds
        inode = real_package.path("votes.csv.gz").stat().st_ino
        for _ in range(2):
            assert client.get("/data/votes.csv.gz").status_code == 200
        assert package_files.builds == builds == 1
        assert real_package.path("votes.csv.gz").stat().st_ino == inode
