"""Application settings: the only place that reads the environment."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "var" / "unga.sqlite3"
DEV_SECRET_KEY = "development-only-secret-key-not-for-production"


class Settings(BaseSettings):
    """Configuration from environment variables (prefix ``UNGA_``; the database URL is ``DATABASE_URL``)."""

    model_config = SettingsConfigDict(env_prefix="UNGA_", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_SQLITE_PATH}",
        validation_alias=AliasChoices("DATABASE_URL", "UNGA_DATABASE_URL"),
    )
    # An optional read replica (e.g. a PostgreSQL hot standby) for the public pages and the API; the
    # admin and every write use DATABASE_URL. Unset, everything uses DATABASE_URL.
    read_database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("READ_DATABASE_URL", "UNGA_READ_DATABASE_URL"),
    )
    environment: Literal["development", "test", "production"] = "development"
    # Shipped sources imported by `unga serve` into an empty database.
    data_dir: Path = PROJECT_ROOT / "data"
    page_size: int = 50
    # Signs the admin session cookie. Outside production an unsafe default keeps development simple;
    # production refuses to start without one (UNGA_SECRET_KEY, at least 32 characters).
    secret_key: SecretStr = SecretStr("")
    # Mark the admin cookies Secure and give them the __Host- prefix. Unset: in production (where a browser
    # reaches the site over HTTPS, through a proxy if need be), and whenever a request came over HTTPS.
    # False in production only for a test over plain HTTP on this machine (benchmarks/load.py).
    secure_cookies: bool | None = None
    # Where the public reaches the site (https://votes.example.org): every absolute link (feeds, canonical
    # and Open Graph tags, embed snippets, CSV links) is built from it, never from a request's Host header,
    # so a forged Host cannot end up in a cached page. Unset: the address the server answers on.
    public_url: str = ""
    # Host names (comma-separated) the site answers to; any other Host header gets a 400. Always allowed:
    # the public URL's host, the address the server answers on, and localhost (health checks).
    allowed_hosts: str = ""
    # Failed sign-ins are kept in the audit log this many days (`unga purge-sessions` removes older ones);
    # every other audit event (what a signed-in admin changed) is kept this many days (0: for ever).
    signin_audit_days: int = Field(default=90, ge=1)
    audit_retention_days: int = Field(default=0, ge=0)
    # The Argon2id cost of admin password hashes (app/admin/passwords.py): 64 MiB and 3 passes, about
    # 0.2 s a sign-in. Only the test suite, which signs in hundreds of times, lowers it (tests/conftest.py).
    password_hash_memory_kib: int = Field(default=65536, ge=32)
    password_hash_passes: int = Field(default=3, ge=1)
    admin_session_idle_minutes: int = Field(default=60, ge=1)
    admin_session_max_hours: int = Field(default=12, ge=1)
    # Observability: one JSON line per request on stderr, and statements slower than this many
    # milliseconds counted (/metrics) and logged with their text (never their parameters); 0 turns it off.
    request_log: bool = True
    slow_query_ms: float = Field(default=250.0, ge=0)
    # Connections per worker process: pool_size kept open, up to max_overflow more under load. Keep
    # workers x (both) under PostgreSQL's max_connections (100 by default). A request that waits longer
    # than pool_timeout seconds for a connection gets a 503 ("busy") rather than hanging.
    db_pool_size: int = Field(default=10, ge=1)
    db_max_overflow: int = Field(default=10, ge=0)
    db_pool_timeout: float = Field(default=10.0, gt=0)
    # Where the workers of this machine share the pages they render (app/cache/shared.py); empty: a
    # folder in the system's temporary directory, named after the database and the code.
    page_cache_dir: Path | None = None
    # Render the pages readers ask for first before answering (app/cache/warm.py): unset, in production
    # only (a start then takes up to warm_seconds longer; the quick start stays quick).
    warm_start: bool | None = None
    warm_seconds: float = Field(default=60.0, ge=0)
    # Re-estimate the ideal points (app.ideal) in a background thread after each admin save that changes
    # a recorded vote; the test suite turns it off (its saves are rolled back).
    ideal_points_refit: bool = True
    # Where the data package of the /data page is built, once per data version (app/opendata/files.py);
    # empty: a folder in the system's temporary directory, named after the user.
    download_dir: Path | None = None
    # Where the worker processes of this machine keep their request and slow-query counts, so that
    # /metrics adds them up (prometheus_client's multiprocess mode, app/kit/counters.py). The library
    # reads this variable from the environment itself, so it is the library's name, without our prefix.
    # Unset, each process counts alone; `unga serve --workers N` sets up a folder of its own.
    metrics_dir: Path | None = Field(default=None, validation_alias="PROMETHEUS_MULTIPROC_DIR")

    @model_validator(mode="after")
    def _safe_in_production(self) -> Settings:
        if self.environment == "production" and len(self.secret_key.get_secret_value()) < 32:
            raise ValueError("UNGA_SECRET_KEY must be set (32+ characters) in production")
        if self.public_url and urlsplit(self.public_url).scheme not in ("http", "https"):
            raise ValueError("UNGA_PUBLIC_URL must be an http:// or https:// address")
        return self

    def check_serving(self) -> None:
        """Refuse to serve signed with the development key unless development was asked for by name
        (UNGA_ENVIRONMENT=development, which `python3.11 dev.py serve` sets): a server started bare
        would otherwise sign admin cookies with a key anyone can read in this file."""
        if self.secret_key.get_secret_value() or self.environment == "test":
            return
        if self.environment != "development" or "environment" not in self.model_fields_set:
            raise ValueError(
                "UNGA_SECRET_KEY is not set: set it (32+ random characters), or set "
                "UNGA_ENVIRONMENT=development to serve with the development key on this machine"
            )

    @property
    def warms_pages(self) -> bool:
        return self.environment == "production" if self.warm_start is None else self.warm_start

    @property
    def cookies_secure(self) -> bool:
        """Whether the admin cookies are always Secure (and named with the __Host- prefix)."""
        return self.environment == "production" if self.secure_cookies is None else self.secure_cookies

    @property
    def public_base(self) -> str:
        return self.public_url.rstrip("/")

    @property
    def host_names(self) -> frozenset[str]:
        """The Host names configured or implied (the server's own address is added per request)."""
        names = {"localhost", "127.0.0.1", "::1"}
        names.update(h.strip().lower() for h in self.allowed_hosts.split(",") if h.strip())
        if self.public_url:
            names.add((urlsplit(self.public_url).hostname or "").lower())
        return frozenset(names - {""})

    @property
    def signing_key(self) -> str:
        return self.secret_key.get_secret_value() or DEV_SECRET_KEY

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()


def share_metrics(folder: Path) -> None:
    """Have the worker processes started from now on count in ``folder`` (app/kit/counters.py): through
    the environment, which they inherit and prometheus_client reads when their counters are made."""
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    get_settings.cache_clear()


def child_environment(**extra: str) -> dict[str, str]:
    """The environment for a child process (pg_dump, pg_restore) with some variables added."""
    return {**os.environ, **extra}
