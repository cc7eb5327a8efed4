"""One posting against every seeker: the matching rules and the score's terms as arrays over the seeker side.

Each rule is the one the seeker's own list applies (`matching.stay`, `matching.rules`, `matching.fit`), evaluated with
the posting's values on one side and a column of seekers on the other. Things a seeker has several of are evaluated
once per distinct value against the posting and spread to their owners. The caller's visibility is one more mask.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from jobmatch.auth.principal import Principal, Role
from jobmatch.candidates.side import FACTORS, IMPORTANCES, SeekerView
from jobmatch.candidates.tuning import CLOSEST_KINDS
from jobmatch.geo.service import haversine_km
from jobmatch.matching.calibration import zscore
from jobmatch.matching.fit import occupation_closeness, stems_found
from jobmatch.matching.ranking import outside_field
from jobmatch.matching.rules import Exclusion, excluded_rows
from jobmatch.matching.stay import choice_terms, commute_terms, hours_terms, salary_terms, violates_must
from jobmatch.matching.weights import FIT_FEATURES, FitModel, stay_weight
from jobmatch.postings.schemas import Occupation
from jobmatch.search.corpus import Corpus, minor_group
from jobmatch.search.dense import inner_products
from jobmatch.search.facts import REMOTES, enum_code
from jobmatch.vocab import Importance, OccupationSystem, Remote, StayFactor

FloatArray = npt.NDArray[np.float32]
RowArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

CHOICE_COLUMNS = {StayFactor.PERMANENT: "engagement", StayFactor.EXTENT: "extent", StayFactor.REMOTE: "remote",
                  StayFactor.SECTOR: "sector"}
MUST = IMPORTANCES.index(Importance.MUST)
STAY_WEIGHTS = np.asarray([stay_weight(importance) for importance in IMPORTANCES], dtype=np.float32)


def visible(view: SeekerView, principal: Principal) -> BoolArray:
    """The live seekers this caller may find: caseworkers see their units' and their own; nobody else sees anyone."""
    if principal.role is not Role.CASEWORKER:
        return np.zeros(view.n, dtype=bool)
    units = [code for unit in principal.units if (code := view.side.vocabs["units"].get(unit)) is not None]
    mine = view.side.vocabs["caseworkers"].get(principal.subject)
    allowed = np.isin(view.column("unit"), units) | (view.column("caseworker") == (-2 if mine is None else mine))
    if not principal.protected_access:
        allowed &= ~view.column("protected")
    found: BoolArray = view.alive & allowed
    return found


def _owned(table: dict[str, npt.NDArray[np.int64]], rows: BoolArray) -> BoolArray:
    return rows[table["owner"]]


def excluded(view: SeekerView, posting: Corpus, rows: BoolArray) -> BoolArray:
    """Seekers among `rows` with a `not_for_me` entry that removes the posting."""
    table = view.table("exclusions")
    inside = _owned(table, rows)
    ids = np.unique(table["exclusion"][inside])
    hits = [int(i) for i in ids if excluded_rows(posting, 1, Exclusion(*view.side.exclusion_of[int(i)]))[0]]
    result = np.zeros(view.n, dtype=bool)
    result[table["owner"][inside & np.isin(table["exclusion"], hits)]] = True
    return result


def commute_ratios(view: SeekerView, posting: Corpus, rows: BoolArray) -> FloatArray:
    """Per seeker: min over their wished places and the posting's places of distance ÷ the wish's limit."""
    best = np.full(view.n, np.nan, dtype=np.float32)
    table = view.table("points")
    inside = _owned(table, rows)
    owner, lats, lons, limits = table["owner"][inside], table["lat"][inside], table["lon"][inside], table["max_km"][inside]
    places = [(float(posting.value("lat", 0)), float(posting.value("lon", 0)))]
    places += list(zip(posting.extra_points["lat"].view().tolist(), posting.extra_points["lon"].view().tolist(), strict=True))
    for lat, lon in places:
        if not np.isnan(lat) and len(owner):
            np.fmin.at(best, owner, haversine_km(lat, lon, lats, lons) / limits)
    return best


StatusArray = npt.NDArray[np.int8]


def stay_terms(view: SeekerView, posting: Corpus, rows: BoolArray) -> tuple[dict[StayFactor, FloatArray], dict[StayFactor, StatusArray]]:
    """Every stay factor of the posting for every seeker (meaningful where `rows`)."""
    raw, status = {}, {}
    fully_remote = int(posting.value("remote", 0)) == enum_code(Remote.REMOTE, REMOTES)
    raw[StayFactor.COMMUTE], status[StayFactor.COMMUTE] = commute_terms(commute_ratios(view, posting, rows), view.column("stated"),
                                                                        fully_remote)
    for factor, column in CHOICE_COLUMNS.items():
        raw[factor], status[factor] = choice_terms(int(posting.value(column, 0)), view.column(f"bits_{factor.value}"))
    raw[StayFactor.WORK_HOURS], status[StayFactor.WORK_HOURS] = hours_terms(int(posting.value("hours", 0)),
                                                                            view.column(f"bits_{StayFactor.WORK_HOURS.value}"))
    raw[StayFactor.SALARY], status[StayFactor.SALARY] = salary_terms(
        int(posting.value("salary_kind", 0)), float(posting.value("salary", 0)), view.column("min_salary"))
    return raw, status


def breaks_a_must(view: SeekerView, status: dict[StayFactor, StatusArray]) -> BoolArray:
    broken = np.zeros(view.n, dtype=bool)
    for factor in FACTORS:
        broken |= (view.column(f"importance_{factor.value}") == MUST) & violates_must(factor, status[factor])
    return broken


def occupation_terms(view: SeekerView, posting: Corpus, rows: BoolArray) -> FloatArray:
    """Per seeker: the best closeness of the posting's occupations to any occupation they wish for."""
    result = np.zeros(view.n, dtype=np.float32)
    table = view.table("occupations")
    inside = _owned(table, rows)
    wishes = np.unique(table["wish"][inside])
    terms = view.side.vocabs["occupations"].terms
    closeness = np.zeros(len(terms), dtype=np.float32)
    for wish in wishes.tolist():
        system, _, code = terms[wish].partition(":")
        closeness[wish] = occupation_closeness(posting, 1, [Occupation(system=OccupationSystem(system), code=code)])[0]
    np.maximum.at(result, table["owner"][inside], closeness[table["wish"][inside]])
    return result


def skills_terms(view: SeekerView, posting: Corpus, rows: BoolArray) -> FloatArray:
    """Per seeker: the weighted share of their skills the posting names (a skill counts when each of its words does)."""
    skills, links = view.table("skills"), view.table("skill_stems")
    linked = _owned(skills, rows)[links["skill"]]
    stems = np.unique(links["stem"][linked])
    vocab = view.side.vocabs["stems"].terms
    found_stem = np.zeros(len(vocab), dtype=bool)
    found_stem[stems] = stems_found(posting, 1, [vocab[i] for i in stems.tolist()], np.zeros(1, dtype=np.int64))[0]
    n_skills = len(skills["owner"])
    found_words = np.bincount(links["skill"][linked], weights=found_stem[links["stem"][linked]], minlength=n_skills)
    found = (found_words == skills["stems"]) & (skills["stems"] > 0) & _owned(skills, rows)
    share = np.bincount(skills["owner"][found], weights=skills["weight"][found], minlength=view.n)
    total = view.column("skill_total")
    return np.where(total > 0, share / np.maximum(total, 1e-30), 0.0).astype(np.float32)


def lexical_terms(view: SeekerView, posting: Corpus) -> FloatArray:
    """Per seeker: their lexical query (in the tuned version's vocabulary) against the posting's lexical row.

    Each seeker's sum runs over their query's terms in the order the posting side's inverted index adds them, in float32.
    """
    by_column = sp.csc_matrix(posting.sparse["lexical_rows"].take(np.zeros(1, dtype=np.int64)))  # one row, as columns
    cols = np.flatnonzero(np.diff(by_column.indptr))
    posting_row = np.zeros(view.tuned.vocabulary, dtype=np.float32)
    inside = cols < len(posting_row)
    posting_row[cols[inside]] = np.asarray(by_column.data, dtype=np.float32)[inside]
    values: FloatArray = np.asarray(view.lexical_queries() @ posting_row, dtype=np.float32)
    return values


@dataclass(frozen=True)
class Ranked:
    """The seeker rows for whom the posting fits, best first, and how many seekers the caller may find."""

    rows: RowArray
    considered: int


def rank(view: SeekerView, posting: Corpus, *, principal: Principal, dismissed: BoolArray, model: FitModel, now: float) -> Ranked:
    """Every visible seeker who passes their own hard constraints for the posting and for whom it fits, in list order."""
    rows = visible(view, principal)
    considered = int(rows.sum())
    live = posting.view()
    if not live.n or not live.alive[0] or float(posting.value("expires", 0)) <= now:
        return Ranked(np.zeros(0, dtype=np.int64), considered)
    rows &= ~dismissed & ~excluded(view, posting, rows)
    stay_raw, stay_status = stay_terms(view, posting, rows)
    rows &= ~breaks_a_must(view, stay_status)
    eligible = np.flatnonzero(rows)
    if not len(eligible):
        return Ranked(eligible, considered)
    raw = fit_raw(view, posting, rows, eligible, model)
    raw |= {factor.value: stay_raw[factor][eligible] for factor in FACTORS}
    weight = {"base": np.full(len(eligible), model.intercept, np.float32)}
    weight |= {name: np.full(len(eligible), model.weights[name], np.float32) for name in FIT_FEATURES}
    weight |= {factor.value: STAY_WEIGHTS[view.column(f"importance_{factor.value}")[eligible]] for factor in FACTORS}
    fit = np.zeros(len(eligible), dtype=np.float32)
    score = np.zeros(len(eligible), dtype=np.float64)
    for name, values in raw.items():  # in the order `measure` and `Scored.score` add the terms, in their precision
        if name == "base" or name in FIT_FEATURES:
            fit += np.nan_to_num(values * weight[name], nan=0.0)
        score += np.where(np.isnan(values), 0.0, values.astype(np.float64) * weight[name].astype(np.float64))
    has_wishes = view.column("has_occupations")[eligible]
    wished = has_wishes & (raw["occupation"] >= 1.0)
    passes = (fit >= model.floor) | wished
    outside = outside_field(has_wishes, raw["occupation"], int(posting.value("n_occupations", 0)) > 0, raw["described_occupation"],
                            raw["closest_occupation"])
    strong = (fit >= model.strong) & ~outside
    kept = np.flatnonzero(passes)
    score = np.round(score, 6)
    order = kept[np.lexsort((view.column("id_lo")[eligible][kept], view.column("id_hi")[eligible][kept], -score[kept], ~strong[kept],
                             outside[kept]))]
    return Ranked(eligible[order], considered)


def fit_raw(view: SeekerView, posting: Corpus, rows: BoolArray, eligible: RowArray, model: FitModel) -> dict[str, FloatArray]:
    """The fit features of the posting for the eligible seekers, NaN where a feature does not apply."""
    nan = np.full(len(eligible), np.nan, dtype=np.float32)
    semantic = nan.copy()
    if bool(posting.value("has_vector", 0)) and view.side.vectors is not None:
        similarity = inner_products(view.side.vectors.view(view.n)[eligible], posting.dense.vectors.view()[0])
        semantic = zscore(similarity, view.tuned_column("semantic_mean")[eligible].astype(np.float32),
                          view.tuned_column("semantic_spread")[eligible].astype(np.float32), model.z_clip)
        semantic[~view.column("has_text")[eligible]] = np.nan
    lexical = zscore(lexical_terms(view, posting)[eligible], view.tuned_column("lexical_mean")[eligible].astype(np.float32),
                     view.tuned_column("lexical_spread")[eligible].astype(np.float32), model.z_clip)
    lexical[~view.column("has_terms")[eligible]] = np.nan
    occupation = occupation_terms(view, posting, rows)[eligible]
    occupation[~view.column("has_occupations")[eligible]] = np.nan
    skills = skills_terms(view, posting, rows)[eligible]
    skills[~view.column("has_skills")[eligible]] = np.nan
    described = {name: nan.copy() for name in DESCRIBED}
    if view.side.vectors is not None:
        served = view.tuned.snapshot.corpus
        for name, (direction, tuned) in DESCRIBED.items():
            centroids = direction(posting, served)
            if centroids is not None:
                similarity = described_of(view.side.vectors.view(view.n)[eligible], *centroids)
                described[name] = zscore(similarity, view.tuned_column(f"{tuned}_mean")[eligible].astype(np.float32),
                                         view.tuned_column(f"{tuned}_spread")[eligible].astype(np.float32), model.z_clip)
                described[name][~view.column("has_text")[eligible]] = np.nan
    return {"base": np.ones(len(eligible), dtype=np.float32), "semantic": semantic, "lexical": lexical, "occupation": occupation,
            "skills": skills, **described, **closest_raw(view, posting, eligible, model)}


def closest_raw(view: SeekerView, posting: Corpus, eligible: RowArray, model: FitModel) -> dict[str, FloatArray]:
    """Per eligible seeker: the largest share of their closest postings with one of the posting's occupations, and with
    one of their minor groups (NaN: the posting has no occupation, or the seeker no closest postings)."""
    n = view.n
    if model.closest is None or not posting.view().n:
        nan = np.full(len(eligible), np.nan, dtype=np.float32)
        return {"closest_occupation": nan, "closest_group": nan.copy()}
    keys = posting.occupation_keys(0)
    groups = {minor_group(key) for key in keys} - {None}
    wanted = ([view.tuned.keys.get(key) for key in keys], [view.tuned.keys.get(str(group)) for group in groups])
    table = view.tuned.closest
    count = view.counts["closest"]
    owner, kind, key, share = (table[name].view(count) for name in ("owner", "kind", "key", "share"))
    found = {}
    applies = (view.tuned_column("has_closest") > 0) & (int(posting.value("n_occupations", 0)) > 0)
    for index, kind_name in enumerate(CLOSEST_KINDS):
        name = f"closest_{kind_name}"
        values = np.where(applies, np.float32(0.0), np.float32(np.nan)).astype(np.float32)
        ids = np.asarray([i for i in wanted[index] if i is not None], dtype=np.int64)
        hit = (kind == index) & np.isin(key, ids) & (owner < n)
        np.maximum.at(values, owner[hit], share[hit])
        found[name] = values[eligible]
    return found


def _posting_columns(posting: Corpus, served: Corpus, known: BoolArray) -> list[int]:
    """The posting's occupation columns in the served vocabulary that have a centroid (`known`), in column order."""
    terms = posting.occupation_keys(0) if posting.view().n else []
    cols = sorted(col for term in terms if (col := served.vocabs["occupations"].get(term)) is not None and col < len(known))
    return [col for col in cols if known[col]]


def described_direction(posting: Corpus, served: Corpus) -> tuple[FloatArray, int] | None:
    """The centroids, in the served corpus, of the posting's occupations that have one (in the served vocabulary's order)."""
    centroids = served.occupation_centroids()
    chosen = _posting_columns(posting, served, served.occupation_known())
    return (centroids[chosen], len(chosen)) if chosen else None


def group_direction(posting: Corpus, served: Corpus) -> tuple[FloatArray, int] | None:
    """The centroids, in the served corpus, of the posting's occupations' ISCO minor groups, one per occupation column
    that has one (in the served vocabulary's order, as the seeker's own list sums them)."""
    groups = served.groups()
    chosen = _posting_columns(posting, served, groups.column_known)
    return (groups.centroids[groups.of_column[chosen]], len(chosen)) if chosen else None


DESCRIBED = {"described_occupation": (described_direction, "described"), "described_group": (group_direction, "group")}
"""The described features: how the posting's centroids are found, and the name of the seeker's tuned calibration."""


def described_of(vectors: FloatArray, centroids: FloatArray, count: int) -> FloatArray:
    """Each seeker's mean similarity to the centroids, summed in the order the seeker's own list sums them (float32)."""
    total = np.zeros(len(vectors), dtype=np.float32)
    for centroid in centroids:
        total += inner_products(vectors, centroid)
    described: FloatArray = (total / np.float32(count)).astype(np.float32)
    return described
