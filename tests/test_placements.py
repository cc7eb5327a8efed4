"""Placements and follow-ups over HTTP, and the stay prior they feed: k-anonymous, shrunk, explained, and the seeker's to turn off."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from jobmatch.matching.weights import STAY_PRIOR_WEIGHT
from jobmatch.settings import Settings
from tests import auth
from tests.conftest import ClientAs
from tests.learning_support import DRIVER, OSLO, new_seeker, place, post_posting, refresh_prior
from tests.matching_support import build_index, load_geography


def prior_rows(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        query = text("SELECT * FROM stay_priors ORDER BY level, occupation_code, region_code, employer_key")
        return [dict(row) for row in connection.execute(query).mappings()]


def people(client_as: ClientAs, count: int) -> list[str]:
    return [new_seeker(client_as)[0] for _ in range(count)]


def test_a_placement_keeps_the_postings_keys_and_follow_ups_tell_one_story(client: TestClient, client_as: ClientAs) -> None:
    (seeker_id,) = people(client_as, 1)
    posting_id = post_posting(client)
    start = date.today() - timedelta(days=200)
    placement = place(client, seeker_id, posting_id, stayed=None, start=start)
    assert placement["occupation_code"] == "2223"
    assert placement["region_code"] == "4601"
    assert placement["employer"] == "Bergen kommune"
    assert placement["outcome"] is None
    url = f"/v1/placements/{placement['id']}/follow-ups"
    three = client.post(url, json={"month": 3, "employed": True})
    assert three.status_code == 201
    assert three.json()["outcome"] == "stayed"
    assert client.post(url, json={"month": 3, "employed": False, "reason": "pay"}).status_code == 409  # answered already
    due = client.post(url, json={"month": 12, "employed": True})
    assert due.status_code == 422
    assert "due on" in due.json()["detail"]
    six = client.post(url, json={"month": 6, "employed": False, "reason": "working_hours"})
    assert six.status_code == 201
    assert six.json()["outcome"] == "left"
    assert [(f["month"], f["employed"], f["reason"]) for f in six.json()["follow_ups"]] == [(3, True, None), (6, False, "working_hours")]
    assert client.post(url, json={"month": 6, "employed": False}).status_code == 422  # a leaver needs a reason
    assert client.post(url, json={"month": 6, "employed": True, "reason": "pay"}).status_code == 422
    assert client.post("/v1/placements/999999/follow-ups", json={"month": 3, "employed": True}).status_code == 404
    again = client.post("/v1/placements", json={"seeker_id": seeker_id, "posting_id": posting_id, "start_date": start.isoformat()})
    assert again.status_code == 409
    unknown = {"seeker_id": "00000000-0000-0000-0000-000000000000", "posting_id": posting_id, "start_date": start.isoformat()}
    assert client.post("/v1/placements", json=unknown).status_code == 404
    assert client_as(auth.seeker_headers()).post("/v1/placements", json=unknown).status_code == 403
    as_number = {"seeker_id": seeker_id, "posting_id": posting_id, "start_date": 20_000}
    assert client.post("/v1/placements", json=as_number).status_code == 422  # a date is an ISO string, not a timestamp


def test_an_earlier_leave_cannot_be_followed_by_still_working(client: TestClient, client_as: ClientAs) -> None:
    (seeker_id,) = people(client_as, 1)
    placement = place(client, seeker_id, post_posting(client), stayed=False, months=3)
    url = f"/v1/placements/{placement['id']}/follow-ups"
    assert client.post(url, json={"month": 12, "employed": True}).status_code == 409


def test_no_prior_from_fewer_than_k_placements(client: TestClient, client_as: ClientAs, session_factory: sessionmaker[Session],
                                                engine: Engine) -> None:
    posting_id = post_posting(client)
    placed = people(client_as, 5)
    for seeker_id in placed[:4]:
        place(client, seeker_id, posting_id, stayed=True)
    summary = refresh_prior(session_factory, k=5)
    assert summary["placements_counted"] == 4
    assert summary["overall_rate"] is None
    assert prior_rows(engine) == []
    place(client, placed[4], posting_id, stayed=False)
    summary = refresh_prior(session_factory, k=5)
    assert summary["overall_rate"] == 0.8
    rows = prior_rows(engine)
    assert [(row["level"], row["placements"], row["stayed"]) for row in rows] == [
        ("all", 5, 4), ("employer", 5, 4), ("occupation", 5, 4), ("occupation_region", 5, 4),
    ]
    assert all(row["rate"] == 0.8 for row in rows)  # every level holds the same five people: nothing to shrink


def test_thin_cells_shrink_towards_the_broader_group_and_residues_under_k_are_withheld(
    client: TestClient, client_as: ClientAs, session_factory: sessionmaker[Session], engine: Engine,
) -> None:
    stayers = post_posting(client, employer={"name": "Haukeland sykehus", "orgnr": "983974724"})
    leavers = post_posting(client, employer={"name": "Bergen kommune", "orgnr": "964338531"})
    small = post_posting(client, employer={"name": "Lille sykehjem AS", "orgnr": "999888777"})
    for posting_id, stayed in ((stayers, True), (leavers, False)):
        for seeker_id in people(client_as, 5):
            place(client, seeker_id, posting_id, stayed=stayed)
    refresh_prior(session_factory, k=5)
    employers = {row["employer_name"]: row for row in prior_rows(engine) if row["level"] == "employer"}
    assert set(employers) == {"Haukeland sykehus", "Bergen kommune"}
    good, bad = employers["Haukeland sykehus"], employers["Bergen kommune"]
    assert (good["placements"], good["stayed"], bad["stayed"]) == (5, 5, 0)
    assert 0.5 < good["rate"] < 1.0
    assert 0.0 < bad["rate"] < 0.5
    assert good["rate"] + bad["rate"] == 1.0 or abs(good["rate"] + bad["rate"] - 1.0) < 1e-9

    # Three more people at a small employer: publishing both big employers would let anyone subtract the three.
    for seeker_id in people(client_as, 3):
        place(client, seeker_id, small, stayed=True)
    summary = refresh_prior(session_factory, k=5)
    employers = {row["employer_name"] for row in prior_rows(engine) if row["level"] == "employer"}
    assert len(employers) == 1
    assert "Lille sykehjem AS" not in employers
    assert summary["withheld"]["employer"] == 2


def test_the_prior_is_in_the_ranking_explained_in_words_and_the_seeker_can_turn_it_off(
    client: TestClient, client_as: ClientAs, settings: Settings, session_factory: sessionmaker[Session],
) -> None:
    load_geography(session_factory)
    nurse = post_posting(client, "nurse")
    driver = post_posting(client, "driver", title="Lastebilsjåfør", occupations=[DRIVER], locations=[OSLO],
                          employer={"name": "Transport AS", "orgnr": "912345678"})
    for seeker_id in people(client_as, 5):
        place(client, seeker_id, driver, stayed=False)
    for stayed, seeker_id in zip([True, True, True, True, False], people(client_as, 5), strict=True):
        place(client, seeker_id, nurse, stayed=stayed)
    refresh_prior(session_factory, k=5)
    build_index(settings, session_factory)
    seeker_id, own = new_seeker(client_as)

    explained = own.get(f"/v1/seekers/{seeker_id}/matches/{nurse}/explanation").json()
    prior = next(c for c in explained["components"] if c["name"] == "stay_prior")
    assert prior["why"]["no"].startswith(
        "Av 5 personer formidlet som sykepleiere hos Bergen kommune i denne kommunen, jobbet 4 der fortsatt etter 12 måneder")
    assert prior["why"]["en"].startswith(
        "Of 5 people placed as sykepleiere at Bergen kommune in this municipality, 4 still worked there after 12 months")
    assert prior["weight"] == STAY_PRIOR_WEIGHT
    assert prior["status"] == "met"
    assert 0 < prior["raw"] <= 1
    assert abs(prior["contribution"] - prior["raw"] * STAY_PRIOR_WEIGHT) < 1e-5
    total = sum(c["contribution"] for c in explained["components"])
    assert abs(total - explained["score"]) < 1e-5
    page = own.get(f"/v1/seekers/{seeker_id}/matches").json()
    assert next(item["score"] for item in page["items"] if item["posting_id"] == nurse) == explained["score"]

    turned_off = own.patch(f"/v1/seekers/{seeker_id}", json={"use_stay_prior": False})
    assert turned_off.status_code == 200
    assert turned_off.json()["use_stay_prior"] is False
    without = own.get(f"/v1/seekers/{seeker_id}/matches/{nurse}/explanation").json()
    prior_off = next(c for c in without["components"] if c["name"] == "stay_prior")
    assert (prior_off["weight"], prior_off["raw"], prior_off["contribution"]) == (0.0, None, 0.0)
    assert "slått av" in prior_off["why"]["no"]
    assert abs(without["score"] - (explained["score"] - prior["contribution"])) < 1e-5
