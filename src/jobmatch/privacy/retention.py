"""Retention: erase profiles nobody has used for longer than the configured period."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from jobmatch.seekers import repository as seekers_repository
from jobmatch.seekers import service as seekers_service

logger = logging.getLogger(__name__)

BATCH = 500


def purge_inactive(session_factory: sessionmaker[Session], *, days: int, dry_run: bool = False, now: datetime | None = None) -> int:
    """Erase, as `DELETE /v1/seekers/{id}` does, every seeker with no activity since `now - days`; returns how many."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    if dry_run:
        with session_factory() as session:
            return seekers_repository.count_inactive_since(session, cutoff)
    purged = 0
    while True:
        with session_factory.begin() as session:  # one transaction per batch: a long purge holds no long locks
            rows = seekers_repository.inactive_since(session, cutoff, limit=BATCH)
            for row in rows:
                seekers_service.delete(session, seeker_id=row.id)
        purged += len(rows)
        if len(rows) < BATCH:
            break
    logger.info("purged %d seekers inactive since %s", purged, cutoff.date().isoformat())
    return purged
