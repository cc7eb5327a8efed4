"""HTTP routes a seeker uses about themself: their profile, who looked at it, and their say over access."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from jobmatch.audit import service as audit
from jobmatch.audit.schemas import AccessLogPage
from jobmatch.auth.rules import Rule, access
from jobmatch.auth.seekers import OwnProfileDep
from jobmatch.deps import AccessDep, SessionDep
from jobmatch.errors import InvalidRequest, NotFound, PayloadTooLarge
from jobmatch.etags import tagged
from jobmatch.seekers import service as seekers_service
from jobmatch.seekers.schemas import Preferences, SeekerOut

router = APIRouter(prefix="/me", tags=["me"])


@router.get("", response_model=SeekerOut, **access(Rule.SEEKER_SELF, errors=(NotFound,)))
def my_profile(seeker: OwnProfileDep, response: Response) -> SeekerOut:
    """The calling seeker's profile (its `id` is the one the other seeker routes take), with its `ETag`."""
    out = seekers_service.to_out(seeker)
    tagged(response, out)
    return out


@router.get("/access-log", response_model=AccessLogPage, **access(Rule.SEEKER_SELF, errors=(NotFound, InvalidRequest)))
def my_access_log(
    seeker: OwnProfileDep, session: SessionDep, access_context: AccessDep,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> AccessLogPage:
    """Who looked at (or was refused) my data, when, what and why; newest first."""
    return audit.access_log(session, seeker_ref=access_context.pseudonyms.seeker(seeker.id), cursor=cursor, limit=limit)


@router.get("/preferences", response_model=Preferences, **access(Rule.SEEKER_SELF, errors=(NotFound,)))
def my_preferences(seeker: OwnProfileDep) -> Preferences:
    return seekers_service.preferences(seeker)


@router.put("/preferences", response_model=Preferences, **access(Rule.SEEKER_SELF, errors=(NotFound, InvalidRequest, PayloadTooLarge)))
def set_my_preferences(seeker: OwnProfileDep, preferences: Preferences, session: SessionDep) -> Preferences:
    """Objection and consent, effective at once: `findable` for candidate searches, `caseworker_access` for reads."""
    return seekers_service.preferences(seekers_service.set_preferences(session, seeker, preferences=preferences))
