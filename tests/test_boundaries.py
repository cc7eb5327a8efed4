"""Every external value is checked at the boundary: out-of-range input is a 422 problem or a rejected import line, never a 500."""

from __future__ import annotations

import base64
import json
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from jobmatch.settings import Settings
from tests import auth
from tests.conftest import ClientAs
from tests.factories import posting_body
from tests.learning_support import new_seeker, post_posting


def posting_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(text("SELECT count(*) FROM postings")) or 0)


def import_lines(client: TestClient, lines: list[str], *, fmt: str | None = None) -> dict[str, Any]:
    response = client.post("/v1/postings/import", content="\n".join(lines).encode(), params={"format": fmt} if fmt else {},
                           headers={"content-type": "application/x-ndjson"})
    assert response.status_code == 200, response.text
    report: dict[str, Any] = response.json()
    return report


def nav_ad(ad_id: str, **fields: Any) -> str:
    return json.dumps({"uuid": ad_id, "title": "Sykepleier", "published": "2026-11-01T08:00:00", **fields})


@pytest.mark.parametrize("when", [
    "0001-01-01T00:00:00+14:00",  # year 0 in UTC: PostgreSQL stores it, Python cannot read it back
    "9999-12-31T23:59:59-14:00",  # year 10000 in UTC
    "1899-12-31T23:59:59Z",
    "1900-01-01T00:30:00+01:00",  # 1899 in UTC
    "2201-01-01T00:00:00Z",
])
@pytest.mark.parametrize("field", ["published_at", "expires_at"])
def test_a_time_outside_the_years_everyone_holds_is_a_422_and_nothing_is_stored(
    client: TestClient, engine: Engine, field: str, when: str,
) -> None:
    response = client.post("/v1/postings", json=posting_body(**{field: when}))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in response.json()["detail"]
    assert posting_count(engine) == 0


@pytest.mark.parametrize("when", ["1900-01-01T00:00:00Z", "2200-12-31T23:59:59Z", "2200-12-31T23:59:59", "2027-06-30T12:00:00+14:00"])
def test_times_at_the_edges_of_the_range_are_kept(client: TestClient, when: str) -> None:
    created = client.post("/v1/postings", json=posting_body(published_at=when))
    assert created.status_code == 201, created.text
    assert client.get("/v1/postings").status_code == 200


def test_a_nav_import_rejects_the_bad_date_by_line_and_keeps_the_rest(client: TestClient) -> None:
    report = import_lines(client, [
        nav_ad("a"), nav_ad("b", published="0001-01-01T00:00:00+14:00"), nav_ad("c", expires="9999-12-31T23:59:59"), nav_ad("d"),
    ], fmt="nav")
    assert (report["created"], report["rejected"]) == (2, 2)
    assert [line["line"] for line in report["rejected_lines"]] == [2, 3]
    assert {item["external_id"] for item in client.get("/v1/postings").json()["items"]} == {"a", "d"}


@pytest.mark.parametrize(("fields", "reason"), [
    ({"employer": "Bergen kommune"}, "employer must be an object"),
    ({"workLocations": ["Bergen"]}, "workLocations must be a list of objects"),
    ({"workLocations": {"city": "Bergen"}}, "workLocations must be a list of objects"),
    ({"categoryList": ["2223"]}, "categoryList must be a list of objects"),
    ({"categoryList": {"code": "2223"}}, "categoryList must be a list of objects"),
    ({"uuid": {"id": 1}}, "uuid must be a string"),
    ({"published": ["2026-11-01"]}, "Invalid isoformat"),
])
def test_a_nav_line_of_unexpected_shape_is_rejected_and_the_import_goes_on(
    client: TestClient, fields: dict[str, Any], reason: str,
) -> None:
    report = import_lines(client, [nav_ad("first"), nav_ad("odd", **fields), nav_ad("last")], fmt="nav")
    assert (report["created"], report["rejected"]) == (2, 1)
    assert report["rejected_lines"][0]["line"] == 2
    assert reason in report["rejected_lines"][0]["reason"]


@pytest.mark.parametrize("fmt", ["nav", None])
def test_deeply_nested_lines_are_rejected_by_number(client: TestClient, fmt: str | None) -> None:
    good = nav_ad("ok") if fmt else json.dumps(posting_body("ok"))
    nested = '{"uuid": "deep", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    shallow_but_deep = '{"uuid": "deeper", "x": ' + "[" * 100 + "]" * 100 + "}"
    report = import_lines(client, [good, nested, shallow_but_deep], fmt=fmt)
    assert (report["created"], report["rejected"]) == (1, 2)
    assert [line["line"] for line in report["rejected_lines"]] == [2, 3]


def test_an_overlong_line_is_rejected_without_being_held_and_the_next_line_is_read(client: TestClient, settings: Settings) -> None:
    settings.max_import_line_bytes = 10_000  # read per request
    long_line = json.dumps(posting_body("long", description="x" * 20_000))
    report = import_lines(client, [json.dumps(posting_body("short")), long_line, json.dumps(posting_body("after"))])
    assert (report["created"], report["rejected"]) == (2, 1)
    assert report["rejected_lines"] == [{"line": 2, "reason": "the line is longer than 10000 bytes"}]


@pytest.mark.parametrize("parameter", ["municipality", "occupation", "cursor", "status"])
def test_a_nul_in_a_query_parameter_is_a_422(client: TestClient, parameter: str) -> None:
    response = client.get("/v1/postings", params={parameter: "Ber\x00gen"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert "NUL" in response.json()["detail"]


def test_a_nul_in_any_route_s_query_is_a_422(client: TestClient) -> None:
    assert client.get("/v1/reports/fairness", params={"index_version": "v\x00"}).status_code == 422
    assert client.get("/v1/postings?municipality=%00").status_code == 422
    assert client.get("/v1/postings?municipality=%2500").status_code == 200  # a percent sign and two zeros: plain text


@pytest.mark.parametrize("position", [2**63, 2**64, 10**30, -1])
def test_a_cursor_beyond_a_bigint_is_a_422(client: TestClient, position: int) -> None:
    cursor = base64.urlsafe_b64encode(f"p:{position}".encode()).decode().rstrip("=")
    response = client.get("/v1/postings", params={"cursor": cursor})
    assert response.status_code == 422
    assert "cursor" in response.json()["detail"]


def test_the_largest_bigint_cursor_is_an_empty_last_page(client: TestClient) -> None:
    cursor = base64.urlsafe_b64encode(f"p:{2**63 - 1}".encode()).decode().rstrip("=")
    assert client.get("/v1/postings", params={"cursor": cursor}).json() == {"items": [], "next_cursor": None}


@pytest.mark.parametrize("start", ["9999-12-31", "0001-01-01", "1899-12-31", "2201-01-01"])
def test_a_placement_start_outside_the_range_is_a_422(client: TestClient, client_as: ClientAs, start: str) -> None:
    seeker_id, _ = new_seeker(client_as)
    posting_id = post_posting(client)
    response = client.post("/v1/placements", json={"seeker_id": seeker_id, "posting_id": posting_id, "start_date": start})
    assert response.status_code == 422, response.text


def test_a_placement_at_the_last_year_can_be_followed_up(client: TestClient, client_as: ClientAs) -> None:
    seeker_id, _ = new_seeker(client_as)
    posting_id = post_posting(client)
    placed = client.post("/v1/placements", json={"seeker_id": seeker_id, "posting_id": posting_id, "start_date": "2200-12-31"})
    assert placed.status_code == 201, placed.text
    follow_up = client.post(f"/v1/placements/{placed.json()['id']}/follow-ups", json={"month": 12, "employed": True})
    assert follow_up.status_code == 422
    assert "due on 2201-12-31" in follow_up.json()["detail"]


def test_a_seeker_s_earliest_start_is_bounded(client_as: ClientAs) -> None:
    own = client_as(auth.seeker_headers("bounded"))
    far = own.post("/v1/seekers", json={"wishes": {"earliest_start": "9999-01-01"}})
    assert far.status_code == 422
    soon = (date.today() + timedelta(days=30)).isoformat()
    assert own.post("/v1/seekers", json={"wishes": {"earliest_start": soon}}).status_code == 201


@pytest.mark.parametrize("navident", ["Z" * 101, "Z99\x00001", "Z99\n0001"])
def test_an_employee_id_that_does_not_fit_the_audit_is_refused_as_a_token(client_as: ClientAs, navident: str) -> None:
    caseworker = client_as(auth.caseworker_headers(navident))
    response = caseworker.get("/v1/seekers/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_an_employee_id_of_the_column_s_length_is_accepted(client_as: ClientAs, engine: Engine) -> None:
    caseworker = client_as(auth.caseworker_headers("Z" * 100))
    assert caseworker.get("/v1/seekers/00000000-0000-0000-0000-000000000000").status_code == 404
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT actor_id FROM audit_log")) == "Z" * 100


def test_units_in_a_token_must_be_unit_codes(client_as: ClientAs) -> None:
    caseworker = client_as(auth.caseworker_headers(units=["0301" * 10]))
    assert caseworker.get("/v1/seekers/00000000-0000-0000-0000-000000000000").status_code == 401
