"""Rank postings for a seeker: hard constraints as one mask, retrieval inside it, one vectorised score, fit before stay.

Retrieval is exact with respect to the fit floor. The candidates are
- every allowed posting with a wished occupation or one in the same ISCO minor group,
- the K allowed postings most similar in meaning (FAISS inside the mask), and
- every allowed posting that could still reach the fit floor with a semantic similarity no higher than the K-th one's.
A posting outside all three cannot fit, so the list holds every allowed posting above the floor. K grows until the
third set stays small.

The order is fit first. For a seeker who named occupations, the postings of their field come before any other: the
occupation groups they named (a shared ISCO minor group), and occupations their own words clearly describe (close to
the occupation's typical ad, or shared by most of the postings that fit them best). Then postings that
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

from jobmatch.matching.fit import SAME_MINOR_GROUP
from jobmatch.matching.measure import Context, Measured, bound_without_semantic, fit_bound, measure, measures_every_row
from jobmatch.matching.weights import FitModel
from jobmatch.vocab import StayFactor

RowArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]
BoolArray = npt.NDArray[np.bool_]
PriorFn = Callable[[RowArray], "tuple[npt.NDArray[np.float32], npt.NDArray[np.object_]] | None"]

DENSE_START = 200
"""Dense candidates at first; multiplied by four while the floor-bound channel is more than four times as large."""
BELOW_FLOOR_SHOWN = 5
BOUND_MARGIN = 1e-4
"""Rounding room: a row whose bound falls short of the floor by less than this is still a candidate."""
DESCRIBED_FIELD_Z = 2.5
"""A posting whose occupation the seeker's own words describe this clearly is in their field, named or not."""
CLOSEST_FIELD_SHARE = 0.5
"""A posting with the occupation of at least this share of the postings that fit the seeker best is in their field."""
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


BAND = 1e6
"""The order's bands (in the field, then strongly fitting) as steps of a sort key far larger than any score."""
FIRST_SORTED = 256
"""Rows put in order on the first request; a page further down sorts a prefix twice as long, the whole list at most once."""


@dataclass
class Ranking:
    """The seeker's full ranked list for one index version and corpus generation.

    The list is sorted lazily: a first page needs only its prefix in order (partitioned, then sorted), deeper pages
    and explanations extend it.
    """

    key: str
    index_version: str
    generation: int
    ctx: Context
    measured: Measured
    """Every candidate's terms; `kept`, `order` and `below` index into it."""
    strong: BoolArray
    scores: npt.NDArray[np.float32]
    kept: RowArray
    """The candidates in the list, unordered."""
    sort_key: npt.NDArray[np.float64]
    """Per kept candidate: band × BAND − score (ascending is the list's order; ties go to the lower posting id)."""
    below: RowArray
    prior: PriorFn | None = None
    """The stay prior of any rows, as this ranking measured them (explanations of unlisted postings use it)."""
    relaxations: list[Relaxation] = field(default_factory=list)
    field_total: int = 0
    _sorted: RowArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    shown: dict[tuple[int, str], object] = field(default_factory=dict)
    """Items already put in words, by (candidate index, language): paging back and forth costs nothing more."""

    @property
    def total(self) -> int:
        return len(self.kept)

    @property
    def order(self) -> RowArray:
        """The whole list in order (candidate indices)."""
        return self.ordered(self.total)

    def ordered(self, upto: int) -> RowArray:
        """At least the first `upto` of the list in order (all of it when `upto` reaches the end)."""
        done = self._sorted
        if len(done) >= min(upto, self.total):
            return done
        ids = self.ctx.corpus.column("ids", self.ctx.n)[self.measured.rows[self.kept]]
        done = self._sorted = self.kept[sorted_prefix(self.sort_key, ids, max(upto, 2 * len(done), FIRST_SORTED))]
        return done

    def posting_id(self, index: int) -> int:
        return int(self.ctx.corpus.column("ids", self.ctx.n)[self.measured.rows[index]])

    def place(self, posting_id: int) -> tuple[int, int] | None:
        """The posting's 1-based rank in the list and its candidate index, or None: counted, not sorted."""
        ids = self.ctx.corpus.column("ids", self.ctx.n)[self.measured.rows[self.kept]]
        found = np.flatnonzero(ids == posting_id)
        if not len(found):
            return None
        at = int(found[0])
        key = self.sort_key[at]
        rank = int((self.sort_key < key).sum()) + int(((self.sort_key == key) & (ids < posting_id)).sum()) + 1
        return rank, int(self.kept[at])


def sorted_prefix(keys: npt.NDArray[np.float64], ids: npt.NDArray[np.int64], wanted: int) -> RowArray:
    """Positions of the `wanted` smallest (key, id) pairs, in order: the rows whose key is at most the wanted-th smallest
    (ties at the edge included) are found by partition, then only they are sorted."""
    if wanted >= len(keys):
        head = np.arange(len(keys))
    else:
        head = np.flatnonzero(keys <= np.partition(keys, wanted - 1)[wanted - 1])
    prefix: RowArray = head[np.lexsort((ids[head], keys[head]))][:wanted].astype(np.int64)
    return prefix


def candidates(ctx: Context) -> RowArray:
    """Every allowed row that can reach the fit floor (see the module docstring)."""
    allowed = ~ctx.removed
    if not allowed.any():
        return np.zeros(0, dtype=np.int64)
    if ctx.query.filters.occupation is not None:  # the request asks for this occupation's postings: all of them
        return np.flatnonzero(allowed)
    chosen = allowed & (ctx.occupation >= SAME_MINOR_GROUP)
    rest = allowed & ~chosen  # the dense channel and the bound look only at rows not already candidates
    rest_rows = np.flatnonzero(rest)
    if measures_every_row(ctx.query, len(rest_rows), ctx.n):
        bound_without_semantic(ctx, rest_rows)  # while a helper thread may still be measuring the similarities
        similarity = ctx.semantic(rest_rows)
        chosen[rest_rows[fit_bound(ctx, similarity, rest_rows) >= ctx.model.floor - BOUND_MARGIN]] = True
        return np.flatnonzero(chosen)
    k = DENSE_START
    while len(rest_rows):
        dense_rows, dense_scores = ctx.corpus.dense.search(ctx.query.vector, rest, min(k, len(rest_rows)), exact=ctx.semantic)
        chosen[dense_rows] = True
        if len(dense_rows) >= len(rest_rows):
            break
        ceiling = float(dense_scores[-1]) if len(dense_scores) else 1.0
        reachable = rest_rows[fit_bound(ctx, ceiling, rest_rows) >= ctx.model.floor - BOUND_MARGIN]
        if len(reachable) <= 4 * k or k >= len(rest_rows):
            chosen[reachable] = True
            break
        k *= 4
    return np.flatnonzero(chosen)


def outside_field(has_wishes: npt.ArrayLike, occupation: FloatArray, coded: npt.ArrayLike, described: FloatArray,
                  closest: FloatArray) -> BoolArray:
    """Pairs outside the seeker's field: no shared ISCO minor group with an occupation they named, and an occupation
    their own words do not clearly describe (neither close to its typical ad, nor the occupation of most of the postings
    that fit them best). Such a posting may fit, but never strongly, and it comes after their field.

    A sub-major group is too wide a field: for a nurse it holds pharmacists and doctors, work a nurse cannot take, which
    would then come before a health care assistant's post the fit rates far higher."""
    clearly = (np.nan_to_num(described, nan=-np.inf) >= DESCRIBED_FIELD_Z) | (np.nan_to_num(closest, nan=0.0) >= CLOSEST_FIELD_SHARE)
    named = occupation >= SAME_MINOR_GROUP
    outside: BoolArray = np.asarray(has_wishes, dtype=bool) & ~named & np.asarray(coded, dtype=bool) & ~clearly
    return outside


def bands(ctx: Context, measured: Measured, model: FitModel) -> tuple[BoolArray, npt.NDArray[np.float32], RowArray,
                                                                       npt.NDArray[np.float64], RowArray]:
    """Which candidates clearly fit, their scores, those in the list with their sort keys, and the best below the floor."""
    fit = measured.fit
    occupation = ctx.occupation[measured.rows]
    has_wishes = bool(ctx.query.profile.wishes.occupations)
    wished = (occupation >= 1.0) if has_wishes else np.zeros(len(fit), dtype=bool)
    if ctx.query.filters.occupation is not None:
        wished = np.ones(len(fit), dtype=bool)  # asked for in this request, so wanted
    coded = ctx.corpus.column("n_occupations", ctx.n)[measured.rows] > 0
    outside = outside_field(has_wishes, occupation, coded, measured.raw["described_occupation"], measured.raw["closest_occupation"])
    strong = (fit >= model.strong) & ~outside
    passes = (fit >= model.floor) | wished
    scores = measured.total()
    kept: RowArray = np.flatnonzero(passes).astype(np.int64)
    band = 2.0 * outside[kept] + ~strong[kept]
    sort_key: npt.NDArray[np.float64] = (band * BAND - scores[kept].astype(np.float64)).astype(np.float64)
    rest = np.flatnonzero(~passes)
    if len(rest) > BELOW_FLOOR_SHOWN:  # only the best few are shown: those at or above the few-th best fit, ties included
        rest = rest[fit[rest] >= -np.partition(-fit[rest], BELOW_FLOOR_SHOWN - 1)[BELOW_FLOOR_SHOWN - 1]]
    ids = ctx.corpus.column("ids", ctx.n)[measured.rows[rest]]
    below: RowArray = rest[np.lexsort((ids, -fit[rest]))][:BELOW_FLOOR_SHOWN].astype(np.int64)
    return strong, scores, kept, sort_key, below


def order_of(ctx: Context, measured: Measured, model: FitModel) -> tuple[BoolArray, npt.NDArray[np.float32], RowArray, RowArray]:
    """Which candidates clearly fit, their scores, the whole list's order and the best below the floor (all sorted at once)."""
    strong, scores, kept, sort_key, below = bands(ctx, measured, model)
    ids = ctx.corpus.column("ids", ctx.n)[measured.rows[kept]]
    return strong, scores, kept[np.lexsort((ids, sort_key))], below


def field_mask(ctx: Context) -> BoolArray:
    """The postings of the seeker's field: wished or neighbouring occupations, else titles clearly like theirs."""
    if ctx.query.profile.wishes.occupations:
        field_rows = ctx.occupation >= SAME_MINOR_GROUP
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
    strong, scores, kept, sort_key, below = bands(ctx, measured, ctx.model)
    found, field_total = relaxations(ctx)
    return Ranking(key=key, index_version=index_version, generation=generation, ctx=ctx, measured=measured, strong=strong,
                   scores=scores, kept=kept, sort_key=sort_key, below=below, prior=prior, relaxations=found,
                   field_total=field_total)
