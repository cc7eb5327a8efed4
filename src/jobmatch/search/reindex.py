"""The nightly reindex: one run at a time, build beside the serving version, verify, switch atomically.

Exit codes (also the CLI's):
    0   done: a new version is current
    1   failed: nothing was switched, the previous version keeps serving
    3   the database schema is behind (run `jobmatch db upgrade`)
    75  another reindex holds the lock (EX_TEMPFAIL: try again later)
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from jobmatch.embedding.base import Embedder
from jobmatch.search.build import Progress, build_version, pause_point
from jobmatch.search.encode import EncodeExecutor
from jobmatch.search.versions import IndexStore, VersionError, atomic_write

logger = logging.getLogger(__name__)

LAST_RUN_FILE = "last_run.json"


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1
    SCHEMA_BEHIND = 3
    LOCKED = 75


class ReindexRunning(Exception):
    """Another reindex holds the lock."""


REFIT_MARK = "refit"
"""Written beside the pid by a serving process's own run (IndexHolder's refit): a reindex started meanwhile waits for it
instead of giving up, since an operator or a script that runs `jobmatch reindex` after an import expects a version."""


@contextmanager
def reindex_lock(index_store: IndexStore, *, refit: bool = False) -> Iterator[None]:
    """An exclusive, non-blocking lock; the kernel releases it if the holder dies. A run that is not a refit waits for a
    refit that holds the lock (see REFIT_MARK); any other holder makes it raise ReindexRunning."""
    index_store.root.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(index_store.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            holder = os.pread(descriptor, 64, 0).decode(errors="replace").strip() or "unknown"
            if refit or not holder.endswith(" " + REFIT_MARK):
                raise ReindexRunning(f"another reindex is running (pid {holder}); this run does nothing") from error
            logger.warning("a serving process is building a version for its grown corpus (pid %s): waiting for it", holder)
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, (f"{os.getpid()} {REFIT_MARK}" if refit else str(os.getpid())).encode(), 0)
        yield
    finally:
        os.close(descriptor)


def run_reindex(
    session_factory: sessionmaker[Session],
    *,
    embedder: Embedder,
    index_store: IndexStore,
    full: bool = False,
    compact: bool = False,
    keep: int = 3,
    batch_size: int = 256,
    executor: EncodeExecutor | None = None,
    progress: Progress | None = None,
    refit: bool = False,
) -> dict[str, Any]:
    """Build, verify and switch to a new index version; returns the run's summary (also kept on disk). `refit`: a serving
    process's own run (see `reindex_lock`)."""
    started = time.perf_counter()
    with reindex_lock(index_store, refit=refit):
        previous = index_store.current()
        built = build_version(
            session_factory,
            embedder=embedder,
            index_store=index_store,
            full=full,
            compact=compact,
            batch_size=batch_size,
            executor=executor,
            progress=progress,
        )
        pause_point("published")
        index_store.switch(built.version)
        pause_point("switched")
        pruned = index_store.prune(keep=keep)
        summary = {
            "index_version": built.version,
            "previous_version": previous,
            "finished_at": datetime.now(UTC).isoformat(),
            "seconds": round(time.perf_counter() - started, 3),
            "full": full,
            "model_id": built.manifest.model_id,
            "dim": built.manifest.dim,
            "index_kind": built.manifest.index_kind,
            "pruned_versions": pruned,
            **{key: round(value, 3) if isinstance(value, float) else value for key, value in asdict(built.stats).items()},
        }
        atomic_write(index_store.root / LAST_RUN_FILE, json.dumps(summary, indent=2))
    return summary


def last_run(index_store: IndexStore) -> dict[str, Any] | None:
    try:
        summary: dict[str, Any] = json.loads((index_store.root / LAST_RUN_FILE).read_text())
    except (OSError, ValueError):
        return None
    return summary


def rollback(index_store: IndexStore, *, model_id: str) -> str:
    """Make the newest version older than the current one current again, after checking it loads."""
    current = index_store.current()
    older = [name for name in index_store.versions() if current is None or name < current]
    if not older:
        raise VersionError(f"no version older than {current} to roll back to")
    target = older[-1]
    index_store.load(target, model_id=model_id)
    with reindex_lock(index_store):
        index_store.switch(target)
    return target
