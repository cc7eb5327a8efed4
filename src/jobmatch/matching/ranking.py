"""Rank postings for a seeker: retrieve candidates, apply hard constraints, score, sort. Explanations reuse it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from jobmatch.db.tables import PostingRow
from jobmatch.matching.commute import commutes_for
from jobmatch.matching.constraints import Rule, is_inactive, must_rules, not_for_me_rules
from jobmatch.matching.filters import MatchFilters
from jobmatch.matching.fit import occupation_signal, skill_matches, skills_signal
from jobmatch.matching.formula import Features, Scored, rank, score
from jobmatch.matching.prior import NO_PRIOR as NO_PRIOR
from jobmatch.matching.prior import prior_signals
from jobmatch.matching.signals import Signal
from jobmatch.matching.stay import Commute, engagement_wish_signal, stay_signals
from jobmatch.postings import repository as postings_repository
from jobmatch.postings.schemas import PostingOut
from jobmatch.postings.service import to_out
from jobmatch.search.documents import posting_terms
from jobmatch.search.snapshot import IndexSnapshot
from jobmatch.seekers.schemas import SeekerIn
from jobmatch.vocab import Importance, StayFactor

DENSE_CANDIDATES = 200
LEXICAL_CANDIDATES = 200
OCCUPATION_CANDIDATES = 100
"""Candidates per channel; their union is scored in full."""

INACTIVE = Rule("inactive", "Annonsen er utløpt eller ikke lenger aktiv.", "The ad has expired or is no longer active.")
DISMISSED = Rule("dismissed", "Du har avvist denne annonsen, så den vises ikke igjen.", "You dismissed this ad, so it is not shown again.")


@dataclass(frozen=True)
class SeekerQuery:
    """Everything a ranking needs to know about the seeker for one request."""

    profile: SeekerIn
    vector: npt.NDArray[np.float32]
    terms: str
    importances: dict[StayFactor, Importance]
    filters: MatchFilters = field(default_factory=MatchFilters)
    seeker_id: uuid.UUID | None = None
    dismissed: frozenset[int] = frozenset()
    """Postings the seeker dismissed: removed by the `dismissed` rule, never shown again."""


@dataclass
class Ranking:
    index_version: str
    ranked: list[Scored]
    removed: dict[int, Features]

    def position(self, posting_id: int) -> int | None:
        for rank_index, item in enumerate(self.ranked, start=1):
            if item.posting_id == posting_id:
                return rank_index
        return None


def _occupation_candidates(session: Session, profile: SeekerIn, now: datetime) -> list[int]:
    """Active postings with a wished occupation code; a shorter code (an ISCO group) matches every code under it."""
    codes = sorted({occupation.code for occupation in profile.wishes.occupations})
    if not codes:
        return []
    exact = [code for code in codes if len(code) >= 4]
    groups = [code for code in codes if len(code) < 4]
    matches = []
    if exact:
        matches.append(PostingRow.occupation_codes.overlap(exact))
    if groups:
        code = func.unnest(PostingRow.occupation_codes).column_valued("code")
        matches.append(select(code).where(or_(*(code.startswith(group) for group in groups))).exists())
    query = (
        select(PostingRow.id)
        .where(postings_repository.is_active(now), or_(*matches))
        .order_by(PostingRow.id.desc())
        .limit(OCCUPATION_CANDIDATES)
    )
    return list(session.scalars(query))


def retrieve(session: Session, snapshot: IndexSnapshot, query: SeekerQuery, *, now: datetime) -> dict[int, float | None]:
    """Candidate ids from the dense, lexical and occupation-code channels, with their dense similarity."""
    semantic: dict[int, float | None] = {hit.id: hit.score for hit in snapshot.dense.search_one(query.vector, DENSE_CANDIDATES)}
    lexical_ids = [doc for doc, _ in snapshot.lexical.search(query.terms, LEXICAL_CANDIDATES)] if query.terms.strip() else []
    for posting_id in [*lexical_ids, *_occupation_candidates(session, query.profile, now)]:
        semantic.setdefault(posting_id, None)
    return semantic


def semantic_similarity(snapshot: IndexSnapshot, query: SeekerQuery, posting_id: int) -> float | None:
    vector = snapshot.dense.vector(posting_id)
    return None if vector is None else float(np.dot(vector, query.vector))


def measure(
    session: Session,
    snapshot: IndexSnapshot,
    query: SeekerQuery,
    postings: list[PostingOut],
    semantic: dict[int, float | None],
    *,
    now: datetime,
) -> list[Features]:
    """Every signal of every posting, with the rules that remove it (if any)."""
    if not postings:
        return []
    lexical = snapshot.lexical.scores(query.terms, [p.id for p in postings]) if query.terms.strip() else np.zeros(len(postings))
    commutes = commutes_for(session, query.profile, postings)
    priors = prior_signals(session, postings, query.profile)
    measured = []
    for posting, lexical_score, prior in zip(postings, lexical, priors, strict=True):
        similarity = semantic.get(posting.id)
        if similarity is None:
            similarity = semantic_similarity(snapshot, query, posting.id)
        measured.append(
            measure_pair(snapshot, query, posting, similarity=similarity, lexical=float(lexical_score),
                         commute=commutes[posting.id], stay_prior=prior, now=now)
        )
    return measured


def measure_pair(
    snapshot: IndexSnapshot,
    query: SeekerQuery,
    posting: PostingOut,
    *,
    similarity: float | None,
    lexical: float,
    commute: Commute,
    stay_prior: Signal,
    now: datetime,
) -> Features:
    """Every signal of one (seeker, posting) pair from its precomputed inputs; both directions of matching use it."""
    stay = stay_signals(posting, query.profile, commute)
    skills = skill_matches(posting, query.profile.skills)
    removed_by = [INACTIVE] if is_inactive(posting, now=now) else []
    removed_by += [DISMISSED] if posting.id in query.dismissed else []
    removed_by += not_for_me_rules(posting, query.profile)
    removed_by += must_rules(stay, query.importances)
    removed_by += query.filters.rules(posting)
    return Features(
        posting_id=posting.id,
        title=posting.title,
        employer=posting.employer.name if posting.employer else None,
        semantic=similarity,
        lexical=lexical,
        matched_terms=[],  # filled by `with_matched_terms` for what is shown: it costs more than the whole score
        terms_text=posting_terms(posting) if lexical > 0 else "",
        skills=skills,
        skills_signal=skills_signal(skills),
        occupation=occupation_signal(posting, query.profile),
        stay=stay,
        engagement=engagement_wish_signal(posting, query.profile),
        stay_prior=stay_prior,
        removed_by=removed_by,
    )


def with_matched_terms(snapshot: IndexSnapshot, query: SeekerQuery, item: Scored) -> Scored:
    """The same scored item, with the words that explain its lexical similarity (the score does not change)."""
    features = item.features
    if not features.terms_text or features.matched_terms:
        return item
    terms = snapshot.lexical.matched_terms(query.terms, features.terms_text)
    return score(replace(features, matched_terms=terms), query.importances)


def load_postings(session: Session, posting_ids: list[int]) -> list[PostingOut]:
    rows = session.scalars(select(PostingRow).where(PostingRow.id.in_(posting_ids)).order_by(PostingRow.id)).all()
    now = datetime.now(UTC)
    return [to_out(row, now=now) for row in rows]


def rank_postings(session: Session, snapshot: IndexSnapshot, query: SeekerQuery) -> Ranking:
    """The seeker's full ranked list for one index version, and what the hard constraints removed."""
    now = datetime.now(UTC)
    semantic = retrieve(session, snapshot, query, now=now)
    postings = load_postings(session, list(semantic))
    kept: list[Scored] = []
    removed: dict[int, Features] = {}
    for features in measure(session, snapshot, query, postings, semantic, now=now):
        if features.removed_by:
            removed[features.posting_id] = features
        else:
            kept.append(score(features, query.importances))
    return Ranking(index_version=snapshot.version, ranked=rank(kept), removed=removed)
