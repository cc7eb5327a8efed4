"""Make one process's writes searchable at once: embed the posting in the request and apply it to the served index."""

from __future__ import annotations

from sqlalchemy.orm import Session

from jobmatch.embedding import store as vector_store
from jobmatch.embedding.base import Embedder
from jobmatch.embedding.texts import posting_text
from jobmatch.postings.schemas import PostingOut
from jobmatch.search.holder import IndexHolder
from jobmatch.search.sync import apply_postings, remove_postings


def reflect(session: Session, *, index: IndexHolder, embedder: Embedder, postings: list[PostingOut]) -> None:
    """Embed (through the store) and apply; other processes pick the change up from the database."""
    vectors = vector_store.embed(session, embedder=embedder, texts=[posting_text(p) for p in postings])
    snapshot = index.snapshot
    if snapshot is not None and snapshot.model_id == embedder.model_id:
        apply_postings(snapshot, postings, {p.id: vectors[i] for i, p in enumerate(postings)})


def forget(*, index: IndexHolder, posting_ids: list[int]) -> None:
    snapshot = index.snapshot
    if snapshot is not None:
        remove_postings(snapshot, posting_ids)
