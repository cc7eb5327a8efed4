"""Health, readiness, problem bodies, request ids."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from jobmatch.app import create_app
from jobmatch.db import migrate
from jobmatch.settings import Settings
from tests.matching_support import build_index


def test_healthz_and_readyz(client: TestClient, settings: Settings, session_factory: sessionmaker[Session]) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    not_yet = client.get("/readyz")
    assert not_yet.status_code == 503
    assert not_yet.json()["checks"] == {
        "database": "ok", "schema": "ok", "index": "no search index yet; run `jobmatch reindex`",
    }
    build_index(settings, session_factory)
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"ready": True, "checks": {"database": "ok", "schema": "ok", "index": "ok"}}


def test_readyz_refuses_a_schema_that_is_behind(settings: Settings, engine: Engine) -> None:
    migrate.downgrade(engine, "0001")
    try:
        with TestClient(create_app(settings)) as client:
            response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["ready"] is False
        assert "jobmatch db upgrade" in response.json()["checks"]["schema"]
    finally:
        migrate.upgrade(engine)


def test_readyz_reports_an_unreachable_database(settings: Settings) -> None:
    unreachable = settings.model_copy(update={"database_url": None})
    app = create_app(unreachable, database_url="postgresql://nobody@127.0.0.1:1/none")
    with TestClient(app) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"].startswith("unreachable")


def test_unknown_route_is_a_problem(client: TestClient) -> None:
    response = client.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_request_id_is_echoed_or_made(client: TestClient) -> None:
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"] == "abc-123"
    assert len(client.get("/healthz").headers["x-request-id"]) == 32


@pytest.mark.parametrize("sent", [
    "12345678901",  # a national identity number
    "123456 78901",
    "kari.nordmann@example.no",
    "x" * 65,
    "spaces are not ids",
    "ok\u00e6",
])
def test_a_request_id_that_is_not_an_id_is_replaced_and_never_logged(
    client: TestClient, caplog: pytest.LogCaptureFixture, sent: str,
) -> None:
    with caplog.at_level(logging.INFO):
        response = client.get("/healthz", headers={"X-Request-ID": sent.encode()})
    assert response.headers["x-request-id"] != sent
    assert len(response.headers["x-request-id"]) == 32
    assert all(getattr(record, "request_id", "") != sent for record in caplog.records)
    assert sent not in caplog.text


@pytest.mark.parametrize("sent", ["trace.2026-12-01_abc", "A" * 64, "0af7651916cd43dd8448eb211c80319c"])
def test_an_id_shaped_request_id_is_kept(client: TestClient, sent: str) -> None:
    assert client.get("/healthz", headers={"X-Request-ID": sent}).headers["x-request-id"] == sent


def test_every_answer_carries_no_store_and_the_security_headers(client: TestClient) -> None:
    for response in (client.get("/healthz"), client.get("/v1/nothing-here"), client.get("/v1/postings", params={"limit": 0})):
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-request-id"]


def test_malformed_json_body_is_422_without_a_stack_trace(client: TestClient) -> None:
    response = client.post("/v1/postings", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert "Traceback" not in response.text
