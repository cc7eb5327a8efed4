"""HTTP to the feed: bearer token, conditional page requests, and patient retries.

    FeedError                  the feed cannot be followed now (the run stops; its position is kept)
    ├── FeedRefused            401/403/404 or another 4xx: retrying will not help
    └── FeedUnavailable        429, 5xx or the network, still failing after every retry
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import httpx

from jobmatch.feed.protocol import FIRST_PAGE, FeedPage, MalformedFeedData, parse_page
from jobmatch.metrics.instruments import count_feed_request, count_feed_retry

logger = logging.getLogger(__name__)


class FeedError(Exception):
    pass


class FeedRefused(FeedError):
    pass


class FeedUnavailable(FeedError):
    pass


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """`Retry-After` as delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class FeedClient:
    def __init__(
        self, base_url: str, *, token: Callable[[], str], transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0, max_attempts: int = 8, backoff_seconds: float = 1.0, max_backoff_seconds: float = 300.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self.token = token
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self.sleep = sleep
        logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request would be one per ad
        self._http = httpx.Client(transport=transport, timeout=timeout, headers={"Accept": "application/json"})

    def close(self) -> None:
        self._http.close()

    def url(self, relative: str) -> str:
        return urljoin(self.base_url, relative.lstrip("/"))

    def page(self, relative: str, *, etag: str | None = None, last_modified: str | None = None) -> FeedPage | None:
        """The page, or None for 304 Not Modified (nothing new since `etag` / `last_modified`) and for an empty feed."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        first = relative == FIRST_PAGE
        response = self._get("page", relative, headers, missing_ok=first)
        if response.status_code == 304 or (first and response.status_code == 404):  # the feed has no page yet: empty
            return None
        return parse_page(_json(response), etag=response.headers.get("ETag"), last_modified=response.headers.get("Last-Modified"))

    def entry(self, relative: str) -> Any | None:
        """The entry's JSON, or None when the feed no longer has it (404)."""
        response = self._get("entry", relative, {}, missing_ok=True)
        return None if response.status_code == 404 else _json(response)

    def _get(self, kind: str, relative: str, headers: dict[str, str], *, missing_ok: bool = False) -> httpx.Response:
        url = self.url(relative)
        for attempt in range(1, self.max_attempts + 1):
            try:
                response = self._http.get(url, headers={**headers, "Authorization": f"Bearer {self.token().strip()}"})
            except httpx.TransportError as error:
                count_feed_request(kind=kind, status="network")
                reason, wait = "network", self._backoff(attempt)
                detail = f"{type(error).__name__}: {error}"
            else:
                count_feed_request(kind=kind, status=response.status_code)
                status = response.status_code
                if status < 400 or (missing_ok and status == 404):
                    return response
                if status != 429 and status < 500:
                    raise FeedRefused(f"the feed answered {status} to GET {url}: {_hint(status)}")
                reason = "429" if status == 429 else "5xx"
                advised = retry_after_seconds(response.headers.get("Retry-After"))
                wait = min(advised, self.max_backoff_seconds) if advised is not None else self._backoff(attempt)
                detail = f"HTTP {status}"
            if attempt == self.max_attempts:
                raise FeedUnavailable(f"GET {url} failed {attempt} times, last with {detail}")
            count_feed_retry(reason=reason)
            logger.warning("feed: GET %s got %s; retrying in %.1f s (attempt %d of %d)", url, detail, wait, attempt,
                           self.max_attempts)
            self.sleep(wait)
        raise AssertionError("unreachable")

    def _backoff(self, attempt: int) -> float:
        base = min(self.max_backoff_seconds, self.backoff_seconds * 2.0 ** (attempt - 1))
        jitter: float = 0.5 + random.random() / 2  # noqa: S311  (jitter, not security)
        return base * jitter


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError as error:
        raise MalformedFeedData(f"GET {response.request.url} returned no JSON: {error}") from error


def _hint(status: int) -> str:
    return {
        401: "the token was refused; check --token-file (NAV's public token rotates)",
        403: "this token may not read the feed",
        404: "no such page; the stored position may belong to another feed",
    }.get(status, "not retried")
