"""Read a Prometheus text exposition the way Prometheus does."""

from __future__ import annotations

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families


def scrape(client: TestClient) -> str:
    response = client.get("/metrics", headers={"Authorization": ""})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


def sample(exposition: str, name: str, **labels: str) -> float | None:
    """The value of the sample `name` whose labels include `labels`, or None when there is none."""
    for family in text_string_to_metric_families(exposition):
        for found in family.samples:
            if found.name == name and all(found.labels.get(key) == value for key, value in labels.items()):
                return float(found.value)
    return None


def value(exposition: str, name: str, **labels: str) -> float:
    """The sum over every sample `name` whose labels include `labels` (0 when none): what `sum(...)` would give."""
    return sum(
        float(found.value)
        for family in text_string_to_metric_families(exposition)
        for found in family.samples
        if found.name == name and all(found.labels.get(key) == wanted for key, wanted in labels.items())
    )
