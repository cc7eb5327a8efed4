"""Matches and explanations for a seeker, both read from one cached ranking."""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from typing import Literal

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session, sessionmaker

from jobmatch import cursors
from jobmatch.embedding import store as vector_store
from jobmatch.embedding.base import Embedder
from jobmatch.embedding.texts import seeker_text
from jobmatch.errors import InvalidRequest
from jobmatch.fairness import exposures
from jobmatch.feedback import repository as feedback_repository
from jobmatch.geo.service import GeoResolver
from jobmatch.matching import explanations
from jobmatch.matching.filters import MatchFilters
from jobmatch.matching.fit import skill_stems
from jobmatch.matching.formula import scored, summary_reasons
from jobmatch.matching.measure import Context, Query, context
from jobmatch.matching.prior import PriorCache
from jobmatch.matching.ranking import Ranking, rank
from jobmatch.matching.schemas import Explanation, MatchItem, MatchPage, WhyShort
from jobmatch.matching.stay import Wherever, WishPoint, default_commute_limit
from jobmatch.matching.weights import effective_importances, fit_model
from jobmatch.metrics.instruments import observe_match
from jobmatch.search.documents import seeker_terms
from jobmatch.search.snapshot import IndexSnapshot
from jobmatch.seekers.schemas import SeekerIn
from jobmatch.vocab import Importance, StayFactor

CURSOR_KIND = "m"
FitBand = Literal["strong", "possible", "below_floor"]


def seeker_vector(session: Session, *, embedder: Embedder, profile: SeekerIn) -> npt.NDArray[np.float32]:
    """The seeker's vector from the store; computed only when their profile text changed."""
    vectors = vector_store.embed(session, embedder=embedder, texts=[seeker_text(profile)], kind="query")
    vector: npt.NDArray[np.float32] = vectors[0]
    return vector


def wherever(session: Session, profile: SeekerIn) -> Wherever:
    """The seeker's wished places, resolved to points."""
    wishes = profile.wishes.locations
    return wherever_with(GeoResolver.load(session, wishes=wishes) if wishes else GeoResolver(postal_codes={}, municipalities={}), profile)


def wherever_with(resolver: GeoResolver, profile: SeekerIn) -> Wherever:
    """The seeker's wished places, resolved by a resolver that knows them (one lookup serves many seekers)."""
    wishes = profile.wishes.locations
    if not wishes:
        return Wherever((), stated=False, first_limit_km=default_commute_limit(None))
    points = []
    unresolved = []
    for wish in wishes:
        resolution = resolver.resolve_wish(wish)
        if resolution.point is None:
            unresolved.append(resolution.how)
            continue
        label = wish.municipality or wish.postal_code or "?"
        points.append(WishPoint(float(resolution.point[0]), float(resolution.point[1]), default_commute_limit(wish.max_distance_km), label))
    return Wherever(tuple(points), stated=True, first_limit_km=default_commute_limit(wishes[0].max_distance_km),
                    unresolved="; ".join(unresolved) if not points else None)


def build_query(
    session: Session,
    *,
    embedder: Embedder,
    profile: SeekerIn,
    overrides: dict[StayFactor, Importance] | None = None,
    filters: MatchFilters | None = None,
    seeker_id: uuid.UUID | None = None,
) -> Query:
    """The ranking's view of the seeker; with `seeker_id`, their dismissals apply."""
    return Query(
        profile=profile,
        vector=seeker_vector(session, embedder=embedder, profile=profile),
        terms=seeker_terms(profile),
        importances=effective_importances(profile.stay_factors, overrides),
        filters=filters or MatchFilters(),
        dismissed=feedback_repository.dismissed_posting_ids(session, seeker_id=seeker_id) if seeker_id else frozenset(),
        where=wherever(session, profile),
        skills=skill_stems(profile.skills),
        use_prior=profile.use_stay_prior,
        has_text=bool(seeker_text(profile).strip()),
    )


def query_key(query: Query, index_version: str) -> str:
    """What a ranking depends on besides the corpus: equal keys rank equally."""
    payload = {
        "profile": query.profile.model_dump(mode="json"),
        "importances": {f.value: i.value for f, i in query.importances.items()},
        "filters": {k: getattr(v, "value", v) for k, v in vars(query.filters).items()},
        "dismissed": sorted(query.dismissed),
        "version": index_version,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def ranking_for(session: Session, snapshot: IndexSnapshot, query: Query, *, generation: int | None = None) -> Ranking:
    """The cached ranking for this query (for `generation` when still cached), else a fresh one."""
    key = query_key(query, snapshot.version)
    if generation is not None:
        cached: Ranking | None = snapshot.rankings.get(key, generation)
        if cached is not None:
            return cached
    current = snapshot.corpus.generation
    fresh: Ranking | None = snapshot.rankings.get(key, current)
    if fresh is not None:
        return fresh
    ctx = context(snapshot.corpus, query, model=fit_model(), now=time.time())

    def prior(rows: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.object_]] | None:
        return prior_cache(snapshot).for_rows(session, snapshot.corpus, rows) if query.use_prior and len(rows) else None

    ranking = rank(ctx, key=key, index_version=snapshot.version, generation=current, prior=prior)
    snapshot.rankings.put(ranking)
    return ranking


def prior_cache(snapshot: IndexSnapshot) -> PriorCache:
    cache: PriorCache = snapshot.extras.setdefault("priors", PriorCache())
    return cache


def keep_priors_current(snapshot: IndexSnapshot, session_factory: sessionmaker[Session]) -> None:
    """A follower of the served index: every row's stay prior is computed beside the requests, not inside one (a new
    version, rows the change feed appended, a refreshed prior table)."""
    with session_factory() as session:
        prior_cache(snapshot).for_rows(session, snapshot.corpus, np.zeros(0, dtype=np.int64))


def encode_cursor(offset: int, ranking: Ranking) -> str:
    return cursors.encode_ranked(CURSOR_KIND, offset, key=ranking.key, generation=ranking.generation)


def decode_cursor(cursor: str | None, *, key: str) -> tuple[int, int | None]:
    """The offset and ranking generation a cursor holds; refused when it belongs to another query or index version."""
    decoded = cursors.decode_ranked(CURSOR_KIND, cursor, key=key)
    if decoded is None:
        raise InvalidRequest(
            "this cursor belongs to another query, another what-if or another index version; start again from the first page"
        )
    return decoded


def _item(ranking: Ranking, index: int, *, rank_number: int, fit: FitBand, language: str) -> MatchItem:
    found = ranking.shown.get((index, language))
    if isinstance(found, MatchItem):
        return found
    item = _new_item(ranking, index, rank_number=rank_number, fit=fit, language=language)
    ranking.shown[(index, language)] = item
    return item


def _new_item(ranking: Ranking, index: int, *, rank_number: int, fit: FitBand, language: str) -> MatchItem:
    ctx = ranking.ctx
    item = scored(ctx, ranking.measured, index, strong=bool(ranking.strong[index]))
    return MatchItem(
        posting_id=item.posting_id,
        title=ctx.corpus.texts["titles"][item.row],
        employer=_employer(ctx, item.row),
        place=ctx.corpus.texts["places"][item.row] or None,
        score=item.score,
        rank=rank_number,
        fit=fit,
        fit_probability=item.fit_probability,
        summary_reasons=summary_reasons(item, language=language),
    )


def _employer(ctx: Context, row: int) -> str | None:
    employer = int(ctx.corpus.column("employer", ctx.n)[row])
    return ctx.corpus.employer_names[employer] if employer >= 0 else None


def matches(
    session: Session, snapshot: IndexSnapshot, query: Query, *, cursor: str | None, limit: int, language: str,
    seeker_id: uuid.UUID | None = None,
) -> MatchPage:
    """One page of the seeker's ranked list; the page's items go to the exposure log (the fairness report reads it)."""
    started = time.perf_counter()
    key = query_key(query, snapshot.version)
    offset, generation = decode_cursor(cursor, key=key)
    ranking = ranking_for(session, snapshot, query, generation=generation)
    window = ranking.ordered(offset + limit)[offset : offset + limit]
    ranking.measured.prepare(np.concatenate([window, ranking.below]) if offset == 0 else window)
    items = [
        _item(ranking, int(index), rank_number=offset + position, fit="strong" if ranking.strong[index] else "possible", language=language)
        for position, index in enumerate(window, start=1)
    ]
    more = offset + limit < ranking.total
    page = MatchPage(
        items=items,
        index_version=ranking.index_version,
        total=ranking.total,
        next_cursor=encode_cursor(offset + limit, ranking) if more else None,
        why_short=why_short(ranking),
        below_floor=[_item(ranking, int(index), rank_number=0, fit="below_floor", language=language) for index in ranking.below]
        if offset == 0 else [],
    )
    observe_match(seconds=time.perf_counter() - started, candidates=len(ranking.measured.rows))
    if seeker_id is not None:
        shown = [(seeker_id, item.posting_id, item.rank) for item in page.items]
        exposures.record(session, list_kind=exposures.ListKind.MATCHES, index_version=page.index_version, shown=shown)
    return page


def why_short(ranking: Ranking) -> WhyShort | None:
    relaxations = [explanations.relaxation_out(r) for r in ranking.relaxations if r.removed]
    nothing_fits = ranking.total == 0
    if not relaxations and not nothing_fits:
        return None
    return WhyShort(nothing_fits=nothing_fits, field_total=ranking.field_total, relaxations=relaxations,
                    why=explanations.why_short_words(nothing_fits, ranking.field_total, relaxations))


def explain(session: Session, snapshot: IndexSnapshot, query: Query, *, seeker_id: uuid.UUID, posting_id: int) -> Explanation:
    """Every term of the posting's score, from the very ranking that produced the list."""
    ranking = ranking_for(session, snapshot, query)
    return explanations.explanation(session, ranking, seeker_id=seeker_id, posting_id=posting_id)

