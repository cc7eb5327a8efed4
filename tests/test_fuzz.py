"""Fuzzing: Hypothesis-generated NAV feed lines, and boundary values for every query parameter. Nothing answers 500, nothing is lost."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from jobmatch.settings import Settings
from tests import auth
from tests.conftest import ClientAs
from tests.factories import seeker_body
from tests.learning_support import post_posting
from tests.matching_support import build_index

FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

json_scalars = st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.floats() | st.text(max_size=30)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                                       max_size=3), max_leaves=12)
offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes)))
times = st.one_of(
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.none() | offsets).map(
        lambda moment: moment.isoformat()),
    st.sampled_from(["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "1900-01-01T00:00:00Z", "2200-12-31T23:59:59Z",
                     "2027-02-30T00:00:00", "2027-01-01", "snarest", ""]),
    json_values,
)
locations = st.one_of(
    st.fixed_dictionaries({}, optional={
        "postalCode": st.text(max_size=6) | json_values, "municipal": st.text(max_size=40) | json_values,
        "municipalCode": st.text(alphabet="0123456789", max_size=5), "county": st.text(max_size=40),
        "country": st.text(max_size=20) | json_values, "city": st.text(max_size=40),
    }),
    json_values,
)
categories = st.one_of(
    st.fixed_dictionaries({}, optional={
        "categoryType": st.sampled_from(["STYRK08", "ESCO", "JANZZ", "OTHER"]) | json_values,
        "code": st.text(max_size=300) | json_values, "name": st.text(max_size=600) | json_values,
    }),
    json_values,
)
nav_ads = st.fixed_dictionaries(
    {"uuid": st.uuids().map(str)},
    optional={
        "title": st.text(max_size=600) | json_values, "description": st.text(max_size=200) | json_values,
        "employer": st.fixed_dictionaries({}, optional={"name": st.text(max_size=600) | json_values,
                                                        "orgnr": st.text(max_size=12) | json_values}) | json_values,
        "workLocations": st.lists(locations, max_size=3) | json_values,
        "categoryList": st.lists(categories, max_size=3) | json_values,
        "published": times, "expires": times, "applicationDue": st.text(max_size=600) | json_values,
        "extent": st.sampled_from(["Heltid", "Deltid"]) | json_values, "jobpercentage": st.text(max_size=8) | json_values,
        "engagementtype": st.text(max_size=20) | json_values, "sector": st.text(max_size=20) | json_values,
        "remote": st.text(max_size=30) | json_values, "workhours": json_values, "workday": json_values,
        "salary": st.text(max_size=600) | json_values, "status": st.sampled_from(["ACTIVE", "INACTIVE"]) | json_values,
    },
)
feed_lines = st.one_of(
    nav_ads.map(json.dumps),
    nav_ads.map(lambda ad: json.dumps({"uuid": ad["uuid"], "status": "ACTIVE", "ad_content": ad})),
    st.uuids().map(lambda ad_id: json.dumps({"uuid": str(ad_id), "ad_content": None})),
    json_values.map(json.dumps),
    st.text(max_size=80).filter(lambda text: "\n" not in text and "\r" not in text),
)


@FUZZ
@given(lines=st.lists(feed_lines, min_size=1, max_size=6))
def test_every_generated_nav_line_is_kept_or_rejected_by_number(client: TestClient, lines: list[str]) -> None:
    lines = [json.dumps({"uuid": str(uuid.uuid4()), "title": "Kokk"}), *lines]  # never an empty body (a 422 of its own)
    body = "\n".join(lines).encode()
    response = client.post("/v1/postings/import", params={"format": "nav"}, content=body,
                           headers={"content-type": "application/x-ndjson"})
    assert response.status_code == 200, response.text
    report = response.json()
    counted = [number for number, line in enumerate(lines, start=1) if line.strip()]
    assert report["created"] + report["updated"] + report["unchanged"] + report["rejected"] == len(counted)
    assert {rejected["line"] for rejected in report["rejected_lines"]} <= set(counted)
    assert report["created"] >= 1
    assert client.get("/v1/postings", params={"limit": 200}).status_code == 200


TEXT_BOUNDARIES = ["", "a\x00b", "x" * 201, "x" * 5_000, "ø" * 200, "\U0001f600", "'; DROP TABLE postings; --"]
INTEGER_BOUNDARIES = ["-1", str(2**63 - 1), str(2**63), "1e3", "NaN"]


def query_operations(client: TestClient) -> list[tuple[str, str, list[str]]]:
    document = client.app.openapi()  # type: ignore[attr-defined]
    found = []
    for path, operations in document["paths"].items():
        get = operations.get("get")
        if get is None:
            continue
        names = [parameter["name"] for parameter in get.get("parameters", []) if parameter["in"] == "query"]
        if names:
            found.append((path, get.get("x-access-rule", ""), names))
    return found


def test_boundary_values_in_every_query_parameter_never_answer_500(
    client: TestClient, client_as: ClientAs, settings: Settings, session_factory: sessionmaker[Session],
) -> None:
    posting_id = post_posting(client)
    build_index(settings, session_factory)
    own = client_as(auth.seeker_headers("fuzz-owner"))
    seeker_id = own.post("/v1/seekers", json=seeker_body()).json()["id"]
    operations = query_operations(client)
    assert len(operations) >= 5
    for path, _rule, names in operations:
        url = path.replace("{seeker_id}", seeker_id).replace("{posting_id}", str(posting_id))
        seekers_own = path.startswith(("/v1/me", "/v1/seekers/"))
        caller = own if seekers_own else client
        for name in names:
            for value in [*TEXT_BOUNDARIES, *INTEGER_BOUNDARIES]:
                response = caller.get(url, params={name: value})
                assert response.status_code < 500, (path, name, value, response.text)
                if response.status_code >= 400:
                    assert response.headers["content-type"] == "application/problem+json", (path, name, value)


@pytest.mark.parametrize("field", ["published_at", "expires_at"])
@FUZZ
@given(moment=st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=offsets))
def test_any_time_is_stored_or_refused_and_what_is_stored_reads_back(client: TestClient, field: str, moment: datetime) -> None:
    response = client.post("/v1/postings", json={"external_id": str(uuid.uuid4()), "title": "Kokk", field: moment.isoformat()})
    in_range = datetime(1900, 1, 1, tzinfo=UTC) <= moment < datetime(2201, 1, 1, tzinfo=UTC)
    assert response.status_code == (201 if in_range else 422), response.text
    if in_range:
        stored = client.get(f"/v1/postings/{response.json()['id']}").json()[field]
        assert datetime.fromisoformat(stored) == moment
