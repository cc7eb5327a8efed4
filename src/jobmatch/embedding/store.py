"""Vectors cached in PostgreSQL by (model_id, content key): a text is embedded once per model and kind.

Callers own the transaction: these functions flush, never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import ColumnElement, String, any_, literal, select
from sqlalchemy import delete as sql_delete
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.orm import Session

from jobmatch.db.tables import EmbeddingRow
from jobmatch.embedding.base import KINDS, Embedder, Kind
from jobmatch.embedding.texts import text_hash

# Little-endian float32 on disk whatever the machine, so a database moved between hosts still reads right.
_STORED_DTYPE = np.dtype("<f4")


@dataclass(frozen=True)
class EmbedResult:
    """Vectors in input order, and how many distinct texts came from the store versus the model."""

    vectors: npt.NDArray[np.float32]
    reused: int
    computed: int


def content_key(text: str, *, kind: Kind) -> str:
    """The `embeddings.content_hash` of a text embedded as `kind`; kinds differ so query and passage never mix."""
    return text_hash(f"{kind}\x1f{text}")


def content_keys(text: str) -> list[str]:
    """Every key a text may be stored under (one per kind): what erasure must delete."""
    return [content_key(text, kind=kind) for kind in KINDS]


def _is_one_of(hashes: Sequence[str]) -> ColumnElement[Any]:
    """`content_hash = any(:hashes)`: one array parameter, so the statement is the same for any number of hashes."""
    return EmbeddingRow.content_hash == any_(literal(sorted(set(hashes)), ARRAY(String(64))))


def _decode(key: str, dim: int, stored: bytes) -> npt.NDArray[np.float32]:
    if len(stored) != dim * _STORED_DTYPE.itemsize:
        raise ValueError(f"stored vector {key} has {len(stored)} bytes, which is not dim {dim} float32 values")
    return np.frombuffer(stored, dtype=_STORED_DTYPE).astype(np.float32)


def fetch(session: Session, *, model_id: str, hashes: Sequence[str]) -> dict[str, npt.NDArray[np.float32]]:
    """The stored vectors for these content keys, by key; keys not stored are absent."""
    if not hashes:
        return {}
    rows = session.execute(
        select(EmbeddingRow.content_hash, EmbeddingRow.dim, EmbeddingRow.vector).where(
            EmbeddingRow.model_id == model_id, _is_one_of(hashes)
        )
    )
    return {key: _decode(key, dim, stored) for key, dim, stored in rows}


def embed_with_stats(
    session: Session, *, embedder: Embedder, texts: Sequence[str], kind: Kind = "passage"
) -> EmbedResult:
    """Embed texts through the store: reuse stored vectors, encode each missing distinct text once, store it."""
    keys = [content_key(text, kind=kind) for text in texts]
    found = fetch(session, model_id=embedder.model_id, hashes=keys)
    for key, vector in found.items():
        if vector.shape != (embedder.dim,):
            raise ValueError(f"stored vector {embedder.model_id}/{key} has dim {vector.shape[0]}, not {embedder.dim}")
    missing = {key: text for key, text in zip(keys, texts, strict=True) if key not in found}
    if missing:
        computed = embedder.encode(list(missing.values()), kind=kind)
        if computed.shape != (len(missing), embedder.dim):
            expected = (len(missing), embedder.dim)
            raise ValueError(f"{embedder.model_id} returned shape {computed.shape}, not {expected}")
        rows = [
            {
                "model_id": embedder.model_id,
                "content_hash": key,
                "dim": embedder.dim,
                "vector": vector.astype(_STORED_DTYPE).tobytes(),
            }
            for key, vector in zip(missing, computed, strict=True)
        ]
        # A concurrent writer may have stored the same text meanwhile; its vector is as good as ours.
        session.execute(insert(EmbeddingRow).on_conflict_do_nothing(), rows)
        session.flush()
        found.update(zip(missing, computed, strict=True))
    vectors = np.empty((len(texts), embedder.dim), dtype=np.float32)
    for row, key in enumerate(keys):
        vectors[row] = found[key]
    distinct = len(set(keys))
    return EmbedResult(vectors=vectors, reused=distinct - len(missing), computed=len(missing))


def embed(
    session: Session, *, embedder: Embedder, texts: Sequence[str], kind: Kind = "passage"
) -> npt.NDArray[np.float32]:
    """The (len(texts), dim) vectors in input order, computing only what the store lacks."""
    return embed_with_stats(session, embedder=embedder, texts=texts, kind=kind).vectors


def delete(session: Session, *, model_id: str | None, hashes: Sequence[str]) -> int:
    """Remove stored vectors with these content keys (for one model, or every model when None); returns the count."""
    if not hashes:
        return 0
    # No ORM objects of this table are held in sessions (fetch reads columns), so there is nothing to synchronise.
    statement = sql_delete(EmbeddingRow).where(_is_one_of(hashes)).execution_options(synchronize_session=False)
    if model_id is not None:
        statement = statement.where(EmbeddingRow.model_id == model_id)
    result = session.execute(statement)
    session.flush()
    return int(getattr(result, "rowcount", 0))


def put(session: Session, *, model_id: str, keys: Sequence[str], vectors: npt.NDArray[np.float32]) -> None:
    """Store vectors computed elsewhere (a reindex batch), replacing what those keys held for this model."""
    if not len(keys):
        return
    rows = [
        {
            "model_id": model_id,
            "content_hash": key,
            "dim": int(vector.shape[0]),
            "vector": vector.astype(_STORED_DTYPE).tobytes(),
        }
        for key, vector in zip(keys, vectors, strict=True)
    ]
    statement = insert(EmbeddingRow)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[EmbeddingRow.model_id, EmbeddingRow.content_hash],
            set_={"dim": statement.excluded.dim, "vector": statement.excluded.vector},
        ),
        rows,
    )
    session.flush()
