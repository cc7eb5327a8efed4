"""Migrations build the schema from empty, match the ORM tables, and go down again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from jobmatch.db import migrate
from jobmatch.db.tables import Base


def test_migrations_match_the_tables(engine: Engine) -> None:
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_down_to_empty_and_up_again(engine: Engine) -> None:
    migrate.downgrade(engine, "base")
    try:
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        assert migrate.current_revision(engine) is None
    finally:
        migrate.upgrade(engine)
    assert migrate.is_current(engine)
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM postings")) == 0
