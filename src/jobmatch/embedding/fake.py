"""A deterministic, model-free embedder for tests and the demo: hashed words and character 3-grams."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from jobmatch.embedding.base import Kind, normalise

_WORD = re.compile(r"\w+")
_EMPTY_FEATURE = "\x00empty"


@lru_cache(maxsize=1 << 16)
def _bucket(feature: str, dim: int) -> tuple[int, float]:
    """Where a feature lands and with which sign; blake2b so it is stable across processes."""
    digest = int.from_bytes(hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest(), "little")
    return digest % dim, 1.0 if (digest >> 63) & 1 else -1.0


def features(text: str) -> list[str]:
    """The words of a lowercased text, then the character 3-grams of each word padded with < and >."""
    words = _WORD.findall(text.lower())
    grams = [padded[i : i + 3] for word in words for padded in (f"<{word}>",) for i in range(len(padded) - 2)]
    return [f"w:{word}" for word in words] + [f"g:{gram}" for gram in grams]


class HashingEmbedder:
    """Signed feature hashing into `dim` buckets; texts sharing words share buckets, so their cosine is higher."""

    def __init__(self, dim: int = 384) -> None:
        if dim < 1:
            raise ValueError("dim must be positive")
        self.dim = dim
        self.model_id = f"hashing-v1-{dim}"

    def encode(self, texts: Sequence[str], *, kind: Kind = "passage") -> npt.NDArray[np.float32]:
        """Hash each text's features; `kind` is ignored because the fake is symmetric."""
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            # An empty text still gets a unit vector, so every row honours the protocol.
            for feature in features(text) or [_EMPTY_FEATURE]:
                bucket, sign = _bucket(feature, self.dim)
                vectors[row, bucket] += sign
        return normalise(vectors)
