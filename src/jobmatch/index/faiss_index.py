"""FAISS indexes of posting vectors: exact inner product for small corpora, HNSW above a measured threshold."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

import faiss
import numpy as np
import numpy.typing as npt

from jobmatch.index.base import MISSING_ID, FloatArray, IdArray, as_ids, as_matrix, check_pairs, check_unit_norm

IndexKind = Literal["auto", "flat", "hnsw"]

# The four values below were chosen by measurement with `benchmarks/search.py` (384-d vectors calibrated on MiniLM
# embeddings of job text, Recall@50 against exact search, one query at a time, a shared 2-core host); the table of
# the default run is in that script's docstring.
#
# HNSW's p99 is already lower at 10k (0.10-0.24 ms vs 0.52 ms exact), but exact search stays under 1 ms p99 up to
# 20k (0.91 ms): below that HNSW would give up exact results, millisecond builds and deletion for no visible gain.
# Beyond it exact search grows linearly (50k: 2.4 ms p50; 100k: 11 ms p50, 19 ms p99; 1M: 86 ms p50, 199 ms p99)
# while HNSW stays at 0.1-0.4 ms p99.
DEFAULT_HNSW_THRESHOLD = 20_000
"""Above this many vectors `kind="auto"` builds HNSW instead of exact search."""
# At 100k, M=16 matched M=32 and M=48 on recall (1.000 at efSearch 128) with 7% less memory (161 vs 173 MB).
HNSW_M = 16
"""HNSW graph degree."""
# At 100k, efConstruction=64 left Recall@50 at 0.991 (M=16) where 128 reached 1.000; 200 added nothing (M=32).
# A 1M-vector build at 128 costs ~290 CPU-seconds (10-15 min wall on the overloaded shared host it was measured on).
HNSW_EF_CONSTRUCTION = 128
"""HNSW build-time beam width."""
# Recall@50 is 1.000 at 100k (p99 0.22 ms) and 0.960 at 1M (p99 0.4-0.6 ms), where 128 gives only 0.935 and 64 0.918.
DEFAULT_EF_SEARCH = 256
"""HNSW search-time beam width stored in built indexes; FAISS raises it to k when k is larger."""


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
    check_unit_norm(matrix)
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
        check_unit_norm(matrix)
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
