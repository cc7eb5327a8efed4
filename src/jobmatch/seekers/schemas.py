"""Pydantic I/O for seekers."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Self

# Strict numbers and booleans: JSON `true` is not a number and `0` not a boolean, as the schema says.
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, model_validator

from jobmatch.postings.schemas import Occupation
from jobmatch.storable import IsoDate, StoredText
from jobmatch.vocab import EngagementType, Extent, Importance, Remote, Sector, StayFactor, WorkHours

ShortText = Annotated[str, Field(max_length=500)]


class Experience(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, Field(min_length=1, max_length=500)]
    description: Annotated[str, Field(max_length=10_000)] = ""
    years: Annotated[StrictFloat, Field(ge=0, le=70)] | None = None


class SeekerSkill(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=200)]
    level: Annotated[StrictInt, Field(ge=1, le=5, description="Self-rated, 1 (beginner) to 5 (expert).")] = 3
    wants_to_use: StrictBool = True


class WishedLocation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    postal_code: Annotated[str, Field(pattern=r"^\d{4}$")] | None = None
    municipality: ShortText | None = None
    max_distance_km: Annotated[StrictFloat, Field(gt=0, le=2_000)] | None = None

    @model_validator(mode="after")
    def _somewhere(self) -> Self:
        if self.postal_code is None and self.municipality is None:
            raise ValueError("a wished location needs a postal_code or a municipality")
        return self


class Wishes(BaseModel):
    model_config = ConfigDict(extra="forbid")

    occupations: Annotated[list[Occupation], Field(max_length=50)] = []
    locations: Annotated[list[WishedLocation], Field(max_length=20)] = []
    extent: Extent | None = None
    engagement_types: list[EngagementType] = []
    remote: list[Remote] = []
    sectors: list[Sector] = []
    work_hours: list[WorkHours] = []
    earliest_start: IsoDate | None = None
    min_salary_nok: Annotated[
        StrictInt, Field(ge=0, le=10_000_000, description="Lowest yearly pay (NOK) the seeker accepts.")
    ] | None = None


class NotForMe(BaseModel):
    """What the seeker never wants to see: a hard filter."""

    model_config = ConfigDict(extra="forbid")

    occupations: Annotated[list[Occupation], Field(max_length=100)] = []
    employers: Annotated[list[ShortText], Field(max_length=100)] = []
    keywords: Annotated[list[Annotated[str, Field(min_length=2, max_length=100)]], Field(max_length=100)] = []


StayFactors = dict[StayFactor, Importance]


class SeekerIn(StoredText):
    """A seeker's whole profile (PUT and POST)."""

    model_config = ConfigDict(extra="forbid")

    summary: Annotated[str, Field(max_length=10_000)] = ""
    experience: Annotated[list[Experience], Field(max_length=100)] = []
    education: Annotated[list[ShortText], Field(max_length=50)] = []
    skills: Annotated[list[SeekerSkill], Field(max_length=200)] = []
    wishes: Wishes = Wishes()
    not_for_me: NotForMe = NotForMe()
    stay_factors: StayFactors = Field(
        default_factory=dict,
        description="Stay factor → importance. Factors: " + ", ".join(StayFactor) + ". Levels: " + ", ".join(Importance),
    )
    use_stay_prior: StrictBool = Field(
        default=True,
        description="Let the stay prior (how long people placed in similar jobs stayed) move my matches; false: it never does.",
    )


class SeekerPatch(StoredText):
    """Top-level fields to replace; fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    summary: Annotated[str, Field(max_length=10_000)] | None = None
    experience: Annotated[list[Experience], Field(max_length=100)] | None = None
    education: Annotated[list[ShortText], Field(max_length=50)] | None = None
    skills: Annotated[list[SeekerSkill], Field(max_length=200)] | None = None
    wishes: Wishes | None = None
    not_for_me: NotForMe | None = None
    stay_factors: StayFactors | None = None
    use_stay_prior: StrictBool | None = None


class SeekerOut(SeekerIn):
    id: uuid.UUID
    created_at: datetime
    updated_at: datetime


class SeekerListItem(BaseModel):
    """One line of a caseworker's list: enough to pick the seeker, nothing more."""

    id: uuid.UUID
    headline: str = Field(description="Up to three wished occupations, or the first words of the summary when none is wished.")
    updated_at: datetime = Field(description="When the profile last changed.")


class SeekerListPage(BaseModel):
    items: list[SeekerListItem]
    next_cursor: str | None = Field(description="Pass as `cursor` to get the next page; null on the last page.")


class SeekerCreate(SeekerIn):
    """A new profile. A seeker creates their own (leave `person` out); a caseworker names the person it is for."""

    person: Annotated[str, Field(min_length=1, max_length=100, description=(
        "Caseworkers only: the person's identifier, as their token's seeker claim carries it (e.g. TokenX `pid`)."
    ))] | None = None
    unit: Annotated[str, Field(min_length=1, max_length=20, description=(
        "Caseworkers only: which of their units the seeker is assigned to (default: their first)."
    ))] | None = None

    def profile(self) -> SeekerIn:
        return SeekerIn.model_validate(self.model_dump(exclude={"person", "unit"}))


class Preferences(BaseModel):
    """The seeker's say over who finds and reads them; each change applies to the next request."""

    model_config = ConfigDict(extra="forbid")

    findable: StrictBool = Field(description="Caseworkers' and employers' candidate searches may find me.")
    caseworker_access: StrictBool = Field(description="Caseworkers assigned to me may read my profile and matches.")


class Assignment(StoredText):
    """Where a seeker is followed up, and whether their address is protected (admin)."""

    model_config = ConfigDict(extra="forbid")

    unit: Annotated[str, Field(min_length=1, max_length=20)] | None = None
    caseworker: Annotated[str, Field(min_length=1, max_length=50)] | None = None
    protected: StrictBool = False


class AssignmentOut(Assignment):
    seeker_id: uuid.UUID
