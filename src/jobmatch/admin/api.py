"""HTTP routes for the `admin` scope: seeker assignment and protection (the index status is `GET /v1/index`)."""

from __future__ import annotations

from fastapi import APIRouter

from jobmatch.audit import service as audit
from jobmatch.audit.schemas import Action
from jobmatch.auth.rules import Rule, access
from jobmatch.auth.seekers import SeekerId
from jobmatch.deps import AccessDep, PrincipalDep, SessionDep
from jobmatch.errors import InvalidRequest, NotFound, PayloadTooLarge
from jobmatch.seekers import service as seekers_service
from jobmatch.seekers.schemas import Assignment, AssignmentOut

router = APIRouter(prefix="/admin", tags=["admin"])


@router.put("/seekers/{seeker_id}/assignment", response_model=AssignmentOut,
            **access(Rule.ADMIN, errors=(NotFound, InvalidRequest, PayloadTooLarge)))
def assign_seeker(
    seeker_id: SeekerId, assignment: Assignment, principal: PrincipalDep, session: SessionDep, access_context: AccessDep,
) -> AssignmentOut:
    """Assign a seeker to a unit and/or caseworker and mark a protected address (from the population register)."""
    row = seekers_service.assign(session, seeker_id=seeker_id, assignment=assignment)
    audit.record(session, principal, seeker_ref=access_context.pseudonyms.seeker(row.id), action=Action.ASSIGN,
                 cef=access_context.audit_cef)
    return seekers_service.assignment(row)
