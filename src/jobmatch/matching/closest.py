"""The occupations of the postings that fit a seeker best: pseudo-relevance feedback at the level of occupations.

A seeker's words rarely say everything: "I am a trained nurse" fits the nurse ads, but also the ads of the same unit
group that say "sykepleier" nowhere in their title. The few postings that fit the seeker best (by the fit model's own
text and wish features, among the postings closest in meaning) show which occupations and ISCO minor groups their
words are about; every posting of those occupations gains from it, however it is worded.

The feedback is computed per index version: the pool is the version's folded rows (live when the version was
prepared), so the seeker's own list and a caseworker's candidate search (which tunes every seeker to the version)
read the same shares for the same pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from jobmatch.matching.calibration import Calibrated, Levels
from jobmatch.matching.fit import occupation_closeness_of
from jobmatch.matching.weights import FitModel
from jobmatch.postings.schemas import Occupation
from jobmatch.search.corpus import Corpus, minor_group

FloatArray = npt.NDArray[np.float32]
RowArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Closest:
    """Per occupation key (`system:code`) and per ISCO minor group: the share of the seeker's best-fitting postings in it."""

    occupations: dict[str, float]
    groups: dict[str, float]


def closest(
    corpus: Corpus, *, vector: FloatArray, terms: str, wished: list[Occupation], calibrated: Calibrated, levels: Levels,
    model: FitModel,
) -> Closest | None:
    """The seeker's feedback in this corpus (None: no text, or nothing to compare with)."""
    settings = model.closest
    if settings is None:
        return None
    pool = corpus.closest_pool()
    if not pool.any():
        return None
    rows, similarity = corpus.dense.search(vector, pool, settings.pool)
    if not len(rows):
        return None
    semantic_calibration, lexical_calibration, described_calibration, group_calibration = calibrated
    weights = settings.weights
    logit = np.float32(weights.get("semantic", 0.0)) * semantic_calibration.z(similarity.astype(np.float32), model.z_clip)
    if weights.get("lexical") and terms.strip() and "lexical_rows" in corpus.sparse:
        cols, values = corpus.lexical_model.query(terms)
        query = np.zeros(corpus.sparse["lexical_rows"].n_cols, dtype=np.float32)
        inside = cols < len(query)
        query[cols[inside]] = values[inside]
        order = np.argsort(rows)
        lexical = np.zeros(len(rows), dtype=np.float32)
        lexical[order] = np.asarray(corpus.sparse["lexical_rows"].take(rows[order]) @ query, dtype=np.float32).reshape(-1)
        logit += np.float32(weights["lexical"]) * lexical_calibration.z(lexical, model.z_clip)
    occupation_rows = corpus.sparse.get("occupation_rows")
    if occupation_rows is not None:
        order = np.argsort(rows)
        taken = occupation_rows.take(rows[order])
        if weights.get("occupation") and wished:
            closeness = np.zeros(len(rows), dtype=np.float32)
            closeness[order] = occupation_closeness_of(corpus.vocabs["occupations"].terms, taken, wished)
            logit += np.float32(weights["occupation"]) * closeness
        for name, level, calibration in (("described_occupation", levels[0], described_calibration),
                                         ("described_group", levels[1], group_calibration)):
            if weights.get(name):
                known = level.known[: taken.shape[1]]
                padded = np.zeros((taken.shape[1], 2), dtype=np.float32)
                padded[: len(known), 0] = np.where(known, level.by_column[: len(known)], 0.0)
                padded[: len(known), 1] = known
                totals = np.asarray(taken @ padded, dtype=np.float32)
                described = np.full(len(rows), np.nan, dtype=np.float32)
                with np.errstate(invalid="ignore", divide="ignore"):
                    described[order] = np.where(totals[:, 1] > 0, totals[:, 0] / totals[:, 1], np.nan)
                z = calibration.z(described, model.z_clip)
                logit += np.where(np.isnan(z), np.float32(0.0), np.float32(weights[name]) * z)
    ids = corpus.column("ids", corpus.view().n)[rows]
    best = np.lexsort((ids, -logit))[: settings.top]  # ties go to the lower posting id, as in the list
    shares = np.exp((logit[best] - logit[best[0]]) / np.float32(settings.temperature)).astype(np.float64)
    shares /= shares.sum()
    occupations: dict[str, float] = {}
    groups: dict[str, float] = {}
    for row, share in zip(rows[best].tolist(), shares.tolist(), strict=True):
        keys = [key for key in corpus.texts["occupations"][row].split("\n") if key]
        for key in keys:
            occupations[key] = occupations.get(key, 0.0) + share
        for group in {group for key in keys if (group := minor_group(key)) is not None}:
            groups[group] = groups.get(group, 0.0) + share
    return Closest({key: round(value, 6) for key, value in occupations.items()}, {key: round(value, 6) for key, value in groups.items()})


def closest_terms(corpus: Corpus, n: int, found: Closest | None) -> tuple[FloatArray, FloatArray]:
    """Per row: the largest share of any of its occupations, and of any of their minor groups (NaN for a row with no
    occupation, or without feedback)."""
    occupation = np.full(n, np.nan, dtype=np.float32)
    group = np.full(n, np.nan, dtype=np.float32)
    rows = corpus.sparse.get("occupation_rows")
    if found is None or rows is None:
        return occupation, group
    coded = corpus.column("n_occupations", n) > 0
    occupation[coded] = 0.0
    group[coded] = 0.0
    vocab = corpus.vocabs["occupations"]
    for key, share in found.occupations.items():
        col = vocab.get(key)
        if col is not None:
            _raise_to(occupation, rows.accumulate(np.asarray([col], dtype=np.int64), np.ones(1, np.float32), n) > 0, share)
    by_group = corpus.columns_by_group()
    for name, share in found.groups.items():
        cols = by_group.get(name)
        if cols is not None:
            _raise_to(group, rows.accumulate(cols, np.ones(len(cols), np.float32), n) > 0, share)
    return occupation, group


def _raise_to(values: FloatArray, where: npt.NDArray[np.bool_], share: float) -> None:
    np.maximum(values, np.where(where, np.float32(share), np.float32(0.0)), out=values, where=where)
