"""HEAD is answered on every page and API route, with GET's headers and no body."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient


@pytest.mark.parametrize(
    "path",
    ["/", "/resolutions/A/RES/ES-10/24", "/countries/USA", "/api/resolutions/A/RES/ES-10/24", "/series"],
)
def test_head_matches_get(client: TestClient, path: str) -> None:
    got = client.get(path)
    head = client.head(path)
    assert got.status_code == head.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-length"] == str(len(got.content))


def test_head_of_a_missing_page_is_404(client: TestClient) -> None:
    response = client.head("/resolutions/A/RES/99999/1")
    assert response.status_code == 404
    assert response.content == b""


def test_other_methods_still_refused(client: TestClient) -> None:
    assert client.delete("/resolutions/A/RES/ES-10/24").status_code == 405
