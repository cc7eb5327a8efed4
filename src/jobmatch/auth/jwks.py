"""One issuer's published signing keys (JWKS), fetched off the request path.

A thread per issuer fetches the keys at start and then every `refresh_seconds`; a request only reads what was
fetched. A failed fetch keeps the last good keys and backs off (1 s, 2 s, 4 s … `max_backoff_seconds`), and a
request that finds no key for its `kid` can ask for one early refresh per `min_interval_seconds`, never more.
So a slow or dead identity provider costs its own issuer's logins a 503, and nobody else anything.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any

import jwt

logger = logging.getLogger(__name__)

MAX_JWKS_BYTES = 1024 * 1024
FETCH_TIMEOUT_SECONDS = 5.0


class KeysUnavailable(Exception):
    """No keys were ever fetched for this issuer (its endpoint is slow or down)."""


class KeyNotPublished(Exception):
    """The keys are current and none has this `kid`; `refreshing` tells whether a refresh was just asked for."""

    def __init__(self, *, refreshing: bool) -> None:
        super().__init__("no published key has this kid")
        self.refreshing = refreshing


def fetch_jwks(url: str) -> dict[str, Any]:
    """GET the JWKS document; bounded in time and size."""
    with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT_SECONDS) as response:  # noqa: S310  (the URL is configuration)
        body = response.read(MAX_JWKS_BYTES + 1)
    if len(body) > MAX_JWKS_BYTES:
        raise ValueError(f"the JWKS document is larger than {MAX_JWKS_BYTES} bytes")
    document: dict[str, Any] = json.loads(body)
    return document


def signing_keys(document: dict[str, Any]) -> dict[str | None, Any]:
    """kid → public key, for the keys meant for signatures."""
    key_set = jwt.PyJWKSet.from_dict(document)
    return {key.key_id: key.key for key in key_set.keys if key.public_key_use in (None, "sig")}


class JwksKeys:
    def __init__(
        self, url: str, *, fetch: Callable[[str], dict[str, Any]] = fetch_jwks, refresh_seconds: float = 300.0,
        min_interval_seconds: float = 30.0, max_backoff_seconds: float = 300.0, clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self.fetch = fetch
        self.refresh_seconds = refresh_seconds
        self.min_interval_seconds = min_interval_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self.clock = clock
        self.fetches = 0
        self._keys: dict[str | None, Any] | None = None
        self._failures = 0
        self._next_allowed = 0.0
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._first_attempt = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"jwks {url}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    def wait_for_first_fetch(self, timeout: float) -> bool:
        return self._first_attempt.wait(timeout)

    def key(self, kid: str | None) -> Any:
        """The key for `kid` (or the only key when the token names none); never waits on the network."""
        keys = self._keys
        if keys is None:
            self.ask_for_refresh()
            raise KeysUnavailable(self.url)
        if kid in keys:
            return keys[kid]
        if kid is None and len(keys) == 1:
            return next(iter(keys.values()))
        raise KeyNotPublished(refreshing=self.ask_for_refresh())

    def ask_for_refresh(self) -> bool:
        """Wake the fetcher early, unless it fetched (or failed) too recently; True when it was woken."""
        with self._lock:
            if self.clock() < self._next_allowed:
                return False
            self._next_allowed = self.clock() + self.min_interval_seconds
        self._wake.set()
        return True

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._refresh()
            self._first_attempt.set()
            wait = self.refresh_seconds if not self._failures else min(self.max_backoff_seconds, 2.0 ** (self._failures - 1))
            self._wake.wait(wait)
            self._wake.clear()

    def _refresh(self) -> None:
        self.fetches += 1
        try:
            keys = signing_keys(self.fetch(self.url))
        except Exception as error:  # a fetch can fail in many ways (network, HTTP, JSON, key format); all are retried
            self._failures += 1
            backoff = min(self.max_backoff_seconds, 2.0 ** (self._failures - 1))
            with self._lock:  # negative caching: no request wakes the fetcher before the back-off is over
                self._next_allowed = max(self._next_allowed, self.clock() + backoff)
            logger.warning("JWKS %s: fetch %d failed (%s); next try in %.0f s, last good keys kept", self.url, self._failures,
                           type(error).__name__, backoff)
            return
        self._keys, self._failures = keys, 0
