"""All SQL for seekers."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from jobmatch.db.tables import SeekerRow


def get(session: Session, seeker_id: uuid.UUID) -> SeekerRow | None:
    return session.get(SeekerRow, seeker_id)


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


def remove(session: Session, seeker_id: uuid.UUID) -> bool:
    statement = delete(SeekerRow).where(SeekerRow.id == seeker_id).returning(SeekerRow.id)
    return session.execute(statement).first() is not None
