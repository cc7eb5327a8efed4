"""Which query words explain a lexical match: inflected forms, compound parts and shared 4-grams."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from jobmatch.lexical.norwegian import STOPWORDS, decompound, stem, words

MIN_WORD_LENGTH = 3
MIN_STEM = 4


@dataclass(frozen=True, slots=True)
class TermMatch:
    """A query word, the document word it matched, how alike they are (1 = same) and how much it explains."""

    query_word: str
    doc_word: str
    similarity: float
    weight: float

    def __str__(self) -> str:
        return self.query_word if self.query_word == self.doc_word else f"{self.query_word} ~ {self.doc_word}"


@lru_cache(maxsize=200_000)
def word_similarity(a: str, b: str) -> float:
    """How alike two normalised words are: 1 same, ~0.9 inflected, 0.65-0.75 compound part, 0 unrelated."""
    if a == b:
        return 1.0
    shorter, longer = sorted((a, b), key=len)
    if len(shorter) < MIN_STEM:
        return 0.0
    if stem(a) == stem(b):
        return _common_prefix(a, b) / len(longer)
    # A compound's head (its last part: barnehage|lærer) says more about it than its modifier (the first).
    if longer.endswith(shorter):
        return 0.75
    if longer.startswith(shorter):
        return 0.65
    short_stem = stem(shorter)
    if short_stem in longer:  # cheap test first: splitting is only worth it when the stem occurs at all
        parts = [stem(part) for part in decompound(longer)]
        if len(parts) > 1 and short_stem in parts:
            return 0.75 if short_stem == parts[-1] else 0.65
    # An inflected part inside a compound (lærere ~ barnehagelærer): most of the short word's 4-grams recur.
    grams = _grams(shorter)
    if len(grams) >= 2:
        shared = len(grams & _grams(longer)) / len(grams)
        if shared >= 2 / 3:
            return 0.6 * shared
    return 0.0


def best_matches(query_text: str, doc_text: str, *, weight: Callable[[str], float], top: int) -> list[TermMatch]:
    """Each distinct query word with its most similar document word, ranked by similarity × weight(word)."""
    doc_words = list(dict.fromkeys(words(doc_text)))
    matches: list[TermMatch] = []
    for query_word in dict.fromkeys(words(query_text)):
        if len(query_word) < MIN_WORD_LENGTH or query_word in STOPWORDS:
            continue
        best_word, best_similarity = "", 0.0
        for doc_word in doc_words:
            similarity = word_similarity(query_word, doc_word)
            if similarity > best_similarity:
                best_word, best_similarity = doc_word, similarity
                if similarity == 1.0:
                    break
        if best_similarity > 0:
            matches.append(TermMatch(query_word, best_word, best_similarity, best_similarity * weight(query_word)))
    # Stable sort: equal weights keep the query's word order.
    return sorted(matches, key=lambda match: -match.weight)[: max(top, 0)]


def _common_prefix(a: str, b: str) -> int:
    length = 0
    for left, right in zip(a, b, strict=False):
        if left != right:
            break
        length += 1
    return length


def _grams(word: str, n: int = 4) -> set[str]:
    return {word[start : start + n] for start in range(len(word) - n + 1)}
