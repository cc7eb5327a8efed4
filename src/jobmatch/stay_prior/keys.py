"""What groups a placement (and a posting) for the stay prior: occupation group, municipality and employer."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from jobmatch.postings.schemas import PostingIn
from jobmatch.vocab import OccupationSystem

OCCUPATION_GROUP_DIGITS = 4
"""A STYRK-08 / ISCO-08 unit group (e.g. 5321 helsefagarbeidere): finer codes are cut to it."""

_CODED = (OccupationSystem.STYRK08, OccupationSystem.ISCO08)


class Level(StrEnum):
    """From the broadest to the narrowest; each level shrinks towards the one above it."""

    ALL = "all"
    OCCUPATION = "occupation"
    OCCUPATION_REGION = "occupation_region"
    EMPLOYER = "employer"


LEVELS: tuple[Level, ...] = tuple(Level)


@dataclass(frozen=True)
class PriorKeys:
    occupation_code: str | None
    occupation_label: str | None
    region_code: str | None
    region_name: str | None
    employer_key: str | None
    employer_name: str | None

    def cell(self, level: Level) -> tuple[str, str, str] | None:
        """The (occupation, region, employer) key of this level's cell, or None when a key it needs is unknown."""
        occupation, region, employer = self.occupation_code or "", self.region_code or "", self.employer_key or ""
        if level is Level.ALL:
            return "", "", ""
        if not occupation:
            return None
        if level is Level.OCCUPATION:
            return occupation, "", ""
        if not region:
            return None
        if level is Level.OCCUPATION_REGION:
            return occupation, region, ""
        return (occupation, region, employer) if employer else None


def employer_key(name: str | None, orgnr: str | None) -> str | None:
    """The organisation number when known, otherwise the folded name: the same employer, however it is written."""
    if orgnr:
        return f"orgnr:{orgnr}"
    folded = " ".join(unicodedata.normalize("NFKC", name or "").casefold().split())
    return f"name:{folded}"[:200] if folded else None


def posting_keys(posting: PostingIn) -> PriorKeys:
    """The posting's first coded occupation, its first location with a municipality number, and its employer."""
    occupation = next(
        (o for o in posting.occupations if o.system in _CODED and len(o.code.strip()) >= OCCUPATION_GROUP_DIGITS), None
    )
    location = next((loc for loc in posting.locations if loc.municipality_code), None)
    employer = posting.employer
    return PriorKeys(
        occupation_code=occupation.code.strip()[:OCCUPATION_GROUP_DIGITS] if occupation else None,
        occupation_label=occupation.label if occupation else None,
        region_code=location.municipality_code if location else None,
        region_name=location.municipality if location else None,
        employer_key=employer_key(employer.name, employer.orgnr) if employer else None,
        employer_name=employer.name if employer else None,
    )
