"""Deterministic demo postings assembled from the hand-written occupation and place tables."""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from jobmatch.demo.occupations import OCCUPATIONS, Kind, Occ
from jobmatch.demo.places import PLACE_WEIGHTS, PLACES, Place
from jobmatch.demo.seekers import demo_seekers
from jobmatch.postings.schemas import Employer, Location, PostingIn
from jobmatch.vocab import EngagementType, Extent, PostingStatus, Remote, Sector, WorkHours

__all__ = ["POSTING_COUNT", "demo_postings", "demo_seekers"]

POSTING_COUNT = 340
SEED = 2026
_MIN_PER_OCCUPATION = 4
_EXPIRED = 5

D, E, N, W, S = WorkHours.DAY, WorkHours.EVENING, WorkHours.NIGHT, WorkHours.WEEKEND, WorkHours.SHIFT
P, T, SE, TR = EngagementType.PERMANENT, EngagementType.TEMPORARY, EngagementType.SEASONAL, EngagementType.TRAINEE
ON, HY, RE = Remote.ONSITE, Remote.HYBRID, Remote.REMOTE


@dataclass(frozen=True)
class Profile:
    """How postings of one kind of workplace usually look."""

    hours: tuple[tuple[WorkHours, ...], ...]
    remote: tuple[Remote, ...]
    part_time: float
    engagement: tuple[EngagementType, ...]
    offers: tuple[str, ...]
    english: float = 0.0
    hourly_pay: bool = False


_CARE_OFFERS = (
    "Et faglig sterkt og inkluderende arbeidsmiljø.",
    "Gode muligheter for kompetanseheving og videreutdanning.",
    "Turnus med mulighet for ønsketurnus.",
    "Introduksjonsprogram for nyansatte.",
)
_OFFICE_OFFERS = (
    "Fleksibel arbeidstid og mulighet for hjemmekontor.",
    "Sentralt beliggende kontorer med kantine.",
    "Gode pensjons- og forsikringsordninger.",
    "Et miljø med høy faglig kompetanse og stor takhøyde.",
    "Treningstilbud og sosiale aktiviteter.",
)
_FIELD_OFFERS = (
    "Firmabil og verktøy.",
    "Lønn etter tariff med gode tillegg.",
    "Trivelige kolleger og et godt fagmiljø.",
    "Arbeidstøy og sikkerhetsutstyr.",
    "Fast ansettelse etter endt prøvetid.",
)
_SHOP_OFFERS = (
    "Personalrabatt.",
    "En hektisk og sosial arbeidsplass.",
    "Opplæring i våre rutiner og systemer.",
    "Gratis bemanningsmåltid på vakt.",
)
PROFILES: dict[Kind, Profile] = {
    Kind.HEALTH: Profile(((D, E, W), (S, W), (N, W), (D,), (S,)), (ON,), 0.5, (P,) * 6 + (T, T), _CARE_OFFERS),
    Kind.HOSPITAL: Profile(((S, W), (N,), (D, E, N, W), (D,)), (ON,), 0.3, (P,) * 6 + (T, T), _CARE_OFFERS, 0.04),
    Kind.SCHOOL: Profile(((D,),), (ON,), 0.15, (P,) * 4 + (T,), ("Et godt kollegialt fellesskap.",
                         "Tid til faglig samarbeid og utvikling.", "Gode pensjonsordninger i KLP.")),
    Kind.KINDERGARTEN: Profile(((D,),), (ON,), 0.3, (P,) * 4 + (T,), ("Et varmt og trygt arbeidsmiljø.",
                               "Kurs og fagdager gjennom året.", "Gode pensjonsordninger.")),
    Kind.OFFICE: Profile(((D,),) * 5 + ((D, E),), (HY, HY, HY, ON, RE), 0.08, (P,) * 8 + (T, TR), _OFFICE_OFFERS, 0.1),
    Kind.PUBLIC_OFFICE: Profile(((D,),), (HY, HY, ON), 0.05, (P,) * 5 + (T,), _OFFICE_OFFERS),
    Kind.IT: Profile(((D,),), (HY, HY, HY, RE, RE, ON), 0.03, (P,) * 8 + (T, TR), _OFFICE_OFFERS, 0.2),
    Kind.CRAFT: Profile(((D,),) * 4 + ((D, E),), (ON,), 0.02, (P,) * 7 + (T, TR), _FIELD_OFFERS, 0.03),
    Kind.INDUSTRY: Profile(((S,), (D,), (S, N, W)), (ON,), 0.05, (P,) * 5 + (T, SE), _FIELD_OFFERS, 0.08),
    Kind.TRANSPORT: Profile(((S,), (N,), (D,), (E, W), (D, E, W)), (ON,), 0.2, (P,) * 6 + (T, SE), _FIELD_OFFERS,
                            0.05),
    Kind.RETAIL: Profile(((D, E, W), (E, W), (D,)), (ON,), 0.6, (P,) * 5 + (T, SE), _SHOP_OFFERS, 0.02, True),
    Kind.HOSPITALITY: Profile(((E, W), (D, E, W), (D,)), (ON,), 0.45, (P,) * 4 + (T, SE, SE), _SHOP_OFFERS, 0.1,
                              True),
    Kind.SERVICE: Profile(((E,), (N, W), (D,), (S,)), (ON,), 0.35, (P,) * 5 + (T,), _FIELD_OFFERS, 0.04),
}

BRANDS = (
    "Nordlys", "Fjellvind", "Kystlys", "Bjørkeli", "Havbris", "Granli", "Elvebakk", "Vestkyst", "Polarlys",
    "Solsiden", "Furulund", "Storberg", "Sjøkanten", "Lyngheim", "Brattli", "Fjordglimt", "Midtlia", "Tindevegg",
)
CONTACTS = (
    "avdelingsleder Hilde Berg", "daglig leder Jon Aas", "leder Marit Solheim", "teamleder Ali Rahimi",
    "enhetsleder Tone Lien", "HR-ansvarlig Per Holm", "fagleder Ingvild Nyhus", "driftsleder Kristoffer Vik",
)
INTROS = (
    "{employer} søker en engasjert {noun} i {muni}.",
    "Vil du jobbe som {noun} i {muni}? {employer} har ledig stilling fra snarest.",
    "Vi er i vekst og trenger en dyktig {noun} til teamet vårt i {muni}.",
    "{employer} har ledig {extent} som {noun}.",
    "Hos {employer} får du en variert hverdag som {noun} med gode kolleger.",
)
QUALITIES = (
    "Du er strukturert, løsningsorientert og samarbeider godt med andre.",
    "Du er fleksibel og trives med varierte oppgaver.",
    "Du tar ansvar og har god arbeidskapasitet.",
    "Du kommuniserer godt og er opptatt av kvalitet.",
)
EN_TASKS = (
    "You will take responsibility for daily work within your field and contribute to continuous improvement.",
    "You will work closely with a friendly, international team.",
    "You will share your experience and help us develop our services.",
)
EN_QUALS = (
    "Relevant education or solid experience.",
    "Good English skills; Norwegian or another Scandinavian language is an advantage.",
    "The right to work in Norway.",
)
EN_OFFERS = (
    "A permanent position with a competitive salary.",
    "Help with relocation and Norwegian language courses.",
    "Flexible working hours and a good pension scheme.",
)
PART_TIME_PERCENT = (20, 40, 50, 60, 75, 80, 90)


def _noun(title: str) -> str:
    return title[0].lower() + title[1:] if len(title) > 1 and title[1].islower() else title


def _hours_for(title: str, usual: tuple[WorkHours, ...]) -> list[WorkHours]:
    lowered = title.lower()
    if "natt" in lowered:
        return [N, W]
    if "helg" in lowered:
        return [W]
    if "kantine" in lowered:
        return [D]
    return list(usual)


def _orgnr(name: str) -> str:
    return f"9{zlib.crc32(name.encode()) % 10**8:08d}"


def _kr(thousands: int) -> str:
    return f"{thousands // 1000} {thousands % 1000:03d} 000" if thousands >= 1000 else f"{thousands} 000"


def _pay_step(thousands: int) -> int:
    # Rough fit of the KS salary ladder (lønnstrinn), good enough for believable demo text.
    return max(19, min(85, round(30 + (thousands - 450) / 7)))


def _employer(rng: random.Random, occ: Occ, place: Place, sector: Sector | None) -> Employer:
    public = sector is Sector.PUBLIC or not occ.firms
    pattern = rng.choice(occ.agencies if public else occ.firms)
    name = pattern.format(muni=place.municipality, county=place.county, brand=rng.choice(BRANDS))
    name = name.replace("Oslo fylkeskommune", "Oslo kommune")
    return Employer(name=name, orgnr=None if rng.random() < 0.1 else _orgnr(name))


def _salary(rng: random.Random, occ: Occ, profile: Profile, sector: Sector | None, extent: Extent | None) -> str | None:
    low, high = occ.pay
    if rng.random() < 0.22:
        return None
    if sector is Sector.PUBLIC:
        options = [f"Lønnstrinn {_pay_step(low)}–{_pay_step(high)}", "Etter tariff", f"Fra kr {_kr(low)}",
                   "Lønn etter gjeldende tariffavtale"]
    else:
        options = [f"kr {_kr(low)}–{_kr(high)}", "Etter avtale", "Konkurransedyktig lønn", f"kr {_kr(low)}–{_kr(high)}"]
        if profile.hourly_pay and extent is Extent.PART_TIME:
            options += [f"kr {round(low * 1000 / 1950)} per time"] * 3
    return rng.choice(options)


def _decorate(rng: random.Random, title: str, engagement: EngagementType | None, kind: Kind) -> str:
    nested = " – " in title
    if engagement is EngagementType.TEMPORARY:
        suffixed = (f"{title} – vikariat", f"{title} (engasjement, 12 måneder)")
        return rng.choice((f"Vikariat: {title}",) + (() if nested else suffixed))
    if engagement is EngagementType.SEASONAL:
        return rng.choice((f"Sommerjobb: {title}",) + (() if nested else (f"Sesongjobb – {title}",)))
    if engagement is EngagementType.TRAINEE and "lærling" not in title.lower():
        noun = _noun(title.split(" – ")[0])
        return f"Lærling – {noun}" if kind is Kind.CRAFT else f"Trainee – {noun}"
    return title


def _norwegian(rng: random.Random, occ: Occ, profile: Profile, noun: str, facts: dict[str, str], html: bool) -> str:
    intro = rng.choice(INTROS).format(noun=noun, **facts)
    tasks = rng.sample(occ.tasks, k=min(len(occ.tasks), rng.randint(2, 3)))
    quals = [*rng.sample(occ.quals, k=min(len(occ.quals), rng.randint(1, 2))), rng.choice(QUALITIES)]
    offers = rng.sample(profile.offers, k=min(len(profile.offers), rng.randint(2, 3)))
    closing = f"Spørsmål om stillingen kan rettes til {rng.choice(CONTACTS)}."
    sections = (("Arbeidsoppgaver", tasks), ("Kvalifikasjoner", quals), ("Vi tilbyr", offers))
    if html:
        body = "".join(f"<h3>{head}</h3><ul>{''.join(f'<li>{item}</li>' for item in items)}</ul>"
                       for head, items in sections)
        return f"<p>{intro}</p>{body}<p>{closing} Vi ser frem til å høre fra deg &ndash; søk i dag!</p>"
    body = "\n\n".join(f"{head}:\n" + "\n".join(f"- {item}" for item in items) for head, items in sections)
    return f"{intro}\n\n{body}\n\n{closing}"


def _english(rng: random.Random, occ: Occ, facts: dict[str, str]) -> str:
    article = "an" if occ.en[0].lower() in "aeiou" else "a"
    intro = f"{facts['employer']} is looking for {article} {occ.en} to join us in {facts['muni']}."
    sections = (("What you will do", rng.sample(EN_TASKS, k=2)), ("Who you are", rng.sample(EN_QUALS, k=2)),
                ("We offer", rng.sample(EN_OFFERS, k=2)))
    body = "\n\n".join(f"{head}:\n" + "\n".join(f"- {item}" for item in items) for head, items in sections)
    return f"{intro}\n\n{body}\n\nThe working language in the team is English."


def _locations(rng: random.Random, place: Place) -> list[Location]:
    first = place.location(rng.choice(place.postal_codes))
    if rng.random() < 0.05:
        first = Location(municipality=place.municipality, municipality_code=place.code, county=place.county,
                         country="NO")
    if rng.random() < 0.05:
        other = rng.choices(PLACES, weights=PLACE_WEIGHTS)[0]
        if other is not place:
            return [first, other.location(rng.choice(other.postal_codes))]
    return [first]


def _sector(rng: random.Random, occ: Occ) -> Sector | None:
    if rng.random() < 0.05:
        return None
    return Sector.PUBLIC if rng.random() < occ.public else Sector.PRIVATE


def _posting(rng: random.Random, index: int, occ: Occ, now: datetime, expired: bool) -> PostingIn:
    profile = PROFILES[occ.kind]
    place = rng.choices(PLACES, weights=PLACE_WEIGHTS)[0]
    sector = _sector(rng, occ)
    employer = _employer(rng, occ, place, sector)
    part_time = rng.random() < profile.part_time
    extent: Extent | None = Extent.PART_TIME if part_time else Extent.FULL_TIME
    workload: int | None = rng.choice(PART_TIME_PERCENT) if part_time else 100
    if rng.random() < 0.08:
        extent, workload = None, None
    elif rng.random() < 0.15:
        workload = None
    engagement: EngagementType | None = None if rng.random() < 0.06 else rng.choice(profile.engagement)
    remote: Remote | None = None if rng.random() < 0.1 else rng.choice(profile.remote)
    base = rng.choice(occ.titles)
    hours = [] if rng.random() < 0.1 else _hours_for(base, rng.choice(profile.hours))
    english = rng.random() < profile.english
    facts = {"employer": employer.name, "muni": place.municipality,
             "extent": "deltidsstilling" if part_time else "fast stilling" if engagement is P else "stilling"}
    if english:
        title, description = occ.en[0].upper() + occ.en[1:], _english(rng, occ, facts)
    else:
        title = _decorate(rng, base, engagement, occ.kind)
        noun = _noun(base.split(" – ")[0].split(" (")[0])
        description = _norwegian(rng, occ, profile, noun, facts, html=rng.random() < 0.08)
    skills = rng.sample(occ.skills, k=rng.randint(4, min(8, len(occ.skills))))
    if expired:
        published = now - timedelta(days=rng.randint(45, 80), hours=rng.randint(0, 23))
        expires = now - timedelta(days=rng.randint(1, 14), hours=rng.randint(0, 23))
    else:
        published = now - timedelta(days=rng.randint(1, 30), hours=rng.randint(0, 23))
        expires = now + timedelta(days=rng.randint(10, 60), hours=rng.randint(0, 23))
    due_roll = rng.random()
    due = expires.strftime("%d.%m.%Y") if due_roll < 0.5 else "Snarest" if due_roll < 0.7 else None
    return PostingIn(
        source="demo",
        external_id=f"demo-{index:04d}",
        title=title,
        description=description,
        employer=employer,
        locations=_locations(rng, place),
        occupations=[occ.occupation()],
        skills=skills,
        extent=extent,
        workload_percent=workload,
        engagement_type=engagement,
        sector=sector,
        remote=remote,
        work_hours=hours,
        salary=_salary(rng, occ, profile, sector, extent),
        published_at=published,
        expires_at=expires,
        application_due=due,
        status=PostingStatus.INACTIVE if expired else PostingStatus.ACTIVE,
    )


def demo_postings(now: datetime | None = None) -> list[PostingIn]:
    """The demo postings; dates are relative to `now` so the demo stays current."""
    now = (now or datetime.now(UTC)).replace(second=0, microsecond=0)
    rng = random.Random(SEED)  # noqa: S311 - the demo needs reproducible data, not secrecy
    chosen = [occ for occ in OCCUPATIONS for _ in range(_MIN_PER_OCCUPATION)]
    rest = POSTING_COUNT - len(chosen)
    chosen += rng.choices(OCCUPATIONS, weights=[occ.weight for occ in OCCUPATIONS], k=rest)
    rng.shuffle(chosen)
    expired = set(rng.sample(range(POSTING_COUNT), k=_EXPIRED))
    return [_posting(rng, index + 1, occ, now, index in expired) for index, occ in enumerate(chosen)]
