"""Headers, the API docs' assets, cookies and the secret key (issue 13, item 7): the docs load nothing
from a CDN, every answer carries a Permissions-Policy, HSTS comes over HTTPS, production cookies are
Secure and ``__Host-`` prefixed, and a server refuses the development key unless development is asked
for by name."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from app.admin.accounts import create_account
from app.config import Settings, get_settings
from app.main import create_app
from tests.admin.conftest import PASSWORD, csrf_from
from tests.conftest import reading_from

SetEnv = Callable[..., None]


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[SetEnv]:
    def apply(**variables: str | None) -> None:
        for name, value in variables.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        get_settings.cache_clear()

    yield apply
    monkeypatch.undo()
    get_settings.cache_clear()


class TestHeaders:
    def test_permissions_policy_everywhere(self, client: TestClient) -> None:
        for path in ("/", "/api/resolutions/A/RES/ES-10/24", "/admin/login", "/docs"):
            policy = client.get(path).headers["permissions-policy"]
            assert "camera=()" in policy
            assert "geolocation=()" in policy

    def test_hsts_over_https_only(self, client: TestClient) -> None:
        assert "strict-transport-security" not in client.get("/about").headers
        with TestClient(client.app, base_url="https://testserver") as secure:
            assert secure.get("/about").headers["strict-transport-security"].startswith("max-age=")

    @pytest.mark.parametrize("path", ["/docs", "/redoc"])
    def test_the_docs_load_nothing_from_elsewhere(self, client: TestClient, path: str) -> None:
        response = client.get(path)
        assert response.status_code == 200
        page = BeautifulSoup(response.text, "lxml")
        assets = [str(n["src"]) for n in page.select("script[src]")]
        assets += [str(n["href"]) for n in page.select("link[href]")]
        assert assets
        for asset in assets:
            assert asset.startswith("/static/"), asset
            assert client.get(asset).status_code == 200, asset
        assert not page.select("script:not([src])")  # no inline script
        csp = response.headers["content-security-policy"]
        script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
        assert script_src.strip() == "script-src 'self'"
        assert "http" not in csp  # no other origin at all


class TestProductionCookies:
    def test_secure_host_prefixed_cookies(self, db: Session, settings_env: SetEnv) -> None:
        settings_env(UNGA_ENVIRONMENT="production", UNGA_SECRET_KEY="k" * 40)
        create_account(db, "ada", PASSWORD)
        with TestClient(
            reading_from(create_app(page_cache=False), db), base_url="https://testserver"
        ) as browser:
            form = browser.get("/admin/login")
            signin = form.headers["set-cookie"]
            assert signin.startswith("__Host-unga_admin_signin=")
            assert "Path=/;" in signin or signin.endswith("Path=/")
            assert "Secure" in signin
            done = browser.post(
                "/admin/login",
                data={
                    "name": "ada",
                    "password": PASSWORD,
                    "csrf_token": csrf_from(form.text),
                    "next": "/admin",
                },
                headers={"Origin": "https://testserver"},
                follow_redirects=False,
            )
            assert done.status_code == 303, done.text
            cookies = {c.split("=", 1)[0]: c for c in done.headers.get_list("set-cookie")}
            for name in ("__Host-unga_admin", "__Host-unga_admin_device"):
                assert "Secure" in cookies[name]
                assert "Path=/" in cookies[name]
                assert "HttpOnly" in cookies[name]
                assert "Domain" not in cookies[name]
            assert browser.get("/admin", follow_redirects=False).status_code == 200

    def test_development_cookies_keep_their_names(self, settings_env: SetEnv) -> None:
        settings_env(UNGA_ENVIRONMENT="development")
        assert not get_settings().cookies_secure


class TestSecretKey:
    def test_a_bare_server_refuses_the_development_key(self, settings_env: SetEnv) -> None:
        settings_env(UNGA_ENVIRONMENT=None, UNGA_SECRET_KEY=None)
        with pytest.raises(ValueError, match="UNGA_SECRET_KEY is not set"):
            create_app(page_cache=False)

    @pytest.mark.parametrize(
        "settings",
        [
            {"environment": "development"},  # asked for by name (dev.py serve does)
            {"environment": "test"},
            {"environment": "production", "secret_key": "k" * 40},
            {"secret_key": "k" * 40},
        ],
    )
    def test_what_may_serve(self, settings_env: SetEnv, settings: dict[str, str]) -> None:
        settings_env(UNGA_ENVIRONMENT=None, UNGA_SECRET_KEY=None)
        Settings(**settings).check_serving()  # type: ignore[arg-type]

    def test_unga_serve_says_what_to_set(self, tmp_path: Path) -> None:
        env = {k: v for k, v in os.environ.items() if k not in ("UNGA_ENVIRONMENT", "UNGA_SECRET_KEY")}
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'serve.sqlite3'}"
        done = subprocess.run(
            [sys.executable, "-c", "from app.cli import main; main()", "serve", "--port", "8299"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 1
        said = " ".join(done.stdout.split() + done.stderr.split())
        assert "UNGA_SECRET_KEY is not set" in said
        assert "UNGA_ENVIRONMENT=development" in said
