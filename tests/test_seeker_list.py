"""`GET /v1/seekers`: a caseworker's list of the seekers they may read, paged, audited, never another unit's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from tests import auth
from tests.conftest import ClientAs
from tests.factories import seeker_body

CASEWORKER = "Z123456"
PURPOSE = "Oppfølging av enheten"


def new_seeker(client: TestClient, client_as: ClientAs, subject: str, body: dict[str, Any] | None = None,
               **assignment: Any) -> str:
    response = client_as(auth.seeker_headers(subject)).post("/v1/seekers", json=body or seeker_body())
    assert response.status_code == 201, response.text
    seeker_id: str = response.json()["id"]
    if assignment:
        assert client.put(f"/v1/admin/seekers/{seeker_id}/assignment", json=assignment).status_code == 200
    return seeker_id


def every_page(caseworker: TestClient, *, limit: int) -> list[list[dict[str, Any]]]:
    pages: list[list[dict[str, Any]]] = []
    cursor = None
    while True:
        response = caseworker.get("/v1/seekers", params={"limit": limit, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.text
        pages.append(response.json()["items"])
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return pages


@pytest.fixture
def caseworker(client_as: ClientAs) -> TestClient:
    return client_as(auth.caseworker_headers(CASEWORKER, units=[auth.UNIT], purpose=PURPOSE))


@pytest.fixture
def population(client: TestClient, client_as: ClientAs) -> dict[str, list[str]]:
    """Seekers the caseworker may read, and seekers they may not, for each reason a read is refused."""
    readable = [new_seeker(client, client_as, f"unit-{n}", unit=auth.UNIT) for n in range(5)]
    readable.append(new_seeker(client, client_as, "personal", unit=auth.OTHER_UNIT, caseworker=CASEWORKER))
    hidden = [
        new_seeker(client, client_as, "other-unit", unit=auth.OTHER_UNIT),
        new_seeker(client, client_as, "unassigned"),
        new_seeker(client, client_as, "protected", unit=auth.UNIT, protected=True),
        new_seeker(client, client_as, "withdrawn", unit=auth.UNIT),
    ]
    withdrawn = client_as(auth.seeker_headers("withdrawn"))
    assert withdrawn.put("/v1/me/preferences", json={"findable": True, "caseworker_access": False}).status_code == 200
    return {"readable": readable, "hidden": hidden}


def test_paging_reads_every_seeker_the_caseworker_may_read_exactly_once(
    caseworker: TestClient, population: dict[str, list[str]],
) -> None:
    pages = every_page(caseworker, limit=2)
    listed = [item["id"] for page in pages for item in page]
    assert len(pages) == 3
    assert sorted(listed) == sorted(population["readable"])
    assert not set(listed) & set(population["hidden"])
    assert set(pages[0][0]) == {"id", "headline", "updated_at"}
    assert pages[0][0]["headline"] == "Sykepleiere"


def test_profiles_created_at_the_same_instant_are_each_listed_once(
    caseworker: TestClient, population: dict[str, list[str]], engine: Engine,
) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE seekers SET created_at = '2025-01-01T12:00:00+00'"))
    listed = [item["id"] for page in every_page(caseworker, limit=1) for item in page]
    assert sorted(listed) == sorted(population["readable"])


def test_another_units_caseworker_never_sees_them_and_a_protected_access_caseworker_also_sees_the_protected(
    client_as: ClientAs, population: dict[str, list[str]],
) -> None:
    elsewhere = client_as(auth.caseworker_headers("Z999999", units=["1103"], purpose=PURPOSE))
    response = elsewhere.get("/v1/seekers")
    assert response.status_code == 200
    assert response.json() == {"items": [], "next_cursor": None}

    cleared = client_as(auth.caseworker_headers("Z777777", units=[auth.UNIT], protected_access=True, purpose=PURPOSE))
    listed = {item["id"] for page in every_page(cleared, limit=50) for item in page}
    assert listed == {*population["readable"][:5], population["hidden"][2]}


@pytest.mark.parametrize("headers", [lambda: auth.seeker_headers("unit-0"), auth.employee_headers, auth.admin_headers])
def test_anyone_but_a_caseworker_is_refused_with_a_problem(
    client_as: ClientAs, population: dict[str, list[str]], headers: Callable[[], dict[str, str]],
) -> None:
    response = client_as(headers()).get("/v1/seekers")  # tokens made now: collection may be long before the run
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 403


def test_listing_needs_a_purpose_and_each_seeker_listed_sees_it_in_their_access_log(
    client_as: ClientAs, caseworker: TestClient, population: dict[str, list[str]],
) -> None:
    silent = client_as(auth.caseworker_headers(CASEWORKER, units=[auth.UNIT], purpose=None))
    refused = silent.get("/v1/seekers")
    assert refused.status_code == 422
    assert "X-Purpose" in refused.json()["detail"]
    listed_log = client_as(auth.seeker_headers("unit-0")).get("/v1/me/access-log").json()["items"]
    assert [entry["what"] for entry in listed_log if entry["what"] == "list:seekers"] == []

    assert caseworker.get("/v1/seekers").status_code == 200
    for subject, expected in (("unit-0", 1), ("personal", 1), ("other-unit", 0), ("withdrawn", 0)):
        log = client_as(auth.seeker_headers(subject)).get("/v1/me/access-log").json()["items"]
        listings = [entry for entry in log if entry["what"] == "list:seekers"]
        assert len(listings) == expected, subject
        for entry in listings:
            assert (entry["who"], entry["why"], entry["decision"]) == (CASEWORKER, PURPOSE, "permit")


def test_the_headline_is_the_wished_occupations_or_the_first_words_of_the_summary(
    client: TestClient, client_as: ClientAs, caseworker: TestClient,
) -> None:
    many = [{"system": "STYRK08", "code": code, "label": label}
            for code, label in (("2223", "Sykepleiere"), ("5321", "Helsefagarbeidere"), ("2341", "Lærere"), ("5120", "Kokker"))]
    new_seeker(client, client_as, "many", seeker_body(wishes={"occupations": many}), unit=auth.UNIT)
    summary = "Jeg heter Kari, 12345678901, og vil gjerne jobbe med barn og unge i Oslo sentrum."
    new_seeker(client, client_as, "words", seeker_body(summary=summary, wishes={}), unit=auth.UNIT)
    headlines = {item["headline"] for item in caseworker.get("/v1/seekers").json()["items"]}
    assert headlines == {"Sykepleiere, Helsefagarbeidere, Lærere …", "Jeg heter Kari, [fnr], og vil gjerne jobbe …"}


@pytest.mark.parametrize("params", [{"cursor": "not-a-cursor"}, {"cursor": "czoxOnh5eg"}, {"limit": 0}, {"limit": 201}])
def test_bad_paging_is_a_422_problem(caseworker: TestClient, params: dict[str, Any]) -> None:
    response = caseworker.get("/v1/seekers", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
