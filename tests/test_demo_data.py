"""The demo data is large, varied, valid and deterministic."""

from __future__ import annotations

from datetime import UTC, datetime

from jobmatch.demo.generator import demo_postings, demo_seekers
from jobmatch.vocab import OccupationSystem, PostingStatus

_DATES = {"published_at", "expires_at", "application_due"}


def test_enough_postings() -> None:
    assert len(demo_postings()) >= 300


def test_many_distinct_occupations() -> None:
    codes = {
        occupation.code
        for posting in demo_postings()
        for occupation in posting.occupations
        if occupation.system is OccupationSystem.STYRK08
    }
    assert len(codes) >= 30
    assert all(len(code) == 4 and code.isdigit() for code in codes)


def test_many_distinct_municipalities() -> None:
    codes = {location.municipality_code for posting in demo_postings() for location in posting.locations}
    codes.discard(None)
    assert len(codes) >= 20


def test_external_ids_are_unique_demo_ids() -> None:
    postings = demo_postings()
    ids = [posting.external_id for posting in postings]
    assert len(set(ids)) == len(ids)
    assert all(posting.source == "demo" and posting.external_id.startswith("demo-") for posting in postings)


def test_active_postings_are_current_and_a_few_are_expired() -> None:
    now = datetime.now(UTC)
    postings = demo_postings(now)
    expired = [posting for posting in postings if posting.status is PostingStatus.INACTIVE]
    assert 1 <= len(expired) <= 10
    for posting in postings:
        assert posting.published_at is not None
        assert posting.expires_at is not None
        assert posting.published_at < now
        assert (posting.expires_at < now) == (posting.status is PostingStatus.INACTIVE)


def test_twelve_seekers_all_with_stay_factors() -> None:
    seekers = demo_seekers()
    assert len(seekers) == 12
    assert all(seeker.stay_factors for seeker in seekers)
    assert all(seeker.wishes.occupations for seeker in seekers)


def test_postings_are_deterministic_apart_from_dates() -> None:
    first = [posting.model_dump(exclude=_DATES) for posting in demo_postings()]
    second = [posting.model_dump(exclude=_DATES) for posting in demo_postings()]
    assert first == second


def test_postings_are_identical_for_the_same_now() -> None:
    now = datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert demo_postings(now) == demo_postings(now)


def test_seekers_are_deterministic() -> None:
    assert demo_seekers() == demo_seekers()
