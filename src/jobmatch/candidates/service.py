"""Candidates for a posting: the matching engine in reverse, over the seeker side of the index.

The posting is measured in a corpus of its own (one row) that shares the served corpus's lexical model. Every seeker
the caller may find is ranked by the terms the posting has in their own match list (their constraints, importances
and calibrated similarities), as arrays over the seeker side (`reverse.rank`). Only the seekers on the page are read
from the database; their terms are then put in words by the very code their own list uses, and `caseworker_refusal`
has the last word on each. The stay prior belongs to the posting, is the same for every candidate and is left out.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch import cursors
from jobmatch.audit import service as audit
from jobmatch.audit.schemas import Action
from jobmatch.auth.principal import Principal
from jobmatch.auth.seekers import caseworker_refusal
from jobmatch.candidates import repository, reverse
from jobmatch.candidates.facts import searchable, state_key
from jobmatch.candidates.schemas import CandidateItem, CandidatePage
from jobmatch.candidates.side import SeekerSide, SeekerView
from jobmatch.db.tables import PostingRow, SeekerRow
from jobmatch.embedding import store as vector_store
from jobmatch.embedding.base import Embedder
from jobmatch.embedding.texts import posting_text, seeker_text
from jobmatch.errors import NotFound, ServiceUnavailable
from jobmatch.fairness import exposures
from jobmatch.feedback import repository as feedback_repository
from jobmatch.geo.service import GeoResolver
from jobmatch.matching.calibration import Calibrated, Calibration
from jobmatch.matching.explanations import components_out
from jobmatch.matching.filters import MatchFilters
from jobmatch.matching.fit import skill_stems
from jobmatch.matching.formula import Scored, scored, summary_reasons
from jobmatch.matching.measure import Query, context, measure
from jobmatch.matching.ranking import order_of
from jobmatch.matching.schemas import Words
from jobmatch.matching.service import wherever_with
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

CURSOR_KIND = "c"
RETRY_AFTER_SECONDS = 5


@dataclass
class CandidateRanking:
    """Every seeker row for whom the posting fits, best first, as the caller may see them at one generation."""

    key: str
    generation: int
    index_version: str
    posting_id: int
    considered: int
    rows: npt.NDArray[np.int64]


def _posting_corpus(session: Session, snapshot: IndexSnapshot, *, posting_id: int, embedder: Embedder) -> Corpus:
    row = session.scalars(select(PostingRow).where(PostingRow.id == posting_id, loadable())).first()
    if row is None:
        raise NotFound(f"no posting with id {posting_id}")
    posting = to_out(row)
    corpus = Corpus(lexical_model=snapshot.corpus.lexical_model, dense=DenseRows.empty(snapshot.dim))
    vector = vector_store.embed(session, embedder=embedder, texts=[posting_text(posting)])[0]
    corpus.apply(facts_for(session, [posting], [row]), {posting_id: vector})
    return corpus


def ranking_key(principal: Principal, posting: Corpus, index_version: str, dismissed: set[uuid.UUID]) -> str:
    """What a ranking depends on besides the seeker side: the caller's scope, the posting as it is, the version, dismissals."""
    scope = f"{principal.issuer}\x00{principal.subject}\x00{sorted(principal.units)}\x00{principal.protected_access}"
    posting_state = sorted(posting.hash_of.items())
    return hashlib.sha256(f"{scope}\x00{posting_state}\x00{index_version}\x00{sorted(map(str, dismissed))}".encode()).hexdigest()


def rank_candidates(
    view: SeekerView, posting: Corpus, *, posting_id: int, principal: Principal, dismissed: set[uuid.UUID],
) -> CandidateRanking:
    """Every findable, visible seeker who passes their own constraints for the posting and for whom it fits, best first."""
    snapshot = view.tuned.snapshot
    dismissed_rows = np.zeros(view.n, dtype=bool)
    for seeker_id in dismissed:
        row = view.side.row_of.get(seeker_id)
        if row is not None and row < view.n:
            dismissed_rows[row] = True
    ranked = reverse.rank(view, posting, principal=principal, dismissed=dismissed_rows, model=fit_model(), now=time.time())
    return CandidateRanking(ranking_key(principal, posting, snapshot.version, dismissed), view.generation, snapshot.version, posting_id,
                            ranked.considered, ranked.rows)


def _calibrated(view: SeekerView, row: SeekerRow) -> Calibrated | None:
    """The seeker's calibrations as the side tuned them, when the side holds the row as it is now."""
    at = view.side.row_of.get(row.id)
    if at is None or at >= view.n or view.side.key_of.get(row.id) != state_key(row):
        return None
    return (Calibration(float(view.tuned_column("semantic_mean")[at]), float(view.tuned_column("semantic_spread")[at])),
            Calibration(float(view.tuned_column("lexical_mean")[at]), float(view.tuned_column("lexical_spread")[at])),
            Calibration(float(view.tuned_column("described_mean")[at]), float(view.tuned_column("described_spread")[at])),
            Calibration(float(view.tuned_column("group_mean")[at]), float(view.tuned_column("group_spread")[at])))


def page_scores(
    session: Session, view: SeekerView, posting: Corpus, *, seeker_ids: list[uuid.UUID], principal: Principal, embedder: Embedder,
) -> list[tuple[uuid.UUID, Scored]]:
    """The page's seekers as the database holds them now, each scored exactly as in their own list; refused ones left out."""
    by_id = {row.id: row for row in repository.rows_of(session, seeker_ids)}
    rows = [by_id[seeker_id] for seeker_id in seeker_ids
            if seeker_id in by_id and searchable(by_id[seeker_id]) and caseworker_refusal(principal, by_id[seeker_id]) is None]
    if not rows:
        return []
    profiles = [to_profile(row) for row in rows]
    resolver = GeoResolver.load(session, wishes=[wish for profile in profiles for wish in profile.wishes.locations])
    vectors = vector_store.embed(session, embedder=embedder, texts=[seeker_text(profile) for profile in profiles], kind="query")
    model, now, only_row = fit_model(), time.time(), np.zeros(1, dtype=np.int64)
    found = []
    for row, profile, vector in zip(rows, profiles, vectors, strict=True):
        query = Query(
            profile=profile, vector=vector, terms=seeker_terms(profile), importances=effective_importances(profile.stay_factors),
            filters=MatchFilters(), dismissed=frozenset(), where=wherever_with(resolver, profile), skills=skill_stems(profile.skills),
            use_prior=False, has_text=bool(seeker_text(profile).strip()),
        )
        ctx = context(posting, query, model=model, now=now, reference=view.tuned.snapshot.corpus, calibrated=_calibrated(view, row))
        if ctx.removed[0]:
            continue  # changed since the side last read them: their own constraints remove the posting now
        measured = measure(ctx, only_row)
        strong, _, order, _ = order_of(ctx, measured, model)
        if len(order):
            found.append((row.id, scored(ctx, measured, 0, strong=bool(strong[0]))))
    return found


def encode_cursor(offset: int, ranking: CandidateRanking) -> str:
    return cursors.encode_ranked(CURSOR_KIND, offset, key=ranking.key, generation=ranking.generation)


def decode_cursor(cursor: str | None, *, key: str) -> tuple[int, int | None]:
    """The offset and side generation a cursor holds; a cursor of another caller, posting or version starts over."""
    return cursors.decode_ranked(CURSOR_KIND, cursor, key=key) or (0, None)


def item_of(seeker_id: uuid.UUID, scored_item: Scored, *, rank: int, language: str) -> CandidateItem:
    return CandidateItem(
        seeker_id=seeker_id, rank=rank, score=scored_item.score,
        summary_reasons=[third_person(reason, language) for reason in summary_reasons(scored_item, language=language)],
        components=[component.model_copy(update={"why": Words(no=third_person(component.why.no, "no"),
                                                              en=third_person(component.why.en, "en"))})
                    for component in components_out(scored_item)],
    )


def candidates(
    session: Session, side: SeekerSide, *, posting_id: int, principal: Principal, embedder: Embedder, pseudonyms: Pseudonyms,
    purpose: str | None, cursor: str | None, limit: int, language: str, cef: bool = True,
) -> CandidatePage:
    """One page of candidates; every seeker on it is audited as read by the caller and logged as exposed."""
    view = side.view()
    if view is None:
        raise ServiceUnavailable("candidate search is still reading the seekers", headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    snapshot = view.tuned.snapshot
    posting = _posting_corpus(session, snapshot, posting_id=posting_id, embedder=embedder)
    dismissed = feedback_repository.seekers_who_dismissed(session, posting_id=posting_id)
    key = ranking_key(principal, posting, snapshot.version, dismissed)
    offset, generation = decode_cursor(cursor, key=key)
    cache = side.rankings
    ranking: CandidateRanking | None = cache.get(key, generation) if generation is not None else None
    if ranking is None:
        ranking = cache.get(key, view.generation)
    if ranking is None:
        ranking = rank_candidates(view, posting, posting_id=posting_id, principal=principal, dismissed=dismissed)
        cache.put(ranking)
    window = [view.seeker_id(int(row)) for row in ranking.rows[offset : offset + limit]]
    shown = page_scores(session, view, posting, seeker_ids=window, principal=principal, embedder=embedder)
    ranks = {seeker_id: offset + position for position, seeker_id in enumerate(window, start=1)}
    items = [item_of(seeker_id, scored_item, rank=ranks[seeker_id], language=language) for seeker_id, scored_item in shown]
    more = offset + limit < len(ranking.rows)
    page = CandidatePage(posting_id=posting_id, index_version=ranking.index_version, considered=ranking.considered,
                         total=len(ranking.rows), items=items, next_cursor=encode_cursor(offset + limit, ranking) if more else None)
    for item in page.items:
        audit.record(session, principal, seeker_ref=pseudonyms.seeker(item.seeker_id), action=Action.READ_MATCHES, purpose=purpose,
                     posting_id=posting_id, cef=cef)
    exposures.record(session, list_kind=exposures.ListKind.CANDIDATES, index_version=page.index_version,
                     shown=[(item.seeker_id, posting_id, item.rank) for item in page.items])
    return page
