"""What the benchmark scripts share: a database to run on, an engine in a fresh schema of their own, a clean stop."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from jobmatch.db import migrate
from jobmatch.db.embedded import embedded_postgres
from jobmatch.db.engine import make_engine, make_session_factory
from jobmatch.geo.service import load_file


@contextmanager
def database(url: str | None, workdir: Path) -> Iterator[str]:
    """The given PostgreSQL URL, or an embedded server in `workdir` for as long as the benchmark runs."""
    if url is not None:
        yield url
        return
    with embedded_postgres(workdir / "pgdata") as embedded_url:
        yield embedded_url


def schema_engine(url: str, schema: str) -> Engine:
    """The service's engine without a statement timeout, every connection working in `schema`."""
    engine = make_engine(url, statement_timeout_ms=0)

    @event.listens_for(engine, "connect", insert=True)
    def _use_schema(dbapi_connection: Any, _record: Any) -> None:
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        dbapi_connection.execute(f"SET search_path TO {schema}")
        dbapi_connection.autocommit = autocommit

    return engine


def fresh_schema(engine: Engine, schema: str) -> None:
    """Drop `schema`, create it empty and migrate it to the newest revision (`engine` works in it: `schema_engine`)."""
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    migrate.upgrade(engine)


def market_schema(url: str, schema: str, geonames: Path) -> tuple[Engine, sessionmaker[Session]]:
    """A fresh schema of its own with GeoNames' postal codes loaded: where a generated market goes."""
    engine = schema_engine(url, schema)
    fresh_schema(engine, schema)
    session_factory = make_session_factory(engine)
    with session_factory.begin() as session:
        load_file(session, path=geonames)
    return engine, session_factory


def stop_on_signal(signum: int, _frame: Any) -> None:
    """A signal handler that unwinds like Ctrl-C, so `finally` blocks stop the embedded server."""
    raise KeyboardInterrupt(f"signal {signum}")
