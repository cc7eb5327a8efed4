"""FAISS indexes of posting vectors: exact inner product for small corpora, HNSW above a measured threshold."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

import faiss
import numpy as np
import numpy.typing as npt

from jobmatch.index.base import MISSING_ID, FloatArray, IdArray, as_ids, as_matrix, check_pairs

IndexKind = Literal["auto", "flat", "hnsw"]

# Chosen from `benchmarks/search.py` (clustered 384-d vectors, k=50, one query at a time, 2 cores);
# the numbers are in the module docstring of that script and in docs of the pull request that added this.
DEFAULT_HNSW_THRESHOLD = 200_000
"""Corpus size above which `kind="auto"` builds HNSW: exact search is < 5 ms p99 at 100k and recall is 1.0 there."""
HNSW_M = 32
"""HNSW graph degree: M=32 holds Recall@50 >= 0.95 at lower efSearch than M=16 on the benchmark, for ~10% more memory."""
HNSW_EF_CONSTRUCTION = 128
"""Build-time beam width: 128 gives the recall of 200 within 0.005 at ~60% of the build time on the benchmark."""
DEFAULT_EF_SEARCH = 128
"""Search-time beam width: the smallest setting with Recall@50 >= 0.95 at 100k and 1M on the benchmark."""


def build_index(
    ids: npt.ArrayLike,
    vectors: npt.ArrayLike,
    *,
    kind: IndexKind = "auto",
    hnsw_threshold: int = DEFAULT_HNSW_THRESHOLD,
    m: int = HNSW_M,
    ef_construction: int = HNSW_EF_CONSTRUCTION,
    ef_search: int = DEFAULT_EF_SEARCH,
) -> faiss.IndexIDMap2:
    """`IndexIDMap2` over exact `IndexFlatIP`, or over inner-product HNSW when `kind` (or "auto" by size) says so."""
    id_array = as_ids(ids)
    matrix = np.asarray(vectors, dtype=np.float32)
    if matrix.ndim != 2:
        raise ValueError(f"vectors must be 2-D, got shape {matrix.shape}")
    matrix = as_matrix(matrix, matrix.shape[1])
    check_pairs(id_array, matrix)
    use_hnsw = kind == "hnsw" or (kind == "auto" and len(id_array) > hnsw_threshold)
    if use_hnsw:
        hnsw = faiss.IndexHNSWFlat(matrix.shape[1], m, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = ef_construction
        hnsw.hnsw.efSearch = ef_search
        index = faiss.IndexIDMap2(hnsw)
    else:
        index = empty_flat(matrix.shape[1])
    if len(id_array):
        index.add_with_ids(matrix, id_array)
    return index


def empty_flat(dim: int) -> faiss.IndexIDMap2:
    """An empty exact inner-product index with ids: `IndexIDMap2(IndexFlatIP(dim))`."""
    return faiss.IndexIDMap2(faiss.IndexFlatIP(dim))


def hnsw_of(index: faiss.Index) -> faiss.IndexHNSW | None:
    """The `IndexHNSW` inside an `IndexIDMap` (or the index itself), or None when it is not HNSW."""
    inner = faiss.downcast_index(index.index) if isinstance(index, faiss.IndexIDMap) else index
    return inner if isinstance(inner, faiss.IndexHNSW) else None


def set_ef_search(index: faiss.Index, ef_search: int) -> None:
    """Set the default search beam width stored with an HNSW index; exact indexes ignore it."""
    hnsw = hnsw_of(index)
    if hnsw is not None:
        hnsw.hnsw.efSearch = ef_search


@contextmanager
def omp_threads(threads: int | None) -> Iterator[None]:
    """Run FAISS with `threads` OpenMP threads in this thread (the setting is per thread), then restore it."""
    if threads is None:
        yield
        return
    previous = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(threads)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(previous)


def index_ids(index: faiss.IndexIDMap) -> IdArray:
    """The ids an `IndexIDMap2` holds, in storage order."""
    return as_ids(faiss.vector_to_array(index.id_map))


class FaissIndex:
    """A `VectorIndex` over a FAISS `IndexIDMap2`; `remove` works on exact indexes only (HNSW cannot delete)."""

    def __init__(self, index: faiss.Index) -> None:
        if not isinstance(index, faiss.IndexIDMap2):
            raise TypeError(f"expected faiss.IndexIDMap2, got {type(index).__name__}")
        if index.metric_type != faiss.METRIC_INNER_PRODUCT:
            raise ValueError("the index must use inner product (METRIC_INNER_PRODUCT)")
        self.raw = index
        self._hnsw = hnsw_of(index)

    @classmethod
    def flat(cls, dim: int) -> FaissIndex:
        """An empty exact index."""
        return cls(empty_flat(dim))

    @property
    def dim(self) -> int:
        """The vector dimension."""
        return int(self.raw.d)

    @property
    def ntotal(self) -> int:
        """How many vectors the index holds."""
        return int(self.raw.ntotal)

    @property
    def is_hnsw(self) -> bool:
        """Whether search is approximate (HNSW)."""
        return self._hnsw is not None

    def search(
        self, queries: FloatArray, k: int, *, ef_search: int | None = None, threads: int | None = None
    ) -> tuple[FloatArray, IdArray]:
        """Best `k` per query; `ef_search` (HNSW beam) and `threads` (OpenMP) apply to this call only."""
        if k <= 0:
            raise ValueError("k must be positive")
        matrix = as_matrix(queries, self.dim)
        params: faiss.SearchParameters | None = None
        if self._hnsw is not None and ef_search is not None:
            params = faiss.SearchParametersHNSW(efSearch=max(ef_search, k))  # type: ignore[attr-defined]  # not in the stubs
        with omp_threads(threads):
            scores, ids = self.raw.search(matrix, k, params=params)
        scores[ids == MISSING_ID] = -np.inf
        return scores, ids

    def add(self, ids: IdArray, vectors: FloatArray) -> None:
        """Add `vectors` under `ids`; ids already present are the caller's bug, not checked here."""
        id_array = as_ids(ids)
        matrix = as_matrix(vectors, self.dim)
        check_pairs(id_array, matrix)
        if len(id_array):
            self.raw.add_with_ids(matrix, id_array)

    def remove(self, ids: IdArray) -> int:
        """Remove `ids` and return how many were present; raises `NotImplementedError` on HNSW."""
        if self._hnsw is not None:
            raise NotImplementedError("HNSW cannot delete vectors: tombstone them (see LiveIndex) or rebuild")
        id_array = as_ids(ids)
        if not len(id_array):
            return 0
        return self.raw.remove_ids(faiss.IDSelectorBatch(id_array))

    def reconstruct(self, id_: int) -> FloatArray | None:
        """The stored vector of `id_`, or None when the index does not hold it."""
        vector = np.empty(self.dim, dtype=np.float32)
        try:
            self.raw.reconstruct(int(id_), vector)
        except RuntimeError:  # FAISS: "key not found"
            return None
        return vector

    def ids(self) -> IdArray:
        """The ids held, in storage order."""
        return index_ids(self.raw)

    def clone(self) -> FaissIndex:
        """A deep copy that can be changed while this one is being searched."""
        return FaissIndex(faiss.clone_index(self.raw))
