"""HTTP routes for a seeker's feedback on postings and the suggestions it leads to."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from jobmatch.auth.rules import Rule, access
from jobmatch.auth.seekers import OwnSeekerDep
from jobmatch.deps import EmbedderDep, SessionDep
from jobmatch.errors import Conflict, InvalidRequest, NotFound, PayloadTooLarge
from jobmatch.feedback import service
from jobmatch.feedback.schemas import EventIn, EventPage, EventRecorded, SuggestionList, SuggestionOut

router = APIRouter(prefix="/seekers/{seeker_id}", tags=["feedback"])

SuggestionId = Annotated[uuid.UUID, Path(description="The suggestion's id.")]


@router.post("/events", status_code=status.HTTP_201_CREATED, response_model=EventRecorded,
             **access(Rule.SEEKER_SELF, errors=(NotFound, InvalidRequest, PayloadTooLarge)))
def record_event(seeker: OwnSeekerDep, event: EventIn, session: SessionDep) -> EventRecorded:
    """What I did with a posting. A dismissed posting never comes back; some dismissal reasons lead to a suggestion."""
    return service.record(session, seeker=seeker, event=event)


@router.get("/events", response_model=EventPage, **access(Rule.SEEKER_SELF, errors=(NotFound, InvalidRequest)))
def list_events(
    seeker: OwnSeekerDep, session: SessionDep,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> EventPage:
    """My events, newest first."""
    return service.events(session, seeker=seeker, cursor=cursor, limit=limit)


@router.get("/suggestions", response_model=SuggestionList, **access(Rule.SEEKER_SELF, errors=(NotFound, InvalidRequest)))
def list_suggestions(seeker: OwnSeekerDep, session: SessionDep) -> SuggestionList:
    """Changes to my profile that my dismissals point to; nothing changes unless I accept one."""
    return service.list_suggestions(session, seeker=seeker)


@router.post("/suggestions/{suggestion_id}/accept", response_model=SuggestionOut,
             **access(Rule.SEEKER_SELF, errors=(NotFound, Conflict, InvalidRequest)))
def accept_suggestion(seeker: OwnSeekerDep, suggestion_id: SuggestionId, session: SessionDep, embedder: EmbedderDep) -> SuggestionOut:
    """Make the suggested change to my profile (409 when it was decided already or my profile says it already)."""
    return service.accept(session, seeker=seeker, suggestion_id=suggestion_id, embedder=embedder)


@router.post("/suggestions/{suggestion_id}/reject", response_model=SuggestionOut,
             **access(Rule.SEEKER_SELF, errors=(NotFound, Conflict, InvalidRequest)))
def reject_suggestion(seeker: OwnSeekerDep, suggestion_id: SuggestionId, session: SessionDep) -> SuggestionOut:
    """Turn the suggestion down; my profile stays as it is."""
    return service.reject(session, seeker=seeker, suggestion_id=suggestion_id)
