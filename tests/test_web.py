"""The web app beside the API: its files at `/`, the development sign-in, and the API's own answers left alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from jobmatch.app import create_app
from jobmatch.settings import Settings
from jobmatch.web.serve import WebAppFallback


@pytest.fixture
def dev_client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """The app with development tokens trusted, as `jobmatch serve` runs it in development."""
    with TestClient(create_app(settings.model_copy(update={"dev_tokens": True})), raise_server_exceptions=False) as client:
        yield client


def test_the_sign_in_page_lists_every_demo_seeker_and_a_caseworker_per_unit(dev_client: TestClient) -> None:
    users = dev_client.get("/v1/dev/users").json()["items"]
    assert [user["subject"] for user in users if user["role"] == "seeker"] == [f"demo-{n}" for n in range(1, 13)]
    assert {user["unit"] for user in users if user["role"] == "caseworker"} == {"0301", "4601"}


def test_a_minted_demo_token_signs_the_user_in(dev_client: TestClient) -> None:
    minted = dev_client.post("/v1/dev/tokens", json={"subject": "Z990001"})
    assert minted.status_code == 200
    token = minted.json()["access_token"]
    # A caseworker token is accepted (not 401) and refused only where seekers belong.
    me = dev_client.get("/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 403


def test_only_demo_users_get_tokens(dev_client: TestClient) -> None:
    answer = dev_client.post("/v1/dev/tokens", json={"subject": "Z123456"})
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/problem+json")


def test_the_token_route_does_not_exist_without_development_tokens(client: TestClient) -> None:
    assert client.get("/v1/dev/users").status_code == 404
    assert client.post("/v1/dev/tokens", json={"subject": "demo-1"}).status_code == 404


def _client_with_dist(client: TestClient, dist: Path) -> TestClient:
    client.app.router.default = WebAppFallback(dist, not_found=client.app.router.default.not_found)  # type: ignore[attr-defined]
    return client


def test_app_paths_get_the_page_and_api_paths_stay_the_api(client: TestClient, tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<!doctype html><title>jobmatch</title>")
    (tmp_path / "favicon.svg").write_text("<svg/>")
    web = _client_with_dist(client, tmp_path)
    for path in ("/", "/matches", "/caseworker/seekers/abc"):
        page = web.get(path)
        assert page.status_code == 200, path
        assert "<title>jobmatch</title>" in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]
    assert web.get("/favicon.svg").text == "<svg/>"
    escape = WebAppFallback(tmp_path, not_found=web.app.router.default.not_found).response_for("/../../pyproject.toml")  # type: ignore[attr-defined]
    assert str(getattr(escape, "path", "")) == str(tmp_path.resolve() / "index.html")  # never a file outside dist
    missing = web.get("/v1/no-such-thing")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert web.post("/v1/me").status_code == 405
    assert web.post("/matches").status_code == 404
    assert web.get("/healthz").headers["content-security-policy"].startswith("default-src 'none'")
