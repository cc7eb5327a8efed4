"""The embedder interface: texts in, L2-normalised float32 rows out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt

Kind = Literal["query", "passage"]
KINDS: tuple[Kind, ...] = ("query", "passage")


class Embedder(Protocol):
    """Turns texts into unit vectors; `model_id` names the exact function, so vectors of two ids never mix."""

    model_id: str
    dim: int

    def encode(self, texts: Sequence[str], *, kind: Kind = "passage") -> npt.NDArray[np.float32]:
        """An (len(texts), dim) float32 array of L2-normalised rows, in input order."""
        ...


def normalise(vectors: npt.ArrayLike) -> npt.NDArray[np.float32]:
    """Scale each row of a 2-D array to unit length; all-zero rows stay zero."""
    array = np.asarray(vectors, dtype=np.float32)
    if array.ndim != 2:
        raise ValueError(f"expected a 2-D array of row vectors, got shape {array.shape}")
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    unit: npt.NDArray[np.float32] = np.divide(array, norms, out=np.zeros_like(array), where=norms > 0)
    return unit
