"""Rank postings for a seeker: hard constraints as one mask, retrieval inside it, one vectorised score, fit before stay.

Retrieval is exact with respect to the fit floor. The candidates are
- every allowed posting with a wished occupation or one in the same ISCO minor group,
- the K allowed postings most similar in meaning (FAISS inside the mask), and
- every allowed posting that could still reach the fit floor with a semantic similarity no higher than the K-th one's.
A posting outside all three cannot fit, so the list holds every allowed posting above the floor. K grows until the
third set stays small.

The order is fit first. For a seeker who named occupations, the postings of their field come before any other: the
areas they named (a shared ISCO sub-major group), and occupations their own words clearly describe. Then postings that
clearly fit (a learned fit probability at or above the model's `strong` level) come before those that merely pass the
floor; inside each band the whole score decides, so stay factors and the stay prior re-order postings that fit but
never lift one that does not fit above one that does. A posting of a wished occupation is never below the floor; how
much a wish counts beside the seeker's own words is learned.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from jobmatch.matching.measure import Context, Measured, fit_bound, measure
from jobmatch.matching.weights import FitModel
from jobmatch.vocab import StayFactor

RowArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]
BoolArray = npt.NDArray[np.bool_]
PriorFn = Callable[[RowArray], "tuple[npt.NDArray[np.float32], npt.NDArray[np.object_]] | None"]

DENSE_START = 200
"""Dense candidates at first; multiplied by four while the floor-bound channel is more than four times as large."""
BELOW_FLOOR_SHOWN = 5
DESCRIBED_FIELD_Z = 2.5
"""A posting whose occupation the seeker's own words describe this clearly is in their field, named or not."""
LEXICAL_FIELD_Z = 2.0
"""Without wished occupations, the seeker's field is the postings whose titles share their words this clearly."""


@dataclass(frozen=True)
class Relaxation:
    """What one `must` rule removes from the seeker's field, and what relaxing it would add back."""

    rule: str
    factor: StayFactor
    removed: int
    adds: int
    within_km: float | None = None
    adds_within: int | None = None


@dataclass
class Ranking:
    """The seeker's full ranked list for one index version and corpus generation."""

    key: str
    index_version: str
    generation: int
    ctx: Context
    measured: Measured
    """Every candidate's terms; `order` and `below` index into it."""
    strong: BoolArray
    scores: npt.NDArray[np.float32]
    order: RowArray
    below: RowArray
    prior: PriorFn | None = None
    """The stay prior of any rows, as this ranking measured them (explanations of unlisted postings use it)."""
    relaxations: list[Relaxation] = field(default_factory=list)
    field_total: int = 0
    _positions: dict[int, int] = field(default_factory=dict)
    shown: dict[tuple[int, str], object] = field(default_factory=dict)
    """Items already put in words, by (candidate index, language): paging back and forth costs nothing more."""

    @property
    def total(self) -> int:
        return len(self.order)

    def posting_id(self, index: int) -> int:
        return int(self.ctx.corpus.column("ids", self.ctx.n)[self.measured.rows[index]])

    def position(self, posting_id: int) -> int | None:
        """1-based rank of a posting in the list, or None."""
        if not self._positions:
            ids = self.ctx.corpus.column("ids", self.ctx.n)[self.measured.rows[self.order]]
            self._positions = {int(posting_id): rank for rank, posting_id in enumerate(ids, start=1)}
        return self._positions.get(posting_id)


def candidates(ctx: Context) -> RowArray:
    """Every allowed row that can reach the fit floor (see the module docstring)."""
    allowed = ~ctx.removed
    allowed_count = int(allowed.sum())
    if not allowed_count:
        return np.zeros(0, dtype=np.int64)
    if ctx.query.filters.occupation is not None:  # the request asks for this occupation's postings: all of them
        return np.flatnonzero(allowed)
    chosen = allowed & (ctx.occupation >= 0.5)
    k = DENSE_START
    while True:
        dense_rows, dense_scores = ctx.corpus.dense.search(ctx.query.vector, allowed, min(k, allowed_count), exact=ctx.semantic)
        if len(dense_rows) >= allowed_count:
            chosen[dense_rows] = True
            return np.flatnonzero(chosen)
        ceiling = float(dense_scores[-1]) if len(dense_scores) else 1.0
        reachable = allowed & (fit_bound(ctx, ceiling) >= ctx.model.floor)
        if int(reachable.sum()) <= 4 * k or k >= allowed_count:
            chosen |= reachable
            chosen[dense_rows] = True
            return np.flatnonzero(chosen)
        k *= 4


def outside_field(has_wishes: npt.ArrayLike, occupation: FloatArray, coded: npt.ArrayLike, described: FloatArray) -> BoolArray:
    """Pairs outside the seeker's field: no shared ISCO sub-major group with an occupation they named, and an occupation
    their own words do not clearly describe. Such a posting may fit, but never strongly, and it comes after their field."""
    clearly = np.nan_to_num(described, nan=-np.inf) >= DESCRIBED_FIELD_Z
    outside: BoolArray = np.asarray(has_wishes, dtype=bool) & (occupation <= 0) & np.asarray(coded, dtype=bool) & ~clearly
    return outside


def order_of(ctx: Context, measured: Measured, model: FitModel) -> tuple[BoolArray, npt.NDArray[np.float32], RowArray, RowArray]:
    """Which candidates clearly fit, their scores, the list's order and the best of those below the floor."""
    fit = measured.fit
    occupation = ctx.occupation[measured.rows]
    has_wishes = bool(ctx.query.profile.wishes.occupations)
    wished = (occupation >= 1.0) if has_wishes else np.zeros(len(fit), dtype=bool)
    if ctx.query.filters.occupation is not None:
        wished = np.ones(len(fit), dtype=bool)  # asked for in this request, so wanted
    coded = ctx.corpus.column("n_occupations", ctx.n)[measured.rows] > 0
    outside = outside_field(has_wishes, occupation, coded, measured.raw["described_occupation"])
    strong = (fit >= model.strong) & ~outside
    passes = (fit >= model.floor) | wished
    scores = measured.total()
    ids = ctx.corpus.column("ids", ctx.n)[measured.rows]
    kept = np.flatnonzero(passes)
    order = kept[np.lexsort((ids[kept], -scores[kept], ~strong[kept], outside[kept]))]
    rest = np.flatnonzero(~passes)
    below = rest[np.lexsort((ids[rest], -fit[rest]))][:BELOW_FLOOR_SHOWN]
    return strong, scores, order, below


def field_mask(ctx: Context) -> BoolArray:
    """The postings of the seeker's field: wished or neighbouring occupations, else titles clearly like theirs."""
    if ctx.query.profile.wishes.occupations:
        field_rows = ctx.occupation >= 0.5
    else:
        field_rows = ctx.lexical_calibration.z(ctx.lexical, ctx.model.z_clip) >= LEXICAL_FIELD_Z
    for code in ("inactive", "dismissed"):
        if code in ctx.rules.masks:
            field_rows = field_rows & ~ctx.rules.masks[code]
    return field_rows


def relaxations(ctx: Context) -> tuple[list[Relaxation], int]:
    """Per `must` rule: the field postings it removes, and those only it removes (what relaxing it adds back)."""
    in_field = field_mask(ctx)
    found: list[Relaxation] = []
    for code in ctx.rules.must_codes():
        mask = ctx.rules.masks[code]
        others = np.zeros(ctx.n, dtype=bool)
        for other, other_mask in ctx.rules.masks.items():
            if other != code:
                others |= other_mask
        removed = in_field & mask
        only = removed & ~others
        factor = StayFactor(code.partition(".")[2])
        within_km = adds_within = None
        if factor is StayFactor.COMMUTE and ctx.query.where.points:
            within_km = 2 * ctx.query.where.points[0].max_km
            adds_within = int((only & (ctx.stay.commute_ratio <= 2)).sum())
        found.append(Relaxation(code, factor, int(removed.sum()), int(only.sum()), within_km, adds_within))
    return found, int(in_field.sum())


def rank(ctx: Context, *, key: str, index_version: str, generation: int, prior: PriorFn) -> Ranking:
    rows = candidates(ctx)
    measured = measure(ctx, rows, prior(rows))
    strong, scores, order, below = order_of(ctx, measured, ctx.model)
    found, field_total = relaxations(ctx)
    return Ranking(key=key, index_version=index_version, generation=generation, ctx=ctx, measured=measured, strong=strong,
                   scores=scores, order=order, below=below, prior=prior, relaxations=found, field_total=field_total)
