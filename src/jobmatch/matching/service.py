"""Matches and explanations for a seeker, both from the same ranking."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from jobmatch import cursors
from jobmatch.embedding import store as vector_store
from jobmatch.embedding.base import Embedder
from jobmatch.embedding.texts import seeker_text
from jobmatch.errors import NotFound
from jobmatch.fairness import exposures
from jobmatch.feedback import repository as feedback_repository
from jobmatch.matching.constraints import Rule
from jobmatch.matching.filters import MatchFilters
from jobmatch.matching.formula import Features, Scored, score, summary_reasons
from jobmatch.matching.ranking import (
    Ranking,
    SeekerQuery,
    load_postings,
    measure,
    rank_postings,
    semantic_similarity,
    with_matched_terms,
)
from jobmatch.matching.schemas import (
    ComponentOut,
    Explanation,
    MatchItem,
    MatchPage,
    RuleOut,
    SkillOut,
    Wishes,
    WishOut,
    Words,
)
from jobmatch.matching.signals import Signal, Status
from jobmatch.matching.weights import effective_importances
from jobmatch.search.documents import seeker_terms
from jobmatch.search.snapshot import IndexSnapshot
from jobmatch.seekers.schemas import SeekerIn
from jobmatch.vocab import Importance, StayFactor

FORMULA = "score = Σ weight × raw over fit terms (semantic, lexical, skills, occupation), stay factors and the stay prior"


def seeker_vector(session: Session, *, embedder: Embedder, profile: SeekerIn) -> npt.NDArray[np.float32]:
    """The seeker's vector from the store; computed only when their profile text changed."""
    vectors = vector_store.embed(session, embedder=embedder, texts=[seeker_text(profile)], kind="query")
    vector: npt.NDArray[np.float32] = vectors[0]
    return vector


def build_query(
    session: Session,
    *,
    embedder: Embedder,
    profile: SeekerIn,
    overrides: dict[StayFactor, Importance] | None = None,
    filters: MatchFilters | None = None,
    seeker_id: uuid.UUID | None = None,
) -> SeekerQuery:
    """The ranking's view of the seeker; with `seeker_id`, their dismissals apply and served pages are logged."""
    return SeekerQuery(
        profile=profile,
        vector=seeker_vector(session, embedder=embedder, profile=profile),
        terms=seeker_terms(profile),
        importances=effective_importances(profile.stay_factors, overrides),
        filters=filters or MatchFilters(),
        seeker_id=seeker_id,
        dismissed=feedback_repository.dismissed_posting_ids(session, seeker_id=seeker_id) if seeker_id else frozenset(),
    )


def encode_cursor(offset: int) -> str:
    return cursors.encode("m", offset)


def decode_cursor(cursor: str | None) -> int:
    return cursors.decode("m", cursor) or 0


def match_page(ranking: Ranking, *, cursor: str | None, limit: int, language: str) -> MatchPage:
    offset = decode_cursor(cursor)
    window = ranking.ranked[offset : offset + limit]
    items = [
        MatchItem(
            posting_id=item.posting_id,
            title=item.features.title,
            employer=item.features.employer,
            score=item.score,
            rank=offset + position,
            summary_reasons=summary_reasons(item, language=language),
        )
        for position, item in enumerate(window, start=1)
    ]
    more = offset + limit < len(ranking.ranked)
    return MatchPage(
        items=items,
        index_version=ranking.index_version,
        total=len(ranking.ranked),
        next_cursor=encode_cursor(offset + limit) if more else None,
    )


def matches(session: Session, snapshot: IndexSnapshot, query: SeekerQuery, *, cursor: str | None, limit: int, language: str) -> MatchPage:
    """One page of the seeker's ranked list; the page's items go to the exposure log (the fairness report reads it)."""
    ranking = rank_postings(session, snapshot, query)
    offset = decode_cursor(cursor)
    ranking.ranked[offset : offset + limit] = [
        with_matched_terms(snapshot, query, item) for item in ranking.ranked[offset : offset + limit]
    ]
    page = match_page(ranking, cursor=cursor, limit=limit, language=language)
    if query.seeker_id is not None:
        shown = [(query.seeker_id, item.posting_id, item.rank) for item in page.items]
        exposures.record(session, list_kind=exposures.ListKind.MATCHES, index_version=page.index_version, shown=shown)
    return page


def explain(
    session: Session,
    snapshot: IndexSnapshot,
    query: SeekerQuery,
    *,
    seeker_id: uuid.UUID,
    posting_id: int,
) -> Explanation:
    """Every term of the posting's score, from the very ranking that produced the list."""
    ranking = rank_postings(session, snapshot, query)
    position = ranking.position(posting_id)
    if position is not None:
        scored = with_matched_terms(snapshot, query, ranking.ranked[position - 1])
        return _explanation(seeker_id, ranking.index_version, scored, profile=query.profile, outcome="ranked", rank=position)
    removed = ranking.removed.get(posting_id)
    if removed is None:
        postings = load_postings(session, [posting_id])
        if not postings:
            raise NotFound(f"no posting with id {posting_id}")
        semantic = {posting_id: semantic_similarity(snapshot, query, posting_id)}
        removed = measure(session, snapshot, query, postings, semantic, now=datetime.now(UTC))[0]
        if not removed.removed_by:
            scored = with_matched_terms(snapshot, query, score(removed, query.importances))
            return _explanation(seeker_id, ranking.index_version, scored, profile=query.profile, outcome="not_retrieved", rank=None)
    scored = with_matched_terms(snapshot, query, score(removed, query.importances))
    return _explanation(
        seeker_id, ranking.index_version, scored, profile=query.profile, outcome="removed", rank=None, rules=removed.removed_by
    )


def _words(signal: Signal) -> Words:
    return Words(no=signal.why_no, en=signal.why_en)


def components_out(scored: Scored) -> list[ComponentOut]:
    """Every term of the score as the API shows it."""
    return [
        ComponentOut(
            name=c.name,
            kind=c.kind,
            raw=None if c.raw is None else round(c.raw, 6),
            weight=c.weight,
            importance=c.importance.value if c.importance else None,
            contribution=round(c.contribution, 6),
            status=c.signal.status.value,
            why=_words(c.signal),
        )
        for c in scored.components
    ]


def _explanation(
    seeker_id: uuid.UUID,
    version: str,
    scored: Scored,
    *,
    profile: SeekerIn,
    outcome: str,
    rank: int | None,
    rules: list[Rule] | None = None,
) -> Explanation:
    features = scored.features
    return Explanation(
        seeker_id=seeker_id,
        posting_id=scored.posting_id,
        index_version=version,
        outcome=outcome,
        rank=rank,
        score=scored.score if outcome != "removed" else None,
        formula=FORMULA,
        components=components_out(scored),
        removed_by=[RuleOut(code=rule.code, why=Words(no=rule.why_no, en=rule.why_en)) for rule in rules or []],
        wishes=_wishes(features, profile),
        matched_skills=[
            SkillOut(skill=m.skill, level=m.level, wants_to_use=m.wants_to_use, passage=m.passage) for m in features.skills if m.found
        ],
        unmatched_skills=[
            SkillOut(skill=m.skill, level=m.level, wants_to_use=m.wants_to_use, passage=None) for m in features.skills if not m.found
        ],
        matched_terms=features.matched_terms,
    )


WISH_SIGNALS: dict[str, StayFactor | str] = {
    "occupations": "occupation",
    "engagement_types": "engagement",
    "locations": StayFactor.COMMUTE,
    "extent": StayFactor.EXTENT,
    "remote": StayFactor.REMOTE,
    "sectors": StayFactor.SECTOR,
    "work_hours": StayFactor.WORK_HOURS,
    "min_salary_nok": StayFactor.SALARY,
}


def _wishes(features: Features, profile: SeekerIn) -> Wishes:
    """The wishes the seeker stated, sorted into met, unmet and unknown for this posting."""
    met: list[WishOut] = []
    unmet: list[WishOut] = []
    unknown: list[WishOut] = []
    for wish, factor in WISH_SIGNALS.items():
        if not getattr(profile.wishes, wish):
            continue
        signal = features.stay[factor] if isinstance(factor, StayFactor) else getattr(features, factor)
        if signal.status is Status.NOT_APPLICABLE:
            continue
        bucket = {Status.MET: met, Status.UNKNOWN: unknown}.get(signal.status, unmet)
        bucket.append(WishOut(wish=wish, why=_words(signal)))
    return Wishes(met=met, unmet=unmet, unknown=unknown)
