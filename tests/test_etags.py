"""Optimistic concurrency the HTTP way: `ETag` on reads, `If-Match` on writes (412 on a mismatch), and PATCHes that merge."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from tests import auth
from tests.conftest import ClientAs
from tests.factories import posting_body, seeker_body


def own_profile(client_as: ClientAs, subject: str = "kari") -> tuple[TestClient, str]:
    own = client_as(auth.seeker_headers(subject))
    created = own.post("/v1/seekers", json=seeker_body(stay_factors={}))
    assert created.status_code == 201, created.text
    return own, created.json()["id"]


def test_reads_carry_an_etag_that_changes_with_the_profile(client_as: ClientAs) -> None:
    own, seeker_id = own_profile(client_as)
    first = own.get(f"/v1/seekers/{seeker_id}").headers["etag"]
    assert first.startswith('"')
    assert first.endswith('"')
    assert own.get(f"/v1/seekers/{seeker_id}").headers["etag"] == first
    assert own.get("/v1/me").headers["etag"] == first
    patched = own.patch(f"/v1/seekers/{seeker_id}", json={"summary": "Ny tekst"})
    assert patched.headers["etag"] != first
    assert own.get(f"/v1/seekers/{seeker_id}").headers["etag"] == patched.headers["etag"]


def test_a_write_with_a_stale_etag_is_refused_with_412_and_changes_nothing(client_as: ClientAs) -> None:
    own, seeker_id = own_profile(client_as)
    url = f"/v1/seekers/{seeker_id}"
    read = own.get(url).headers["etag"]
    assert own.patch(url, json={"summary": "Fra fanen min"}, headers={"If-Match": read}).status_code == 200

    stale_patch = own.patch(url, json={"summary": "Fra den andre fanen"}, headers={"If-Match": read})
    stale_put = own.put(url, json=seeker_body(summary="Fra den andre fanen"), headers={"If-Match": read})

    assert stale_patch.status_code == stale_put.status_code == 412
    assert stale_patch.headers["content-type"] == "application/problem+json"
    current = own.get(url)
    assert current.json()["summary"] == "Fra fanen min"
    assert stale_patch.headers["etag"] == current.headers["etag"]
    assert own.put(url, json=seeker_body(summary="Nå"), headers={"If-Match": current.headers["etag"]}).status_code == 200
    assert own.patch(url, json={"summary": "Uansett"}, headers={"If-Match": "*"}).status_code == 200
    either = f'"nope", {own.get(url).headers["etag"]}'
    assert own.patch(url, json={"summary": "Én av flere"}, headers={"If-Match": either}).status_code == 200


def test_two_concurrent_patches_to_different_factors_both_land(client_as: ClientAs) -> None:
    own, seeker_id = own_profile(client_as)
    url = f"/v1/seekers/{seeker_id}"
    for round_number in range(10):
        levels = ("must", "low") if round_number % 2 else ("low", "must")
        barrier = threading.Barrier(2)

        def set_factor(factor: str, level: str, barrier: threading.Barrier = barrier) -> int:
            barrier.wait()
            return own.patch(url, json={"stay_factors": {factor: level}}).status_code

        with ThreadPoolExecutor(2) as pool:
            statuses = list(pool.map(set_factor, ("commute", "salary"), levels))
        assert statuses == [200, 200]
        assert own.get(url).json()["stay_factors"] == {"commute": levels[0], "salary": levels[1]}


def test_concurrent_conditional_writes_from_one_read_let_exactly_one_through(client_as: ClientAs) -> None:
    own, seeker_id = own_profile(client_as)
    url = f"/v1/seekers/{seeker_id}"
    read = own.get(url).headers["etag"]
    barrier = threading.Barrier(4)

    def write(summary: str) -> int:
        barrier.wait()
        return own.patch(url, json={"summary": summary}, headers={"If-Match": read}).status_code

    with ThreadPoolExecutor(4) as pool:
        statuses = sorted(pool.map(write, ["a", "b", "c", "d"]))
    assert statuses == [200, 412, 412, 412]


def test_postings_carry_an_etag_and_put_honours_if_match(client: TestClient) -> None:
    created = client.post("/v1/postings", json=posting_body())
    url = f"/v1/postings/{created.json()['id']}"
    tag = client.get(url).headers["etag"]
    assert created.headers["etag"] == tag
    assert client.put(url, json=posting_body(title="Endret"), headers={"If-Match": tag}).status_code == 200
    stale = client.put(url, json=posting_body(title="Gammel fane"), headers={"If-Match": tag})
    assert stale.status_code == 412
    assert client.get(url).json()["title"] == "Endret"
    assert client.put("/v1/postings/999999", json=posting_body(), headers={"If-Match": tag}).status_code == 404
