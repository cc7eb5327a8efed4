"""What every CLI command starts with: settings, logging, and a database (the embedded one when none is set).

The heavy imports are inside the functions: every command module imports this one, and `--help` should stay quick.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from jobmatch.settings import Settings

SCHEMA_BEHIND_EXIT = 3
QUIET_LOGGERS = ("alembic.runtime.plugins", "faiss.loader")
"""Their INFO lines describe library internals (which plugin, which CPU build), not what the command does."""


def load_settings() -> Settings:
    """The settings, or exit 78 with a message naming each bad setting and its rule (never its value)."""
    from jobmatch.logs import configure_logging
    from jobmatch.settings import INVALID_SETTINGS_EXIT, InvalidSettings, read_settings

    try:
        settings = read_settings()
    except InvalidSettings as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(INVALID_SETTINGS_EXIT) from None
    configure_logging(json_logs=settings.json_logs, level=settings.log_level)
    for chatty in QUIET_LOGGERS:
        logging.getLogger(chatty).setLevel(logging.WARNING)
    return settings


@contextmanager
def database_url(settings: Settings) -> Iterator[str]:
    """The configured database, or the embedded PostgreSQL started for as long as the command runs."""
    if settings.database_url is not None:
        yield settings.database_url.get_secret_value()
        return
    from jobmatch.db.embedded import embedded_postgres

    with embedded_postgres(settings.pgdata_dir) as url:
        yield url


@contextmanager
def sigterm_unwinds() -> Iterator[None]:
    """SIGTERM ends the command by unwinding, as Ctrl-C does, so the embedded PostgreSQL is stopped on the way out.

    uvicorn shuts down gracefully on SIGTERM and then raises the signal again; under the default handler the
    process would die right there, leaving the embedded server running.
    """
    def unwind(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, unwind)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def require_current_schema(engine: Engine) -> None:
    from jobmatch.db import migrate

    if not migrate.is_current(engine):
        typer.echo("the database schema is behind; run `jobmatch db upgrade` first", err=True)
        raise typer.Exit(SCHEMA_BEHIND_EXIT)


@contextmanager
def current_database(settings: Settings) -> Iterator[Engine]:
    """An engine on a database whose schema is current (exit 3 otherwise), disposed of afterwards."""
    from jobmatch.db.engine import make_engine

    with database_url(settings) as url:
        engine = make_engine(url)
        try:
            require_current_schema(engine)
            yield engine
        finally:
            engine.dispose()
