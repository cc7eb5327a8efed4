"""First page of the match list at one market size, the ranking cache emptied before every request: p50 and p99.

    createdb -h 127.0.0.1 -U postgres jm_first_page
    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/first_page.py --geonames ../shared/data/geo-no/NO.txt \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/jm_first_page --size 100000 --index /tmp/first-page-index

The market (benchmarks/scale.py's generator and seekers, hashing embedder) is kept in schema `first_page_<size>` and the
index in `--index`, so later runs, and runs of older code (`PYTHONPATH=<export>/src`), measure the same data.
"""

from __future__ import annotations

import argparse
import gc
import time
from pathlib import Path

import scale
from bench_support import market_schema, schema_engine
from sqlalchemy import text

from jobmatch.db.engine import make_session_factory
from jobmatch.embedding.sentence import load_embedder
from jobmatch.matching import service as matching
from jobmatch.search.reindex import run_reindex
from jobmatch.search.snapshot import RankingCache
from jobmatch.search.sync import sync_changes
from jobmatch.search.versions import IndexStore
from jobmatch.seekers.schemas import SeekerIn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--geonames", type=Path, required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=4, help="requests per seeker; the first is a warm-up")
    arguments = parser.parse_args()
    places = scale.places(arguments.geonames)
    points = {place.postal_code: place for place in places}
    schema = f"first_page_{arguments.size}"
    engine = schema_engine(arguments.database_url, schema)
    store = IndexStore(arguments.index)
    embedder = load_embedder("hashing")
    with engine.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM information_schema.schemata WHERE schema_name = :s"), {"s": schema}).first()
    session_factory = make_session_factory(engine)
    if not exists or store.current() is None:
        _, session_factory = market_schema(arguments.database_url, schema, arguments.geonames)
        scale.load_market(session_factory, arguments.size, places, seed=arguments.size)
        run_reindex(session_factory, embedder=embedder, index_store=store)
    current = store.current()
    assert current is not None
    snapshot = store.load(current, model_id=embedder.model_id)
    with session_factory() as session:
        sync_changes(snapshot, session)
    if hasattr(matching, "keep_priors_current"):  # older code on PYTHONPATH prepares its priors in the first request
        matching.keep_priors_current(snapshot, session_factory)
    gc.freeze()  # as a serving process freezes what start-up built (here the version too: nothing replaces it)
    with session_factory() as session:
        queries = {name: matching.build_query(session, embedder=embedder, profile=SeekerIn.model_validate(body))
                   for name, body in scale.seekers(points).items()}
        times: dict[str, list[float]] = {name: [] for name in queries}
        totals: dict[str, int] = {}
        for _ in range(arguments.repeats):
            for name, query in queries.items():
                snapshot.rankings = RankingCache()
                started = time.perf_counter()
                page = matching.matches(session, snapshot, query, cursor=None, limit=20, language="no")
                times[name].append((time.perf_counter() - started) * 1000)
                totals[name] = page.total
        session.rollback()
    measured = sorted(t for samples in times.values() for t in samples[1:])
    for name, samples in times.items():
        print(f"{name:58s} {totals[name]:>7,} in the list  median {sorted(samples[1:])[len(samples[1:]) // 2]:6.1f} ms")
    print(f"all: p50 {measured[len(measured) // 2]:.1f} ms, p99 {measured[min(len(measured) - 1, int(len(measured) * 0.99))]:.1f} ms, "
          f"{len(measured)} requests")


if __name__ == "__main__":
    main()
