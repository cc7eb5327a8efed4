"""The quality benchmark's generated set: splits share no occupation, and no seeker declares the answer."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
pytestmark = pytest.mark.skipif(not (SHARED_DATA / "esco-v1.1.1").is_dir(), reason="shared reference data not present")


@pytest.fixture(scope="module")
def graded():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import quality_data as data

        occupations = data.load_occupations(SHARED_DATA)
        places, names = data.load_places(SHARED_DATA), data.isco_labels(SHARED_DATA)
        first = data.build(occupations, places, names, corpus_occupations=300, seekers_per_split=(60, 40, 40), seed=5)
        again = data.build(occupations, places, names, corpus_occupations=300, seekers_per_split=(60, 40, 40), seed=5)
        yield data, first, again
    finally:
        sys.path.remove(str(BENCHMARKS))


def test_splits_share_no_occupation_or_unit_group(graded) -> None:  # type: ignore[no-untyped-def]
    _, first, _ = graded
    splits_of: dict[str, set[str]] = {}
    for seeker in first.seekers:
        splits_of.setdefault(seeker.occupation.uri, set()).add(seeker.split)
        splits_of.setdefault(seeker.occupation.isco, set()).add(seeker.split)
        assert first.split_of_unit_group[seeker.occupation.isco] == seeker.split
    assert all(len(splits) == 1 for splits in splits_of.values())
    assert {seeker.split for seeker in first.seekers} == {"train", "dev", "test"}


def test_declared_wishes_never_name_the_answer(graded) -> None:  # type: ignore[no-untyped-def]
    data, first, _ = graded
    kinds = set()
    for seeker in first.seekers:
        answer = seeker.occupation
        codes = data.wished_codes(seeker.profile)
        assert not {answer.uri, answer.isco, answer.styrk} & set(codes), seeker.key
        labels = {label.casefold() for label in data.wished_labels(seeker.profile)}
        assert not {answer.label_en.casefold(), (answer.label_no or "").casefold()} & labels, seeker.key
        kinds.add(seeker.wish_kind)
    assert kinds == {"none", "broader", "neighbour", "older"}


def test_every_seeker_has_its_occupation_in_the_corpus_and_the_set_is_reproducible(graded) -> None:  # type: ignore[no-untyped-def]
    _, first, again = graded
    assert all(3 in first.grades(seeker) for seeker in first.seekers)
    assert [s.profile for s in first.seekers] == [s.profile for s in again.seekers]
    assert [p.body for p in first.postings] == [p.body for p in again.postings]
