"""Filters a request may add on top of the seeker's own constraints (they are not saved)."""

from __future__ import annotations

from dataclasses import dataclass

from jobmatch.vocab import EngagementType, Extent, Remote, Sector


@dataclass(frozen=True)
class MatchFilters:
    municipality: str | None = None
    occupation: str | None = None
    extent: Extent | None = None
    engagement_type: EngagementType | None = None
    remote: Remote | None = None
    sector: Sector | None = None
