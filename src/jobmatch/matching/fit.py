"""Fit beyond similarity: the seeker's own skills and wished occupations, found in the posting."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from jobmatch.matching.signals import Signal, Status
from jobmatch.matching.weights import SKILL_DOES_NOT_WANT_TO_USE, SKILL_WANTS_TO_USE
from jobmatch.postings.schemas import Occupation, PostingIn
from jobmatch.seekers.schemas import SeekerIn, SeekerSkill
from jobmatch.vocab import OccupationSystem

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_SENTENCE = re.compile(r"(?<=[.!?\n])\s+")
_STOPWORDS = frozenset("og i på med for til av en et ei som er å the and of in to with for a an som har kan vil du vi".split())


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def stem(word: str) -> str:
    """A crude Norwegian-friendly stem: drop up to three letters of inflection from longer words."""
    return word if len(word) <= 5 else word[: max(5, len(word) - 3)]


def content_words(text: str) -> list[str]:
    return [word for word in _WORD.findall(fold(text)) if word not in _STOPWORDS and len(word) > 1]


@dataclass(frozen=True)
class SkillMatch:
    skill: str
    level: int
    wants_to_use: bool
    found: bool
    passage: str | None


@dataclass(frozen=True)
class _PostingWords:
    """A posting's words, split once so every skill of the seeker is looked up cheaply."""

    folded: str
    skills: list[tuple[str, list[tuple[str, str]]]]
    sentences: list[tuple[str, list[str]]]

    @classmethod
    def of(cls, posting: PostingIn) -> _PostingWords:
        sentences = [posting.title, *_SENTENCE.split(posting.description)]
        return cls(
            folded=fold(" ".join([posting.title, posting.description, *posting.skills])),
            skills=[(skill, [(word, stem(word)) for word in content_words(skill)]) for skill in posting.skills],
            sentences=[(sentence, content_words(sentence)) for sentence in sentences],
        )


@lru_cache(maxsize=4096)
def _stems(skill: str) -> tuple[str, ...]:
    return tuple(stem(word) for word in content_words(skill))


def _find(skill: str, posting: _PostingWords) -> tuple[bool, str | None]:
    stems = _stems(skill)
    if not stems:
        return False, None
    for candidate, stemmed in posting.skills:
        if all(any(word.startswith(s) or s.startswith(word_stem) for word, word_stem in stemmed) for s in stems):
            return True, candidate
    if not all(s in posting.folded for s in stems):  # every stem must occur somewhere for a sentence to hold them all
        return False, None
    for sentence, words in posting.sentences:
        if all(any(word.startswith(s) for word in words) for s in stems):
            return True, sentence.strip()[:300]
    return False, None


def skill_matches(posting: PostingIn, skills: list[SeekerSkill]) -> list[SkillMatch]:
    if not skills:
        return []
    words = _PostingWords.of(posting)
    matches = []
    for skill in skills:
        found, passage = _find(skill.name, words)
        matches.append(SkillMatch(skill.name, skill.level, skill.wants_to_use, found, passage))
    return matches


def skill_weight(match: SkillMatch) -> float:
    return match.level / 5 * (SKILL_WANTS_TO_USE if match.wants_to_use else SKILL_DOES_NOT_WANT_TO_USE)


def skills_signal(matches: list[SkillMatch]) -> Signal:
    if not matches:
        return Signal.not_applicable("Du har ikke lagt inn ferdigheter.", "You have not listed any skills.")
    total = sum(skill_weight(match) for match in matches)
    found = [match for match in matches if match.found]
    raw = sum(skill_weight(match) for match in found) / total if total else 0.0
    if not found:
        return Signal(0.0, Status.UNMET, "Ingen av dine ferdigheter er nevnt i annonsen.", "None of your skills appear in the ad.")
    names = ", ".join(match.skill for match in found[:5])
    status = Status.MET if len(found) == len(matches) else Status.PARTLY
    return Signal(
        raw,
        status,
        f"{len(found)} av {len(matches)} ferdigheter finnes i annonsen: {names}.",
        f"{len(found)} of {len(matches)} of your skills appear in the ad: {names}.",
    )


_CODE_SYSTEMS = {OccupationSystem.STYRK08, OccupationSystem.ISCO08}


def occupation_closeness(wished: Occupation, offered: Occupation) -> float:
    """1 for the same code, 0.5 for the same ISCO minor group, 0.25 for the same sub-major group."""
    if wished.system in _CODE_SYSTEMS and offered.system in _CODE_SYSTEMS:
        a, b = wished.code.strip(), offered.code.strip()
        if a == b:
            return 1.0
        if len(a) >= 3 and len(b) >= 3 and a[:3] == b[:3]:
            return 0.5
        if len(a) >= 2 and len(b) >= 2 and a[:2] == b[:2]:
            return 0.25
        return 0.0
    return 1.0 if wished.system == offered.system and wished.code == offered.code else 0.0


def occupation_signal(posting: PostingIn, profile: SeekerIn) -> Signal:
    wished = profile.wishes.occupations
    if not wished:
        return Signal.not_applicable("Du har ikke oppgitt ønskede yrker.", "You have not listed wished occupations.")
    if not posting.occupations:
        return Signal.unknown("Annonsen har ingen yrkeskode.", "The ad has no occupation code.")
    best, pair = 0.0, None
    for want in wished:
        for offer in posting.occupations:
            closeness = occupation_closeness(want, offer)
            if closeness > best:
                best, pair = closeness, (want, offer)
    if pair is None:
        return Signal(0.0, Status.UNMET, "Ikke blant dine ønskede yrker.", "Not among your wished occupations.")
    want, offer = pair
    label = offer.label or offer.code
    if best == 1.0:
        return Signal.met(f"Ønsket yrke: {label} ({offer.code}).", f"Wished occupation: {label} ({offer.code}).")
    group = "samme yrkesgruppe" if best == 0.5 else "beslektet yrkesområde"
    group_en = "same occupation group" if best == 0.5 else "related occupation area"
    return Signal(
        best,
        Status.PARTLY,
        f"{label} ({offer.code}) er i {group} som ønsket {want.label or want.code} ({want.code}).",
        f"{label} ({offer.code}) is in the {group_en} as wished {want.label or want.code} ({want.code}).",
    )
