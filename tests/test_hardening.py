"""Limits and headers: body sizes, rate limits, CORS, security headers, and settings that refuse unsafe values."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import Engine

from jobmatch.app import create_app
from jobmatch.hardening.ratelimit import RateLimiter
from jobmatch.settings import Environment, Settings
from tests import auth
from tests.factories import posting_body


@pytest.fixture
def make_client(settings: Settings, engine: Engine) -> Iterator[Any]:
    """A client of an app built with changed settings."""
    clients: list[TestClient] = []

    def make(**changes: Any) -> TestClient:
        client = TestClient(create_app(settings.model_copy(update=changes)), raise_server_exceptions=False,
                            headers=auth.admin_headers())
        clients.append(client.__enter__())
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def test_security_headers_on_every_answer(client: TestClient) -> None:
    for response in (client.get("/healthz"), client.get("/v1/postings"), client.get("/v1/nothing")):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["content-security-policy"].startswith("default-src 'none'")
        assert "strict-transport-security" not in response.headers  # only in production
    assert client.get("/v1/postings").headers["cache-control"] == "no-store"


def test_production_adds_hsts_and_hides_the_docs(make_client: Any) -> None:
    production = make_client(environment=Environment.PRODUCTION, dev_tokens=False)
    response = production.get("/healthz")
    assert response.headers["strict-transport-security"].startswith("max-age=")
    assert production.get("/docs").status_code == 404
    assert production.get("/openapi.json").status_code == 404


def test_a_body_over_the_limit_is_413_before_it_is_read(make_client: Any) -> None:
    small = make_client(max_body_bytes=2_000, max_import_bytes=10_000)
    big = posting_body(description="x" * 3_000)
    declared = small.post("/v1/postings", json=big)
    assert declared.status_code == 413
    assert declared.headers["content-type"] == "application/problem+json"

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit is counted while streaming
        body = json.dumps(big).encode()
        for start in range(0, len(body), 500):
            yield body[start:start + 500]

    streamed = small.post("/v1/postings", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413
    line = json.dumps(posting_body()).encode() + b"\n"
    accepted = small.post("/v1/postings/import", content=line * 2, headers={"content-type": "application/x-ndjson"})
    assert accepted.status_code == 200, accepted.text  # the import has its own, larger limit
    refused = small.post("/v1/postings/import", content=line * 20, headers={"content-type": "application/x-ndjson"})
    assert refused.status_code == 413


def test_page_sizes_are_bounded(client: TestClient, client_as: Any) -> None:
    assert client.get("/v1/postings", params={"limit": 1001}).status_code == 422
    seeker = client_as(auth.seeker_headers("pia"))
    seeker.post("/v1/seekers", json={})
    assert seeker.get("/v1/me/access-log", params={"limit": 201}).status_code == 422


def test_each_principal_has_its_own_rate_limit(make_client: Any) -> None:
    limited = make_client(rate_limit_per_minute=60, rate_limit_burst=3)
    alice, bob = auth.seeker_headers("alice"), auth.seeker_headers("bob")
    assert [limited.get("/v1/postings", headers=alice).status_code for _ in range(3)] == [200, 200, 200]
    refused = limited.get("/v1/postings", headers=alice)
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert limited.get("/v1/postings", headers=bob).status_code == 200


def test_token_bucket_refills_with_time() -> None:
    now = [0.0]
    limiter = RateLimiter(per_minute=60, burst=2, clock=lambda: now[0])
    limiter.check("k")
    limiter.check("k")
    with pytest.raises(Exception, match="try again in 1 s"):
        limiter.check("k")
    now[0] += 1.0
    limiter.check("k")


def test_cors_allows_only_the_configured_origins(make_client: Any) -> None:
    cors = make_client(cors_origins=["https://arbeidsplassen.test"])
    preflight = {"Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization"}
    allowed = cors.options("/v1/postings", headers={"Origin": "https://arbeidsplassen.test", **preflight})
    assert allowed.headers["access-control-allow-origin"] == "https://arbeidsplassen.test"
    other = cors.options("/v1/postings", headers={"Origin": "https://evil.test", **preflight})
    assert "access-control-allow-origin" not in other.headers


@pytest.mark.parametrize("secret", ["changeme", "secret", "too-short-for-a-key"])
def test_settings_refuse_placeholder_secrets_outside_development(secret: str) -> None:
    with pytest.raises(ValidationError, match="placeholder"):
        Settings(environment=Environment.TEST, pseudonym_secret=secret)  # type: ignore[arg-type]
    Settings(environment=Environment.DEVELOPMENT, pseudonym_secret=secret)  # type: ignore[arg-type]


def test_production_settings_refuse_development_shortcuts() -> None:
    issuer = auth.trusted_issuer()
    good: dict[str, Any] = {"environment": "production", "database_url": "postgresql://db/jobmatch",
                            "pseudonym_secret": "p" * 40, "trusted_issuers": [issuer]}
    assert Settings(**good).dev_tokens_enabled is False
    for change, message in [
        ({"pseudonym_secret": None}, "must be set in production"),
        ({"dev_tokens": True}, "DEV_TOKENS"),
        ({"trusted_issuers": []}, "at least one issuer"),
        ({"trusted_issuers": [{"issuer": "i", "audience": "a", "jwks_url": "http://idp/jwks"}]}, "https"),
        ({"cors_origins": ["*"]}, "CORS"),
    ]:
        with pytest.raises(ValidationError, match=message):
            Settings(**{**good, **change})


def test_the_token_command_refuses_in_production(tmp_path: Any) -> None:
    from typer.testing import CliRunner

    from jobmatch.cli import app as cli

    env = {"JOBMATCH_ENVIRONMENT": "production", "JOBMATCH_DATABASE_URL": "postgresql://db/x", "JOBMATCH_DATA_DIR": str(tmp_path),
           "JOBMATCH_PSEUDONYM_SECRET": "p" * 40,
           "JOBMATCH_TRUSTED_ISSUERS": json.dumps([auth.trusted_issuer().model_dump(mode="json")])}
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        result = CliRunner(env=env).invoke(cli, ["token", "--role", "admin"])
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    assert result.exit_code == 2
    assert not (tmp_path / "dev-keys").exists()
