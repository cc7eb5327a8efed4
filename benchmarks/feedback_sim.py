"""Does learning from feedback and placements help people who do not behave like the rules? A simulation through the REST API.

    createdb -h 127.0.0.1 -U postgres jm_bench_fb
    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/feedback_sim.py --database-url postgresql://postgres@127.0.0.1/jm_bench_fb

`jobmatch serve` runs on a scratch database (its schema is dropped) with GeoNames postal codes; postings are imported
through the API and indexed by `jobmatch reindex`; people create their profiles, read their matches, record events, decide
on suggestions, and the admin records placements and follow-ups, all over HTTP; `jobmatch stay-prior refresh` builds the
prior. This script only plays the people; their behaviour is the model below, not the product's rules.

The market (seeded): postings of 7 occupations around Bergen, Oslo and Trondheim (GeoNames postal codes within 60 km),
each at one of 4 employers per occupation and region; each employer has a hidden quality (a logit ~ N(0, 0.8)).

A person has a hidden truth: an occupation, a home, a commute limit (10/20/30 km), hours they will not work, maybe a need
for a permanent job or a wished extent, and a personal propensity to stay (logit ~ N(0, 0.8)). A posting is right for them
iff it meets the whole truth. They declare what people usually declare: a sentence about their work, their home
(within 50 km) and at most a low or medium importance for commute.

1. Feedback. A person reads the next unseen postings of their list, ten at a time (re-read after each ten), and per posting:
   - right for them: saves it (p 0.8), else passes without an event;
   - not right: dismisses it (p 0.85), else passes. The reason is one of the reasons that apply, picked at random (p 0.65),
     a reason that does not apply (p 0.15), or `other` with a note (p 0.2).
   - a suggestion: accepted with p 0.7 when it agrees with the truth, p 0.2 when it does not; else rejected.
   Precision of the next 10 unseen postings after the person has looked at 5 and 20 postings, in three arms per person
   (each its own profile): scrolling only (no events), dismissals with every suggestion rejected, dismissals with
   suggestions decided as above. Each gain is against the arm one step simpler, at the same number of postings looked at.
2. Stay prior. History: past people each take up to 3 jobs from the top of their own list as the API served it (selection
   bias: placements follow what was ranked), the first ones right for them. Staying 12 months happens with probability
   sigmoid(0.6 + employer quality + personal propensity - 1.5 x commute / limit - 1.0 x unwanted hours): commute and the
   person confound the employer. Then, for fresh people, with the prior on and off (`use_stay_prior`, same profile):
   the true stay probability of the job they would take (the first right posting in their list), of the top 10, and
   precision@10.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from bench_support import stop_on_signal
from quality_api import Jobmatch, log, serve

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
DEFAULT_DATABASE = "postgresql+psycopg://postgres@127.0.0.1/jm_bench_fb"
TOP = 10
CHECKPOINTS = (5, 20)
DECLARED_KM = 50.0
REASONS = ("not_for_me", "too_far", "wrong_hours", "not_permanent", "wrong_extent")
ARMS = ("scrolling only", "dismissals, suggestions rejected", "dismissals + suggestions")

JOBS = (
    ("2223", "Sykepleiere", ("Sykepleier", "Sykepleier til sengepost"),
     ("sykepleie", "legemiddelhåndtering", "klinisk observasjon", "dokumentasjon", "pasientkommunikasjon")),
    ("5321", "Helsefagarbeidere", ("Helsefagarbeider", "Helsefagarbeider i hjemmetjenesten"),
     ("pleie og omsorg", "personlig stell", "dokumentasjon", "samarbeid med pårørende", "demensomsorg")),
    ("8332", "Lastebil- og trailersjåfører", ("Lastebilsjåfør", "Sjåfør distribusjon"),
     ("førerkort klasse C", "varelevering", "sikring av last", "kjøre- og hviletid", "truckførerbevis")),
    ("5120", "Kokker", ("Kokk", "Kokk til kantine"), ("matlaging", "menyplanlegging", "hygiene", "bestilling av varer", "allergener")),
    ("5223", "Butikkmedarbeidere", ("Butikkmedarbeider", "Selger i butikk"),
     ("kundeservice", "kassearbeid", "varepåfylling", "salg", "vareeksponering")),
    ("7115", "Tømrere og snekkere", ("Tømrer", "Snekker"), ("tømrerfag", "forskaling", "lese tegninger", "HMS", "etterisolering")),
    ("5311", "Barnehageassistenter", ("Barnehageassistent", "Pedagogisk medarbeider"),
     ("barns utvikling", "lek og læring", "samarbeid med foreldre", "språkstimulering", "observasjon")),
)
REGIONS = {"Bergen": (60.39, 5.32), "Oslo": (59.91, 10.75), "Trondheim": (63.43, 10.40)}
HOURS = (("day",), ("day",), ("day", "evening"), ("shift", "weekend"), ("night", "weekend"), ("evening", "weekend"))
UNWANTED = (frozenset(), frozenset({"night"}), frozenset({"night", "weekend"}), frozenset({"shift", "night", "weekend"}))
BRANDS = ("Nordlys", "Fjellvind", "Kystlys", "Bjørkeli", "Havbris", "Granli", "Elvebakk", "Vestkyst", "Solsiden", "Furulund")


@dataclass(frozen=True)
class Place:
    postal_code: str
    municipality: str
    municipality_code: str
    point: tuple[float, float]


@dataclass(frozen=True)
class Ad:
    job: str
    place: Place
    employer: str
    hours: frozenset[str]
    permanent: bool
    extent: str


@dataclass(frozen=True)
class Person:
    job: tuple[Any, ...]
    home: Place
    max_km: float
    unwanted: frozenset[str]
    permanent_only: bool
    extent: str | None
    propensity: float

    def reasons(self, ad: Ad) -> list[str]:
        """Every reason this person has to turn the posting down (empty: it is right for them)."""
        found = []
        if ad.job != self.job[0]:
            found.append("not_for_me")
        if km(self.home.point, ad.place.point) > self.max_km:
            found.append("too_far")
        if ad.hours & self.unwanted:
            found.append("wrong_hours")
        if self.permanent_only and not ad.permanent:
            found.append("not_permanent")
        if self.extent is not None and ad.extent != self.extent:
            found.append("wrong_extent")
        return found

    def agrees(self, change: dict[str, Any]) -> bool:
        """Whether a suggested change is one this person would make: it names no preference they do not have."""
        if "permanent" in change.get("stay_factors", {}) and not self.permanent_only:
            return False
        if change.get("extent") is not None and change["extent"] != self.extent:
            return False
        hours = change.get("work_hours")
        dropped = {"day", "evening", "night", "weekend", "shift"} - set(hours) if hours is not None else set()
        return dropped <= self.unwanted


@dataclass
class Market:
    ads: dict[int, Ad]
    quality: dict[str, float]
    places: dict[str, list[Place]]


@dataclass
class Arm:
    precision: dict[int, list[float]] = field(default_factory=lambda: {0: [], **{c: [] for c in CHECKPOINTS}})
    accepted_right: int = 0
    accepted_wrong: int = 0
    rejected: int = 0
    events: int = 0


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def load_places(geonames: Path, rng: random.Random) -> dict[str, list[Place]]:
    rows = []
    with geonames.open(encoding="utf-8") as handle:
        for line in handle:
            c = line.rstrip("\n").split("\t")
            if len(c) > 10 and c[9] and len(c[6]) == 4:
                rows.append(Place(c[1], c[5].title(), c[6], (float(c[9]), float(c[10]))))
    found = {}
    for region, centre in REGIONS.items():
        near = [place for place in rows if km(centre, place.point) <= 60]
        found[region] = rng.sample(near, k=min(40, len(near)))
    return found


def stay_probability(person: Person, ad: Ad, market: Market) -> float:
    """The hidden chance of still working there after 12 months: employer, person, commute and hours all count."""
    logit = 0.6 + market.quality[ad.employer] + person.propensity
    logit -= 1.5 * km(person.home.point, ad.place.point) / person.max_km
    logit -= 1.0 if ad.hours & person.unwanted else 0.0
    return 1 / (1 + math.exp(-logit))


def build_market(api: Jobmatch, rng: random.Random, count: int, geonames: Path) -> Market:
    places = load_places(geonames, rng)
    employers = {(job[0], region): [f"{BRANDS[(i * 7 + n) % len(BRANDS)]} {job[2][0].split()[0]} {region} {n + 1}" for n in range(4)]
                 for i, job in enumerate(JOBS) for region in REGIONS}
    quality = {name: rng.gauss(0, 0.8) for names in employers.values() for name in names}
    bodies, ads = [], {}
    for number in range(count):
        job, region = rng.choice(JOBS), rng.choice(list(REGIONS))
        place, employer = rng.choice(places[region]), rng.choice(employers[(job[0], region)])
        hours, permanent = rng.choice(HOURS), rng.random() < 0.65
        extent = "full_time" if rng.random() < 0.7 else "part_time"
        title, skills = rng.choice(job[2]), rng.sample(job[3], k=3)
        bodies.append({
            "source": "sim", "external_id": f"sim-{number}", "title": title,
            "description": f"{employer} søker {title.lower()} i {place.municipality}. Du kan {', '.join(skills)}.",
            "employer": {"name": employer, "orgnr": f"9{sum(map(ord, employer)) * 7919 % 10**8:08d}"},
            "locations": [{"postal_code": place.postal_code, "municipality": place.municipality,
                           "municipality_code": place.municipality_code, "country": "NO"}],
            "occupations": [{"system": "STYRK08", "code": job[0], "label": job[1]}], "skills": skills, "extent": extent,
            "engagement_type": "permanent" if permanent else "temporary", "work_hours": list(hours),
        })
        ads[f"sim-{number}"] = Ad(job[0], place, employer, frozenset(hours), permanent, extent)
    ids = api.import_postings(bodies)
    api.reindex(count)
    return Market(ads={ids[key]: ad for key, ad in ads.items()}, quality=quality, places=places)


def new_person(rng: random.Random, market: Market) -> Person:
    region = rng.choice(list(REGIONS))
    return Person(job=rng.choice(JOBS), home=rng.choice(market.places[region]), max_km=rng.choice((10.0, 20.0, 30.0)),
                  unwanted=rng.choice(UNWANTED), permanent_only=rng.random() < 0.5,
                  extent="full_time" if rng.random() < 0.5 else None, propensity=rng.gauss(0, 0.8))


def declared(person: Person, rng: random.Random) -> dict[str, Any]:
    title = person.job[2][0]
    return {
        "summary": f"Jeg har jobbet som {title.lower()} i {rng.randint(1, 12)} år og ser etter en ny jobb.",
        "skills": [{"name": skill, "level": 4} for skill in rng.sample(person.job[3], k=3)],
        "wishes": {"locations": [{"postal_code": person.home.postal_code, "max_distance_km": DECLARED_KM}]},
        "stay_factors": {"commute": rng.choice(("none", "low", "medium"))},
    }


class Profile:
    """One profile of a person on the server, spoken to with the person's own token."""

    def __init__(self, api: Jobmatch, subject: str, body: dict[str, Any]) -> None:
        self.api, self.headers = api, api.headers("seeker", subject)
        created = api.http.post("/v1/seekers", json=body, headers=self.headers)
        if created.status_code != 201:
            raise RuntimeError(f"{created.status_code} {created.text[:300]}")
        self.id = created.json()["id"]

    def ranked(self, limit: int = 40) -> list[int]:
        response = self.api.http.get(f"/v1/seekers/{self.id}/matches", params={"limit": limit}, headers=self.headers)
        response.raise_for_status()
        return [int(item["posting_id"]) for item in response.json()["items"]]

    def event(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        response = self.api.http.post(f"/v1/seekers/{self.id}/events", json=body, headers=self.headers)
        response.raise_for_status()
        return list(response.json().get("suggestions", []))

    def decide(self, suggestion_id: str, accept: bool) -> None:
        verb = "accept" if accept else "reject"
        response = self.api.http.post(f"/v1/seekers/{self.id}/suggestions/{suggestion_id}/{verb}", headers=self.headers)
        if response.status_code not in (200, 409):  # 409: already decided or outdated
            response.raise_for_status()

    def use_stay_prior(self, on: bool) -> None:
        self.api.http.patch(f"/v1/seekers/{self.id}", json={"use_stay_prior": on}, headers=self.headers).raise_for_status()


def next_unseen_precision(ids: Sequence[int], seen: set[int], person: Person, market: Market) -> float:
    fresh = [posting_id for posting_id in ids if posting_id not in seen][:TOP]
    return sum(not person.reasons(market.ads[posting_id]) for posting_id in fresh) / TOP


def reason_given(person: Person, ad: Ad, rng: random.Random) -> dict[str, Any]:
    """The dismissal as this person records it: a true reason, a wrong one, or `other` with a note."""
    true_reasons = person.reasons(ad)
    draw = rng.random()
    if draw < 0.65:
        return {"kind": "dismissed", "reason": rng.choice(true_reasons)}
    if draw < 0.8:
        wrong = [reason for reason in REASONS if reason not in true_reasons]
        return {"kind": "dismissed", "reason": rng.choice(wrong or list(REASONS))}
    return {"kind": "dismissed", "reason": "other", "note": "Passer ikke for meg."}


def give_feedback(profile: Profile, person: Person, market: Market, arm_name: str, arm: Arm, rng: random.Random) -> None:
    """Look at postings ten at a time until the last checkpoint; record events unless scrolling only."""
    seen: set[int] = set()
    ids = profile.ranked()
    arm.precision[0].append(next_unseen_precision(ids, seen, person, market))
    while len(seen) < CHECKPOINTS[-1]:
        batch = [posting_id for posting_id in ids if posting_id not in seen][:TOP]
        if not batch:
            break
        for posting_id in batch:
            seen.add(posting_id)
            ad = market.ads[posting_id]
            if arm_name != ARMS[0]:
                right = not person.reasons(ad)
                if right and rng.random() < 0.8:
                    body: dict[str, Any] | None = {"kind": "saved"}
                elif not right and rng.random() < 0.85:
                    body = reason_given(person, ad, rng)
                else:
                    body = None
                if body is not None:
                    arm.events += 1
                    for suggestion in profile.event({"posting_id": posting_id, **body}):
                        agrees = person.agrees(suggestion["change"])
                        accept = arm_name == ARMS[2] and rng.random() < (0.7 if agrees else 0.2)
                        profile.decide(suggestion["id"], accept)
                        if accept:
                            arm.accepted_right += agrees
                            arm.accepted_wrong += not agrees
                        else:
                            arm.rejected += 1
            if len(seen) in CHECKPOINTS:
                current = profile.ranked() if arm_name != ARMS[0] else ids
                arm.precision[len(seen)].append(next_unseen_precision(current, seen, person, market))
            if len(seen) >= CHECKPOINTS[-1]:
                break
        if arm_name != ARMS[0]:
            ids = profile.ranked()


def place_history(api: Jobmatch, market: Market, rng: random.Random, people: int) -> dict[str, Any]:
    """Past people take jobs from the top of their own lists; 12-month follow-ups drawn from the hidden model."""
    start = (date.today() - timedelta(days=420)).isoformat()
    placed = stayed = 0
    for number in range(people):
        person = new_person(rng, market)
        profile = Profile(api, f"history-{number}", declared(person, rng))
        ranked = profile.ranked(TOP * 2)
        taken = [i for i in ranked if not person.reasons(market.ads[i])][:3] or ranked[:1]
        for posting_id in taken:
            response = api.http.post("/v1/placements", json={"seeker_id": profile.id, "posting_id": posting_id, "start_date": start},
                                     headers=api.admin)
            response.raise_for_status()
            stays = rng.random() < stay_probability(person, market.ads[posting_id], market)
            reason = rng.choice(("new_job", "commute", "working_conditions"))
            follow_up = {"month": 12, "employed": stays, **({} if stays else {"reason": reason})}
            api.http.post(f"/v1/placements/{response.json()['id']}/follow-ups", json=follow_up, headers=api.admin).raise_for_status()
            placed += 1
            stayed += stays
        if (number + 1) % 50 == 0:
            log(f"history: {number + 1}/{people} people, {placed} placements")
    summary = json.loads(api.cli("stay-prior", "refresh"))
    return {"people": people, "placements": placed, "stayed_12_months": stayed, "refresh": summary}


def stay_effect(api: Jobmatch, market: Market, rng: random.Random, count: int) -> dict[str, Any]:
    """Fresh people, prior off and on for the same profile: true stay probability of the job taken and of the top 10."""
    found: dict[str, dict[str, list[float]]] = {name: {"taken": [], "top10": [], "precision@10": []} for name in ("off", "on")}
    for number in range(count):
        person = new_person(rng, market)
        profile = Profile(api, f"fresh-{number}", declared(person, rng))
        for name, on in (("off", False), ("on", True)):
            profile.use_stay_prior(on)
            ids = profile.ranked()
            found[name]["top10"].append(float(np.mean([stay_probability(person, market.ads[i], market) for i in ids[:TOP]])))
            found[name]["precision@10"].append(next_unseen_precision(ids, set(), person, market))
            taken = next((i for i in ids if not person.reasons(market.ads[i])), None)
            found[name]["taken"].append(stay_probability(person, market.ads[taken], market) if taken is not None else float("nan"))
    result: dict[str, Any] = {name: {metric: round(float(np.nanmean(values)), 4) for metric, values in metrics.items()}
                              for name, metrics in found.items()}
    result["on - off"] = {metric: paired(np.array(found["on"][metric]), np.array(found["off"][metric])) for metric in found["on"]}
    return result


def paired(better: np.ndarray, baseline: np.ndarray, seed: int = 7) -> dict[str, float]:
    """Mean paired difference with a 95% bootstrap interval (pairs with a missing value left out)."""
    difference = (better - baseline)[~np.isnan(better - baseline)]
    if not len(difference):
        return {"delta": float("nan"), "ci95_low": float("nan"), "ci95_high": float("nan"), "n": 0}
    means = difference[np.random.default_rng(seed).integers(0, len(difference), (2000, len(difference)))].mean(axis=1)
    return {"delta": round(float(difference.mean()), 4), "ci95_low": round(float(np.quantile(means, 0.025)), 4),
            "ci95_high": round(float(np.quantile(means, 0.975)), 4), "n": int(len(difference))}


def run(arguments: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(arguments.seed)
    geonames = arguments.shared_data / "geo-no" / "NO.txt"
    with serve(arguments.database_url, model=arguments.model, query_prefix="", passage_prefix="", geonames=geonames) as api:
        market = build_market(api, rng, arguments.postings, geonames)
        arms = {name: Arm() for name in ARMS}
        for number in range(arguments.seekers):
            person = new_person(rng, market)
            body = declared(person, rng)
            for name, arm in arms.items():
                profile = Profile(api, f"feedback-{number}-{ARMS.index(name)}", body)
                give_feedback(profile, person, market, name, arm, random.Random(f"{arguments.seed}:{number}:{name}"))
            if (number + 1) % 10 == 0:
                log(f"feedback: {number + 1}/{arguments.seekers} people")
        gains = {}
        for step, (simpler, richer) in enumerate(zip(ARMS, ARMS[1:], strict=False)):
            for events in CHECKPOINTS:
                gains[f"{richer} vs {simpler}, after {events} postings"] = paired(
                    np.array(arms[richer].precision[events]), np.array(arms[simpler].precision[events]), seed=step)
        history = place_history(api, market, rng, arguments.history_people)
        stay = stay_effect(api, market, rng, arguments.seekers)
    return {
        "seed": arguments.seed, "people": arguments.seekers, "postings": arguments.postings,
        "precision_next_10": {name: {str(k): round(float(np.mean(v)), 4) for k, v in arm.precision.items()} for name, arm in arms.items()},
        "gains_at_same_count": gains,
        "suggestions": {name: {"accepted_agreeing": arm.accepted_right, "accepted_disagreeing": arm.accepted_wrong,
                               "rejected": arm.rejected, "events": arm.events} for name, arm in arms.items()},
        "stay_prior": {"history": history, "fresh_people": stay},
    }


def report(result: dict[str, Any], command: str) -> str:
    lines = [f"Command: {command}", "",
             f"{result['people']} simulated people x 3 arms, {result['postings']} postings, seed {result['seed']}; precision of the "
             "next 10 unseen postings by the hidden truth", "",
             "| arm | 0 looked at | 5 looked at | 20 looked at |", "|---|---:|---:|---:|"]
    for name, by_count in result["precision_next_10"].items():
        lines.append(f"| {name} | " + " | ".join(f"{by_count[str(k)]:.3f}" for k in (0, *CHECKPOINTS)) + " |")
    lines += ["", "Gains against the ablation at the same number of postings looked at (paired 95% bootstrap):", ""]
    for name, delta in result["gains_at_same_count"].items():
        lines.append(f"- {name}: {delta['delta']:+.4f} [{delta['ci95_low']:+.4f}, {delta['ci95_high']:+.4f}]")
    counts = result["suggestions"][ARMS[2]]
    lines.append(f"- suggestions in the full arm: {counts['accepted_agreeing']} accepted (agreeing), "
                 f"{counts['accepted_disagreeing']} accepted (disagreeing), {counts['rejected']} rejected; {counts['events']} events")
    stay = result["stay_prior"]
    history = stay["history"]
    lines += ["", f"Stay prior from {history['placements']} past placements of {history['people']} people "
              f"({history['stayed_12_months']} stayed 12 months); fresh people, prior off vs on:", "",
              "| metric | off | on | on - off [95% CI] |", "|---|---:|---:|---|"]
    fresh = stay["fresh_people"]
    for metric in ("taken", "top10", "precision@10"):
        delta = fresh["on - off"][metric]
        words = {"taken": "true 12-month stay probability, job taken", "top10": "true 12-month stay probability, top 10",
                 "precision@10": "precision@10"}[metric]
        lines.append(f"| {words} | {fresh['off'][metric]:.4f} | {fresh['on'][metric]:.4f} | "
                     f"{delta['delta']:+.4f} [{delta['ci95_low']:+.4f}, {delta['ci95_high']:+.4f}] |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--seekers", type=int, default=40, help="simulated people per experiment (default 40)")
    parser.add_argument("--postings", type=int, default=700, help="postings in the market (default 700)")
    parser.add_argument("--history-people", type=int, default=250, help="past people behind the stay prior, up to 3 placements each")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--model", default="default", help="the embedding model jobmatch serves with")
    parser.add_argument("--shared-data", type=Path, default=SHARED_DATA)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE, help="a scratch PostgreSQL database: its schema is dropped")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out" / "feedback_sim.json")
    arguments = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, stop_on_signal)
    command = " ".join(["benchmarks/feedback_sim.py", *(argv if argv is not None else sys.argv[1:])])
    started = time.perf_counter()
    result = run(arguments)
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["command"] = command
    table = report(result, command)
    result["table_markdown"] = table
    arguments.out.parent.mkdir(parents=True, exist_ok=True)
    arguments.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
