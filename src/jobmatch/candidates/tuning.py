"""What the seeker side holds per posting index version: each seeker's calibrations against that version's corpus and
their lexical query in its vocabulary. It is computed before it is appended, so no lock waits for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from jobmatch.matching.calibration import calibrations_of
from jobmatch.search.rows import Growable
from jobmatch.search.snapshot import IndexSnapshot

Tunable = tuple[npt.NDArray[np.float32], str]
"""What tuning reads of a seeker: their vector and their lexical terms."""
TUNE_BATCH = 1_024
TUNED = {"semantic_mean": "float64", "semantic_spread": "float64", "lexical_mean": "float64", "lexical_spread": "float64",
         "described_mean": "float64", "described_spread": "float64", "group_mean": "float64", "group_spread": "float64"}


class Tuned:
    """Per row, what depends on one posting index version: calibrations, and the lexical query as (owner, col, weight)."""

    def __init__(self, snapshot: IndexSnapshot) -> None:
        self.snapshot = snapshot
        self.columns = {name: Growable.empty(dtype) for name, dtype in TUNED.items()}
        self.lexical = {"owner": Growable.empty("int64"), "col": Growable.empty("int64"), "weight": Growable.empty("float32")}
        self.vocabulary = snapshot.corpus.lexical_model.n_features
        self._queries: tuple[int, int, sp.csr_matrix] | None = None

    def queries(self, n: int, count: int) -> sp.csr_matrix:
        """(n × vocabulary) CSR of the first `count` query terms; entries keep their query order (never sorted)."""
        cached = self._queries
        if cached is not None and cached[:2] == (n, count):
            return cached[2]
        owner = self.lexical["owner"].view(count)
        indptr = np.zeros(n + 1, dtype=np.int64)
        indptr[1:] = np.cumsum(np.bincount(owner, minlength=n)[:n])
        matrix = sp.csr_matrix((self.lexical["weight"].view(count), self.lexical["col"].view(count), indptr), shape=(n, self.vocabulary))
        self._queries = (n, count, matrix)
        return matrix

    def forget_queries(self) -> None:
        """Drop the cached query matrix (its weights were cleared in place for dead rows; it is rebuilt on demand)."""
        self._queries = None

    def extend(self, first_row: int, tuning: Tuning) -> None:
        """Append the tuning of rows `first_row`… (computed beforehand, so no lock waits for it)."""
        for name, column in tuning.values.items():
            self.columns[name].append(column)
        queries = tuning.queries
        self.lexical["owner"].append(np.repeat(np.arange(queries.shape[0], dtype=np.int64) + first_row, np.diff(queries.indptr)))
        self.lexical["col"].append(queries.indices.astype(np.int64))
        self.lexical["weight"].append(queries.data.astype(np.float32))


@dataclass(frozen=True)
class Tuning:
    """Some rows' tuning for one version: calibrations, and lexical queries as CSR rows (empty for dead rows)."""

    values: dict[str, npt.NDArray[np.float64]]
    queries: sp.csr_matrix

    def take(self, indices: list[int]) -> Tuning:
        return Tuning({name: values[indices] for name, values in self.values.items()}, self.queries[indices])


def tune(snapshot: IndexSnapshot, items: Sequence[Tunable | None]) -> Tuning:
    """Each row's calibrations and lexical query in this version, from its (vector, terms); None: a dead row."""
    corpus = snapshot.corpus
    values = {name: np.ones(len(items), dtype=np.float64) for name in TUNED}
    queries = corpus.lexical_model.transform([item[1] if item is not None and item[1].strip() else "" for item in items])
    for start in range(0, len(items), TUNE_BATCH):
        live = [offset for offset in range(start, min(start + TUNE_BATCH, len(items))) if items[offset] is not None]
        if not live:
            continue
        vectors = np.stack([item[0] for offset in live if (item := items[offset]) is not None]).astype(np.float32)
        calibrated = calibrations_of(corpus, vectors=vectors, queries=queries[live])
        for offset, (semantic, lexical, described, group) in zip(live, calibrated, strict=True):
            values["semantic_mean"][offset], values["semantic_spread"][offset] = semantic.mean, semantic.spread
            values["lexical_mean"][offset], values["lexical_spread"][offset] = lexical.mean, lexical.spread
            values["described_mean"][offset], values["described_spread"][offset] = described.mean, described.spread
            values["group_mean"][offset], values["group_spread"][offset] = group.mean, group.spread
    return Tuning(values, sp.csr_matrix(queries, dtype=np.float32))
