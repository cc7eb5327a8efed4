"""Postings over HTTP: create, read, replace, delete, list with filters and cursors."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.auth import seeker_headers, service_headers
from tests.factories import posting_body


def test_create_returns_201_with_id_location_and_plain_text(client: TestClient) -> None:
    response = client.post("/v1/postings", json=posting_body())
    assert response.status_code == 201, response.text
    posting = response.json()
    assert response.headers["location"] == f"/v1/postings/{posting['id']}"
    assert posting["description"] == "Vi søker sykepleiere til turnus.\n\n- Autorisasjon\n- Norsk"
    assert posting["status"] == "active"
    assert client.get(f"/v1/postings/{posting['id']}").json() == posting


def test_duplicate_source_and_external_id_is_a_conflict(client: TestClient) -> None:
    assert client.post("/v1/postings", json=posting_body()).status_code == 201
    response = client.post("/v1/postings", json=posting_body())
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert "external_id 'ad-1'" in response.json()["detail"]


def test_invalid_posting_is_a_422_problem_naming_the_fields(client: TestClient) -> None:
    body = posting_body(extent="sometimes", locations=[{}], workload_percent=150)
    response = client.post("/v1/postings", json=body)
    assert response.status_code == 422
    problem = response.json()
    assert problem["status"] == 422
    assert problem["title"] == "Invalid request"
    fields = {tuple(error["loc"][1:3]) for error in problem["errors"]}
    assert ("extent",) in {f[:1] for f in fields}
    assert ("locations", 0) in fields
    assert ("workload_percent",) in {f[:1] for f in fields}


def test_unknown_field_is_rejected(client: TestClient) -> None:
    response = client.post("/v1/postings", json=posting_body(colour="blue"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "colour"]


def test_expired_posting_reads_as_inactive(client: TestClient) -> None:
    posting = client.post("/v1/postings", json=posting_body(expires_at="2020-01-01T00:00:00Z")).json()
    assert posting["status"] == "inactive"


def test_put_replaces_and_delete_removes(client: TestClient) -> None:
    posting_id = client.post("/v1/postings", json=posting_body()).json()["id"]
    replaced = client.put(f"/v1/postings/{posting_id}", json=posting_body(title="Spesialsykepleier"))
    assert replaced.status_code == 200
    assert replaced.json()["title"] == "Spesialsykepleier"
    assert client.delete(f"/v1/postings/{posting_id}").status_code == 204
    missing = client.get(f"/v1/postings/{posting_id}")
    assert missing.status_code == 404
    assert missing.json()["detail"] == f"no posting with id {posting_id}"
    assert client.delete(f"/v1/postings/{posting_id}").status_code == 404
    assert client.put(f"/v1/postings/{posting_id}", json=posting_body()).status_code == 404


def test_put_onto_another_postings_key_is_a_conflict(client: TestClient) -> None:
    first = client.post("/v1/postings", json=posting_body("a")).json()["id"]
    client.post("/v1/postings", json=posting_body("b"))
    assert client.put(f"/v1/postings/{first}", json=posting_body("b")).status_code == 409


def test_list_filters_and_paginates_with_cursor(client: TestClient) -> None:
    for index in range(5):
        client.post("/v1/postings", json=posting_body(f"bergen-{index}"))
    oslo = {"postal_code": "0150", "municipality": "Oslo", "municipality_code": "0301"}
    client.post("/v1/postings", json=posting_body(
        "oslo-1", locations=[oslo], occupations=[{"system": "STYRK08", "code": "2512"}]))
    client.post("/v1/postings", json=posting_body("old", expires_at="2020-01-01T00:00:00Z"))

    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2, "status": "active", **({"cursor": cursor} if cursor else {})}
        page = client.get("/v1/postings", params=params).json()
        seen += [item["external_id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"bergen-{i}" for i in range(5)] + ["oslo-1"]

    by_code = client.get("/v1/postings", params={"municipality": "0301"}).json()["items"]
    by_name = client.get("/v1/postings", params={"municipality": "oslo"}).json()["items"]
    assert [p["external_id"] for p in by_code] == [p["external_id"] for p in by_name] == ["oslo-1"]
    by_occupation = client.get("/v1/postings", params={"occupation": "2512"}).json()["items"]
    assert [p["external_id"] for p in by_occupation] == ["oslo-1"]
    inactive = client.get("/v1/postings", params={"status": "inactive"}).json()["items"]
    assert [p["external_id"] for p in inactive] == ["old"]


def test_bad_cursor_and_limit_are_422(client: TestClient) -> None:
    assert client.get("/v1/postings", params={"cursor": "garbage!"}).status_code == 422
    assert client.get("/v1/postings", params={"limit": 0}).status_code == 422
    assert client.get("/v1/postings", params={"limit": 500}).status_code == 422


def test_unknown_and_malformed_ids(client: TestClient) -> None:
    assert client.get("/v1/postings/999999").status_code == 404
    # Posting ids are numbers in the route itself, so `/v1/postings/import` is never read as an id.
    assert client.get("/v1/postings/abc").status_code == 404
    assert client.get(f"/v1/postings/{2**63}").status_code == 422
    wrong_method = client.put("/v1/postings/import", json=posting_body())
    assert wrong_method.status_code == 405
    assert wrong_method.headers["allow"] == "POST"
    assert client.request("OPTIONS", "/v1/postings/1").headers["allow"] == "DELETE, GET, PUT"


def test_reads_need_a_valid_token_and_writes_the_postings_write_scope(client: TestClient, client_as: Any) -> None:
    posting_id = client.post("/v1/postings", json=posting_body()).json()["id"]
    assert client_as({}).get(f"/v1/postings/{posting_id}").status_code == 401
    assert client_as(seeker_headers("reader")).get(f"/v1/postings/{posting_id}").status_code == 200
    assert client_as(seeker_headers("reader")).delete(f"/v1/postings/{posting_id}").status_code == 403
    importer = client_as(service_headers("postings:write"))
    assert importer.put(f"/v1/postings/{posting_id}", json=posting_body(title="Ny")).status_code == 200
    assert client_as(service_headers("admin")).delete(f"/v1/postings/{posting_id}").status_code == 403
