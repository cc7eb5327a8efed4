"""How fast the NDJSON import runs, and whether its memory stays flat as the file grows.

    .venv/bin/python benchmarks/import_speed.py --count 100000

Generates COUNT realistic postings into a temporary NDJSON file (line by line, never all in memory), migrates a
fresh schema, and imports through `jobmatch.postings.importer.Importer` fed from the file one line at a time, as
`jobmatch import` does. Each import runs in a fresh process so its peak RSS is its own. Reports:

- postings/second for COUNT/10 and COUNT new postings, and for COUNT again (all unchanged);
- peak RSS (ru_maxrss) of each import process, and the tracemalloc peak of Python allocations made during the
  import (measured in separate runs, since tracing slows the import down), side by side for COUNT/10 and COUNT.

Without --database-url an embedded PostgreSQL is started in a temporary folder; with one, the benchmark works in a
schema of its own (`jobmatch_import_benchmark`, dropped at the end) and leaves the rest of the database alone.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import multiprocessing
import os
import pstats
import random
import resource
import signal
import sys
import tempfile
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

from bench_support import database, fresh_schema, schema_engine, stop_on_signal
from sqlalchemy import Engine, text

from jobmatch.db.engine import make_engine, make_session_factory
from jobmatch.postings.importer import Importer

SCHEMA = "jobmatch_import_benchmark"
SEED = 2026
GOAL_PER_SECOND = 2_000
ESCO = "http://data.europa.eu/esco/occupation/"

# (STYRK-08, title, ESCO id, JANZZ id, skills)
OCCUPATIONS = (
    ("2223", "Sykepleier", "8d3e8aaa-791b-4c75-a465-f3f827028f50", "369371",
     ("sykepleie", "medikamenthåndtering", "dokumentasjon i DIPS", "pasientobservasjon", "veiledning")),
    ("5321", "Helsefagarbeider", "d38c2107-98f2-47b7-8bb4-f69750d51082", "361021",
     ("personlig stell", "forflytning", "demensomsorg", "samarbeid")),
    ("2330", "Lektor", "5efb2c08-ba3a-4659-a2e4-1883f54e77b6", "416072",
     ("undervisning", "vurdering", "klasseledelse", "norsk", "matematikk")),
    ("2342", "Barnehagelærer", "55d60ead-0343-4008-b9e4-fb4b5a179c83", "327890",
     ("pedagogisk ledelse", "språkutvikling", "foreldresamarbeid")),
    ("7115", "Tømrer", "2a22ff9e-de3b-408d-b312-5034896cc4f4", "345872",
     ("fagbrev tømrer", "rehabilitering", "forskaling", "lesing av tegninger")),
    ("2512", "Utvikler", "f2b15a0e-e65a-438a-affb-29b9d50b77d1", "301977",
     ("Python", "Kotlin", "PostgreSQL", "Kubernetes", "testdrevet utvikling", "skytjenester")),
    ("8332", "Lastebilsjåfør", "45037d43-a8f5-4f46-b332-b2935bc305f4", "336412",
     ("førerkort CE", "YSK", "varesikring", "ruteplanlegging")),
    ("5223", "Butikkmedarbeider", "0b15375e-dfdd-4047-9efb-096e0aaee7d2", "360119",
     ("kundeservice", "kassearbeid", "varepåfylling", "salg")),
    ("9112", "Renholder", "303a1e34-cb16-4054-b323-81e5eec17397", "352031",
     ("renhold", "maskinelt renhold", "kjemikaliebruk")),
    ("2422", "Rådgiver", "caf7b8fb-b2d6-46b7-bffa-bea7f8e4aed8", "401553",
     ("saksbehandling", "forvaltningsrett", "utredning", "prosjektledelse")),
    ("8160", "Produksjonsmedarbeider", "83de6811-975d-4f7c-b81e-604c0c17e800", "389210",
     ("næringsmiddelhygiene", "truckførerbevis", "skiftarbeid")),
    ("3313", "Regnskapsmedarbeider", "bfe142b9-a049-4d41-89c4-fd2f34ac56b6", "344505",
     ("regnskap", "Visma", "avstemming", "merverdiavgift")),
)
# (postal code, municipality, municipality number, county)
PLACES = (
    ("0150", "Oslo", "0301", "Oslo"), ("0484", "Oslo", "0301", "Oslo"), ("5020", "Bergen", "4601", "Vestland"),
    ("5141", "Bergen", "4601", "Vestland"), ("7030", "Trondheim", "5001", "Trøndelag"),
    ("4014", "Stavanger", "1103", "Rogaland"), ("1337", "Bærum", "3201", "Akershus"),
    ("9008", "Tromsø", "5501", "Troms"), ("4631", "Kristiansand", "4204", "Agder"),
    ("2317", "Hamar", "3403", "Innlandet"), ("6413", "Molde", "1506", "Møre og Romsdal"),
    ("8006", "Bodø", "1804", "Nordland"), ("3616", "Kongsberg", "3303", "Buskerud"),
    ("9950", "Vardø", "5634", "Finnmark"),
)
EMPLOYERS = (
    ("Helse Bergen HF", "983974724"), ("Oslo kommune", "958935420"), ("Trønderbygg AS", "921345678"),
    ("Fjordkode AS", "923456781"), ("Mjøs Transport AS", "987654321"), ("Kristiansand kommune", "963296746"),
    ("Nordlys Mat AS", "912345670"), ("Statsforvalteren i Møre og Romsdal", "974764350"),
)
INTRODUCTIONS = (
    "Vi er i vekst og søker flere dyktige medarbeidere som vil være med på å utvikle tjenestene våre.",
    "Avdelingen har et godt arbeidsmiljø med høy faglig kompetanse og korte beslutningsveier.",
    "Stillingen inngår i et tverrfaglig team som samarbeider tett med brukere og andre enheter.",
    "Vi holder til i moderne lokaler sentralt i byen, med gode kollektivforbindelser.",
)
TASKS = (
    "Planlegge og gjennomføre daglige oppgaver i samarbeid med kolleger",
    "Dokumentere arbeidet i henhold til gjeldende rutiner",
    "Bidra i forbedringsarbeid og kvalitetssikring",
    "Veilede nyansatte, lærlinger og studenter",
    "Delta i faglige møter og internundervisning",
    "Holde orden på utstyr og materiell",
)
OFFERS = (
    "Lønn etter tariff og gode pensjonsordninger",
    "Fleksibel arbeidstid og mulighet for hjemmekontor",
    "Kurs og muligheter for faglig utvikling",
    "Trivelige kolleger og sosiale aktiviteter",
    "Bedriftshytte og treningstilbud",
)
ENGAGEMENTS = ("permanent",) * 6 + ("temporary", "temporary", "seasonal", "trainee")
WORK_HOURS = (["day"], ["day"], ["day", "evening"], ["shift", "weekend"], ["night"], ["day", "evening", "weekend"])


def make_posting(rng: random.Random, index: int) -> dict[str, Any]:
    """One realistic posting in jobmatch's import schema, about 2 KB of JSON with an HTML description."""
    styrk, title, esco, janzz, skills = rng.choice(OCCUPATIONS)
    postal_code, municipality, number, county = rng.choice(PLACES)
    employer, orgnr = rng.choice(EMPLOYERS)
    published = datetime(2024, 1, 1, 8, tzinfo=UTC) + timedelta(minutes=rng.randrange(60 * 24 * 365))
    part_time = rng.random() < 0.2
    description = (
        f"<p><strong>{employer}</strong> søker {title.lower()} til {municipality}.</p>"
        f"<p>{rng.choice(INTRODUCTIONS)} {rng.choice(INTRODUCTIONS)}</p>"
        "<h3>Arbeidsoppgaver</h3><ul>" + "".join(f"<li>{task}</li>" for task in rng.sample(TASKS, 4)) + "</ul>"
        "<h3>Kvalifikasjoner</h3><ul>" + "".join(f"<li>Erfaring med {skill}</li>" for skill in skills) + "</ul>"
        "<h3>Vi tilbyr</h3><ul>" + "".join(f"<li>{offer}</li>" for offer in rng.sample(OFFERS, 3)) + "</ul>"
        f"<p>Spørsmål om stillingen rettes til avdelingsleder. Søknadsfrist: {published.date() + timedelta(21)}.</p>"
    )
    return {
        "source": "benchmark",
        "external_id": f"bench-{index:08d}",
        "title": f"{title} – {municipality}" + (" (deltid)" if part_time else ""),
        "description": description,
        "employer": {"name": employer, "orgnr": orgnr},
        "locations": [{"postal_code": postal_code, "municipality": municipality, "municipality_code": number,
                       "county": county, "country": "NO"}],
        "occupations": [
            {"system": "STYRK08", "code": styrk, "label": title},
            {"system": "ESCO", "code": ESCO + esco, "label": title.lower()},
            {"system": "JANZZ", "code": janzz, "label": title},
        ],
        "skills": rng.sample(skills, min(len(skills), 3)),
        "extent": "part_time" if part_time else "full_time",
        "workload_percent": rng.choice((40, 50, 60, 80)) if part_time else 100,
        "engagement_type": rng.choice(ENGAGEMENTS),
        "sector": "public" if "kommune" in employer or "HF" in employer or "Stats" in employer else "private",
        "remote": rng.choice(("onsite", "onsite", "hybrid", "remote")),
        "work_hours": rng.choice(WORK_HOURS),
        "salary": rng.choice((None, "Etter avtale", f"Lønnstrinn {rng.randrange(40, 60)}")),
        "published_at": published.isoformat(),
        "expires_at": (published + timedelta(days=rng.randrange(14, 60))).isoformat(),
        "application_due": rng.choice(("Snarest", str(published.date() + timedelta(21)))),
    }


def write_postings(path: Path, count: int) -> int:
    """Write COUNT postings to PATH one line at a time; returns the file size in bytes."""
    rng = random.Random(SEED)
    with path.open("w", encoding="utf-8") as out:
        for index in range(count):
            out.write(json.dumps(make_posting(rng, index), ensure_ascii=False))
            out.write("\n")
    return path.stat().st_size


def bench_engine(url: str) -> Engine:
    return schema_engine(url, SCHEMA)


def recreate_schema(url: str) -> None:
    engine = bench_engine(url)
    fresh_schema(engine, SCHEMA)
    engine.dispose()


def drop_schema(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
    engine.dispose()


def empty_postings(url: str) -> None:
    engine = bench_engine(url)
    with engine.begin() as connection:
        connection.execute(text("TRUNCATE postings RESTART IDENTITY"))
    engine.dispose()


@dataclass
class Run:
    label: str
    lines: int
    seconds: float
    cpu_seconds: float
    server_cpu_seconds: float | None
    created: int
    updated: int
    unchanged: int
    rejected: int
    max_rss_mib: float
    traced_peak_mib: float | None

    @property
    def per_second(self) -> float:
        return self.lines / self.seconds

    @property
    def per_cpu_second(self) -> float:
        """Postings per CPU-second of the importer and its PostgreSQL backend together.

        The two take turns (the importer waits while the server runs the upsert), so on an idle machine this is
        what the wall clock would show; on a busy one it is the steadier figure.
        """
        return self.lines / (self.cpu_seconds + (self.server_cpu_seconds or 0.0))


def import_file(url: str, path: str, limit: int, batch_size: int, trace: bool, profile: str | None) -> dict[str, Any]:
    """Runs in a child process: import the first LIMIT lines of PATH exactly as `jobmatch import` does."""
    engine = bench_engine(url)
    with engine.connect() as connection:  # the importer works batch after batch, so it reuses this connection
        backend = int(connection.scalar(text("SELECT pg_backend_pid()")) or 0)
    importer = Importer(make_session_factory(engine), batch_size=batch_size)
    server_started = _process_cpu_seconds(backend)
    profiler = cProfile.Profile() if profile else None
    if trace:
        tracemalloc.start()
    started, cpu_started = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    with open(path, "rb") as stream:
        for line in islice(stream, limit):
            importer.feed([line])
        report = importer.finish()
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    server_finished = _process_cpu_seconds(backend)
    server_cpu = server_finished - server_started if server_started is not None and server_finished else None
    traced_peak = tracemalloc.get_traced_memory()[1] if trace else None
    tracemalloc.stop()
    engine.dispose()
    return {
        "seconds": seconds, "cpu_seconds": cpu_seconds, "server_cpu_seconds": server_cpu, "created": report.created,
        "updated": report.updated, "unchanged": report.unchanged, "rejected": report.rejected,
        "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "traced_peak_mib": traced_peak / 2**20 if traced_peak is not None else None,
    }


def _process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU of a local process (the PostgreSQL backend), or None when it is not visible here."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def in_a_fresh_process() -> ProcessPoolExecutor:
    """One spawned worker: its peak RSS is the import's own, and a crash raises instead of hanging."""
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))


def run_import(
    label: str, url: str, path: Path, limit: int, batch_size: int, *, trace: bool = False, profile: str | None = None,
) -> Run:
    with in_a_fresh_process() as pool:
        result = pool.submit(import_file, url, str(path), limit, batch_size, trace, profile).result()
    run = Run(label=label, lines=limit, **result)
    traced = f", traced peak {run.traced_peak_mib:,.1f} MiB" if run.traced_peak_mib is not None else ""
    server = f" + server {run.server_cpu_seconds:.1f}" if run.server_cpu_seconds is not None else ""
    print(f"  {label:<32} {run.seconds:6.1f} s {run.per_second:7,.0f}/s; CPU {run.cpu_seconds:.1f} s{server} = "
          f"{run.per_cpu_second:,.0f} per CPU-second; created {run.created:,}, updated {run.updated:,}, "
          f"unchanged {run.unchanged:,}, rejected {run.rejected:,}; max RSS {run.max_rss_mib:,.0f} MiB{traced}",
          flush=True)
    return run


def idle_rss_mib(url: str) -> float:
    """Peak RSS of a child that sets up everything an import needs but imports nothing: the floor."""
    with in_a_fresh_process() as pool:
        return float(pool.submit(_idle_rss, url).result())


def _idle_rss(url: str) -> float:
    engine = bench_engine(url)
    with make_session_factory(engine).begin() as session:
        session.execute(text("SELECT 1 FROM postings LIMIT 1"))
    engine.dispose()
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024




def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=100_000, help="postings in the big file (default 100000)")
    parser.add_argument("--database-url", help="PostgreSQL URL; default: an embedded server in a temp folder")
    parser.add_argument("--batch-size", type=int, default=1_000, help="rows per upsert (default 1000, as the CLI)")
    parser.add_argument("--no-trace", action="store_true", help="skip the tracemalloc runs (they re-import twice)")
    parser.add_argument("--profile", metavar="FILE", help="cProfile the big import into FILE and print the top")
    args = parser.parse_args(argv)
    small = max(1, args.count // 10)
    # Stop cleanly (child processes, the embedded server, the temp folder) on SIGTERM and on SIGINT, even when
    # started in the background, where the shell ignores SIGINT.
    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGINT, stop_on_signal)

    with tempfile.TemporaryDirectory(prefix="jobmatch-bench-") as tmp, database(args.database_url, Path(tmp)) as url:
        path = Path(tmp) / "postings.ndjson"
        started = time.perf_counter()
        size = write_postings(path, args.count)
        print(f"generated {args.count:,} postings, {size / 2**20:,.0f} MiB, in {time.perf_counter() - started:.1f} s; "
              f"batch size {args.batch_size}; Python {sys.version.split()[0]}; {os.cpu_count()} CPUs, "
              f"load average {os.getloadavg()[0]:.1f}", flush=True)
        try:
            recreate_schema(url)
            floor = idle_rss_mib(url)
            print(f"  a child that only connects peaks at {floor:,.0f} MiB RSS", flush=True)
            runs = [run_import(f"{small:,} new", url, path, small, args.batch_size)]
            empty_postings(url)
            big = run_import(f"{args.count:,} new", url, path, args.count, args.batch_size, profile=args.profile)
            again = run_import(f"{args.count:,} again (all unchanged)", url, path, args.count, args.batch_size)
            runs += [big, again]
            traced: list[Run] = []
            if not args.no_trace:
                for limit in (small, args.count):
                    empty_postings(url)
                    traced.append(run_import(f"{limit:,} new, tracemalloc on", url, path, limit, args.batch_size,
                                             trace=True))
        finally:
            if args.database_url is not None:
                drop_schema(url)

    print()
    print(f"new postings:        {big.per_second:8,.0f} postings/s   (goal {GOAL_PER_SECOND:,}/s: "
          f"{'met' if big.per_second >= GOAL_PER_SECOND else 'NOT met'}; "
          f"{big.per_cpu_second:,.0f} per CPU-second of importer + server)")
    print(f"re-import unchanged: {again.per_second:8,.0f} postings/s   "
          f"({again.per_cpu_second:,.0f} per CPU-second of importer + server)")
    print(f"load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (PostgreSQL shares them)")
    print(f"{'':20} {small:>12,} {args.count:>12,}")
    print(f"{'peak RSS (MiB)':20} {runs[0].max_rss_mib:>12,.0f} {big.max_rss_mib:>12,.0f}   (idle child: {floor:,.0f})")
    if traced:
        print(f"{'tracemalloc peak':20} {traced[0].traced_peak_mib:>12,.1f} {traced[1].traced_peak_mib:>12,.1f}   "
              "MiB of Python allocations during the import")
    if args.profile:
        print()
        pstats.Stats(args.profile).sort_stats("cumulative").print_stats(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
