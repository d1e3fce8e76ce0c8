"""Pages shared by the workers of one machine (app.cache.shared): a page one worker rendered is answered
by the others without rendering it again, and a broken store only costs renders."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from app.cache.middleware import PublicCacheMiddleware
from app.cache.shared import SharedPages, default_folder, namespace, sweep_old_folders
from app.cache.store import ResponseCache
from tests.cache.test_page_cache import Counter


def worker(counter: Counter, folder: Path, space: str = "one database") -> TestClient:
    """One uvicorn worker's cache: its own memory, the machine's shared folder."""
    cache = ResponseCache(shared=SharedPages(folder, space))
    return TestClient(
        PublicCacheMiddleware(
            counter.app(), version=lambda: counter.version, cache=cache, version_ttl=0, refresh_after=0
        )
    )


def test_a_page_is_rendered_once_for_all_workers(tmp_path: Path) -> None:
    counter = Counter()
    first, second = worker(counter, tmp_path), worker(counter, tmp_path)
    assert first.get("/page").text == "render 1"
    assert second.get("/page").text == "render 1"  # from the first worker's render
    assert second.get("/page?other=1").text == "render 2"
    assert first.get("/page?other=1").text == "render 2"
    assert counter.renders == 2


def test_after_a_change_a_worker_takes_the_newer_render_of_another(tmp_path: Path) -> None:
    counter = Counter()
    first, second = worker(counter, tmp_path), worker(counter, tmp_path)
    with first, second:
        assert first.get("/page").text == "render 1"
        assert second.get("/page").text == "render 1"
        counter.version = "v2"
        first.get("/page")  # stale at once, re-rendered in the background ...
        for _ in range(400):
            if first.get("/page").text == "render 2":
                break
        else:
            pytest.fail("the first worker never re-rendered the page")
        # ... and the second, seeing the new version, finds that render (in the background as well: on a
        # busy machine not always by its next request).
        for _ in range(400):
            if second.get("/page").text == "render 2":
                break
        else:
            pytest.fail("the second worker never took the first one's render")
        assert counter.renders == 2  # taken, not rendered again


def test_a_broken_store_only_costs_renders(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the store's folder should be")
    counter = Counter()
    with caplog.at_level(logging.WARNING, logger="app.cache.shared"):
        client = worker(counter, blocked)
        assert client.get("/page").text == "render 1"
        assert client.get("/page").text == "render 1"  # the worker's own memory still works
    assert any("shared page cache" in r.getMessage() for r in caplog.records)


def test_each_database_has_its_own_pages() -> None:
    a, b = "sqlite:///a.sqlite3", "sqlite:///b.sqlite3"
    assert default_folder(a) != default_folder(b)
    assert namespace(a) != namespace(a, "https://votes.example.org")
    assert default_folder(a) == Path(tempfile.gettempdir()) / f"unga-pages-{os.getuid()}-{namespace(a)}"
    # Every worker process of the machine must find the same folder: nothing per process in the name.
    other_process = subprocess.run(
        [sys.executable, "-c", f"from app.cache.shared import default_folder; print(default_folder({a!r}))"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert other_process.stdout.strip() == str(default_folder(a))


def test_a_folder_others_can_write_to_is_not_used(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Entries are unpickled when read: a folder another user could write to would let them run code."""
    open_folder = tmp_path / "pages"
    open_folder.mkdir(mode=0o777)
    open_folder.chmod(0o777)
    counter = Counter()
    with caplog.at_level(logging.WARNING, logger="app.cache.shared"):
        first, second = worker(counter, open_folder), worker(counter, open_folder)
        assert first.get("/page").text == "render 1"
        assert second.get("/page").text == "render 2"  # nothing shared
    assert any("PermissionError" in r.getMessage() for r in caplog.records)
    assert not any(open_folder.iterdir())


def test_default_folders_of_other_releases_are_removed_once_unused(tmp_path: Path) -> None:
    current = tmp_path / f"unga-pages-{os.getuid()}-current"
    old, recent = tmp_path / f"unga-pages-{os.getuid()}-old", tmp_path / f"unga-pages-{os.getuid()}-recent"
    unrelated = tmp_path / "something-else"
    for folder in (current, old, recent, unrelated):
        folder.mkdir(mode=0o700)
        (folder / "cache.db").write_text("")
    day_and_more = time.time() - 25 * 3600
    os.utime(old / "cache.db", (day_and_more, day_and_more))
    assert sweep_old_folders(current) == [old]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([current.name, recent.name, unrelated.name])
    assert sweep_old_folders(tmp_path / "configured") == []  # a folder set in UNGA_PAGE_CACHE_DIR: left alone


def test_databases_sharing_a_folder_never_see_each_others_pages(tmp_path: Path) -> None:
    """A folder set in UNGA_PAGE_CACHE_DIR may serve several databases whose data versions coincide."""
    first, second = Counter(), Counter()
    assert worker(first, tmp_path, namespace("sqlite:///a.sqlite3")).get("/page").text == "render 1"
    assert worker(second, tmp_path, namespace("sqlite:///b.sqlite3")).get("/page").text == "render 1"
    assert (first.renders, second.renders) == (1, 1)  # each rendered its own
