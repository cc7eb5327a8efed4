"""All SQL for feedback events and suggestions."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from jobmatch.db.tables import SeekerEventRow, SuggestionRow
from jobmatch.feedback.schemas import DismissReason, EventKind, SuggestionStatus

POSITIVE_KINDS = (EventKind.SAVED, EventKind.APPLIED, EventKind.INTERVIEWED, EventKind.HIRED)


def add_event(session: Session, values: dict[str, Any]) -> SeekerEventRow:
    row = SeekerEventRow(**values)
    session.add(row)
    session.flush()
    return row


def events_page(session: Session, *, seeker_id: uuid.UUID, before_id: int | None, limit: int) -> list[SeekerEventRow]:
    """Newest first."""
    statement = select(SeekerEventRow).where(SeekerEventRow.seeker_id == seeker_id)
    if before_id is not None:
        statement = statement.where(SeekerEventRow.id < before_id)
    return list(session.scalars(statement.order_by(SeekerEventRow.id.desc()).limit(limit)))


def dismissed_posting_ids(session: Session, *, seeker_id: uuid.UUID) -> frozenset[int]:
    statement = select(SeekerEventRow.posting_id).where(
        SeekerEventRow.seeker_id == seeker_id, SeekerEventRow.kind == EventKind.DISMISSED.value
    )
    return frozenset(session.scalars(statement))


def seekers_who_dismissed(session: Session, *, posting_id: int) -> set[uuid.UUID]:
    statement = select(SeekerEventRow.seeker_id).where(
        SeekerEventRow.posting_id == posting_id, SeekerEventRow.kind == EventKind.DISMISSED.value,
    )
    return set(session.scalars(statement))


def dismissed_since(session: Session, *, seeker_id: uuid.UUID, reason: DismissReason, since: datetime | None) -> list[int]:
    """Postings dismissed for this reason after `since`, each once, oldest first."""
    statement = (
        select(SeekerEventRow.posting_id)
        .where(SeekerEventRow.seeker_id == seeker_id, SeekerEventRow.kind == EventKind.DISMISSED.value,
               SeekerEventRow.reason == reason.value)
        .group_by(SeekerEventRow.posting_id)
        .order_by(func.min(SeekerEventRow.id))
    )
    if since is not None:
        statement = statement.where(SeekerEventRow.at > since)
    return list(session.scalars(statement))


def liked_posting_ids(session: Session, *, seeker_id: uuid.UUID) -> list[int]:
    statement = select(SeekerEventRow.posting_id).distinct().where(
        SeekerEventRow.seeker_id == seeker_id, SeekerEventRow.kind.in_([kind.value for kind in POSITIVE_KINDS])
    )
    return list(session.scalars(statement))


def last_decided_at(session: Session, *, seeker_id: uuid.UUID, reason: DismissReason) -> datetime | None:
    statement = select(func.max(SuggestionRow.decided_at)).where(
        SuggestionRow.seeker_id == seeker_id, SuggestionRow.reason == reason.value, SuggestionRow.decided_at.is_not(None)
    )
    decided: datetime | None = session.scalar(statement)
    return decided


def pending(session: Session, *, seeker_id: uuid.UUID, reason: DismissReason) -> SuggestionRow | None:
    statement = select(SuggestionRow).where(
        SuggestionRow.seeker_id == seeker_id, SuggestionRow.reason == reason.value,
        SuggestionRow.status == SuggestionStatus.PENDING.value,
    )
    return session.scalars(statement.order_by(SuggestionRow.created_at.desc()).limit(1)).first()


def add_suggestion(session: Session, values: dict[str, Any]) -> SuggestionRow:
    row = SuggestionRow(**values)
    session.add(row)
    session.flush()
    return row


def suggestions(session: Session, *, seeker_id: uuid.UUID) -> list[SuggestionRow]:
    statement = select(SuggestionRow).where(SuggestionRow.seeker_id == seeker_id)
    return list(session.scalars(statement.order_by(SuggestionRow.created_at.desc(), SuggestionRow.id)))


def suggestion(session: Session, *, seeker_id: uuid.UUID, suggestion_id: uuid.UUID) -> SuggestionRow | None:
    row = session.get(SuggestionRow, suggestion_id, with_for_update=True)
    return row if row is not None and row.seeker_id == seeker_id else None


def decide(session: Session, row: SuggestionRow, *, status: SuggestionStatus) -> SuggestionRow:
    """Record the decision at the database's clock, the one event times come from, so counting afresh compares like with like."""
    session.execute(
        update(SuggestionRow).where(SuggestionRow.id == row.id).values(status=status.value, decided_at=func.now()),
        execution_options={"synchronize_session": False},
    )
    session.refresh(row)
    return row
