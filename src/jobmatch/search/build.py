"""Build a new index version from PostgreSQL: embed what changed, build, write, verify."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from jobmatch.db.tables import PostingRow
from jobmatch.embedding import store as vector_store
from jobmatch.embedding.base import Embedder
from jobmatch.embedding.texts import posting_text
from jobmatch.index.faiss_index import build_index, hnsw_of
from jobmatch.lexical.tfidf import LexicalIndex
from jobmatch.postings import repository as postings_repository
from jobmatch.postings.service import to_out
from jobmatch.search.documents import posting_terms
from jobmatch.search.encode import EncodeExecutor, LocalExecutor
from jobmatch.search.versions import IndexStore, Manifest, VersionError, load_folder, new_version_name

logger = logging.getLogger(__name__)

READ_CHUNK = 2_000
PAUSE_AT_ENV = "JOBMATCH_REINDEX_PAUSE_AT"


@dataclass
class BuildStats:
    postings: int = 0
    embeddings_reused: int = 0
    embeddings_computed: int = 0
    expired_deactivated: int = 0
    seconds_reading: float = 0.0
    seconds_encoding: float = 0.0
    seconds_indexing: float = 0.0
    seconds_verifying: float = 0.0


@dataclass(frozen=True)
class Built:
    version: str
    folder: Path
    manifest: Manifest
    stats: BuildStats


Progress = Callable[[int], None]


def pause_point(stage: str) -> None:
    """Crash-test hook: with JOBMATCH_REINDEX_PAUSE_AT=<stage> the run announces the stage on stderr and waits to be killed."""
    if os.environ.get(PAUSE_AT_ENV) == stage:
        print(f"\nreindex paused at {stage}", file=sys.stderr, flush=True)
        time.sleep(3600)


def active_postings(session: Session, *, now: datetime) -> Iterator[list[PostingRow]]:
    """Active postings in id order, a chunk at a time, so memory holds one chunk of rows."""
    query = select(PostingRow).where(postings_repository.is_active(now)).order_by(PostingRow.id)
    chunk: list[PostingRow] = []
    for row in session.scalars(query.execution_options(yield_per=READ_CHUNK)):
        chunk.append(row)
        if len(chunk) == READ_CHUNK:
            yield chunk
            for done in chunk:  # not expunge_all(): that replaces the identity map the open yield_per result still loads into
                session.expunge(done)
            chunk = []
    if chunk:
        yield chunk


def embed_chunk(
    session_factory: sessionmaker[Session],
    *,
    embedder: Embedder,
    executor: EncodeExecutor,
    texts: list[str],
    full: bool,
    batch_size: int,
    stats: BuildStats,
) -> npt.NDArray[np.float32]:
    """Vectors for texts: stored ones reused (unless `full`), the rest encoded and stored batch by batch."""
    keys = [vector_store.content_key(text, kind="passage") for text in texts]
    with session_factory() as session:
        found = {} if full else vector_store.fetch(session, model_id=embedder.model_id, hashes=keys)
    missing = list({key: text for key, text in zip(keys, texts, strict=True) if key not in found}.items())
    stats.embeddings_reused += len(set(keys)) - len(missing)
    batches = [missing[start : start + batch_size] for start in range(0, len(missing), batch_size)]
    started = time.perf_counter()
    for batch, vectors in zip(batches, executor.encode_batches([[text for _, text in b] for b in batches]), strict=True):
        with session_factory.begin() as session:  # each batch is kept: a killed run resumes from here
            vector_store.put(session, model_id=embedder.model_id, keys=[key for key, _ in batch], vectors=vectors)
        found.update(zip((key for key, _ in batch), vectors, strict=True))
        stats.embeddings_computed += len(batch)
        pause_point("embedding")
    stats.seconds_encoding += time.perf_counter() - started
    return np.stack([found[key] for key in keys]) if keys else np.empty((0, embedder.dim), np.float32)


def build_version(
    session_factory: sessionmaker[Session],
    *,
    embedder: Embedder,
    index_store: IndexStore,
    full: bool = False,
    batch_size: int = 256,
    executor: EncodeExecutor | None = None,
    progress: Progress | None = None,
) -> Built:
    """Build, write and verify a new version in a fresh folder; it is published but not yet current."""
    executor = executor or LocalExecutor(embedder)
    stats = BuildStats()
    with session_factory.begin() as session:
        now = session.scalar(select(func.now())) or datetime.now(UTC)
        stats.expired_deactivated = len(postings_repository.deactivate_expired(session, now=now))
    ids: list[int] = []
    vector_parts: list[npt.NDArray[np.float32]] = []
    terms: list[str] = []
    with session_factory() as reader:
        started = time.perf_counter()
        for chunk in active_postings(reader, now=now):
            postings = [to_out(row, now=now) for row in chunk]
            stats.seconds_reading += time.perf_counter() - started
            vector_parts.append(
                embed_chunk(
                    session_factory,
                    embedder=embedder,
                    executor=executor,
                    texts=[posting_text(p) for p in postings],
                    full=full,
                    batch_size=batch_size,
                    stats=stats,
                )
            )
            ids.extend(p.id for p in postings)
            terms.extend(posting_terms(p) for p in postings)
            if progress is not None:
                progress(len(postings))
            started = time.perf_counter()
    stats.postings = len(ids)

    pause_point("indexing")
    started = time.perf_counter()
    id_array = np.asarray(ids, dtype=np.int64)
    vectors = np.concatenate(vector_parts) if vector_parts else np.empty((0, embedder.dim), np.float32)
    dense = build_index(id_array, vectors)
    lexical = LexicalIndex.fit(ids, terms)
    stats.seconds_indexing = time.perf_counter() - started

    version = new_version_name()
    folder = index_store.begin_build()
    manifest = Manifest(
        version=version,
        built_at=datetime.now(UTC).isoformat(),
        model_id=embedder.model_id,
        dim=embedder.dim,
        count=len(ids),
        watermark=now.isoformat(),
        index_kind="hnsw" if hnsw_of(dense) is not None else "flat",
    )
    index_store.write(folder, dense=dense, lexical=lexical, manifest=manifest)
    pause_point("written")
    started = time.perf_counter()
    verify(folder, model_id=embedder.model_id, expected_count=len(ids), probes=_probes(id_array, vectors, terms))
    stats.seconds_verifying = time.perf_counter() - started
    final = index_store.publish(folder, version)
    return Built(version=version, folder=final, manifest=manifest, stats=stats)


def _probes(ids: npt.NDArray[np.int64], vectors: npt.NDArray[np.float32], terms: list[str]) -> list[tuple[int, Any, str]]:
    if not len(ids):
        return []
    picks = np.linspace(0, len(ids) - 1, num=min(5, len(ids)), dtype=int)
    return [(int(ids[i]), vectors[i], terms[i]) for i in picks]


def verify(folder: Path, *, model_id: str, expected_count: int, probes: list[tuple[int, Any, str]]) -> None:
    """Reload what was written and ask it canary questions: each probe posting must find itself."""
    snapshot = load_folder(folder, model_id=model_id)
    if snapshot.dense.count() != expected_count:
        raise VersionError(f"built index holds {snapshot.dense.count()} postings, the database has {expected_count}")
    for posting_id, vector, text in probes:
        dense_ids = [hit[0] for hit in snapshot.dense.search_one(vector, 10)]
        lexical_ids = [doc for doc, _ in snapshot.lexical.search(text, 50)]
        if posting_id not in dense_ids:
            raise VersionError(f"canary failed: posting {posting_id} is not among its own 10 nearest vectors")
        if posting_id not in lexical_ids:
            raise VersionError(f"canary failed: posting {posting_id} is not found by its own terms")
    if expected_count == 0:
        logger.warning("index built with no active postings")
