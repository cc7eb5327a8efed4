"""All SQL for candidate search: the seeker change feed, and the page's seekers and the posting's dismissals."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select, tuple_
from sqlalchemy.orm import Session

from jobmatch.db.tables import SeekerRow
from jobmatch.search.snapshot import SYNC_OVERLAP

KEY_COLUMNS = (SeekerRow.id, SeekerRow.profile_hash, SeekerRow.findable, SeekerRow.caseworker_access, SeekerRow.protected,
               SeekerRow.assigned_unit, SeekerRow.assigned_caseworker)
SEARCHABLE = (SeekerRow.findable.is_(True), SeekerRow.caseworker_access.is_(True))


def changed_after(session: Session, watermark: tuple[datetime, uuid.UUID] | None, *, limit: int) -> Sequence[SeekerRow]:
    """Seekers by (updated_at, id) after the watermark: the change feed's next read."""
    statement = select(SeekerRow).order_by(SeekerRow.updated_at, SeekerRow.id).limit(limit)
    if watermark is not None:
        statement = statement.where(tuple_(SeekerRow.updated_at, SeekerRow.id) > tuple_(*watermark))  # type: ignore[arg-type]
    return session.scalars(statement).all()


def keys_behind(session: Session, watermark: tuple[datetime, uuid.UUID]) -> Sequence[Any]:
    """What the side compares of seekers inside the overlap window behind the watermark (late commits land there)."""
    after_time, after_id = watermark
    return session.execute(select(*KEY_COLUMNS).where(
        SeekerRow.updated_at >= after_time - SYNC_OVERLAP,
        or_(SeekerRow.updated_at < after_time, and_(SeekerRow.updated_at == after_time, SeekerRow.id <= after_id)),
    )).all()


def rows_of(session: Session, seeker_ids: Iterable[uuid.UUID]) -> Sequence[SeekerRow]:
    return session.scalars(select(SeekerRow).where(SeekerRow.id.in_(list(seeker_ids)))).all()


def searchable_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(SeekerRow).where(*SEARCHABLE)) or 0)


def searchable_ids(session: Session) -> set[uuid.UUID]:
    return set(session.scalars(select(SeekerRow.id).where(*SEARCHABLE)))
