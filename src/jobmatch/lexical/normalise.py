"""Text normalisation shared by indexing, querying and term explanations: the one in `norwegian`."""

from __future__ import annotations

from jobmatch.lexical.norwegian import normalise, words

__all__ = ["normalise", "words"]
