"""Caseworkers read the seekers they follow up, with a purpose; every read and refusal is audited and shown to the seeker."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from tests import auth
from tests.conftest import ClientAs
from tests.factories import seeker_body

CASEWORKER = "Z123456"


def audit_rows(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        return [dict(row) for row in connection.execute(text("SELECT * FROM audit_log ORDER BY id")).mappings()]


def seeker_column(engine: Engine, seeker_id: str, column: str) -> Any:
    with engine.connect() as connection:
        return connection.scalar(text(f"SELECT {column} FROM seekers WHERE id = :id"), {"id": seeker_id})  # noqa: S608


def new_seeker(client_as: ClientAs, subject: str) -> dict[str, Any]:
    response = client_as(auth.seeker_headers(subject)).post("/v1/seekers", json=seeker_body())
    assert response.status_code == 201, response.text
    seeker: dict[str, Any] = response.json()
    return seeker


def assign(client: TestClient, seeker_id: str, **assignment: Any) -> None:
    response = client.put(f"/v1/admin/seekers/{seeker_id}/assignment", json=assignment)
    assert response.status_code == 200, response.text


@pytest.fixture
def caseworker(client_as: ClientAs) -> TestClient:
    return client_as(auth.caseworker_headers(CASEWORKER, units=[auth.UNIT], purpose="Oppfølging av aktivitetsplan"))


def test_a_caseworker_reads_a_seeker_of_their_unit_and_each_read_is_audited(
    client: TestClient, client_as: ClientAs, caseworker: TestClient, engine: Engine,
) -> None:
    seeker = new_seeker(client_as, "anna")
    assert caseworker.get(f"/v1/seekers/{seeker['id']}").status_code == 404  # not assigned yet
    assign(client, seeker["id"], unit=auth.UNIT)
    response = caseworker.get(f"/v1/seekers/{seeker['id']}")
    assert response.status_code == 200
    assert response.json()["summary"] == seeker["summary"]
    assert response.headers["cache-control"] == "no-store"

    rows = [row for row in audit_rows(engine) if row["action"].startswith("read:")]
    assert [(row["decision"], row["reason"]) for row in rows] == [("deny", "not_assigned"), ("permit", None)]
    permit = rows[-1]
    assert (permit["actor_role"], permit["actor_id"], permit["actor_units"], permit["action"], permit["purpose"]) == (
        "caseworker", CASEWORKER, [auth.UNIT], "read:profile", "Oppfølging av aktivitetsplan")
    assert permit["at"] is not None
    assert permit["request_id"] == response.headers["x-request-id"]
    assert all(seeker["id"] not in str(value) for row in audit_rows(engine) for value in row.values())


def test_assigned_to_the_caseworker_themself_is_enough(client: TestClient, client_as: ClientAs) -> None:
    seeker = new_seeker(client_as, "bo")
    assign(client, seeker["id"], unit="9999", caseworker=CASEWORKER)
    elsewhere = client_as(auth.caseworker_headers(CASEWORKER, units=[auth.OTHER_UNIT]))
    assert elsewhere.get(f"/v1/seekers/{seeker['id']}").status_code == 200
    colleague = client_as(auth.caseworker_headers("Z999999", units=[auth.OTHER_UNIT]))
    assert colleague.get(f"/v1/seekers/{seeker['id']}").status_code == 404


def test_a_refusal_looks_exactly_like_an_unknown_seeker(client: TestClient, client_as: ClientAs, caseworker: TestClient) -> None:
    seeker = new_seeker(client_as, "cato")
    refused = caseworker.get(f"/v1/seekers/{seeker['id']}")
    unknown_id = str(uuid.uuid4())
    unknown = caseworker.get(f"/v1/seekers/{unknown_id}")
    assert refused.status_code == unknown.status_code == 404
    assert refused.json() == {**unknown.json(), "detail": unknown.json()["detail"].replace(unknown_id, seeker["id"]),
                              "instance": refused.json()["instance"]}


def test_a_purpose_is_required_and_a_missing_one_is_not_a_read(
    client: TestClient, client_as: ClientAs, engine: Engine,
) -> None:
    seeker = new_seeker(client_as, "dina")
    assign(client, seeker["id"], unit=auth.UNIT)
    before = len(audit_rows(engine))
    for purpose in (None, "", "  ", "x"):
        silent = client_as(auth.caseworker_headers(CASEWORKER, purpose=purpose))
        for path in ("", "/matches", "/matches/1/explanation"):
            response = silent.get(f"/v1/seekers/{seeker['id']}{path}")
            assert response.status_code == 422, (purpose, path, response.text)
            assert "X-Purpose" in response.json()["detail"]
    assert len(audit_rows(engine)) == before


def test_a_purpose_with_an_identity_number_is_stored_scrubbed(client: TestClient, client_as: ClientAs, engine: Engine) -> None:
    seeker = new_seeker(client_as, "eli")
    assign(client, seeker["id"], unit=auth.UNIT)
    nosy = client_as(auth.caseworker_headers(CASEWORKER, purpose="sak for 12345678901 og ola@example.no"))
    assert nosy.get(f"/v1/seekers/{seeker['id']}").status_code == 200
    assert audit_rows(engine)[-1]["purpose"] == "sak for [fnr] og [e-post]"


def test_withdrawn_access_and_protected_addresses_refuse_caseworkers(
    client: TestClient, client_as: ClientAs, caseworker: TestClient, engine: Engine,
) -> None:
    seeker = new_seeker(client_as, "frida")
    own = client_as(auth.seeker_headers("frida"))
    assign(client, seeker["id"], unit=auth.UNIT)
    assert caseworker.get(f"/v1/seekers/{seeker['id']}").status_code == 200

    assert own.put("/v1/me/preferences", json={"findable": True, "caseworker_access": False}).status_code == 200
    assert seeker_column(engine, seeker["id"], "caseworker_access") is False
    assert caseworker.get(f"/v1/seekers/{seeker['id']}").status_code == 404
    assert own.put("/v1/me/preferences", json={"findable": True, "caseworker_access": True}).status_code == 200
    assert caseworker.get(f"/v1/seekers/{seeker['id']}").status_code == 200

    assign(client, seeker["id"], unit=auth.UNIT, protected=True)
    assert seeker_column(engine, seeker["id"], "protected") is True
    assert caseworker.get(f"/v1/seekers/{seeker['id']}").status_code == 404
    cleared = client_as(auth.caseworker_headers("Z777777", units=[auth.UNIT], protected_access=True))
    assert cleared.get(f"/v1/seekers/{seeker['id']}").status_code == 200
    reasons = [row["reason"] for row in audit_rows(engine) if row["decision"] == "deny"]
    assert reasons == ["withdrawn", "protected"]


def test_objection_hides_from_candidate_search_but_not_from_the_caseworker(
    client: TestClient, client_as: ClientAs, caseworker: TestClient, engine: Engine,
) -> None:
    seeker = new_seeker(client_as, "gro")
    own = client_as(auth.seeker_headers("gro"))
    assign(client, seeker["id"], unit=auth.UNIT)
    assert own.get("/v1/me/preferences").json() == {"findable": True, "caseworker_access": True}
    assert seeker_column(engine, seeker["id"], "findable") is True
    assert own.put("/v1/me/preferences", json={"findable": False, "caseworker_access": True}).json()["findable"] is False
    assert seeker_column(engine, seeker["id"], "findable") is False
    assert own.get("/v1/me/preferences").json()["findable"] is False
    assert caseworker.get(f"/v1/seekers/{seeker['id']}").status_code == 200


def test_the_seeker_sees_who_looked_when_what_and_why(
    client: TestClient, client_as: ClientAs, caseworker: TestClient, engine: Engine,
) -> None:
    seeker = new_seeker(client_as, "hege")
    other = new_seeker(client_as, "ivar")
    assign(client, seeker["id"], unit=auth.UNIT)
    assign(client, other["id"], unit=auth.UNIT)
    caseworker.get(f"/v1/seekers/{seeker['id']}")
    caseworker.get(f"/v1/seekers/{seeker['id']}/matches")  # 503 without an index: no read happened, nothing recorded
    caseworker.get(f"/v1/seekers/{other['id']}")
    client_as(auth.caseworker_headers("Z000002", units=[auth.OTHER_UNIT], purpose="nysgjerrig")).get(f"/v1/seekers/{seeker['id']}")

    log = client_as(auth.seeker_headers("hege")).get("/v1/me/access-log")
    assert log.status_code == 200
    entries = log.json()["items"]
    simplified = [(e["who"], e["what"], e["why"], e["decision"], e["reason"]) for e in entries]
    assert simplified == [
        ("Z000002", "read:profile", "nysgjerrig", "deny", "not_assigned"),
        (CASEWORKER, "read:profile", "Oppfølging av aktivitetsplan", "permit", None),
        ("jobmatch-admin", "admin:assignment", None, "permit", None),
    ]
    in_database = [row for row in audit_rows(engine) if row["seeker_ref"] == audit_rows(engine)[-1]["seeker_ref"]]
    assert len(in_database) == len(entries)
    first_page = client_as(auth.seeker_headers("hege")).get("/v1/me/access-log", params={"limit": 1}).json()
    second = client_as(auth.seeker_headers("hege")).get("/v1/me/access-log", params={"limit": 1, "cursor": first_page["next_cursor"]})
    assert second.json()["items"][0]["who"] == CASEWORKER


def test_a_caseworker_creates_a_profile_for_a_person_in_their_unit(
    client_as: ClientAs, caseworker: TestClient, engine: Engine,
) -> None:
    response = caseworker.post("/v1/seekers", json=seeker_body(person="12345678901"))
    assert response.status_code == 201, response.text
    seeker_id = response.json()["id"]
    assert "person" not in response.json()
    assert seeker_column(engine, seeker_id, "assigned_unit") == auth.UNIT
    stored_subject = seeker_column(engine, seeker_id, "subject_ref")
    assert len(stored_subject) == 64
    assert "12345678901" not in stored_subject
    person = client_as(auth.seeker_headers("12345678901"))
    assert person.get("/v1/me").json()["id"] == seeker_id
    assert person.get(f"/v1/seekers/{seeker_id}").status_code == 200
    assert caseworker.post("/v1/seekers", json=seeker_body()).status_code == 422
    assert [(row["action"], row["decision"]) for row in audit_rows(engine)] == [("create:profile", "permit")]


def test_creating_a_profile_tells_a_caseworker_nothing_about_people_outside_their_units(
    client_as: ClientAs, caseworker: TestClient, engine: Engine,
) -> None:
    elsewhere = client_as(auth.caseworker_headers("Z990002", units=[auth.OTHER_UNIT]))
    assert elsewhere.post("/v1/seekers", json=seeker_body(person="11111111111")).status_code == 201

    has_a_profile = caseworker.post("/v1/seekers", json=seeker_body(person="11111111111"))
    not_my_unit = caseworker.post("/v1/seekers", json=seeker_body(person="22222222222", unit=auth.OTHER_UNIT))

    assert has_a_profile.status_code == not_my_unit.status_code == 403
    assert {k: v for k, v in has_a_profile.json().items() if k != "instance"} == {
        k: v for k, v in not_my_unit.json().items() if k != "instance"
    }
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM seekers")) == 1
    refusals = [row for row in audit_rows(engine) if row["decision"] == "deny"]
    assert [(row["actor_id"], row["action"], row["reason"]) for row in refusals] == [
        (CASEWORKER, "create:profile", "exists"), (CASEWORKER, "create:profile", "not_assigned"),
    ]
    person = client_as(auth.seeker_headers("11111111111"))
    log = person.get("/v1/me/access-log").json()["items"]
    assert [(entry["who"], entry["decision"]) for entry in log] == [(CASEWORKER, "deny"), ("Z990002", "permit")]


def test_a_seeker_creates_one_profile_bound_to_their_token(client_as: ClientAs, engine: Engine) -> None:
    jonas = client_as(auth.seeker_headers("jonas"))
    assert jonas.get("/v1/me").status_code == 404
    created = jonas.post("/v1/seekers", json=seeker_body())
    assert created.status_code == 201
    assert jonas.get("/v1/me").json()["id"] == created.json()["id"]
    again = jonas.post("/v1/seekers", json=seeker_body())
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert jonas.post("/v1/seekers", json=seeker_body(person="someone-else")).status_code == 422
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM seekers")) == 1


def test_each_audit_record_is_also_a_cef_line(
    client: TestClient, client_as: ClientAs, caseworker: TestClient, caplog: pytest.LogCaptureFixture,
) -> None:
    seeker = new_seeker(client_as, "kari")
    assign(client, seeker["id"], unit=auth.UNIT)
    with caplog.at_level(logging.INFO, logger="jobmatch.audit.cef"):
        caseworker.get(f"/v1/seekers/{seeker['id']}")
    lines = [record.getMessage() for record in caplog.records if record.name == "jobmatch.audit.cef"]
    assert len(lines) == 1
    assert lines[0].startswith("CEF:0|jobmatch|jobmatch|1.0|audit:read:profile|")
    assert f"suser={CASEWORKER}" in lines[0]
    assert "outcome=permit" in lines[0]
    assert seeker["id"] not in lines[0]
