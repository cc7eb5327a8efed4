"""The committed `openapi.yaml` is the contract: it must match what the app serves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from fastapi.testclient import TestClient

from jobmatch.openapi import render_openapi

CONTRACT = Path(__file__).resolve().parents[1] / "openapi.yaml"


def without_development_routes(document: dict[str, Any]) -> dict[str, Any]:
    """The contract as an app without development tokens serves it: no `development` routes, nor the schemas only they use."""
    paths = {path: item for path, item in document["paths"].items()
             if not all("development" in operation.get("tags", []) for operation in item.values())}
    schemas = dict(document["components"]["schemas"])
    while True:
        text = json.dumps([paths, schemas])
        unused = [name for name in schemas if f'"#/components/schemas/{name}"' not in text]
        if not unused:
            break
        for name in unused:
            del schemas[name]
    return {**document, "paths": paths, "components": {**document["components"], "schemas": schemas}}


def test_openapi_yaml_matches_the_app() -> None:
    committed = yaml.safe_load(CONTRACT.read_text())
    assert committed == yaml.safe_load(render_openapi()), "openapi.yaml is stale: run `jobmatch openapi`"


def test_served_document_is_the_contract(client: TestClient) -> None:
    assert client.get("/openapi.json").json() == without_development_routes(yaml.safe_load(CONTRACT.read_text()))
