"""Application settings: the only place that reads the environment."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "var" / "unga.sqlite3"


class Settings(BaseSettings):
    """Configuration from environment variables (prefix ``UNGA_``; the database URL is ``DATABASE_URL``)."""

    model_config = SettingsConfigDict(env_prefix="UNGA_", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_SQLITE_PATH}",
        validation_alias=AliasChoices("DATABASE_URL", "UNGA_DATABASE_URL"),
    )
    environment: Literal["development", "test", "production"] = "development"
    # Shipped sources imported by `unga serve` into an empty database.
    data_dir: Path = PROJECT_ROOT / "data"
    page_size: int = 50

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
