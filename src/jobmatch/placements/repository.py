"""All SQL for placements and follow-ups."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch.db.tables import FollowUpRow, PlacementRow


def add(session: Session, values: dict[str, Any]) -> PlacementRow:
    row = PlacementRow(**values)
    session.add(row)
    session.flush()
    return row


def get(session: Session, placement_id: int, *, for_update: bool = False) -> PlacementRow | None:
    return session.get(PlacementRow, placement_id, with_for_update=for_update)


def find(session: Session, *, seeker_id: uuid.UUID, posting_id: int) -> PlacementRow | None:
    statement = select(PlacementRow).where(PlacementRow.seeker_id == seeker_id, PlacementRow.posting_id == posting_id)
    return session.scalars(statement).first()


def follow_ups(session: Session, placement_id: int) -> list[FollowUpRow]:
    statement = select(FollowUpRow).where(FollowUpRow.placement_id == placement_id).order_by(FollowUpRow.month)
    return list(session.scalars(statement))


def add_follow_up(session: Session, values: dict[str, Any]) -> FollowUpRow:
    row = FollowUpRow(**values)
    session.add(row)
    session.flush()
    return row
