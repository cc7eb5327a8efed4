"""Configuration: one `Settings` object, read from `JOBMATCH_*` environment variables."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Self

import platformdirs
from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("jobmatch"))


class Settings(BaseSettings):
    """Every knob jobmatch has; see the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="JOBMATCH_", extra="ignore")

    environment: Environment = Environment.DEVELOPMENT
    database_url: SecretStr | None = Field(
        default=None,
        description="PostgreSQL URL; when unset an embedded PostgreSQL is started in the data folder.",
    )
    data_dir: Path = Field(default_factory=default_data_dir)
    log_json: bool | None = Field(default=None, description="JSON logs; defaults to on in production.")
    log_level: str = "INFO"
    statement_timeout_ms: int = 30_000
    import_batch_size: int = 1_000
    max_page_size: int = 200
    max_body_bytes: int = 50 * 1024 * 1024
    demo_on_empty: bool = True
    embedding_model: str | None = Field(
        default=None,
        description="A sentence-transformers model folder; unset means the bundled all-MiniLM-L6-v2, 'hashing' a test fake.",
    )
    embedding_query_prefix: str = ""
    embedding_passage_prefix: str = ""
    index_keep_versions: int = Field(default=3, ge=1)
    index_upkeep_seconds: float = Field(default=1.0, gt=0)

    @model_validator(mode="after")
    def _production_needs_a_real_database(self) -> Self:
        if self.environment is Environment.PRODUCTION and self.database_url is None:
            raise ValueError("JOBMATCH_DATABASE_URL must be set in production; the embedded PostgreSQL is for development")
        return self

    @property
    def is_production(self) -> bool:
        return self.environment is Environment.PRODUCTION

    @property
    def json_logs(self) -> bool:
        return self.is_production if self.log_json is None else self.log_json

    @property
    def pgdata_dir(self) -> Path:
        return self.data_dir / "pgdata"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"
