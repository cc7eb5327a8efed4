"""Candidate search over the seeker side of the index, over HTTP on real PostgreSQL: large units, paging, changes made
elsewhere, erasure, units, and agreement with every seeker's own match list."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session, sessionmaker

from jobmatch.db.tables import SeekerRow
from jobmatch.embedding import store as vector_store
from jobmatch.embedding.sentence import load_embedder
from jobmatch.embedding.texts import seeker_text
from jobmatch.seekers.schemas import SeekerIn
from jobmatch.seekers.service import profile_values
from jobmatch.settings import Settings
from tests import auth
from tests.conftest import ClientAs
from tests.factories import seeker_body
from tests.learning_support import DRIVER, OSLO, post_posting
from tests.matching_support import build_index, load_geography, settle
from tests.test_candidates import CASEWORKER, DRIVER_PROFILE, OTHER_CASEWORKER, created_by

NURSE_WISH = {"system": "STYRK08", "code": "2223", "label": "Sykepleiere"}
NEAR = {"postal_code": "5003", "max_distance_km": 30}
VARIANTS: dict[str, dict[str, Any]] = {
    "plain": {},
    "commute must, far away": {"wishes": {"occupations": [NURSE_WISH], "locations": [{"postal_code": "0150", "max_distance_km": 5}]},
                               "stay_factors": {"commute": "must"}},
    "commute must, near": {"wishes": {"occupations": [NURSE_WISH], "locations": [NEAR]}, "stay_factors": {"commute": "must"}},
    "two places, one near": {"wishes": {"occupations": [NURSE_WISH], "locations": [{"postal_code": "0150", "max_distance_km": 5}, NEAR]},
                             "stay_factors": {"commute": "must"}},
    "part time must": {"wishes": {"occupations": [NURSE_WISH], "extent": "part_time"}, "stay_factors": {"extent": "must"}},
    "day only must": {"wishes": {"occupations": [NURSE_WISH], "work_hours": ["day"]}, "stay_factors": {"work_hours": "must"}},
    "hours high": {"wishes": {"occupations": [NURSE_WISH], "work_hours": ["day", "evening", "weekend"]},
                   "stay_factors": {"work_hours": "high"}},
    "private must": {"wishes": {"occupations": [NURSE_WISH], "sectors": ["private"]}, "stay_factors": {"sector": "must"}},
    "public high": {"wishes": {"occupations": [NURSE_WISH], "sectors": ["public"]}, "stay_factors": {"sector": "high"}},
    "remote must": {"wishes": {"occupations": [NURSE_WISH], "remote": ["remote"]}, "stay_factors": {"remote": "must"}},
    "pay must": {"wishes": {"occupations": [NURSE_WISH], "min_salary_nok": 600_000}, "stay_factors": {"salary": "must"}},
    "not the keyword": {"not_for_me": {"keywords": ["turnus"]}},
    "not the occupation group": {"not_for_me": {"occupations": [{"system": "STYRK08", "code": "22"}]}},
    "not the employer": {"not_for_me": {"employers": ["bergen"]}},
    "other skills": {"skills": [{"name": "sårstell", "level": 2}, {"name": "medikament håndtering", "level": 4}]},
    "words only": {"wishes": {}, "stay_factors": {}, "not_for_me": {}, "experience": [], "skills": [],
                   "summary": "Sykepleier med autorisasjon, vil jobbe i turnus."},
    "hardly anything": {"wishes": {}, "stay_factors": {}, "not_for_me": {}, "experience": [], "skills": [], "summary": "Hei."},
    "driver": DRIVER_PROFILE,
}


@pytest.fixture
def posting_id(client: TestClient, settings: Settings, session_factory: sessionmaker[Session]) -> int:
    """A nurse posting in Bergen among a few others, indexed and served."""
    load_geography(session_factory)
    nurse = post_posting(client, "nurse")
    post_posting(client, "driver", title="Lastebilsjåfør", occupations=[DRIVER], skills=["førerkort klasse C"])
    post_posting(client, "oslo", locations=[OSLO], employer={"name": "Oslo universitetssykehus"})
    build_index(settings, session_factory)
    return nurse


@pytest.fixture
def mine(client_as: ClientAs) -> TestClient:
    return client_as(auth.caseworker_headers(CASEWORKER, units=[auth.UNIT]))


def every_page(caseworker: TestClient, posting_id: int, *, limit: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every item over every page, and the pages."""
    items: list[dict[str, Any]] = []
    pages: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        response = caseworker.get(f"/v1/postings/{posting_id}/candidates", params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        pages.append(page)
        items += page["items"]
        if (cursor := page["next_cursor"]) is None:
            return items, pages


def write_elsewhere(session_factory: sessionmaker[Session], profiles: list[dict[str, Any]], *, unit: str) -> list[uuid.UUID]:
    """Seekers written by another process (not this app's sessions): only the change feed tells the app."""
    embedder = load_embedder("hashing")
    parsed = [SeekerIn.model_validate(body) for body in profiles]
    with session_factory.begin() as session:
        ids = list(session.scalars(insert(SeekerRow).returning(SeekerRow.id),
                                   [{**profile_values(profile), "assigned_unit": unit} for profile in parsed]))
        vector_store.embed(session, embedder=embedder, texts=[seeker_text(profile) for profile in parsed], kind="query")
    return ids


@pytest.fixture
def loaded_rows() -> Iterator[list[uuid.UUID]]:
    """Every seeker row the ORM loads while the test runs, in this process."""
    loaded: list[uuid.UUID] = []

    def count(target: SeekerRow, _context: Any) -> None:
        loaded.append(target.id)

    event.listen(SeekerRow, "load", count)
    yield loaded
    event.remove(SeekerRow, "load", count)


def test_a_unit_larger_than_any_page_is_paged_once_each_reading_only_the_page(
    posting_id: int, mine: TestClient, session_factory: sessionmaker[Session], loaded_rows: list[uuid.UUID],
) -> None:
    written = write_elsewhere(session_factory, [seeker_body(summary=f"Sykepleier nummer {i}.") for i in range(230)], unit=auth.UNIT)
    settle()
    loaded_rows.clear()
    items, pages = every_page(mine, posting_id, limit=100)
    assert len(pages) == 3
    shown = [item["seeker_id"] for item in items]
    assert len(shown) == len(set(shown)) == pages[0]["total"] == 230
    assert set(shown) == {str(seeker_id) for seeker_id in written}
    assert [item["rank"] for item in items] == list(range(1, 231))
    assert {page["considered"] for page in pages} == {230}
    assert sorted(map(str, loaded_rows)) == sorted(shown)  # the database is read for the seekers shown, each once


def test_a_seeker_changed_in_another_process_is_ranked_on_their_new_profile(
    posting_id: int, mine: TestClient, session_factory: sessionmaker[Session],
) -> None:
    (driver,) = write_elsewhere(session_factory, [DRIVER_PROFILE], unit=auth.UNIT)
    (nurse,) = write_elsewhere(session_factory, [seeker_body()], unit=auth.UNIT)
    settle()
    before = [item["seeker_id"] for item in every_page(mine, posting_id, limit=20)[0]]
    assert str(nurse) in before
    assert str(driver) not in before
    nurse_profile = SeekerIn.model_validate(seeker_body(summary="Intensivsykepleier med spesialisering.",
                                                        skills=[{"name": "medikamenthåndtering", "level": 5}]))
    with session_factory.begin() as session:
        row = session.get(SeekerRow, driver)
        assert row is not None
        for name, value in profile_values(nurse_profile).items():
            setattr(row, name, value)
        vector_store.embed(session, embedder=load_embedder("hashing"), texts=[seeker_text(nurse_profile)], kind="query")
        gone = session.get(SeekerRow, nurse)
        assert gone is not None
        gone.findable = False
    settle()
    items = every_page(mine, posting_id, limit=20)[0]
    assert [item["seeker_id"] for item in items] == [str(driver)]
    skills = next(c for c in items[0]["components"] if c["name"] == "skills")
    assert "medikamenthåndtering" in skills["why"]["no"]


def test_an_erased_seeker_never_appears_again(
    posting_id: int, mine: TestClient, client_as: ClientAs, session_factory: sessionmaker[Session],
) -> None:
    kept = created_by(mine, "p-kept")
    erased = created_by(mine, "p-erased", summary="Sykepleier, Zyxwvuts er mitt kallenavn.")
    (erased_elsewhere,) = write_elsewhere(session_factory, [seeker_body()], unit=auth.UNIT)
    settle()
    assert {kept, erased, str(erased_elsewhere)} <= {item["seeker_id"] for item in every_page(mine, posting_id, limit=20)[0]}

    assert client_as(auth.seeker_headers("p-erased")).delete(f"/v1/seekers/{erased}").status_code == 204
    with session_factory.begin() as session:
        session.execute(SeekerRow.__table__.delete().where(SeekerRow.id == erased_elsewhere))
    items, pages = every_page(mine, posting_id, limit=20)  # before any upkeep: this process's erasure is gone already
    assert [item["seeker_id"] for item in items] == [kept]
    side = mine.app.state.jobmatch.seekers  # type: ignore[attr-defined]
    assert uuid.UUID(erased) not in side.ids  # nothing of the erased seeker stays in the process
    assert not any("Zyxwvuts" in terms for terms in side.terms)
    settle()
    items, pages = every_page(mine, posting_id, limit=20)
    assert [item["seeker_id"] for item in items] == [kept]
    assert (pages[0]["considered"], pages[0]["total"]) == (1, 1)


def test_other_units_never_appear_but_a_seeker_one_follows_up_does(
    posting_id: int, mine: TestClient, client: TestClient, client_as: ClientAs, session_factory: sessionmaker[Session],
) -> None:
    own = created_by(mine, "p-own")
    theirs = client_as(auth.caseworker_headers(OTHER_CASEWORKER, units=[auth.OTHER_UNIT]))
    elsewhere = [created_by(theirs, f"p-elsewhere-{i}") for i in range(3)]
    write_elsewhere(session_factory, [seeker_body() for _ in range(5)], unit=auth.OTHER_UNIT)
    followed = created_by(theirs, "p-followed")
    assert client.put(f"/v1/admin/seekers/{followed}/assignment",
                      json={"unit": auth.OTHER_UNIT, "caseworker": CASEWORKER}).status_code == 200
    settle()
    shown = {item["seeker_id"] for item in every_page(mine, posting_id, limit=20)[0]}
    assert shown == {own, followed}
    assert not shown & set(elsewhere)
    assert len(every_page(theirs, posting_id, limit=20)[0]) == 3 + 5 + 1


def own_scores(client_as: ClientAs, ids: dict[str, str], posting_id: int) -> dict[str, float]:
    """Each seeker's score for the posting in their own match list, for those whose list has it."""
    scores: dict[str, float] = {}
    for number, name in enumerate(VARIANTS):
        page = client_as(auth.seeker_headers(f"p-variant-{number}")).get(f"/v1/seekers/{ids[name]}/matches", params={"limit": 50}).json()
        for item in page["items"]:
            if item["posting_id"] == posting_id:
                scores[ids[name]] = item["score"]
    return scores


def test_every_candidate_and_score_agree_with_the_seekers_own_lists(
    posting_id: int, mine: TestClient, client: TestClient, client_as: ClientAs, settings: Settings,
    session_factory: sessionmaker[Session],
) -> None:
    ids = {name: created_by(mine, f"p-variant-{number}", **overrides) for number, (name, overrides) in enumerate(VARIANTS.items())}
    items = every_page(mine, posting_id, limit=7)[0]
    assert {item["seeker_id"]: item["score"] for item in items} == own_scores(client_as, ids, posting_id)
    names = {seeker_id: name for name, seeker_id in ids.items()}
    assert {"commute must, far away", "part time must", "day only must", "private must", "remote must", "not the keyword",
            "not the occupation group", "not the employer"}.isdisjoint(names[item["seeker_id"]] for item in items)
    assert {"plain", "commute must, near", "two places, one near", "pay must", "public high"} <= {names[i["seeker_id"]] for i in items}

    post_posting(client, "another nurse", title="Sykepleier, hjemmetjenesten", employer={"name": "Askøy kommune"})
    build_index(settings, session_factory)  # a new version: every seeker is re-tuned to it
    again = every_page(mine, posting_id, limit=7)[0]
    assert {item["seeker_id"]: item["score"] for item in again} == own_scores(client_as, ids, posting_id)


def test_a_seeker_who_hides_leaves_at_once_and_one_who_changes_is_ranked_anew(
    posting_id: int, mine: TestClient, client_as: ClientAs,
) -> None:
    hiding = created_by(mine, "p-hiding")
    changing = created_by(mine, "p-changing", **DRIVER_PROFILE)
    assert {item["seeker_id"] for item in every_page(mine, posting_id, limit=20)[0]} == {hiding}
    assert client_as(auth.seeker_headers("p-hiding")).put(
        "/v1/me/preferences", json={"findable": False, "caseworker_access": True}).status_code == 200
    assert client_as(auth.seeker_headers("p-changing")).put(f"/v1/seekers/{changing}", json=seeker_body()).status_code == 200
    items, pages = every_page(mine, posting_id, limit=20)  # no upkeep round in between: this process's commits apply at once
    assert [item["seeker_id"] for item in items] == [changing]
    assert pages[0]["considered"] == 1


def test_candidate_search_waits_for_the_seeker_side(client: TestClient, mine: TestClient, session_factory: sessionmaker[Session]) -> None:
    posting = post_posting(client, "nurse")
    with session_factory() as session:
        assert session.scalar(select(SeekerRow.id)) is None
    response = mine.get(f"/v1/postings/{posting}/candidates")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
