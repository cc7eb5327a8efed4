"""Every signal of a seeker's request over the whole corpus, and every term of the score for any set of rows.

`Context` holds what is computed once per (seeker, request) over all rows: stay factors, hard-constraint masks,
occupation closeness, lexical similarity and the calibration of both similarities. `measure` turns rows into the
score's terms, as arrays. The list, the explanation and the relaxation counts all read the same context.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from jobmatch.lexical.present import present
from jobmatch.matching.calibration import Calibrated, Calibration, calibrations, described, levels
from jobmatch.matching.closest import Closest, closest, closest_terms, lexical_of
from jobmatch.matching.filters import MatchFilters
from jobmatch.matching.fit import SAME_MINOR_GROUP, SkillStems, occupation_closeness, skills_found, skills_share
from jobmatch.matching.rules import Eligibility, eligibility
from jobmatch.matching.stay import NOT_APPLICABLE, StayArrays, Wherever
from jobmatch.matching.weights import FIT_FEATURES, STAY_PRIOR_WEIGHT, FitModel, stay_weight
from jobmatch.search.corpus import Corpus, CorpusView
from jobmatch.seekers.schemas import SeekerIn
from jobmatch.vocab import Importance, StayFactor

T = TypeVar("T")

FloatArray = npt.NDArray[np.float32]
RowArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

PARALLEL_ROWS = 20_000
"""From this many rows, a request measures on helper threads while it applies the seeker's rules: the semantic
similarity of every row when it needs them all (one call that leaves the GIL), else what the seeker's words are
compared with beyond the rows (calibrations, the lexical pass, the closest postings). The passes over arrays leave the
GIL, so the two cores share one request."""
_HELPERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="jobmatch-similarity")


def at_once(work: Callable[[], T]) -> Callable[[], T]:
    """`work`'s result, computed right away, in the shape `soon` gives it."""
    value = work()
    return lambda: value


def soon(n: int, work: Callable[[], T]) -> Callable[[], T]:
    """`work`'s result when asked for: computed on a helper thread from `PARALLEL_ROWS` rows, else right away."""
    if n < PARALLEL_ROWS:
        return at_once(work)
    return _HELPERS.submit(work).result


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
    skills: BoolArray
    """Per row and seeker skill: whether the posting names it."""
    described: FloatArray
    """Per row: the seeker's similarity to the typical posting of the row's occupations (NaN: no occupation to compare)."""
    described_group: FloatArray
    """Per row: the seeker's similarity to the typical posting of the row's occupations' ISCO minor groups (NaN: none)."""
    closest: Closest | None
    """The occupations and minor groups of the postings that fit the seeker best (`jobmatch.matching.closest`)."""
    closest_occupation: FloatArray
    closest_group: FloatArray
    """Per row: the largest share of those postings with one of its occupations, or one of their minor groups."""
    semantic_calibration: Calibration
    lexical_calibration: Calibration
    described_calibration: Calibration
    group_calibration: Calibration

    semantic_known: FloatArray | None = None
    """The query's similarity to each row this request has measured so far (NaN: not yet)."""
    semantic_pending: Callable[[], FloatArray] | None = None
    """Every row's similarity, being measured on a helper thread."""
    bound_rest: tuple[RowArray, FloatArray, FloatArray] | None = None
    """The rows bounded, and `fit_bound`'s terms of them that do not depend on the semantic ceiling, once computed."""

    @property
    def n(self) -> int:
        return self.view.n

    @cached_property
    def left_out(self) -> bool:
        """Whether the seeker's summary has sentences the similarities do not compare (`jobmatch.lexical.present`)."""
        return present(self.query.profile.summary) != self.query.profile.summary

    def semantic(self, rows: RowArray) -> FloatArray:
        """The query's exact similarity to these rows, each row computed once per request (one pass when most are asked for)."""
        if self.semantic_pending is not None:
            self.semantic_known, self.semantic_pending = self.semantic_pending()[: self.n], None
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


def context(
    corpus: Corpus, query: Query, *, model: FitModel, now: float, reference: Corpus | None = None, calibrated: Calibrated | None = None,
) -> Context:
    """One request's view. `reference` is the served corpus when `corpus` is not (candidate search's one-posting corpus):
    similarities are calibrated, and occupations described, against it; `calibrated` passes calibrations computed before
    (candidate search keeps each seeker's)."""
    reference = reference or corpus
    view = corpus.view()
    n = view.n
    every = np.arange(n, dtype=np.int64)
    semantic = soon(n, lambda: corpus.dense.similarity(query.vector, every)) if few_removed(query) else None  # all will be measured
    measured = levels(reference, query.vector)

    def text_side() -> tuple[Calibrated, FloatArray, Closest | None, tuple[FloatArray, FloatArray]]:
        """What the seeker's words and vector are compared with beyond the rows: computed beside the rules."""
        calibrations_found = calibrated or calibrations(reference, vector=query.vector, terms=query.terms, measured=measured)
        lexical_values = lexical_of(corpus, query.terms, n)
        found = closest(reference, vector=query.vector, terms=query.terms, wished=query.profile.wishes.occupations,
                        calibrated=calibrations_found, levels=measured, model=model,
                        lexical=lexical_values if reference is corpus else None) if query.has_text else None
        return calibrations_found, lexical_values, found, closest_terms(corpus, n, found)

    # Beside the semantic pass (memory-bound, on one helper), a second helper would only contend with it and this thread.
    text = soon(n, text_side) if semantic is None else at_once(text_side)
    stay = StayArrays(corpus, n, query.profile, query.where)
    rules = eligibility(corpus, view, profile=query.profile, stay=stay, importances=query.importances, wanted=query.filters,
                        dismissed=query.dismissed, now=now)
    removed = rules.removed(n)
    occupation = occupation_closeness(corpus, n, query.profile.wishes.occupations)
    measures_all = measures_every_row(query, int((~removed & (occupation < SAME_MINOR_GROUP)).sum()), n)
    if measures_all and semantic is None:
        semantic = soon(n, lambda: corpus.dense.similarity(query.vector, every))
    skills = skills_found(corpus, n, query.skills)
    described_occupation, described_group = described(corpus, n, has_text=query.has_text, reference=reference, levels=measured)
    calibrated, lexical_values, found, (closest_occupation, closest_group) = text()
    semantic_calibration, lexical_calibration, described_calibration, group_calibration = calibrated
    return Context(
        corpus=corpus, view=view, query=query, model=model, stay=stay, rules=rules, removed=removed, occupation=occupation,
        lexical=lexical_values,
        skills=skills,
        described=described_occupation, described_group=described_group,
        semantic_calibration=semantic_calibration, lexical_calibration=lexical_calibration,
        described_calibration=described_calibration, group_calibration=group_calibration,
        closest=found, closest_occupation=closest_occupation, closest_group=closest_group,
        semantic_pending=semantic if measures_all else None,
    )


def few_removed(query: Query) -> bool:
    """Whether the seeker's rules and the request's filters are unlikely to remove most rows: no commute `must` with a
    place, no place or occupation filter (a `must` on extent, hours or the like removes a share, not most)."""
    commute_must = query.importances[StayFactor.COMMUTE] is Importance.MUST and bool(query.where.points)
    return not commute_must and query.filters.municipality is None and query.filters.occupation is None


def measures_every_row(query: Query, rest: int, n: int) -> bool:
    """Whether candidate retrieval measures the semantic similarity of every row: most of the n rows are allowed and not
    candidates by occupation (`rest`), and measuring them all in one pass is cheaper than searching among them."""
    return query.filters.occupation is None and rest * 3 > n


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
    status: dict[str, npt.NDArray[np.int8]]
    """Per stay factor: each row's status (met, unmet, unknown…), for the words."""
    stay: StayArrays
    """Where the stay factors in `deferred` are read from, one row at a time."""
    inert: frozenset[str] = frozenset()
    """Components that add nothing to any row (a weight of 0, or no value, for every row): the sums skip them."""
    deferred: frozenset[str] = frozenset()
    """Stay factors of weight 0: they add nothing to any score, so their value and status are computed only for the rows
    put in words (`value`, `status_of`); their arrays in `raw` and `status` are placeholders."""
    _terms: dict[tuple[str, int], tuple[float, int]] = field(default_factory=dict)

    def value(self, name: str, index: int) -> float:
        """The raw value of one component for `rows[index]`."""
        return self._deferred(name, index)[0] if name in self.deferred else float(self.raw[name][index])

    def status_of(self, name: str, index: int) -> int:
        """The status of one stay factor for `rows[index]`."""
        return self._deferred(name, index)[1] if name in self.deferred else int(self.status[name][index])

    def prepare(self, indices: RowArray) -> None:
        """Compute the deferred factors of these rows at once (the rows of a page about to be put in words)."""
        wanted = np.asarray([index for index in np.unique(indices).tolist()
                             if any((name, index) not in self._terms for name in self.deferred)], dtype=np.int64)
        if not len(wanted):
            return
        for name in self.deferred:
            raw, status = self.stay.at(StayFactor(name), self.rows[wanted])
            for index, value, code in zip(wanted.tolist(), raw.tolist(), status.tolist(), strict=True):
                self._terms[(name, index)] = (float(value), int(code))

    def _deferred(self, name: str, index: int) -> tuple[float, int]:
        found = self._terms.get((name, index))
        if found is None:
            raw, status = self.stay.at(StayFactor(name), self.rows[index : index + 1])
            found = self._terms[(name, index)] = (float(raw[0]), int(status[0]))
        return found

    @cached_property
    def fit(self) -> FloatArray:
        return self._sum(lambda kind: kind == "fit", np.zeros(len(self.rows), dtype=np.float32))

    def total(self) -> FloatArray:
        """The whole score: the fit terms come first in `raw`, so adding the rest onto the fit sums in the same order."""
        return self._sum(lambda kind: kind != "fit", self.fit.copy())

    def _sum(self, chosen: Callable[[str], bool], result: FloatArray) -> FloatArray:
        contribution = np.empty_like(result)
        for name, raw in self.raw.items():
            if chosen(component_kind(name)) and name not in self.inert:
                np.multiply(raw, self.weight[name], out=contribution)
                np.copyto(contribution, np.float32(0.0), where=np.isnan(contribution))
                result += contribution
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
    found = ctx.skills[rows]
    n = len(rows)
    none = every_row(np.nan, n)
    raw: dict[str, FloatArray] = {
        "base": every_row(1.0, n),
        "semantic": semantic_z,
        "lexical": ctx.lexical_calibration.z(lexical, model.z_clip) if query.terms.strip() else none,
        "occupation": ctx.occupation[rows] if query.profile.wishes.occupations else none,
        "skills": skills_share(query.skills, found) if query.skills.skills else none,
        "described_occupation": ctx.described_calibration.z(ctx.described[rows], model.z_clip),
        "described_group": ctx.group_calibration.z(ctx.described_group[rows], model.z_clip),
        "closest_occupation": ctx.closest_occupation[rows] if ctx.closest is not None else none,
        "closest_group": ctx.closest_group[rows] if ctx.closest is not None else none,
    }
    weight = {"base": every_row(model.intercept, n)} | {name: every_row(model.weights[name], n) for name in FIT_FEATURES}
    inert = {name for name, values in raw.items() if values is none}
    status: dict[str, npt.NDArray[np.int8]] = {}
    deferred = set()
    for factor in StayFactor:
        weight[factor.value] = every_row(stay_weight(query.importances[factor]), n)
        if stay_weight(query.importances[factor]) == 0:
            inert.add(factor.value)
            deferred.add(factor.value)
            raw[factor.value], status[factor.value] = none, np.broadcast_to(np.int8(NOT_APPLICABLE), (n,))
        else:
            raw[factor.value], status[factor.value] = ctx.stay.at(factor, rows)
    prior_raw, prior_rate = prior if prior is not None else (none, np.full(n, None, dtype=object))
    raw["stay_prior"] = prior_raw
    weight["stay_prior"] = np.where(np.isnan(prior_raw), 0.0, STAY_PRIOR_WEIGHT).astype(np.float32)
    if prior is None:
        inert.add("stay_prior")
    return Measured(rows=rows, raw=raw, weight=weight, similarity={"semantic": semantic, "lexical": lexical}, status=status,
                    skills_found=found, prior_rate=prior_rate, inert=frozenset(inert), stay=ctx.stay, deferred=frozenset(deferred))


def every_row(value: float, n: int) -> FloatArray:
    """One value for each of n rows: a read-only view of one number, not n copies."""
    view: FloatArray = np.broadcast_to(np.float32(value), (n,))
    return view


def fit_bound(ctx: Context, semantic_ceiling: float | FloatArray, rows: RowArray) -> FloatArray:
    """Per row of `rows`, the highest fit logit it could have if its semantic similarity is at most `semantic_ceiling`
    (one ceiling for every row, or each row's own similarity)."""
    model, weights = ctx.model, ctx.model.weights
    if weights["semantic"] >= 0:
        ceiling = np.asarray(semantic_ceiling, np.float32).reshape(-1)
        semantic = np.float32(weights["semantic"]) * ctx.semantic_calibration.z(ceiling, model.z_clip)
    else:
        semantic = np.asarray([weights["semantic"] * model.z_clip[0]], np.float32)
    rest, has_vector = bound_without_semantic(ctx, rows)
    bound: FloatArray = rest + has_vector * (semantic if len(semantic) > 1 else semantic[0])
    return bound


def bound_without_semantic(ctx: Context, rows: RowArray) -> tuple[FloatArray, FloatArray]:
    """The fit bound's terms of these rows that do not depend on the semantic ceiling (computed once per request: a
    request bounds one set of rows), and where a row has a vector (1.0) for the semantic term to count."""
    if ctx.bound_rest is None or ctx.bound_rest[0] is not rows:
        model, weights = ctx.model, ctx.model.weights
        whole = len(rows) * 2 > ctx.n  # most rows: whole arrays, then one gather, beat a gather per term
        pick: RowArray | slice = slice(None) if whole else rows
        rest = np.float32(model.intercept) + np.float32(weights["lexical"]) * ctx.lexical_calibration.z(ctx.lexical[pick], model.z_clip)
        if ctx.query.profile.wishes.occupations:
            rest += np.float32(weights["occupation"]) * ctx.occupation[pick]
        if ctx.query.skills.skills:  # each row's own share: the skills it names are known for every row
            rest += np.float32(weights["skills"]) * skills_share(ctx.query.skills, ctx.skills[pick])
        for name, values, calibration in (("described_occupation", ctx.described, ctx.described_calibration),
                                          ("described_group", ctx.described_group, ctx.group_calibration)):
            z = calibration.z(values[pick], model.z_clip)
            rest += np.where(np.isnan(z), np.float32(0.0), np.float32(weights[name]) * z)
        if ctx.closest is not None:
            for name, values in (("closest_occupation", ctx.closest_occupation), ("closest_group", ctx.closest_group)):
                picked = values[pick]
                rest += np.where(np.isnan(picked), np.float32(0.0), np.float32(weights[name]) * picked)
        has_vector = ctx.corpus.column("has_vector", ctx.n)[rows].astype(np.float32)
        ctx.bound_rest = (rows, (rest[rows] if whole else rest).astype(np.float32), has_vector)
    return ctx.bound_rest[1], ctx.bound_rest[2]
