"""All SQL for seekers."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, literal, or_, select, true, tuple_
from sqlalchemy import update as update_statement
from sqlalchemy.orm import Session

from jobmatch.auth.principal import Principal, Role
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


def readable_by(principal: Principal) -> ColumnElement[bool]:
    """The seekers a caseworker may read, as SQL: the rule `caseworker_refusal` checks row by row. Nobody for others."""
    if principal.role is not Role.CASEWORKER:
        return literal(False)
    return SeekerRow.caseworker_access.is_(True) & (
        SeekerRow.protected.is_(False) if not principal.protected_access else true()
    ) & or_(SeekerRow.assigned_caseworker == principal.subject, SeekerRow.assigned_unit.in_(sorted(principal.units)))


def readable_page(
    session: Session, principal: Principal, *, before: tuple[datetime, uuid.UUID] | None, limit: int,
) -> list[SeekerRow]:
    """Newest profile first; `before` is the (created_at, id) of the last row of the previous page."""
    statement = select(SeekerRow).where(readable_by(principal))
    if before is not None:
        created_at, seeker_id = literal(before[0], SeekerRow.created_at.type), literal(before[1], SeekerRow.id.type)
        statement = statement.where(tuple_(SeekerRow.created_at, SeekerRow.id) < tuple_(created_at, seeker_id))
    return list(session.scalars(statement.order_by(SeekerRow.created_at.desc(), SeekerRow.id.desc()).limit(limit)))
