"""The committed `openapi.yaml` is the contract: it must match what the app serves."""

from __future__ import annotations

from pathlib import Path

import yaml
from fastapi.testclient import TestClient

from jobmatch.openapi import render_openapi

CONTRACT = Path(__file__).resolve().parents[1] / "openapi.yaml"


def test_openapi_yaml_matches_the_app() -> None:
    committed = yaml.safe_load(CONTRACT.read_text())
    assert committed == yaml.safe_load(render_openapi()), "openapi.yaml is stale: run `jobmatch openapi`"


def test_served_document_is_the_contract(client: TestClient) -> None:
    assert client.get("/openapi.json").json() == yaml.safe_load(CONTRACT.read_text())
