"""Keep a served index version current between reindexes: postings changed in PostgreSQL are applied at once."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from jobmatch.db.tables import PostingRow
from jobmatch.embedding import store as vector_store
from jobmatch.embedding.base import Embedder
from jobmatch.embedding.texts import posting_text
from jobmatch.postings.schemas import PostingOut
from jobmatch.postings.service import to_out
from jobmatch.search.documents import posting_terms
from jobmatch.search.snapshot import SYNC_OVERLAP, IndexSnapshot
from jobmatch.vocab import PostingStatus

logger = logging.getLogger(__name__)

MAX_ROWS_PER_SYNC = 5_000


@dataclass(frozen=True)
class SyncResult:
    applied: int
    removed: int
    waiting_for_vectors: int


def apply_postings(snapshot: IndexSnapshot, postings: list[PostingOut], vectors: dict[int, np.ndarray]) -> tuple[int, int]:
    """Apply postings to the served version: active ones added or replaced, inactive ones removed."""
    active = [p for p in postings if p.status is PostingStatus.ACTIVE]
    inactive = [p.id for p in postings if p.status is not PostingStatus.ACTIVE]
    with snapshot.lock:
        if inactive:
            snapshot.dense.remove(inactive)
            snapshot.lexical.remove(inactive)
        if active:
            snapshot.lexical.remove([p.id for p in active])
            snapshot.lexical.add([p.id for p in active], [posting_terms(p) for p in active])
            with_vector = [p.id for p in active if p.id in vectors]
            if with_vector:
                snapshot.dense.upsert(with_vector, np.stack([vectors[i] for i in with_vector]))
            without = [p.id for p in active if p.id not in vectors]
            if without:
                snapshot.dense.remove(without)  # an old vector would describe the old text
            snapshot.pending.difference_update(with_vector)
            snapshot.pending.update(without)
    return len(active), len(inactive)


def remove_postings(snapshot: IndexSnapshot, posting_ids: list[int]) -> None:
    with snapshot.lock:
        snapshot.dense.remove(posting_ids)
        snapshot.lexical.remove(posting_ids)
        snapshot.pending.difference_update(posting_ids)
        for posting_id in posting_ids:
            snapshot.applied.pop(posting_id, None)


def stored_vectors(session: Session, *, model_id: str, postings: list[PostingOut]) -> dict[int, np.ndarray]:
    keys = {p.id: vector_store.content_key(posting_text(p), kind="passage") for p in postings}
    found = vector_store.fetch(session, model_id=model_id, hashes=list(keys.values()))
    return {posting_id: found[key] for posting_id, key in keys.items() if key in found}


def sync_changes(snapshot: IndexSnapshot, session: Session) -> SyncResult:
    """Apply postings changed since the last sync, using vectors already stored; never calls the model.

    `snapshot.watermark` is where the next read starts. Reads go back `SYNC_OVERLAP` behind the newest change seen,
    because a transaction that began earlier can commit later; content hashes make re-reads cost nothing.
    """
    rows = session.scalars(
        select(PostingRow)
        .where(PostingRow.updated_at >= snapshot.watermark)
        .order_by(PostingRow.updated_at, PostingRow.id)
        .limit(MAX_ROWS_PER_SYNC)
    ).all()
    fresh = [row for row in rows if snapshot.applied.get(row.id) != row.content_hash]
    postings = [to_out(row) for row in fresh]
    vectors = stored_vectors(session, model_id=snapshot.model_id, postings=postings) if postings else {}
    applied, removed = apply_postings(snapshot, postings, vectors)
    with snapshot.lock:
        for row in fresh:
            snapshot.applied[row.id] = row.content_hash
        if rows:
            newest = rows[-1].updated_at
            next_start = newest if len(rows) == MAX_ROWS_PER_SYNC else newest - SYNC_OVERLAP
            snapshot.watermark = max(snapshot.watermark, next_start)
    return SyncResult(applied, removed, len(snapshot.pending))


def embed_pending(
    snapshot: IndexSnapshot,
    session_factory: sessionmaker[Session],
    *,
    embedder: Embedder,
    limit: int = 64,
) -> int:
    """Embed up to `limit` postings that are searchable lexically but still lack a vector; returns how many."""
    with snapshot.lock:
        waiting = sorted(snapshot.pending)[:limit]
    if not waiting:
        return 0
    with session_factory.begin() as session:
        rows = session.scalars(select(PostingRow).where(PostingRow.id.in_(waiting))).all()
        postings = [to_out(row) for row in rows]
        vectors = vector_store.embed(session, embedder=embedder, texts=[posting_text(p) for p in postings])
    apply_postings(snapshot, postings, {p.id: vectors[i] for i, p in enumerate(postings)})
    with snapshot.lock:
        snapshot.pending.difference_update(waiting)  # deleted meanwhile: nothing left to embed
    return len(postings)
