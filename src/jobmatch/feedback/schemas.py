"""Pydantic I/O for feedback events and suggestions."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from jobmatch.matching.schemas import Words
from jobmatch.storable import StoredText
from jobmatch.vocab import Extent, Importance, StayFactor, WorkHours


class EventKind(StrEnum):
    SHOWN = "shown"
    OPENED = "opened"
    SAVED = "saved"
    DISMISSED = "dismissed"
    APPLIED = "applied"
    INTERVIEWED = "interviewed"
    HIRED = "hired"


class DismissReason(StrEnum):
    NOT_FOR_ME = "not_for_me"
    TOO_FAR = "too_far"
    WRONG_HOURS = "wrong_hours"
    WRONG_EXTENT = "wrong_extent"
    NOT_PERMANENT = "not_permanent"
    ALREADY_APPLIED = "already_applied"
    EXPIRED = "expired"
    OTHER = "other"


class EventIn(StoredText):
    """One thing the seeker did with a posting; a dismissal says why."""

    model_config = ConfigDict(extra="forbid")

    posting_id: Annotated[int, Field(ge=1, le=2**63 - 1)]
    kind: EventKind
    reason: DismissReason | None = Field(default=None, description="Why the posting was dismissed; only with `dismissed`.")
    note: Annotated[str, Field(min_length=1, max_length=500)] | None = Field(
        default=None, description="The reason in the seeker's own words; required with reason `other`, only with `dismissed`.",
    )

    @model_validator(mode="after")
    def _reason_goes_with_dismissed(self) -> Self:
        if self.kind is EventKind.DISMISSED and self.reason is None:
            raise ValueError("a dismissal needs a reason: " + ", ".join(DismissReason))
        if self.kind is not EventKind.DISMISSED and (self.reason is not None or self.note is not None):
            raise ValueError("`reason` and `note` belong to dismissals only")
        if self.reason is DismissReason.OTHER and not (self.note or "").strip():
            raise ValueError("reason `other` needs a `note` saying why")
        return self


class EventOut(BaseModel):
    id: int
    posting_id: int
    kind: EventKind
    reason: DismissReason | None
    note: str | None
    at: datetime


class EventPage(BaseModel):
    items: list[EventOut] = Field(description="Newest first.")
    next_cursor: str | None


class ProfileChange(BaseModel):
    """What accepting a suggestion changes in the profile; everything else stays as the seeker declared it."""

    model_config = ConfigDict(extra="forbid")

    stay_factors: dict[StayFactor, Importance] = Field(default={}, description="Factors set to these importances.")
    extent: Extent | None = Field(default=None, description="The wished extent, when it changes.")
    work_hours: list[WorkHours] | None = Field(default=None, description="The wished working hours, when they change.")


class SuggestionStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    OUTDATED = "outdated"


class SuggestionOut(BaseModel):
    id: uuid.UUID
    reason: DismissReason = Field(description="The dismissal reason the suggestion comes from.")
    status: SuggestionStatus = Field(description="outdated: the profile no longer says what the suggestion would change.")
    text: Words
    change: ProfileChange
    dismissals: int = Field(description="How many dismissals with this reason it rests on.")
    posting_ids: list[int] = Field(description="The dismissed postings.")
    created_at: datetime
    decided_at: datetime | None


class SuggestionList(BaseModel):
    items: list[SuggestionOut] = Field(description="Newest first.")


class EventRecorded(EventOut):
    suggestions: list[SuggestionOut] = Field(description="Suggestions this event created or strengthened (pending).")
