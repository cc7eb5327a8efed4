"""The vector-index interface the rest of jobmatch depends on, and the array checks every implementation shares."""

from __future__ import annotations

from typing import NamedTuple, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
IdArray = npt.NDArray[np.int64]

MISSING_ID = -1
"""The id FAISS puts in a result slot it could not fill."""


class Hit(NamedTuple):
    """One search result: a posting id and its inner-product (cosine) score."""

    id: int
    score: float


@runtime_checkable
class VectorIndex(Protocol):
    """An inner-product index of L2-normalised vectors keyed by int64 posting ids."""

    @property
    def dim(self) -> int:
        """The vector dimension."""
        ...

    @property
    def ntotal(self) -> int:
        """How many vectors the index holds."""
        ...

    def search(self, queries: FloatArray, k: int) -> tuple[FloatArray, IdArray]:
        """Scores `(n, k)` float32 and ids `(n, k)` int64 of the best `k` per query, best first; empty slots hold -1."""
        ...

    def add(self, ids: IdArray, vectors: FloatArray) -> None:
        """Add `vectors` `(n, dim)` under `ids` `(n,)`."""
        ...

    def remove(self, ids: IdArray) -> int:
        """Remove `ids` and return how many were present."""
        ...


def as_ids(ids: npt.ArrayLike) -> IdArray:
    """`ids` as a contiguous 1-D int64 array."""
    array = np.ascontiguousarray(ids, dtype=np.int64)
    if array.ndim != 1:
        raise ValueError(f"ids must be 1-D, got shape {array.shape}")
    return array


def as_matrix(vectors: npt.ArrayLike, dim: int) -> FloatArray:
    """`vectors` as a contiguous `(n, dim)` float32 matrix; a single `(dim,)` vector becomes one row."""
    matrix = np.ascontiguousarray(vectors, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix.reshape(1, -1)
    if matrix.ndim != 2 or matrix.shape[1] != dim:
        raise ValueError(f"vectors must have shape (n, {dim}), got {matrix.shape}")
    return matrix


def check_pairs(ids: IdArray, vectors: FloatArray) -> None:
    """Raise unless there is one vector per id, no id repeats and none is the reserved -1."""
    if len(ids) != len(vectors):
        raise ValueError(f"{len(ids)} ids but {len(vectors)} vectors")
    if len(np.unique(ids)) != len(ids):
        raise ValueError("ids must be unique")
    if np.any(ids == MISSING_ID):
        raise ValueError(f"id {MISSING_ID} is reserved for empty result slots")


def check_unit_norm(vectors: FloatArray, tolerance: float = 1e-3) -> None:
    """Raise unless every row has L2 norm 1 (or is all zero, as embedders return for empty text) within `tolerance`."""
    if not len(vectors):
        return
    norms = np.sqrt(np.einsum("ij,ij->i", vectors, vectors))  # no (n, dim) temporary, unlike np.linalg.norm
    bad = (np.abs(norms - 1.0) > tolerance) & (norms > tolerance)
    if np.any(bad):
        raise ValueError(
            f"vectors must be L2-normalised, got norms from {norms[bad].min():.4g} to {norms[bad].max():.4g}"
        )


def normalize(vectors: npt.ArrayLike) -> FloatArray:
    """Rows scaled to unit L2 length (zero rows stay zero), so inner product equals cosine."""
    matrix = np.array(vectors, dtype=np.float32, ndmin=2)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    np.divide(matrix, norms, out=matrix, where=norms > 0)
    return matrix
