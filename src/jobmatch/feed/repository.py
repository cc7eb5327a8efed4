"""All SQL of the feed follower: its position, and a lock so one follower at a time reads a feed."""

from __future__ import annotations

import zlib
from collections.abc import Sequence

from sqlalchemy import Connection, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from jobmatch.db.tables import FeedPositionRow


def position(session: Session, feed_url: str, *, for_update: bool = False) -> FeedPositionRow:
    """The stored position (created at the feed's start on first use)."""
    session.execute(insert(FeedPositionRow).values(feed_url=feed_url, items_in_page=0, items_applied=0, items_skipped=0)
                    .on_conflict_do_nothing(index_elements=[FeedPositionRow.feed_url]))
    query = select(FeedPositionRow).where(FeedPositionRow.feed_url == feed_url).execution_options(populate_existing=True)
    return session.scalars(query.with_for_update() if for_update else query).one()


def advance(
    session: Session, feed_url: str, *, page_url: str | None, etag: str | None, last_modified: str | None,
    items_in_page: int, applied: int, skipped: int,
) -> FeedPositionRow:
    """Move the position, in the caller's transaction: the one that wrote the postings it accounts for."""
    row = position(session, feed_url, for_update=True)
    row.page_url, row.etag, row.last_modified, row.items_in_page = page_url, etag, last_modified, items_in_page
    row.items_applied += applied
    row.items_skipped += skipped
    row.updated_at = func.now()
    session.flush()
    return row


def all_positions(session: Session) -> Sequence[FeedPositionRow]:
    return session.scalars(select(FeedPositionRow).order_by(FeedPositionRow.feed_url)).all()


def try_lock(connection: Connection, feed_url: str) -> bool:
    """A session-level advisory lock on the feed, held until `connection` closes (also when the process dies)."""
    key = zlib.crc32(f"jobmatch-feed:{feed_url}".encode())
    return bool(connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}))
