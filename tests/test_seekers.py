"""Seekers over HTTP, as the seeker sees their own profile: create, read, replace, patch, erase, and the problems a
bad profile gets back. Who else may reach a profile is tested in test_access_rules and test_caseworker_access."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from tests.auth import seeker_headers
from tests.conftest import ClientAs
from tests.factories import seeker_body

UNKNOWN_ID = "5f0c3c1e-8d4b-4c2a-9a57-0e6f3b2d1a90"


def create_seeker(client: TestClient, **overrides: Any) -> dict[str, Any]:
    response = client.post("/v1/seekers", json=seeker_body(**overrides))
    assert response.status_code == 201, response.text
    seeker: dict[str, Any] = response.json()
    return seeker


def test_create_returns_201_with_location_and_the_profile(seeker_client: TestClient) -> None:
    response = seeker_client.post("/v1/seekers", json=seeker_body())
    assert response.status_code == 201, response.text
    seeker = response.json()
    assert response.headers["location"] == f"/v1/seekers/{seeker['id']}"
    assert seeker["summary"] == "Jeg er utdannet sykepleier og vil jobbe nær hjemmet i Bergen."
    assert seeker["skills"] == [{"name": "sykepleie", "level": 5, "wants_to_use": True}]
    assert seeker["wishes"]["locations"] == [{"postal_code": "5003", "municipality": None, "max_distance_km": 30}]
    assert seeker["stay_factors"] == {"commute": "high", "permanent": "must", "work_hours": "medium"}
    assert seeker["created_at"] == seeker["updated_at"]
    assert seeker_client.get(response.headers["location"]).json() == seeker


def test_defaults_fill_what_the_seeker_leaves_out(seeker_client: TestClient) -> None:
    response = seeker_client.post("/v1/seekers", json={"summary": "Ser etter noe nytt."})
    assert response.status_code == 201, response.text
    seeker = response.json()
    assert seeker["skills"] == seeker["experience"] == seeker["education"] == []
    assert seeker["stay_factors"] == {}
    assert seeker["wishes"]["locations"] == []
    assert seeker["not_for_me"] == {"occupations": [], "employers": [], "keywords": []}


def test_a_seeker_has_one_profile(seeker_client: TestClient) -> None:
    create_seeker(seeker_client)
    response = seeker_client.post("/v1/seekers", json=seeker_body(summary="En profil til?"))
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert "has a profile already" in response.json()["detail"]


def test_put_replaces_the_whole_profile(seeker_client: TestClient) -> None:
    seeker = create_seeker(seeker_client)
    response = seeker_client.put(f"/v1/seekers/{seeker['id']}", json={
        "summary": "Vil over i administrasjon.",
        "stay_factors": {"remote": "high"},
    })
    assert response.status_code == 200, response.text
    replaced = response.json()
    assert replaced["id"] == seeker["id"]
    assert replaced["created_at"] == seeker["created_at"]
    assert replaced["summary"] == "Vil over i administrasjon."
    assert replaced["skills"] == []
    assert replaced["wishes"]["occupations"] == []
    assert replaced["stay_factors"] == {"remote": "high"}
    assert seeker_client.get(f"/v1/seekers/{seeker['id']}").json() == replaced


def test_patch_replaces_the_top_level_fields_given_and_keeps_the_rest(seeker_client: TestClient) -> None:
    seeker = create_seeker(seeker_client)
    response = seeker_client.patch(f"/v1/seekers/{seeker['id']}", json={
        "summary": "Nå også åpen for deltid.",
        "wishes": {"extent": "part_time"},
    })
    assert response.status_code == 200, response.text
    patched = response.json()
    assert patched["summary"] == "Nå også åpen for deltid."
    # `wishes` is replaced as a whole, not merged: the wished occupations and locations are gone.
    assert patched["wishes"]["extent"] == "part_time"
    assert patched["wishes"]["occupations"] == []
    assert patched["wishes"]["locations"] == []
    for unchanged in ("experience", "education", "skills", "not_for_me", "stay_factors", "created_at"):
        assert patched[unchanged] == seeker[unchanged]
    assert datetime.fromisoformat(patched["updated_at"]) > datetime.fromisoformat(seeker["updated_at"])
    assert seeker_client.get(f"/v1/seekers/{seeker['id']}").json() == patched


def test_patch_merges_stay_factors_factor_by_factor(seeker_client: TestClient) -> None:
    seeker = create_seeker(seeker_client)
    changes = {"stay_factors": {"commute": "low", "salary": "high"}}
    response = seeker_client.patch(f"/v1/seekers/{seeker['id']}", json=changes)
    assert response.status_code == 200, response.text
    assert response.json()["stay_factors"] == {
        "commute": "low", "permanent": "must", "work_hours": "medium", "salary": "high",
    }
    again = seeker_client.patch(f"/v1/seekers/{seeker['id']}", json={"stay_factors": {"permanent": "none"}})
    assert again.json()["stay_factors"] == {
        "commute": "low", "permanent": "none", "work_hours": "medium", "salary": "high",
    }
    assert again.json()["summary"] == seeker["summary"]


def test_delete_erases_the_seeker(seeker_client: TestClient, client_as: ClientAs, engine: Engine) -> None:
    seeker = create_seeker(seeker_client)
    other = create_seeker(client_as(seeker_headers("seeker-2")), summary="En annen søker.")
    response = seeker_client.delete(f"/v1/seekers/{seeker['id']}")
    assert response.status_code == 204
    assert response.content == b""
    assert seeker_client.get(f"/v1/seekers/{seeker['id']}").status_code == 404
    assert seeker_client.delete(f"/v1/seekers/{seeker['id']}").status_code == 404
    with engine.connect() as connection:
        ids = connection.scalars(text("SELECT id::text FROM seekers")).all()
    assert ids == [other["id"]]


@pytest.mark.parametrize(
    ("overrides", "loc", "message"),
    [
        ({"stay_factors": {"parking": "high"}}, ["body", "stay_factors", "parking", "[key]"], "'commute'"),
        ({"stay_factors": {"commute": "very"}}, ["body", "stay_factors", "commute"], "'must'"),
        ({"skills": [{"name": "sykepleie", "level": 0}]}, ["body", "skills", 0, "level"], "greater than or equal to 1"),
        ({"skills": [{"name": "sykepleie", "level": 6}]}, ["body", "skills", 0, "level"], "less than or equal to 5"),
        ({"wishes": {"locations": [{"max_distance_km": 20}]}}, ["body", "wishes", "locations", 0],
         "a wished location needs a postal_code or a municipality"),
        ({"colour": "blue"}, ["body", "colour"], "Extra inputs are not permitted"),
    ],
    ids=["unknown-stay-factor", "unknown-importance", "skill-level-0", "skill-level-6", "location-nowhere",
         "unknown-field"],
)
def test_invalid_profile_is_a_422_problem_naming_the_field(
    seeker_client: TestClient, overrides: dict[str, Any], loc: list[str | int], message: str,
) -> None:
    response = seeker_client.post("/v1/seekers", json=seeker_body(**overrides))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "https://jobmatch.no/problems/invalidrequest"
    assert problem["title"] == "Invalid request"
    assert problem["status"] == 422
    assert [error["loc"] for error in problem["errors"]] == [loc]
    assert message in problem["errors"][0]["msg"]
    assert message in problem["detail"]


def test_invalid_patch_is_a_422_and_changes_nothing(seeker_client: TestClient) -> None:
    seeker = create_seeker(seeker_client)
    response = seeker_client.patch(f"/v1/seekers/{seeker['id']}", json={"stay_factors": {"parking": "high"}})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "stay_factors", "parking", "[key]"]
    put = seeker_client.put(f"/v1/seekers/{seeker['id']}", json=seeker_body(skills=[{"name": "sykepleie", "level": 6}]))
    assert put.status_code == 422
    assert seeker_client.get(f"/v1/seekers/{seeker['id']}").json() == seeker


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
def test_malformed_id_is_a_422(seeker_client: TestClient, method: str) -> None:
    body = seeker_body() if method in {"PUT", "PATCH"} else None
    response = seeker_client.request(method, "/v1/seekers/not-a-uuid", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["loc"] == ["path", "seeker_id"]


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
def test_unknown_id_is_a_404_problem(seeker_client: TestClient, method: str) -> None:
    body = seeker_body() if method in {"PUT", "PATCH"} else None
    response = seeker_client.request(method, f"/v1/seekers/{UNKNOWN_ID}", json=body)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "https://jobmatch.no/problems/notfound"
    assert problem["title"] == "Not found"
    assert problem["status"] == 404
    assert problem["detail"] == f"no seeker with id {UNKNOWN_ID}"
