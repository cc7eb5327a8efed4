"""Read the feed page by page and apply its ads, committing each chunk together with the position it reaches.

Because the postings of a chunk and the position after it are written in one transaction, a follower killed at any
point resumes exactly after the last committed item: nothing is lost and nothing is applied twice.
At the end of the feed (`next_url` null) the current page is polled again with `If-None-Match` / `If-Modified-Since`;
304 means nothing new, 200 the same page with more items, of which those already applied are skipped.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from jobmatch.feed import repository
from jobmatch.feed.client import FeedClient
from jobmatch.feed.protocol import FIRST_PAGE, Change, FeedItem, FeedPage, MalformedFeedData, Upsert, parse_entry, withdrawal
from jobmatch.metrics.instruments import count_postings
from jobmatch.postings import repository as postings
from jobmatch.postings.nav import Withdrawn
from jobmatch.postings.service import row_values

logger = logging.getLogger(__name__)

OUTCOMES = ("created", "updated", "unchanged", "deactivated", "skipped")


@dataclass
class FollowReport:
    pages: int = 0
    not_modified: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))

    def as_dict(self) -> dict[str, Any]:
        return {"pages": self.pages, "not_modified": self.not_modified, **self.counts}


@dataclass
class Follower:
    session_factory: sessionmaker[Session]
    client: FeedClient
    feed_url: str
    chunk_size: int = 100
    since: str | None = None
    """`If-Modified-Since` for the very first page request: start from ads changed after this instant."""
    report: FollowReport = field(default_factory=FollowReport)

    def run(self, *, once: bool, poll_seconds: float, stop: threading.Event | None = None) -> FollowReport:
        """Follow to the end of the feed; with `once` return there, otherwise poll every `poll_seconds` until `stop`."""
        stop = stop or threading.Event()
        while not stop.is_set():
            moved = self.step()
            if moved:
                continue
            if once:
                break
            stop.wait(poll_seconds)
        return self.report

    def step(self) -> bool:
        """Read the current page once and apply what is new; True when the position moved to a next page."""
        with self.session_factory.begin() as session:
            start = repository.position(session, self.feed_url)
            page_url, etag, last_modified, done = start.page_url, start.etag, start.last_modified, start.items_in_page
        if page_url is None and self.since and etag is None:
            last_modified = self.since
        page = self.client.page(page_url or FIRST_PAGE, etag=etag, last_modified=last_modified)
        if page is None:
            self.report.not_modified += 1
            return False
        self.report.pages += 1
        page_url = page.self_url or page_url  # the first page's own address: `/api/v1/feed` names whichever page is first
        fresh = page.items[done:]
        for offset in range(0, len(fresh), self.chunk_size):
            chunk = fresh[offset:offset + self.chunk_size]
            done += len(chunk)
            self._apply(chunk, page_url=page_url, page=page, items_in_page=done)
        if not fresh:  # nothing new, but keep the validators the feed sent for the next conditional request
            with self.session_factory.begin() as session:
                repository.advance(session, self.feed_url, page_url=page_url, etag=page.etag, last_modified=page.last_modified,
                                   items_in_page=done, applied=0, skipped=0)
        if page.next_url is None:
            return False
        with self.session_factory.begin() as session:
            repository.advance(session, self.feed_url, page_url=page.next_url, etag=None, last_modified=None, items_in_page=0,
                               applied=0, skipped=0)
        return True

    def _apply(self, chunk: list[FeedItem | MalformedFeedData], *, page_url: str | None, page: FeedPage, items_in_page: int) -> None:
        changes: dict[str, Change] = {}
        skipped = 0
        if items_in_page < len(page.items):  # validators only for a page applied to its end: a 304 must not hide the rest
            page = replace(page, etag=None, last_modified=None)
        for item in chunk:
            change = self._resolve(item)
            if change is None:
                skipped += 1
            else:
                key = _key(change)
                changes.pop(key, None)
                changes[key] = change  # the last change of an ad in the chunk is its state
        try:
            with self.session_factory.begin() as session:
                counts = _write(session, list(changes.values()))
                repository.advance(session, self.feed_url, page_url=page_url, etag=page.etag, last_modified=page.last_modified,
                                   items_in_page=items_in_page, applied=len(chunk) - skipped, skipped=skipped)
        except (IntegrityError, DataError) as error:
            # One ad the database refuses must not hold back the rest: apply them one by one, skipping the refused.
            logger.warning("feed: a chunk was refused (%s); applying its ads one by one", type(error.orig or error).__name__)
            counts = self._apply_one_by_one(list(changes.values()), page_url=page_url, page=page, items_in_page=items_in_page,
                                            applied=len(chunk) - skipped, skipped=skipped)
        counts["skipped"] = counts.get("skipped", 0) + skipped
        for outcome, count in counts.items():
            self.report.counts[outcome] += count
            count_postings(via="feed", outcome=outcome, count=count)

    def _apply_one_by_one(self, changes: list[Change], *, page_url: str | None, page: FeedPage, items_in_page: int,
                          applied: int, skipped: int) -> dict[str, int]:
        counts = dict.fromkeys(OUTCOMES, 0)
        refused = 0
        for change in changes:
            try:
                with self.session_factory.begin() as session:
                    for outcome, count in _write(session, [change]).items():
                        counts[outcome] += count
            except (IntegrityError, DataError) as error:
                refused += 1
                logger.error("feed: the database refused ad %s (%s); skipped", _key(change), type(error.orig or error).__name__)
        with self.session_factory.begin() as session:
            repository.advance(session, self.feed_url, page_url=page_url, etag=page.etag, last_modified=page.last_modified,
                               items_in_page=items_in_page, applied=applied - refused, skipped=skipped + refused)
        counts["skipped"] += refused
        return counts

    def _resolve(self, item: FeedItem | MalformedFeedData) -> Change | None:
        """The change an item makes, or None (logged) when the item or its entry is malformed or gone."""
        if isinstance(item, MalformedFeedData):
            logger.warning("feed: skipped a malformed item: %s", item)
            return None
        withdrawn = withdrawal(item)
        if withdrawn is not None:
            return withdrawn
        try:
            body = self.client.entry(item.url)
            if body is None:
                logger.warning("feed: entry %s is gone (404); skipped", item.uuid)
                return None
            return parse_entry(body, item=item)
        except MalformedFeedData as error:
            logger.warning("feed: skipped a malformed entry: %s", error)
            return None


def _key(change: Change) -> str:
    return change.posting.external_id if isinstance(change, Upsert) else change.external_id


def _write(session: Session, changes: list[Change]) -> dict[str, int]:
    upserts = [row_values(change.posting, raw=change.raw) for change in changes if isinstance(change, Upsert)]
    withdrawn = [(change.source, change.external_id) for change in changes if isinstance(change, Withdrawn)]
    written = postings.upsert_many(session, upserts)
    created = sum(1 for _, was_created in written if was_created)
    deactivated = postings.deactivate_keys(session, withdrawn)
    return {"created": created, "updated": len(written) - created, "unchanged": len(upserts) - len(written) + len(withdrawn)
            - len(deactivated), "deactivated": len(deactivated)}
