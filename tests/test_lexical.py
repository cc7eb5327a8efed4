"""Lexical similarity: Norwegian inflection and compounds, incremental updates, persistence, explanations."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from jobmatch.lexical.normalise import normalise
from jobmatch.lexical.terms import word_similarity
from jobmatch.lexical.tfidf import LexicalIndex

POSTINGS = {
    1: "Sykepleiere til akuttmottak",
    2: "Lastebilsjåfør med C-sertifikat",
    3: "Helsefagarbeider i hjemmetjenesten, 80 % stilling",
    4: "Barnehagelærer til Solsikken barnehage",
    5: "Software developer (Python, PostgreSQL)",
    6: "Kokk til restaurant i sentrum",
    7: "Lærer i ungdomsskolen",
}


@pytest.fixture
def index() -> LexicalIndex:
    return LexicalIndex.fit(list(POSTINGS), list(POSTINGS.values()))


def ranked(index: LexicalIndex, query: str) -> list[int]:
    return [doc_id for doc_id, _ in index.search(query, k=len(POSTINGS))]


def test_normalise_folds_case_and_punctuation_and_keeps_norwegian_letters() -> None:
    assert normalise("  SYKEPLEIER/Helse-fag, Ærlig ØRSTA  Åpen!! ") == "sykepleier helse fag ærlig ørsta åpen"
    assert normalise("ﬁle Ｏｓｌｏ") == "file oslo"


def test_inflected_form_ranks_the_matching_posting_first(index: LexicalIndex) -> None:
    scores = index.scores("sykepleier", [1, 2])
    assert scores[0] > 0.3 > scores[1]
    assert ranked(index, "sykepleier")[0] == 1
    assert ranked(index, "Sykepleieren")[0] == 1


def test_compounds_match_their_parts_and_their_inflections(index: LexicalIndex) -> None:
    assert ranked(index, "helsefagarbeidere")[0] == 3
    assert ranked(index, "helse- og omsorgsarbeider")[0] == 3
    assert ranked(index, "lærer i barnehage")[0] == 4


def test_english_text_works_too(index: LexicalIndex) -> None:
    assert ranked(index, "python developers")[0] == 5


def test_search_returns_at_most_k_best_first_and_leaves_out_unrelated(index: LexicalIndex) -> None:
    hits = index.search("kokk", k=2)
    assert len(hits) <= 2
    assert hits[0][0] == 6
    assert [score for _, score in hits] == sorted((score for _, score in hits), reverse=True)
    assert index.search("zzzzqqqq", k=5) == []
    assert index.search("kokk", k=0) == []


def test_scores_are_cosines_and_unknown_ids_score_zero(index: LexicalIndex) -> None:
    scores = index.scores(POSTINGS[6], [6, 999])
    assert scores[0] == pytest.approx(1.0, abs=1e-5)
    assert scores[1] == 0.0


def test_add_and_remove_between_rebuilds(index: LexicalIndex) -> None:
    index.add([8], ["Sykepleier natt, intensivavdeling"])
    assert 8 in index
    assert set(ranked(index, "sykepleiere")[:2]) == {1, 8}

    index.add([8], ["Rørlegger til servicebil"])  # replacing an id re-indexes it
    assert len(index) == len(POSTINGS) + 1
    assert ranked(index, "rørlegger")[0] == 8
    assert index.scores("sykepleier", [8])[0] < 0.1

    assert index.remove([1, 8, 12345]) == 2
    assert 1 not in index
    assert 8 not in index
    assert 1 not in ranked(index, "sykepleier")
    assert index.scores("sykepleier", [1]).tolist() == [0.0]


def test_duplicate_or_mismatched_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="distinct"):
        LexicalIndex.fit([1, 1], ["a", "b"])
    with pytest.raises(ValueError, match="2 ids for 1 texts"):
        LexicalIndex.fit([1, 2], ["a"])


def test_save_and_load_round_trip(index: LexicalIndex, tmp_path: Path) -> None:
    index.add([8], ["Sykepleier natt, intensivavdeling"])
    index.remove([2])
    path = tmp_path / "lexical.npz"
    index.save(path)

    loaded = LexicalIndex.load(path)

    assert loaded.doc_ids == index.doc_ids
    assert loaded.ngram_range == index.ngram_range
    ids = [*POSTINGS, 8]
    for query in ("sykepleier", "lærer i barnehage", "python"):
        np.testing.assert_allclose(loaded.scores(query, ids), index.scores(query, ids), rtol=1e-6)
        assert loaded.search(query, k=3) == index.search(query, k=3)
    loaded.add([9], ["Kokk i kantine"])  # the loaded idf still weighs new documents
    assert ranked(loaded, "kokker")[:2] in ([6, 9], [9, 6])


def test_load_refuses_other_files(tmp_path: Path) -> None:
    path = tmp_path / "other.npz"
    np.savez(path, header=np.array('{"format": "something else"}'))
    with pytest.raises(ValueError, match="not a jobmatch.lexical"):
        LexicalIndex.load(path)


def test_matched_terms_explain_inflected_and_compound_matches(index: LexicalIndex) -> None:
    assert index.matched_terms("sykepleier", POSTINGS[1]) == ["sykepleier"]
    [match] = index.term_matches("sykepleier", POSTINGS[1])
    assert str(match) == "sykepleier ~ sykepleiere"

    terms = index.matched_terms("erfaren lærer i barnehage", POSTINGS[4])
    assert set(terms) == {"lærer", "barnehage"}  # "erfaren" is not in the posting; "i" explains nothing
    assert index.matched_terms("sykepleier", POSTINGS[2]) == []


def test_matched_terms_put_the_rarer_word_first() -> None:
    texts = ["Kokk til kantine", "Kokk til hotell", "Kokk", "Servitør til restaurant"]
    kitchens = LexicalIndex.fit([1, 2, 3, 4], texts)
    assert kitchens.matched_terms("kokk restaurant", "Kokk til restaurant") == ["restaurant", "kokk"]
    assert kitchens.matched_terms("kokk restaurant", "Kokk til restaurant", top=1) == ["restaurant"]


@pytest.mark.parametrize(
    ("a", "b", "alike"),
    [
        ("sykepleier", "sykepleiere", True),
        ("sykepleier", "sykepleierne", True),
        ("lærer", "barnehagelærer", True),
        ("lærere", "barnehagelærer", True),
        ("helsefagarbeider", "helsefagarbeidere", True),
        ("lege", "overlege", True),
        ("kokk", "sjåfør", False),
        ("mann", "menn", False),
        ("data", "kandidatarbeid", False),
    ],
)
def test_word_similarity(a: str, b: str, alike: bool) -> None:
    assert (word_similarity(a, b) > 0) is alike
