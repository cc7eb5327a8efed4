"""One servable version of the index: dense vectors and lexical terms of the same postings, built together."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from jobmatch.index.live import LiveIndex
from jobmatch.lexical.tfidf import LexicalIndex

SYNC_OVERLAP = timedelta(seconds=10)
"""Syncs re-read this far behind the newest change seen: a transaction that began earlier may commit later."""


@dataclass
class IndexSnapshot:
    """A loaded index version plus the changes applied to it since it was built."""

    version: str
    built_at: datetime
    model_id: str
    dim: int
    dense: LiveIndex
    lexical: LexicalIndex
    watermark: datetime
    """The next sync reads postings updated at or after this instant."""
    applied: dict[int, str] = field(default_factory=dict)
    """Content hash of each posting applied since the build, so a change is applied once."""
    pending: set[int] = field(default_factory=set)
    """Postings applied lexically that still wait for a vector."""
    lock: threading.RLock = field(default_factory=threading.RLock)

    @property
    def posting_count(self) -> int:
        return len(self.lexical)
