"""What the engine keeps of each posting, as plain values for array columns: one place that reads a posting."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum, IntEnum

from sqlalchemy.orm import Session

from jobmatch.geo.service import GeoResolver
from jobmatch.postings.salary import parse_salary
from jobmatch.postings.schemas import PostingIn, PostingOut
from jobmatch.search.documents import posting_terms
from jobmatch.stay_prior.keys import posting_keys
from jobmatch.vocab import EngagementType, Extent, PostingStatus, Remote, Sector, WorkHours

_WORD = re.compile(r"\w+", re.UNICODE)


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def word_tokens(text: str) -> list[str]:
    """Folded words (letters and digits) in order: what `not_for_me` keywords and skills are looked up in."""
    return _WORD.findall(fold(text))


def enum_code(value: Enum | None, members: Sequence[Enum]) -> int:
    """0 for unknown, else 1 + the member's position: small integers for array columns."""
    return 0 if value is None else list(members).index(value) + 1


EXTENTS: tuple[Extent, ...] = tuple(Extent)
ENGAGEMENTS: tuple[EngagementType, ...] = tuple(EngagementType)
SECTORS: tuple[Sector, ...] = tuple(Sector)
REMOTES: tuple[Remote, ...] = tuple(Remote)
HOURS: tuple[WorkHours, ...] = tuple(WorkHours)


def hours_mask(hours: Sequence[WorkHours]) -> int:
    mask = 0
    for hour in hours:
        mask |= 1 << HOURS.index(hour)
    return mask


class SalaryKind(IntEnum):
    NONE = 0
    AMOUNT = 1
    GRADE = 2
    VAGUE = 3


def salary_facts(text: str | None) -> tuple[float, SalaryKind]:
    """The yearly pay an ad states (the top of a range), or what kind of statement it makes instead."""
    if not (text or "").strip():
        return math.nan, SalaryKind.NONE
    salary = parse_salary(text)
    if salary is not None and salary.yearly_nok is not None:
        return salary.yearly_nok, SalaryKind.AMOUNT
    if salary is not None and salary.pay_grade is not None:
        return math.nan, SalaryKind.GRADE
    return math.nan, SalaryKind.VAGUE  # words only ("etter avtale"), or nothing we can read as pay


@dataclass(frozen=True)
class PostingFacts:
    """One posting as the engine's columns hold it."""

    posting_id: int
    content_hash: str
    active: bool
    expires: float
    title: str
    employer_name: str
    employer_key: str
    points: list[tuple[float, float]]
    places: list[str]
    municipalities: list[str]
    occupations: list[str]
    occupation_labels: dict[str, str]
    extent: int
    engagement: int
    sector: int
    remote: int
    hours: int
    salary_yearly: float
    salary_kind: SalaryKind
    salary_text: str
    lexical_text: str
    words: list[str]
    prior_occupation: str
    prior_region: str
    prior_employer: str


def occupation_key(system: str, code: str) -> str:
    return f"{system}:{code.strip()}"


def place_name(posting: PostingIn, index: int) -> str:
    location = posting.locations[index]
    return location.municipality or location.postal_code or location.municipality_code or "arbeidsstedet"


def facts_of(posting: PostingOut, resolver: GeoResolver, *, content_hash: str) -> PostingFacts:
    points: list[tuple[float, float]] = []
    places: list[str] = []
    for index, location in enumerate(posting.locations):
        resolved = resolver.resolve_location(location).point
        if resolved is not None:
            points.append((float(resolved[0]), float(resolved[1])))
            places.append(place_name(posting, index))
    municipalities = sorted(
        {loc.municipality_code for loc in posting.locations if loc.municipality_code}
        | {fold(loc.municipality) for loc in posting.locations if loc.municipality}
    )
    employer = posting.employer
    salary_yearly, salary_kind = salary_facts(posting.salary)
    keys = posting_keys(posting)
    return PostingFacts(
        posting_id=posting.id,
        content_hash=content_hash,
        active=posting.status is PostingStatus.ACTIVE,
        expires=posting.expires_at.timestamp() if posting.expires_at is not None else math.inf,
        title=posting.title,
        employer_name=employer.name if employer else "",
        employer_key=" ".join(fold(employer.name).split()) if employer else "",
        points=points,
        places=places,
        municipalities=municipalities,
        occupations=sorted({occupation_key(o.system, o.code) for o in posting.occupations}),
        occupation_labels={occupation_key(o.system, o.code): o.label for o in posting.occupations if o.label},
        extent=enum_code(posting.extent, EXTENTS),
        engagement=enum_code(posting.engagement_type, ENGAGEMENTS),
        sector=enum_code(posting.sector, SECTORS),
        remote=enum_code(posting.remote, REMOTES),
        hours=hours_mask(posting.work_hours),
        salary_yearly=salary_yearly,
        salary_kind=salary_kind,
        salary_text=(posting.salary or "").strip(),
        lexical_text=posting_terms(posting),
        words=sorted(set(word_tokens(" ".join([posting.title, posting.description, employer.name if employer else "", *posting.skills])))),
        prior_occupation=keys.occupation_code or "",
        prior_region=keys.region_code or "",
        prior_employer=keys.employer_key or "",
    )


def resolver_for(session: Session, postings: Sequence[PostingOut]) -> GeoResolver:
    """Every place these postings name, looked up in two queries."""
    return GeoResolver.load(session, locations=[location for posting in postings for location in posting.locations])
