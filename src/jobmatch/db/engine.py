"""Engine and session factory."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, make_url
from sqlalchemy.orm import Session, sessionmaker


def normalise_url(url: str) -> str:
    """Make plain `postgresql://` URLs use psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


CONNECT_TIMEOUT_SECONDS = 5
POOL_TIMEOUT_SECONDS = 10


def make_engine(url: str, *, statement_timeout_ms: int = 30_000, pool_size: int = 10) -> Engine:
    """Fail fast when the database is away (a request answers 503 in seconds); pre-ping replaces connections it dropped.

    Server options the URL gives (`?options=-csearch_path%3Dmine`) are kept beside the statement timeout.
    """
    parsed = make_url(normalise_url(url))
    given = parsed.query.get("options", "")
    options = " ".join([*([given] if isinstance(given, str) else given), f"-c statement_timeout={statement_timeout_ms}"]).strip()
    return create_engine(
        parsed.difference_update_query(["options"]),
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        pool_timeout=POOL_TIMEOUT_SECONDS,
        connect_args={"options": options, "connect_timeout": CONNECT_TIMEOUT_SECONDS},
    )


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
