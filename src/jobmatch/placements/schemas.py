"""Pydantic I/O for placements and their follow-ups."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from jobmatch.storable import IsoDate, StoredText


class LeftBecause(StrEnum):
    """Why the person no longer works there."""

    CONTRACT_ENDED = "contract_ended"
    LET_GO = "let_go"
    WORKING_CONDITIONS = "working_conditions"
    COMMUTE = "commute"
    WORKING_HOURS = "working_hours"
    PAY = "pay"
    HEALTH = "health"
    NEW_JOB = "new_job"
    MOVED = "moved"
    EDUCATION = "education"
    OTHER = "other"


class PlacementIn(StoredText):
    model_config = ConfigDict(extra="forbid")

    seeker_id: uuid.UUID
    posting_id: Annotated[int, Field(ge=1, le=2**63 - 1)]
    start_date: IsoDate = Field(description="The first working day (an ISO date).")


class FollowUpIn(StoredText):
    model_config = ConfigDict(extra="forbid")

    month: Literal[3, 6, 12] = Field(description="Months after the start date.")
    employed: bool = Field(description="The person still works there (at this placement's employer).")
    reason: LeftBecause | None = Field(default=None, description="Why not, when `employed` is false.")

    @model_validator(mode="after")
    def _reason_when_left(self) -> Self:
        if self.employed and self.reason is not None:
            raise ValueError("`reason` is for people who no longer work there")
        if not self.employed and self.reason is None:
            raise ValueError("say why the person no longer works there: " + ", ".join(LeftBecause))
        return self


class FollowUpOut(FollowUpIn):
    recorded_at: datetime


class PlacementOut(BaseModel):
    id: int
    seeker_id: uuid.UUID
    posting_id: int | None
    start_date: date
    occupation_code: str | None = Field(description="The occupation group (4-digit STYRK-08) the stay prior counts it under.")
    region_code: str | None = Field(description="The municipality number the stay prior counts it under.")
    employer: str | None
    follow_ups: list[FollowUpOut]
    outcome: Literal["stayed", "left"] | None = Field(
        description="What the stay prior counts: the latest follow-up's answer; null before the first follow-up.",
    )
    created_at: datetime
