"""The caseworker's view speaks of the seeker in the third person: the seeker's own words, re-voiced."""

from __future__ import annotations

import re

from jobmatch.matching.schemas import Explanation, MatchPage, Words

_NO = [
    (r"\bDu\b", "Personen"), (r"\bdu\b", "personen"), (r"\bdeg\b", "personen"),
    (r"\bDin\b", "Personens"), (r"\bDine\b", "Personens"), (r"\bDitt\b", "Personens"),
    (r"\bdin\b", "personens"), (r"\bdine\b", "personens"), (r"\bditt\b", "personens"),
]
_EN = [
    (r"\bYou have\b", "The seeker has"), (r"\byou have\b", "the seeker has"),
    (r"\bYou want\b", "The seeker wants"), (r"\byou want\b", "the seeker wants"),
    (r"\byou wish\b", "the seeker wishes"), (r"\bYou are\b", "The seeker is"), (r"\byou are\b", "the seeker is"),
    (r"\bYour\b", "The seeker's"), (r"\byour\b", "the seeker's"), (r"\bYou\b", "The seeker"), (r"\byou\b", "the seeker"),
]
_NO_RULES = [(re.compile(pattern), replacement) for pattern, replacement in _NO]
_EN_RULES = [(re.compile(pattern), replacement) for pattern, replacement in _EN]


def third_person(text: str, language: str) -> str:
    for pattern, replacement in _NO_RULES if language == "no" else _EN_RULES:
        text = pattern.sub(replacement, text)
    return text


def _words(words: Words) -> Words:
    return Words(no=third_person(words.no, "no"), en=third_person(words.en, "en"))


def page_for_caseworker(page: MatchPage, *, language: str) -> MatchPage:
    """The page re-voiced; a copy, since the seeker's own items are cached with their ranking."""
    page = page.model_copy(deep=True)
    for item in [*page.items, *page.below_floor]:
        item.summary_reasons = [third_person(reason, language) for reason in item.summary_reasons]
    if page.why_short is not None:
        page.why_short.why = _words(page.why_short.why)
        for relaxation in page.why_short.relaxations:
            relaxation.why = _words(relaxation.why)
    return page


def explanation_for_caseworker(explanation: Explanation) -> Explanation:
    for component in explanation.components:
        component.why = _words(component.why)
    for rule in explanation.removed_by:
        rule.why = _words(rule.why)
    for bucket in (explanation.wishes.met, explanation.wishes.unmet, explanation.wishes.unknown):
        for wish in bucket:
            wish.why = _words(wish.why)
    return explanation
