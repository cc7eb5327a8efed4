"""The index the API searches: an immutable main index, a small exact delta, and tombstones over main.

Readers take one immutable snapshot and never lock; writers serialise on a lock, copy the delta, change the copy
and publish a new snapshot with one assignment. A write therefore costs O(delta + tombstones), which stays small
because every reindex folds the delta into a new main index.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

import faiss
import numpy as np
import numpy.typing as npt

from jobmatch.index.base import MISSING_ID, FloatArray, Hit, IdArray, as_ids, as_matrix, check_pairs
from jobmatch.index.faiss_index import FaissIndex

MAX_OVERFETCH = 1024
"""At most this many extra main results are fetched up front to make room for tombstones; a short row retries wider."""
# Concurrent requests are the parallelism. With more OpenMP threads per call FAISS waits at barriers whenever a core
# is busy: 20k exact search on a loaded 2-core host had p99 40-64 ms with 2 threads and 7-13 ms with 1.
SEARCH_THREADS = 1
"""OpenMP threads per search call (set per calling thread and restored afterwards)."""


@dataclass(frozen=True)
class _Snapshot:
    main: FaissIndex
    main_ids: IdArray  # sorted
    tombstones: IdArray  # sorted, a subset of main_ids
    delta: FaissIndex
    delta_ids: IdArray  # sorted


def _member(sorted_ids: IdArray, ids: IdArray) -> npt.NDArray[np.bool_]:
    """Which of `ids` occur in the sorted array `sorted_ids`."""
    if not len(sorted_ids):
        return np.zeros(len(ids), dtype=bool)
    positions = np.searchsorted(sorted_ids, ids).clip(max=len(sorted_ids) - 1)
    found: npt.NDArray[np.bool_] = sorted_ids[positions] == ids
    return found


class LiveIndex:
    """Main index + delta + tombstones; thread-safe, with lock-free searches."""

    def __init__(
        self,
        main: faiss.Index | FaissIndex,
        *,
        ef_search: int | None = None,
        max_overfetch: int = MAX_OVERFETCH,
        search_threads: int | None = SEARCH_THREADS,
    ) -> None:
        main_index = main if isinstance(main, FaissIndex) else FaissIndex(main)
        main_ids = np.sort(main_index.ids())
        empty = np.empty(0, dtype=np.int64)
        self._snapshot = _Snapshot(main_index, main_ids, empty, FaissIndex.flat(main_index.dim), empty)
        self._lock = threading.RLock()
        self._ef_search = ef_search
        self._max_overfetch = max_overfetch
        self._search_threads = search_threads

    @property
    def dim(self) -> int:
        """The vector dimension."""
        return self._snapshot.main.dim

    @property
    def is_approximate(self) -> bool:
        """Whether the main index is HNSW rather than exact."""
        return self._snapshot.main.is_hnsw

    @property
    def delta_count(self) -> int:
        """Vectors added or changed since the main index was built; reindex well before it nears 20k (exact: 1 ms)."""
        return len(self._snapshot.delta_ids)

    @property
    def tombstone_count(self) -> int:
        """Main-index vectors hidden because they were removed or changed."""
        return len(self._snapshot.tombstones)

    def count(self) -> int:
        """How many ids are live (searchable)."""
        snapshot = self._snapshot
        return len(snapshot.main_ids) - len(snapshot.tombstones) + len(snapshot.delta_ids)

    def __len__(self) -> int:
        return self.count()

    def contains(self, id_: int) -> bool:
        """Whether `id_` is live."""
        snapshot = self._snapshot
        probe = np.array([id_], dtype=np.int64)
        if _member(snapshot.delta_ids, probe)[0]:
            return True
        return bool(_member(snapshot.main_ids, probe)[0] and not _member(snapshot.tombstones, probe)[0])

    def vector(self, id_: int) -> FloatArray | None:
        """The stored vector of a live id, or None."""
        snapshot = self._snapshot
        probe = np.array([id_], dtype=np.int64)
        if _member(snapshot.delta_ids, probe)[0]:
            return snapshot.delta.reconstruct(id_)
        if _member(snapshot.main_ids, probe)[0] and not _member(snapshot.tombstones, probe)[0]:
            return snapshot.main.reconstruct(id_)
        return None

    def upsert(self, ids: npt.ArrayLike, vectors: npt.ArrayLike) -> None:
        """Make `vectors` the live vectors of `ids`: new ids are added, existing ones replaced."""
        id_array = as_ids(ids)
        matrix = as_matrix(vectors, self.dim)
        check_pairs(id_array, matrix)
        if not len(id_array):
            return
        with self._lock:
            snapshot = self._snapshot
            delta = snapshot.delta.clone()
            delta.remove(id_array[_member(snapshot.delta_ids, id_array)])
            delta.add(id_array, matrix)
            hidden = id_array[_member(snapshot.main_ids, id_array)]
            self._snapshot = replace(
                snapshot,
                tombstones=np.union1d(snapshot.tombstones, hidden),
                delta=delta,
                delta_ids=np.union1d(snapshot.delta_ids, id_array),
            )

    def remove(self, ids: npt.ArrayLike) -> int:
        """Stop returning `ids`; returns how many of them were live."""
        id_array = np.unique(as_ids(ids))
        with self._lock:
            snapshot = self._snapshot
            in_delta = _member(snapshot.delta_ids, id_array)
            in_main = _member(snapshot.main_ids, id_array) & ~_member(snapshot.tombstones, id_array)
            if not (in_delta.any() or in_main.any()):
                return 0
            delta = snapshot.delta
            if in_delta.any():
                delta = delta.clone()
                delta.remove(id_array[in_delta])
            self._snapshot = replace(
                snapshot,
                tombstones=np.union1d(snapshot.tombstones, id_array[_member(snapshot.main_ids, id_array)]),
                delta=delta,
                delta_ids=np.setdiff1d(snapshot.delta_ids, id_array, assume_unique=True),
            )
            return int((in_delta | in_main).sum())

    def search(self, queries: npt.ArrayLike, k: int) -> list[list[Hit]]:
        """The best `k` live hits for each query (a `(dim,)` vector counts as one query), best first."""
        if k <= 0:
            raise ValueError("k must be positive")
        snapshot = self._snapshot
        matrix = as_matrix(queries, snapshot.main.dim)
        main_scores, main_ids = self._search_main(snapshot, matrix, k)
        if len(snapshot.delta_ids):
            delta_k = min(k, len(snapshot.delta_ids))
            delta_scores, delta_ids = snapshot.delta.search(matrix, delta_k, threads=self._search_threads)
            main_scores = np.concatenate([main_scores, delta_scores], axis=1)
            main_ids = np.concatenate([main_ids, delta_ids], axis=1)
        results: list[list[Hit]] = []
        for row_scores, row_ids in zip(main_scores, main_ids, strict=True):
            order = np.argsort(-row_scores, kind="stable")[:k]
            pairs = zip(row_ids[order].tolist(), row_scores[order].tolist(), strict=True)
            results.append([Hit(id_, score) for id_, score in pairs if id_ != MISSING_ID])
        return results

    def search_one(self, query: npt.ArrayLike, k: int) -> list[Hit]:
        """The best `k` live hits for one `(dim,)` query, best first."""
        return self.search(query, k)[0]

    def _search_main(self, snapshot: _Snapshot, matrix: FloatArray, k: int) -> tuple[FloatArray, IdArray]:
        """Up to `k` live main hits per row (dead slots hold id -1), over-fetching past tombstones and widening."""
        n_main = snapshot.main.ntotal
        n_dead = len(snapshot.tombstones)
        live_wanted = min(k, n_main - n_dead)
        scores = np.full((len(matrix), k), -np.inf, dtype=np.float32)
        ids = np.full((len(matrix), k), MISSING_ID, dtype=np.int64)
        if live_wanted <= 0:
            return scores, ids
        fetch = min(k + min(n_dead, self._max_overfetch), n_main)
        pending = np.arange(len(matrix))
        while len(pending):
            found_scores, found_ids = snapshot.main.search(
                matrix[pending], fetch, ef_search=self._ef_search, threads=self._search_threads
            )
            if n_dead:
                dead = _member(snapshot.tombstones, found_ids.ravel()).reshape(found_ids.shape)
                found_ids = np.where(dead, MISSING_ID, found_ids)
            live = found_ids != MISSING_ID
            short = live.sum(axis=1) < live_wanted
            for row, query_row in enumerate(pending):
                if short[row] and fetch < n_main:
                    continue
                keep = np.flatnonzero(live[row])[:k]
                scores[query_row, : len(keep)] = found_scores[row, keep]
                ids[query_row, : len(keep)] = found_ids[row, keep]
            if fetch >= n_main:
                break
            pending = pending[short]
            fetch = min(fetch * 2, n_main)
        return scores, ids
