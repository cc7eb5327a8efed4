"""All SQL for postings."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Text, bindparam, cast, column, delete, func, literal_column, or_, select, tuple_
from sqlalchemy import update as sql_update
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.dml import ReturningInsert

from jobmatch.db.tables import PostingRow
from jobmatch.vocab import PostingStatus

LOADABLE_FROM = datetime(2, 1, 1, tzinfo=UTC)
LOADABLE_UNTIL = datetime(9998, 12, 31, tzinfo=UTC)

UPSERT_COLUMNS = (
    "title", "description", "employer", "locations", "occupations", "skills", "extent", "workload_percent",
    "engagement_type", "sector", "remote", "work_hours", "salary", "published_at", "expires_at", "application_due",
    "status", "municipality_codes", "municipality_names", "occupation_codes", "content_hash", "raw",
)


def is_active(now: datetime) -> ColumnElement[bool]:
    """Active means marked active and not past `expires_at`."""
    return (PostingRow.status == PostingStatus.ACTIVE.value) & (
        PostingRow.expires_at.is_(None) | (PostingRow.expires_at > now)
    )


def loadable() -> ColumnElement[bool]:
    """Stored times the driver can turn into Python datetimes in any session time zone (years 2 to 9998)."""
    def within(when: InstrumentedAttribute[datetime | None]) -> ColumnElement[bool]:
        return when.is_(None) | when.between(LOADABLE_FROM, LOADABLE_UNTIL)

    return within(PostingRow.published_at) & within(PostingRow.expires_at)


def unloadable(session: Session, *, limit: int = 1_000) -> list[tuple[int, datetime]]:
    """(id, updated_at) of rows with stored times the driver cannot load."""
    query = select(PostingRow.id, PostingRow.updated_at).where(~loadable()).order_by(PostingRow.id).limit(limit)
    return [(int(row[0]), row[1]) for row in session.execute(query)]


def get(session: Session, posting_id: int) -> PostingRow | None:
    return session.get(PostingRow, posting_id)


def get_for_update(session: Session, posting_id: int) -> PostingRow | None:
    return session.get(PostingRow, posting_id, with_for_update=True, populate_existing=True)


def get_by_key(session: Session, *, source: str, external_id: str) -> PostingRow | None:
    return session.scalars(
        select(PostingRow).where(PostingRow.source == source, PostingRow.external_id == external_id)
    ).one_or_none()


def add(session: Session, values: dict[str, Any]) -> PostingRow:
    row = PostingRow(**values)
    session.add(row)
    session.flush()
    return row


def update(session: Session, row: PostingRow, values: dict[str, Any]) -> PostingRow:
    for key, value in values.items():
        setattr(row, key, value)
    session.flush()
    return row


def remove(session: Session, posting_id: int) -> bool:
    return session.execute(delete(PostingRow).where(PostingRow.id == posting_id).returning(PostingRow.id)).first() is not None


def page(
    session: Session, *, now: datetime, after_id: int, limit: int, status: PostingStatus | None,
    municipality: str | None, occupation_code: str | None, loadable_only: bool = False,
) -> Sequence[PostingRow]:
    query = select(PostingRow).where(PostingRow.id > after_id)
    if loadable_only:
        query = query.where(loadable())
    if status is not None:
        query = query.where(is_active(now) if status is PostingStatus.ACTIVE else ~is_active(now))
    if municipality is not None:
        query = query.where(
            or_(
                PostingRow.municipality_codes.contains([municipality]),
                PostingRow.municipality_names.contains([municipality.casefold()]),
            )
        )
    if occupation_code is not None:
        query = query.where(PostingRow.occupation_codes.contains([occupation_code]))
    return session.scalars(query.order_by(PostingRow.id).limit(limit)).all()


def upsert_many(session: Session, rows: list[dict[str, Any]]) -> list[tuple[int, bool]]:
    """Insert or update on (source, external_id); rows whose content hash is unchanged are left alone.

    Returns (id, created) for each row written; rows not returned were unchanged.
    """
    if not rows:
        return []
    batch = json.dumps(rows, ensure_ascii=False, separators=(",", ":"), default=_iso_datetime)
    return [(int(row[0]), bool(row[1])) for row in session.execute(_upsert_statement(), {"rows": batch})]


def _iso_datetime(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


@cache
def _upsert_statement() -> ReturningInsert[tuple[int, bool]]:
    """The batch arrives as one JSON array, unpacked by `jsonb_to_recordset`.

    A multi-row VALUES list would carry 24 bind parameters per row (24,000 per batch) that SQLAlchemy compiles
    and psycopg re-parses on every batch; this statement is compiled once and its text stays the same.
    """
    table = PostingRow.metadata.tables[PostingRow.__tablename__]  # Core, not ORM: an ORM insert takes the params as rows
    names = ("source", "external_id", *UPSERT_COLUMNS)
    incoming = (
        func.jsonb_to_recordset(cast(bindparam("rows", type_=Text), JSONB))
        .table_valued(*(column(name, table.c[name].type) for name in names))
        .render_derived(name="incoming", with_types=True)
    )
    statement = insert(table).from_select(list(names), select(*(incoming.c[name] for name in names)))
    return statement.on_conflict_do_update(
        index_elements=[table.c.source, table.c.external_id],
        set_={name: statement.excluded[name] for name in UPSERT_COLUMNS} | {"updated_at": func.now()},
        where=table.c.content_hash != statement.excluded.content_hash,
    ).returning(table.c.id, literal_column("(xmax = 0)"))


def deactivate_expired(session: Session, *, now: datetime) -> list[int]:
    """Mark postings past `expires_at` inactive; returns their ids."""
    result = session.execute(
        sql_update(PostingRow)
        .where(PostingRow.status == PostingStatus.ACTIVE.value, PostingRow.expires_at <= now)
        .values(status=PostingStatus.INACTIVE.value)
        .returning(PostingRow.id)
    )
    return [int(row[0]) for row in result]



def deactivate_keys(session: Session, keys: list[tuple[str, str]]) -> list[int]:
    """Mark the postings with these (source, external_id) inactive and drop their contact data; returns the ids that changed.

    A withdrawn ad may have been stopped and masked at its source: its contact persons (`contactList` of the raw ad)
    are not kept.
    """
    if not keys:
        return []
    result = session.execute(
        sql_update(PostingRow)
        .where(
            tuple_(PostingRow.source, PostingRow.external_id).in_(keys),
            or_(PostingRow.status == PostingStatus.ACTIVE.value, PostingRow.raw.has_key("contactList")),
        )
        # A new hash, so the same ad sent again later (re-published) is written, not skipped as unchanged.
        .values(status=PostingStatus.INACTIVE.value, updated_at=func.now(), content_hash="withdrawn",
                raw=PostingRow.raw.op("-", return_type=JSONB)("contactList"))
        .returning(PostingRow.id)
    )
    return [int(row[0]) for row in result]


def get_many(session: Session, posting_ids: Sequence[int]) -> Sequence[PostingRow]:
    return session.scalars(select(PostingRow).where(PostingRow.id.in_(posting_ids)).order_by(PostingRow.id)).all()
