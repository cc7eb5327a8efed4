"""All SQL for audit attributes and the exposure aggregates of the fairness report."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from jobmatch.db.tables import AuditAttributesRow, ExposureRow, SeekerRow
from jobmatch.fairness.exposures import ListKind

DIMENSIONS = ("age_band", "gender", "follow_up_group")


def put_attributes(session: Session, *, seeker_id: uuid.UUID, values: dict[str, Any]) -> AuditAttributesRow:
    statement = insert(AuditAttributesRow).values(seeker_id=seeker_id, **values)
    session.execute(statement.on_conflict_do_update(
        index_elements=[AuditAttributesRow.seeker_id], set_={**values, "updated_at": func.now()},
    ))
    row = session.get(AuditAttributesRow, seeker_id, populate_existing=True)
    assert row is not None  # noqa: S101  (just written)
    return row


def versions(session: Session) -> list[str]:
    return list(session.scalars(select(ExposureRow.index_version).distinct().order_by(ExposureRow.index_version)))


def items_served(session: Session, *, index_version: str, list_kind: ListKind) -> int:
    statement = select(func.count()).select_from(ExposureRow).where(
        ExposureRow.index_version == index_version, ExposureRow.list_kind == list_kind.value
    )
    return int(session.scalar(statement) or 0)


def exposure_by_group(session: Session, *, index_version: str, list_kind: ListKind, dimension: str) -> dict[str, float]:
    group = getattr(AuditAttributesRow, dimension)
    statement = (
        select(group, func.sum(ExposureRow.exposure))
        .join(AuditAttributesRow, AuditAttributesRow.seeker_id == ExposureRow.seeker_id)
        .where(ExposureRow.index_version == index_version, ExposureRow.list_kind == list_kind.value, group.is_not(None))
        .group_by(group)
    )
    return {str(name): float(total or 0.0) for name, total in session.execute(statement)}


def members_by_group(session: Session, *, index_version: str, list_kind: ListKind, dimension: str) -> dict[str, int]:
    """Seekers with the attribute; for candidate lists only those who could be shown: findable now, or shown in this version."""
    group = getattr(AuditAttributesRow, dimension)
    statement = select(group, func.count()).where(group.is_not(None)).group_by(group)
    if list_kind is ListKind.CANDIDATES:
        shown = select(ExposureRow.seeker_id).where(
            ExposureRow.index_version == index_version, ExposureRow.list_kind == list_kind.value
        )
        statement = statement.join(SeekerRow, SeekerRow.id == AuditAttributesRow.seeker_id).where(
            or_(SeekerRow.findable.is_(True), AuditAttributesRow.seeker_id.in_(shown))
        )
    return {str(name): int(count) for name, count in session.execute(statement)}
