"""Stay factors: how well a posting satisfies each thing that would make the seeker stay."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from jobmatch.matching.signals import Signal, Status
from jobmatch.matching.weights import DEFAULT_MAX_DISTANCE_KM
from jobmatch.postings.schemas import PostingIn
from jobmatch.seekers.schemas import SeekerIn
from jobmatch.vocab import EngagementType, Remote, StayFactor

EXTENT_NO = {"full_time": "heltid", "part_time": "deltid"}
REMOTE_NO = {"onsite": "oppmøte på arbeidsstedet", "hybrid": "delvis hjemmekontor", "remote": "hjemmekontor"}
HOURS_NO = {"day": "dag", "evening": "kveld", "night": "natt", "weekend": "helg", "shift": "turnus/skift"}
SECTOR_NO = {"public": "offentlig", "private": "privat"}
ENGAGEMENT_NO = {
    "permanent": "fast",
    "temporary": "midlertidig",
    "seasonal": "sesong",
    "trainee": "trainee/lærling",
    "self_employed": "selvstendig",
    "other": "annet",
}


@dataclass(frozen=True)
class Commute:
    """The shortest distance between the seeker's wished places and the posting's locations."""

    distance_km: float | None
    max_km: float
    wished_place: str | None
    posting_place: str | None
    unknown_reason: str | None = None


def commute_signal(posting: PostingIn, commute: Commute) -> Signal:
    if posting.remote is Remote.REMOTE:
        return Signal.met("Jobben er hjemmekontor: ingen pendling.", "The job is fully remote: no commute.")
    if commute.wished_place is None:
        return Signal.not_applicable("Du har ikke oppgitt hvor du vil jobbe.", "You have not said where you want to work.")
    if commute.distance_km is None:
        reason = commute.unknown_reason or "posting location unknown"
        return Signal.unknown(f"Avstanden kan ikke beregnes ({reason}).", f"The distance cannot be computed ({reason}).")
    d, limit = commute.distance_km, commute.max_km
    where_no = f"{d:.0f} km fra {commute.wished_place} til {commute.posting_place}"
    where_en = f"{d:.0f} km from {commute.wished_place} to {commute.posting_place}"
    if d <= limit:
        raw = 1.0 - 0.5 * d / limit
        return Signal(raw, Status.MET, f"{where_no}, innenfor dine {limit:.0f} km.", f"{where_en}, within your {limit:.0f} km.")
    raw = max(-1.0, 0.5 - 1.5 * (d - limit) / limit)
    return Signal(raw, Status.UNMET, f"{where_no}, over dine {limit:.0f} km.", f"{where_en}, beyond your {limit:.0f} km.")


def permanent_signal(posting: PostingIn, profile: SeekerIn) -> Signal:
    kind = posting.engagement_type
    if kind is None:
        return Signal.unknown("Annonsen sier ikke om stillingen er fast.", "The ad does not say whether the job is permanent.")
    if kind is EngagementType.PERMANENT:
        return Signal.met("Fast stilling.", "Permanent position.")
    return Signal.unmet(f"Ikke fast: {ENGAGEMENT_NO[kind]}.", f"Not permanent: {kind.value.replace('_', ' ')}.")


def extent_signal(posting: PostingIn, profile: SeekerIn) -> Signal:
    wished = profile.wishes.extent
    if wished is None:
        return Signal.not_applicable("Du har ikke oppgitt heltid eller deltid.", "You have not said full or part time.")
    if posting.extent is None:
        return Signal.unknown("Annonsen sier ikke om det er heltid eller deltid.", "The ad does not state the extent.")
    if posting.extent is wished:
        return Signal.met(f"{EXTENT_NO[wished].capitalize()}, som du ønsker.", f"{wished.value.replace('_', ' ')}, as wished.")
    return Signal.unmet(
        f"{EXTENT_NO[posting.extent].capitalize()}, du ønsker {EXTENT_NO[wished]}.",
        f"{posting.extent.value.replace('_', ' ')}, you want {wished.value.replace('_', ' ')}.",
    )


def work_hours_signal(posting: PostingIn, profile: SeekerIn) -> Signal:
    wished = set(profile.wishes.work_hours)
    if not wished:
        return Signal.not_applicable("Du har ikke oppgitt arbeidstider.", "You have not said which hours you can work.")
    if not posting.work_hours:
        return Signal.unknown("Annonsen sier ikke noe om arbeidstid.", "The ad does not state the working hours.")
    hours = list(posting.work_hours)
    outside = [h for h in hours if h not in wished]
    names_no = ", ".join(HOURS_NO[h] for h in hours)
    if not outside:
        return Signal.met(f"Arbeidstid ({names_no}) passer deg.", f"Working hours ({', '.join(hours)}) suit you.")
    share = 1 - len(outside) / len(hours)
    status = Status.PARTLY if share > 0 else Status.UNMET
    return Signal(
        2 * share - 1,
        status,
        f"Arbeidstid utenfor dine ønsker: {', '.join(HOURS_NO[h] for h in outside)}.",
        f"Hours outside your wishes: {', '.join(outside)}.",
    )


def remote_signal(posting: PostingIn, profile: SeekerIn) -> Signal:
    wished = set(profile.wishes.remote)
    if not wished:
        return Signal.not_applicable("Du har ikke oppgitt hjemmekontor-ønsker.", "You have not said how remote you want to work.")
    if posting.remote is None:
        return Signal.unknown("Annonsen sier ikke om hjemmekontor.", "The ad does not say whether remote work is possible.")
    if posting.remote in wished:
        return Signal.met(f"{REMOTE_NO[posting.remote].capitalize()}, som du ønsker.", f"{posting.remote.value}, as wished.")
    return Signal.unmet(f"{REMOTE_NO[posting.remote].capitalize()}, ikke blant dine ønsker.", f"{posting.remote.value}, not wished.")


def sector_signal(posting: PostingIn, profile: SeekerIn) -> Signal:
    wished = set(profile.wishes.sectors)
    if not wished:
        return Signal.not_applicable("Du har ikke oppgitt sektor.", "You have not said which sector you prefer.")
    if posting.sector is None:
        return Signal.unknown("Annonsen sier ikke hvilken sektor.", "The ad does not state the sector.")
    if posting.sector in wished:
        return Signal.met(f"{SECTOR_NO[posting.sector].capitalize()} sektor, som du ønsker.", f"{posting.sector.value} sector, as wished.")
    return Signal.unmet(f"{SECTOR_NO[posting.sector].capitalize()} sektor, ikke ditt ønske.", f"{posting.sector.value} sector, not wished.")


_AMOUNT = re.compile(r"(\d{1,3}(?:[ .\u00a0]\d{3})+|\d{4,7})")
_PAY_GRADE = re.compile(r"(?:lønnstrinn|ltr\.?|stillingskode)\s*\d", re.IGNORECASE)
_VAGUE = re.compile(r"etter avtale|konkurransedyktig|god lønn|competitive|negotiable", re.IGNORECASE)


def annual_salary_nok(text: str) -> float | None:
    """The highest yearly amount stated in a salary text, converting hourly and monthly pay; None if not stated."""
    amounts = [float(re.sub(r"\D", "", match)) for match in _AMOUNT.findall(text)]
    if not amounts:
        return None
    amount = max(amounts)
    lowered = text.casefold()
    if "time" in lowered or "hour" in lowered or amount < 1_000:
        return amount * 1_950
    if "mnd" in lowered or "måned" in lowered or "month" in lowered or amount < 150_000:
        return amount * 12
    return amount


def salary_signal(posting: PostingIn, profile: SeekerIn) -> Signal:
    text = (posting.salary or "").strip()
    if not text:
        return Signal.unknown("Annonsen oppgir ikke lønn.", "The ad does not state the pay.")
    wanted = profile.wishes.min_salary_nok
    yearly = annual_salary_nok(text)
    if wanted is not None and yearly is not None:
        if yearly >= wanted:
            return Signal.met(f"Lønn «{text}» når ditt minimum.", f"Pay “{text}” reaches your minimum.")
        return Signal.unmet(f"Lønn «{text}» er under ditt minimum.", f"Pay “{text}” is below your minimum.")
    if yearly is not None or _PAY_GRADE.search(text):
        return Signal.met(f"Lønnen er oppgitt: «{text}».", f"The pay is stated: “{text}”.", raw=0.5)
    if _VAGUE.search(text):
        return Signal(0.0, Status.PARTLY, f"Lønn bare «{text}».", f"Pay only “{text}”.")
    return Signal(0.0, Status.PARTLY, f"Lønn: «{text}».", f"Pay: “{text}”.")


SignalFn = Callable[[PostingIn, SeekerIn], Signal]
PROFILE_SIGNALS: dict[StayFactor, SignalFn] = {
    StayFactor.PERMANENT: permanent_signal,
    StayFactor.EXTENT: extent_signal,
    StayFactor.WORK_HOURS: work_hours_signal,
    StayFactor.REMOTE: remote_signal,
    StayFactor.SECTOR: sector_signal,
    StayFactor.SALARY: salary_signal,
}


def stay_signals(posting: PostingIn, profile: SeekerIn, commute: Commute) -> dict[StayFactor, Signal]:
    signals = {factor: fn(posting, profile) for factor, fn in PROFILE_SIGNALS.items()}
    signals[StayFactor.COMMUTE] = commute_signal(posting, commute)
    return signals


def default_commute_limit(max_distance_km: float | None) -> float:
    return max_distance_km if max_distance_km is not None else DEFAULT_MAX_DISTANCE_KM


def engagement_wish_signal(posting: PostingIn, profile: SeekerIn) -> Signal:
    """The wished kinds of engagement (a wish, shown in explanations; permanence is the weighted factor)."""
    wished = set(profile.wishes.engagement_types)
    if not wished:
        return Signal.not_applicable("Du har ikke oppgitt ansettelsesform.", "You have not said which engagement types you want.")
    kind = posting.engagement_type
    if kind is None:
        return Signal.unknown("Annonsen oppgir ikke ansettelsesform.", "The ad does not state the engagement type.")
    if kind in wished:
        return Signal.met(f"Ansettelsesform {ENGAGEMENT_NO[kind]}, som du ønsker.", f"Engagement {kind.value}, as wished.")
    return Signal.unmet(f"Ansettelsesform {ENGAGEMENT_NO[kind]}, ikke ditt ønske.", f"Engagement {kind.value}, not wished.")
