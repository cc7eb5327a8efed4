"""A per-principal token bucket, in process: enough for one replica; a shared store would be needed for many."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from jobmatch.errors import RateLimited

MAX_KEYS = 100_000


class RateLimiter:
    def __init__(self, *, per_minute: int, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def check(self, key: str) -> None:
        """Take one token for `key`, or raise `RateLimited` with the seconds until one is back."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                wait = math.ceil((1.0 - tokens) / self.rate)
                raise RateLimited(f"too many requests; try again in {wait} s", headers={"Retry-After": str(wait)})
            self._buckets[key] = (tokens - 1.0, now)
            if len(self._buckets) > MAX_KEYS:
                self._forget_idle(now)

    def _forget_idle(self, now: float) -> None:
        """Buckets that have refilled are the same as absent ones."""
        full_after = self.burst / self.rate
        self._buckets = {key: value for key, value in self._buckets.items() if now - value[1] < full_after}
