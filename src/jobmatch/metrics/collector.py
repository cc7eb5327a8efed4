"""What a process holds, read at scrape time: the served index, the last reindex, the change-feed lag, the NAV feed."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select, tuple_
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from jobmatch.db.tables import PostingRow
from jobmatch.metrics.reindex_runs import OUTCOMES, last_attempt
from jobmatch.search.holder import IndexHolder
from jobmatch.search.reindex import last_run
from jobmatch.search.snapshot import IndexSnapshot

logger = logging.getLogger(__name__)


def _gauge(name: str, documentation: str, value: float, labels: dict[str, str] | None = None) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, labels=list(labels or {}))
    family.add_metric(list((labels or {}).values()), value)
    return family


LAG_ROWS_READ = 10_000


def change_feed_lag_seconds(session: Session, snapshot: IndexSnapshot) -> float:
    """Age of the oldest posting change this process has not applied yet; 0 when it has applied them all.

    Rows after the change feed's position whose content the corpus already holds (a fresh build starts its position a
    little early) are not behind.
    """
    after_time, after_id = snapshot.watermark
    now, rows = session.scalar(select(func.now())), session.execute(
        select(PostingRow.id, PostingRow.content_hash, PostingRow.updated_at)
        .where(tuple_(PostingRow.updated_at, PostingRow.id) > tuple_(after_time, after_id))  # type: ignore[arg-type]
        .order_by(PostingRow.updated_at, PostingRow.id)
        .limit(LAG_ROWS_READ)
    ).all()
    known = snapshot.corpus.hash_of
    oldest = next((at for posting_id, content_hash, at in rows if known.get(posting_id, "").partition(":")[0] != content_hash), None)
    return max(0.0, (now - oldest).total_seconds()) if now is not None and oldest is not None else 0.0


class StateCollector(Collector):
    """Gauges computed from the scraping process's own state (one worker's view in multiprocess mode)."""

    def __init__(self, index: IndexHolder, session_factory: sessionmaker[Session]) -> None:
        self.index = index
        self.session_factory = session_factory

    def collect(self) -> Iterator[Metric]:
        yield from self._index()
        yield from self._reindex()
        try:
            with self.session_factory() as session:
                yield from self._database(session)
        except SQLAlchemyError as error:
            logger.warning("metrics: database gauges left out (%s)", type(error).__name__)

    def _index(self) -> Iterator[Metric]:
        snapshot = self.index.snapshot
        yield _gauge("jobmatch_index_loaded", "1 when this process serves an index version.", 1.0 if snapshot else 0.0)
        if snapshot is None:
            return
        yield _gauge("jobmatch_index_info", "The index version served, and its model.", 1.0,
                     {"version": snapshot.version, "model_id": snapshot.model_id})
        yield _gauge("jobmatch_index_built_timestamp_seconds", "When the served version was built.", snapshot.built_at.timestamp())
        yield _gauge("jobmatch_index_age_seconds", "Seconds since the served version was built.",
                     (datetime.now(UTC) - snapshot.built_at).total_seconds())
        yield _gauge("jobmatch_index_postings", "Postings searchable in the served version, changes since the build included.",
                     float(snapshot.posting_count))
        yield _gauge("jobmatch_index_postings_waiting_for_vectors", "Changed postings found by their terms, still without a vector.",
                     float(len(snapshot.corpus.waiting_for_vectors())))

    def _reindex(self) -> Iterator[Metric]:
        root = self.index.index_store.root
        success = last_run(self.index.index_store)
        if success is not None and success.get("finished_at"):
            finished = datetime.fromisoformat(str(success["finished_at"]))
            yield _gauge("jobmatch_reindex_last_success_timestamp_seconds", "When the last successful reindex finished.",
                         finished.timestamp())
        attempt = last_attempt(root)
        if attempt is not None:
            outcome = GaugeMetricFamily("jobmatch_reindex_last_outcome", "1 for the outcome of the last reindex run.",
                                        labels=["outcome"])
            for name in OUTCOMES:
                outcome.add_metric([name], 1.0 if attempt.outcome == name else 0.0)
            yield outcome
            yield _gauge("jobmatch_reindex_last_duration_seconds", "Wall time of the last reindex run.", attempt.seconds)
            yield _gauge("jobmatch_reindex_last_run_timestamp_seconds", "When the last reindex run ended.",
                         attempt.finished_at.timestamp())

    def _database(self, session: Session) -> Iterator[Metric]:
        from jobmatch.feed.repository import all_positions

        snapshot = self.index.snapshot
        if snapshot is not None:
            yield _gauge("jobmatch_change_feed_lag_seconds", "Age of the oldest posting change this process has not applied.",
                         change_feed_lag_seconds(session, snapshot))
        applied = GaugeMetricFamily("jobmatch_feed_items_applied", "Feed items the NAV feed follower has committed.",
                                    labels=["feed"])
        advanced = GaugeMetricFamily("jobmatch_feed_position_updated_timestamp_seconds",
                                     "When the NAV feed follower last committed its position.", labels=["feed"])
        for position in all_positions(session):
            applied.add_metric([position.feed_url], float(position.items_applied))
            advanced.add_metric([position.feed_url], position.updated_at.timestamp())
        yield applied
        yield advanced
