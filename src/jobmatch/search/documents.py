"""The short texts the lexical signal compares: what names a job, and what the seeker calls themselves."""

from __future__ import annotations

from jobmatch.lexical.present import present
from jobmatch.postings.schemas import PostingIn
from jobmatch.seekers.schemas import SeekerIn


def posting_terms(posting: PostingIn) -> str:
    """Title, occupation labels and skills; descriptions are left to the dense signal."""
    labels = [occupation.label for occupation in posting.occupations if occupation.label]
    return "\n".join([posting.title, *labels, *posting.skills])


def seeker_terms(profile: SeekerIn) -> str:
    """Wished occupations, experience, the skills the seeker wants to use, and their own words about themselves.

    A seeker who only writes about themselves is matched on what they wrote: the summary is part of the query, what
    they do now (`jobmatch.lexical.present.present`) rather than what they did before.
    """
    labels = [occupation.label for occupation in profile.wishes.occupations if occupation.label]
    experience = [f"{item.title} {item.description}".strip() for item in profile.experience]
    skills = [skill.name for skill in profile.skills if skill.wants_to_use]
    return "\n".join([*labels, *experience, *skills, present(profile.summary)])
