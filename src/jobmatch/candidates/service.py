"""Candidates for a posting: the matching engine in reverse, among the seekers the caller may find.

Each seeker is ranked by the very terms the posting would have in their own match list: their own constraints and
importances, and their similarities calibrated against the whole corpus as in their list. The posting is measured in a
corpus of its own (one row) that shares the served corpus's lexical model, so nothing is re-implemented here. The stay
prior belongs to the posting, is the same for every candidate and so is left out (it cannot order them).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch import cursors
from jobmatch.audit import service as audit
from jobmatch.audit.schemas import Action
from jobmatch.auth.principal import Principal
from jobmatch.candidates import repository
from jobmatch.candidates.schemas import CandidateItem, CandidatePage
from jobmatch.db.tables import PostingRow
from jobmatch.embedding import store as vector_store
from jobmatch.embedding.base import Embedder
from jobmatch.embedding.texts import posting_text, seeker_text
from jobmatch.errors import NotFound
from jobmatch.fairness import exposures
from jobmatch.feedback import repository as feedback_repository
from jobmatch.matching.explanations import components_out
from jobmatch.matching.filters import MatchFilters
from jobmatch.matching.fit import skill_stems
from jobmatch.matching.formula import Scored, scored, summary_reasons
from jobmatch.matching.measure import Query, context, measure
from jobmatch.matching.ranking import order_of
from jobmatch.matching.schemas import Words
from jobmatch.matching.service import wherever
from jobmatch.matching.voice import third_person
from jobmatch.matching.weights import effective_importances, fit_model
from jobmatch.postings.repository import loadable
from jobmatch.postings.service import to_out
from jobmatch.privacy.pseudonyms import Pseudonyms
from jobmatch.search.corpus import Corpus
from jobmatch.search.dense import DenseRows
from jobmatch.search.documents import seeker_terms
from jobmatch.search.snapshot import IndexSnapshot
from jobmatch.search.sync import facts_for
from jobmatch.seekers.service import to_profile


@dataclass(frozen=True)
class CandidateRanking:
    index_version: str
    posting_id: int
    considered: int
    ranked: list[tuple[uuid.UUID, Scored]]


def _posting_corpus(session: Session, snapshot: IndexSnapshot, *, posting_id: int, embedder: Embedder) -> Corpus:
    row = session.scalars(select(PostingRow).where(PostingRow.id == posting_id, loadable())).first()
    if row is None:
        raise NotFound(f"no posting with id {posting_id}")
    posting = to_out(row)
    corpus = Corpus(lexical_model=snapshot.corpus.lexical_model, dense=DenseRows.empty(snapshot.dim))
    vector = vector_store.embed(session, embedder=embedder, texts=[posting_text(posting)])[0]
    corpus.apply(facts_for(session, [posting], [row]), {posting_id: vector})
    return corpus


def rank_candidates(
    session: Session, snapshot: IndexSnapshot, *, posting_id: int, principal: Principal, embedder: Embedder,
) -> CandidateRanking:
    """Every findable, visible seeker who passes their own constraints for the posting and for whom it fits, best first."""
    single = _posting_corpus(session, snapshot, posting_id=posting_id, embedder=embedder)
    rows = repository.findable_for(session, principal)
    if not rows:
        return CandidateRanking(snapshot.version, posting_id, 0, [])
    profiles = [to_profile(row) for row in rows]
    vectors = vector_store.embed(session, embedder=embedder, texts=[seeker_text(profile) for profile in profiles], kind="query")
    dismissed = feedback_repository.seekers_who_dismissed(session, posting_id=posting_id, seeker_ids=[row.id for row in rows])
    model = fit_model()
    now = time.time()
    ranked: list[tuple[uuid.UUID, Scored]] = []
    only_row = np.zeros(1, dtype=np.int64)
    for row, profile, vector in zip(rows, profiles, vectors, strict=True):
        query = Query(
            profile=profile, vector=vector, terms=seeker_terms(profile), importances=effective_importances(profile.stay_factors),
            filters=MatchFilters(), dismissed=frozenset({posting_id}) if row.id in dismissed else frozenset(),
            where=wherever(session, profile), skills=skill_stems(profile.skills), use_prior=False,
            has_text=bool(seeker_text(profile).strip()),
        )
        ctx = context(single, query, model=model, now=now, reference=snapshot.corpus)
        if ctx.removed[0]:
            continue  # the seeker's own hard constraints: they would never see this posting
        measured = measure(ctx, only_row)
        strong, _, order, _ = order_of(ctx, measured, model)
        if len(order):
            ranked.append((row.id, scored(ctx, measured, 0, strong=bool(strong[0]))))
    ranked.sort(key=lambda pair: (not pair[1].strong, -pair[1].score, str(pair[0])))
    return CandidateRanking(snapshot.version, posting_id, len(rows), ranked)


def encode_cursor(offset: int) -> str:
    return cursors.encode("c", offset)


def decode_cursor(cursor: str | None) -> int:
    return cursors.decode("c", cursor) or 0


def candidate_page(ranking: CandidateRanking, *, cursor: str | None, limit: int, language: str) -> CandidatePage:
    offset = decode_cursor(cursor)
    window = ranking.ranked[offset : offset + limit]
    items = [
        CandidateItem(seeker_id=seeker_id, rank=offset + position, score=scored.score,
                      summary_reasons=[third_person(reason, language) for reason in summary_reasons(scored, language=language)],
                      components=[component.model_copy(update={"why": Words(no=third_person(component.why.no, "no"),
                                                                            en=third_person(component.why.en, "en"))})
                                  for component in components_out(scored)])
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
