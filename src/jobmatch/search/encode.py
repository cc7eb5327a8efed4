"""Where embedding work runs during a reindex: in this process, or fanned out over a Ray cluster."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

from jobmatch.embedding.base import Embedder


class EncodeExecutor(Protocol):
    """Encodes batches of passages; results come back in the order the batches went in."""

    def encode_batches(self, batches: Sequence[Sequence[str]]) -> Iterator[npt.NDArray[np.float32]]: ...


class LocalExecutor:
    """Encode in this process, batch after batch."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def encode_batches(self, batches: Sequence[Sequence[str]]) -> Iterator[npt.NDArray[np.float32]]:
        for batch in batches:
            yield self.embedder.encode(list(batch), kind="passage")
