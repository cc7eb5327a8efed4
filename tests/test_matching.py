"""Matches and explanations over HTTP: the seeker's declared signals are in charge, and every score is explained."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from jobmatch.settings import Settings
from tests.auth import seeker_headers
from tests.conftest import ClientAs
from tests.factories import posting_body, seeker_body
from tests.matching_support import build_index, load_geography

OSLO = {"postal_code": "0150", "municipality": "Oslo", "municipality_code": "0301", "county": "Oslo", "country": "NO"}
DRIVER = {"system": "STYRK08", "code": "8332", "label": "Lastebil- og trailersjåfører"}


def _post(client: TestClient, body: dict[str, Any]) -> int:
    response = client.post("/v1/postings", json=body)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


SeekerFactory = Callable[..., tuple[TestClient, str]]


@pytest.fixture
def new_seeker(client_as: ClientAs) -> SeekerFactory:
    """Each call signs a new person in and creates their profile; returns their client and seeker id."""
    subjects = itertools.count(1)

    def make(**overrides: Any) -> tuple[TestClient, str]:
        me = client_as(seeker_headers(f"person-{next(subjects)}"))
        response = me.post("/v1/seekers", json=seeker_body(**overrides))
        assert response.status_code == 201, response.text
        return me, str(response.json()["id"])

    return make


def _matches(client: TestClient, seeker_id: str, **params: Any) -> dict[str, Any]:
    response = client.get(f"/v1/seekers/{seeker_id}/matches", params=params)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _ids(page: dict[str, Any]) -> list[int]:
    return [item["posting_id"] for item in page["items"]]


@pytest.fixture
def market(client: TestClient, settings: Settings, session_factory: sessionmaker[Session]) -> dict[str, int]:
    """A small market in Bergen and Oslo, with geography loaded and an index built."""
    load_geography(session_factory)
    ids = {
        "nurse_bergen": _post(client, posting_body("nurse-bergen")),
        "nurse_temp": _post(client, posting_body("nurse-temp", engagement_type="temporary", title="Vikar sykepleier")),
        "nurse_oslo": _post(client, posting_body("nurse-oslo", locations=[OSLO])),
        "nurse_unknown": _post(client, posting_body("nurse-unknown", engagement_type=None, extent=None)),
        "nurse_agency": _post(client, posting_body("nurse-agency", employer={"name": "Bemanningsbyrået AS"})),
        "nurse_nights": _post(client, posting_body("nurse-nights", title="Sykepleier, nattevakt på sengepost")),
        "driver": _post(
            client,
            posting_body(
                "driver",
                title="Lastebilsjåfør",
                description="Kjøring av varer i Vestland. Førerkort klasse C.",
                occupations=[DRIVER],
                skills=["førerkort klasse C", "varelevering"],
                sector="private",
            ),
        ),
    }
    build_index(settings, session_factory)
    return ids


def test_no_index_yet_answers_503_with_retry_after(new_seeker: SeekerFactory) -> None:
    me, seeker_id = new_seeker()
    response = me.get(f"/v1/seekers/{seeker_id}/matches")
    assert response.status_code == 503
    assert int(response.headers["retry-after"]) > 0
    assert "jobmatch reindex" in response.json()["detail"]


def test_relevant_postings_rank_first_and_hard_constraints_never_leak(
    client: TestClient, new_seeker: SeekerFactory, market: dict[str, int]
) -> None:
    me, seeker_id = new_seeker()
    page = _matches(me, seeker_id)
    ids = _ids(page)
    assert ids[0] == market["nurse_bergen"]
    assert market["nurse_temp"] not in ids  # permanent is a must
    assert market["nurse_agency"] not in ids  # employer is not for me
    assert market["nurse_nights"] not in ids  # keyword "nattevakt" is not for me
    assert market["nurse_unknown"] in ids  # unknown permanence is not a violation
    assert ids.index(market["nurse_unknown"]) > ids.index(market["nurse_bergen"])
    assert ids.index(market["nurse_oslo"]) > ids.index(market["nurse_bergen"])  # 300 km away: commute is high, not must
    assert page["index_version"]
    assert [item["rank"] for item in page["items"]] == list(range(1, len(ids) + 1))


def test_commute_limit_as_must_removes_far_postings(client: TestClient, new_seeker: SeekerFactory, market: dict[str, int]) -> None:
    me, seeker_id = new_seeker(stay_factors={"commute": "must", "permanent": "must"})
    assert market["nurse_oslo"] not in _ids(_matches(me, seeker_id))
    explanation = me.get(f"/v1/seekers/{seeker_id}/matches/{market['nurse_oslo']}/explanation").json()
    assert explanation["outcome"] == "removed"
    assert explanation["score"] is None
    assert [rule["code"] for rule in explanation["removed_by"]] == ["must.commute"]
    commute = next(c for c in explanation["components"] if c["name"] == "commute")
    assert "km" in commute["why"]["en"]
    assert "beyond your 30 km" in commute["why"]["en"]


def test_far_posting_ranks_lower_when_commute_only_matters(client: TestClient, new_seeker: SeekerFactory, market: dict[str, int]) -> None:
    me, seeker_id = new_seeker(stay_factors={"commute": "high"})
    ids = _ids(_matches(me, seeker_id))
    assert ids.index(market["nurse_bergen"]) < ids.index(market["nurse_oslo"])


def test_what_if_importances_move_the_list_without_saving(client: TestClient, new_seeker: SeekerFactory, market: dict[str, int]) -> None:
    me, seeker_id = new_seeker(stay_factors={"commute": "low"})
    assert market["nurse_oslo"] in _ids(_matches(me, seeker_id))
    moved = _matches(me, seeker_id, importance=["commute:must"])
    assert market["nurse_oslo"] not in _ids(moved)
    assert me.get(f"/v1/seekers/{seeker_id}").json()["stay_factors"] == {"commute": "low"}
    bad = me.get(f"/v1/seekers/{seeker_id}/matches", params={"importance": "parking:must"})
    assert bad.status_code == 422
    assert "importance" in bad.json()["detail"]
    assert "commute|permanent" in bad.json()["detail"]


def test_explanations_agree_exactly_with_the_list(client: TestClient, new_seeker: SeekerFactory, market: dict[str, int]) -> None:
    me, seeker_id = new_seeker(stay_factors={"commute": "high", "permanent": "medium", "salary": "low"})
    page = _matches(me, seeker_id)
    for item in page["items"]:
        explanation = me.get(f"/v1/seekers/{seeker_id}/matches/{item['posting_id']}/explanation").json()
        assert explanation["outcome"] == "ranked"
        assert explanation["rank"] == item["rank"]
        assert explanation["score"] == item["score"]
        assert explanation["index_version"] == page["index_version"]
        total = sum(component["contribution"] for component in explanation["components"])
        assert total == pytest.approx(item["score"], abs=1e-5)
        for component in explanation["components"]:
            raw = component["raw"]
            expected = 0.0 if raw is None else raw * component["weight"]
            assert component["contribution"] == pytest.approx(expected, abs=1e-5)
            assert component["why"]["no"]
            assert component["why"]["en"]


def test_explanation_names_skills_terms_and_wishes(client: TestClient, new_seeker: SeekerFactory, market: dict[str, int]) -> None:
    me, seeker_id = new_seeker()
    explanation = me.get(f"/v1/seekers/{seeker_id}/matches/{market['nurse_bergen']}/explanation").json()
    assert [skill["skill"] for skill in explanation["matched_skills"]] == ["sykepleie"]
    assert explanation["matched_skills"][0]["passage"]
    assert any(term.startswith("sykeplei") for term in explanation["matched_terms"])
    met = {wish["wish"] for wish in explanation["wishes"]["met"]}
    assert {"occupations", "locations", "extent", "engagement_types"} <= met
    unknown = me.get(f"/v1/seekers/{seeker_id}/matches/{market['nurse_unknown']}/explanation").json()
    assert {wish["wish"] for wish in unknown["wishes"]["unknown"]} >= {"extent", "engagement_types"}
    permanent = next(c for c in unknown["components"] if c["name"] == "permanent")
    assert permanent["status"] == "unknown"
    assert permanent["raw"] is None
    assert permanent["contribution"] == 0


def test_an_explanation_says_when_sentences_of_the_summary_were_not_compared(
    client: TestClient, new_seeker: SeekerFactory, market: dict[str, int],
) -> None:
    me, seeker_id = new_seeker(summary="Jeg er utdannet sykepleier. Før det jobbet jeg ti år som elektriker.")
    explanation = me.get(f"/v1/seekers/{seeker_id}/matches/{market['nurse_bergen']}/explanation").json()
    semantic = next(c for c in explanation["components"] if c["name"] == "semantic")
    assert "tidligere arbeid" in semantic["why"]["no"]
    assert "earlier work" in semantic["why"]["en"]
    plain, plain_id = new_seeker(summary="Jeg er utdannet sykepleier.")
    explanation = plain.get(f"/v1/seekers/{plain_id}/matches/{market['nurse_bergen']}/explanation").json()
    assert all("tidligere arbeid" not in c["why"]["no"] for c in explanation["components"])


def test_postings_removed_by_not_for_me_say_which_rule(client: TestClient, new_seeker: SeekerFactory, market: dict[str, int]) -> None:
    me, seeker_id = new_seeker()
    agency = me.get(f"/v1/seekers/{seeker_id}/matches/{market['nurse_agency']}/explanation").json()
    assert [rule["code"] for rule in agency["removed_by"]] == ["not_for_me.employer"]
    nights = me.get(f"/v1/seekers/{seeker_id}/matches/{market['nurse_nights']}/explanation").json()
    assert [rule["code"] for rule in nights["removed_by"]] == ["not_for_me.keyword"]
    assert "nattevakt" in nights["removed_by"][0]["why"]["no"]


def test_changes_between_reindexes_are_visible_at_once(client: TestClient, new_seeker: SeekerFactory, market: dict[str, int]) -> None:
    me, seeker_id = new_seeker()
    new_id = _post(client, posting_body("nurse-new", title="Sykepleier til hjemmesykepleien"))
    assert new_id in _ids(_matches(me, seeker_id))
    changed = client.put(f"/v1/postings/{new_id}", json=posting_body("nurse-new", engagement_type="temporary"))
    assert changed.status_code == 200
    assert new_id not in _ids(_matches(me, seeker_id))
    assert client.delete(f"/v1/postings/{market['nurse_bergen']}").status_code == 204
    assert market["nurse_bergen"] not in _ids(_matches(me, seeker_id))
    expired = posting_body("nurse-unknown", engagement_type=None, extent=None, expires_at="2020-01-01T00:00:00Z")
    assert client.put(f"/v1/postings/{market['nurse_unknown']}", json=expired).status_code == 200
    assert market["nurse_unknown"] not in _ids(_matches(me, seeker_id))


def test_profile_changes_are_reflected_in_the_next_list(client: TestClient, new_seeker: SeekerFactory, market: dict[str, int]) -> None:
    me, seeker_id = new_seeker()
    assert market["nurse_temp"] not in _ids(_matches(me, seeker_id))
    me.patch(f"/v1/seekers/{seeker_id}", json={"stay_factors": {"permanent": "none"}})
    assert market["nurse_temp"] in _ids(_matches(me, seeker_id))


def test_pages_follow_the_cursor_without_gaps(client: TestClient, new_seeker: SeekerFactory, market: dict[str, int]) -> None:
    me, seeker_id = new_seeker(not_for_me={}, stay_factors={})
    everything = _ids(_matches(me, seeker_id, limit=100))
    seen: list[int] = []
    cursor = None
    while True:
        page = _matches(me, seeker_id, limit=2, **({"cursor": cursor} if cursor else {}))
        seen += _ids(page)
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == everything
    below = [item["posting_id"] for item in _matches(me, seeker_id, limit=100)["below_floor"]]
    assert sorted(seen + below) == sorted(market.values())  # every posting is a match or offered apart below the floor
    assert below == [market["driver"]]


def test_request_filters_narrow_the_list(client: TestClient, new_seeker: SeekerFactory, market: dict[str, int]) -> None:
    me, seeker_id = new_seeker(not_for_me={}, stay_factors={})
    assert _ids(_matches(me, seeker_id, municipality="Oslo")) == [market["nurse_oslo"]]
    assert _ids(_matches(me, seeker_id, occupation="8332")) == [market["driver"]]
    assert market["driver"] not in _ids(_matches(me, seeker_id, sector="public"))


def test_unknown_seeker_and_posting(client: TestClient, new_seeker: SeekerFactory, market: dict[str, int]) -> None:
    me, seeker_id = new_seeker()
    assert me.get("/v1/seekers/00000000-0000-0000-0000-000000000000/matches").status_code == 404
    assert me.get(f"/v1/seekers/{seeker_id}/matches/999999/explanation").status_code == 404
    assert me.get(f"/v1/seekers/{seeker_id}/matches", params={"cursor": "nope"}).status_code == 422


def test_a_wished_occupation_group_covers_the_codes_under_it(
    client: TestClient,
    new_seeker: SeekerFactory,
    market: dict[str, int],
) -> None:
    wishes = {"occupations": [{"system": "STYRK08", "code": "222"}], "locations": [{"postal_code": "5003"}]}
    me, seeker_id = new_seeker(wishes=wishes, summary="", experience=[], skills=[], not_for_me={}, stay_factors={})
    assert market["nurse_bergen"] in _ids(_matches(me, seeker_id))
    explanation = me.get(f"/v1/seekers/{seeker_id}/matches/{market['nurse_bergen']}/explanation").json()
    occupation = next(c for c in explanation["components"] if c["name"] == "occupation")
    assert occupation["raw"] == 1.0  # the seeker wants the work of the whole group
    assert "2223" in occupation["why"]["en"]
