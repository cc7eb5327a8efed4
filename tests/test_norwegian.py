"""One Norwegian normaliser, stopword list, stemmer and compound splitter for both channels."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobmatch.lexical.norwegian import STOPWORDS, analyse, content_words, decompound, normalise, stem, words
from jobmatch.lexical.terms import word_similarity


def test_words_are_normalised_and_content_words_drop_function_words() -> None:
    assert words("Sykepleier/Helse-fag, ØRSTA!") == ["sykepleier", "helse", "fag", "ørsta"]
    assert content_words("Vi søker en sykepleier til natt og helg") == ["søker", "sykepleier", "natt", "helg"]
    assert {"og", "i", "på", "the", "and"} <= STOPWORDS


@pytest.mark.parametrize(
    "forms",
    [
        ["sykepleier", "sykepleiere", "sykepleieren", "sykepleierne"],
        ["lærer", "lærere", "læreren", "lærerne"],
        ["kokk", "kokken", "kokker", "kokkene"],
        ["leder", "ledere", "lederen"],
        ["sjåfør", "sjåføren", "sjåførar"],
    ],
)
def test_inflected_forms_share_one_stem(forms: list[str]) -> None:
    assert len({stem(form) for form in forms}) == 1


def test_stems_never_get_shorter_than_four_letters() -> None:
    assert stem("lege") == "lege"
    assert stem("bil") == "bil"
    assert stem("kokk") == "kokk"


@given(st.text(alphabet="abcdefghijklmnoprstuvyæøå", min_size=1, max_size=20))
def test_a_stem_is_a_prefix_of_its_word(word: str) -> None:
    assert word.startswith(stem(word))
    assert len(stem(word)) >= min(len(word), 4)


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("helsefagarbeider", ("helse", "fagarbeider")),
        ("helsefagarbeidere", ("helse", "fagarbeidere")),
        ("barnehagelærer", ("barnehage", "lærer")),
        ("salgsmedarbeider", ("salg", "medarbeider")),
        ("anleggsmaskinfører", ("anlegg", "maskinfører")),
        ("sykepleier", ("sykepleier",)),
        ("kokk", ("kokk",)),
    ],
)
def test_compounds_split_into_known_words(word: str, parts: tuple[str, ...]) -> None:
    assert decompound(word) == parts


def test_analyse_puts_the_parts_beside_the_compound() -> None:
    assert analyse("Barnehagelærer, 80 %") == "barnehagelærer barnehage lærer 80"


def test_term_explanations_see_compound_parts() -> None:
    assert word_similarity("fagarbeider", "helsefagarbeider") == 0.75
    assert word_similarity("helse", "helsefagarbeider") == 0.65
    assert word_similarity("sykepleiere", "sykepleier") > 0.8
    assert normalise(" Åpen ") == "åpen"
