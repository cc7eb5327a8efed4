"""One servable version of the index: the corpus of one build, the changes applied since, and its cached rankings."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from jobmatch.search.corpus import Corpus

SYNC_OVERLAP = timedelta(seconds=10)
"""A transaction that began earlier may commit later: the change feed looks this far back for rows it has not applied."""
RANKINGS_CACHED = 32
"""Rankings kept per process (each holds a few MB of per-row arrays); paging and explanations reuse them."""


class CachedRanking(Protocol):
    key: str
    generation: int


class RankingCache:
    """The most recently used rankings, by (query key, corpus generation)."""

    def __init__(self, size: int = RANKINGS_CACHED) -> None:
        self._size = size
        self._items: OrderedDict[tuple[str, int], Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, generation: int) -> Any:
        with self._lock:
            found = self._items.get((key, generation))
            if found is not None:
                self._items.move_to_end((key, generation))
            return found

    def put(self, ranking: CachedRanking) -> None:
        with self._lock:
            self._items[(ranking.key, ranking.generation)] = ranking
            self._items.move_to_end((ranking.key, ranking.generation))
            while len(self._items) > self._size:
                self._items.popitem(last=False)


@dataclass
class IndexSnapshot:
    """A loaded index version plus the changes applied to it since it was built."""

    version: str
    built_at: datetime
    model_id: str
    dim: int
    corpus: Corpus
    watermark: tuple[datetime, int]
    """The change feed's position: the next read starts after this (updated_at, id)."""
    deletions_seen: datetime
    settled: tuple[datetime, int] | None = None
    """The watermark whose overlap window was last read after every transaction in it had committed: until the
    watermark moves, nothing can commit late behind it."""
    rankings: RankingCache = field(default_factory=RankingCache)
    extras: dict[str, Any] = field(default_factory=dict)
    """Per-version caches other packages keep here (the stay prior per row)."""

    @property
    def posting_count(self) -> int:
        return self.corpus.live_count

    @property
    def index_kind(self) -> str:
        return self.corpus.dense.kind
