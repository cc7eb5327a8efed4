"""What the seeker side holds per posting index version: each seeker's calibrations against that version's corpus, their
lexical query in its vocabulary, and the occupations of the postings that fit them best (`jobmatch.matching.closest`).
It is computed before it is appended, so no lock waits for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from jobmatch.matching.calibration import calibrations_of, levels
from jobmatch.matching.closest import Closest, closest
from jobmatch.matching.weights import fit_model
from jobmatch.postings.schemas import Occupation
from jobmatch.search.corpus import Vocab
from jobmatch.search.rows import Growable
from jobmatch.search.snapshot import IndexSnapshot
from jobmatch.vocab import OccupationSystem

Tunable = tuple[npt.NDArray[np.float32], str, tuple[str, ...], bool]
"""What tuning reads of a seeker: their vector, their lexical terms, their wished occupations (`system:code`) and whether
they have text to compare."""
TUNE_BATCH = 1_024
TUNED = {"semantic_mean": "float64", "semantic_spread": "float64", "lexical_mean": "float64", "lexical_spread": "float64",
         "described_mean": "float64", "described_spread": "float64", "group_mean": "float64", "group_spread": "float64",
         "has_closest": "float64"}
CLOSEST_KINDS = ("occupation", "group")
"""The kinds of closest-postings share a row holds, in the order `Tuned.closest` numbers them (`Closest.occupations`,
`Closest.groups`)."""


class Tuned:
    """Per row, what depends on one posting index version: calibrations, and the lexical query as (owner, col, weight)."""

    def __init__(self, snapshot: IndexSnapshot) -> None:
        self.snapshot = snapshot
        self.columns = {name: Growable.empty(dtype) for name, dtype in TUNED.items()}
        self.lexical = {"owner": Growable.empty("int64"), "col": Growable.empty("int64"), "weight": Growable.empty("float32")}
        self.vocabulary = snapshot.corpus.lexical_model.n_features
        self.closest = {"owner": Growable.empty("int64"), "kind": Growable.empty("int8"), "key": Growable.empty("int64"),
                        "share": Growable.empty("float32")}
        """Each row's closest-postings shares as (owner, kind: an index into CLOSEST_KINDS, key in `keys`, share)."""
        self.keys = Vocab()
        """Occupation keys (`system:code`) and minor groups the shares name."""
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
        entries = [(first_row + offset, kind, self.keys.id(key), share)
                   for offset, found in enumerate(tuning.closest) if found is not None
                   for kind, shares in enumerate((found.occupations, found.groups)) for key, share in shares.items()]
        self.closest["owner"].append([entry[0] for entry in entries])
        self.closest["kind"].append([entry[1] for entry in entries])
        self.closest["key"].append([entry[2] for entry in entries])
        self.closest["share"].append([entry[3] for entry in entries])


@dataclass(frozen=True)
class Tuning:
    """Some rows' tuning for one version: calibrations, and lexical queries as CSR rows (empty for dead rows)."""

    values: dict[str, npt.NDArray[np.float64]]
    queries: sp.csr_matrix
    closest: list[Closest | None]

    def take(self, indices: list[int]) -> Tuning:
        return Tuning({name: values[indices] for name, values in self.values.items()}, self.queries[indices],
                      [self.closest[i] for i in indices])


def tune(snapshot: IndexSnapshot, items: Sequence[Tunable | None]) -> Tuning:
    """Each row's calibrations, lexical query and closest postings in this version; None: a dead row."""
    corpus = snapshot.corpus
    model = fit_model()
    values = {name: np.ones(len(items), dtype=np.float64) for name in TUNED}
    values["has_closest"][:] = 0.0
    found: list[Closest | None] = [None] * len(items)
    queries = corpus.lexical_model.transform([item[1] if item is not None and item[1].strip() else "" for item in items])
    for start in range(0, len(items), TUNE_BATCH):
        live = [offset for offset in range(start, min(start + TUNE_BATCH, len(items))) if items[offset] is not None]
        if not live:
            continue
        vectors = np.stack([item[0] for offset in live if (item := items[offset]) is not None]).astype(np.float32)
        measured = [levels(corpus, vector) for vector in vectors]
        calibrated = calibrations_of(corpus, vectors=vectors, queries=queries[live], measured=measured)
        for offset, vector, level, calibration in zip(live, vectors, measured, calibrated, strict=True):
            semantic, lexical, described, group = calibration
            item = items[offset]
            if item is not None and item[3]:
                wished = [Occupation(system=OccupationSystem(key.partition(":")[0]), code=key.partition(":")[2]) for key in item[2]]
                found[offset] = closest(corpus, vector=vector, terms=item[1], wished=wished, calibrated=calibration, levels=level,
                                        model=model)
                values["has_closest"][offset] = float(found[offset] is not None)
            values["semantic_mean"][offset], values["semantic_spread"][offset] = semantic.mean, semantic.spread
            values["lexical_mean"][offset], values["lexical_spread"][offset] = lexical.mean, lexical.spread
            values["described_mean"][offset], values["described_spread"][offset] = described.mean, described.spread
            values["group_mean"][offset], values["group_spread"][offset] = group.mean, group.spread
    return Tuning(values, sp.csr_matrix(queries, dtype=np.float32), found)
