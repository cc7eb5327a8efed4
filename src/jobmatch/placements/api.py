"""HTTP routes for placements and their 3-, 6- and 12-month follow-ups."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from jobmatch.auth.rules import Rule, access
from jobmatch.deps import PrincipalDep, SessionDep
from jobmatch.errors import Conflict, InvalidRequest, NotFound, PayloadTooLarge
from jobmatch.placements import service
from jobmatch.placements.schemas import FollowUpIn, PlacementIn, PlacementOut

router = APIRouter(prefix="/placements", tags=["placements"])

PlacementId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The placement's id.")]
ERRORS = (NotFound, Conflict, InvalidRequest, PayloadTooLarge)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=PlacementOut, **access(Rule.ADMIN, errors=ERRORS))
def create_placement(placement: PlacementIn, principal: PrincipalDep, session: SessionDep) -> PlacementOut:
    """Record that a seeker started in the job a posting advertised (from the case-management system)."""
    return service.create(session, principal=principal, placement=placement)


@router.post("/{placement_id}/follow-ups", status_code=status.HTTP_201_CREATED, response_model=PlacementOut,
             **access(Rule.ADMIN, errors=ERRORS))
def add_follow_up(placement_id: PlacementId, follow_up: FollowUpIn, principal: PrincipalDep, session: SessionDep) -> PlacementOut:
    """Whether the person still worked there 3, 6 or 12 months after the start, and if not, why."""
    return service.add_follow_up(session, principal=principal, placement_id=placement_id, follow_up=follow_up)
