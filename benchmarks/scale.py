"""The matching engine at the size of Norway's job market: recall, agreement with an exhaustive oracle, latency, reindex.

For each size it generates postings over every municipality with real postal codes (GeoNames `NO.txt`), builds the index
(hashing embedder: the engine is measured, not the model), then for seekers with selective `must` factors prints, side
by side:
- recall of the postings that fit (a wished occupation, every `must` met, checked here from the generated data, not by
  the engine's rules) over every page of the list;
- top-20 agreement with an exhaustive oracle: the engine's own formula applied to every allowed posting, no retrieval;
- p50 / p99 of a first page (ranking not cached) and of an explanation, in-process;
- with --http: the same over HTTP with one client (after a warm-up), throughput with 2 workers at 4 and 16 clients, RSS per worker;
- incremental ÷ full reindex after 1% of the postings changed (model time excluded).

Latency is measured after the database is vacuumed and checkpointed (the bulk load's aftermath). In-process, it is
measured in a fresh process that loads the version, as a serving worker does, and freezes what it built for the
garbage collector: the process that generated the market and built the index holds that work's leftovers (a heap
shaped by 100,000 postings' import and reindex), which made each ranking 20-30% slower there than in a worker.

    .venv/bin/python benchmarks/scale.py --geonames ../shared/data/geo-no/NO.txt --sizes 10000 100000 --http
"""

from __future__ import annotations

import argparse
import concurrent.futures
import gc
import json
import math
import multiprocessing
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from bench_support import database, market_schema, schema_engine, stop_on_signal
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from jobmatch.db.engine import make_session_factory
from jobmatch.demo.occupations import OCCUPATIONS
from jobmatch.embedding.sentence import load_embedder
from jobmatch.matching import service as matching
from jobmatch.matching.measure import measure
from jobmatch.matching.ranking import order_of
from jobmatch.postings.importer import Importer, ImportFormat
from jobmatch.search.reindex import run_reindex
from jobmatch.search.snapshot import RankingCache
from jobmatch.search.sync import sync_changes
from jobmatch.search.versions import IndexStore
from jobmatch.seekers.schemas import SeekerIn

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
EARTH_KM = 6371.0088
HOURS = ("day", "evening", "night", "weekend", "shift")
WARM_UP_SECONDS = 5.0
"""Over HTTP, latency is measured after this long: a version's first round of upkeep re-reads the rows changed shortly
before it was built (tens of thousands after a bulk import), once per worker, beside the first requests."""


@dataclass(frozen=True)
class Place:
    postal_code: str
    municipality: str
    municipality_code: str
    lat: float
    lon: float


def places(path: Path) -> list[Place]:
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) >= 11 and fields[6].isdigit():
            found.append(Place(fields[1], fields[5], fields[6], float(fields[9]), float(fields[10])))
    return found


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def posting(rng: random.Random, number: int, where: Place) -> dict[str, Any]:
    occ = OCCUPATIONS[min(int(rng.paretovariate(1.2)) - 1, len(OCCUPATIONS) - 1)] if rng.random() < 0.5 else rng.choice(OCCUPATIONS)
    chain = rng.random() < 0.05  # chains post many identical ads
    title = occ.titles[0] if chain else rng.choice(occ.titles)
    employer = f"{occ.label.split()[0]}kjeden AS" if chain else f"{where.municipality.title()} {rng.choice(['AS', 'kommune', 'Drift AS'])}"
    return {
        "source": "scale", "external_id": f"s{number}", "title": title,
        "description": " ".join(rng.sample(occ.tasks, min(3, len(occ.tasks)))),
        "employer": {"name": employer},
        "locations": [{"postal_code": where.postal_code, "municipality": where.municipality, "municipality_code": where.municipality_code}],
        "occupations": [{"system": "STYRK08", "code": occ.code, "label": occ.label}],
        "skills": rng.sample(occ.skills, min(3, len(occ.skills))),
        "extent": rng.choice(["full_time", "full_time", "part_time", None]),
        "engagement_type": rng.choice(["permanent", "permanent", "temporary", None]),
        "sector": rng.choice(["public", "private"]),
        "remote": rng.choice(["onsite", "onsite", "onsite", "hybrid", "remote"]) if occ.kind.value == "it" else "onsite",
        "work_hours": rng.sample(HOURS, rng.randint(1, 2)),
        "salary": rng.choice([None, f"{rng.randint(420, 750)} 000 kr", "Etter avtale"]),
    }


def seekers(points: dict[str, Place]) -> dict[str, dict[str, Any]]:
    """Seekers like the ones that were starved: selective `must` factors over a wished occupation."""
    def nurse(postal: str, km_limit: float | None, musts: dict[str, str], **wishes: Any) -> dict[str, Any]:
        location = {"postal_code": postal, **({"max_distance_km": km_limit} if km_limit else {})}
        return {
            "summary": "Sykepleier med erfaring fra sengepost og hjemmesykepleie.",
            "skills": [{"name": "sykepleie", "level": 4}, {"name": "legemiddelhåndtering", "level": 4}],
            "wishes": {"occupations": [{"system": "STYRK08", "code": "2223", "label": "Sykepleiere"}], "locations": [location], **wishes},
            "stay_factors": musts,
        }

    return {
        "nurse Førde, commute must 30 km": nurse("6800", 30, {"commute": "must"}),
        "nurse Bergen, commute must 25 km": nurse("5003", 25, {"commute": "must"}),
        "nurse Bergen, 4 musts": nurse("5003", 25, {"commute": "must", "extent": "must", "permanent": "must", "work_hours": "must"},
                                        extent="full_time", work_hours=["day"]),
        "developer, part time must": {
            "summary": "Programvareutvikler, Python og PostgreSQL.", "skills": [{"name": "Python", "level": 5}],
            "wishes": {"occupations": [{"system": "STYRK08", "code": "2512", "label": "Programvareutviklere"}], "extent": "part_time"},
            "stay_factors": {"extent": "must"},
        },
        "kindergarten teacher Oslo, 20 km must, not Oslo kommune": {
            "summary": "Barnehagelærer.", "wishes": {"occupations": [{"system": "STYRK08", "code": "2342", "label": "Førskolelærere"}],
                                                     "locations": [{"postal_code": "0150", "max_distance_km": 20}]},
            "stay_factors": {"commute": "must"}, "not_for_me": {"employers": ["Oslo kommune"]},
        },
        "nurse Bergen, no must": nurse("5003", 25, {"commute": "high"}),
    }


def fits(seeker: dict[str, Any], item: dict[str, Any], points: dict[str, Place]) -> bool:
    """Wished occupation and every `must` met, from the generated data (unknown attributes are no breach)."""
    wishes, musts = seeker["wishes"], {f for f, level in seeker.get("stay_factors", {}).items() if level == "must"}
    if item["occupations"][0]["code"] not in {o["code"] for o in wishes["occupations"]}:
        return False
    if any(name.casefold() in item["employer"]["name"].casefold() for name in seeker.get("not_for_me", {}).get("employers", [])):
        return False
    if "commute" in musts and item["remote"] != "remote":
        wish = wishes["locations"][0]
        home, there = points[wish["postal_code"]], points[item["locations"][0]["postal_code"]]
        if km((home.lat, home.lon), (there.lat, there.lon)) > wish.get("max_distance_km", 50):
            return False
    if "extent" in musts and item["extent"] not in (None, wishes["extent"]):
        return False
    if "permanent" in musts and item["engagement_type"] not in (None, "permanent"):
        return False
    return not ("work_hours" in musts and not set(item["work_hours"]) <= set(wishes["work_hours"]))


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2), "p99_ms": round(p99 * 1000, 2)}


def load_market(session_factory: sessionmaker[Session], size: int, all_places: list[Place], seed: int) -> dict[int, dict[str, Any]]:
    rng = random.Random(seed)
    generated = [posting(rng, number, rng.choice(all_places)) for number in range(size)]
    importer = Importer(session_factory, fmt=ImportFormat.JOBMATCH, batch_size=2_000)
    importer.feed([json.dumps(item) for item in generated])
    report = importer.finish()
    assert report.rejected == 0, report.rejected_lines[:3]
    with session_factory() as session:
        ids = dict(session.execute(text("SELECT external_id, id FROM postings")).tuples().all())
    return {int(ids[item["external_id"]]): item for item in generated}


def change_one_percent(session_factory: sessionmaker[Session], ids: list[int], seed: int) -> int:
    changed = random.Random(seed).sample(ids, max(1, len(ids) // 100))
    with session_factory.begin() as session:
        session.execute(text("UPDATE postings SET title = title || ' (ny)', content_hash = md5(content_hash), updated_at = now() "
                             "WHERE id = ANY(:ids)"), {"ids": changed})
    return len(changed)


def settle_database(engine: Engine) -> None:
    """Vacuum, analyse and checkpoint after the bulk load, so that autovacuum does not take a core while latency is measured."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
        connection.execute(text("CHECKPOINT"))


def in_worker_process(url: str, schema: str, store: IndexStore, market: dict[int, dict[str, Any]], points: dict[str, Place],
                      repeats: int) -> dict[str, Any]:
    """`in_process` in a fresh interpreter that loads the version, as a serving worker does."""
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        found: dict[str, Any] = pool.submit(_measure_in_worker, url, schema, str(store.root), market, points, repeats).result()
    return found


def _measure_in_worker(url: str, schema: str, root: str, market: dict[int, dict[str, Any]], points: dict[str, Place],
                       repeats: int) -> dict[str, Any]:
    engine = schema_engine(url, schema)
    try:
        return in_process(make_session_factory(engine), IndexStore(Path(root)), load_embedder("hashing"), market, points, repeats)
    finally:
        engine.dispose()


def in_process(session_factory: sessionmaker[Session], store: IndexStore, embedder: Any, market: dict[int, dict[str, Any]],
               points: dict[str, Place], repeats: int) -> dict[str, Any]:
    current = store.current()
    assert current is not None
    snapshot = store.load(current, model_id=embedder.model_id)
    with session_factory() as session:
        sync_changes(snapshot, session)
    matching.keep_priors_current(snapshot, session_factory)
    gc.freeze()  # as a serving process freezes what start-up built (here the version too: nothing replaces it)
    results: dict[str, Any] = {}
    for name, body in seekers(points).items():
        profile = SeekerIn.model_validate(body)
        with session_factory() as session:
            query = matching.build_query(session, embedder=embedder, profile=profile)
            shown: list[int] = []
            cursor = None
            while True:
                page = matching.matches(session, snapshot, query, cursor=cursor, limit=100, language="no")
                shown += [item.posting_id for item in page.items]
                if not (cursor := page.next_cursor):
                    break
            fitting = {pid for pid, item in market.items() if fits(body, item, points)}
            found = len(fitting & set(shown))
            ranking = matching.ranking_for(session, snapshot, query)
            ctx = ranking.ctx
            allowed = np.flatnonzero(~ctx.removed)
            exhaustive = measure(ctx, allowed, ranking.prior(allowed) if ranking.prior is not None and len(allowed) else None)
            _, _, order, _ = order_of(ctx, exhaustive, ctx.model)
            oracle_top = [int(ctx.corpus.column("ids", ctx.n)[exhaustive.rows[i]]) for i in order[:20]]
            del ranking, ctx, exhaustive
            snapshot.rankings = RankingCache()
            gc.collect()  # the check above (every page worded, every allowed posting scored) leaves cycles a first page does not
            list_times, explain_times = [], []
            for _ in range(repeats):
                snapshot.rankings = RankingCache()
                started = time.perf_counter()
                first = matching.matches(session, snapshot, query, cursor=None, limit=20, language="no")
                list_times.append(time.perf_counter() - started)
                if first.items:
                    started = time.perf_counter()
                    matching.explain(session, snapshot, query, seeker_id=uuid.uuid4(), posting_id=first.items[-1].posting_id)
                    explain_times.append(time.perf_counter() - started)
            session.rollback()
        results[name] = {
            "fitting": len(fitting), "returned": len(shown), "recall": round(found / len(fitting), 4) if fitting else None,
            "top20_agreement": len(set(shown[:20]) & set(oracle_top)) / max(1, min(20, len(oracle_top))),
            "top20_identical": shown[:20] == oracle_top,
            "matches": percentiles(list_times), "explanation": percentiles(explain_times) if explain_times else None,
            "why_short": bool(first.why_short),
        }
    return results


def http_run(url: str, data_dir: Path, points: dict[str, Place], seconds: float) -> dict[str, Any]:
    env = {**os.environ, "JOBMATCH_DATABASE_URL": url, "JOBMATCH_DATA_DIR": str(data_dir), "JOBMATCH_EMBEDDING_MODEL": "hashing",
           "JOBMATCH_RATE_LIMIT_PER_MINUTE": "", "JOBMATCH_INDEX_UPKEEP_SECONDS": "1"}
    env.pop("JOBMATCH_RATE_LIMIT_PER_MINUTE")
    env["JOBMATCH_RATE_LIMIT_PER_MINUTE"] = "1000000"
    port = 8765
    server = subprocess.Popen([sys.executable, "-m", "jobmatch", "serve", "--port", str(port), "--workers", "2"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(base + "/readyz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(1)
        token = subprocess.run([sys.executable, "-m", "jobmatch", "token", "--role", "seeker", "--subject", "scale-1"], env=env,
                               capture_output=True, text=True, check=True).stdout.strip()
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        body = seekers(points)["nurse Bergen, commute must 25 km"]
        request = urllib.request.Request(base + "/v1/seekers", data=json.dumps(body).encode(), headers=headers, method="POST")  # noqa: S310
        with urllib.request.urlopen(request) as response:  # noqa: S310
            seeker_id = json.load(response)["id"]

        def get(path: str) -> float:
            started = time.perf_counter()
            with urllib.request.urlopen(urllib.request.Request(base + path, headers=headers)) as response:  # noqa: S310
                payload = json.load(response)
            elapsed = time.perf_counter() - started
            get.last = payload  # type: ignore[attr-defined]
            return elapsed

        matches_path = f"/v1/seekers/{seeker_id}/matches?limit=20"
        time.sleep(WARM_UP_SECONDS)  # steady state: each worker's change feed has caught up with the new version once
        for _ in range(20):
            get(matches_path)
        first = get.last["items"][0]["posting_id"]  # type: ignore[attr-defined]
        single = [get(matches_path) for _ in range(200)]
        explained = [get(f"/v1/seekers/{seeker_id}/matches/{first}/explanation") for _ in range(200)]
        throughput = {}
        for clients in (4, 16):
            stop = time.monotonic() + seconds

            def worker(stop: float = stop) -> int:
                done = 0
                while time.monotonic() < stop:
                    get(matches_path)
                    done += 1
                return done

            with concurrent.futures.ThreadPoolExecutor(clients) as pool:
                total = sum(pool.map(lambda _: worker(), range(clients)))
            throughput[f"{clients}_clients_req_per_s"] = round(total / seconds, 1)
        workers = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
        rss = []
        for pid in workers:
            status = Path(f"/proc/{pid}/status").read_text()
            rss.append(int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS"))) // 1024)
        return {"matches_one_client": percentiles(single), "explanation_one_client": percentiles(explained), **throughput,
                "rss_mib_per_worker": rss}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--geonames", type=Path, required=True)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--database-url", default=os.environ.get("JOBMATCH_BENCH_DATABASE_URL"))
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--http", action="store_true", help="also measure over HTTP with `jobmatch serve --workers 2`")
    parser.add_argument("--http-seconds", type=float, default=10.0)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, stop_on_signal)
    all_places = places(args.geonames)
    points = {p.postal_code: p for p in all_places}
    print(f"{len(all_places)} postal codes in {len({p.municipality_code for p in all_places})} municipalities")
    embedder = load_embedder("hashing")
    report: dict[str, Any] = {}
    workdir = Path(tempfile.mkdtemp(prefix="jobmatch-scale-"))
    try:
        with database(args.database_url, workdir) as url:
            for size in args.sizes:
                schema = f"scale_{size}"
                engine, session_factory = market_schema(url, schema, args.geonames)
                started = time.perf_counter()
                market = load_market(session_factory, size, all_places, seed=size)
                print(f"\n{size:,} postings loaded in {time.perf_counter() - started:.0f} s")
                store = IndexStore(workdir / f"index-{size}")
                full = run_reindex(session_factory, embedder=embedder, index_store=store)
                changed = change_one_percent(session_factory, list(market), seed=size)
                incremental = run_reindex(session_factory, embedder=embedder, index_store=store)
                settle_database(engine)
                full_s = full["seconds"] - full["seconds_encoding"]
                incremental_s = incremental["seconds"] - incremental["seconds_encoding"]
                result: dict[str, Any] = {
                    "reindex": {"full_s": round(full_s, 2), "incremental_s": round(incremental_s, 2), "changed": changed,
                                "incremental_over_full": round(incremental_s / full_s, 3),
                                "incremental_from": incremental["incremental_from"]},
                    "seekers": in_worker_process(url, schema, store, market, points, args.repeats),
                }
                if args.http:
                    data_dir = workdir / f"data-{size}"
                    data_dir.mkdir()
                    shutil.copytree(store.root, data_dir / "index")
                    result["http"] = http_run(f"{url}?options=-csearch_path%3D{schema}" if "?" not in url else url, data_dir, points,
                                              args.http_seconds)
                report[str(size)] = result
                print_size(size, result)
                engine.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "scale.json").write_text(json.dumps(report, indent=2))
    return 0


def print_size(size: int, result: dict[str, Any]) -> None:
    print(f"{'seeker':<58}{'fit':>7}{'shown':>7}{'recall':>8}{'top20':>7}{'list p50/p99 ms':>18}{'expl p50/p99 ms':>18}")
    for name, row in result["seekers"].items():
        explanation = row["explanation"] or {"p50_ms": 0, "p99_ms": 0}
        print(f"{name:<58}{row['fitting']:>7}{row['returned']:>7}{row['recall'] or 0:>8.3f}{row['top20_agreement']:>7.2f}"
              f"{row['matches']['p50_ms']:>9.1f}/{row['matches']['p99_ms']:<8.1f}{explanation['p50_ms']:>9.1f}/{explanation['p99_ms']:<8.1f}")
    reindex = result["reindex"]
    print(f"reindex, model time excluded: full {reindex['full_s']} s, after {reindex['changed']} changes {reindex['incremental_s']} s "
          f"= {reindex['incremental_over_full']:.3f} of full")
    if "http" in result:
        print("http:", json.dumps(result["http"]))


if __name__ == "__main__":
    sys.exit(main())
