"""Lexical similarity: Norwegian inflection and compounds, incremental updates, persistence, explanations."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from jobmatch.lexical.normalise import normalise
from jobmatch.lexical.terms import word_similarity
from jobmatch.lexical.tfidf import LexicalModel
from jobmatch.search.rows import SparseRows

POSTINGS = {
    1: "Sykepleiere til akuttmottak",
    2: "Lastebilsjåfør med C-sertifikat",
    3: "Helsefagarbeider i hjemmetjenesten, 80 % stilling",
    4: "Barnehagelærer til Solsikken barnehage",
    5: "Software developer (Python, PostgreSQL)",
    6: "Kokk til restaurant i sentrum",
    7: "Lærer i ungdomsskolen",
}


class Indexed:
    """The lexical model with its rows in the engine's inverted index, as the corpus holds them."""

    def __init__(self, texts: list[str]) -> None:
        self.model, rows = LexicalModel.fit(texts)
        self.rows = SparseRows.of(rows, int(rows.shape[1]))

    def append(self, text: str) -> None:
        self.rows.append(self.model.transform([text]))

    def scores(self, query: str) -> np.ndarray:
        cols, weights = self.model.query(query)
        return self.rows.accumulate(cols, weights, self.rows.count)

    def ranked(self, query: str) -> list[int]:
        """1-based row numbers (the POSTINGS keys) with a positive score, best first."""
        scores = self.scores(query)
        order = np.lexsort((np.arange(len(scores)), -scores))
        return [int(row) + 1 for row in order if scores[row] > 0]


@pytest.fixture
def index() -> Indexed:
    return Indexed(list(POSTINGS.values()))


def test_normalise_folds_case_and_punctuation_and_keeps_norwegian_letters() -> None:
    assert normalise("  SYKEPLEIER/Helse-fag, Ærlig ØRSTA  Åpen!! ") == "sykepleier helse fag ærlig ørsta åpen"
    assert normalise("ﬁle Ｏｓｌｏ") == "file oslo"


def test_inflected_form_ranks_the_matching_posting_first(index: Indexed) -> None:
    scores = index.scores("sykepleier")
    assert scores[0] > 0.3 > scores[1]
    assert index.ranked("sykepleier")[0] == 1
    assert index.ranked("Sykepleieren")[0] == 1


def test_compounds_match_their_parts_and_their_inflections(index: Indexed) -> None:
    assert index.ranked("helsefagarbeidere")[0] == 3
    assert index.ranked("helse- og omsorgsarbeider")[0] == 3
    assert index.ranked("lærer i barnehage")[0] == 4


def test_english_text_works_too(index: Indexed) -> None:
    assert index.ranked("python developers")[0] == 5


def test_unrelated_text_scores_nothing_and_a_document_is_its_own_best_match(index: Indexed) -> None:
    assert index.ranked("zzzzqqqq") == []
    scores = index.scores(POSTINGS[6])
    assert scores[5] == pytest.approx(1.0, abs=1e-5)  # a cosine: the document against itself
    assert scores.max() == scores[5]


def test_appended_rows_are_weighed_with_the_fitted_idf(index: Indexed) -> None:
    index.append("Sykepleier natt, intensivavdeling")
    assert set(index.ranked("sykepleiere")[:2]) == {1, 8}
    index.append("Rørlegger til servicebil")
    assert index.ranked("rørlegger")[0] == 9
    assert index.scores("sykepleier")[8] < 0.1


def test_save_and_load_round_trip(index: Indexed, tmp_path: Path) -> None:
    path = tmp_path / "lexical.npz"
    index.model.save(path)
    loaded = LexicalModel.load(path)
    assert loaded.ngram_range == index.model.ngram_range
    for query in ("sykepleier", "lærer i barnehage", "python"):
        cols, weights = loaded.query(query)
        original_cols, original_weights = index.model.query(query)
        np.testing.assert_array_equal(cols, original_cols)
        np.testing.assert_allclose(weights, original_weights, rtol=1e-6)


def test_load_refuses_other_files(tmp_path: Path) -> None:
    path = tmp_path / "other.npz"
    np.savez(path, header=np.array('{"format": "something else"}'))
    with pytest.raises(ValueError, match="not a jobmatch.lexical"):
        LexicalModel.load(path)


def test_matched_terms_explain_inflected_and_compound_matches(index: Indexed) -> None:
    model = index.model
    assert model.matched_terms("sykepleier", POSTINGS[1]) == ["sykepleier"]
    [match] = model.term_matches("sykepleier", POSTINGS[1])
    assert str(match) == "sykepleier ~ sykepleiere"

    terms = model.matched_terms("erfaren lærer i barnehage", POSTINGS[4])
    assert set(terms) == {"lærer", "barnehage"}  # "erfaren" is not in the posting; "i" explains nothing
    assert model.matched_terms("sykepleier", POSTINGS[2]) == []


def test_matched_terms_put_the_rarer_word_first() -> None:
    texts = ["Kokk til kantine", "Kokk til hotell", "Kokk", "Servitør til restaurant"]
    kitchens, _ = LexicalModel.fit(texts)
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


def test_common_ngrams_carry_no_weight_but_still_tell_how_common_a_word_is(tmp_path: Path) -> None:
    market = [f"Sykepleier med erfaring, stilling nr {n}" for n in range(150)]
    market += [f"Tømrer med fagbrev, stilling nr {n}" for n in range(150)]
    market += ["Lastebilsjåfør med C-sertifikat", "Kokk til restaurant"]
    model, rows = LexicalModel.fit(market)
    counts = LexicalModel(idf=np.ones(model.n_features, np.float32))._counts(["stilling"]).indices
    assert not set(counts) & set(rows.indices.tolist())  # in every ad but two: dropped from every row
    cols, _ = model.query("stilling")
    assert len(cols) == 0
    assert not set(model.query("tømrer")[0]) & set(rows.indices.tolist())  # in half the ads: more than the common share
    assert set(model.query("kokk")[0]) <= set(rows.indices.tolist())  # in one ad: weighed
    assert model.word_idf("stilling") < model.word_idf("kokk")  # common, not unseen
    model.save(tmp_path / "lexical.npz")
    again = LexicalModel.load(tmp_path / "lexical.npz")
    assert (again.transform(market) != rows).nnz == 0

    small = ["Sykepleier", "Sykepleier i Bergen", "Tømrer"]  # a few documents: nothing is common
    small_model, small_rows = LexicalModel.fit(small)
    assert (small_rows != LexicalModel.fit(small, common_share=1.0)[1]).nnz == 0
