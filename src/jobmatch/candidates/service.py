"""Candidates for a posting: dense retrieval among the seekers the caller may find, then the matching formula per pair.

Each (seeker, posting) pair is measured by `measure_pair` and scored by `score` with the seeker's own importances and
constraints, so a candidate's score and terms are those of the posting in the seeker's own match list — except the stay
prior, which belongs to the posting, is the same for every candidate and so is left out here (it cannot order them, and a
seeker who turned it off would otherwise move against the others).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from sqlalchemy.orm import Session

from jobmatch.audit import service as audit
from jobmatch.audit.schemas import Action
from jobmatch.auth.principal import Principal
from jobmatch.candidates import repository
from jobmatch.candidates.schemas import CandidateItem, CandidatePage
from jobmatch.embedding import store as vector_store
from jobmatch.embedding.base import Embedder
from jobmatch.embedding.texts import posting_text, seeker_text
from jobmatch.errors import NotFound
from jobmatch.fairness import exposures
from jobmatch.feedback import repository as feedback_repository
from jobmatch.geo.service import GeoResolver
from jobmatch.matching.commute import commute
from jobmatch.matching.formula import Scored, score, summary_reasons
from jobmatch.matching.ranking import SeekerQuery, load_postings, measure_pair
from jobmatch.matching.service import components_out, decode_cursor, encode_cursor
from jobmatch.matching.signals import Signal
from jobmatch.matching.weights import effective_importances
from jobmatch.privacy.pseudonyms import Pseudonyms
from jobmatch.search.documents import seeker_terms
from jobmatch.search.snapshot import IndexSnapshot
from jobmatch.seekers.service import to_profile

CANDIDATE_POOL = 300
"""Seekers scored in full: the closest to the posting by dense similarity among those the caller may find."""

SAME_FOR_EVERY_CANDIDATE = Signal.not_applicable(
    "Erfaringstallene gjelder annonsen og er like for alle kandidater, så de rangerer ikke kandidatene.",
    "The stay prior belongs to the ad and is the same for every candidate, so it does not rank them.",
)


@dataclass(frozen=True)
class CandidateRanking:
    index_version: str
    posting_id: int
    considered: int
    ranked: list[tuple[uuid.UUID, Scored]]


def rank_candidates(
    session: Session, snapshot: IndexSnapshot, *, posting_id: int, principal: Principal, embedder: Embedder,
) -> CandidateRanking:
    """Every findable, visible seeker in the pool who passes their own constraints for the posting, best first."""
    postings = load_postings(session, [posting_id])
    if not postings:
        raise NotFound(f"no posting with id {posting_id}")
    posting = postings[0]
    rows = repository.findable_for(session, principal)
    if not rows:
        return CandidateRanking(snapshot.version, posting_id, 0, [])
    profiles = [to_profile(row) for row in rows]
    vectors = vector_store.embed(session, embedder=embedder, texts=[seeker_text(profile) for profile in profiles], kind="query")
    posting_vector = snapshot.dense.vector(posting_id)
    if posting_vector is None:  # not in the served index (yet): its stored passage vector
        posting_vector = vector_store.embed(session, embedder=embedder, texts=[posting_text(posting)])[0]
    similarity = vectors @ posting_vector
    pool = [int(i) for i in np.argsort(-similarity, kind="stable")[:CANDIDATE_POOL]]
    dismissed = feedback_repository.seekers_who_dismissed(session, posting_id=posting_id, seeker_ids=[rows[i].id for i in pool])
    resolver = GeoResolver.load(session, locations=posting.locations,
                                wishes=[wish for i in pool for wish in profiles[i].wishes.locations])
    now = datetime.now(UTC)
    ranked: list[tuple[uuid.UUID, Scored]] = []
    for i in pool:
        profile, seeker_id = profiles[i], rows[i].id
        query = SeekerQuery(
            profile=profile, vector=vectors[i], terms=seeker_terms(profile), importances=effective_importances(profile.stay_factors),
            seeker_id=seeker_id, dismissed=frozenset({posting_id}) if seeker_id in dismissed else frozenset(),
        )
        lexical = float(snapshot.lexical.scores(query.terms, [posting_id])[0]) if query.terms.strip() else 0.0
        features = measure_pair(snapshot, query, posting, similarity=float(similarity[i]), lexical=lexical,
                                commute=commute(resolver, profile, posting), stay_prior=SAME_FOR_EVERY_CANDIDATE, now=now)
        if not features.removed_by:  # the seeker's own hard constraints: they would never see this posting
            ranked.append((seeker_id, score(features, query.importances)))
    ranked.sort(key=lambda pair: (-pair[1].score, str(pair[0])))
    return CandidateRanking(snapshot.version, posting_id, len(rows), ranked)


def candidate_page(ranking: CandidateRanking, *, cursor: str | None, limit: int, language: str) -> CandidatePage:
    offset = decode_cursor(cursor)
    window = ranking.ranked[offset : offset + limit]
    items = [
        CandidateItem(seeker_id=seeker_id, rank=offset + position, score=scored.score,
                      summary_reasons=summary_reasons(scored, language=language), components=components_out(scored))
        for position, (seeker_id, scored) in enumerate(window, start=1)
    ]
    more = offset + limit < len(ranking.ranked)
    return CandidatePage(posting_id=ranking.posting_id, index_version=ranking.index_version, considered=ranking.considered,
                         total=len(ranking.ranked), items=items, next_cursor=encode_cursor(offset + limit) if more else None)


def candidates(
    session: Session, snapshot: IndexSnapshot, *, posting_id: int, principal: Principal, embedder: Embedder, pseudonyms: Pseudonyms,
    purpose: str | None, cursor: str | None, limit: int, language: str, cef: bool = True,
) -> CandidatePage:
    """One page of candidates; every seeker on it is audited as read by the caller and logged as exposed."""
    ranking = rank_candidates(session, snapshot, posting_id=posting_id, principal=principal, embedder=embedder)
    page = candidate_page(ranking, cursor=cursor, limit=limit, language=language)
    for item in page.items:
        audit.record(session, principal, seeker_ref=pseudonyms.seeker(item.seeker_id), action=Action.READ_MATCHES, purpose=purpose,
                     posting_id=posting_id, cef=cef)
    exposures.record(session, list_kind=exposures.ListKind.CANDIDATES, index_version=page.index_version,
                     shown=[(item.seeker_id, posting_id, item.rank) for item in page.items])
    return page
