"""The nightly reindex as operators and API clients see it: crash-safe, one run at a time, swapped without a failed request."""

from __future__ import annotations

import gc
import json
import logging
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, sessionmaker

from jobmatch.app import create_app
from jobmatch.db.tables import PostingRow
from jobmatch.embedding.fake import HashingEmbedder
from jobmatch.index import persist
from jobmatch.matching.service import keep_priors_current, prior_cache
from jobmatch.postings import repository as postings_repository
from jobmatch.postings.schemas import PostingIn
from jobmatch.postings.service import row_values
from jobmatch.search import holder as holder_module
from jobmatch.search.build import PAUSE_AT_ENV, READ_CHUNK, build_version
from jobmatch.search.holder import IndexHolder
from jobmatch.search.index_api import router as index_router
from jobmatch.search.reindex import ExitCode, ReindexRunning, reindex_lock, run_reindex
from jobmatch.search.snapshot import IndexSnapshot
from jobmatch.search.versions import BUILD_PREFIX, MANIFEST_FILE, IndexStore
from jobmatch.settings import Settings
from tests.auth import admin_headers, seeker_headers
from tests.factories import posting_body, seeker_body
from tests.matching_support import settle

EMBEDDER = HashingEmbedder()
TITLES = ("Sykepleier", "Helsefagarbeider", "Lektor i matematikk", "Tømrer", "Utvikler", "Renholder", "Lastebilsjåfør")


def distinct_posting(number: int) -> dict[str, Any]:
    """A posting body whose embedded text differs from every other number's."""
    title = f"{TITLES[number % len(TITLES)]} nr. {number}"
    return posting_body(f"ad-{number}", title=title, description=f"<p>Stilling {number}: {title} søkes.</p>")


def import_postings(session_factory: sessionmaker[Session], numbers: Iterable[int]) -> list[int]:
    """Write postings the way `jobmatch import` does (no embedding on the way in); returns their ids."""
    rows = [row_values(PostingIn.model_validate(distinct_posting(number))) for number in numbers]
    with session_factory.begin() as session:
        return [posting_id for posting_id, _ in postings_repository.upsert_many(session, rows)]


VECTORS_FILE = "vectors.npy"


def reindex(session_factory: sessionmaker[Session], settings: Settings, **options: Any) -> dict[str, Any]:
    return run_reindex(session_factory, embedder=EMBEDDER, index_store=IndexStore(settings.index_dir), **options)


def cli_env(settings: Settings, *, pause_at: str | None = None) -> dict[str, str]:
    assert settings.database_url is not None
    env = {key: value for key, value in os.environ.items() if not key.startswith("JOBMATCH_")}
    env |= {
        "JOBMATCH_DATABASE_URL": settings.database_url.get_secret_value(),
        "JOBMATCH_DATA_DIR": str(settings.data_dir),
        "JOBMATCH_EMBEDDING_MODEL": "hashing",
        "JOBMATCH_ENVIRONMENT": "test",
        "HF_HUB_OFFLINE": "1",
    }
    if pause_at is not None:
        env[PAUSE_AT_ENV] = pause_at
    return env


def run_cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jobmatch", *args], env=cli_env(settings), capture_output=True, text=True, timeout=300, check=False
    )


@contextmanager
def paused_reindex(settings: Settings, stage: str) -> Iterator[subprocess.Popen[str]]:
    """A `jobmatch reindex` subprocess stopped at `stage` (it holds the lock there); killed on exit if still alive."""
    process = subprocess.Popen(
        [sys.executable, "-m", "jobmatch", "reindex", "--batch-size", "2"],
        env=cli_env(settings, pause_at=stage), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    seen: list[str] = []
    try:
        deadline = time.monotonic() + 120
        while True:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            if line is None:
                pytest.fail(f"reindex ended (exit {process.wait()}) before reaching {stage}:\n{''.join(seen)}")
            seen.append(line)
            if line.strip() == f"reindex paused at {stage}":
                break
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait()


def create_seeker(seeker_client: TestClient) -> str:
    response = seeker_client.post("/v1/seekers", json=seeker_body())
    assert response.status_code == 201, response.text
    seeker_id: str = response.json()["id"]
    return seeker_id


def served_version(client: TestClient, seeker_id: str) -> str:
    """The version a match request is served from, once the app's upkeep has had its round (it runs every 0.2 s here)."""
    settle()
    response = client.get(f"/v1/seekers/{seeker_id}/matches")
    assert response.status_code == 200, response.text
    version: str = response.json()["index_version"]
    return version


@pytest.mark.parametrize("stage", ["embedding", "indexing", "linked", "written", "published", "switched"])
def test_a_killed_reindex_leaves_a_good_version_serving_and_the_rerun_completes(
    stage: str, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    store = IndexStore(settings.index_dir)
    import_postings(session_factory, range(60))
    first = reindex(session_factory, settings)["index_version"]
    import_postings(session_factory, range(60, 70))  # ten postings the next run has to embed, within the lexical fit

    with paused_reindex(settings, stage) as killed:
        killed.send_signal(signal.SIGKILL)

    current = store.current()
    assert current is not None
    if stage == "switched":  # the new version was verified and switched to before the kill: it is the good one
        assert current > first
    else:
        assert current == first
    assert store.load(current, model_id=EMBEDDER.model_id).posting_count in {60, 70}

    rerun = reindex(session_factory, settings)
    assert store.current() == rerun["index_version"] > current
    assert store.load(rerun["index_version"], model_id=EMBEDDER.model_id).posting_count == 70
    assert rerun["postings"] == 70
    assert not list(store.versions_dir.glob(BUILD_PREFIX + "*")), "the rerun clears what the killed build left"
    if stage == "embedding":  # the batches stored before the kill are not computed again
        assert rerun["embeddings_computed"] < 10
        assert rerun["embeddings_reused"] == 70 - rerun["embeddings_computed"] > 60
    else:
        assert rerun["embeddings_computed"] == 0


def test_a_reindex_reads_every_chunk_of_postings(settings: Settings, session_factory: sessionmaker[Session]) -> None:
    import_postings(session_factory, range(READ_CHUNK + 3))

    summary = reindex(session_factory, settings)

    assert summary["postings"] == summary["embeddings_computed"] == READ_CHUNK + 3
    snapshot = IndexStore(settings.index_dir).load(summary["index_version"], model_id=EMBEDDER.model_id)
    assert snapshot.posting_count == READ_CHUNK + 3


def test_a_second_reindex_while_one_runs_exits_75(settings: Settings, session_factory: sessionmaker[Session]) -> None:
    import_postings(session_factory, range(4))
    with paused_reindex(settings, "embedding") as running:
        second = run_cli(settings, "reindex")
        assert second.returncode == int(ExitCode.LOCKED) == 75
        assert f"another reindex is running (pid {running.pid})" in second.stderr
        assert second.stdout == ""
    assert IndexStore(settings.index_dir).current() is None


def test_a_reindex_waits_for_a_serving_process_refit_and_a_refit_never_waits(
    settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    import_postings(session_factory, range(4))
    store = IndexStore(settings.index_dir)
    refitting, release = threading.Event(), threading.Event()

    def refit() -> None:
        with reindex_lock(store, refit=True):
            refitting.set()
            release.wait(30)

    holder = threading.Thread(target=refit)
    holder.start()
    assert refitting.wait(10)
    with pytest.raises(ReindexRunning):  # a second refit gives up, as a second nightly run does
        reindex(session_factory, settings, refit=True)
    waiting = subprocess.Popen([sys.executable, "-m", "jobmatch", "reindex"], env=cli_env(settings),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(3)
    assert waiting.poll() is None, waiting.communicate()  # waiting for the refit, not exited 75
    release.set()
    holder.join()
    stdout, stderr = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, stderr
    assert "building a version for its grown corpus" in stderr
    assert json.loads(stdout)["postings"] == 4


def test_an_expired_posting_is_deactivated_and_left_out_of_the_new_version(
    settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    store = IndexStore(settings.index_dir)
    expiring, *staying = import_postings(session_factory, range(3))
    reindex(session_factory, settings)
    with session_factory.begin() as session:
        session.execute(update(PostingRow).where(PostingRow.id == expiring).values(expires_at=datetime.now(UTC) - timedelta(hours=1)))

    summary = reindex(session_factory, settings)

    assert summary["expired_deactivated"] == 1
    assert summary["postings"] == 2
    with session_factory() as session:
        assert session.scalar(select(PostingRow.status).where(PostingRow.id == expiring)) == "inactive"
    snapshot = store.load(summary["index_version"], model_id=EMBEDDER.model_id)
    assert expiring not in snapshot.corpus.row_of
    assert all(posting_id in snapshot.corpus.row_of for posting_id in staying)


def test_an_incremental_reindex_reuses_the_served_version_and_applies_only_the_change(
    settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    store = IndexStore(settings.index_dir)
    ids = import_postings(session_factory, range(20))
    first = reindex(session_factory, settings)
    assert first["incremental_from"] is None
    changed = ids[3]
    with session_factory.begin() as session:
        session.execute(update(PostingRow).where(PostingRow.id == changed).values(title="Kokk til kantine", content_hash="changed"))
        session.execute(update(PostingRow).where(PostingRow.id == ids[4]).values(status="inactive"))

    second = reindex(session_factory, settings)

    assert second["incremental_from"] == first["index_version"]
    assert second["postings_changed"] == 2
    assert second["postings"] == 19
    snapshot = store.load(second["index_version"], model_id=EMBEDDER.model_id)
    corpus = snapshot.corpus
    assert ids[4] not in corpus.row_of
    assert corpus.texts["titles"][corpus.row_of[changed]] == "Kokk til kantine"
    third = reindex(session_factory, settings, full=True)
    assert third["incremental_from"] is None
    assert third["postings"] == 19


def test_a_version_grown_far_past_its_lexical_fit_is_refitted_from_the_stored_vectors(
    settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    store = IndexStore(settings.index_dir)
    empty = reindex(session_factory, settings)  # a fresh database: the first version has nothing to fit on
    assert empty["postings"] == 0
    import_postings(session_factory, range(30))

    grown = reindex(session_factory, settings)

    assert grown["incremental_from"] is None
    assert grown["embeddings_computed"] == 30  # embedded once, while catching up; the rebuild reads them back
    corpus = store.load(grown["index_version"], model_id=EMBEDDER.model_id).corpus
    assert corpus.lexical_model.fitted_docs == 30
    _, weights = corpus.lexical_model.query("Lastebilsjåfør")
    assert float(weights.max(initial=0.0)) > 0  # the n-grams of the ads carry weight
    import_postings(session_factory, range(30, 33))  # a tenth more: the fit still holds
    assert reindex(session_factory, settings)["incremental_from"] == grown["index_version"]


def test_full_reindex_recomputes_every_embedding(settings: Settings, session_factory: sessionmaker[Session]) -> None:
    import_postings(session_factory, range(6))
    assert reindex(session_factory, settings)["embeddings_computed"] == 6
    unchanged = reindex(session_factory, settings)
    assert (unchanged["embeddings_computed"], unchanged["embeddings_reused"]) == (0, 6)

    result = run_cli(settings, "reindex", "--full")

    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["full"] is True
    assert summary["postings"] == summary["embeddings_computed"] == 6
    assert summary["embeddings_reused"] == 0
    assert summary["previous_version"] == unchanged["index_version"]
    assert summary["model_id"] == EMBEDDER.model_id
    assert summary["seconds"] >= 0
    assert IndexStore(settings.index_dir).current() == summary["index_version"]


def test_matches_during_two_swaps_never_fail_and_never_go_back(
    client: TestClient, seeker_client: TestClient, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    for number in range(20):
        assert client.post("/v1/postings", json=distinct_posting(number)).status_code == 201
    seeker_id = create_seeker(seeker_client)
    versions = [reindex(session_factory, settings)["index_version"]]
    settle()
    stop = threading.Event()
    seen: list[list[str]] = [[] for _ in range(4)]
    failures: list[str] = []

    def ask(thread: int) -> None:
        while not stop.is_set():
            response = seeker_client.get(f"/v1/seekers/{seeker_id}/matches")
            if response.status_code == 200:
                seen[thread].append(response.json()["index_version"])
            else:
                failures.append(f"{response.status_code}: {response.text}")

    threads = [threading.Thread(target=ask, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.5)
        versions.append(reindex(session_factory, settings)["index_version"])
        assert client.post("/v1/postings", json=distinct_posting(20)).status_code == 201
        time.sleep(0.5)
        versions.append(reindex(session_factory, settings)["index_version"])
        time.sleep(1.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join()

    assert failures == []
    for answers in seen:
        assert answers, "every thread got answers"
        assert answers == sorted(answers), "a thread saw an older index version after a newer one"
        assert answers[-1] == versions[-1]
    assert set().union(*seen) == set(versions), "each version served in turn"


@pytest.mark.parametrize("damage", ["truncated", "byte changed", "truncated with a matching checksum"])
def test_a_corrupt_new_version_is_refused_and_the_previous_keeps_serving(
    damage: str, client: TestClient, seeker_client: TestClient, settings: Settings, session_factory: sessionmaker[Session],
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = IndexStore(settings.index_dir)
    for number in range(5):
        assert client.post("/v1/postings", json=distinct_posting(number)).status_code == 201
    seeker_id = create_seeker(seeker_client)
    first = reindex(session_factory, settings)["index_version"]
    assert served_version(seeker_client, seeker_id) == first
    assert client.post("/v1/postings", json=distinct_posting(5)).status_code == 201
    broken = build_version(session_factory, embedder=EMBEDDER, index_store=store)
    newest = broken.manifest.segments[-1]
    assert broken.stats.segment == newest["kind"] == "delta"  # the files only this version has
    dense = broken.folder / newest["name"] / VECTORS_FILE
    data = dense.read_bytes()
    if damage == "byte changed":
        dense.write_bytes(data[:-100] + bytes([data[-100] ^ 0xFF]) + data[-99:])
    else:
        dense.write_bytes(data[: len(data) // 2])
    if damage == "truncated with a matching checksum":  # gets past the checksum: reading the vectors must refuse it
        manifest = json.loads((broken.folder / MANIFEST_FILE).read_text())
        manifest["segments"][-1]["files"][VECTORS_FILE] = persist.checksum(dense)
        (broken.folder / MANIFEST_FILE).write_text(json.dumps(manifest))
    caplog.set_level(logging.ERROR, logger="jobmatch.search.holder")

    store.switch(broken.version)

    assert served_version(seeker_client, seeker_id) == first
    assert any(f"refusing index version {broken.version}, still serving {first}" in line for line in caplog.messages)
    repaired = reindex(session_factory, settings)["index_version"]
    assert served_version(seeker_client, seeker_id) == repaired


def test_rollback_makes_the_previous_version_current_and_the_api_serves_it(
    client: TestClient, seeker_client: TestClient, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    for number in range(3):
        assert client.post("/v1/postings", json=distinct_posting(number)).status_code == 201
    seeker_id = create_seeker(seeker_client)
    first = reindex(session_factory, settings)["index_version"]
    second = reindex(session_factory, settings)["index_version"]
    assert served_version(seeker_client, seeker_id) == second

    result = run_cli(settings, "index", "rollback")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"current": first}
    assert served_version(seeker_client, seeker_id) == first


def test_without_an_index_matches_answer_503_with_retry_after(client: TestClient, seeker_client: TestClient) -> None:
    assert client.post("/v1/postings", json=distinct_posting(1)).status_code == 201
    seeker_id = create_seeker(seeker_client)

    response = seeker_client.get(f"/v1/seekers/{seeker_id}/matches")

    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "jobmatch reindex" in response.json()["detail"]


def test_readyz_is_not_ready_until_the_first_index_exists(
    client: TestClient, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    not_ready = client.get("/readyz")
    assert not_ready.status_code == 503
    assert not_ready.json()["checks"]["index"] != "ok"
    import_postings(session_factory, range(2))
    reindex(session_factory, settings)

    ready = client.get("/readyz")

    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"]["index"] == "ok"


def test_index_status_reports_the_served_version_and_the_last_run(
    settings: Settings, engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    app = create_app(settings)
    if not any(getattr(route, "path", None) == "/v1/index" for route in app.routes):
        app.include_router(index_router, prefix="/v1")  # until app.py mounts it
    with TestClient(app, headers=admin_headers()) as client:
        empty = client.get("/v1/index").json()
        assert (empty["version"], empty["posting_count"], empty["last_run"], empty["versions"]) == (None, 0, None, [])
        import_postings(session_factory, range(3))
        summary = reindex(session_factory, settings)

        status = client.get("/v1/index").json()
        as_seeker = client.get("/v1/index", headers=seeker_headers())

    assert status["version"] == status["current_version"] == summary["index_version"]
    assert (status["model_id"], status["dim"], status["index_kind"]) == (EMBEDDER.model_id, EMBEDDER.dim, "flat")
    assert (status["posting_count"], status["built_posting_count"], status["pending_vectors"]) == (3, 3, 0)
    assert status["versions"] == [summary["index_version"]]
    assert status["last_run"]["embeddings_computed"] == 3
    assert status["last_run"]["index_version"] == summary["index_version"]
    assert as_seeker.status_code == 403


def test_a_version_is_prepared_before_it_counts_as_ready_and_a_new_one_before_it_replaces_the_served_one(
    settings: Settings, session_factory: sessionmaker[Session],
) -> None:
    import_postings(session_factory, range(3))
    reindex(session_factory, settings)
    holder = IndexHolder(IndexStore(settings.index_dir), model_id=EMBEDDER.model_id)
    prepared: list[tuple[str, str | None, int]] = []

    def priors_ready(snapshot: IndexSnapshot, factory: sessionmaker[Session]) -> None:
        keep_priors_current(snapshot, factory)
        served = holder.snapshot
        prepared.append((snapshot.version, served.version if served else None, len(prior_cache(snapshot).for_rows(
            factory(), snapshot.corpus, np.arange(snapshot.corpus.view().n))[1])))

    holder.follow(priors_ready, before_serving=True)
    holder.reload_if_changed()  # as a process starts: the version is loaded before the database is asked
    first = holder.require()
    assert not holder.ready
    holder.prepare(session_factory)
    holder.prepare(session_factory)
    assert holder.ready
    assert prepared == [(first.version, first.version, 3)]  # once per version, every row's stay prior at hand
    import_postings(session_factory, range(3, 5))
    reindex(session_factory, settings)
    assert holder.reload_if_changed(session_factory)
    assert prepared[-1] == (holder.require().version, first.version, 5)  # prepared while the previous version served
    assert holder.ready


def test_a_serving_process_freezes_the_served_version_and_collects_the_one_it_replaced(
    settings: Settings, session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A serving process freezes what it built at start and the version it serves, so that the collector's full passes
    do not walk them; a replaced version, held in a cycle by the rankings cached on it, is unfrozen and collected once
    nothing else holds it."""
    monkeypatch.setattr(holder_module, "REFREEZE_RETRY_SECONDS", 0.2)
    import_postings(session_factory, range(4))
    reindex(session_factory, settings)
    try:
        with TestClient(create_app(settings, serving=True), raise_server_exceptions=False, headers=admin_headers()) as client:
            holder = client.app.state.jobmatch.index  # type: ignore[attr-defined]
            first = weakref.ref(holder.require())
            seeker = TestClient(client.app, headers=seeker_headers("collected"))
            seeker.cookies = client.cookies
            seeker_id = create_seeker(seeker)
            assert served_version(seeker, seeker_id) == first().version  # a ranking is cached on the first version
            assert not any(tracked is first().corpus.row_of for tracked in gc.get_objects())  # frozen: not walked
            import_postings(session_factory, range(4, 6))
            reindex(session_factory, settings)
            assert served_version(seeker, seeker_id) != first().version
            deadline = time.monotonic() + 30
            while first() is not None and time.monotonic() < deadline:
                time.sleep(0.1)
            assert first() is None
            served = holder.require()
            assert not any(tracked is served.corpus.row_of for tracked in gc.get_objects())
    finally:
        gc.unfreeze()


def test_a_serving_process_refits_a_version_a_bulk_import_outgrew(
    settings: Settings, session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh service, then a bulk import: the served version's lexical fit was made on no postings at all, so the
    serving process builds a version fitted on what it now serves, once the feed is quiet, without waiting for the
    nightly reindex."""
    settings = settings.model_copy(update={"index_refit_on_growth": True})
    monkeypatch.setattr(holder_module, "REFIT_QUIET_SECONDS", 1.0)
    empty = reindex(session_factory, settings)["index_version"]
    with TestClient(create_app(settings), raise_server_exceptions=False, headers=admin_headers()) as client:
        holder = client.app.state.jobmatch.index  # type: ignore[attr-defined]
        import_postings(session_factory, range(40))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            served = holder.require()
            if served.version != empty and served.corpus.lexical_model.fitted_docs == 40:
                break
            time.sleep(0.1)
        else:
            pytest.fail(f"still serving {holder.require().version} fitted on {holder.require().corpus.lexical_model.fitted_docs}")
        assert served.posting_count == 40
        refitted = served.version
        import_postings(session_factory, range(40, 44))  # within the fit: served through the change feed
        deadline = time.monotonic() + 30
        while holder.require().posting_count < 44 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert holder.require().posting_count == 44
        time.sleep(1)
        assert holder.require().version == refitted
    assert IndexStore(settings.index_dir).current() == refitted
