"""Candidate search over HTTP: only findable seekers the caseworker may see, ranked and explained as in their own matches."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from jobmatch.privacy.pseudonyms import Pseudonyms, load_secret
from jobmatch.settings import Settings
from tests import auth
from tests.conftest import ClientAs
from tests.factories import seeker_body
from tests.learning_support import DRIVER, post_posting
from tests.matching_support import build_index, load_geography

CASEWORKER, OTHER_CASEWORKER = "Z200001", "Z200002"
DRIVER_PROFILE = {
    "summary": "Sjåfør med klasse C.", "experience": [{"title": "Lastebilsjåfør", "years": 6}], "education": [],
    "skills": [{"name": "førerkort klasse C", "level": 5}], "stay_factors": {}, "not_for_me": {},
    "wishes": {"occupations": [DRIVER], "locations": [{"postal_code": "5003", "max_distance_km": 30}]},
}


def created_by(caseworker: TestClient, person: str, **overrides: Any) -> str:
    response = caseworker.post("/v1/seekers", json=seeker_body(person=person, **overrides))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


@pytest.fixture
def market(client: TestClient, client_as: ClientAs, settings: Settings, session_factory: sessionmaker[Session]) -> dict[str, Any]:
    """A nurse posting in Bergen and seekers of two units, some of whom must never show up."""
    load_geography(session_factory)
    posting_id = post_posting(client, "nurse")
    build_index(settings, session_factory)
    mine = client_as(auth.caseworker_headers(CASEWORKER, units=[auth.UNIT]))
    theirs = client_as(auth.caseworker_headers(OTHER_CASEWORKER, units=[auth.OTHER_UNIT]))
    ids = {
        "nurse": created_by(mine, "p-nurse"),
        "junior": created_by(mine, "p-junior", summary="Nyutdannet.", skills=[{"name": "sårstell", "level": 2}],
                             experience=[{"title": "Assistent på sykehjem"}]),
        "driver": created_by(mine, "p-driver", **DRIVER_PROFILE),
        "hidden": created_by(mine, "p-hidden"),
        "protected": created_by(mine, "p-protected"),
        "dismissed": created_by(mine, "p-dismissed"),
        "not_for_me": created_by(mine, "p-not-for-me", not_for_me={"employers": ["Bergen kommune"]}),
        "elsewhere": created_by(theirs, "p-elsewhere"),
    }
    assert client_as(auth.seeker_headers("p-hidden")).put(
        "/v1/me/preferences", json={"findable": False, "caseworker_access": True}).status_code == 200
    assert client.put(f"/v1/admin/seekers/{ids['protected']}/assignment", json={"unit": auth.UNIT, "protected": True}).status_code == 200
    dismissed = client_as(auth.seeker_headers("p-dismissed")).post(
        f"/v1/seekers/{ids['dismissed']}/events", json={"posting_id": posting_id, "kind": "dismissed", "reason": "not_for_me"})
    assert dismissed.status_code == 201
    return {"posting_id": posting_id, "ids": ids, "mine": mine, "theirs": theirs}


def test_only_findable_seekers_the_caseworker_may_see_are_ranked(market: dict[str, Any], engine: Engine, settings: Settings) -> None:
    ids, posting_id = market["ids"], market["posting_id"]
    response = market["mine"].get(f"/v1/postings/{posting_id}/candidates")
    assert response.status_code == 200, response.text
    page = response.json()
    shown = [item["seeker_id"] for item in page["items"]]
    assert shown[:2] == [ids["nurse"], ids["junior"]]
    assert shown[2:] in ([ids["driver"]], [])  # the driver comes last, when his fit reaches the floor at all
    assert page["considered"] == 5  # nurse, junior, driver, dismissed, not_for_me: findable and visible
    assert page["total"] == len(shown)  # two excluded themselves: a dismissal, an employer that is not for them
    assert [item["rank"] for item in page["items"]] == list(range(1, len(shown) + 1))
    assert [item["score"] for item in page["items"]] == sorted((item["score"] for item in page["items"]), reverse=True)

    pseudonyms = Pseudonyms(load_secret(settings))
    with engine.connect() as connection:
        audited = connection.execute(text(
            "SELECT seeker_ref, actor_id, action, posting_id, purpose FROM audit_log WHERE decision = 'permit' "
            "AND posting_id = :posting ORDER BY id"), {"posting": posting_id}).all()
        exposed = connection.execute(text(
            "SELECT seeker_id, rank FROM exposures WHERE list_kind = 'candidates' ORDER BY rank")).all()
    assert [row.seeker_ref for row in audited] == [pseudonyms.seeker(uuid.UUID(seeker_id)) for seeker_id in shown]
    assert {(row.actor_id, row.action, row.purpose) for row in audited} == {(CASEWORKER, "read:matches", "oppfolging")}
    assert [(str(row.seeker_id), row.rank) for row in exposed] == [(seeker_id, rank) for rank, seeker_id in enumerate(shown, 1)]

    other = market["theirs"].get(f"/v1/postings/{posting_id}/candidates").json()
    assert [item["seeker_id"] for item in other["items"]] == [ids["elsewhere"]]


def test_a_candidates_terms_add_up_and_agree_with_their_own_explanation(market: dict[str, Any], client_as: ClientAs) -> None:
    posting_id = market["posting_id"]
    item = market["mine"].get(f"/v1/postings/{posting_id}/candidates").json()["items"][0]
    assert abs(sum(c["contribution"] for c in item["components"]) - item["score"]) < 1e-5
    prior = next(c for c in item["components"] if c["name"] == "stay_prior")
    assert (prior["weight"], prior["raw"], prior["status"]) == (0.0, None, "not_applicable")
    assert item["summary_reasons"]
    own = client_as(auth.seeker_headers("p-nurse")).get(f"/v1/seekers/{item['seeker_id']}/matches/{posting_id}/explanation").json()
    assert own["score"] == item["score"]
    theirs = {c["name"]: (c["raw"], c["weight"], c["contribution"]) for c in own["components"] if c["name"] != "stay_prior"}
    assert {c["name"]: (c["raw"], c["weight"], c["contribution"]) for c in item["components"] if c["name"] != "stay_prior"} == theirs


def test_pages_purpose_and_callers_who_find_nobody(market: dict[str, Any], client_as: ClientAs) -> None:
    posting_id = market["posting_id"]
    everything = [item["seeker_id"] for item in market["mine"].get(f"/v1/postings/{posting_id}/candidates").json()["items"]]
    seen: list[str] = []
    cursor = None
    while True:
        page = market["mine"].get(f"/v1/postings/{posting_id}/candidates",
                                  params={"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        seen += [item["seeker_id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == everything
    no_purpose = client_as(auth.caseworker_headers(CASEWORKER, purpose=None)).get(f"/v1/postings/{posting_id}/candidates")
    assert no_purpose.status_code == 422
    for headers in (auth.seeker_headers("p-nurse"), auth.employee_headers(), auth.service_headers("admin")):
        refused = client_as(headers).get(f"/v1/postings/{posting_id}/candidates")
        assert refused.status_code == 403
        assert refused.json()["detail"] == "this is for caseworker tokens"
    assert market["mine"].get("/v1/postings/999999/candidates").status_code == 404
