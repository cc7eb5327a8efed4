"""Text normalisation shared by indexing, querying and term explanations."""

from __future__ import annotations

import re
import unicodedata

# Everything that is not a letter or digit (in any script) separates words; "_" counts as punctuation too.
_SEPARATORS = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Casefold, NFKC, punctuation to spaces, whitespace collapsed; æøå are kept as they are."""
    # NFKC first so compatibility forms (ligatures, full-width letters) casefold like their plain letters;
    # NFKC again after casefold because casefolding can leave text unnormalised.
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return _SEPARATORS.sub(" ", folded).strip()


def words(text: str) -> list[str]:
    """The normalised words of a text, in order."""
    normalised = normalise(text)
    return normalised.split(" ") if normalised else []
