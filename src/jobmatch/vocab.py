"""The closed vocabularies postings and seekers share."""

from __future__ import annotations

from enum import StrEnum


class OccupationSystem(StrEnum):
    STYRK08 = "STYRK08"
    ESCO = "ESCO"
    ISCO08 = "ISCO08"
    JANZZ = "JANZZ"


class Extent(StrEnum):
    FULL_TIME = "full_time"
    PART_TIME = "part_time"


class EngagementType(StrEnum):
    PERMANENT = "permanent"
    TEMPORARY = "temporary"
    SEASONAL = "seasonal"
    TRAINEE = "trainee"
    SELF_EMPLOYED = "self_employed"
    OTHER = "other"


class Sector(StrEnum):
    PUBLIC = "public"
    PRIVATE = "private"


class Remote(StrEnum):
    ONSITE = "onsite"
    HYBRID = "hybrid"
    REMOTE = "remote"


class WorkHours(StrEnum):
    DAY = "day"
    EVENING = "evening"
    NIGHT = "night"
    WEEKEND = "weekend"
    SHIFT = "shift"


class PostingStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"


class Importance(StrEnum):
    """How much a stay factor matters to the seeker; `must` makes it a hard constraint."""

    MUST = "must"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    NONE = "none"


class StayFactor(StrEnum):
    COMMUTE = "commute"
    PERMANENT = "permanent"
    EXTENT = "extent"
    WORK_HOURS = "work_hours"
    REMOTE = "remote"
    SECTOR = "sector"
    SALARY = "salary"
