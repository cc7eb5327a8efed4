"""A query's similarities on its own scale: the calibration of each similarity against the corpus, and the occupations and
ISCO minor groups the seeker's own words describe (similarity to the centroids of their postings).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from jobmatch.search.corpus import Corpus
from jobmatch.search.dense import inner_products

FloatArray = npt.NDArray[np.float32]
BoolArray = npt.NDArray[np.bool_]

MIN_SPREAD = {"semantic": 0.02, "lexical": 0.01, "described": 0.02}


@dataclass(frozen=True)
class Calibration:
    mean: float
    spread: float

    def z(self, values: FloatArray, clip: tuple[float, float]) -> FloatArray:
        return zscore(values, np.float32(self.mean), np.float32(self.spread), clip)


def zscore(values: FloatArray, mean: FloatArray | np.float32, spread: FloatArray | np.float32, clip: tuple[float, float]) -> FloatArray:
    """Similarities on the query's own scale: (value − mean) ÷ spread, clipped; one query or one per row."""
    scaled: FloatArray = np.clip((values - mean) / spread, *clip).astype(np.float32)
    return scaled


def _calibration(values: FloatArray, name: str) -> Calibration:
    values = values[~np.isnan(values)]
    if not len(values):
        return Calibration(0.0, 1.0)
    return Calibration(float(values.mean()), max(float(values.std()), MIN_SPREAD[name]))


Calibrated = tuple[Calibration, Calibration, Calibration, Calibration]
"""A query's semantic, lexical, described-occupation and described-group calibrations."""


@dataclass(frozen=True)
class Level:
    """A query's similarities to the centroids of one level (occupations, or their ISCO minor groups) of a corpus."""

    by_column: FloatArray
    """Per occupation column: the similarity to its centroid at this level (0 where it has none)."""
    known: BoolArray
    """Per occupation column: whether it has a centroid at this level."""
    distinct: FloatArray
    """The similarity to every distinct centroid of the level: what the query's z-score is relative to."""


def occupation_level(corpus: Corpus, vector: FloatArray) -> Level:
    """The query's similarity to each occupation's centroid in this corpus."""
    centroids, known = corpus.occupation_centroids(), corpus.occupation_known()
    similarities = np.zeros(len(centroids), dtype=np.float32)
    rows = np.flatnonzero(known)
    if len(rows):  # read in place: a gathered copy of the centroids cost more than the products
        similarities[rows] = inner_products(centroids, vector, rows)
    return Level(similarities, known, similarities[known])


def group_level(corpus: Corpus, vector: FloatArray) -> Level:
    """The query's similarity to the centroid of each occupation's ISCO minor group in this corpus."""
    groups = corpus.groups()
    distinct = np.zeros(len(groups.centroids), dtype=np.float32)
    rows = np.flatnonzero(groups.known)
    if len(rows):
        distinct[rows] = inner_products(groups.centroids, vector, rows)
    by_column = np.where(groups.column_known, distinct[np.maximum(groups.of_column, 0)], np.float32(0.0)).astype(np.float32)
    return Level(by_column, groups.column_known, distinct[groups.known])


def described(corpus: Corpus, n: int, *, has_text: bool, reference: Corpus, levels: tuple[Level, ...]) -> list[FloatArray]:
    """Per level (`levels`: the query's similarities at the occupation and group levels, measured in `reference`) and per
    row: the mean similarity of the seeker's vector to the centroids of the row's occupations at that level. One pass
    over the rows for every level.

    A seeker who writes about wiring houses is close to the centroid of electricians' ads wherever a particular ad is
    and whatever else it says; a kindergarten ad in the seeker's own town is not, however many words it shares.
    """
    if "occupation_rows" not in corpus.sparse or not has_text:
        return [np.full(n, np.nan, dtype=np.float32) for _ in levels]
    set_of_row, sets = corpus.occupation_sets(n)
    return [values[set_of_row] for values in described_rows(corpus, sets, levels, reference=reference)]


def described_rows(corpus: Corpus, occupations: sp.csr_matrix, levels: tuple[Level, ...], *,
                   reference: Corpus | None = None) -> list[FloatArray]:
    """`described` of some rows of `corpus` (or sets of occupations), given as a CSR of their occupation columns
    (`Corpus.occupation_sets`); the levels measured in `reference` (default `corpus`)."""
    weights = _level_weights(corpus, reference or corpus, levels)
    return _means(np.asarray(occupations @ weights, dtype=np.float32), len(levels))


def _level_weights(corpus: Corpus, reference: Corpus, levels: tuple[Level, ...]) -> FloatArray:
    """Per occupation column of `corpus`, and per level: the query's similarity to its centroid in `reference`, and 1
    where it has one (0 and 0 where not)."""
    terms = corpus.vocabs["occupations"].terms
    weights = np.zeros((len(terms), 2 * len(levels)), dtype=np.float32)
    for at, level in enumerate(levels):
        similarities, known = level.by_column, level.known
        if reference is corpus:
            shared = min(len(terms), len(known))
            weights[:shared, 2 * at] = np.where(known[:shared], similarities[:shared], 0.0)
            weights[:shared, 2 * at + 1] = known[:shared]
        else:
            for col, term in enumerate(terms):
                found = reference.vocabs["occupations"].get(term)
                if found is not None and found < len(known) and known[found]:
                    weights[col, 2 * at : 2 * at + 2] = (similarities[found], 1.0)
    return weights


def _means(totals: FloatArray, count: int) -> list[FloatArray]:
    """Per level: the summed similarity over the number of centroids (NaN where none)."""
    result = []
    with np.errstate(invalid="ignore", divide="ignore"):
        for at in range(count):
            sums, counts = totals[:, 2 * at], totals[:, 2 * at + 1]
            result.append(np.where(counts > 0, sums / counts, np.nan).astype(np.float32))
    return result


Levels = tuple[Level, Level]
"""A query's occupation and group levels in one corpus."""


def levels(corpus: Corpus, vector: FloatArray) -> Levels:
    return occupation_level(corpus, vector), group_level(corpus, vector)


def calibrations(corpus: Corpus, *, vector: FloatArray, terms: str, measured: Levels | None = None) -> Calibrated:
    """A query's similarities to the corpus's calibration sample (semantic, lexical) and to its occupations' and their
    groups' centroids (from `measured` when given): the z-scores' mean and spread."""
    cols, weights = corpus.lexical_model.query(terms if terms.strip() else "")  # kept for the query's next request
    queries = sp.csr_matrix((weights, cols, [0, len(cols)]), shape=(1, max(corpus.lexical_model.n_features, int(cols.max(initial=-1)) + 1)))
    return calibrations_of(corpus, vectors=vector[np.newaxis, :], queries=queries, measured=[measured] if measured else None)[0]


def sample_products(sample: sp.csc_matrix | None, cols: npt.NDArray[np.int32], weights: npt.NDArray[np.float32],
                    n: int) -> FloatArray:
    """Each sample row · the query (its columns and weights): only the query's columns of the sample's inverted index are
    read, each row's products summed in float64 in the query's column order."""
    if sample is None:
        return np.zeros(n, dtype=np.float32)
    inside = cols < sample.shape[1]
    cols, weights = cols[inside].astype(np.int64), weights[inside]
    starts, ends = sample.indptr[cols].astype(np.int64), sample.indptr[cols + 1].astype(np.int64)
    lengths = ends - starts
    if not lengths.sum():
        return np.zeros(n, dtype=np.float32)
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(int(lengths.sum()))
    products = sample.data[offsets].astype(np.float64) * np.repeat(weights.astype(np.float64), lengths)
    return np.bincount(sample.indices[offsets], weights=products, minlength=n)[:n].astype(np.float32)


def calibrations_of(corpus: Corpus, *, vectors: FloatArray, queries: Any, measured: list[Levels] | None = None) -> list[Calibrated]:
    """`calibrations` of many queries at once (their vectors, and their lexical rows as `LexicalModel.transform` gives them).

    Each query's calibration is the same to the last bit as when it is computed alone: the similarities are
    `inner_products`, and each query's lexical similarities are `sample_products` of its own.
    """
    rows, sample_vectors, lexical_rows = corpus.calibration_sample()
    queries = sp.csr_matrix(queries)
    found: list[Calibrated] = []
    for j, vector in enumerate(vectors):
        occupations, groups = measured[j] if measured else levels(corpus, vector)
        occupation = _calibration(occupations.distinct, "described")
        group = _calibration(groups.distinct, "described")
        if not len(rows):
            found.append((Calibration(0.0, 1.0), Calibration(0.0, 1.0), occupation, group))
            continue
        span = slice(queries.indptr[j], queries.indptr[j + 1])
        lexical = sample_products(lexical_rows, queries.indices[span], queries.data[span], len(rows))
        found.append((_calibration(inner_products(sample_vectors, vector), "semantic"), _calibration(lexical, "lexical"),
                      occupation, group))
    return found
