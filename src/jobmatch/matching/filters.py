"""Filters a request may add on top of the seeker's own constraints (they are not saved)."""

from __future__ import annotations

from dataclasses import dataclass

from jobmatch.matching.constraints import Rule
from jobmatch.postings.schemas import PostingIn
from jobmatch.vocab import EngagementType, Extent, Remote, Sector


@dataclass(frozen=True)
class MatchFilters:
    municipality: str | None = None
    occupation: str | None = None
    extent: Extent | None = None
    engagement_type: EngagementType | None = None
    remote: Remote | None = None
    sector: Sector | None = None

    def rules(self, posting: PostingIn) -> list[Rule]:
        """The request filters this posting does not pass."""
        failed = []
        if self.municipality is not None:
            wanted = self.municipality.casefold()
            places = {(loc.municipality or "").casefold() for loc in posting.locations}
            places |= {loc.municipality_code or "" for loc in posting.locations}
            if wanted not in places:
                failed.append(_rule("municipality", self.municipality))
        if self.occupation is not None and self.occupation not in {occ.code for occ in posting.occupations}:
            failed.append(_rule("occupation", self.occupation))
        for name in ("extent", "engagement_type", "remote", "sector"):
            wanted_value = getattr(self, name)
            if wanted_value is not None and getattr(posting, name) is not wanted_value:
                failed.append(_rule(name, wanted_value.value))
        return failed


def _rule(name: str, value: str) -> Rule:
    return Rule(
        f"filter.{name}", f"Filteret {name}={value} gjelder ikke denne annonsen.", f"The request filter {name}={value} excludes this ad."
    )
