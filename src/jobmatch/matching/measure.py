"""Every signal of a seeker's request over the whole corpus, and every term of the score for any set of rows.

`Context` holds what is computed once per (seeker, request) over all rows: stay factors, hard-constraint masks,
occupation closeness, lexical similarity and the calibration of both similarities. `measure` turns rows into the
score's terms, as arrays. The list, the explanation and the relaxation counts all read the same context.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from jobmatch.matching.filters import MatchFilters
from jobmatch.matching.fit import SkillStems, occupation_closeness, skills_found, skills_share
from jobmatch.matching.rules import Eligibility, eligibility
from jobmatch.matching.stay import StayArrays, Wherever, stay_arrays
from jobmatch.matching.weights import FIT_FEATURES, STAY_PRIOR_WEIGHT, FitModel, stay_weight
from jobmatch.search.corpus import Corpus, CorpusView
from jobmatch.seekers.schemas import SeekerIn
from jobmatch.vocab import Importance, StayFactor

FloatArray = npt.NDArray[np.float32]
RowArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

MIN_SPREAD = {"semantic": 0.02, "lexical": 0.01, "described": 0.02}


@dataclass(frozen=True)
class Calibration:
    mean: float
    spread: float

    def z(self, values: FloatArray, clip: tuple[float, float]) -> FloatArray:
        scaled: FloatArray = np.clip((values - self.mean) / self.spread, *clip).astype(np.float32)
        return scaled


@dataclass(frozen=True)
class Query:
    """What a ranking needs to know about the seeker for one request."""

    profile: SeekerIn
    vector: FloatArray
    terms: str
    importances: dict[StayFactor, Importance]
    filters: MatchFilters
    dismissed: frozenset[int]
    where: Wherever
    skills: SkillStems
    use_prior: bool
    has_text: bool
    """Whether the profile has any text to embed (an empty profile is similar to nothing)."""


@dataclass
class Context:
    """One request's view of the corpus, computed over every row once."""

    corpus: Corpus
    view: CorpusView
    query: Query
    model: FitModel
    stay: StayArrays
    rules: Eligibility
    removed: BoolArray
    occupation: FloatArray
    lexical: FloatArray
    described: FloatArray
    """Per row: the seeker's similarity to the typical posting of the row's occupations (NaN: no occupation to compare)."""
    semantic_calibration: Calibration
    lexical_calibration: Calibration
    described_calibration: Calibration

    semantic_known: FloatArray | None = None
    """The query's similarity to each row this request has measured so far (NaN: not yet)."""

    @property
    def n(self) -> int:
        return self.view.n

    def semantic(self, rows: RowArray) -> FloatArray:
        """The query's exact similarity to these rows, each row computed once per request (one pass when most are asked for)."""
        known = self.semantic_known
        if known is None:
            known = self.semantic_known = np.full(self.n, np.nan, dtype=np.float32)
        missing = rows[np.isnan(known[rows])]
        if len(missing):
            dense = self.corpus.dense
            if len(missing) * 3 > self.n:
                known[:] = dense.similarity(self.query.vector, np.arange(self.n, dtype=np.int64))
            else:
                known[missing] = dense.similarity(self.query.vector, missing)
        found: FloatArray = known[rows]
        return found


def _calibration(values: FloatArray, name: str) -> Calibration:
    values = values[~np.isnan(values)]
    if not len(values):
        return Calibration(0.0, 1.0)
    return Calibration(float(values.mean()), max(float(values.std()), MIN_SPREAD[name]))


@dataclass(frozen=True)
class Calibrations:
    """A query's z-score calibrations against a corpus's calibration sample, one per similarity."""

    semantic: Calibration
    lexical: Calibration
    described: Calibration


def described_occupation(corpus: Corpus, n: int, query: Query, reference: Corpus) -> FloatArray:
    """Per row: the mean similarity of the seeker's vector to the centroids of the row's occupations in `reference`.

    A seeker who writes about wiring houses is close to the centroid of electricians' ads wherever a particular ad is
    and whatever else it says; a kindergarten ad in the seeker's own town is not, however many words it shares.
    """
    rows = corpus.sparse.get("occupation_rows")
    if rows is None or not query.has_text:
        return np.full(n, np.nan, dtype=np.float32)
    centroids = reference.occupation_centroids()
    terms = corpus.vocabs["occupations"].terms
    if reference is corpus:
        at = np.arange(min(len(terms), len(centroids)), dtype=np.int64)
        cols = at
    else:
        pairs = [(col, reference.vocabs["occupations"].get(term)) for col, term in enumerate(terms)]
        cols = np.asarray([col for col, ref in pairs if ref is not None and ref < len(centroids)], dtype=np.int64)
        at = np.asarray([ref for _, ref in pairs if ref is not None and ref < len(centroids)], dtype=np.int64)
    chosen = centroids[at]
    known = np.einsum("ij,ij->i", chosen, chosen) > 0
    weights = np.zeros((len(terms), 2), dtype=np.float32)
    weights[cols, 0] = np.where(known, chosen @ query.vector, 0.0)
    weights[cols, 1] = known
    totals = rows.product(weights, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        described: FloatArray = np.where(totals[:, 1] > 0, totals[:, 0] / totals[:, 1], np.nan).astype(np.float32)
    return described


def calibrations(corpus: Corpus, query: Query, described: FloatArray | None = None) -> Calibrations:
    """The query's similarities to the corpus's calibration sample: the z-scores' mean and spread.

    `described` passes the query's described-occupation values over the corpus's rows when they were computed already.
    """
    rows, vectors, lexical_rows = corpus.calibration_sample()
    if not len(rows):
        return Calibrations(Calibration(0.0, 1.0), Calibration(0.0, 1.0), Calibration(0.0, 1.0))
    semantic = vectors @ query.vector
    lexical = np.zeros(len(rows), dtype=np.float32)
    if query.terms.strip() and lexical_rows is not None:
        cols, weights = corpus.lexical_model.query(query.terms)
        dense_query = np.zeros(lexical_rows.shape[1], dtype=np.float32)
        inside = cols < len(dense_query)
        dense_query[cols[inside]] = weights[inside]
        lexical = np.asarray(lexical_rows @ dense_query, dtype=np.float32).ravel()
    if described is None:
        described = described_occupation(corpus, corpus.view().n, query, corpus)
    return Calibrations(_calibration(semantic, "semantic"), _calibration(lexical, "lexical"),
                        _calibration(described[rows], "described"))


def context(
    corpus: Corpus, query: Query, *, model: FitModel, now: float, reference: Corpus | None = None,
) -> Context:
    """One request's view; `reference` is the served corpus when `corpus` is not (candidate search's one-posting corpus):
    similarities are calibrated, and occupations described, against it."""
    view = corpus.view()
    n = view.n
    reference = reference or corpus
    stay = stay_arrays(corpus, n, query.profile, query.where)
    rules = eligibility(corpus, view, profile=query.profile, stay=stay, importances=query.importances, wanted=query.filters,
                        dismissed=query.dismissed, now=now)
    lexical = np.zeros(n, dtype=np.float32)
    if query.terms.strip() and "lexical_rows" in corpus.sparse:
        cols, weights = corpus.lexical_model.query(query.terms)
        lexical = corpus.sparse["lexical_rows"].accumulate(cols, weights, n)
    described = described_occupation(corpus, n, query, reference)
    calibrated = calibrations(reference, query, described if reference is corpus else None)
    return Context(
        corpus=corpus, view=view, query=query, model=model, stay=stay, rules=rules, removed=rules.removed(n),
        occupation=occupation_closeness(corpus, n, query.profile.wishes.occupations), lexical=lexical, described=described,
        semantic_calibration=calibrated.semantic, lexical_calibration=calibrated.lexical,
        described_calibration=calibrated.described,
    )


@dataclass
class Measured:
    """Every term of the score for some rows, as arrays aligned with `rows`."""

    rows: RowArray
    raw: dict[str, FloatArray]
    """Per component: the value the weight multiplies (NaN: unknown or not applicable, contributes 0)."""
    weight: dict[str, FloatArray]
    similarity: dict[str, FloatArray]
    """The uncalibrated semantic and lexical similarities, for the words."""
    skills_found: npt.NDArray[np.bool_]
    prior_rate: npt.NDArray[np.object_]

    @property
    def fit(self) -> FloatArray:
        return self.total(kinds=("fit",))

    def total(self, kinds: tuple[str, ...] = ("fit", "stay", "prior")) -> FloatArray:
        result = np.zeros(len(self.rows), dtype=np.float32)
        for name, raw in self.raw.items():
            if component_kind(name) in kinds:
                result += np.nan_to_num(raw * self.weight[name], nan=0.0)
        return result


def component_kind(name: str) -> str:
    if name in FIT_FEATURES or name == "base":
        return "fit"
    return "prior" if name == "stay_prior" else "stay"


def measure(ctx: Context, rows: RowArray, prior: tuple[FloatArray, npt.NDArray[np.object_]] | None = None) -> Measured:
    """The score's terms for these rows."""
    model, query = ctx.model, ctx.query
    semantic = ctx.semantic(rows)
    has_vector = ctx.corpus.column("has_vector", ctx.n)[rows]
    semantic_z = ctx.semantic_calibration.z(semantic, model.z_clip)
    semantic_z[~has_vector] = np.nan
    if not query.has_text:
        semantic_z[:] = np.nan
    lexical = ctx.lexical[rows]
    found = skills_found(ctx.corpus, ctx.n, query.skills, rows)
    raw: dict[str, FloatArray] = {
        "base": np.ones(len(rows), dtype=np.float32),
        "semantic": semantic_z,
        "lexical": ctx.lexical_calibration.z(lexical, model.z_clip) if query.terms.strip() else np.full(len(rows), np.nan, np.float32),
        "occupation": ctx.occupation[rows] if query.profile.wishes.occupations else np.full(len(rows), np.nan, np.float32),
        "skills": skills_share(query.skills, found) if query.skills.skills else np.full(len(rows), np.nan, np.float32),
        "described_occupation": ctx.described_calibration.z(ctx.described[rows], model.z_clip),
    }
    weight = {"base": np.full(len(rows), model.intercept, np.float32)}
    weight |= {name: np.full(len(rows), model.weights[name], np.float32) for name in FIT_FEATURES}
    for factor in StayFactor:
        raw[factor.value] = ctx.stay.raw[factor][rows]
        weight[factor.value] = np.full(len(rows), stay_weight(query.importances[factor]), np.float32)
    no_prior = np.full(len(rows), None, dtype=object)
    prior_raw, prior_rate = prior if prior is not None else (np.full(len(rows), np.nan, np.float32), no_prior)
    raw["stay_prior"] = prior_raw
    weight["stay_prior"] = np.where(np.isnan(prior_raw), 0.0, STAY_PRIOR_WEIGHT).astype(np.float32)
    return Measured(rows=rows, raw=raw, weight=weight, similarity={"semantic": semantic, "lexical": lexical},
                    skills_found=found, prior_rate=prior_rate)


def fit_bound(ctx: Context, semantic_ceiling: float) -> FloatArray:
    """Per row, the highest fit logit it could have if its semantic similarity is at most `semantic_ceiling`."""
    model, weights = ctx.model, ctx.model.weights
    if weights["semantic"] >= 0:
        semantic = weights["semantic"] * float(ctx.semantic_calibration.z(np.asarray([semantic_ceiling], np.float32), model.z_clip)[0])
    else:
        semantic = weights["semantic"] * model.z_clip[0]
    has_vector = ctx.corpus.column("has_vector", ctx.n)
    semantic_term = np.where(has_vector, semantic, 0.0)
    lexical_term = weights["lexical"] * ctx.lexical_calibration.z(ctx.lexical, model.z_clip)
    occupation_term = weights["occupation"] * ctx.occupation if ctx.query.profile.wishes.occupations else 0.0
    skills_term = max(weights["skills"], 0.0) if ctx.query.skills.skills else 0.0
    described_term: FloatArray = np.nan_to_num(weights["described_occupation"] * ctx.described_calibration.z(ctx.described, model.z_clip))
    bound: FloatArray = (model.intercept + semantic_term + lexical_term + occupation_term + skills_term + described_term).astype(np.float32)
    return bound
