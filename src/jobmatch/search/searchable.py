"""Make one process's writes searchable as soon as they commit: the served corpus changes only after the commit.

The posting is embedded (through the vector store) and its facts read inside the request's transaction; an
`after_commit` hook applies them. A rolled-back request changes nothing. Other processes see the change through the
change feed within a second.
"""

from __future__ import annotations

from sqlalchemy import event, insert
from sqlalchemy.orm import Session

from jobmatch.db.tables import PostingDeletionRow, PostingRow
from jobmatch.embedding import store as vector_store
from jobmatch.embedding.base import Embedder
from jobmatch.embedding.texts import posting_text
from jobmatch.postings.schemas import PostingOut
from jobmatch.search.holder import IndexHolder
from jobmatch.search.sync import facts_for


def reflect(session: Session, *, index: IndexHolder, embedder: Embedder, postings: list[PostingOut]) -> None:
    """Embed now, apply to the served corpus once the transaction commits."""
    vectors = vector_store.embed(session, embedder=embedder, texts=[posting_text(p) for p in postings])
    snapshot = index.snapshot
    if snapshot is None or snapshot.model_id != embedder.model_id:
        return
    rows = [session.get(PostingRow, p.id) for p in postings]
    facts = facts_for(session, postings, [row for row in rows if row is not None])
    by_id = {p.id: vectors[i] for i, p in enumerate(postings)}

    def apply(_: Session) -> None:
        snapshot.corpus.apply(facts, by_id)

    event.listen(session, "after_commit", apply, once=True)


def forget(session: Session, *, index: IndexHolder, posting_ids: list[int]) -> None:
    """Record the deletion for every process's change feed; drop it from this process's corpus once committed."""
    session.execute(insert(PostingDeletionRow), [{"posting_id": posting_id} for posting_id in posting_ids])
    snapshot = index.snapshot
    if snapshot is None:
        return

    def apply(_: Session) -> None:
        snapshot.corpus.apply([], {}, removed=posting_ids)

    event.listen(session, "after_commit", apply, once=True)
