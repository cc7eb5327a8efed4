"""Candidate search at the size of a large unit: p50 / p99 of a caseworker's first page of candidates for a posting.

For each size it writes that many seekers into one unit (and a tenth as many into another), with wished occupations,
places, skills, `must` factors and the odd `not_for_me`, over a few thousand generated postings (hashing embedder: the
engine is measured, not the model). It builds the seeker side as a server's upkeep would (timed), then times first
pages of candidates for postings of common occupations, in-process, each ranking computed afresh (none cached).

`--scan` also times the per-request scan the seeker side replaced (every visible seeker read, embedded, calibrated
and measured in a one-row corpus on every request), kept here only for the comparison; it is slow (about 30 ms per
seeker), so keep `--scan-repeats` small.

    .venv/bin/python benchmarks/candidates.py --geonames ../shared/data/geo-no/NO.txt --sizes 10000 50000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from bench_support import database, market_schema, stop_on_signal
from scale import OUT, Place, load_market, percentiles, places
from sqlalchemy import insert, or_, select
from sqlalchemy.orm import Session, sessionmaker

from jobmatch.auth.principal import Principal, Role
from jobmatch.candidates import service as candidates
from jobmatch.candidates.side import SeekerSide
from jobmatch.candidates.upkeep import SeekerUpkeep
from jobmatch.db.tables import PostingRow, SeekerRow
from jobmatch.demo.occupations import OCCUPATIONS
from jobmatch.embedding import store as vector_store
from jobmatch.embedding.sentence import load_embedder
from jobmatch.embedding.texts import posting_text, seeker_text
from jobmatch.feedback import repository as feedback_repository
from jobmatch.matching.calibration import calibrations
from jobmatch.matching.filters import MatchFilters
from jobmatch.matching.fit import skill_stems
from jobmatch.matching.formula import scored
from jobmatch.matching.measure import Query, context, measure
from jobmatch.matching.ranking import order_of
from jobmatch.matching.service import wherever
from jobmatch.matching.weights import effective_importances, fit_model
from jobmatch.postings.service import to_out
from jobmatch.privacy.pseudonyms import Pseudonyms
from jobmatch.search.corpus import Corpus
from jobmatch.search.dense import DenseRows
from jobmatch.search.documents import seeker_terms
from jobmatch.search.reindex import run_reindex
from jobmatch.search.snapshot import IndexSnapshot, RankingCache
from jobmatch.search.sync import facts_for, sync_changes
from jobmatch.search.versions import IndexStore
from jobmatch.seekers.schemas import SeekerIn
from jobmatch.seekers.service import profile_values, to_profile

UNIT, OTHER_UNIT = "4601", "0301"
POSTINGS = 3_000
CASEWORKER = Principal(role=Role.CASEWORKER, issuer="bench", subject="Z900001", units=frozenset({UNIT}))
PSEUDONYMS = Pseudonyms(b"benchmark-pseudonym-secret-of-32-bytes!")


def seeker_profile(rng: random.Random, where: Place) -> SeekerIn:
    occ = rng.choice(OCCUPATIONS)
    musts = {factor: "must" for factor in ("commute", "extent", "permanent") if rng.random() < 0.25}
    not_for_me: dict[str, Any] = {}
    if rng.random() < 0.05:
        not_for_me = {"employers": [f"{where.municipality.title()} kommune"]}
    elif rng.random() < 0.05:
        not_for_me = {"keywords": [rng.choice(occ.tasks).split()[0]]}
    return SeekerIn.model_validate({
        "summary": f"{occ.label}. {rng.choice(occ.tasks)}",
        "experience": [{"title": rng.choice(occ.titles), "years": rng.randint(0, 20)}],
        "skills": [{"name": skill, "level": rng.randint(1, 5)} for skill in rng.sample(occ.skills, min(2, len(occ.skills)))],
        "wishes": {"occupations": [{"system": "STYRK08", "code": occ.code, "label": occ.label}],
                   "locations": [{"postal_code": where.postal_code, "max_distance_km": rng.choice([20, 40, 60])}],
                   "extent": rng.choice(["full_time", "part_time", None])},
        "stay_factors": musts, "not_for_me": not_for_me,
    })


def load_seekers(session_factory: sessionmaker[Session], embedder: Any, size: int, near: list[Place], seed: int) -> None:
    """`size` seekers in UNIT and a tenth as many in OTHER_UNIT, with their vectors in the store."""
    rng = random.Random(seed)
    batch = 2_000
    units = [UNIT] * size + [OTHER_UNIT] * (size // 10)
    for start in range(0, len(units), batch):
        profiles = [seeker_profile(rng, rng.choice(near)) for _ in units[start : start + batch]]
        with session_factory.begin() as session:
            session.execute(insert(SeekerRow), [
                {**profile_values(profile), "assigned_unit": unit}
                for profile, unit in zip(profiles, units[start : start + batch], strict=True)
            ])
            vector_store.embed(session, embedder=embedder, texts=[seeker_text(p) for p in profiles], kind="query")


def timed(search: Callable[[Session, int], Any], session_factory: sessionmaker[Session], posting_ids: list[int],
          repeats: int) -> dict[str, Any]:
    samples: list[float] = []
    totals: list[int] = []
    for repeat in range(repeats):
        posting_id = posting_ids[repeat % len(posting_ids)]
        with session_factory() as session:
            started = time.perf_counter()
            page = search(session, posting_id)
            samples.append(time.perf_counter() - started)
            session.rollback()
        totals.append(page.total)
    return {**percentiles(samples), "requests": repeats, "considered": page.considered, "mean_total": sum(totals) / len(totals)}


def seeker_side(snapshot: IndexSnapshot, session_factory: sessionmaker[Session], embedder: Any) -> tuple[SeekerSide, float]:
    """The seeker side as a server's first upkeep round builds it, and how long that took."""
    side = SeekerSide()
    started = time.perf_counter()
    SeekerUpkeep(side, embedder=embedder)(snapshot, session_factory)
    return side, time.perf_counter() - started


def indexed(side: SeekerSide, embedder: Any) -> Callable[[Session, int], Any]:
    """After: the posting against the seeker side's columns; the database is read for the page."""

    def search(session: Session, posting_id: int) -> Any:
        side.rankings = RankingCache()  # every ranking computed afresh
        return candidates.candidates(session, side, posting_id=posting_id, principal=CASEWORKER, embedder=embedder,
                                     pseudonyms=PSEUDONYMS, purpose="benchmark", cursor=None, limit=20, language="no", cef=False)

    return search


@dataclass(frozen=True)
class ScanPage:
    total: int
    considered: int
    ranked: list[uuid.UUID]


def scan(snapshot: IndexSnapshot, embedder: Any) -> Callable[[Session, int], Any]:
    """Before: every visible seeker loaded, embedded, calibrated against the corpus and measured, on every request."""

    def search(session: Session, posting_id: int) -> ScanPage:
        row = session.scalars(select(PostingRow).where(PostingRow.id == posting_id)).one()
        posting = to_out(row)
        single = Corpus(lexical_model=snapshot.corpus.lexical_model, dense=DenseRows.empty(snapshot.dim))
        vector = vector_store.embed(session, embedder=embedder, texts=[posting_text(posting)])[0]
        single.apply(facts_for(session, [posting], [row]), {posting_id: vector})
        rows = session.scalars(select(SeekerRow).where(
            SeekerRow.findable.is_(True), SeekerRow.caseworker_access.is_(True), SeekerRow.protected.is_(False),
            or_(SeekerRow.assigned_caseworker == CASEWORKER.subject, SeekerRow.assigned_unit.in_(sorted(CASEWORKER.units))),
        ).order_by(SeekerRow.id)).all()
        profiles = [to_profile(seeker) for seeker in rows]
        vectors = vector_store.embed(session, embedder=embedder, texts=[seeker_text(profile) for profile in profiles], kind="query")
        dismissed = feedback_repository.seekers_who_dismissed(session, posting_id=posting_id)
        model, now, only_row = fit_model(), time.time(), np.zeros(1, dtype=np.int64)
        ranked = []
        for seeker, profile, seeker_vector in zip(rows, profiles, vectors, strict=True):
            query = Query(
                profile=profile, vector=seeker_vector, terms=seeker_terms(profile), importances=effective_importances(profile.stay_factors),
                filters=MatchFilters(), dismissed=frozenset({posting_id}) if seeker.id in dismissed else frozenset(),
                where=wherever(session, profile), skills=skill_stems(profile.skills), use_prior=False,
                has_text=bool(seeker_text(profile).strip()),
            )
            ctx = context(single, query, model=model, now=now,
                          calibrated=calibrations(snapshot.corpus, vector=query.vector, terms=query.terms))
            if ctx.removed[0]:
                continue
            measured = measure(ctx, only_row)
            strong, _, order, _ = order_of(ctx, measured, model)
            if len(order):
                ranked.append((seeker.id, scored(ctx, measured, 0, strong=bool(strong[0]))))
        ranked.sort(key=lambda pair: (not pair[1].strong, -pair[1].score, str(pair[0])))
        return ScanPage(total=len(ranked), considered=len(rows), ranked=[seeker_id for seeker_id, _ in ranked])

    return search


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--geonames", type=Path, required=True)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--database-url", default=os.environ.get("JOBMATCH_BENCH_DATABASE_URL"))
    parser.add_argument("--repeats", type=int, default=50, help="candidate searches timed per size")
    parser.add_argument("--scan", action="store_true", help="also time the per-request scan the seeker side replaced")
    parser.add_argument("--scan-repeats", type=int, default=1)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, stop_on_signal)
    all_places = places(args.geonames)
    bergen = [p for p in all_places if p.municipality_code in {"4601", "4626", "4631", "4627", "4624"}] or all_places
    embedder = load_embedder("hashing")
    report: dict[str, Any] = {}
    workdir = Path(tempfile.mkdtemp(prefix="jobmatch-candidates-"))
    try:
        with database(args.database_url, workdir) as url:
            for size in args.sizes:
                schema = f"candidates_{size}"
                engine, session_factory = market_schema(url, schema, args.geonames)
                market = load_market(session_factory, POSTINGS, bergen, seed=size)
                store = IndexStore(workdir / f"index-{size}")
                run_reindex(session_factory, embedder=embedder, index_store=store)
                started = time.perf_counter()
                load_seekers(session_factory, embedder, size, bergen, seed=size)
                print(f"\n{size:,} seekers loaded in {time.perf_counter() - started:.0f} s", flush=True)
                current = store.current()
                assert current is not None
                snapshot = store.load(current, model_id=embedder.model_id)
                with session_factory() as session:
                    sync_changes(snapshot, session)
                common = {OCCUPATIONS[0].code, OCCUPATIONS[1].code, OCCUPATIONS[2].code}
                posting_ids = sorted(pid for pid, item in market.items() if item["occupations"][0]["code"] in common)[:10]
                side, built = seeker_side(snapshot, session_factory, embedder)
                result: dict[str, Any] = {"side_build_s": round(built, 1), "side_vectors_mb": round(side_megabytes(side), 1),
                                          "after": timed(indexed(side, embedder), session_factory, posting_ids, args.repeats)}
                if args.scan:
                    result["before"] = timed(scan(snapshot, embedder), session_factory, posting_ids, args.scan_repeats)
                report[str(size)] = result
                print_size(size, result)
                engine.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "candidates.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    return 0


def side_megabytes(side: SeekerSide) -> float:
    return 0.0 if side.vectors is None else side.vectors.view().nbytes / 1e6


def print_size(size: int, result: dict[str, Any]) -> None:
    after, before = result["after"], result.get("before")
    line = (f"{size:>8,} seekers  side built in {result['side_build_s']:.1f} s ({result['side_vectors_mb']:.0f} MB of vectors)  "
            f"after p50 {after['p50_ms']:.1f} ms p99 {after['p99_ms']:.1f} ms ({after['requests']} requests)")
    if before:
        line += f"  before p50 {before['p50_ms']:.0f} ms p99 {before['p99_ms']:.0f} ms ({before['requests']} requests)"
    print(line, flush=True)


if __name__ == "__main__":
    sys.exit(main())
