"""The engine past its candidate limits: with retrieval limits set tiny, every posting that fits is still reachable and
the list equals the exhaustive ranking; a change committed by another process reaches the served index by the feed."""

from __future__ import annotations

import itertools
import subprocess
import sys
import threading
import time
from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from jobmatch.matching import measure, ranking
from jobmatch.search import sync
from jobmatch.search.dense import DenseRows
from jobmatch.search.snapshot import RankingCache
from jobmatch.search.versions import IndexStore
from jobmatch.settings import Settings
from tests.auth import seeker_headers
from tests.conftest import ClientAs
from tests.factories import posting_body, seeker_body
from tests.matching_support import build_index, load_geography
from tests.test_reindex import EMBEDDER, import_postings, reindex

NURSE = {"system": "STYRK08", "code": "2223", "label": "Sykepleiere"}
COOK = {"system": "STYRK08", "code": "5120", "label": "Kokker"}
BERGEN = {"postal_code": "5003", "municipality": "Bergen", "municipality_code": "4601"}
OSLO = {"postal_code": "0150", "municipality": "Oslo", "municipality_code": "0301"}


@pytest.fixture
def market(client: TestClient, settings: Settings, session_factory: sessionmaker[Session]) -> dict[str, list[int]]:
    """60 postings: nurses in Bergen and Oslo, part and full time, and cooks; far more than the tiny limits below."""
    load_geography(session_factory)
    numbers = itertools.count()
    ids: dict[str, list[int]] = {"nurse_bergen_full": [], "nurse_bergen_part": [], "nurse_oslo": [], "cook": []}
    for kind, count in (("nurse_bergen_full", 15), ("nurse_bergen_part", 10), ("nurse_oslo", 15), ("cook", 20)):
        for _ in range(count):
            number = next(numbers)
            body: dict[str, Any] = posting_body(f"scale-{number}", title=f"Sykepleier {number}", occupations=[NURSE],
                                                locations=[OSLO if kind == "nurse_oslo" else BERGEN],
                                                extent="part_time" if kind == "nurse_bergen_part" else "full_time")
            if kind == "cook":
                body |= {"title": f"Kokk {number}", "occupations": [COOK], "skills": ["matlaging"], "description": "Kokk til kantine."}
            response = client.post("/v1/postings", json=body)
            assert response.status_code == 201, response.text
            ids[kind].append(response.json()["id"])
    build_index(settings, session_factory)
    return ids


def _all_pages(client: TestClient, seeker_id: str, **params: Any) -> list[int]:
    shown: list[int] = []
    cursor = None
    while True:
        page = client.get(f"/v1/seekers/{seeker_id}/matches", params={"limit": 4, **params, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200, page.text
        shown += [item["posting_id"] for item in page.json()["items"]]
        if not (cursor := page.json()["next_cursor"]):
            return shown


def test_every_fitting_posting_is_reachable_past_tiny_retrieval_limits(
    client_as: ClientAs, market: dict[str, list[int]], monkeypatch: pytest.MonkeyPatch,
) -> None:
    me = client_as(seeker_headers("tiny-limits"))
    body = seeker_body(wishes={"occupations": [NURSE], "locations": [{"postal_code": "5003", "max_distance_km": 30}],
                               "extent": "full_time"},
                       stay_factors={"commute": "must", "extent": "must"}, not_for_me={})
    seeker_id = me.post("/v1/seekers", json=body).json()["id"]
    wide = _all_pages(me, seeker_id)
    monkeypatch.setattr(ranking, "DENSE_START", 1)  # retrieval starts with one dense candidate: it must widen by itself
    narrow = _all_pages(me, seeker_id, importance="salary:low")  # another query key: ranked afresh with the tiny limit
    assert set(market["nurse_bergen_full"]) <= set(narrow)
    assert not set(narrow) & set(market["nurse_oslo"] + market["nurse_bergen_part"])  # the musts removed them
    assert sorted(narrow) == sorted(wide)
    dismissed = market["nurse_bergen_full"][:5]
    for posting_id in dismissed:
        event = {"posting_id": posting_id, "kind": "dismissed", "reason": "not_for_me"}
        assert me.post(f"/v1/seekers/{seeker_id}/events", json=event).status_code == 201
    after = _all_pages(me, seeker_id, importance="salary:low")
    assert set(after) == set(market["nurse_bergen_full"]) - set(dismissed)  # dismissed ones take no slot from the others


def test_a_cursor_from_another_query_is_refused(client_as: ClientAs, market: dict[str, list[int]]) -> None:
    me = client_as(seeker_headers("cursor-owner"))
    seeker_id = me.post("/v1/seekers", json=seeker_body(not_for_me={}, stay_factors={})).json()["id"]
    first = me.get(f"/v1/seekers/{seeker_id}/matches", params={"limit": 2}).json()
    assert first["next_cursor"]
    other = me.get(f"/v1/seekers/{seeker_id}/matches", params={"limit": 2, "cursor": first["next_cursor"], "importance": "commute:must"})
    assert other.status_code == 422
    assert "another query" in other.json()["detail"]


def test_a_posting_changed_by_another_process_reaches_the_served_index(
    client_as: ClientAs, settings: Settings, market: dict[str, list[int]],
) -> None:
    me = client_as(seeker_headers("feed-watcher"))
    body = seeker_body(wishes={"occupations": [COOK]}, summary="Kokk", experience=[], skills=[], not_for_me={}, stay_factors={})
    seeker_id = me.post("/v1/seekers", json=body).json()["id"]
    before = _all_pages(me, seeker_id)
    cook = market["cook"][0]
    assert cook in before
    assert settings.database_url is not None
    script = (
        "import sys; from sqlalchemy import create_engine, text\n"
        "engine = create_engine(sys.argv[1].replace('postgresql://', 'postgresql+psycopg://', 1))\n"
        "with engine.begin() as c:\n"
        "    c.execute(text(\"UPDATE postings SET status = 'inactive', content_hash = md5(content_hash), updated_at = now() "
        "WHERE id = :id\"), {'id': int(sys.argv[2])})\n"
    )
    subprocess.run([sys.executable, "-c", script, settings.database_url.get_secret_value(), str(cook)], check=True)
    deadline = time.monotonic() + 10  # the app's own upkeep thread (every 0.2 s here) applies it; nothing is forced
    while cook in _all_pages(me, seeker_id, importance="salary:none") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert cook not in _all_pages(me, seeker_id, importance="salary:none")
    explained = me.get(f"/v1/seekers/{seeker_id}/matches/{cook}/explanation").json()
    assert explained["outcome"] == "removed"
    assert [rule["code"] for rule in explained["removed_by"]] == ["inactive"]


def test_the_list_sorted_lazily_pages_in_the_order_its_explanations_count(
    client_as: ClientAs, market: dict[str, list[int]], monkeypatch: pytest.MonkeyPatch,
) -> None:
    me = client_as(seeker_headers("lazy-order"))
    seeker_id = me.post("/v1/seekers", json=seeker_body(wishes={"occupations": [NURSE]}, stay_factors={}, not_for_me={})).json()["id"]
    monkeypatch.setattr(ranking, "FIRST_SORTED", 1)  # each page sorts only a little more of the list than it shows
    paged = _all_pages(me, seeker_id)
    assert set(market["nurse_bergen_full"] + market["nurse_bergen_part"] + market["nurse_oslo"]) <= set(paged)
    for rank, posting_id in enumerate(paged, start=1):  # an explanation counts its rank over the unsorted list
        explanation = me.get(f"/v1/seekers/{seeker_id}/matches/{posting_id}/explanation")
        assert explanation.status_code == 200, explanation.text
        assert explanation.json()["rank"] == rank


def test_a_sorted_prefix_is_the_whole_sort_cut_short_ties_and_all() -> None:
    generator = np.random.default_rng(7)
    keys = generator.integers(0, 6, size=500).astype(np.float64)  # many ties, broken by id
    ids = generator.permutation(10_000)[:500].astype(np.int64)
    whole = np.lexsort((ids, keys))
    for wanted in (1, 2, 7, 64, 255, 499, 500, 800):
        assert ranking.sorted_prefix(keys, ids, wanted).tolist() == whole[:wanted].tolist()


def _pages_with_scores(client: TestClient, seeker_id: str, **params: Any) -> list[tuple[int, float, str]]:
    page = client.get(f"/v1/seekers/{seeker_id}/matches", params={"limit": 100, **params})
    assert page.status_code == 200, page.text
    return [(item["posting_id"], item["score"], item["fit"]) for item in page.json()["items"]]


@pytest.mark.parametrize("stay_factors", [{}, {"commute": "must"}],
                         ids=["no must: measured from the start", "a commute must: measured once the rules leave most rows"])
def test_similarities_measured_on_a_helper_thread_rank_to_the_bit_as_measured_in_line(
    client_as: ClientAs, market: dict[str, list[int]], monkeypatch: pytest.MonkeyPatch, stay_factors: dict[str, str],
) -> None:
    me = client_as(seeker_headers("helper-thread"))
    wishes = {"occupations": [COOK], "extent": "full_time", "locations": [{"postal_code": "5003", "max_distance_km": 30}]}
    body = seeker_body(summary="Sykepleier og kokk", wishes=wishes, stay_factors=stay_factors, not_for_me={})
    seeker_id = me.post("/v1/seekers", json=body).json()["id"]
    in_line = _pages_with_scores(me, seeker_id)
    assert len(in_line) > 20  # most rows are left beside the wished occupation: every row's similarity is measured
    holder = me.app.state.jobmatch.index  # type: ignore[attr-defined]
    holder.snapshot.rankings = RankingCache()
    monkeypatch.setattr(measure, "PARALLEL_ROWS", 0)  # every corpus is large enough for the helper thread
    similarity = DenseRows.similarity
    threads: list[tuple[str, int]] = []

    def recorded(self: DenseRows, query: Any, rows: Any) -> Any:
        threads.append((threading.current_thread().name, len(rows)))
        return similarity(self, query, rows)

    monkeypatch.setattr(DenseRows, "similarity", recorded)
    assert _pages_with_scores(me, seeker_id) == in_line
    assert ("jobmatch-similarity_0", 60) in threads or ("jobmatch-similarity_1", 60) in threads  # every row's, on a helper


def test_the_change_feed_rereads_the_overlap_window_only_until_every_transaction_in_it_has_committed(
    settings: Settings, session_factory: sessionmaker[Session], engine: Engine, monkeypatch: pytest.MonkeyPatch,
) -> None:
    ids = import_postings(session_factory, range(40))
    reindex(session_factory, settings)
    store = IndexStore(settings.index_dir)
    current = store.current()
    assert current is not None
    snapshot = store.load(current, model_id=EMBEDDER.model_id)
    windows: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "updated_at >=" in statement:
            windows.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        monkeypatch.setattr(sync, "SYNC_OVERLAP", timedelta(hours=1))  # the bulk import is inside the window
        late = ids[0]
        with session_factory.begin() as session:  # a transaction that began before the watermark commits only now
            session.execute(text("UPDATE postings SET title = 'Kokk, kom sent', content_hash = md5(content_hash), "
                                 "updated_at = :at WHERE id = :id"), {"at": snapshot.watermark[0] - timedelta(seconds=1), "id": late})
        with session_factory() as session:
            assert sync.sync_changes(snapshot, session).applied == 1
            assert sync.sync_changes(snapshot, session).applied == 0
        assert snapshot.corpus.texts["titles"][snapshot.corpus.row_of[late]] == "Kokk, kom sent"
        assert len(windows) == 2  # read on every sync while a transaction in it may still commit
        monkeypatch.setattr(sync, "SYNC_OVERLAP", timedelta(0))  # the database's clock is past the window
        with session_factory() as session:
            for _ in range(3):
                sync.sync_changes(snapshot, session)
        assert len(windows) == 3  # read one last time, then not again until the watermark moves
        with session_factory.begin() as session:
            session.execute(text("UPDATE postings SET content_hash = md5(content_hash), updated_at = now() WHERE id = :id"), {"id": ids[1]})
        with session_factory() as session:
            assert sync.sync_changes(snapshot, session).applied == 1
        assert len(windows) == 4
    finally:
        event.remove(engine, "before_cursor_execute", count)
