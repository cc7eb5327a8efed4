"""The occupations of the postings that fit a seeker best: pseudo-relevance feedback at the level of occupations.

A seeker's words rarely say everything: "I am a trained nurse" fits the nurse ads, but also the ads of the same unit
group that say "sykepleier" nowhere in their title. The few postings that fit the seeker best (by the fit model's own
text and wish features, among the postings closest in meaning and those sharing most words) show which occupations and
ISCO minor groups their words are about; every posting of those occupations gains from it, however it is worded.

The feedback is computed per index version: the pool is the version's folded rows (live when the version was
prepared), so the seeker's own list and a caseworker's candidate search (which tunes every seeker to the version)
read the same shares for the same pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from jobmatch.matching.calibration import Calibrated, Levels, described_rows
from jobmatch.matching.fit import occupation_closeness_of, row_max
from jobmatch.matching.weights import FitModel
from jobmatch.postings.schemas import Occupation
from jobmatch.search.corpus import Corpus, minor_group
from jobmatch.search.rows import binary_rows

FloatArray = npt.NDArray[np.float32]
RowArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Closest:
    """Per occupation key (`system:code`) and per ISCO minor group: the share of the seeker's best-fitting postings in it."""

    occupations: dict[str, float]
    groups: dict[str, float]


def closest(
    corpus: Corpus, *, vector: FloatArray, terms: str, wished: list[Occupation], calibrated: Calibrated, levels: Levels,
    model: FitModel, lexical: FloatArray | None = None,
) -> Closest | None:
    """The seeker's feedback in this corpus (None: nothing to compare with). `lexical` is the query's lexical similarity
    to every row of `corpus` when the caller has it (`lexical_of`)."""
    settings = model.closest
    if settings is None:
        return None
    pool = corpus.closest_pool()
    if not pool.any():
        return None
    if lexical is None:
        lexical = lexical_of(corpus, terms, len(pool))
    n = min(len(pool), len(lexical))  # the caller's view may be older than the corpus's: its rows are the ones compared
    pool = pool[:n]
    by_meaning, _ = corpus.dense.search(vector, pool, settings.pool)
    by_words = np.zeros(0, dtype=np.int64)
    if terms.strip() and settings.pool < int(pool.sum()):
        by_words = np.flatnonzero(pool & (lexical[:n] > 0))
        if len(by_words) > settings.pool:
            words = lexical[by_words]
            by_words = by_words[words >= np.partition(words, len(words) - settings.pool)[len(words) - settings.pool]]
        if len(by_words) > settings.pool:  # ties at the edge (a chain's identical ads) go to the lower posting id, as in the list
            by_words = by_words[np.lexsort((corpus.column("ids", n)[by_words], -lexical[by_words]))[: settings.pool]]
    rows = np.union1d(by_meaning, by_words).astype(np.int64)
    if not len(rows):
        return None
    semantic_calibration, lexical_calibration, described_calibration, group_calibration = calibrated
    weights = settings.weights
    logit = np.float32(weights.get("semantic", 0.0)) * semantic_calibration.z(corpus.dense.similarity(vector, rows), model.z_clip)
    if terms.strip():
        logit += np.float32(weights.get("lexical", 0.0)) * lexical_calibration.z(lexical[rows], model.z_clip)
    if "occupation_rows" in corpus.sparse:  # per distinct set of occupations, then gathered for the rows
        set_of_row, sets = corpus.occupation_sets(n)
        picked = set_of_row[rows]
    else:
        sets, picked = binary_rows([[]], 0), np.zeros(len(rows), dtype=np.int64)
    if weights.get("occupation") and wished:
        logit += np.float32(weights["occupation"]) * occupation_closeness_of(corpus.vocabs["occupations"].terms, sets, wished)[picked]
    described = [values[picked] for values in described_rows(corpus, sets, levels)]
    for name, values, calibration in (("described_occupation", described[0], described_calibration),
                                      ("described_group", described[1], group_calibration)):
        if weights.get(name):
            z = calibration.z(values, model.z_clip)
            logit += np.where(np.isnan(z), np.float32(0.0), np.float32(weights[name]) * z)
    ids = corpus.column("ids", n)[rows]
    best = np.lexsort((ids, -logit))[: settings.top]  # ties go to the lower posting id, as in the list
    shares = np.exp((logit[best] - logit[best[0]]) / np.float32(settings.temperature)).astype(np.float64)
    shares /= shares.sum()
    found_occupations: dict[str, float] = {}
    found_groups: dict[str, float] = {}
    for row, share in zip(rows[best].tolist(), shares.tolist(), strict=True):
        keys = corpus.occupation_keys(row)
        for key in keys:
            found_occupations[key] = found_occupations.get(key, 0.0) + share
        for group in {group for key in keys if (group := minor_group(key)) is not None}:
            found_groups[group] = found_groups.get(group, 0.0) + share
    return Closest({key: round(value, 6) for key, value in found_occupations.items()},
                   {key: round(value, 6) for key, value in found_groups.items()})


def lexical_of(corpus: Corpus, terms: str, n: int) -> FloatArray:
    """The lexical similarity of `terms` to every row (0 without terms), as a request measures it."""
    if not terms.strip() or "lexical_rows" not in corpus.sparse:
        return np.zeros(n, dtype=np.float32)
    cols, weights = corpus.lexical_model.query(terms)
    found: FloatArray = corpus.sparse["lexical_rows"].accumulate(cols, weights, n)
    return found


def closest_terms(corpus: Corpus, n: int, found: Closest | None) -> tuple[FloatArray, FloatArray]:
    """Per row: the largest share of any of its occupations, and of any of their minor groups (NaN for a row with no
    occupation, or without feedback): computed per distinct set of occupations, then gathered for every row."""
    if found is None or "occupation_rows" not in corpus.sparse:
        nan = np.full(n, np.nan, dtype=np.float32)
        return nan, nan.copy()
    vocab = corpus.vocabs["occupations"]
    by_group = corpus.columns_by_group()
    set_of_row, sets = corpus.occupation_sets(n)
    result = []
    occupations = [(np.asarray([col], dtype=np.int64), share) for key, share in found.occupations.items()
                   if (col := vocab.get(key)) is not None]
    groups = [(by_group[name], share) for name, share in found.groups.items() if name in by_group]
    for wanted in (occupations, groups):
        by_column = np.zeros(sets.shape[1], dtype=np.float32)
        for cols, share in sorted(wanted, key=lambda pair: pair[1]):  # ascending: a column keeps its largest share
            by_column[cols[cols < len(by_column)]] = np.float32(share)
        result.append(row_max(sets, by_column, empty=np.nan)[set_of_row])
    return result[0], result[1]
