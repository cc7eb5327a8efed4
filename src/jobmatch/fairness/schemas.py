"""Pydantic I/O for audit attributes and the fairness report."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from jobmatch.storable import StoredText


class AgeBand(StrEnum):
    UNDER_25 = "under_25"
    FROM_25_TO_34 = "25_34"
    FROM_35_TO_49 = "35_49"
    FROM_50 = "50_plus"


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


class FollowUpGroup(StrEnum):
    """NAV's innsatsgrupper: how much follow-up the seeker gets."""

    STANDARD = "standard"
    SITUATIONAL = "situational"
    SPECIALLY_ADAPTED = "specially_adapted"
    PERMANENTLY_ADAPTED = "permanently_adapted"


class AuditAttributes(StoredText):
    """Group membership for the fairness report only: stored apart from the profile and never used to rank."""

    model_config = ConfigDict(extra="forbid")

    age_band: AgeBand | None = None
    gender: Gender | None = None
    follow_up_group: FollowUpGroup | None = None


class AuditAttributesOut(AuditAttributes):
    seeker_id: uuid.UUID
    updated_at: datetime


class GroupExposure(BaseModel):
    group: str
    members: int = Field(description="Seekers in the group (see `population`).")
    exposure: float = Field(description="The group's summed exposure, 1/log2(1 + rank) per item served.")
    mean_exposure: float = Field(description="exposure / members.")
    impact_ratio: float | None = Field(description="mean_exposure / the best-served group's; null when nobody was served.")


class DimensionReport(BaseModel):
    dimension: str = Field(description="age_band, gender or follow_up_group.")
    groups: list[GroupExposure]
    suppressed_groups: int = Field(description="Groups left out for having fewer members than `min_group_size`.")


class ListReport(BaseModel):
    list_kind: str
    population: str = Field(description="Who counts as a member of a group for this list.")
    items_served: int
    dimensions: list[DimensionReport]


class VersionReport(BaseModel):
    index_version: str
    candidates: ListReport = Field(description="Seekers shown in candidate lists.")
    matches: ListReport = Field(description="Postings shown in match lists, by the group of the seeker they were shown to.")


class FairnessReport(BaseModel):
    generated_at: datetime
    min_group_size: int
    exposure: str = "1 / log2(1 + rank)"
    versions: list[VersionReport]
