"""A commute ratio read for some rows is the same number as the whole column's, extra locations included."""

from __future__ import annotations

import numpy as np

from jobmatch.matching.stay import StayArrays, Wherever, WishPoint, commute_ratios, violates_must
from jobmatch.search.corpus import Corpus
from jobmatch.search.facts import REMOTES, enum_code
from jobmatch.seekers.schemas import SeekerIn
from jobmatch.vocab import Remote, StayFactor
from tests.factories import seeker_body
from tests.test_closest import corpus  # noqa: F401 (the fixture)


def test_the_ratios_of_some_rows_are_the_columns_own(corpus: tuple[Corpus, dict[str, int]]) -> None:  # noqa: F811
    served, _ = corpus
    n = served.view().n
    rng = np.random.default_rng(3)
    served.columns["lat"].view(n)[:] = rng.uniform(58.0, 70.0, n).astype(np.float32)
    served.columns["lon"].view(n)[:] = rng.uniform(5.0, 30.0, n).astype(np.float32)
    served.columns["lat"].view(n)[n - 1] = np.nan  # a posting with no place
    for row, lat, lon in ((1, 60.39, 5.32), (1, 59.91, 10.75), (4, 69.65, 18.96)):  # postings with more than one place
        served.extra_points["row"].append([row])
        served.extra_points["lat"].append([lat])
        served.extra_points["lon"].append([lon])
    where = Wherever((WishPoint(60.39, 5.32, 30.0, "5003"), WishPoint(69.65, 18.96, 50.0, "9008")), stated=True, first_limit_km=30.0)
    every = commute_ratios(served, n, where)
    assert every[1] < 1e-3  # its extra place is the wish itself (float32 coordinates)
    assert every[4] < 1e-3
    assert np.isnan(every[n - 1])
    for rows in (np.arange(n, dtype=np.int64), np.asarray([1, 4, n - 1], dtype=np.int64), np.asarray([0, 2, 3], dtype=np.int64),
                 np.zeros(0, dtype=np.int64)):
        np.testing.assert_array_equal(commute_ratios(served, n, where, rows), every[rows])
    profile = SeekerIn.model_validate(seeker_body())
    lazy, whole = StayArrays(served, n, profile, where), StayArrays(served, n, profile, where)
    rows = np.asarray([0, 1, 4, n - 1], dtype=np.int64)
    for got, want in zip(lazy.at(StayFactor.COMMUTE, rows), whole.every(StayFactor.COMMUTE), strict=True):
        np.testing.assert_array_equal(got, want[rows])
    served.columns["remote"].view(n)[0] = enum_code(Remote.REMOTE, REMOTES)  # a fully remote job meets any commute
    broken = StayArrays(served, n, profile, where).broken(StayFactor.COMMUTE)
    statuses = StayArrays(served, n, profile, where).every(StayFactor.COMMUTE)[1]
    np.testing.assert_array_equal(broken, violates_must(StayFactor.COMMUTE, statuses))
    assert not broken[0]
    assert not broken[n - 1]  # no place: unknown, not broken
    assert broken.any()
    unstated = Wherever((), stated=False, first_limit_km=30.0)
    assert not StayArrays(served, n, profile, unstated).broken(StayFactor.COMMUTE).any()


def test_where_a_must_is_broken_is_read_without_every_rows_terms(corpus: tuple[Corpus, dict[str, int]]) -> None:  # noqa: F811
    """`StayArrays.broken` (a table of every one-byte code, or the commute's distance ratio) marks the same rows as
    `violates_must` over every row's status."""
    served, _ = corpus
    n = served.view().n
    rng = np.random.default_rng(5)
    for name in ("extent", "engagement", "remote", "sector"):
        served.columns[name].view(n)[:] = rng.integers(0, 4, n).astype(np.int8)
    served.columns["hours"].view(n)[:] = rng.integers(0, 32, n).astype(np.uint8)
    wishes = {"occupations": [], "locations": [], "extent": "part_time", "engagement_types": ["permanent", "temporary"],
              "remote": ["remote"], "sectors": ["public"], "work_hours": ["day", "weekend"], "min_salary_nok": 500_000}
    profile = SeekerIn.model_validate(seeker_body(wishes=wishes))
    where = Wherever((), stated=False, first_limit_km=30.0)
    for factor in StayFactor:
        broken = StayArrays(served, n, profile, where).broken(factor)
        np.testing.assert_array_equal(broken, violates_must(factor, StayArrays(served, n, profile, where).every(factor)[1]))
    assert StayArrays(served, n, profile, where).broken(StayFactor.EXTENT).any()
