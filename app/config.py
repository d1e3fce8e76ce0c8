"""Application settings: the only place that reads the environment."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

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
    # Mark the admin cookie Secure (it is also Secure whenever the request came over HTTPS).
    secure_cookies: bool = False
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
    # Where the data package of the /data page is built, once per data version (app/opendata/files.py);
    # empty: a folder in the system's temporary directory, named after the user.
    download_dir: Path | None = None

    @model_validator(mode="after")
    def _safe_in_production(self) -> Settings:
        if self.environment == "production" and len(self.secret_key.get_secret_value()) < 32:
            raise ValueError("UNGA_SECRET_KEY must be set (32+ characters) in production")
        return self

    @property
    def signing_key(self) -> str:
        return self.secret_key.get_secret_value() or DEV_SECRET_KEY

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()


def child_environment(**extra: str) -> dict[str, str]:
    """The environment for a child process (pg_dump, pg_restore) with some variables added."""
    return {**os.environ, **extra}
