"""What is embedded for postings and seekers, and that personal identifiers never reach the model."""

from __future__ import annotations

import hashlib
from typing import Any

from jobmatch.embedding.texts import posting_text, scrub_personal_data, seeker_text, text_hash
from jobmatch.postings.schemas import PostingIn
from jobmatch.seekers.schemas import SeekerIn
from tests.factories import posting_body, seeker_body


def _posting(**overrides: Any) -> PostingIn:
    return PostingIn.model_validate(posting_body(**overrides))


def _seeker(**overrides: Any) -> SeekerIn:
    return SeekerIn.model_validate(seeker_body(**overrides))


def test_posting_text_puts_title_and_occupation_before_skills_and_description() -> None:
    text = posting_text(_posting())
    lines = text.split("\n")
    assert lines[0] == "Sykepleier til medisinsk avdeling"
    assert lines[1] == "Sykepleiere"
    assert lines[2] == "sykepleie, medikamenthåndtering"
    assert text.index("Vi søker sykepleiere til turnus.") > text.index("medikamenthåndtering")
    assert "Bergen kommune" not in text  # the employer name says nothing about the work


def test_posting_text_skips_missing_and_repeated_labels() -> None:
    occupations = [
        {"system": "STYRK08", "code": "2223", "label": "Sykepleiere"},
        {"system": "ESCO", "code": "http://data.europa.eu/esco/occupation/x", "label": "sykepleiere"},
        {"system": "STYRK08", "code": "2221"},
    ]
    text = posting_text(_posting(occupations=occupations, skills=[], description=""))
    assert text == "Sykepleier til medisinsk avdeling\nSykepleiere"


def test_seeker_text_has_summary_experience_wanted_skills_and_wished_occupations() -> None:
    skills = [
        {"name": "sykepleie", "level": 5, "wants_to_use": True},
        {"name": "kassearbeid", "level": 4, "wants_to_use": False},
    ]
    text = seeker_text(_seeker(skills=skills))
    assert text.split("\n") == [
        "Jeg er utdannet sykepleier og vil jobbe nær hjemmet i Bergen.",
        "Sykepleier: Medisinsk avdeling",
        "sykepleie",
        "Sykepleiere",
    ]
    assert "kassearbeid" not in text


def test_seeker_text_of_an_empty_profile_is_empty() -> None:
    assert seeker_text(SeekerIn()) == ""


def test_national_identity_numbers_and_emails_are_scrubbed() -> None:
    text = "Fnr 12345678901, også skrevet 123456 78901. Kontakt ola@nav.no eller Kari.Nordmann+cv@example.co.uk."
    scrubbed = scrub_personal_data(text)
    assert scrubbed == "Fnr [fnr], også skrevet [fnr]. Kontakt [e-post] eller [e-post]."


def test_other_numbers_are_kept() -> None:
    text = "Postnummer 0150, orgnr 974760673, telefon 22 33 44 55, lønn 550 000, ref 123456789012."
    assert scrub_personal_data(text) == text


def test_posting_and_seeker_texts_are_scrubbed() -> None:
    posting = _posting(description="Send CV til ola@nav.no, merk med 12345678901.")
    assert posting_text(posting).endswith("Send CV til [e-post], merk med [fnr].")
    seeker = _seeker(summary="Jeg heter Ola (fnr 123456 78901), ola@nav.no")
    assert seeker_text(seeker).startswith("Jeg heter Ola (fnr [fnr]), [e-post]")


def test_text_hash_is_sha256_hex_of_utf8() -> None:
    assert text_hash("sykepleier på sykehus") == hashlib.sha256("sykepleier på sykehus".encode()).hexdigest()
    assert len(text_hash("")) == 64
