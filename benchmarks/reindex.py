"""What a reindex costs beyond the model: pure encoding vs a full reindex vs an incremental one, side by side.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/reindex.py --postings 20000 --out benchmarks/out/reindex.json

Generates POSTINGS distinct postings from the demo generator's tables, imports them as `jobmatch import` does, then
measures in one run, on the same machine state:

(a) pure encoding: `embedder.encode` over exactly the texts a reindex embeds, in batches of --batch-size, no
    database;
(b) a full reindex (`run_reindex(full=True)`) on an empty vector store, and its ratio to (a); goal < 1.10.
    (a) and (b) alternate --rounds times, ending with (a), and the medians are compared: on a shared machine the
    load drifts over minutes, and one (a) then one (b) can differ by 50% from that alone;
(c) after changing --changed (1%) of the postings, an incremental reindex, and its ratio to (b); goal < 0.10.

Each reindex is broken down: model time (measured inside the executor), vector store and bookkeeping around it,
reading rows, FAISS + lexical build, verify, and the rest (write, switch, prune). Three ratios for (b) / (a): wall
clock; CPU seconds (this process plus its PostgreSQL backends), which move far less with the neighbours' load; and
wall clock over the model time inside the same run, which no drift can touch.
Without --database-url an embedded PostgreSQL is started in a temporary folder; with one, the benchmark works in a
schema of its own (`jobmatch_reindex_benchmark`, dropped at the end).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import random
import resource
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from bench_support import schema_engine, stop_on_signal
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from jobmatch.db import migrate
from jobmatch.db.embedded import embedded_postgres
from jobmatch.db.engine import make_engine, make_session_factory
from jobmatch.demo import generator
from jobmatch.demo.occupations import OCCUPATIONS
from jobmatch.embedding.base import Embedder
from jobmatch.embedding.sentence import load_embedder
from jobmatch.embedding.texts import posting_text
from jobmatch.postings import repository as postings_repository
from jobmatch.postings.schemas import PostingIn
from jobmatch.postings.service import row_values, to_out
from jobmatch.search.build import active_postings
from jobmatch.search.reindex import run_reindex
from jobmatch.search.versions import IndexStore

SCHEMA = "jobmatch_reindex_benchmark"
SEED = 2026
GOAL_FULL_OVER_ENCODE = 1.10
GOAL_INCREMENTAL_OVER_FULL = 0.10


def generate(count: int, *, edited: frozenset[int] = frozenset()) -> Iterator[PostingIn]:
    """COUNT postings with distinct texts (the generator's occupations, places and phrasing, plus a reference line).

    The same COUNT always gives the same postings; those numbered in EDITED get an extra sentence, as an edited ad would.
    """
    rng = random.Random(SEED)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    weights = [occupation.weight for occupation in OCCUPATIONS]
    for number in range(count):
        occupation = rng.choices(OCCUPATIONS, weights=weights)[0]
        posting = generator._posting(rng, number, occupation, now, False)  # the generator's one-posting recipe
        description = f"{posting.description}\n\nReferanse: JM-{number:07d}"
        if number in edited:
            description += "\nOppdatert: søknadsfristen er forlenget, og stillingen kan tiltres etter avtale."
        yield posting.model_copy(update={"source": "benchmark", "external_id": f"bench-{number:07d}", "description": description})


def import_postings(session_factory: sessionmaker[Session], postings: Iterable[PostingIn], *, batch: int = 1_000) -> int:
    rows: list[dict[str, Any]] = []
    written = 0
    for posting in postings:
        rows.append(row_values(posting))
        if len(rows) == batch:
            with session_factory.begin() as session:
                written += len(postings_repository.upsert_many(session, rows))
            rows = []
    if rows:
        with session_factory.begin() as session:
            written += len(postings_repository.upsert_many(session, rows))
    return written


class TimedExecutor:
    """The local executor, counting the seconds spent inside the model, so the rest of a reindex can be told apart."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self.model_seconds = 0.0

    def encode_batches(self, batches: Sequence[Sequence[str]]) -> Iterator[npt.NDArray[np.float32]]:
        for batch in batches:
            started = time.perf_counter()
            vectors = self.embedder.encode(list(batch), kind="passage")
            self.model_seconds += time.perf_counter() - started
            yield vectors


@dataclass
class Clock:
    """Wall and CPU seconds of a stretch of work: this process, and the PostgreSQL backends it used."""

    engine: Engine
    wall: float = 0.0
    cpu: float = 0.0
    server_cpu: float | None = None
    _marks: tuple[float, float, dict[int, float] | None] = field(default=(0.0, 0.0, None), repr=False)

    def __enter__(self) -> Clock:
        self._marks = (time.perf_counter(), time.process_time(), backend_cpu(self.engine))
        return self

    def __exit__(self, *_: object) -> None:
        wall, cpu, backends = self._marks
        self.wall, self.cpu = time.perf_counter() - wall, time.process_time() - cpu
        after = backend_cpu(self.engine)
        if backends is not None and after is not None:
            self.server_cpu = sum(after.values()) - sum(backends.get(pid, 0.0) for pid in after)

    def as_dict(self) -> dict[str, float | None]:
        server = round(self.server_cpu, 2) if self.server_cpu is not None else None
        return {"wall_seconds": round(self.wall, 2), "cpu_seconds": round(self.cpu, 2), "server_cpu_seconds": server}


def backend_cpu(engine: Engine) -> dict[int, float] | None:
    """CPU seconds so far of each backend of the benchmark database, when the server runs on this machine."""
    with engine.connect() as connection:
        pids = connection.scalars(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")).all()
    seconds: dict[int, float] = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        seconds[int(pid)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return seconds


def bench_engine(url: str) -> Engine:
    return schema_engine(url, SCHEMA)


@contextmanager
def benchmark_database(url: str | None, workdir: Path) -> Iterator[Engine]:
    with embedded_postgres(workdir / "pgdata") if url is None else _given(url) as server_url:
        admin = make_engine(server_url)
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
        engine = bench_engine(server_url)
        migrate.upgrade(engine)
        try:
            yield engine
        finally:
            engine.dispose()
            with admin.begin() as connection:
                connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            admin.dispose()


@contextmanager
def _given(url: str) -> Iterator[str]:
    yield url


def timed_encoding(engine: Engine, embedder: Embedder, texts: list[str], batch_size: int) -> Clock:
    with Clock(engine) as clock:
        encode_all(embedder, texts, batch_size)
    print(f"(a) pure encoding        {clock.wall:8.1f} s  ({len(texts) / clock.wall:,.1f} texts/s)", flush=True)
    return clock


def reindex_texts(session_factory: sessionmaker[Session]) -> list[str]:
    """The passages a reindex embeds, read the way it reads them."""
    now = datetime.now(UTC)
    with session_factory() as session:
        return [posting_text(to_out(row, now=now)) for chunk in active_postings(session, now=now) for row in chunk]


def encode_all(embedder: Embedder, texts: list[str], batch_size: int, *, report_every: float = 60.0) -> None:
    started = last_report = time.perf_counter()
    for start in range(0, len(texts), batch_size):
        embedder.encode(texts[start : start + batch_size], kind="passage")
        if time.perf_counter() - last_report > report_every:  # long runs: show the rate, so an ETA can be judged
            last_report = time.perf_counter()
            done = min(start + batch_size, len(texts))
            print(f"    encoded {done:,}/{len(texts):,} ({done / (last_report - started):,.1f} texts/s)", file=sys.stderr, flush=True)


def timed_reindex(
    engine: Engine, embedder: Embedder, store: IndexStore, *, full: bool, batch_size: int, profile: bool
) -> dict[str, Any]:
    session_factory = make_session_factory(engine)
    executor = TimedExecutor(embedder)
    profiler = cProfile.Profile() if profile else None
    with Clock(engine) as clock:
        if profiler:
            profiler.enable()
        summary = run_reindex(session_factory, embedder=embedder, index_store=store, full=full, batch_size=batch_size, executor=executor)
        if profiler:
            profiler.disable()
    if profiler:
        print(f"\nprofile of the {'full' if full else 'incremental'} reindex (cumulative):", file=sys.stderr)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
    parts = {
        "model": executor.model_seconds,
        "vector_store_and_bookkeeping": summary["seconds_encoding"] - executor.model_seconds,
        "reading_rows": summary["seconds_reading"],
        "faiss_and_lexical_build": summary["seconds_indexing"],
        "verify": summary["seconds_verifying"],
    }
    parts["write_switch_prune_other"] = clock.wall - sum(parts.values())
    return {
        **clock.as_dict(),
        "breakdown_seconds": {name: round(seconds, 2) for name, seconds in parts.items()},
        "embeddings_computed": summary["embeddings_computed"],
        "embeddings_reused": summary["embeddings_reused"],
        "postings": summary["postings"],
        "index_kind": summary["index_kind"],
        "index_files_mib": {file.name: round(file.stat().st_size / 2**20, 2) for file in store.folder(summary["index_version"]).iterdir()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--postings", type=int, default=20_000, help="postings to generate (default 20000)")
    parser.add_argument("--database-url", help="PostgreSQL URL; default: an embedded server in a temporary folder")
    parser.add_argument("--model", default=None, help="model folder, or 'hashing'; default: the bundled all-MiniLM-L6-v2")
    parser.add_argument("--batch-size", type=int, default=256, help="texts per encoder batch (default 256, as the CLI)")
    parser.add_argument("--changed", type=float, default=0.01, help="share of postings edited before (c) (default 0.01)")
    parser.add_argument("--rounds", type=int, default=2, help="full reindexes, each between two pure encodings (default 2)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of each reindex to stderr")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "reindex.json")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, stop_on_signal)

    load_before = os.getloadavg()
    embedder = load_embedder(args.model)
    print(f"model {embedder.model_id}, {args.postings:,} postings, batch {args.batch_size}, {os.cpu_count()} CPUs", flush=True)
    with (
        tempfile.TemporaryDirectory(prefix="jobmatch-reindex-bench-") as workdir,
        benchmark_database(args.database_url, Path(workdir)) as engine,
    ):
        session_factory = make_session_factory(engine)
        started = time.perf_counter()
        import_postings(session_factory, generate(args.postings))
        print(f"imported in {time.perf_counter() - started:.1f} s", flush=True)
        texts = reindex_texts(session_factory)
        encode_all(embedder, texts[:32], args.batch_size)  # warm-up: first calls pay for lazy initialisation

        store = IndexStore(Path(workdir) / "index")
        encodings: list[Clock] = []
        fulls: list[dict[str, Any]] = []
        for _ in range(args.rounds):  # (a) (b) (a) (b) ... (a): every full reindex sits between two pure encodings
            encodings.append(timed_encoding(engine, embedder, texts, args.batch_size))
            with engine.begin() as connection:
                connection.execute(text("TRUNCATE embeddings"))
            fulls.append(timed_reindex(engine, embedder, store, full=True, batch_size=args.batch_size, profile=args.profile))
            print(f"(b) full reindex         {fulls[-1]['wall_seconds']:8.1f} s  {fulls[-1]['breakdown_seconds']}", flush=True)
        encodings.append(timed_encoding(engine, embedder, texts, args.batch_size))

        edited = frozenset(random.Random(SEED + 1).sample(range(args.postings), k=max(1, round(args.postings * args.changed))))
        import_postings(session_factory, (p for n, p in enumerate(generate(args.postings, edited=edited)) if n in edited))
        incremental = timed_reindex(engine, embedder, store, full=False, batch_size=args.batch_size, profile=args.profile)
        print(f"(c) incremental reindex  {incremental['wall_seconds']:8.1f} s  {incremental['breakdown_seconds']}", flush=True)

    encode_wall = statistics.median(clock.wall for clock in encodings)
    full = sorted(fulls, key=lambda run: run["wall_seconds"])[len(fulls) // 2]
    full_ratio = full["wall_seconds"] / encode_wall
    # The same encoder calls timed inside the reindex: immune to the machine getting busier or quieter between (a) and (b).
    in_run_ratio = full["wall_seconds"] / full["breakdown_seconds"]["model"]
    # CPU seconds move much less with the neighbours' load than wall seconds do.
    encode_cpu = statistics.median(clock.cpu for clock in encodings)
    cpu_ratio = (full["cpu_seconds"] + (full["server_cpu_seconds"] or 0.0)) / encode_cpu
    incremental_ratio = incremental["wall_seconds"] / full["wall_seconds"]
    result = {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "load_average_before": load_before, "load_average_after": os.getloadavg()},
        "model_id": embedder.model_id,
        "postings": args.postings,
        "batch_size": args.batch_size,
        "rounds": args.rounds,
        "pure_encoding": {"runs": [clock.as_dict() for clock in encodings], "median_wall_seconds": round(encode_wall, 2),
                          "median_cpu_seconds": round(encode_cpu, 2), "texts_per_second": round(len(texts) / encode_wall, 1)},
        "full_reindex": full,
        "full_reindex_runs_wall_seconds": [run["wall_seconds"] for run in fulls],
        "full_over_encoding": round(full_ratio, 3),
        "full_overhead_seconds": round(full["wall_seconds"] - encode_wall, 2),
        "full_over_its_own_model_time": round(in_run_ratio, 3),
        "full_over_encoding_cpu": round(cpu_ratio, 3),
        "changed_postings": len(edited),
        "incremental_reindex": incremental,
        "incremental_over_full": round(incremental_ratio, 3),
        "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "goals": {"full_over_encoding_below": GOAL_FULL_OVER_ENCODE, "incremental_over_full_below": GOAL_INCREMENTAL_OVER_FULL,
                  "full_met": full_ratio < GOAL_FULL_OVER_ENCODE, "full_met_in_run": in_run_ratio < GOAL_FULL_OVER_ENCODE,
                  "full_met_cpu": cpu_ratio < GOAL_FULL_OVER_ENCODE,
                  "incremental_met": incremental_ratio < GOAL_INCREMENTAL_OVER_FULL},
    }
    print(f"full reindex / pure encoding = {full_ratio:.3f} wall, {cpu_ratio:.3f} CPU; / its own model time = {in_run_ratio:.3f} "
          f"(goal < {GOAL_FULL_OVER_ENCODE}); "
          f"incremental / full = {incremental_ratio:.3f} (goal < {GOAL_INCREMENTAL_OVER_FULL}); "
          f"pure encoding runs {[round(clock.wall, 1) for clock in encodings]} s")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
