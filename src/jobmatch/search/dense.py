"""Dense retrieval inside a mask: exact inner products over the allowed rows, or FAISS HNSW with an `IDSelectorBitmap`.

The HNSW graph covers the rows that existed when it was built (`n_graph`); rows appended since are searched exactly.
Its internal ids are row numbers, so a request's mask is the selector's bitmap as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import faiss
import numpy as np
import numpy.typing as npt

from jobmatch.index.faiss_index import DEFAULT_EF_SEARCH, DEFAULT_HNSW_THRESHOLD, HNSW_EF_CONSTRUCTION, HNSW_M, omp_threads
from jobmatch.search.rows import BoolArray, FloatArray, Growable

EXACT_LIMIT = 20_000
"""Masks up to this many rows are searched exactly: gathering and multiplying them costs a few milliseconds."""
SEARCH_THREADS = 1
"""Concurrent requests are the parallelism: one OpenMP thread per search."""

RowArray = npt.NDArray[np.int64]
VECTORS_FILE = "vectors.npy"
GRAPH_FILE = "graph.faiss"


class DenseRows:
    """Row vectors (L2-normalised, float32) and an optional HNSW graph over the first `n_graph` rows."""

    def __init__(self, vectors: Growable, *, graph: faiss.IndexHNSWFlat | None = None) -> None:
        self.vectors = vectors
        self.graph = graph

    @classmethod
    def empty(cls, dim: int) -> DenseRows:
        return cls(Growable.empty(np.float32, width=dim))

    @property
    def dim(self) -> int:
        return int(self.vectors.view().shape[1])

    @property
    def n_graph(self) -> int:
        return 0 if self.graph is None else int(self.graph.ntotal)

    @property
    def kind(self) -> str:
        return "flat" if self.graph is None else "hnsw"

    def append(self, vectors: FloatArray) -> None:
        self.vectors.append(vectors)

    def set(self, row: int, vector: FloatArray) -> None:
        self.vectors.set(row, vector)

    def similarity(self, query: FloatArray, rows: RowArray) -> FloatArray:
        """Exact inner products of the query with these rows (`inner_products`: the same bits however they are asked for)."""
        return inner_products(self.vectors.view(), query, rows)

    def search(
        self, query: FloatArray, allowed: BoolArray, k: int, *, exact: Callable[[RowArray], FloatArray] | None = None,
    ) -> tuple[RowArray, FloatArray]:
        """The k allowed rows most similar to the query (fewer when fewer are allowed), best first.

        `exact` may supply the exact similarities of rows (a request that has them already).
        """
        similarity = exact or (lambda rows: self.similarity(query, rows))
        n = len(allowed)
        allowed_count = int(allowed.sum())
        if k <= 0 or allowed_count == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        n_graph = min(self.n_graph, n)

        def exact_top() -> tuple[RowArray, FloatArray]:
            rows = np.flatnonzero(allowed)
            return _top(rows, similarity(rows), k)

        if self.graph is None or allowed_count <= EXACT_LIMIT or k * 4 >= allowed_count:
            return exact_top()
        bitmap = np.packbits(allowed[:n_graph], bitorder="little")
        selector = faiss.IDSelectorBitmap(n_graph, faiss.swig_ptr(bitmap))
        params = faiss.SearchParametersHNSW(sel=selector, efSearch=max(DEFAULT_EF_SEARCH, 2 * k))  # type: ignore[attr-defined]
        with omp_threads(SEARCH_THREADS):
            scores, found = self.graph.search(query.reshape(1, -1), k, params=params)
        keep = found[0] >= 0
        if int(keep.sum()) < min(k, int(allowed[:n_graph].sum())):
            # The graph's neighbourhood of the query is mostly outside the mask (many near-identical excluded rows):
            # a filtered walk can end before finding k allowed rows, so the exact search answers instead.
            return exact_top()
        graph_rows, graph_scores = found[0][keep].astype(np.int64), scores[0][keep]
        later = np.flatnonzero(allowed[n_graph:]) + n_graph
        rows = np.concatenate([graph_rows, later])
        return _top(rows, np.concatenate([graph_scores, similarity(later)]), k)

    def fold(self) -> None:
        """Add the rows appended since the graph was built to it (or build one once the corpus passes the threshold)."""
        vectors = self.vectors.view()
        if self.graph is None:
            if len(vectors) > DEFAULT_HNSW_THRESHOLD:
                self.graph = new_graph(self.dim)
                with omp_threads(None):
                    self.graph.add(np.ascontiguousarray(vectors))
            return
        later = vectors[self.n_graph :]
        if len(later):
            self.graph.add(np.ascontiguousarray(later))

    def save(self, folder: Path, n: int) -> None:
        np.save(folder / VECTORS_FILE, self.vectors.view(n))
        if self.graph is not None:
            faiss.write_index(self.graph, str(folder / GRAPH_FILE))

    @classmethod
    def load(cls, folder: Path) -> DenseRows:
        vectors = Growable(np.load(folder / VECTORS_FILE))
        graph_path = folder / GRAPH_FILE
        graph: Any = faiss.read_index(str(graph_path)) if graph_path.exists() else None
        return cls(vectors, graph=graph)

    @classmethod
    def build(cls, vectors: FloatArray) -> DenseRows:
        dense = cls(Growable(np.ascontiguousarray(vectors, dtype=np.float32)))
        dense.fold()
        return dense


def new_graph(dim: int) -> faiss.IndexHNSWFlat:
    graph = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
    graph.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    graph.hnsw.efSearch = DEFAULT_EF_SEARCH
    return graph


def _top(rows: RowArray, scores: FloatArray, k: int) -> tuple[RowArray, FloatArray]:
    if len(rows) > k:
        keep = np.argpartition(-scores, k - 1)[:k]
        rows, scores = rows[keep], scores[keep]
    order = np.lexsort((rows, -scores))
    return rows[order], scores[order].astype(np.float32)


def inner_products(vectors: FloatArray, vector: FloatArray, rows: RowArray | None = None) -> FloatArray:
    """Each row · `vector` (or only the given rows'), every one summed in the same order whatever rows are asked for.

    A BLAS matrix-vector product sums a row differently depending on where it falls in the batch (its last bits change),
    which a z-score with a small spread makes visible. A seeker's list and candidate search (one posting against many
    seekers, the vectors' roles swapped) must agree to the last bit, so both use this. FAISS's by-index kernel reads the
    asked rows in place, one row at a time with the same SIMD sum, instead of gathering a copy of them first.
    """
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    vector = np.ascontiguousarray(vector, dtype=np.float32).reshape(-1)
    picked = np.arange(len(vectors), dtype=np.int64) if rows is None else np.ascontiguousarray(rows, dtype=np.int64)
    products: FloatArray = np.empty(len(picked), dtype=np.float32)
    if len(picked):
        if vectors.shape[1] != len(vector):
            raise ValueError(f"vectors of dimension {vectors.shape[1]} against a query of dimension {len(vector)}")
        if rows is not None and (int(picked.min()) < 0 or int(picked.max()) >= len(vectors)):
            raise IndexError(f"rows outside the {len(vectors)} vectors")
        faiss.fvec_inner_products_by_idx(  # type: ignore[attr-defined]
            faiss.swig_ptr(products), faiss.swig_ptr(vector), faiss.swig_ptr(vectors), faiss.swig_ptr(picked), vectors.shape[1], 1,
            len(picked))
    return products
