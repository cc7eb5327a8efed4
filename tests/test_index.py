"""Vectors on real FAISS: exact and HNSW search, search inside a mask with a bitmap selector, appended rows, index files."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np
import pytest
import scipy.sparse as sp

from jobmatch.index.base import FloatArray, IdArray, VectorIndex, normalize
from jobmatch.index.faiss_index import FaissIndex, build_index
from jobmatch.index.persist import IndexFileError, checksum, load, save
from jobmatch.matching.calibration import sample_products
from jobmatch.search.dense import DenseRows, inner_products
from jobmatch.search.rows import SparseRows, load_block, save_block

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
    with pytest.raises(ValueError, match="L2-normalised"):
        build_index(ids, 2 * vectors)


@pytest.fixture(scope="module")
def main_indexes(corpus: tuple[IdArray, FloatArray]) -> dict[str, faiss.IndexIDMap2]:
    ids, vectors = corpus
    return {"flat": build_index(ids, vectors, kind="flat"), "hnsw": build_index(ids, vectors, kind="hnsw")}


def exact_in_mask(vectors: FloatArray, allowed: np.ndarray, query: FloatArray, k: int) -> IdArray:
    rows = np.flatnonzero(allowed)
    scores = vectors[rows] @ query
    return rows[np.argsort(-scores, kind="stable")[:k]]


@pytest.fixture(scope="module")
def graph_rows() -> tuple[DenseRows, FloatArray]:
    """25,000 rows: above the threshold, so the rows get an HNSW graph."""
    vectors = clustered(25_000, seed=3)
    dense = DenseRows.build(vectors)
    assert dense.kind == "hnsw"
    return dense, vectors


@pytest.mark.parametrize("share", [0.002, 0.05, 0.9])
def test_search_inside_a_mask_only_returns_allowed_rows_and_finds_the_true_best(
    graph_rows: tuple[DenseRows, FloatArray], share: float,
) -> None:
    dense, vectors = graph_rows
    rng = np.random.default_rng(5)
    allowed = rng.random(len(vectors)) < share
    queries = clustered(20, seed=6)
    found_rows = []
    truths = []
    for query in queries:
        rows, scores = dense.search(query, allowed, 10)
        assert allowed[rows].all()
        assert list(scores) == sorted(scores, reverse=True)
        found_rows.append(rows)
        truths.append(exact_in_mask(vectors, allowed, query, 10))
    assert recall(np.array(found_rows), np.array(truths)) >= 0.95  # exact for small masks, HNSW with a bitmap for large ones


def test_rows_appended_after_the_graph_are_searched_exactly(graph_rows: tuple[DenseRows, FloatArray]) -> None:
    _, vectors = graph_rows
    dense = DenseRows.build(vectors[:21_000])
    extra = clustered(50, seed=8)
    dense.append(extra)
    allowed = np.ones(21_050, dtype=bool)
    rows, _ = dense.search(extra[7], allowed, 1)
    assert rows.tolist() == [21_007]
    allowed[21_007] = False  # a dead row is never returned, even as the best match
    rows, _ = dense.search(extra[7], allowed, 5)
    assert 21_007 not in rows.tolist()
    dense.fold()  # folded into the graph, still found
    assert dense.n_graph == 21_050
    rows, _ = dense.search(extra[7], np.ones(21_050, dtype=bool), 1)
    assert rows.tolist() == [21_007]


def test_a_mask_with_nothing_allowed_finds_nothing(graph_rows: tuple[DenseRows, FloatArray]) -> None:
    dense, vectors = graph_rows
    rows, scores = dense.search(vectors[0], np.zeros(len(vectors), dtype=bool), 10)
    assert len(rows) == len(scores) == 0


@pytest.mark.parametrize("dim", [4, 8, 12, 384])
def test_a_rows_similarity_has_the_same_bits_however_many_rows_are_asked_for(dim: int) -> None:
    """The list, the explanation and candidate search ask for different row sets; a z-score with a small spread makes
    a changed last bit visible, so a row's similarity must not depend on them (nor on the vectors' width)."""
    rng = np.random.default_rng(dim)
    vectors = normalize(rng.standard_normal((3000, dim)).astype(np.float32))
    query = normalize(rng.standard_normal((1, dim)).astype(np.float32))[0]
    dense = DenseRows.build(vectors)
    every = dense.similarity(query, np.arange(3000, dtype=np.int64))
    some = np.sort(rng.choice(3000, 700, replace=False)).astype(np.int64)
    assert np.array_equal(dense.similarity(query, some), every[some])
    assert np.array_equal(inner_products(vectors[some], query), every[some])
    assert np.array_equal(dense.similarity(query, some[::-1].copy()), every[some[::-1]])
    np.testing.assert_allclose(every, vectors @ query, atol=1e-5)
    with pytest.raises(IndexError):
        dense.similarity(query, np.asarray([3000], dtype=np.int64))


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


def test_rows_with_a_graph_load_from_disk_with_equal_results(graph_rows: tuple[DenseRows, FloatArray], tmp_path: Path) -> None:
    dense, vectors = graph_rows
    dense.save(tmp_path, len(vectors))
    loaded = DenseRows.load(tmp_path)
    assert loaded.kind == "hnsw"
    assert loaded.n_graph == len(vectors)
    allowed = np.random.default_rng(11).random(len(vectors)) < 0.9
    for query in clustered(5, seed=12):
        np.testing.assert_array_equal(loaded.search(query, allowed, 10)[0], dense.search(query, allowed, 10)[0])


def test_sparse_rows_in_segment_blocks_and_a_tail_answer_as_one_matrix(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    dense = sp.random(40, 30, density=0.2, format="csr", dtype=np.float32, random_state=rng).toarray()
    dense[:25, 20:] = 0  # the base's rows were written when only 20 columns existed
    whole = sp.csr_matrix(dense)
    rows = SparseRows([sp.csc_matrix(whole[:25, :20])], 20)  # a base that knew 20 columns
    rows.append(whole[25:34])
    save_block(rows.since(25), tmp_path, "delta")  # what a delta segment stores
    delta = load_block(tmp_path, "delta")
    assert delta is not None
    split = SparseRows([sp.csc_matrix(whole[:25, :20]), delta], 20)
    split.append(whole[34:])
    cols = np.array([1, 5, 19, 22, 29])
    weights = rng.random(len(cols)).astype(np.float32)
    expected = whole[:, cols] @ weights
    np.testing.assert_allclose(split.accumulate(cols, weights, 40), expected, rtol=1e-5)
    np.testing.assert_allclose(split.accumulate(cols, weights, 30), expected[:30], rtol=1e-5)
    np.testing.assert_allclose(split.folded().accumulate(cols, weights, 40), expected, rtol=1e-5)
    taken = np.array([0, 24, 25, 33, 34, 39])
    np.testing.assert_array_equal(split.take(taken).toarray(), whole[taken].toarray())


def test_a_calibration_samples_products_read_only_the_querys_columns() -> None:
    """The sample's lexical similarities to a query, read from its inverted index, equal the sparse-times-dense product
    (columns the sample never saw, and an empty query, included)."""
    rng = np.random.default_rng(11)
    sample = sp.random(300, 5000, density=0.01, format="csc", dtype=np.float32, random_state=11)
    cols = np.sort(rng.choice(5200, 120, replace=False)).astype(np.int32)  # some beyond the sample's 5000 columns
    weights = rng.random(120).astype(np.float32)
    dense = np.zeros(5200, dtype=np.float32)
    dense[cols] = weights
    expected = sp.csr_matrix(sample) @ dense[:5000]
    np.testing.assert_allclose(sample_products(sample, cols, weights, 300), expected, rtol=1e-6, atol=1e-7)
    assert not sample_products(sample, cols[:0], weights[:0], 300).any()
    assert not sample_products(None, cols, weights, 300).any()
