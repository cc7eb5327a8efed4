"""Property: for any two seekers and any seeker-scoped route, one never reads or changes the other's data."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from jobmatch.auth.rules import RULE_EXTENSION, Rule
from tests import auth
from tests.conftest import ClientAs
from tests.factories import seeker_body

SEEKER_RULES = {Rule.SEEKER_SELF.value, Rule.SEEKER_READ.value}
# Ids in tokens are printable (control and invisible characters are refused with 401: tests/test_boundaries.py).
subjects = st.text(min_size=1, max_size=40).filter(lambda value: value.strip() == value and value != "" and value.isprintable())


def seeker_routes(client: TestClient) -> list[tuple[str, str]]:
    document = client.app.openapi()  # type: ignore[attr-defined]
    return sorted(
        (method, path) for path, item in document["paths"].items() for method, operation in item.items()
        if operation.get(RULE_EXTENSION) in SEEKER_RULES
    )


def profile_of(client_as: ClientAs, subject: str) -> dict[str, Any]:
    """The subject's profile, created on first use."""
    own = client_as(auth.seeker_headers(subject))
    created = own.post("/v1/seekers", json=seeker_body(summary=f"Profil for {uuid.uuid4()}"))
    if created.status_code == 201:
        profile: dict[str, Any] = created.json()
        return profile
    assert created.status_code == 409, created.text
    mine: dict[str, Any] = own.get("/v1/me").json()
    return mine


def stored_row(engine: Engine, seeker_id: str) -> dict[str, Any] | None:
    with engine.connect() as connection:
        row = connection.execute(text("SELECT * FROM seekers WHERE id = :id"), {"id": seeker_id}).mappings().first()
    return None if row is None else {key: value for key, value in row.items() if key != "last_active_at"}


def body_for(method: str, path: str, summary: str, flags: tuple[bool, bool]) -> dict[str, Any]:
    if (method, path) == ("put", "/v1/seekers/{seeker_id}"):
        return {"json": seeker_body(summary=summary)}
    if (method, path) == ("patch", "/v1/seekers/{seeker_id}"):
        return {"json": {"summary": summary, "stay_factors": {"commute": "must"}}}
    if (method, path) == ("put", "/v1/me/preferences"):
        return {"json": {"findable": flags[0], "caseworker_access": flags[1]}}
    return {}


def test_no_seeker_reaches_another_seekers_data(client: TestClient, client_as: ClientAs, engine: Engine) -> None:
    routes = seeker_routes(client)
    assert len(routes) >= 10

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(
        owner=subjects, intruder=subjects, route=st.sampled_from(routes),
        summary=st.text(max_size=200), flags=st.tuples(st.booleans(), st.booleans()),
    )
    def no_cross_seeker_access(owner: str, intruder: str, route: tuple[str, str], summary: str, flags: tuple[bool, bool]) -> None:
        if owner == intruder:
            return
        victim = profile_of(client_as, owner)
        attacker = profile_of(client_as, intruder)
        before = stored_row(engine, victim["id"])
        method, path = route
        url = path.replace("{seeker_id}", victim["id"]).replace("{posting_id}", "1")
        response = client_as(auth.seeker_headers(intruder)).request(method.upper(), url, **body_for(method, path, summary, flags))

        if "{seeker_id}" in path:
            unknown_id = str(uuid.uuid4())
            unknown = client_as(auth.seeker_headers(intruder)).request(
                method.upper(), path.replace("{seeker_id}", unknown_id).replace("{posting_id}", "1"),
                **body_for(method, path, summary, flags))
            assert response.status_code == unknown.status_code == 404, (method, path, response.text)
            expected = {**unknown.json(), "detail": f"no seeker with id {victim['id']}", "instance": response.json()["instance"]}
            assert response.json() == expected
        else:  # /v1/me/…: the caller's own data, never the other seeker's
            assert response.status_code in (200, 404), response.text
            assert victim["id"] not in response.text
            if path == "/v1/me":
                assert response.json()["id"] == attacker["id"]
        assert stored_row(engine, victim["id"]) == before

    no_cross_seeker_access()
