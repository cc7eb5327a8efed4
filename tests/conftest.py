"""Tests run on real PostgreSQL: `JOBMATCH_TEST_DATABASE_URL` when set, otherwise the embedded server.

The schema is built by running the migrations; each test starts from empty tables.
`client` carries a service token with `admin` and `postings:write`; `client_as(headers)` is the same app with other
headers, e.g. `client_as(seeker_headers("alice"))` (see `tests/auth.py` for one helper per role).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from jobmatch.app import create_app
from jobmatch.db import migrate
from jobmatch.db.embedded import embedded_postgres
from jobmatch.db.engine import make_engine, make_session_factory
from jobmatch.settings import Environment, Settings
from tests.auth import admin_headers, seeker_headers, trusted_issuer

SHARED_DATA = Path(os.environ.get("JOBMATCH_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    configured = os.environ.get("JOBMATCH_TEST_DATABASE_URL")
    if configured:
        yield configured
        return
    with embedded_postgres(tmp_path_factory.mktemp("pgdata")) as url:
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def _empty_tables(request: pytest.FixtureRequest) -> None:
    if "engine" not in request.fixturenames:
        return
    engine: Engine = request.getfixturevalue("engine")
    with engine.begin() as connection:
        tables = connection.scalars(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'")
        ).all()
        if tables:
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        environment=Environment.TEST, database_url=database_url, data_dir=tmp_path,  # type: ignore[arg-type]
        embedding_model="hashing", index_upkeep_seconds=0.2, index_refit_on_growth=False,
        trusted_issuers=[trusted_issuer()], dev_tokens=False, rate_limit_per_minute=None,
        pseudonym_secret="test-pseudonym-secret-of-at-least-32-characters",  # type: ignore[arg-type]
    )


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """The app, with a service token holding `admin` and `postings:write` on every request."""
    with TestClient(create_app(settings), raise_server_exceptions=False, headers=admin_headers()) as client:
        yield client


ClientAs = Callable[[dict[str, str]], TestClient]


@pytest.fixture
def client_as(client: TestClient) -> ClientAs:
    """A client of the same running app with other default headers: `client_as(seeker_headers("alice"))`."""

    def make(headers: dict[str, str]) -> TestClient:
        return TestClient(client.app, raise_server_exceptions=False, headers=headers)

    return make


@pytest.fixture
def seeker_client(client_as: ClientAs) -> TestClient:
    """A seeker (subject `seeker-1`): creates and reads their own profile."""
    return client_as(seeker_headers("seeker-1"))
