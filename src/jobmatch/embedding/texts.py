"""What gets embedded for a posting and for a seeker, with personal identifiers scrubbed first."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from jobmatch.lexical.present import present
from jobmatch.postings.schemas import Occupation, PostingIn
from jobmatch.seekers.schemas import SeekerIn

# A Norwegian national identity (or D-) number: 11 digits, possibly written 6 + 5. No checksum test on purpose:
# a false positive only costs a number the model never needed, a false negative leaks personal data.
_NATIONAL_ID = re.compile(r"(?<!\d)\d{6}[ \u00a0]?\d{5}(?!\d)")
_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")


def scrub_personal_data(text: str) -> str:
    """Replace national identity numbers with "[fnr]" and e-mail addresses with "[e-post]"."""
    return _NATIONAL_ID.sub("[fnr]", _EMAIL.sub("[e-post]", text))


def text_hash(model_text: str) -> str:
    """The sha256 hex digest of a text, as UTF-8."""
    return hashlib.sha256(model_text.encode("utf-8")).hexdigest()


def _distinct(values: Iterable[str | None]) -> list[str]:
    """Stripped, non-empty values in first-seen order, case-insensitively deduplicated."""
    seen: dict[str, str] = {}
    for value in values:
        cleaned = " ".join((value or "").split())
        if cleaned and cleaned.casefold() not in seen:
            seen[cleaned.casefold()] = cleaned
    return list(seen.values())


def _labels(occupations: Iterable[Occupation]) -> list[str]:
    return _distinct(occupation.label for occupation in occupations)


def _join_sections(sections: Iterable[str]) -> str:
    """One section per line, empty ones dropped, so the chunker sees the sections as boundaries."""
    return scrub_personal_data("\n".join(section.strip() for section in sections if section.strip()))


def posting_text(posting: PostingIn) -> str:
    """Title, occupation labels, skills, then the description: what names the job comes first."""
    return _join_sections(
        [
            posting.title,
            ", ".join(_labels(posting.occupations)),
            ", ".join(_distinct(posting.skills)),
            posting.description,
        ]
    )


def seeker_text(profile: SeekerIn, *, whole_summary: bool = False) -> str:
    """Summary (what the seeker does now: `jobmatch.lexical.present.present`), experience, the skills the seeker wants to
    use, and the wished occupations. `whole_summary` gives the text as earlier versions embedded it."""
    experience = [
        f"{item.title.strip()}: {item.description.strip()}" if item.description.strip() else item.title.strip()
        for item in profile.experience
    ]
    skills = _distinct(skill.name for skill in profile.skills if skill.wants_to_use)
    return _join_sections(
        [
            profile.summary if whole_summary else present(profile.summary),
            *experience,
            ", ".join(skills),
            ", ".join(_labels(profile.wishes.occupations)),
        ]
    )


def seeker_texts_stored(profile: SeekerIn) -> list[str]:
    """Every text of this profile a stored vector may be keyed by: today's and the whole-summary text earlier versions
    embedded. Erasure and export cover them all."""
    return list(dict.fromkeys([seeker_text(profile), seeker_text(profile, whole_summary=True)]))
