"""Column storage in one row space: growable arrays and sparse rows (an immutable main part plus a small delta).

Rows are only ever appended. A row below a published count never changes, so a reader that took the count once sees
one consistent corpus while a writer appends; a changed posting gets a new row and its old row dies.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

FloatArray = npt.NDArray[np.float32]
BoolArray = npt.NDArray[np.bool_]


class Growable:
    """A 1-D (or row-wise 2-D) array with spare capacity; `view(n)` is the first n rows."""

    def __init__(self, data: npt.NDArray[Any], count: int | None = None) -> None:
        self._data = data
        self.count = len(data) if count is None else count

    @classmethod
    def empty(cls, dtype: npt.DTypeLike, *, width: int | None = None) -> Growable:
        shape = (0,) if width is None else (0, width)
        return cls(np.empty(shape, dtype=dtype))

    def view(self, n: int | None = None) -> npt.NDArray[Any]:
        return self._data[: self.count if n is None else n]

    def append(self, values: npt.ArrayLike) -> None:
        block = np.asarray(values, dtype=self._data.dtype)
        needed = self.count + len(block)
        if needed > len(self._data):
            capacity = max(needed, int(len(self._data) * 1.5) + 16)
            grown = np.empty((capacity, *self._data.shape[1:]), dtype=self._data.dtype)
            grown[: self.count] = self._data[: self.count]
            self._data = grown  # readers holding the old array still see every row they counted
        self._data[self.count : needed] = block
        self.count = needed

    def set(self, row: int, value: Any) -> None:
        self._data[row] = value


class SparseRows:
    """Rows of a sparse matrix: main rows as CSC (an inverted index by column) and appended rows as CSR."""

    def __init__(self, main: sp.csc_matrix, n_cols: int) -> None:
        self.main = main
        self.n_cols = n_cols
        self._delta_blocks: list[sp.csr_matrix] = []
        self._delta: sp.csr_matrix = sp.csr_matrix((0, n_cols), dtype=main.dtype)

    @classmethod
    def of(cls, rows: sp.spmatrix, n_cols: int) -> SparseRows:
        return cls(sp.csc_matrix(rows, dtype=rows.dtype), n_cols)

    @property
    def n_main(self) -> int:
        return int(self.main.shape[0])

    @property
    def count(self) -> int:
        return self.n_main + int(self._delta.shape[0])

    def append(self, rows: sp.spmatrix) -> None:
        block = sp.csr_matrix(rows, dtype=self.main.dtype)
        self.n_cols = max(self.n_cols, int(block.shape[1]))
        self._delta_blocks.append(block)
        blocks = [sp.csr_matrix(b, shape=(b.shape[0], self.n_cols)) for b in self._delta_blocks]
        self._delta = sp.vstack(blocks, format="csr") if blocks else self._delta

    def accumulate(self, cols: npt.NDArray[np.int64], weights: npt.NDArray[np.float32], n: int) -> npt.NDArray[np.float32]:
        """Σ over `cols` of row value × weight for the first n rows: the inverted index's accumulation.

        `weights` is (len(cols),) for one score per row, or (len(cols), k) for k scores per row.
        """
        shape = (n,) if weights.ndim == 1 else (n, weights.shape[1])
        result = np.zeros(shape, dtype=np.float32)
        if not len(cols):
            return result
        in_main = cols < self.main.shape[1]
        upto = min(n, self.n_main)
        if in_main.any() and upto:
            result[:upto] = _dense(self.main[:, cols[in_main]] @ weights[in_main], shape[1:])[:upto]
        delta = self._delta
        if n > self.n_main and delta.shape[0]:
            part = delta[: n - self.n_main]
            inside = cols < part.shape[1]
            if inside.any():
                result[self.n_main : n] = _dense(part[:, cols[inside]] @ weights[inside], shape[1:])
        return result

    def product(self, weights: npt.NDArray[np.float32], n: int) -> npt.NDArray[np.float32]:
        """The first n rows times a (n_cols,) or (n_cols, k) matrix: every column's weight at once, without slicing."""
        tail = weights.shape[1:]
        result = np.zeros((n, *tail), dtype=np.float32)
        padded = np.zeros((self.n_cols, *tail), dtype=np.float32)
        padded[: min(len(weights), self.n_cols)] = weights[: self.n_cols]
        upto = min(n, self.n_main)
        if upto:
            result[:upto] = _dense(self.main @ padded[: self.main.shape[1]], tail)[:upto]
        if n > self.n_main and self._delta.shape[0]:
            part = self._delta[: n - self.n_main]
            result[self.n_main : n] = _dense(part @ padded[: part.shape[1]], tail)
        return result

    def folded(self) -> SparseRows:
        """The same rows with the delta merged into main."""
        if not self._delta.shape[0]:
            if self.main.shape[1] == self.n_cols:
                return self
            return SparseRows(sp.csc_matrix(self.main, shape=(self.n_main, self.n_cols)), self.n_cols)
        merged = sp.vstack([sp.csr_matrix(self.main, shape=(self.n_main, self.n_cols)), self._delta], format="csc")
        return SparseRows(sp.csc_matrix(merged, dtype=self.main.dtype), self.n_cols)

    def save(self, folder: Path, name: str) -> None:
        whole = self.folded().main
        np.save(folder / f"{name}.data.npy", whole.data)
        np.save(folder / f"{name}.indices.npy", whole.indices)
        np.save(folder / f"{name}.indptr.npy", whole.indptr)
        np.save(folder / f"{name}.shape.npy", np.asarray([whole.shape[0], self.n_cols], dtype=np.int64))

    @classmethod
    def load(cls, folder: Path, name: str) -> SparseRows:
        n_rows, n_cols = (int(v) for v in np.load(folder / f"{name}.shape.npy"))
        data = np.load(folder / f"{name}.data.npy")
        indices = np.load(folder / f"{name}.indices.npy")
        indptr = np.load(folder / f"{name}.indptr.npy")
        main = sp.csc_matrix((data, indices, indptr), shape=(n_rows, n_cols))
        return cls(main, n_cols)


def _dense(product: Any, tail: tuple[int, ...]) -> npt.NDArray[np.float32]:
    array = product.toarray() if sp.issparse(product) else np.asarray(product)
    return np.asarray(array, dtype=np.float32).reshape((-1, *tail))


def binary_rows(row_cols: list[list[int]], n_cols: int) -> sp.csr_matrix:
    """A 0/1 CSR matrix with a 1 at each (row, col) listed."""
    indptr = np.zeros(len(row_cols) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(cols) for cols in row_cols])
    indices = np.fromiter((c for cols in row_cols for c in cols), dtype=np.int32, count=int(indptr[-1]))
    data = np.ones(len(indices), dtype=np.float32)
    return sp.csr_matrix((data, indices, indptr), shape=(len(row_cols), n_cols))
