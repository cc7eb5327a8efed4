"""The change feed: keep a served version current between reindexes by applying what changed in PostgreSQL.

It reads by keyset on (updated_at, id) after the last row applied, so an idle feed reads nothing. Because `updated_at`
is the writing transaction's start time, a transaction that began before the last row applied can commit after it: the
feed therefore also lists the (id, content hash) pairs of the last `SYNC_OVERLAP` and re-reads only rows it has not
applied. Deleted postings are read from `posting_deletions` the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import and_, func, or_, select, tuple_
from sqlalchemy.orm import Session, sessionmaker

from jobmatch.db.tables import PostingDeletionRow, PostingRow
from jobmatch.embedding import store as vector_store
from jobmatch.embedding.base import Embedder
from jobmatch.embedding.texts import posting_text
from jobmatch.postings.repository import loadable
from jobmatch.postings.schemas import PostingOut
from jobmatch.postings.service import effective_status, readable
from jobmatch.search.facts import PostingFacts, facts_of, resolver_for
from jobmatch.search.snapshot import SYNC_OVERLAP, IndexSnapshot

logger = logging.getLogger(__name__)

ROWS_PER_READ = 2_000


@dataclass(frozen=True)
class SyncResult:
    applied: int
    removed: int
    waiting_for_vectors: int


def facts_for(session: Session, postings: Sequence[PostingOut], rows: Sequence[PostingRow]) -> list[PostingFacts]:
    hashes = {row.id: row.content_hash for row in rows}
    resolver = resolver_for(session, postings)
    return [facts_of(posting, resolver, content_hash=hashes[posting.id]) for posting in postings]


def stored_vectors(session: Session, *, model_id: str, postings: Sequence[PostingOut]) -> dict[int, np.ndarray]:
    keys = {p.id: vector_store.content_key(posting_text(p), kind="passage") for p in postings}
    found = vector_store.fetch(session, model_id=model_id, hashes=list(keys.values()))
    return {posting_id: found[key] for posting_id, key in keys.items() if key in found}


def apply_rows(snapshot: IndexSnapshot, session: Session, rows: Sequence[PostingRow]) -> int:
    """Apply the rows the corpus does not hold as they are; rows it already holds cost a hash comparison."""
    now = datetime.now(UTC)
    known = snapshot.corpus.hash_of
    rows = [row for row in rows if known.get(row.id) != f"{row.content_hash}:{effective_status(row, now=now).value}"]
    postings = readable(rows, now=now)
    if not postings:
        return 0
    vectors = stored_vectors(session, model_id=snapshot.model_id, postings=postings)
    return snapshot.corpus.apply(facts_for(session, postings, rows), vectors)


def sync_changes(snapshot: IndexSnapshot, session: Session) -> SyncResult:
    """Apply postings changed since the last sync, using vectors already stored; never calls the model.

    The feed reads each row's id, time, content hash and status first, and whole rows only for what the corpus does not hold.
    """
    applied = 0
    while True:
        after_time, after_id = snapshot.watermark
        heads = session.execute(
            select(PostingRow.id, PostingRow.updated_at, PostingRow.content_hash, PostingRow.status, PostingRow.expires_at)
            .where(tuple_(PostingRow.updated_at, PostingRow.id) > tuple_(after_time, after_id), loadable())  # type: ignore[arg-type]
            .order_by(PostingRow.updated_at, PostingRow.id)
            .limit(ROWS_PER_READ)
        ).all()
        if not heads:
            break
        now = datetime.now(UTC)
        known = snapshot.corpus.hash_of
        changed = [head.id for head in heads if known.get(head.id) != f"{head.content_hash}:{effective_status(head, now=now).value}"]
        if changed:
            rows = session.scalars(select(PostingRow).where(PostingRow.id.in_(changed), loadable())).all()
            applied += apply_rows(snapshot, session, rows)
        snapshot.watermark = (heads[-1].updated_at, heads[-1].id)
        if len(heads) < ROWS_PER_READ:
            break
    applied += _late_commits(snapshot, session)
    removed = _deletions(snapshot, session)
    return SyncResult(applied, removed, len(snapshot.corpus.waiting_for_vectors()) if applied else 0)


def _late_commits(snapshot: IndexSnapshot, session: Session) -> int:
    """Rows inside the overlap window, behind the watermark, that the corpus has not applied.

    Once the database's clock is past the window, every transaction in it has committed: the window is read one last
    time and not again until the watermark moves (after a bulk import it holds tens of thousands of rows).
    """
    after_time, after_id = snapshot.watermark
    if snapshot.settled == snapshot.watermark:
        return 0
    database_now = session.execute(select(func.now())).scalar_one()
    if database_now - after_time > SYNC_OVERLAP:
        snapshot.settled = snapshot.watermark
    recent = session.execute(
        select(PostingRow.id, PostingRow.content_hash).where(
            PostingRow.updated_at >= after_time - SYNC_OVERLAP,
            or_(PostingRow.updated_at < after_time, and_(PostingRow.updated_at == after_time, PostingRow.id <= after_id)),
        )
    ).all()
    known = snapshot.corpus.hash_of
    missed = [posting_id for posting_id, content_hash in recent if known.get(posting_id, "").partition(":")[0] != content_hash]
    if not missed:
        return 0
    rows = session.scalars(select(PostingRow).where(PostingRow.id.in_(missed), loadable())).all()
    return apply_rows(snapshot, session, rows)


def _deletions(snapshot: IndexSnapshot, session: Session) -> int:
    since = snapshot.deletions_seen - SYNC_OVERLAP
    deleted = session.execute(
        select(PostingDeletionRow.posting_id, PostingDeletionRow.deleted_at).where(PostingDeletionRow.deleted_at >= since)
    ).all()
    if not deleted:
        return 0
    snapshot.deletions_seen = max(snapshot.deletions_seen, max(at for _, at in deleted))
    live = [posting_id for posting_id, _ in deleted if posting_id in snapshot.corpus.hash_of]
    if live:
        snapshot.corpus.apply([], {}, removed=live)
    return len(live)


def embed_pending(snapshot: IndexSnapshot, session_factory: sessionmaker[Session], *, embedder: Embedder, limit: int = 64) -> int:
    """Embed up to `limit` postings that are searchable by their terms but still lack a vector; returns how many."""
    waiting = sorted(snapshot.corpus.waiting_for_vectors())[:limit]
    if not waiting:
        return 0
    with session_factory.begin() as session:
        postings = readable(session.scalars(select(PostingRow).where(PostingRow.id.in_(waiting), loadable())).all())
        vectors = vector_store.embed(session, embedder=embedder, texts=[posting_text(p) for p in postings])
    filled = 0
    for posting, vector in zip(postings, vectors, strict=True):
        filled += snapshot.corpus.fill_vector(posting.id, vector)
    return filled
