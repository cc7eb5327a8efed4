"""The vector index on real FAISS: exact and HNSW search, the live delta with tombstones, and index files."""

from __future__ import annotations

import threading
from pathlib import Path

import faiss
import numpy as np
import pytest

from jobmatch.index.base import FloatArray, IdArray, VectorIndex, normalize
from jobmatch.index.faiss_index import FaissIndex, build_index
from jobmatch.index.live import LiveIndex
from jobmatch.index.persist import IndexFileError, checksum, load, save

DIM = 32


def clustered(n: int, *, seed: int, centres: int = 50, noise: float = 0.6) -> FloatArray:
    """Unit vectors around random centres, so neighbours are meaningful."""
    rng = np.random.default_rng(seed)
    centre_vectors = normalize(rng.standard_normal((centres, DIM)))
    picks = rng.integers(0, centres, n)
    return normalize(centre_vectors[picks] + noise * rng.standard_normal((n, DIM)) / np.sqrt(DIM))


def exact_top(corpus: FloatArray, corpus_ids: IdArray, queries: FloatArray, k: int) -> IdArray:
    """The true `k` nearest ids by inner product, by brute force."""
    scores = queries @ corpus.T
    return corpus_ids[np.argsort(-scores, axis=1)[:, :k]]


def recall(found: IdArray, truth: IdArray) -> float:
    """Mean share of the true neighbours found per query."""
    return float(np.mean([len(np.intersect1d(f, t)) / len(t) for f, t in zip(found, truth, strict=True)]))


@pytest.fixture(scope="module")
def corpus() -> tuple[IdArray, FloatArray]:
    vectors = clustered(2_000, seed=1)
    return np.arange(1_000, 3_000, dtype=np.int64), vectors


def test_exact_search_finds_the_true_nearest_neighbours(corpus: tuple[IdArray, FloatArray]) -> None:
    ids, vectors = corpus
    queries = clustered(20, seed=2)
    index = FaissIndex(build_index(ids, vectors, kind="flat"))

    scores, found = index.search(queries, 10)

    assert isinstance(index, VectorIndex)
    np.testing.assert_array_equal(found, exact_top(vectors, ids, queries, 10))
    assert scores.dtype == np.float32
    assert found.dtype == np.int64
    assert np.all(np.diff(scores, axis=1) <= 0)


def test_auto_builds_exact_up_to_the_threshold_and_hnsw_above(corpus: tuple[IdArray, FloatArray]) -> None:
    ids, vectors = corpus

    assert not FaissIndex(build_index(ids[:100], vectors[:100], hnsw_threshold=100)).is_hnsw
    assert FaissIndex(build_index(ids[:100], vectors[:100], hnsw_threshold=99)).is_hnsw


def test_search_past_the_corpus_fills_missing_slots_with_minus_one(corpus: tuple[IdArray, FloatArray]) -> None:
    ids, vectors = corpus
    index = FaissIndex(build_index(ids[:3], vectors[:3], kind="flat"))

    scores, found = index.search(vectors[:1], 5)

    assert list(found[0, 3:]) == [-1, -1]
    assert np.all(np.isneginf(scores[0, 3:]))


def test_hnsw_reaches_recall_at_10_of_0_9_against_exact() -> None:
    ids = np.arange(5_000, dtype=np.int64)
    vectors = clustered(5_000, seed=3)
    queries = clustered(100, seed=4)
    index = FaissIndex(build_index(ids, vectors, kind="hnsw"))

    _, found = index.search(queries, 10)

    assert index.is_hnsw
    assert recall(found, exact_top(vectors, ids, queries, 10)) >= 0.9


def test_build_rejects_duplicate_and_reserved_ids() -> None:
    vectors = clustered(2, seed=5)

    with pytest.raises(ValueError, match="unique"):
        build_index(np.array([7, 7]), vectors)
    with pytest.raises(ValueError, match="reserved"):
        build_index(np.array([-1, 7]), vectors)


def test_vectors_that_are_not_unit_length_are_refused(corpus: tuple[IdArray, FloatArray]) -> None:
    ids, vectors = corpus
    live = LiveIndex(build_index(ids, vectors))

    with pytest.raises(ValueError, match="L2-normalised"):
        build_index(ids, 2 * vectors)
    with pytest.raises(ValueError, match="L2-normalised"):
        live.upsert([1], 2 * vectors[:1])
    assert not live.contains(1)
    live.upsert([2], np.zeros((1, DIM), dtype=np.float32))  # what embedders return for text without tokens
    assert live.contains(2)


@pytest.fixture(scope="module")
def main_indexes(corpus: tuple[IdArray, FloatArray]) -> dict[str, faiss.IndexIDMap2]:
    ids, vectors = corpus
    return {"flat": build_index(ids, vectors, kind="flat"), "hnsw": build_index(ids, vectors, kind="hnsw")}


@pytest.fixture(params=["flat", "hnsw"])
def live(request: pytest.FixtureRequest, main_indexes: dict[str, faiss.IndexIDMap2]) -> LiveIndex:
    return LiveIndex(faiss.clone_index(main_indexes[request.param]))


def test_an_upserted_new_id_is_found_at_once(live: LiveIndex) -> None:
    new_vector = clustered(1, seed=6)

    live.upsert([42], new_vector)

    assert live.search_one(new_vector[0], 5)[0].id == 42
    assert live.contains(42)
    assert len(live) == 2_001
    np.testing.assert_allclose(live.vector(42), new_vector[0])


def test_ids_of_the_main_index_are_live_with_their_vectors(live: LiveIndex, corpus: tuple[IdArray, FloatArray]) -> None:
    ids, vectors = corpus

    assert live.contains(int(ids[5]))
    assert not live.contains(5)
    np.testing.assert_array_equal(live.vector(int(ids[5])), vectors[5])
    assert live.vector(5) is None


def test_a_changed_vector_replaces_the_old_one(live: LiveIndex, corpus: tuple[IdArray, FloatArray]) -> None:
    ids, vectors = corpus
    old_vector, far_away = vectors[0], -vectors[0]

    live.upsert([ids[0]], far_away[np.newaxis])

    assert ids[0] not in [hit.id for hit in live.search_one(old_vector, 50)]
    assert live.search_one(far_away, 1)[0].id == ids[0]
    assert len(live) == 2_000
    np.testing.assert_allclose(live.vector(int(ids[0])), far_away)


def test_removed_ids_are_never_returned_even_as_the_best_match(
    live: LiveIndex, corpus: tuple[IdArray, FloatArray]
) -> None:
    ids, vectors = corpus
    query = vectors[10]
    best = [hit.id for hit in live.search_one(query, 60)]
    gone = best[:55]
    live.upsert([77], query[np.newaxis])

    assert live.remove([*gone, 77, 999_999]) == 56
    hits = live.search([query, vectors[11]], 50)

    assert all(len(row) == 50 for row in hits)
    assert not set(gone + [77]) & {hit.id for row in hits for hit in row}
    assert hits[0][0].id == best[55]
    assert not live.contains(gone[0])
    assert live.vector(gone[0]) is None
    assert len(live) == 2_000 - 55


def test_widening_retry_fills_k_when_tombstones_exceed_the_overfetch(corpus: tuple[IdArray, FloatArray]) -> None:
    ids, vectors = corpus
    live = LiveIndex(build_index(ids, vectors, kind="flat"), max_overfetch=4)
    query = vectors[0]
    truth = exact_top(vectors, ids, query[np.newaxis], 40)[0]

    live.remove(truth[:30])

    assert [hit.id for hit in live.search_one(query, 10)] == list(truth[30:40])


def test_searches_run_while_another_thread_upserts(live: LiveIndex) -> None:
    queries = clustered(16, seed=7)
    updates = clustered(200, seed=8)
    errors: list[BaseException] = []
    done = threading.Event()

    def search() -> None:
        try:
            while not done.is_set():
                for row in live.search(queries, 20):
                    assert len(row) == 20
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)

    searchers = [threading.Thread(target=search) for _ in range(4)]
    for thread in searchers:
        thread.start()
    for start in range(0, 200, 10):
        live.upsert(np.arange(start, start + 10) + 5_000, updates[start : start + 10])
        live.remove([1_000 + start])
    done.set()
    for thread in searchers:
        thread.join()

    assert errors == []
    assert len(live) == 2_000 + 200 - 20


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_a_saved_index_loads_with_equal_results(
    kind: str, tmp_path: Path, corpus: tuple[IdArray, FloatArray], main_indexes: dict[str, faiss.IndexIDMap2]
) -> None:
    _, vectors = corpus
    index = FaissIndex(main_indexes[kind])
    path = tmp_path / "postings.faiss"

    save(index.raw, path)
    loaded = FaissIndex(load(path, expected_checksum=checksum(path)))

    for got, want in zip(loaded.search(vectors[:10], 20), index.search(vectors[:10], 20), strict=True):
        np.testing.assert_array_equal(got, want)
    assert [p.name for p in tmp_path.iterdir()] == ["postings.faiss"]


def test_a_truncated_index_file_raises_index_file_error(
    tmp_path: Path, main_indexes: dict[str, faiss.IndexIDMap2]
) -> None:
    path = tmp_path / "postings.faiss"
    save(main_indexes["hnsw"], path)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])

    with pytest.raises(IndexFileError, match=r"cannot load index file .*postings\.faiss: .*truncated or corrupt"):
        load(path)


def test_a_random_bytes_file_raises_index_file_error(tmp_path: Path) -> None:
    path = tmp_path / "postings.faiss"
    path.write_bytes(np.random.default_rng(9).bytes(4096))

    with pytest.raises(IndexFileError, match="truncated or corrupt"):
        load(path)


def test_a_missing_file_or_checksum_mismatch_raises_index_file_error(
    tmp_path: Path, main_indexes: dict[str, faiss.IndexIDMap2]
) -> None:
    path = tmp_path / "postings.faiss"

    with pytest.raises(IndexFileError, match="no such file"):
        load(path)
    save(main_indexes["flat"], path)
    with pytest.raises(IndexFileError, match="expected 0+"):
        load(path, expected_checksum="0" * 64)
