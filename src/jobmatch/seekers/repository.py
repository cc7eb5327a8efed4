"""All SQL for seekers."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy import update as update_statement
from sqlalchemy.orm import Session

from jobmatch.db.tables import SeekerRow


def get(session: Session, seeker_id: uuid.UUID) -> SeekerRow | None:
    return session.get(SeekerRow, seeker_id)


def get_for_update(session: Session, seeker_id: uuid.UUID) -> SeekerRow | None:
    """The row as committed now (not as this session first loaded it), locked FOR UPDATE."""
    return session.get(SeekerRow, seeker_id, with_for_update=True, populate_existing=True)


def add(session: Session, values: dict[str, Any]) -> SeekerRow:
    row = SeekerRow(**values)
    session.add(row)
    session.flush()
    return row


def update(session: Session, row: SeekerRow, values: dict[str, Any]) -> SeekerRow:
    for key, value in values.items():
        setattr(row, key, value)
    session.flush()
    return row


def remove(session: Session, row: SeekerRow) -> None:
    """Delete the row (the database deletes what references it); as an ORM delete, so session events see it."""
    session.delete(row)
    session.flush()


def get_by_subject(session: Session, subject_ref: str) -> SeekerRow | None:
    return session.scalar(select(SeekerRow).where(SeekerRow.subject_ref == subject_ref))


def touch(session: Session, seeker_id: uuid.UUID, *, now: datetime) -> None:
    """Record activity without moving `updated_at`, which tells when the profile last changed."""
    session.execute(
        update_statement(SeekerRow).where(SeekerRow.id == seeker_id).values(last_active_at=now, updated_at=SeekerRow.updated_at),
        execution_options={"synchronize_session": False},
    )


def inactive_since(session: Session, cutoff: datetime, *, limit: int) -> list[SeekerRow]:
    statement = select(SeekerRow).where(SeekerRow.last_active_at < cutoff).order_by(SeekerRow.last_active_at).limit(limit)
    return list(session.scalars(statement))


def count_inactive_since(session: Session, cutoff: datetime) -> int:
    return int(session.scalar(select(func.count()).select_from(SeekerRow).where(SeekerRow.last_active_at < cutoff)) or 0)
