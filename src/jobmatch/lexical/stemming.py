"""Words and stems for skill matching: folded, stopwords dropped, up to three letters of inflection cut."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
STOPWORDS = frozenset("og i på med for til av en et ei som er å the and of in to with for a an som har kan vil du vi".split())


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def stem(word: str) -> str:
    """A crude Norwegian-friendly stem: drop up to three letters of inflection from longer words."""
    return word if len(word) <= 5 else word[: max(5, len(word) - 3)]


def content_words(text: str) -> list[str]:
    return [word for word in _WORD.findall(fold(text)) if word not in STOPWORDS and len(word) > 1]
