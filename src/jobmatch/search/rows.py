"""Column storage in one row space: growable arrays and sparse rows (immutable folded blocks plus the rows appended since).

Rows are only ever appended. A row below a published count never changes, so a reader that took the count once sees
one consistent corpus while a writer appends; a changed posting gets a new row and its old row dies.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse._sparsetools import csc_matvec  # the kernel of `csc_matrix @ vector`, called on one column's slices

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
    """Rows of a sparse matrix: folded rows as CSC blocks (inverted indexes by column, one per segment) and appended rows as CSR."""

    def __init__(self, blocks: Sequence[sp.csc_matrix], n_cols: int, *, dtype: npt.DTypeLike = np.float32) -> None:
        self.blocks = list(blocks)
        self.n_cols = max([n_cols, *(int(block.shape[1]) for block in self.blocks)])
        self.dtype = np.dtype(self.blocks[0].dtype if self.blocks else dtype)
        self._starts = np.cumsum([0, *(int(block.shape[0]) for block in self.blocks)])
        self._tail_blocks: list[sp.csr_matrix] = []
        self._tail: sp.csr_matrix = sp.csr_matrix((0, self.n_cols), dtype=self.dtype)

    @classmethod
    def of(cls, rows: sp.spmatrix, n_cols: int) -> SparseRows:
        return cls([sp.csc_matrix(rows, dtype=rows.dtype)], n_cols)

    @property
    def n_folded(self) -> int:
        """Rows in the CSC blocks; appended rows follow them."""
        return int(self._starts[-1])

    @property
    def block_starts(self) -> list[int]:
        """The first row of each CSC block."""
        return [int(start) for start in self._starts[:-1]]

    @property
    def count(self) -> int:
        return self.n_folded + int(self._tail.shape[0])

    def append(self, rows: sp.spmatrix) -> None:
        block = sp.csr_matrix(rows, dtype=self.dtype)
        self.n_cols = max(self.n_cols, int(block.shape[1]))
        self._tail_blocks.append(block)
        blocks = [sp.csr_matrix(b, shape=(b.shape[0], self.n_cols)) for b in self._tail_blocks]
        self._tail = sp.vstack(blocks, format="csr") if blocks else self._tail

    def accumulate(self, cols: npt.NDArray[np.int64], weights: npt.NDArray[np.float32], n: int) -> npt.NDArray[np.float32]:
        """Σ over `cols` of row value × weight for the first n rows: the inverted index's accumulation."""
        result = np.zeros(n, dtype=np.float32)
        if not len(cols):
            return result
        for block, start in zip(self.blocks, self._starts, strict=False):
            upto = min(n, int(start) + int(block.shape[0]))
            inside = cols < block.shape[1]
            if upto <= start or not inside.any():
                continue
            if upto - start == block.shape[0] and block.dtype == np.float32:
                _scatter_columns(block, cols[inside], weights[inside], result[start:upto])
            else:
                result[start:upto] = _dense(block[:, cols[inside]] @ weights[inside])[: upto - start]
        tail, start = self._tail, self.n_folded
        if n > start and tail.shape[0]:
            part = tail[: n - start]
            inside = cols < part.shape[1]
            if inside.any():
                result[start:n] = _dense(part[:, cols[inside]] @ weights[inside])
        return result

    def rows_with(self, cols: npt.NDArray[np.int64], n: int) -> npt.NDArray[np.int64]:
        """The rows among the first n with a value in any of `cols` (read from the inverted lists; may repeat a row)."""
        found = []
        for block, start in zip(self.blocks, self._starts, strict=False):
            if int(start) >= n:
                break
            for col in cols[cols < block.shape[1]].tolist():
                found.append(block.indices[block.indptr[col] : block.indptr[col + 1]].astype(np.int64) + int(start))
        tail, start = self._tail, self.n_folded
        if n > start and tail.shape[0]:
            part = sp.csc_matrix(tail[: n - start][:, cols[cols < tail.shape[1]]])
            found.append(part.indices.astype(np.int64) + start)
        rows = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
        within: npt.NDArray[np.int64] = rows[rows < n]
        return within

    def take(self, rows: npt.NDArray[np.int64]) -> sp.csr_matrix:
        """These rows (ascending) as CSR."""
        parts = []
        for block, start in zip([*self.blocks, self._tail], self._starts, strict=True):
            inside = rows[(rows >= start) & (rows < start + block.shape[0])] - start
            parts.append(sp.csr_matrix(block[inside, :], shape=(len(inside), self.n_cols)))
        return sp.csr_matrix(sp.vstack(parts, format="csr"))

    def since(self, start: int) -> sp.csc_matrix:
        """Rows from `start` on as one CSC block: what a delta segment stores."""
        if start == self.n_folded:
            return sp.csc_matrix(self._tail, shape=(self._tail.shape[0], self.n_cols), dtype=self.dtype)
        whole = sp.vstack([sp.csr_matrix(b, shape=(b.shape[0], self.n_cols)) for b in [*self.blocks, self._tail]], format="csr")
        return sp.csc_matrix(whole[start:], dtype=self.dtype)

    def folded(self) -> SparseRows:
        """The same rows as one CSC block."""
        if len(self.blocks) == 1 and not self._tail.shape[0] and self.blocks[0].shape[1] == self.n_cols:
            return self
        parts = [sp.csr_matrix(b, shape=(b.shape[0], self.n_cols)) for b in [*self.blocks, self._tail]]
        merged = sp.vstack(parts, format="csc")
        return SparseRows([sp.csc_matrix(merged, dtype=self.dtype)], self.n_cols)


def save_block(block: sp.csc_matrix, folder: Path, name: str) -> None:
    np.save(folder / f"{name}.data.npy", block.data)
    np.save(folder / f"{name}.indices.npy", block.indices)
    np.save(folder / f"{name}.indptr.npy", block.indptr)
    np.save(folder / f"{name}.shape.npy", np.asarray(block.shape, dtype=np.int64))


def load_block(folder: Path, name: str) -> sp.csc_matrix | None:
    """A block written by `save_block`, or None when the segment has none of this name."""
    if not (folder / f"{name}.shape.npy").exists():
        return None
    n_rows, n_cols = (int(v) for v in np.load(folder / f"{name}.shape.npy"))
    data = np.load(folder / f"{name}.data.npy")
    indices = np.load(folder / f"{name}.indices.npy")
    indptr = np.load(folder / f"{name}.indptr.npy")
    return sp.csc_matrix((data, indices, indptr), shape=(n_rows, n_cols))


def _scatter_columns(block: sp.csc_matrix, cols: npt.NDArray[np.int64], weights: npt.NDArray[np.float32],
                     out: npt.NDArray[np.float32]) -> None:
    """out += block[:, cols] @ weights, one inverted list at a time and without copying them: the same sums, in the same
    order, as the sliced product (each column is added in `cols` order)."""
    indptr, indices, data = block.indptr, block.indices, block.data
    vector = np.zeros(1, dtype=np.float32)
    one_column = np.zeros(2, dtype=indptr.dtype)
    for col, weight in zip(cols.tolist(), weights.tolist(), strict=True):
        begin, end = int(indptr[col]), int(indptr[col + 1])
        if end > begin:
            vector[0], one_column[1] = weight, end - begin
            csc_matvec(len(out), 1, one_column, indices[begin:end], data[begin:end], vector, out)


def _dense(product: Any) -> npt.NDArray[np.float32]:
    array = product.toarray() if sp.issparse(product) else np.asarray(product)
    return np.asarray(array, dtype=np.float32).reshape(-1)


def binary_rows(row_cols: list[list[int]], n_cols: int) -> sp.csr_matrix:
    """A 0/1 CSR matrix with a 1 at each (row, col) listed."""
    indptr = np.zeros(len(row_cols) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(cols) for cols in row_cols])
    indices = np.fromiter((c for cols in row_cols for c in cols), dtype=np.int32, count=int(indptr[-1]))
    data = np.ones(len(indices), dtype=np.float32)
    return sp.csr_matrix((data, indices, indptr), shape=(len(row_cols), n_cols))
