"""HTTP routes for a seeker's matches and their explanations."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import StringConstraints
from sqlalchemy.orm import Session

from jobmatch.auth.principal import Role
from jobmatch.auth.rules import Rule, access
from jobmatch.auth.seekers import ExplanationReadDep, MatchesReadDep
from jobmatch.db.tables import SeekerRow
from jobmatch.deps import EmbedderDep, IndexDep, PrincipalDep, SessionDep, SettingsDep
from jobmatch.errors import InvalidRequest, NotFound, ServiceUnavailable
from jobmatch.matching import service, voice
from jobmatch.matching.filters import MatchFilters
from jobmatch.matching.measure import Query as SeekerQuery
from jobmatch.matching.schemas import Explanation, MatchPage
from jobmatch.search.holder import IndexHolder
from jobmatch.search.snapshot import IndexSnapshot
from jobmatch.seekers import service as seekers_service
from jobmatch.vocab import EngagementType, Extent, Importance, Remote, Sector, StayFactor

router = APIRouter(prefix="/seekers/{seeker_id}/matches", tags=["matching"])

OVERRIDE_PATTERN = f"^ *({'|'.join(StayFactor)}) *: *({'|'.join(Importance)}) *$"
ImportanceOverrides = Annotated[
    list[Annotated[str, StringConstraints(pattern=OVERRIDE_PATTERN)]],
    Query(
        alias="importance",
        description="What-if importances, not saved: `factor:level`, e.g. `importance=commute:must&importance=salary:none`.",
        max_length=len(StayFactor),
    ),
]


def parse_overrides(values: list[str]) -> dict[StayFactor, Importance]:
    overrides = {}
    for value in values:
        factor, _, level = value.partition(":")
        try:
            overrides[StayFactor(factor.strip())] = Importance(level.strip())
        except ValueError as exc:
            raise InvalidRequest(
                f"importance {value!r} must be factor:level with factor in {', '.join(StayFactor)} and level in {', '.join(Importance)}"
            ) from exc
    return overrides


def match_filters(
    municipality: Annotated[str | None, Query(max_length=200, description="Only postings in this municipality.")] = None,
    occupation: Annotated[str | None, Query(max_length=200, description="Only postings with this occupation code.")] = None,
    extent: Extent | None = None,
    engagement_type: EngagementType | None = None,
    remote: Remote | None = None,
    sector: Sector | None = None,
) -> MatchFilters:
    return MatchFilters(
        municipality=municipality, occupation=occupation, extent=extent, engagement_type=engagement_type, remote=remote, sector=sector
    )


FiltersDep = Annotated[MatchFilters, Depends(match_filters)]
Language = Annotated[Literal["no", "en"], Query(alias="lang", description="Language of the summary reasons.")]


def _query(session: Session, embedder: EmbedderDep, seeker: SeekerRow, filters: MatchFilters, importance: list[str]) -> SeekerQuery:
    profile = seekers_service.to_profile(seeker)
    return service.build_query(
        session, embedder=embedder, profile=profile, overrides=parse_overrides(importance), filters=filters,
        seeker_id=seeker.id,
    )


def matches_query(
    seeker: MatchesReadDep,
    session: SessionDep,
    embedder: EmbedderDep,
    filters: FiltersDep,
    importance: ImportanceOverrides = [],  # noqa: B006  (FastAPI copies query defaults)
) -> SeekerQuery:
    """The query for the seeker's matches; the read is checked (and, for caseworkers, audited) first."""
    return _query(session, embedder, seeker, filters, importance)


def explanation_query(
    seeker: ExplanationReadDep,
    session: SessionDep,
    embedder: EmbedderDep,
    filters: FiltersDep,
    importance: ImportanceOverrides = [],  # noqa: B006  (FastAPI copies query defaults)
) -> SeekerQuery:
    return _query(session, embedder, seeker, filters, importance)


def current_snapshot(index: IndexHolder) -> IndexSnapshot:
    """The version this process serves; loading versions and the change feed run in the background, never here."""
    return index.require()


MatchesQueryDep = Annotated[SeekerQuery, Depends(matches_query)]
ExplanationQueryDep = Annotated[SeekerQuery, Depends(explanation_query)]
ERRORS = (NotFound, InvalidRequest, ServiceUnavailable)


@router.get("", response_model=MatchPage, **access(Rule.SEEKER_READ, errors=ERRORS))
def list_matches(
    seeker_id: uuid.UUID,
    principal: PrincipalDep,
    session: SessionDep,
    index: IndexDep,
    query: MatchesQueryDep,
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
    language: Language = "no",
) -> MatchPage:
    """The seeker's matches, best first, from one index version (returned as `index_version`)."""
    snapshot = current_snapshot(index)
    page = service.matches(session, snapshot, query, cursor=cursor, limit=min(limit, settings.max_page_size), language=language,
                           seeker_id=seeker_id)
    return voice.page_for_caseworker(page, language=language) if principal.role is Role.CASEWORKER else page


@router.get("/{posting_id}/explanation", response_model=Explanation, **access(Rule.SEEKER_READ, errors=ERRORS))
def explain_match(
    seeker_id: uuid.UUID,
    posting_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    principal: PrincipalDep,
    session: SessionDep,
    index: IndexDep,
    query: ExplanationQueryDep,
) -> Explanation:
    """Every term of the posting's score for this seeker, or the rule that removed it."""
    snapshot = current_snapshot(index)
    explained = service.explain(session, snapshot, query, seeker_id=seeker_id, posting_id=posting_id)
    return voice.explanation_for_caseworker(explained) if principal.role is Role.CASEWORKER else explained
