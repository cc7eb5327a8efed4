"""Stored postings that cannot be read: each is logged once per process and counted, never allowed to fail a request."""

from __future__ import annotations

import logging
import threading
from datetime import datetime

logger = logging.getLogger(__name__)

# Older rows may predate the boundary rules; a few hundred are worth a line each, a flood is not.
MAX_REMEMBERED = 10_000


class UnreadableRows:
    """How many unreadable rows were skipped (the metric), and which row versions were logged already."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._logged: set[tuple[int, datetime]] = set()
        self.skipped = 0

    def skip(self, posting_id: int, updated_at: datetime, reason: str) -> None:
        """Count one skip; log the first for each version of the row (a row changed and still bad is logged again)."""
        with self._lock:
            self.skipped += 1
            first = (posting_id, updated_at) not in self._logged and len(self._logged) < MAX_REMEMBERED
            if first:
                self._logged.add((posting_id, updated_at))
        if first:
            logger.error("posting %d cannot be read and is skipped until it is fixed or deleted: %s", posting_id, reason)


unreadable_postings = UnreadableRows()
