"""Pydantic I/O for postings."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from jobmatch.postings.sanitize import html_to_text
from jobmatch.storable import IsoDateTime, StoredText
from jobmatch.vocab import EngagementType, Extent, OccupationSystem, PostingStatus, Remote, Sector, WorkHours

ShortText = Annotated[str, Field(max_length=500)]


class Employer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ShortText
    orgnr: Annotated[str, Field(pattern=r"^\d{9}$")] | None = None


class Location(BaseModel):
    """Where the job is; at least one field must be given."""

    model_config = ConfigDict(extra="forbid")

    postal_code: Annotated[str, Field(pattern=r"^\d{4}$")] | None = None
    municipality: ShortText | None = None
    municipality_code: Annotated[str, Field(pattern=r"^\d{4}$")] | None = None
    county: ShortText | None = None
    country: ShortText | None = None
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        if all(value is None for value in self.model_dump().values()):
            raise ValueError("a location needs at least one field")
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("latitude and longitude come together")
        return self


class Occupation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    system: OccupationSystem
    code: Annotated[str, Field(min_length=1, max_length=200)]
    label: ShortText | None = None


class PostingIn(StoredText):
    """A posting as a client sends it."""

    model_config = ConfigDict(extra="forbid")

    source: Annotated[str, Field(min_length=1, max_length=100)] = "manual"
    external_id: Annotated[str, Field(min_length=1, max_length=200)]
    title: Annotated[str, Field(min_length=1, max_length=500)]
    description: Annotated[str, Field(max_length=100_000)] = ""
    employer: Employer | None = None
    locations: Annotated[list[Location], Field(max_length=50)] = []
    occupations: Annotated[list[Occupation], Field(max_length=50)] = []
    skills: Annotated[list[ShortText], Field(max_length=200)] = []
    extent: Extent | None = None
    workload_percent: Annotated[int, Field(ge=1, le=100)] | None = None
    engagement_type: EngagementType | None = None
    sector: Sector | None = None
    remote: Remote | None = None
    work_hours: list[WorkHours] = []
    salary: ShortText | None = None
    published_at: IsoDateTime | None = None
    expires_at: IsoDateTime | None = None
    application_due: ShortText | None = Field(default=None, description="A date, or free text such as 'snarest'.")
    status: PostingStatus = PostingStatus.ACTIVE

    @field_validator("description")
    @classmethod
    def _plain_text(cls, value: str) -> str:
        return html_to_text(value)

    @field_validator("title")
    @classmethod
    def _plain_title(cls, value: str) -> str:
        text = html_to_text(value).strip()
        if not text:
            raise ValueError("title is empty once HTML is removed")
        return text

    @field_validator("work_hours")
    @classmethod
    def _distinct(cls, value: list[WorkHours]) -> list[WorkHours]:
        return list(dict.fromkeys(value))


class PostingOut(PostingIn):
    id: int
    created_at: datetime
    updated_at: datetime


class PostingPage(BaseModel):
    items: list[PostingOut]
    next_cursor: str | None = Field(description="Pass as `cursor` to get the next page; null on the last page.")


class RejectedLine(BaseModel):
    line: int
    reason: str


class ImportReport(BaseModel):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejected_lines: list[RejectedLine] = []
    rejected_lines_truncated: bool = False
