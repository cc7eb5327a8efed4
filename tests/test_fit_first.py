"""Fit before stay, over every demo seeker: with `commute:must` and without, no posting of an unrelated occupation field is
ranked above one of the seeker's field, and when nothing fits the list says so and names what removed the field."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from jobmatch.demo.loader import load_demo
from jobmatch.matching.ranking import CLOSEST_FIELD_SHARE, DESCRIBED_FIELD_Z, outside_field
from jobmatch.privacy.pseudonyms import Pseudonyms, load_secret
from jobmatch.settings import Settings
from tests.auth import caseworker_headers, seeker_headers
from tests.conftest import ClientAs
from tests.matching_support import GEONAMES, build_index, load_geography

DEMO_SEEKERS = 12


@pytest.fixture
def demo(client: TestClient, settings: Settings, session_factory: sessionmaker[Session]) -> dict[int, set[str]]:
    """The demo market, indexed; each posting's occupation codes."""
    load_geography(session_factory)
    load_demo(session_factory, pseudonyms=Pseudonyms(load_secret(settings)))
    build_index(settings, session_factory)
    codes: dict[int, set[str]] = {}
    cursor = None
    while True:
        page = client.get("/v1/postings", params={"limit": 200, **({"cursor": cursor} if cursor else {})}).json()
        codes |= {p["id"]: {o["code"] for o in p["occupations"]} for p in page["items"]}
        if not (cursor := page["next_cursor"]):
            return codes


def _field(wished: set[str], offered: set[str], digits: int) -> bool:
    return any(w[:digits] == o[:digits] for w in wished for o in offered)


@pytest.mark.parametrize("overrides", [{}, {"importance": "commute:must"}])
def test_no_unrelated_posting_is_ranked_above_one_of_the_seekers_field(
    client_as: ClientAs, demo: dict[int, set[str]], overrides: dict[str, Any],
) -> None:
    lists_with_field = 0
    for number in range(1, DEMO_SEEKERS + 1):
        me = client_as(seeker_headers(f"demo-{number}"))
        profile = me.get("/v1/me").json()
        wished = {o["code"] for o in profile["wishes"]["occupations"]}
        page = me.get(f"/v1/seekers/{profile['id']}/matches", params={"limit": 100, **overrides}).json()
        items = page["items"]
        in_field = [i for i, item in enumerate(items) if _field(wished, demo[item["posting_id"]], 3)]
        unrelated = [i for i, item in enumerate(items) if not _field(wished, demo[item["posting_id"]], 2)]
        lists_with_field += bool(in_field)
        if in_field and unrelated:
            assert max(in_field) < min(unrelated), f"demo-{number}: an unrelated posting is ranked above the seeker's field"
        assert all(item["fit"] in ("strong", "possible") for item in items)
        if not items:
            assert page["why_short"]["nothing_fits"] is True
            assert page["why_short"]["why"]["no"]
    assert lists_with_field >= DEMO_SEEKERS // 2  # most demo seekers have postings of their field in the demo market


def test_a_must_that_empties_the_field_says_what_relaxing_it_adds(client_as: ClientAs, demo: dict[int, set[str]]) -> None:
    if not GEONAMES.is_file():
        pytest.skip("distances to the demo's places need the GeoNames postal codes (../shared/data/geo-no/NO.txt)")
    me = client_as(seeker_headers("demo-1"))
    profile = me.get("/v1/me").json()
    wished = {o["code"] for o in profile["wishes"]["occupations"]}
    free = me.get(f"/v1/seekers/{profile['id']}/matches", params={"limit": 100}).json()
    strict = me.get(f"/v1/seekers/{profile['id']}/matches", params={"limit": 100, "importance": "commute:must"}).json()
    in_field = {item["posting_id"] for item in free["items"] if _field(wished, demo[item["posting_id"]], 3)}
    kept = {item["posting_id"] for item in strict["items"] if _field(wished, demo[item["posting_id"]], 3)}
    assert kept < in_field  # the commute removes some of the seeker's field
    [commute] = [r for r in strict["why_short"]["relaxations"] if r["rule"] == "must.commute"]
    assert commute["removed"] >= len(in_field - kept)
    assert commute["adds"] > 0
    assert commute["relax_with"] == "importance=commute:high"
    assert "reisevei" in commute["why"]["no"]
    relaxed = me.get(f"/v1/seekers/{profile['id']}/matches", params={"limit": 100, "importance": "commute:high"}).json()
    assert len(relaxed["items"]) > len(strict["items"])


def test_the_caseworker_reads_the_seeker_in_the_third_person(client_as: ClientAs, demo: dict[int, set[str]]) -> None:
    seeker_id = client_as(seeker_headers("demo-1")).get("/v1/me").json()["id"]
    caseworker = client_as(caseworker_headers("Z990001", units=["4601"]))
    page = caseworker.get(f"/v1/seekers/{seeker_id}/matches", params={"limit": 5})
    assert page.status_code == 200, page.text
    posting_id = page.json()["items"][0]["posting_id"]
    explained = caseworker.get(f"/v1/seekers/{seeker_id}/matches/{posting_id}/explanation").json()
    norwegian = " ".join([*page.json()["items"][0]["summary_reasons"], *(c["why"]["no"] for c in explained["components"])])
    english = " ".join(c["why"]["en"] for c in explained["components"])
    assert not re.search(r"\b(du|deg|din|dine|ditt)\b", norwegian, re.IGNORECASE)
    assert not re.search(r"\b(you|your)\b", english, re.IGNORECASE)
    assert "personen" in norwegian.casefold() or "Personen" in norwegian
    seeker = client_as(seeker_headers("demo-1"))  # the seeker's own view, read after the caseworker's, is still theirs
    own_page = seeker.get(f"/v1/seekers/{seeker_id}/matches", params={"limit": 5}).json()
    own = seeker.get(f"/v1/seekers/{seeker_id}/matches/{posting_id}/explanation").json()
    own_text = " ".join([*own_page["items"][0]["summary_reasons"], *(c["why"]["no"] for c in own["components"])])
    assert re.search(r"\b(du|din|dine|deg)\b", own_text, re.IGNORECASE)



def test_a_field_is_the_named_occupation_groups_not_their_whole_sub_major_group() -> None:
    """For a nurse (2223), a pharmacist's post (2262) shares only the sub-major group "health professionals": work she
    cannot take, outside her field, so it never comes before a posting the fit rates higher just for that."""
    closeness = np.array([1.0, 0.5, 0.25, 0.0, 0.25], dtype=np.float32)  # wished, same minor group, sub-major, none
    described = np.array([np.nan, np.nan, np.nan, np.nan, DESCRIBED_FIELD_Z], dtype=np.float32)  # the last: her own words
    closest = np.zeros(5, dtype=np.float32)
    assert outside_field(True, closeness, np.ones(5, dtype=bool), described, closest).tolist() == [False, False, True, True, False]
    assert not outside_field(False, closeness, np.ones(5, dtype=bool), described, closest).any()  # no named occupation: no field
    closest[3] = CLOSEST_FIELD_SHARE  # most of the postings that fit her best are of this occupation: her words' field
    assert outside_field(True, closeness, np.ones(5, dtype=bool), described, closest).tolist() == [False, False, True, False, False]
