"""A full reindex embedded on a (local) Ray cluster gives the same index as one embedded in-process."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from jobmatch.db.tables import EmbeddingRow
from jobmatch.search.ray_executor import RayExecutor, RayExecutorError
from jobmatch.search.versions import IndexStore
from jobmatch.settings import Settings
from tests.test_reindex import EMBEDDER, cli_env, import_postings, reindex


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[Any]:
    ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'jobmatch[ray]')")
    ray.init(num_cpus=2, include_dashboard=False)
    yield ray
    ray.shutdown()


def stored_vectors(session_factory: sessionmaker[Session]) -> dict[str, bytes]:
    with session_factory() as session:
        rows = session.execute(select(EmbeddingRow.content_hash, EmbeddingRow.vector).where(EmbeddingRow.model_id == EMBEDDER.model_id))
        return {key: vector for key, vector in rows}


def test_a_full_reindex_on_ray_matches_the_local_one(
    ray_cluster: Any, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    store = IndexStore(settings.index_dir)
    import_postings(session_factory, range(40))
    local = reindex(session_factory, settings, full=True)
    local_vectors = stored_vectors(session_factory)

    with RayExecutor(settings, address=None, model_id=EMBEDDER.model_id) as executor:
        assert executor.worker_count == 2
        on_ray = reindex(session_factory, settings, full=True, batch_size=8, executor=executor)

    assert on_ray["embeddings_computed"] == on_ray["postings"] == 40
    assert stored_vectors(session_factory) == local_vectors
    before = store.load(local["index_version"], model_id=EMBEDDER.model_id)
    after = store.load(on_ray["index_version"], model_id=EMBEDDER.model_id)
    for posting_id in range(1, 41, 7):
        vector, again = before.dense.vector(posting_id), after.dense.vector(posting_id)
        assert vector is not None
        assert again is not None
        assert np.array_equal(again, vector)
        assert after.dense.search_one(vector, 5) == before.dense.search_one(vector, 5)


def test_the_cli_embeds_on_the_cluster_given_by_address(
    ray_cluster: Any, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    import_postings(session_factory, range(10))
    address = ray_cluster.get_runtime_context().gcs_address

    result = subprocess.run(
        [sys.executable, "-m", "jobmatch", "reindex", "--full", "--executor", "ray", "--address", address, "--batch-size", "3"],
        env=cli_env(settings), capture_output=True, text=True, timeout=300, check=False,
    )

    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["postings"] == summary["embeddings_computed"] == 10
    assert IndexStore(settings.index_dir).current() == summary["index_version"]


def test_workers_with_another_model_are_refused(ray_cluster: Any, settings: Settings) -> None:
    with pytest.raises(RayExecutorError, match=f"embeds with {EMBEDDER.model_id}, this reindex with other-model@1234"):
        RayExecutor(settings, address=None, model_id="other-model@1234")


def test_a_worker_that_cannot_load_the_model_stops_the_run_clearly(ray_cluster: Any, settings: Settings) -> None:
    missing = settings.model_copy(update={"embedding_model": "/nonexistent/model-folder"})

    with pytest.raises(RayExecutorError, match="a Ray worker could not load the embedding model"):
        RayExecutor(missing, address=None, model_id="all-MiniLM-L6-v2@00000000", workers=1)


def test_batches_come_back_in_order_without_reading_far_ahead(ray_cluster: Any, settings: Settings) -> None:
    pulled: list[int] = []

    def batches() -> Iterator[list[str]]:
        for number in range(12):
            pulled.append(number)
            yield [f"tekst {number} {row}" for row in range(number + 1)]

    with RayExecutor(settings, address=None, model_id=EMBEDDER.model_id, max_in_flight=3) as executor:
        results = executor.encode_batches(batches())
        first = next(results)
        assert len(pulled) <= 4, "no more than max_in_flight batches submitted ahead of the one returned"
        rest = list(results)

    for number, vectors in enumerate([first, *rest]):
        assert np.array_equal(vectors, EMBEDDER.encode([f"tekst {number} {row}" for row in range(number + 1)]))


def test_a_clear_error_when_ray_is_not_installed(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # what `import ray` meets when the extra is not installed

    with pytest.raises(RayExecutorError, match=r"pip install 'jobmatch\[ray\]'"):
        RayExecutor(settings, address=None, model_id=EMBEDDER.model_id)
