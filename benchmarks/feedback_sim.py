"""Does learning from feedback and placements help? Simulated seekers and placements, ranked by the product code.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/feedback_sim.py --out benchmarks/out/feedback_sim.json

Everything runs in-process on a real PostgreSQL (an embedded server in a temp folder, or --database-url naming a scratch
database whose schema is dropped and rebuilt) with the hashing embedder. Rankings come from
`jobmatch.matching.ranking.rank_postings` on an index built by `run_reindex`, events and suggestions from
`jobmatch.feedback.service`, placements and follow-ups from `jobmatch.placements.service`, the prior from
`jobmatch.stay_prior.service.refresh` (k = 5): this script only plays the people.

The market (synthetic, seeded): postings of 7 occupations in 3 regions (real GeoNames postal codes within 60 km of
Bergen, Oslo and Trondheim), each at one of 4 employers per occupation and region, every employer with a hidden
12-month retention rate r ~ Beta(3, 2).

Seekers have a hidden truth: an occupation, a home, a commute limit (10, 20 or 30 km), hours they will not work, whether
only a permanent job will do, and maybe a wished extent. They declare what seekers usually declare: the occupation, their
home (50 km), experience and skills, and at most a low or medium importance for commute (nothing else). A posting is
relevant iff it meets the whole truth.

1. Feedback. A seeker goes through their list (top 10, re-ranked after each pass; further down once all ten are seen) and
   records one event per posting they have not acted on: `saved` when it is relevant, otherwise `dismissed` with the
   first reason the truth gives (not_for_me, too_far, wrong_hours, not_permanent, wrong_extent). A suggestion is accepted
   when it agrees with the truth, rejected otherwise. Precision@10 after 0, 5 and 20 events against the declared-only
   ranking; the ablation rejects every suggestion (what the dismissal rule alone does).
2. Stay prior. A history of placements at random postings, each followed up at 12 months and staying with the employer's
   hidden probability, then the prior refresh. For each seeker's declared profile, with the prior on and off
   (`use_stay_prior`): the mean hidden retention of the top 10 postings (the expected 12-month stay rate of a job picked
   from them), that of the best-ranked relevant posting (the job they would take), and precision@10 — for the declared
   profiles, and for the same seekers after their 20 events with suggestions accepted.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench_support import database, stop_on_signal
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from jobmatch.auth.principal import Principal, Role
from jobmatch.db import migrate
from jobmatch.db.engine import make_engine, make_session_factory
from jobmatch.db.tables import PostalCodeRow
from jobmatch.embedding.fake import HashingEmbedder
from jobmatch.feedback import service as feedback
from jobmatch.feedback.schemas import DismissReason, EventIn, EventKind, SuggestionOut
from jobmatch.geo.service import haversine_km, load_file
from jobmatch.matching import service as matching
from jobmatch.matching.ranking import rank_postings
from jobmatch.placements import service as placements
from jobmatch.placements.schemas import FollowUpIn, LeftBecause, PlacementIn
from jobmatch.postings import service as postings
from jobmatch.postings.schemas import Employer, Location, Occupation, PostingIn
from jobmatch.search.reindex import run_reindex
from jobmatch.search.snapshot import IndexSnapshot
from jobmatch.search.versions import IndexStore
from jobmatch.seekers import service as seekers
from jobmatch.seekers.schemas import Experience, SeekerIn, SeekerSkill, WishedLocation, Wishes
from jobmatch.stay_prior import service as stay_prior
from jobmatch.vocab import EngagementType, Extent, Importance, OccupationSystem, StayFactor, WorkHours

REPO = Path(__file__).resolve().parents[1]
GEONAMES = REPO.parent / "shared" / "data" / "geo-no" / "NO.txt"
TOP = 10
CHECKPOINTS = (5, 20)
DECLARED_KM = 50.0
K = 5
SERVICE = Principal(role=Role.SERVICE, issuer="feedback-sim", subject="feedback-sim")
D, E, N, W, S = WorkHours.DAY, WorkHours.EVENING, WorkHours.NIGHT, WorkHours.WEEKEND, WorkHours.SHIFT


@dataclass(frozen=True)
class Job:
    code: str
    label: str
    titles: tuple[str, ...]
    skills: tuple[str, ...]

    @property
    def occupation(self) -> Occupation:
        return Occupation(system=OccupationSystem.STYRK08, code=self.code, label=self.label)


JOBS = (
    Job("2223", "Sykepleiere", ("Sykepleier", "Sykepleier til sengepost"),
        ("sykepleie", "legemiddelhåndtering", "klinisk observasjon", "dokumentasjon", "pasientkommunikasjon")),
    Job("5321", "Helsefagarbeidere", ("Helsefagarbeider", "Helsefagarbeider i hjemmetjenesten"),
        ("pleie og omsorg", "personlig stell", "dokumentasjon", "samarbeid med pårørende", "demensomsorg")),
    Job("8332", "Lastebil- og trailersjåfører", ("Lastebilsjåfør", "Sjåfør distribusjon"),
        ("førerkort klasse C", "varelevering", "sikring av last", "kjøre- og hviletid", "truckførerbevis")),
    Job("5120", "Kokker", ("Kokk", "Kokk til kantine"),
        ("matlaging", "menyplanlegging", "hygiene", "bestilling av varer", "allergener")),
    Job("5223", "Butikkmedarbeidere", ("Butikkmedarbeider", "Selger i butikk"),
        ("kundeservice", "kassearbeid", "varepåfylling", "salg", "vareeksponering")),
    Job("7115", "Tømrere og snekkere", ("Tømrer", "Snekker"),
        ("tømrerfag", "forskaling", "lese tegninger", "HMS", "etterisolering")),
    Job("5311", "Barnehageassistenter", ("Barnehageassistent", "Pedagogisk medarbeider"),
        ("barns utvikling", "lek og læring", "samarbeid med foreldre", "språkstimulering", "observasjon")),
)
REGIONS = {"Bergen": (60.39, 5.32), "Oslo": (59.91, 10.75), "Trondheim": (63.43, 10.40)}
HOURS = ((D,), (D,), (D, E), (S, W), (N, W), (E, W), (D, E, W))
UNWANTED_HOURS = (frozenset(), frozenset({N}), frozenset({N, W}), frozenset({S, N, W}))
BRANDS = ("Nordlys", "Fjellvind", "Kystlys", "Bjørkeli", "Havbris", "Granli", "Elvebakk", "Vestkyst", "Solsiden", "Furulund")


@dataclass(frozen=True)
class Place:
    postal_code: str
    municipality: str
    municipality_code: str
    point: tuple[float, float]
    region: str


@dataclass(frozen=True)
class Ad:
    id: int
    job: str
    place: Place
    employer: str
    hours: frozenset[WorkHours]
    permanent: bool
    extent: Extent


@dataclass(frozen=True)
class Truth:
    job: Job
    home: Place
    max_km: float
    unwanted_hours: frozenset[WorkHours]
    permanent_only: bool
    extent: Extent | None

    def reason(self, ad: Ad) -> DismissReason | None:
        """Why this seeker turns the posting down (the first reason that applies), or None when it is relevant."""
        if ad.job != self.job.code:
            return DismissReason.NOT_FOR_ME
        if haversine_km(self.home.point, ad.place.point) > self.max_km:
            return DismissReason.TOO_FAR
        if ad.hours & self.unwanted_hours:
            return DismissReason.WRONG_HOURS
        if self.permanent_only and not ad.permanent:
            return DismissReason.NOT_PERMANENT
        if self.extent is not None and ad.extent is not self.extent:
            return DismissReason.WRONG_EXTENT
        return None

    def agrees(self, suggestion: SuggestionOut) -> bool:
        """Whether the change is one this seeker would make: it names no preference they do not have."""
        change = suggestion.change
        if "permanent" in change.stay_factors and not self.permanent_only:
            return False
        if change.extent is not None and change.extent is not self.extent:
            return False
        dropped = set(WorkHours) - set(change.work_hours) if change.work_hours is not None else set()
        return dropped <= self.unwanted_hours


@dataclass
class Market:
    ads: dict[int, Ad]
    retention: dict[str, float]
    places: dict[str, list[Place]]


@dataclass
class Arm:
    precision: dict[int, list[float]] = field(default_factory=lambda: {0: [], **{c: [] for c in CHECKPOINTS}})
    accepted: int = 0
    rejected: int = 0


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def places_near(session: Session, rng: random.Random) -> dict[str, list[Place]]:
    rows = session.scalars(select(PostalCodeRow)).all()
    found: dict[str, list[Place]] = {}
    for region, centre in REGIONS.items():
        near = [Place(r.postal_code, r.municipality.title(), r.municipality_code, (r.latitude, r.longitude), region)
                for r in rows if haversine_km(centre, (r.latitude, r.longitude)) <= 60]
        found[region] = rng.sample(near, k=min(40, len(near)))
    return found


def build_market(session_factory: sessionmaker[Session], rng: random.Random, count: int) -> Market:
    with session_factory.begin() as session:
        places = places_near(session, rng)
    employers = {(job.code, region): [f"{BRANDS[(i * 7 + n) % len(BRANDS)]} {job.titles[0].split()[0]} {region} {n + 1}"
                                      for n in range(4)]
                 for i, job in enumerate(JOBS) for region in REGIONS}
    retention = {name: rng.betavariate(3, 2) for names in employers.values() for name in names}
    orgnr = {name: f"9{stable_number(name):08d}" for name in retention}
    ads: dict[int, Ad] = {}
    expires = datetime.now(UTC) + timedelta(days=60)
    with session_factory.begin() as session:
        for number in range(count):
            job, region = rng.choice(JOBS), rng.choice(list(REGIONS))
            place, employer = rng.choice(places[region]), rng.choice(employers[(job.code, region)])
            hours, permanent = rng.choice(HOURS), rng.random() < 0.65
            extent = Extent.FULL_TIME if rng.random() < 0.7 else Extent.PART_TIME
            title = rng.choice(job.titles)
            skills = rng.sample(job.skills, k=3)
            posting = PostingIn(
                source="sim", external_id=f"sim-{number}", title=title,
                description=f"{employer} søker {title.lower()} i {place.municipality}. Du kan {', '.join(skills)}.",
                employer=Employer(name=employer, orgnr=orgnr[employer]),
                locations=[Location(postal_code=place.postal_code, municipality=place.municipality,
                                    municipality_code=place.municipality_code, country="NO")],
                occupations=[job.occupation], skills=list(skills), extent=extent,
                engagement_type=EngagementType.PERMANENT if permanent else EngagementType.TEMPORARY,
                work_hours=list(hours), expires_at=expires,
            )
            row = postings.create(session, posting=posting)
            ads[row.id] = Ad(row.id, job.code, place, employer, frozenset(hours), permanent, extent)
    return Market(ads=ads, retention=retention, places=places)


def stable_number(name: str) -> int:
    """A stable 8-digit number from a name (organisation numbers for the synthetic employers)."""
    value = 0
    for char in name:
        value = (value * 131 + ord(char)) % 10**8
    return value


def new_truth(rng: random.Random, market: Market) -> Truth:
    job, region = rng.choice(JOBS), rng.choice(list(REGIONS))
    return Truth(
        job=job, home=rng.choice(market.places[region]), max_km=rng.choice((10.0, 20.0, 30.0)),
        unwanted_hours=rng.choice(UNWANTED_HOURS), permanent_only=rng.random() < 0.5,
        extent=Extent.FULL_TIME if rng.random() < 0.5 else None,
    )


def declared(truth: Truth, rng: random.Random) -> SeekerIn:
    """What seekers usually declare: occupation, home, experience and skills; commute rated none, low or medium."""
    title = truth.job.titles[0]
    return SeekerIn(
        summary=f"Jeg er {title.lower()} og ser etter en ny jobb.",
        experience=[Experience(title=title, years=rng.randint(1, 12))],
        skills=[SeekerSkill(name=skill, level=4) for skill in rng.sample(truth.job.skills, k=3)],
        wishes=Wishes(occupations=[truth.job.occupation],
                      locations=[WishedLocation(postal_code=truth.home.postal_code, max_distance_km=DECLARED_KM)]),
        stay_factors={StayFactor.COMMUTE: rng.choice((Importance.NONE, Importance.LOW, Importance.MEDIUM))},
    )


def new_seeker(session_factory: sessionmaker[Session], embedder: HashingEmbedder, profile: SeekerIn) -> uuid.UUID:
    with session_factory.begin() as session:
        return seekers.create(session, profile=profile, embedder=embedder).id


def ranked(session: Session, snapshot: IndexSnapshot, embedder: HashingEmbedder, seeker_id: uuid.UUID,
           *, use_stay_prior: bool | None = None) -> list[int]:
    """The seeker's ranked posting ids, as the product ranks them (their dismissals and profile included)."""
    row = seekers.get(session, seeker_id=seeker_id)
    profile = seekers.to_profile(row)
    if use_stay_prior is not None:
        profile = profile.model_copy(update={"use_stay_prior": use_stay_prior})
    query = matching.build_query(session, embedder=embedder, profile=profile, seeker_id=row.id)
    return [item.posting_id for item in rank_postings(session, snapshot, query).ranked]


def precision(ids: Sequence[int], truth: Truth, market: Market) -> float:
    return sum(truth.reason(market.ads[posting_id]) is None for posting_id in ids[:TOP]) / TOP


def give_feedback(
    session_factory: sessionmaker[Session], snapshot: IndexSnapshot, embedder: HashingEmbedder, market: Market,
    truth: Truth, seeker_id: uuid.UUID, arm: Arm, *, accept: bool,
) -> None:
    """Act on the list until the last checkpoint, measuring precision@10 at each."""
    acted: set[int] = set()
    events = 0
    while events < CHECKPOINTS[-1]:
        with session_factory() as session:
            ids = ranked(session, snapshot, embedder, seeker_id)
        fresh = [posting_id for posting_id in ids[:TOP] if posting_id not in acted] or [i for i in ids if i not in acted][:TOP]
        if not fresh:
            break
        for posting_id in fresh:
            reason = truth.reason(market.ads[posting_id])
            event = EventIn(posting_id=posting_id, kind=EventKind.SAVED) if reason is None else \
                EventIn(posting_id=posting_id, kind=EventKind.DISMISSED, reason=reason)
            with session_factory.begin() as session:
                recorded = feedback.record(session, seeker=seekers.get(session, seeker_id=seeker_id), event=event)
                for suggestion in recorded.suggestions:
                    row = seekers.get(session, seeker_id=seeker_id)
                    if accept and truth.agrees(suggestion):
                        feedback.accept(session, seeker=row, suggestion_id=suggestion.id, embedder=embedder)
                        arm.accepted += 1
                    else:
                        feedback.reject(session, seeker=row, suggestion_id=suggestion.id)
                        arm.rejected += 1
            acted.add(posting_id)
            events += 1
            if events in CHECKPOINTS:
                with session_factory() as session:
                    arm.precision[events].append(precision(ranked(session, snapshot, embedder, seeker_id), truth, market))
            if events >= CHECKPOINTS[-1]:
                break


def place_history(session_factory: sessionmaker[Session], embedder: HashingEmbedder, market: Market, rng: random.Random,
                  count: int) -> dict[str, Any]:
    """`count` past placements at random postings, followed up at 12 months; returns the prior refresh summary."""
    start = date.today() - timedelta(days=420)
    ad_ids = sorted(market.ads)
    per_person = 5
    with session_factory.begin() as session:
        for person in range(math.ceil(count / per_person)):
            row = seekers.create(session, profile=SeekerIn(summary=f"Tidligere formidlet {person}."), embedder=embedder)
            for posting_id in rng.sample(ad_ids, k=per_person):
                placed = placements.create(session, principal=SERVICE,
                                           placement=PlacementIn(seeker_id=row.id, posting_id=posting_id, start_date=start))
                stayed = rng.random() < market.retention[market.ads[posting_id].employer]
                answer = FollowUpIn(month=12, employed=stayed, reason=None if stayed else LeftBecause.NEW_JOB)
                placements.add_follow_up(session, principal=SERVICE, placement_id=placed.id, follow_up=answer)
        summary: dict[str, Any] = stay_prior.refresh(session, min_placements=K)
    return summary


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def stay_effect(session_factory: sessionmaker[Session], snapshot: IndexSnapshot, embedder: HashingEmbedder, market: Market,
                people: list[tuple[Truth, uuid.UUID]]) -> dict[str, dict[str, float]]:
    found: dict[str, dict[str, list[float]]] = {name: {"top10_retention": [], "taken_retention": [], "precision": []}
                                                for name in ("without", "with")}
    with session_factory() as session:
        for truth, seeker_id in people:
            for name, on in (("without", False), ("with", True)):
                ids = ranked(session, snapshot, embedder, seeker_id, use_stay_prior=on)
                found[name]["top10_retention"].append(mean([market.retention[market.ads[i].employer] for i in ids[:TOP]]))
                found[name]["precision"].append(precision(ids, truth, market))
                taken = next((i for i in ids if truth.reason(market.ads[i]) is None), None)
                if taken is not None:
                    found[name]["taken_retention"].append(market.retention[market.ads[taken].employer])
    return {name: {metric: mean(values) for metric, values in metrics.items()} for name, metrics in found.items()}




def run(url: str, *, seekers_count: int, postings_count: int, history: int, seed: int, workdir: Path) -> dict[str, Any]:
    rng = random.Random(seed)
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)
    session_factory = make_session_factory(engine)
    embedder = HashingEmbedder()
    with session_factory.begin() as session:
        load_file(session, path=GEONAMES)
    market = build_market(session_factory, rng, postings_count)
    store = IndexStore(workdir / "index")
    summary = run_reindex(session_factory, embedder=embedder, index_store=store)
    snapshot = store.load(summary["index_version"], model_id=embedder.model_id)
    log(f"{len(market.ads)} postings, {len(market.retention)} employers, index {summary['index_version']}")

    truths = [new_truth(rng, market) for _ in range(seekers_count)]
    profiles = [declared(truth, rng) for truth in truths]
    arms = {"dismissals only": Arm(), "dismissals + accepted suggestions": Arm()}
    declared_only: list[float] = []
    learned: list[tuple[Truth, uuid.UUID]] = []
    ceiling = [min(TOP, sum(truth.reason(ad) is None for ad in market.ads.values())) / TOP for truth in truths]
    for number, (truth, profile) in enumerate(zip(truths, profiles, strict=True), start=1):
        for name, arm in arms.items():
            seeker_id = new_seeker(session_factory, embedder, profile)
            with session_factory() as session:
                at_start = precision(ranked(session, snapshot, embedder, seeker_id), truth, market)
            arm.precision[0].append(at_start)
            if name == "dismissals only":
                declared_only.append(at_start)
            else:
                learned.append((truth, seeker_id))
            give_feedback(session_factory, snapshot, embedder, market, truth, seeker_id, arm, accept=name != "dismissals only")
        if number % 10 == 0:
            log(f"feedback: {number}/{seekers_count} seekers")

    prior_summary = place_history(session_factory, embedder, market, rng, history)
    log(f"history: {prior_summary['placements_counted']} placements; published {prior_summary['published']}")
    people = [(truth, new_seeker(session_factory, embedder, profile)) for truth, profile in zip(truths, profiles, strict=True)]
    stay = {"declared": stay_effect(session_factory, snapshot, embedder, market, people),
            "after_feedback": stay_effect(session_factory, snapshot, embedder, market, learned)}
    engine.dispose()
    return {
        "seed": seed, "seekers": seekers_count, "postings": len(market.ads), "history_placements": history,
        "declared_only_precision": mean(declared_only), "best_possible_precision": mean(ceiling),
        "precision": {name: {str(events): mean(values) for events, values in arm.precision.items()} for name, arm in arms.items()},
        "suggestions": {name: {"accepted": arm.accepted, "rejected": arm.rejected} for name, arm in arms.items()},
        "stay_prior": {"refresh": prior_summary, **stay},
    }


def report(result: dict[str, Any]) -> None:
    base = result["declared_only_precision"]
    print(f"{result['seekers']} simulated seekers, {result['postings']} postings, seed {result['seed']}; "
          f"precision@{TOP} by hidden truth (relevant = meets every hidden preference)")
    print(f"{'':38} {'0 events':>9} {'5 events':>9} {'20 events':>10}")
    print(f"{'declared-only ranking':38} {base:9.3f} {base:9.3f} {base:10.3f}")
    ceiling = result["best_possible_precision"]
    print(f"{'(best possible: every relevant first)':38} {ceiling:9.3f} {ceiling:9.3f} {ceiling:10.3f}")
    for name, by_events in result["precision"].items():
        values = [by_events[str(events)] for events in (0, *CHECKPOINTS)]
        print(f"{name:38} {values[0]:9.3f} {values[1]:9.3f} {values[2]:10.3f}")
    best = result["precision"]["dismissals + accepted suggestions"]
    for events in CHECKPOINTS:
        gain = best[str(events)] - base
        relative = f" ({gain / base:+.0%})" if base else ""
        print(f"  after {events:>2} events, suggestions accepted: {gain:+.3f} precision@{TOP} against declared-only{relative}")
    counts = result["suggestions"]["dismissals + accepted suggestions"]
    print(f"  suggestions accepted {counts['accepted']}, rejected {counts['rejected']} (they disagreed with the hidden truth)")
    stay = result["stay_prior"]
    print()
    print(f"stay prior from {result['history_placements']} past placements (k = {K}; published cells "
          f"{stay['refresh']['published']}, overall 12-month stay rate {stay['refresh']['overall_rate']:.3f})")
    for profiles, label in (("declared", "declared profiles"), ("after_feedback", "after 20 events, suggestions accepted")):
        print(f"{label:38} {'without':>9} {'with':>9} {'change':>9}")
        for metric, words in (("top10_retention", f"  12-month stay rate, top {TOP} postings"),
                              ("taken_retention", "  12-month stay rate, job taken"),
                              ("precision", f"  precision@{TOP}")):
            without, with_prior = stay[profiles]["without"][metric], stay[profiles]["with"][metric]
            print(f"{words:38} {without:9.3f} {with_prior:9.3f} {with_prior - without:+9.3f}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--seekers", type=int, default=60, help="simulated seekers (default 60)")
    parser.add_argument("--postings", type=int, default=700, help="postings in the market (default 700)")
    parser.add_argument("--history", type=int, default=1500, help="past placements behind the stay prior (default 1500)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", help="a scratch PostgreSQL database (its schema is dropped); default: embedded")
    parser.add_argument("--out", type=Path, help="also write the numbers as JSON here")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, stop_on_signal)
    if not GEONAMES.is_file():
        print(f"GeoNames postal codes not found at {GEONAMES}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="jobmatch-feedback-sim-") as tmp, database(args.database_url, Path(tmp)) as url:
        result = run(url, seekers_count=args.seekers, postings_count=args.postings, history=args.history, seed=args.seed,
                     workdir=Path(tmp))
    result["seconds"] = round(time.perf_counter() - started, 1)
    report(result)
    if args.out:
        args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
