"""HTTP routes for the `admin` scope: seeker assignment and protection, and the search index's status."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from jobmatch.audit import service as audit
from jobmatch.audit.schemas import Action
from jobmatch.auth.rules import Rule, access
from jobmatch.auth.seekers import SeekerId
from jobmatch.deps import AccessDep, IndexDep, PrincipalDep, SessionDep
from jobmatch.errors import InvalidRequest, NotFound, PayloadTooLarge
from jobmatch.search.reindex import last_run
from jobmatch.seekers import service as seekers_service
from jobmatch.seekers.schemas import Assignment, AssignmentOut

router = APIRouter(prefix="/admin", tags=["admin"])


class IndexStatus(BaseModel):
    current: str | None
    served: str | None
    versions: list[str]
    last_run: dict[str, Any] | None


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


@router.get("/index", response_model=IndexStatus, **access(Rule.ADMIN))
def index_status(index: IndexDep) -> IndexStatus:
    """The current index version, the one this process serves, the versions kept, and the last reindex."""
    store = index.index_store
    snapshot = index.snapshot
    return IndexStatus(current=store.current(), served=snapshot.version if snapshot else None, versions=store.versions(),
                       last_run=last_run(store))
