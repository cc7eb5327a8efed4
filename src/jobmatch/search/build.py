"""Build a new index version from PostgreSQL: embed what changed, build, write, verify."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import numpy.typing as npt
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from jobmatch.db.tables import PostingDeletionRow, PostingRow
from jobmatch.embedding import store as vector_store
from jobmatch.embedding.base import Embedder
from jobmatch.embedding.texts import posting_text
from jobmatch.lexical.tfidf import LexicalModel
from jobmatch.postings import repository as postings_repository
from jobmatch.postings.service import readable
from jobmatch.search import segments
from jobmatch.search.corpus import Corpus
from jobmatch.search.dense import DenseRows
from jobmatch.search.encode import EncodeExecutor, LocalExecutor
from jobmatch.search.facts import PostingFacts
from jobmatch.search.snapshot import SYNC_OVERLAP, IndexSnapshot
from jobmatch.search.sync import embed_pending, facts_for, sync_changes
from jobmatch.search.versions import FORMAT, IndexStore, Manifest, VersionError, check_files, load_folder, new_version_name

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
    incremental_from: str | None = None
    """The version this run started from (an incremental run), or None (a full build)."""
    postings_changed: int = 0
    segment: str = "base"
    """What this run wrote: `base` (every row: a full build or a compaction) or `delta` (only what changed)."""


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
    query = select(PostingRow).where(postings_repository.is_active(now), postings_repository.loadable()).order_by(PostingRow.id)
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


DEAD_ROWS_LIMIT = 0.3
"""An incremental run that would leave more than this share of dead rows builds from scratch instead."""
DELTA_ROWS_SHARE = 0.1
DELTA_ROWS_MIN = 1_000
"""An incremental run writes a delta while the rows after the base stay within this share of the base's rows (or
this many): they are searched exactly, outside the HNSW graph. Past it, the run compacts: it writes a fresh base."""
MAX_DELTAS = 20
"""A version holds at most this many deltas; the next run compacts them (each delta adds a block to every inverted index)."""
DELETIONS_KEPT = timedelta(days=1)


def build_version(
    session_factory: sessionmaker[Session],
    *,
    embedder: Embedder,
    index_store: IndexStore,
    full: bool = False,
    compact: bool = False,
    batch_size: int = 256,
    executor: EncodeExecutor | None = None,
    progress: Progress | None = None,
) -> Built:
    """Build, write and verify a new version in a fresh folder; it is published but not yet current.

    Without `full`, the current version is reused when it can be: the changes since it was built are applied through the
    change feed and only they are embedded, indexed and written (a delta segment beside the shared ones), so the cost
    follows the change, not the corpus. `compact` writes the result as a fresh base instead.
    """
    executor = executor or LocalExecutor(embedder)
    stats = BuildStats()
    with session_factory.begin() as session:
        now = session.scalar(select(func.now())) or datetime.now(UTC)
        stats.expired_deactivated = len(postings_repository.deactivate_expired(session, now=now))
        session.execute(delete(PostingDeletionRow).where(PostingDeletionRow.deleted_at < now - DELETIONS_KEPT))
    previous = None if full else _previous(index_store, embedder=embedder)
    snapshot = previous[0] if previous else None
    since = segments.mark(snapshot.corpus) if snapshot else None
    if snapshot is not None:
        stats.incremental_from = snapshot.version
        _catch_up(snapshot, session_factory, embedder=embedder, stats=stats)
        if snapshot.corpus.dead_share() > DEAD_ROWS_LIMIT or snapshot.corpus.outgrew_lexical_fit():
            snapshot = None
    delta_on: Manifest | None = None  # the previous version, when this run writes a delta on its segments
    if snapshot is None:
        stats.incremental_from = None
        corpus = _build_corpus(session_factory, embedder=embedder, executor=executor, full=full, batch_size=batch_size,
                               now=now, stats=stats, progress=progress)
        watermark = (now - SYNC_OVERLAP, 0)
    else:
        corpus, watermark = snapshot.corpus, snapshot.watermark
        stats.embeddings_reused = corpus.live_count - stats.embeddings_computed
        if previous and since and not compact and _fits_a_delta(previous[1], corpus, since):
            delta_on = previous[1]
        else:  # compaction: the rows after the base join its inverted indexes and graph
            started = time.perf_counter()
            corpus.fold()
            stats.seconds_indexing += time.perf_counter() - started
    stats.postings = corpus.live_count

    pause_point("indexing")
    version = new_version_name()
    folder = index_store.begin_build()
    manifest = Manifest(
        version=version,
        built_at=datetime.now(UTC).isoformat(),
        model_id=embedder.model_id,
        dim=embedder.dim,
        count=corpus.live_count,
        watermark=watermark[0].isoformat(),
        watermark_id=watermark[1],
        index_kind=corpus.dense.kind,
    )
    if delta_on is not None and since is not None:
        stats.segment = "delta"
        index_store.link_segments(folder, previous=delta_on)
        pause_point("linked")
        index_store.write_delta(folder, corpus=corpus, manifest=manifest, previous=delta_on, since=since)
    else:
        index_store.write_base(folder, corpus=corpus, manifest=manifest)
    pause_point("written")
    started = time.perf_counter()
    verify(folder, model_id=embedder.model_id, expected_count=corpus.live_count,
           delta_of=(corpus, since) if delta_on is not None and since is not None else None)
    stats.seconds_verifying = time.perf_counter() - started
    final = index_store.publish(folder, version)
    return Built(version=version, folder=final, manifest=manifest, stats=stats)


def _fits_a_delta(previous: Manifest, corpus: Corpus, since: segments.Mark) -> bool:
    """Whether this run can write a delta on the previous version's segments rather than a fresh base."""
    if previous.format != FORMAT or len(previous.segments) > MAX_DELTAS:
        return False
    base_rows = int(previous.segments[0]["rows"])
    return corpus.view().n - base_rows <= max(DELTA_ROWS_MIN, DELTA_ROWS_SHARE * base_rows) and segments.fits_a_delta(corpus, since)


def _previous(index_store: IndexStore, *, embedder: Embedder) -> tuple[IndexSnapshot, Manifest] | None:
    current = index_store.current()
    if current is None:
        return None
    try:
        return index_store.load(current, model_id=embedder.model_id), index_store.manifest(current)
    except VersionError as error:
        logger.warning("building from scratch: the current version cannot be reused (%s)", error)
        return None


def _catch_up(snapshot: IndexSnapshot, session_factory: sessionmaker[Session], *, embedder: Embedder, stats: BuildStats) -> None:
    started = time.perf_counter()
    with session_factory() as session:
        stats.postings_changed = sync_changes(snapshot, session).applied
    stats.seconds_reading += time.perf_counter() - started
    started = time.perf_counter()
    waiting = len(snapshot.corpus.waiting_for_vectors())
    while embed_pending(snapshot, session_factory, embedder=embedder, limit=256):
        pause_point("embedding")
    stats.embeddings_computed += waiting
    stats.seconds_encoding += time.perf_counter() - started


def _build_corpus(
    session_factory: sessionmaker[Session], *, embedder: Embedder, executor: EncodeExecutor, full: bool, batch_size: int,
    now: datetime, stats: BuildStats, progress: Progress | None,
) -> Corpus:
    facts: list[PostingFacts] = []
    vectors: dict[int, npt.NDArray[np.float32]] = {}
    with session_factory() as reader:
        started = time.perf_counter()
        for chunk in active_postings(reader, now=now):
            postings = readable(chunk, now=now)
            chunk_facts = facts_for(reader, postings, chunk)
            stats.seconds_reading += time.perf_counter() - started
            chunk_vectors = embed_chunk(session_factory, embedder=embedder, executor=executor,
                                        texts=[posting_text(p) for p in postings], full=full, batch_size=batch_size, stats=stats)
            facts.extend(chunk_facts)
            vectors.update(zip((p.id for p in postings), chunk_vectors, strict=True))
            if progress is not None:
                progress(len(postings))
            started = time.perf_counter()
    started = time.perf_counter()
    lexical_model, lexical_rows = LexicalModel.fit([f.lexical_text for f in facts])
    corpus = Corpus(lexical_model=lexical_model, dense=DenseRows.empty(embedder.dim))
    corpus.apply(facts, vectors, lexical_rows=lexical_rows)
    corpus.fold()
    stats.seconds_indexing += time.perf_counter() - started
    return corpus


def verify(folder: Path, *, model_id: str, expected_count: int, delta_of: tuple[Corpus, segments.Mark] | None = None) -> None:
    """Read back what was written and ask it canary questions: each probe posting must be found by its own vector and terms.

    A base is reloaded whole. A delta (`delta_of`: the corpus it was written from and the mark it starts at) is read
    back alone, checked against that corpus, and the canary asks the corpus: the segments it shares were checked when
    this run loaded them. Identical ads are common (chains, big employers): a probe passes when its own score equals
    the best score, ties included, not only when it is first.
    """
    if delta_of is None:
        corpus = load_folder(folder, model_id=model_id).corpus
    else:
        corpus, since = delta_of
        manifest = check_files(folder, model_id=model_id, newest_only=True)
        if manifest.count != corpus.live_count:
            raise VersionError(f"index {manifest.version}: the manifest counts {manifest.count} postings, not {corpus.live_count}")
        try:
            segments.check_delta(corpus, folder / manifest.segments[-1]["name"], since=since)
        except (OSError, ValueError, KeyError) as error:
            raise VersionError(f"index {manifest.version}: {error}") from error
    if corpus.live_count != expected_count:
        raise VersionError(f"built index holds {corpus.live_count} postings, expected {expected_count}")
    view = corpus.view()
    live = np.flatnonzero(view.alive)
    has_vector = corpus.column("has_vector", view.n)
    for row in live[np.linspace(0, len(live) - 1, num=min(5, len(live)), dtype=np.int64)] if len(live) else []:
        posting_id = int(corpus.column("ids", view.n)[row])
        if has_vector[row]:
            vector = corpus.dense.vectors.view()[row]
            _, scores = corpus.dense.search(vector, view.alive, 10)
            own = float(vector @ vector)
            if not len(scores) or own < float(scores[0]) - 1e-4:
                raise VersionError(f"canary failed: posting {posting_id} is not among its own nearest vectors")
        text = corpus.texts["lexical_texts"][row]
        cols, weights = corpus.lexical_model.query(text)
        if len(cols):
            lexical = corpus.sparse["lexical_rows"].accumulate(cols, weights, view.n)
            if float(lexical[row]) < float(lexical[view.alive].max()) - 1e-4:
                raise VersionError(f"canary failed: posting {posting_id} is not found by its own terms")
    if expected_count == 0:
        logger.warning("index built with no active postings")
