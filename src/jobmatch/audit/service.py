"""Write audit records (a permit in the request's transaction, a refusal in its own) and read the access log."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session, sessionmaker

from jobmatch import cursors
from jobmatch.audit import repository
from jobmatch.audit.schemas import AccessLogEntry, AccessLogPage, Action, Decision
from jobmatch.auth.principal import Principal
from jobmatch.db.tables import AuditRow
from jobmatch.logs import request_id_var
from jobmatch.metrics.instruments import count_audit

cef_logger = logging.getLogger("jobmatch.audit.cef")

CEF_SEVERITY = {Decision.PERMIT: 3, Decision.DENY: 6}


def _values(
    principal: Principal, *, seeker_ref: str, action: Action, decision: Decision, purpose: str | None, reason: str | None,
    posting_id: int | None,
) -> dict[str, object]:
    return {
        "actor_role": principal.role.value, "actor_id": principal.subject, "actor_units": sorted(principal.units),
        "seeker_ref": seeker_ref, "action": action.value, "posting_id": posting_id, "purpose": purpose,
        "decision": decision.value, "reason": reason, "request_id": request_id_var.get(),
    }


def record(
    session: Session, principal: Principal, *, seeker_ref: str, action: Action, decision: Decision = Decision.PERMIT,
    purpose: str | None = None, reason: str | None = None, posting_id: int | None = None, cef: bool = True,
) -> AuditRow:
    """One audit record in the caller's transaction: no read without its record."""
    row = repository.add(session, _values(principal, seeker_ref=seeker_ref, action=action, decision=decision, purpose=purpose,
                                          reason=reason, posting_id=posting_id))
    count_audit(action=action.value, decision=decision.value)
    if cef:
        cef_logger.info("%s", cef_line(row))
    return row


def record_refusal(
    session_factory: sessionmaker[Session], principal: Principal, *, seeker_ref: str, action: Action, purpose: str | None,
    reason: str, posting_id: int | None = None, cef: bool = True,
) -> None:
    """A refusal in a transaction of its own: the request's is rolled back by the error that follows."""
    with session_factory.begin() as session:
        record(session, principal, seeker_ref=seeker_ref, action=action, decision=Decision.DENY, purpose=purpose,
               reason=reason, posting_id=posting_id, cef=cef)


def _cef_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("=", "\\=").replace("\r", " ").replace("\n", " ")


def cef_line(row: AuditRow) -> str:
    """ArcSight CEF: `suser` the employee, `duid` the seeker's pseudonym (never the seeker id)."""
    decision = Decision(row.decision)
    extension = {
        "suser": row.actor_id, "duid": row.seeker_ref, "act": row.action, "outcome": row.decision,
        "reason": row.reason or "", "cs1Label": "purpose", "cs1": row.purpose or "", "cs2Label": "units",
        "cs2": ",".join(row.actor_units), "requestClientApplication": "jobmatch", "externalId": row.request_id or "",
    }
    fields = " ".join(f"{key}={_cef_escape(str(value))}" for key, value in extension.items())
    return f"CEF:0|jobmatch|jobmatch|1.0|audit:{row.action}|Seeker data {row.action}|{CEF_SEVERITY[decision]}|{fields}"


def encode_cursor(before_id: int) -> str:
    return cursors.encode("a", before_id)


def decode_cursor(cursor: str | None) -> int | None:
    return cursors.decode("a", cursor, minimum=1)


def access_log(session: Session, *, seeker_ref: str, cursor: str | None, limit: int) -> AccessLogPage:
    rows = repository.page(session, seeker_ref=seeker_ref, before_id=decode_cursor(cursor), limit=limit + 1)
    items = [
        AccessLogEntry(at=row.at, who=row.actor_id, role=row.actor_role, units=row.actor_units, what=Action(row.action),
                       posting_id=row.posting_id, why=row.purpose, decision=Decision(row.decision), reason=row.reason)
        for row in rows[:limit]
    ]
    return AccessLogPage(items=items, next_cursor=encode_cursor(rows[limit - 1].id) if len(rows) > limit else None)
