"""What a seeker does and wants now, apart from their earlier work and what they refuse: the text both similarity channels
compare."""

from __future__ import annotations

import pytest

from jobmatch.embedding.texts import seeker_text
from jobmatch.lexical.present import about_earlier_work, present, present_part, refuses
from jobmatch.search.documents import seeker_terms
from jobmatch.seekers.schemas import SeekerIn
from tests.factories import seeker_body


@pytest.mark.parametrize("sentence", [
    "Før det jobbet jeg ti år som selger.",
    "Tidligere har jeg også vært kokk.",
    "Jeg begynte som lagermedarbeider for mange år siden.",
    "For tre år siden var jeg bussjåfør.",
    "Tidlegare har eg vore snekkar.",
    "Eg byrja som reinhaldar.",
    "Before that I worked as a welder for 3 years.",
    "I used to drive a taxi.",
    "Previously I was a chef.",
    "I started out as a cleaner.",
])
def test_sentences_about_earlier_work(sentence: str) -> None:
    assert about_earlier_work(sentence)


@pytest.mark.parametrize("sentence", [
    "Jeg jobber i dag som lodder.",
    "Jeg har jobbet som sykepleier i fem år.",
    "De siste elleve årene har jeg jobbet som ledsager.",
    "Jeg ser fram til å begynne i ny jobb.",
    "Tidligere jobbet jeg som kokk, nå er jeg servitør.",  # says now as well
    "I am a trained electrician with 4 years of experience.",
    "I currently work as a nurse, and previously in a shop.",
])
def test_sentences_about_now(sentence: str) -> None:
    assert not about_earlier_work(sentence)


@pytest.mark.parametrize("sentence", [
    "Jeg vil ikke jobbe i butikk igjen.",
    "Jeg ønsker ikke turnus eller nattevakter.",
    "Salg er ikke lenger aktuelt for meg.",
    "Jeg er ikke interessert i lederstillinger.",
    "Jeg vil bort fra renhold.",
    "Eg vil ikkje jobbe med sal.",
    "I don't want to work in sales any more.",
    "I am not interested in cleaning jobs.",
])
def test_sentences_that_refuse_work(sentence: str) -> None:
    assert refuses(sentence)


@pytest.mark.parametrize("sentence", [
    "Jeg vil gjerne jobbe med barn.",
    "Jeg ønsker meg en fast stilling, gjerne heltid.",
    "Jeg er ikke redd for å ta i et tak.",
    "I would like a permanent full-time position.",
])
def test_sentences_that_do_not_refuse(sentence: str) -> None:
    assert not refuses(sentence)


def test_present_leaves_out_what_the_seeker_refuses() -> None:
    text = "Jeg er utdannet kokk. Jeg vil ikke jobbe i butikk igjen."
    assert present(text) == "Jeg er utdannet kokk."


@pytest.mark.parametrize(("sentence", "kept"), [
    ("Jeg jobber som sykepleier, og før det var jeg kokk i fem år.", "Jeg jobber som sykepleier."),
    ("Jeg er kokk, men vil ikke jobbe i kantine.", "Jeg er kokk."),
    ("I am a trained welder, and before that I was a baker.", "I am a trained welder."),
    ("Jeg er sykepleier; tidligere servitør.", "Jeg er sykepleier."),
    ("Jeg begynte som selger for mange år siden.", ""),
    ("Kvalitetsansvarlig, tekstilproduksjon i ti år.", "Kvalitetsansvarlig, tekstilproduksjon i ti år."),
])
def test_a_later_clause_about_earlier_or_refused_work_goes_and_the_present_stays(sentence: str, kept: str) -> None:
    assert present_part(sentence) == kept


def test_present_leaves_out_earlier_work_but_never_everything() -> None:
    text = "Jeg jobber i dag som lodder. Før det jobbet jeg ti år som selger. Jeg trives i team."
    assert present(text) == "Jeg jobber i dag som lodder. Jeg trives i team."
    only_history = "Tidligere jobbet jeg som kokk. Før det var jeg servitør."
    assert present(only_history) == only_history
    assert present("") == ""


def test_both_channels_compare_the_present_and_wishes_keep_the_old_work_reachable() -> None:
    body = seeker_body(summary="Jeg jobber i dag som lodder. Før det jobbet jeg ti år som selger.", experience=[],
                       skills=[], wishes={"occupations": [{"system": "STYRK08", "code": "5223", "label": "Butikkselgere"}]})
    profile = SeekerIn.model_validate(body)
    for text in (seeker_text(profile), seeker_terms(profile)):
        assert "lodder" in text
        assert "ti år som selger" not in text
        assert "Butikkselgere" in text  # what they wish counts apart from the text
    assert "ti år som selger" in seeker_text(profile, whole_summary=True)


def test_the_clause_boundary_is_looked_for_only_just_before_the_cue() -> None:
    """The search is bounded, so that a long run of spaces in a 10,000-character summary costs linear time: a boundary
    farther from the cue than the window is not one."""
    assert present_part("Jeg er sykepleier, og før det var jeg kokk.") == "Jeg er sykepleier."
    assert present_part("Jeg er sykepleier, og" + " " * 100 + "før det var jeg kokk.") == ""
