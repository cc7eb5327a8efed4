"""What the benchmark scripts share: a database to run on, an engine in a schema of their own, a clean stop."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from jobmatch.db.embedded import embedded_postgres
from jobmatch.db.engine import make_engine


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


def stop_on_signal(signum: int, _frame: Any) -> None:
    """A signal handler that unwinds like Ctrl-C, so `finally` blocks stop the embedded server."""
    raise KeyboardInterrupt(f"signal {signum}")
