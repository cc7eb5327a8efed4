"""Declared-signal compliance over generated seekers, reading every page: no page holds a `must` violation or a not-for-me
posting, and every active posting of a wished occupation that breaks no rule is on some page."""

from __future__ import annotations

import math
import random
import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from jobmatch.demo.loader import load_demo
from jobmatch.settings import Settings
from tests.auth import seeker_headers
from tests.conftest import ClientAs
from tests.matching_support import build_index, load_geography

SEEKERS = 120
FACTORS = ["commute", "permanent", "extent", "work_hours", "remote", "sector", "salary"]
LEVELS = ["must", "high", "medium", "low", "none"]


def _distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _generated_seeker(rng: random.Random, postings: list[dict[str, Any]], postal_codes: list[str]) -> dict[str, Any]:
    sample = rng.sample(postings, 6)
    occupations = [occ for p in sample[:2] for occ in p["occupations"]]
    employers = [p["employer"]["name"] for p in sample[2:4] if p["employer"]]
    words = [w for w in re.findall(r"[a-zæøå]{6,}", " ".join(p["title"].casefold() for p in sample[4:])) if w]
    return {
        "summary": " ".join(p["title"] for p in sample[:2]),
        "skills": [{"name": skill, "level": rng.randint(1, 5), "wants_to_use": rng.random() > 0.2}
                   for p in sample[:2] for skill in p["skills"][:3]],
        "wishes": {
            "occupations": occupations,
            "locations": [{"postal_code": rng.choice(postal_codes), "max_distance_km": rng.choice([10, 30, 80, 200])}],
            "extent": rng.choice([None, "full_time", "part_time"]),
            "remote": rng.sample(["onsite", "hybrid", "remote"], rng.randint(0, 2)),
            "sectors": rng.sample(["public", "private"], rng.randint(0, 1)),
            "work_hours": rng.sample(["day", "evening", "night", "weekend", "shift"], rng.randint(0, 3)),
            "min_salary_nok": rng.choice([None, 450_000, 600_000]),
        },
        "not_for_me": {
            "employers": employers[: rng.randint(0, 2)],
            "keywords": words[: rng.randint(0, 1)],
            "occupations": [occ for occ in (p["occupations"][0] for p in sample[4:5] if p["occupations"])][: rng.randint(0, 1)],
        },
        "stay_factors": {factor: rng.choice(LEVELS) for factor in FACTORS if rng.random() > 0.2},
    }


def _violations(seeker: dict[str, Any], posting: dict[str, Any], points: dict[str, tuple[float, float]]) -> list[str]:
    """The rules the posting breaks, checked here independently of the ranking code."""
    found = []
    musts = {factor for factor, level in seeker["stay_factors"].items() if level == "must"}
    wishes = seeker["wishes"]
    if "permanent" in musts and posting["engagement_type"] not in (None, "permanent"):
        found.append("must permanent")
    if "extent" in musts and wishes["extent"] and posting["extent"] not in (None, wishes["extent"]):
        found.append("must extent")
    if "remote" in musts and wishes["remote"] and posting["remote"] not in (None, *wishes["remote"]):
        found.append("must remote")
    if "sector" in musts and wishes["sectors"] and posting["sector"] not in (None, *wishes["sectors"]):
        found.append("must sector")
    if "work_hours" in musts and wishes["work_hours"] and not set(posting["work_hours"]) <= set(wishes["work_hours"]):
        found.append("must work_hours")
    if "commute" in musts and posting["remote"] != "remote":
        wish = wishes["locations"][0]
        home = points.get(wish["postal_code"])
        places = [points.get(loc.get("postal_code") or "") or points.get(f"municipality:{loc.get('municipality_code')}")
                  for loc in posting["locations"]]
        places = [place for place in places if place]
        if home and places and min(_distance_km(home, place) for place in places) > wish["max_distance_km"] + 1e-6:
            found.append("must commute")
    if "salary" in musts and wishes["min_salary_nok"] is not None:
        # Demo pay is yearly: "kr 440 000–520 000", "Fra kr 510 000", or no amount (a pay grade, "etter avtale": unknown).
        amounts = [int(re.sub(r"\D", "", found)) for found in re.findall(r"\d{1,3}(?: \d{3})+", posting["salary"] or "")]
        amounts += [1_950 * int(hourly) for hourly in re.findall(r"(\d{2,4})\s*(?:kr\s*)?(?:per|pr\.?|i)\s+time", posting["salary"] or "")]
        if amounts and max(amounts) < wishes["min_salary_nok"]:
            found.append("must salary")
    employer = (posting["employer"] or {}).get("name", "").casefold()
    if any(name.casefold() in employer for name in seeker["not_for_me"]["employers"] if employer):
        found.append("not_for_me employer")
    body = " ".join([posting["title"], posting["description"], employer, *posting["skills"]]).casefold()
    if any(re.search(r"(?<!\w)" + re.escape(word), body) for word in seeker["not_for_me"]["keywords"]):
        found.append("not_for_me keyword")
    codes = {(occ["system"], occ["code"]) for occ in posting["occupations"]}
    if any((occ["system"], occ["code"]) in codes for occ in seeker["not_for_me"]["occupations"]):
        found.append("not_for_me occupation")
    if posting["status"] != "active":
        found.append("inactive")
    return found


def test_no_must_violation_or_not_for_me_posting_in_any_page(
    client: TestClient, client_as: ClientAs, settings: Settings, session_factory: sessionmaker[Session],
) -> None:
    load_geography(session_factory)
    load_demo(session_factory)
    build_index(settings, session_factory)
    with session_factory() as session:
        points = {code: (lat, lon) for code, lat, lon in session.execute(
            text("SELECT postal_code, latitude, longitude FROM postal_codes"))}
        points |= {f"municipality:{code}": (lat, lon) for code, lat, lon in session.execute(text(
            "SELECT municipality_code, avg(latitude), avg(longitude) FROM postal_codes GROUP BY municipality_code"))}
    postings: dict[int, dict[str, Any]] = {}
    cursor = None
    while True:
        page = client.get("/v1/postings", params={"limit": 200, **({"cursor": cursor} if cursor else {})}).json()
        postings.update({p["id"]: p for p in page["items"]})
        if not (cursor := page["next_cursor"]):
            break
    active = [p for p in postings.values() if p["status"] == "active"]
    rng = random.Random(20261128)
    checked = removed_somewhere = pages = 0
    for number in range(SEEKERS):
        seeker = _generated_seeker(rng, active, sorted(code for code in points if code.isdigit()))
        me = client_as(seeker_headers(f"generated-{number}"))
        created = me.post("/v1/seekers", json=seeker)
        assert created.status_code == 201, created.text
        seeker_id = created.json()["id"]
        shown: list[int] = []
        cursor = None
        while True:
            response = me.get(f"/v1/seekers/{seeker_id}/matches", params={"limit": 20, **({"cursor": cursor} if cursor else {})})
            assert response.status_code == 200, response.text
            for item in response.json()["items"]:
                problems = _violations(seeker, postings[item["posting_id"]], points)
                assert not problems, f"seeker {seeker_id} was shown posting {item['posting_id']}: {problems}"
                shown.append(item["posting_id"])
                checked += 1
            pages += 1
            if not (cursor := response.json()["next_cursor"]):
                break
        assert len(shown) == len(set(shown)) == response.json()["total"]  # the pages neither repeat nor skip
        wished = {(occ["system"], occ["code"]) for occ in seeker["wishes"]["occupations"]}
        fitting = {p["id"] for p in active
                   if wished & {(occ["system"], occ["code"]) for occ in p["occupations"]} and not _violations(seeker, p, points)}
        missing = {posting_id: me.get(f"/v1/seekers/{seeker_id}/matches/{posting_id}/explanation").json()["removed_by"]
                   for posting_id in fitting - set(shown)}
        assert not missing, f"seeker {seeker_id}: postings that fit and break no rule are missing: {missing}"
        if response.json()["total"] < len(active):
            removed_somewhere += 1
    assert checked > SEEKERS * 10  # the pages were not empty
    assert pages > SEEKERS  # and many lists ran to more than one page
    assert removed_somewhere > SEEKERS / 4  # and the constraints did remove postings for many seekers
