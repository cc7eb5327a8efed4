"""Defence in depth: a stored posting that cannot be read is skipped, logged once and counted; the list keeps working."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from jobmatch.postings.unreadable import unreadable_postings
from tests.factories import posting_body
from tests.learning_support import post_posting


def corrupt(engine: Engine, posting_id: int, assignment: str) -> None:
    """Write what the API refuses, as an older version or a manual fix might have."""
    with engine.begin() as connection:
        connection.execute(text(f"UPDATE postings SET {assignment} WHERE id = :id"), {"id": posting_id})  # noqa: S608


@pytest.mark.parametrize("assignment", [
    "published_at = '0001-01-01T00:00:00+14:00'",  # PostgreSQL holds it, the driver cannot load it
    "expires_at = '10000-01-01T00:00:00Z'",
    "title = ''",  # loads, but is no longer a valid posting
    "locations = '[{}]'::jsonb",
])
def test_an_unreadable_posting_is_skipped_logged_once_and_counted(
    client: TestClient, engine: Engine, caplog: pytest.LogCaptureFixture, assignment: str,
) -> None:
    first, bad, last = (post_posting(client, external_id) for external_id in ("first", "bad", "last"))
    corrupt(engine, bad, assignment)
    skipped_before = unreadable_postings.skipped

    with caplog.at_level(logging.ERROR, logger="jobmatch.postings.unreadable"):
        pages = [client.get("/v1/postings") for _ in range(3)]

    assert [page.status_code for page in pages] == [200, 200, 200]
    assert [item["id"] for item in pages[-1].json()["items"]] == [first, last]
    assert unreadable_postings.skipped - skipped_before == 3
    assert [record.getMessage() for record in caplog.records].count(
        next(record.getMessage() for record in caplog.records if f"posting {bad} " in record.getMessage())
    ) == 1


def test_pages_step_over_an_unreadable_posting(client: TestClient, engine: Engine) -> None:
    ids = [post_posting(client, f"ad-{n}") for n in range(5)]
    corrupt(engine, ids[1], "published_at = '0001-01-01T00:00:00+14:00'")
    seen: list[int] = []
    cursor = None
    for _ in range(5):
        page = client.get("/v1/postings", params={"limit": 2, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200
        seen += [item["id"] for item in page.json()["items"]]
        if (cursor := page.json()["next_cursor"]) is None:
            break
    assert seen == [ids[0], *ids[2:]]


def test_deleting_the_unreadable_posting_still_works(client: TestClient, engine: Engine) -> None:
    bad = post_posting(client, "bad")
    corrupt(engine, bad, "published_at = '0001-01-01T00:00:00+14:00'")
    for response in (client.get(f"/v1/postings/{bad}"), client.put(f"/v1/postings/{bad}", json=posting_body("bad"))):
        assert response.status_code == 404
        assert "cannot be read" in response.json()["detail"]
    assert client.delete(f"/v1/postings/{bad}").status_code == 204
    assert client.get("/v1/postings").json()["items"] == []
