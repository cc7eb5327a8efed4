"""Feedback over HTTP: the seeker's events, dismissals that never come back, and suggestions only they can apply."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from jobmatch.feedback.suggestions import SUGGEST_AFTER_DISMISSALS
from jobmatch.settings import Settings
from tests import auth
from tests.conftest import ClientAs
from tests.learning_support import explanation, new_seeker, post_posting, ranked_ids
from tests.matching_support import build_index, load_geography

NEAR = {"locations": [{"postal_code": "5003", "max_distance_km": 30}]}


def dismiss(own: TestClient, seeker_id: str, posting_id: int, reason: str, **extra: Any) -> dict[str, Any]:
    response = own.post(f"/v1/seekers/{seeker_id}/events",
                        json={"posting_id": posting_id, "kind": "dismissed", "reason": reason, **extra})
    assert response.status_code == 201, response.text
    recorded: dict[str, Any] = response.json()
    return recorded


def suggestions(own: TestClient, seeker_id: str) -> list[dict[str, Any]]:
    response = own.get(f"/v1/seekers/{seeker_id}/suggestions")
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_events_are_recorded_listed_and_validated(client: TestClient, client_as: ClientAs, engine: Engine) -> None:
    seeker_id, own = new_seeker(client_as)
    posting_id = post_posting(client)
    for kind in ("shown", "opened", "saved", "applied"):
        response = own.post(f"/v1/seekers/{seeker_id}/events", json={"posting_id": posting_id, "kind": kind})
        assert response.status_code == 201, response.text
        assert response.json()["suggestions"] == []
    noted = dismiss(own, seeker_id, posting_id, "other", note="Kontakt meg på ola@example.no, sjefen virker streng")
    assert noted["note"] == "Kontakt meg på [e-post], sjefen virker streng"

    page = own.get(f"/v1/seekers/{seeker_id}/events", params={"limit": 3}).json()
    assert [item["kind"] for item in page["items"]] == ["dismissed", "applied", "saved"]
    rest = own.get(f"/v1/seekers/{seeker_id}/events", params={"cursor": page["next_cursor"]}).json()
    assert [item["kind"] for item in rest["items"]] == ["opened", "shown"]
    assert rest["next_cursor"] is None
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT kind, reason FROM seeker_events WHERE seeker_id = :id ORDER BY id"),
                                  {"id": seeker_id}).all()
    assert [tuple(row) for row in rows] == [("shown", None), ("opened", None), ("saved", None), ("applied", None),
                                           ("dismissed", "other")]

    bad = [
        {"posting_id": posting_id, "kind": "dismissed"},  # no reason
        {"posting_id": posting_id, "kind": "saved", "reason": "too_far"},  # a reason without a dismissal
        {"posting_id": posting_id, "kind": "dismissed", "reason": "other"},  # other needs a note
        {"posting_id": posting_id, "kind": "liked"},
        {"posting_id": posting_id, "kind": "dismissed", "reason": "other", "note": "nul\u0000byte"},  # PostgreSQL cannot store it
    ]
    for body in bad:
        assert own.post(f"/v1/seekers/{seeker_id}/events", json=body).status_code == 422, body
    assert own.post(f"/v1/seekers/{seeker_id}/events", json={"posting_id": 999_999, "kind": "shown"}).status_code == 404
    other_id, other = new_seeker(client_as)
    assert other.post(f"/v1/seekers/{seeker_id}/events", json={"posting_id": posting_id, "kind": "shown"}).status_code == 404
    assert other.get(f"/v1/seekers/{seeker_id}/events").status_code == 404
    caseworker = client_as(auth.caseworker_headers())
    assert caseworker.post(f"/v1/seekers/{seeker_id}/events", json={"posting_id": posting_id, "kind": "shown"}).status_code == 403


def test_a_dismissed_posting_never_comes_back_and_the_explanation_says_why(
    client: TestClient, client_as: ClientAs, settings: Settings, session_factory: sessionmaker[Session], engine: Engine,
) -> None:
    load_geography(session_factory)
    nurse = post_posting(client, "nurse")
    other_nurse = post_posting(client, "nurse-2", title="Sykepleier til hjemmetjenesten")
    build_index(settings, session_factory)
    seeker_id, own = new_seeker(client_as)
    with session_factory.begin() as session:
        assert nurse in ranked_ids(settings, session, seeker_id)
    dismiss(own, seeker_id, nurse, "not_for_me")
    with session_factory.begin() as session:
        ids = ranked_ids(settings, session, seeker_id)
        explained = explanation(settings, session, seeker_id, nurse)
    assert nurse not in ids
    assert other_nurse in ids
    assert explained["outcome"] == "removed"
    assert explained["score"] is None
    assert [rule["code"] for rule in explained["removed_by"]] == ["dismissed"]
    assert "avvist" in explained["removed_by"][0]["why"]["no"]
    served = own.get(f"/v1/seekers/{seeker_id}/matches").json()  # and over HTTP, as the seeker sees it
    assert nurse not in [item["posting_id"] for item in served["items"]]
    over_http = own.get(f"/v1/seekers/{seeker_id}/matches/{nurse}/explanation").json()
    assert [rule["code"] for rule in over_http["removed_by"]] == ["dismissed"]
    # A later "saved" does not bring it back: a dismissal is for good.
    assert own.post(f"/v1/seekers/{seeker_id}/events", json={"posting_id": nurse, "kind": "saved"}).status_code == 201
    with session_factory.begin() as session:
        assert nurse not in ranked_ids(settings, session, seeker_id)
    with engine.connect() as connection:  # each served page went to the exposure log
        logged = connection.execute(text("SELECT DISTINCT list_kind, posting_id FROM exposures WHERE seeker_id = :id"),
                                    {"id": seeker_id}).all()
    assert ("matches", nurse) in {tuple(row) for row in logged}


def test_a_contradicting_reason_suggests_a_change_that_only_accepting_applies(client: TestClient, client_as: ClientAs) -> None:
    seeker_id, own = new_seeker(client_as, stay_factors={"commute": "low"}, wishes=NEAR)
    far = [post_posting(client) for _ in range(SUGGEST_AFTER_DISMISSALS)]
    for posting_id in far[:-1]:
        assert dismiss(own, seeker_id, posting_id, "too_far")["suggestions"] == []
    made = dismiss(own, seeker_id, far[-1], "too_far")["suggestions"]
    assert len(made) == 1
    suggestion = made[0]
    assert suggestion["status"] == "pending"
    assert suggestion["reason"] == "too_far"
    assert suggestion["change"] == {"stay_factors": {"commute": "high"}, "extent": None, "work_hours": None}
    assert suggestion["text"]["no"] == "Du har avvist 3 jobber som for langt unna. Vil du sette reisevei til «høy»?"
    assert suggestion["text"]["en"] == "You dismissed 3 jobs as too far away. Set commute to high?"
    assert sorted(suggestion["posting_ids"]) == sorted(far)
    # Nothing the seeker declared changed yet.
    assert own.get(f"/v1/seekers/{seeker_id}").json()["stay_factors"] == {"commute": "low"}

    accepted = own.post(f"/v1/seekers/{seeker_id}/suggestions/{suggestion['id']}/accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["decided_at"]
    assert own.get(f"/v1/seekers/{seeker_id}").json()["stay_factors"] == {"commute": "high"}
    assert own.post(f"/v1/seekers/{seeker_id}/suggestions/{suggestion['id']}/accept").status_code == 409
    assert own.post(f"/v1/seekers/{seeker_id}/suggestions/{suggestion['id']}/reject").status_code == 409
    other_id, other = new_seeker(client_as)
    assert other.post(f"/v1/seekers/{seeker_id}/suggestions/{suggestion['id']}/accept").status_code == 404
    assert other.post(f"/v1/seekers/{other_id}/suggestions/{suggestion['id']}/accept").status_code == 404


def test_rejecting_changes_nothing_and_the_count_starts_over(client: TestClient, client_as: ClientAs, engine: Engine) -> None:
    seeker_id, own = new_seeker(client_as, stay_factors={"permanent": "low"})
    postings = [post_posting(client, engagement_type="temporary") for _ in range(2 * SUGGEST_AFTER_DISMISSALS)]
    for posting_id in postings[:SUGGEST_AFTER_DISMISSALS]:
        made = dismiss(own, seeker_id, posting_id, "not_permanent")["suggestions"]
    suggestion_id = made[0]["id"]
    assert made[0]["change"]["stay_factors"] == {"permanent": "high"}
    rejected = own.post(f"/v1/seekers/{seeker_id}/suggestions/{suggestion_id}/reject")
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected"
    assert own.get(f"/v1/seekers/{seeker_id}").json()["stay_factors"] == {"permanent": "low"}
    # The next dismissals count afresh: no new suggestion until there are enough of them again.
    later = [dismiss(own, seeker_id, posting_id, "not_permanent")["suggestions"] for posting_id in postings[SUGGEST_AFTER_DISMISSALS:]]
    assert later[:-1] == [[], []]
    assert len(later[-1]) == 1
    assert [item["status"] for item in suggestions(own, seeker_id)] == ["pending", "rejected"]
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT stay_factors FROM seekers WHERE id = :id"), {"id": seeker_id}) == {"permanent": "low"}


@pytest.mark.parametrize("reason", ["expired", "already_applied", "not_for_me", "other"])
def test_reasons_that_speak_to_no_declared_factor_teach_nothing(client: TestClient, client_as: ClientAs, reason: str) -> None:
    seeker_id, own = new_seeker(client_as, stay_factors={}, wishes=NEAR)
    for _ in range(SUGGEST_AFTER_DISMISSALS + 2):
        extra = {"note": "passer ikke"} if reason == "other" else {}
        assert dismiss(own, seeker_id, post_posting(client), reason, **extra)["suggestions"] == []
    assert suggestions(own, seeker_id) == []


def test_a_reason_the_declared_factors_already_agree_with_suggests_nothing(client: TestClient, client_as: ClientAs) -> None:
    seeker_id, own = new_seeker(client_as, stay_factors={"commute": "high", "permanent": "must"}, wishes=NEAR)
    for _ in range(SUGGEST_AFTER_DISMISSALS + 1):
        assert dismiss(own, seeker_id, post_posting(client), "too_far")["suggestions"] == []
        assert dismiss(own, seeker_id, post_posting(client, engagement_type="temporary"), "not_permanent")["suggestions"] == []
    no_place_id, no_place = new_seeker(client_as, stay_factors={}, wishes={})
    for _ in range(SUGGEST_AFTER_DISMISSALS):  # no wished place: a higher commute importance would change nothing
        assert dismiss(no_place, no_place_id, post_posting(client), "too_far")["suggestions"] == []


def test_hours_every_dismissed_posting_had_are_suggested_away(client: TestClient, client_as: ClientAs) -> None:
    seeker_id, own = new_seeker(client_as, stay_factors={}, wishes={})
    liked = post_posting(client, work_hours=["evening"])
    assert own.post(f"/v1/seekers/{seeker_id}/events", json={"posting_id": liked, "kind": "saved"}).status_code == 201
    for hours in (["day", "weekend"], ["evening", "weekend"], ["night", "evening", "weekend"]):
        made = dismiss(own, seeker_id, post_posting(client, work_hours=hours), "wrong_hours")["suggestions"]
    assert made[0]["change"] == {"stay_factors": {"work_hours": "high"}, "extent": None,
                                 "work_hours": ["day", "evening", "night", "shift"]}  # evening stays: a saved job had it
    assert "alle hadde helg" in made[0]["text"]["no"]
    assert own.post(f"/v1/seekers/{seeker_id}/suggestions/{made[0]['id']}/accept").status_code == 200
    profile = own.get(f"/v1/seekers/{seeker_id}").json()
    assert profile["wishes"]["work_hours"] == ["day", "evening", "night", "shift"]
    assert profile["stay_factors"] == {"work_hours": "high"}


def test_extent_suggestion_and_a_suggestion_the_seeker_overtook(client: TestClient, client_as: ClientAs) -> None:
    seeker_id, own = new_seeker(client_as, stay_factors={}, wishes={})
    for _ in range(SUGGEST_AFTER_DISMISSALS):
        made = dismiss(own, seeker_id, post_posting(client, extent="part_time"), "wrong_extent")["suggestions"]
    assert made[0]["change"] == {"stay_factors": {"extent": "high"}, "extent": "full_time", "work_hours": None}
    assert made[0]["text"]["en"] == "You dismissed 3 part-time jobs for their extent. Wish for full time and set extent to high?"
    # The seeker makes the change themself: the suggestion is outdated and accepting it changes nothing.
    changed = own.patch(f"/v1/seekers/{seeker_id}", json={"wishes": {"extent": "full_time"}, "stay_factors": {"extent": "high"}})
    assert changed.status_code == 200
    assert [item["status"] for item in suggestions(own, seeker_id)] == ["outdated"]
    assert own.post(f"/v1/seekers/{seeker_id}/suggestions/{made[0]['id']}/accept").status_code == 409
