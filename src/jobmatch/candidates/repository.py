"""All SQL for candidate search: which seekers a caller may find."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch.auth.principal import Principal, Role
from jobmatch.auth.seekers import caseworker_refusal
from jobmatch.db.tables import SeekerRow
from jobmatch.seekers.repository import readable_by


def findable_for(session: Session, principal: Principal) -> list[SeekerRow]:
    """Seekers who allow being found and whom this caseworker may see; nobody for any other caller.

    The filter is in SQL; `caseworker_refusal` then checks every row, so this can never show more than a read allows.
    """
    if principal.role is not Role.CASEWORKER:
        return []
    statement = select(SeekerRow).where(SeekerRow.findable.is_(True), readable_by(principal))
    rows = session.scalars(statement.order_by(SeekerRow.id))
    return [row for row in rows if caseworker_refusal(principal, row) is None]
