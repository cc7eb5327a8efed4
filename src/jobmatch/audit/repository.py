"""All SQL for the audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch.db.tables import AuditRow


def add(session: Session, values: dict[str, Any]) -> AuditRow:
    row = AuditRow(**values)
    session.add(row)
    session.flush()
    return row


def page(session: Session, *, seeker_ref: str, before_id: int | None, limit: int) -> list[AuditRow]:
    """Newest first."""
    statement = select(AuditRow).where(AuditRow.seeker_ref == seeker_ref)
    if before_id is not None:
        statement = statement.where(AuditRow.id < before_id)
    return list(session.scalars(statement.order_by(AuditRow.id.desc()).limit(limit)))
