"""The index version a process serves, swapped without a restart when a new one becomes current."""

from __future__ import annotations

import gc
import logging
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from sqlalchemy.orm import Session, sessionmaker

from jobmatch.embedding.base import Embedder
from jobmatch.errors import ServiceUnavailable
from jobmatch.search.snapshot import IndexSnapshot
from jobmatch.search.sync import embed_pending, sync_changes
from jobmatch.search.versions import IndexStore, VersionError

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
REFREEZE_RETRY_SECONDS = 60.0
"""While a replaced version is still held (by a request that was running when it was replaced), the served objects are
frozen again this often, until it is gone."""
REFIT_QUIET_SECONDS = 10.0
"""A refit waits until the change feed has brought nothing for this long: an import still running, or a reindex an
operator starts right after it, would otherwise race it for the reindex lock."""
Follower = Callable[[IndexSnapshot, "sessionmaker[Session]"], None]
"""Upkeep that depends on the served version (candidate search's seeker side): its own thread, so a long round of it
(reading every seeker at start, re-tuning them to a new version) never holds up the postings' change feed."""
Refit = Callable[[], object]
"""Builds, verifies and switches to a new version (a reindex); upkeep picks the version up as any other."""


class IndexHolder:
    """Holds the current snapshot; a request takes it once and uses that one version throughout.

    Requests never load or sync: a background thread (`start`) picks up new versions and applies the change feed.
    """

    _instances: ClassVar[weakref.WeakSet[IndexHolder]] = weakref.WeakSet()

    def __init__(self, index_store: IndexStore, *, model_id: str) -> None:
        self.index_store = index_store
        self.model_id = model_id
        self._snapshot: IndexSnapshot | None = None
        self._swap_lock = threading.Lock()
        self._refused: set[str] = set()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._tick_lock = threading.Lock()
        self._follow_lock = threading.Lock()
        self._upkeep: tuple[sessionmaker[Session], Embedder | None] | None = None
        self._followers: list[Follower] = []
        self._preparers: list[Follower] = []
        self._prepared: IndexSnapshot | None = None
        self._prepare_lock = threading.Lock()
        self._refit: Refit | None = None
        self._refitted: set[str] = set()
        self._changed_at = time.monotonic()
        self._freezes = False
        self._replaced: weakref.ref[IndexSnapshot] | None = None
        self._frozen_at = 0.0
        IndexHolder._instances.add(self)

    @classmethod
    def running(cls) -> list[IndexHolder]:
        """Every holder whose upkeep runs in this process."""
        return [holder for holder in list(cls._instances) if holder._upkeep is not None]

    def settle(self) -> None:
        """Run one round of upkeep now, as the background threads would (a new version, the change feed, the followers)."""
        if self._upkeep is not None:
            session_factory, embedder = self._upkeep
            self.tick(session_factory, embedder=embedder)
            self.follow_round(session_factory)

    @classmethod
    def at(cls, data_dir: Path, *, model_id: str) -> IndexHolder:
        return cls(IndexStore(data_dir / "index"), model_id=model_id)

    @property
    def snapshot(self) -> IndexSnapshot | None:
        return self._snapshot

    def require(self) -> IndexSnapshot:
        snapshot = self._snapshot
        if snapshot is None:
            raise ServiceUnavailable(
                "the search index is not built yet; run `jobmatch reindex`",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        return snapshot

    def install(self, snapshot: IndexSnapshot) -> None:
        self._snapshot = snapshot

    def reload_if_changed(self, session_factory: sessionmaker[Session] | None = None) -> bool:
        """Load the version named by CURRENT if it is not the one served; a bad version is refused and logged.

        With a session factory, the new version catches up with the change feed before it serves.
        """
        current = self.index_store.current()
        served = self._snapshot.version if self._snapshot else None
        if current is None or current == served or current in self._refused:
            return False
        with self._swap_lock:
            if self._snapshot is not None and self._snapshot.version == current:
                return False
            try:
                snapshot = self.index_store.load(current, model_id=self.model_id)
                if session_factory is not None:
                    with session_factory() as session:
                        sync_changes(snapshot, session)
            except (VersionError, OSError, ValueError) as error:
                self._refused.add(current)
                logger.error("refusing index version %s, still serving %s: %s", current, served, error)
                return False
            if session_factory is not None:
                try:
                    self._prepare(snapshot, session_factory)
                except Exception:  # the version is good; upkeep prepares it again
                    logger.exception("preparing index version %s failed; it serves, and upkeep retries", current)
            replaced, self._snapshot = self._snapshot, snapshot
        logger.info("now serving index version %s (was %s)", current, served)
        if self._freezes:
            self._replaced = weakref.ref(replaced) if replaced is not None else None
            del replaced
            self.freeze()
        return True

    def freeze_served(self) -> None:
        """For a serving process, whose start-up objects are frozen (`gc.freeze`): the served version is frozen with them,
        from now on each one, so that the collector's full passes do not walk its millions of objects (a p99 of 84 ms
        against 43 at 500k postings). A version that is replaced is unfrozen and collected as the new one is frozen."""
        self._freezes = True
        self.freeze()

    def freeze(self) -> None:
        """Unfreeze, collect what is no longer reachable (a replaced version and the rankings cached on it), freeze the rest."""
        started = time.perf_counter()
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self._frozen_at = time.monotonic()
        if self._replaced is not None and self._replaced() is None:
            self._replaced = None
        logger.info("froze the served objects in %.0f ms%s", 1000 * (time.perf_counter() - started),
                    "; the replaced version is still held" if self._replaced is not None else "")

    def _freeze_again_while_replaced_is_held(self) -> None:
        """A replaced version that was still in use when it was frozen stays frozen, and a frozen cycle (the version and
        the rankings cached on it) is never collected, even once nothing else holds it: only another round frees it."""
        if self._replaced is not None and time.monotonic() - self._frozen_at >= REFREEZE_RETRY_SECONDS:
            self.freeze()

    def follow(self, follower: Follower, *, before_serving: bool = False) -> None:
        """Run `follower` with the served snapshot in every round of the followers' upkeep (before `start`).

        `before_serving`: it also prepares every version before the version counts as ready (work a request would
        otherwise do, such as every row's stay prior): a new version is prepared before it replaces the served one.
        """
        self._followers.append(follower)
        if before_serving:
            self._preparers.append(follower)

    @property
    def ready(self) -> bool:
        """A version is served, and prepared."""
        snapshot = self._snapshot
        return snapshot is not None and (not self._preparers or self._prepared is snapshot)

    def prepare(self, session_factory: sessionmaker[Session]) -> None:
        """Prepare the served version once (the version a process starts with is loaded before the database is asked)."""
        snapshot = self._snapshot
        if snapshot is not None and self._prepared is not snapshot:
            self._prepare(snapshot, session_factory)

    def _prepare(self, snapshot: IndexSnapshot, session_factory: sessionmaker[Session]) -> None:
        with self._prepare_lock:
            if self._prepared is not snapshot:
                for preparer in self._preparers:
                    preparer(snapshot, session_factory)
                self._prepared = snapshot

    def follow_round(self, session_factory: sessionmaker[Session]) -> None:
        """One round of every follower, with the snapshot served now (none before there is one)."""
        with self._follow_lock:
            snapshot = self._snapshot
            if snapshot is not None:
                for follower in self._followers:
                    follower(snapshot, session_factory)

    def tick(self, session_factory: sessionmaker[Session], *, embedder: Embedder | None) -> None:
        """One round of upkeep: pick up a new version, apply changed postings, embed a few waiting ones."""
        with self._tick_lock:
            self.reload_if_changed(session_factory)
            snapshot = self._snapshot
            if snapshot is None:
                return
            with session_factory() as session:
                if sync_changes(snapshot, session).applied:
                    self._changed_at = time.monotonic()
            self.prepare(session_factory)
            if embedder is not None:
                embed_pending(snapshot, session_factory, embedder=embedder)
            self._refit_if_outgrown(snapshot)
            if self._freezes:
                self._freeze_again_while_replaced_is_held()

    def _refit_if_outgrown(self, snapshot: IndexSnapshot) -> None:
        """Once per version: when the feed has grown it far past its lexical fit (a fresh service, then a bulk import),
        every row has its vector and the feed has been quiet for REFIT_QUIET_SECONDS, build a version that fits it again,
        on a thread of its own, rather than serve a lexical channel that barely counts until the nightly reindex."""
        refit = self._refit
        corpus = snapshot.corpus
        if (refit is None or snapshot.version in self._refitted or not corpus.outgrew_lexical_fit()
                or corpus.waiting_for_vectors() or time.monotonic() - self._changed_at < REFIT_QUIET_SECONDS):
            return
        self._refitted.add(snapshot.version)

        def run() -> None:
            logger.info("version %s serves %d postings on a lexical fit of %d: building a new version", snapshot.version,
                        corpus.live_count, corpus.lexical_model.fitted_docs)
            try:
                refit()
            except Exception:
                logger.exception("building a version that fits the grown corpus failed; %s keeps serving", snapshot.version)

        thread = threading.Thread(target=run, name="index-refit", daemon=True)
        thread.start()
        self._threads.append(thread)

    def start(self, session_factory: sessionmaker[Session], *, embedder: Embedder | None, interval: float = 1.0,
              refit: Refit | None = None) -> None:
        """Run `tick` in a daemon thread, and the followers' rounds in another, until `stop`; with `refit`, a version
        grown far past its lexical fit is rebuilt (see `_refit_if_outgrown`)."""
        self._upkeep = (session_factory, embedder)
        self._refit = refit

        def every(interval: float, what: str, round_of_upkeep: Callable[[], None]) -> None:
            while not self._stop.wait(interval):
                try:
                    round_of_upkeep()
                except Exception:
                    logger.exception("%s failed; retrying in %.0f s", what, interval)  # what: the thread's name

        rounds: list[tuple[str, Callable[[], None]]] = [("index-upkeep", lambda: self.tick(session_factory, embedder=embedder))]
        if self._followers:
            rounds.append(("index-followers", lambda: self.follow_round(session_factory)))
        for name, round_of_upkeep in rounds:
            thread = threading.Thread(target=every, args=(interval, name, round_of_upkeep), name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._upkeep = None
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=10)
