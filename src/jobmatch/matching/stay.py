"""Stay factors over columns: how well every posting satisfies each thing that would make the seeker stay.

Each rule is defined once, over arrays (`stay_arrays`); the words for one posting (`stay_words`) are read off the
same raw value and status, so the list, the explanation and the hard constraints always agree.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from jobmatch.geo.service import EARTH_RADIUS_KM, haversine_km
from jobmatch.matching.signals import Signal, Status
from jobmatch.matching.weights import DEFAULT_MAX_DISTANCE_KM
from jobmatch.search.corpus import Corpus
from jobmatch.search.facts import ENGAGEMENTS, EXTENTS, HOURS, REMOTES, SECTORS, SalaryKind, enum_code, hours_mask
from jobmatch.seekers.schemas import SeekerIn
from jobmatch.vocab import EngagementType, Remote, StayFactor, WorkHours

EXTENT_NO = {"full_time": "heltid", "part_time": "deltid"}
EXTENT_EN = {"full_time": "full time", "part_time": "part time"}
REMOTE_NO = {"onsite": "oppmøte på arbeidsstedet", "hybrid": "delvis hjemmekontor", "remote": "hjemmekontor"}
REMOTE_EN = {"onsite": "on site", "hybrid": "partly remote", "remote": "fully remote"}
HOURS_NO = {"day": "dag", "evening": "kveld", "night": "natt", "weekend": "helg", "shift": "turnus/skift"}
HOURS_EN = {"day": "day", "evening": "evening", "night": "night", "weekend": "weekend", "shift": "shifts"}
SECTOR_NO = {"public": "offentlig", "private": "privat"}
ENGAGEMENT_NO = {
    "permanent": "fast",
    "temporary": "midlertidig",
    "seasonal": "sesong",
    "trainee": "trainee/lærling",
    "self_employed": "selvstendig",
    "other": "annet",
}
ENGAGEMENT_EN = {
    "permanent": "permanent",
    "temporary": "temporary",
    "seasonal": "seasonal",
    "trainee": "a traineeship or apprenticeship",
    "self_employed": "self-employed",
    "other": "another kind of engagement",
}

STATUSES: tuple[Status, ...] = tuple(Status)
MET, PARTLY, UNMET, UNKNOWN, NOT_APPLICABLE = (STATUSES.index(s) for s in Status)

FloatArray = npt.NDArray[np.float32]
StatusArray = npt.NDArray[np.int8]


@dataclass(frozen=True)
class WishPoint:
    """A seeker's wished place, resolved: where, how far they will travel, and what to call it."""

    lat: float
    lon: float
    max_km: float
    label: str


@dataclass(frozen=True)
class Wherever:
    """The seeker's wished places as the commute rule needs them."""

    points: tuple[WishPoint, ...]
    stated: bool
    """Whether the seeker named any place (resolved or not)."""
    first_limit_km: float
    unresolved: str | None = None


class StayArrays:
    """Raw value (NaN: unknown or not applicable) and status code of every stay factor, per row, computed when asked for:
    a factor over every row once (`every`: what a `must` rule reads), or over the rows a request measures (`at`). Most
    factors of most seekers are never needed for more than those few rows.
    """

    def __init__(self, corpus: Corpus, n: int, profile: SeekerIn, where: Wherever) -> None:
        self._corpus, self._n, self._where = corpus, n, where
        self._bits = wish_bits(profile)
        wanted = profile.wishes.min_salary_nok
        self._min_salary = math.nan if wanted is None else float(wanted)
        self._every: dict[StayFactor, tuple[FloatArray, StatusArray]] = {}
        self._ratio: FloatArray | None = None

    @property
    def commute_ratio(self) -> FloatArray:
        """Best distance ÷ limit per row (NaN when unknown): what relaxing the commute would add is read from it."""
        if self._ratio is None:
            self._ratio = commute_ratios(self._corpus, self._n, self._where)
        return self._ratio

    def every(self, factor: StayFactor) -> tuple[FloatArray, StatusArray]:
        """The factor's raw values and statuses over every row."""
        found = self._every.get(factor)
        if found is None:
            found = self._every[factor] = self._terms(factor, None)
        return found

    def broken(self, factor: StayFactor) -> npt.NDArray[np.bool_]:
        """Where the factor, as a `must`, is broken (`violates_must` of every row's status), without every row's value
        and status: the commute's from the distance ratio alone, a one-byte code's from a table of all 256 codes."""
        if factor is StayFactor.COMMUTE and factor not in self._every:
            if not self._where.stated:
                return np.zeros(self._n, dtype=bool)
            remote = self._corpus.column("remote", self._n) == enum_code(Remote.REMOTE, REMOTES)
            far: npt.NDArray[np.bool_] = (self.commute_ratio > 1) & ~remote  # unknown distance (NaN) is no breach
            return far
        if factor in self._every or factor is StayFactor.SALARY:
            return violates_must(factor, self.every(factor)[1])
        name, rule = ("hours", hours_terms) if factor is StayFactor.WORK_HOURS else (CHOICE_COLUMNS[factor], choice_terms)
        codes = self._corpus.column(name, self._n)
        every_code = np.arange(256, dtype=np.uint8).view(codes.dtype)  # the rule of each possible byte, then looked up
        table = violates_must(factor, rule(every_code, self._bits[factor])[1])
        broken: npt.NDArray[np.bool_] = np.take(table, codes.view(np.uint8))
        return broken

    def at(self, factor: StayFactor, rows: npt.NDArray[np.int64]) -> tuple[FloatArray, StatusArray]:
        """The factor's raw values and statuses of these rows (the same values as `every`'s, to the bit)."""
        if factor in self._every:
            raw, status = self._every[factor]
            return raw[rows], status[rows]
        return self._terms(factor, rows)

    def _terms(self, factor: StayFactor, rows: npt.NDArray[np.int64] | None) -> tuple[FloatArray, StatusArray]:
        corpus, n = self._corpus, self._n

        def column(name: str) -> npt.NDArray[Any]:
            values = corpus.column(name, n)
            return values if rows is None else values[rows]

        if factor is StayFactor.COMMUTE:
            fully_remote = column("remote") == enum_code(Remote.REMOTE, REMOTES)
            if rows is not None and self._ratio is None and bool(np.all(np.diff(rows) > 0)):
                ratio = commute_ratios(corpus, n, self._where, rows)  # only these rows' (the same numbers as the column's)
            else:
                ratio = self.commute_ratio if rows is None else self.commute_ratio[rows]
            return commute_terms(ratio, self._where.stated, fully_remote)
        if factor is StayFactor.WORK_HOURS:
            return hours_terms(column("hours"), self._bits[factor])
        if factor is StayFactor.SALARY:
            return salary_terms(column("salary_kind"), column("salary"), self._min_salary)
        return choice_terms(column(CHOICE_COLUMNS[factor]), self._bits[factor])


FAR_RATIO = 2.0
"""From twice the seeker's limit on, a commute counts fully against (and relaxing a must does not reach it)."""


def _ratios(wish: WishPoint, lats: FloatArray, lons: FloatArray) -> FloatArray:
    """distance ÷ limit; exact up to FAR_RATIO, beyond it a lower bound (the north-south distance alone)."""
    lower: FloatArray = (EARTH_RADIUS_KM * np.abs(np.radians(lats) - np.float32(math.radians(wish.lat))) / wish.max_km).astype(np.float32)
    near = np.flatnonzero(lower <= FAR_RATIO * 1.01)  # a margin for float32 rounding: beyond it the rule reads -1 either way
    lower[near] = haversine_km(wish.lat, wish.lon, lats[near], lons[near]) / wish.max_km
    return lower


def commute_ratios(corpus: Corpus, n: int, where: Wherever, rows: npt.NDArray[np.int64] | None = None) -> FloatArray:
    """min over wished places and posting locations of distance ÷ the wish's limit; NaN where nothing is located. Of
    every row among the first n, or of `rows` only (ascending, no repeats)."""
    lat, lon = corpus.column("lat", n), corpus.column("lon", n)
    extra_rows = corpus.extra_points["row"].view()
    in_range = extra_rows < n
    extra_rows = extra_rows[in_range]
    extra_lat, extra_lon = corpus.extra_points["lat"].view()[in_range], corpus.extra_points["lon"].view()[in_range]
    if rows is not None:  # ascending rows: their own points, and their extra points at the rows' positions
        lat, lon = lat[rows], lon[rows]
        at = np.minimum(np.searchsorted(rows, extra_rows), max(len(rows) - 1, 0))
        mine = np.flatnonzero(rows[at] == extra_rows) if len(rows) else np.zeros(0, dtype=np.int64)
        extra_rows, extra_lat, extra_lon = at[mine], extra_lat[mine], extra_lon[mine]
    best = np.full(len(lat), np.nan, dtype=np.float32)
    for wish in where.points:
        best = np.fmin(best, _ratios(wish, lat, lon))
        if len(extra_rows):
            np.fmin.at(best, extra_rows, _ratios(wish, extra_lat, extra_lon))
    return best


def commute_terms(ratio: FloatArray, stated: npt.ArrayLike, fully_remote: npt.ArrayLike) -> tuple[FloatArray, StatusArray]:
    """The commute rule from distance ÷ limit: within the limit is met, beyond it unmet; a fully remote job always meets it."""
    ratio, stated_, remote = np.broadcast_arrays(np.asarray(ratio, dtype=np.float32), np.asarray(stated, dtype=bool),
                                                 np.asarray(fully_remote, dtype=bool))
    within = ratio <= 1
    raw = np.where(within, 1.0 - 0.5 * ratio, np.maximum(-1.0, 0.5 - 1.5 * (ratio - 1))).astype(np.float32)
    status = np.where(within, MET, UNMET).astype(np.int8)
    status[np.isnan(ratio)] = UNKNOWN
    raw[~stated_], status[~stated_] = np.nan, NOT_APPLICABLE
    raw[remote], status[remote] = 1.0, MET
    return raw, status


def _by_table(rule: Callable[[npt.ArrayLike, npt.ArrayLike], tuple[FloatArray, StatusArray]]) -> Callable[
        [npt.ArrayLike, npt.ArrayLike], tuple[FloatArray, StatusArray]]:
    """A rule over one-byte codes and one wish: the rule applied once to all 256 byte values, then looked up per row.

    The rule itself decides every value, so the lookup agrees with it to the bit; other arguments go to the rule.
    """

    @cache
    def table(wished: int, signed: bool) -> tuple[FloatArray, StatusArray]:
        codes = np.arange(256, dtype=np.uint8)
        return rule(codes.view(np.int8) if signed else codes, wished)

    def looked_up(code: npt.ArrayLike, wished: npt.ArrayLike) -> tuple[FloatArray, StatusArray]:
        codes = np.asarray(code)
        if codes.ndim == 1 and np.ndim(wished) == 0 and int(np.asarray(wished)) == 0:  # no wish: not applicable anywhere
            return np.full(len(codes), np.nan, dtype=np.float32), np.full(len(codes), NOT_APPLICABLE, dtype=np.int8)
        if codes.ndim == 1 and codes.dtype in (np.int8, np.uint8) and np.ndim(wished) == 0:
            raw, status = table(int(wished), codes.dtype == np.int8)  # type: ignore[arg-type]
            index = codes.view(np.uint8)
            return np.take(raw, index), np.take(status, index)  # twice as fast as indexing by a uint8 array
        return rule(code, wished)

    return looked_up


def _choice_rule(code: npt.ArrayLike, wished: npt.ArrayLike) -> tuple[FloatArray, StatusArray]:
    """Met when the posting's code is among the wished ones (a bit per code), unmet otherwise, unknown when it does not say.

    `wished` 0 is no wish at all: not applicable.
    """
    codes, bits = np.broadcast_arrays(np.asarray(code, dtype=np.int64), np.asarray(wished, dtype=np.int64))
    known = codes > 0
    met = ((bits >> np.maximum(codes, 0)) & 1).astype(bool) & known
    raw = np.where(met, 1.0, -1.0).astype(np.float32)
    raw[~known] = np.nan
    status = np.where(met, MET, UNMET).astype(np.int8)
    status[~known] = UNKNOWN
    none = bits == 0
    raw[none], status[none] = np.nan, NOT_APPLICABLE
    return raw, status


def code_bits(codes: Iterable[int]) -> int:
    """The wished codes as one bitmask for `choice_terms` (0: no wish)."""
    bits = 0
    for code in codes:
        bits |= 1 << code
    return bits


_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.int8)


def _hours_rule(hours: npt.ArrayLike, wished: npt.ArrayLike) -> tuple[FloatArray, StatusArray]:
    """The share of the posting's hours inside the wished ones (`hours_mask` bits; 0 wished: no wish)."""
    offered, bits = np.broadcast_arrays(np.asarray(hours, dtype=np.int64), np.asarray(wished, dtype=np.int64))
    total = _POPCOUNT[offered & 0xFF].astype(np.float32)
    outside = _POPCOUNT[offered & ~bits & 0xFF].astype(np.float32)
    share = np.where(total > 0, 1 - outside / np.maximum(total, 1), 0).astype(np.float32)
    raw = np.where(outside == 0, 1.0, 2 * share - 1).astype(np.float32)
    status = np.where(outside == 0, MET, np.where(share > 0, PARTLY, UNMET)).astype(np.int8)
    raw[total == 0] = np.nan
    status[total == 0] = UNKNOWN
    none = bits == 0
    raw[none], status[none] = np.nan, NOT_APPLICABLE
    return raw, status


choice_terms = _by_table(_choice_rule)
hours_terms = _by_table(_hours_rule)


_SALARY_RAW = np.full(256, np.nan, dtype=np.float32)
_SALARY_STATUS = np.full(256, UNKNOWN, dtype=np.int8)
_SALARY_RAW[[SalaryKind.AMOUNT, SalaryKind.GRADE]], _SALARY_STATUS[[SalaryKind.AMOUNT, SalaryKind.GRADE]] = 0.5, MET
_SALARY_RAW[SalaryKind.VAGUE], _SALARY_STATUS[SalaryKind.VAGUE] = 0.0, PARTLY


def salary_terms(kind: npt.ArrayLike, yearly: npt.ArrayLike, wanted: npt.ArrayLike) -> tuple[FloatArray, StatusArray]:
    """Stated pay is met, vague pay partly; an amount against the seeker's minimum (NaN: no minimum) is met or unmet."""
    kinds, amounts, minimum = np.broadcast_arrays(np.asarray(kind, dtype=np.int8), np.asarray(yearly, dtype=np.float32),
                                                  np.asarray(wanted, dtype=np.float64))
    index = kinds.view(np.uint8)
    raw, status = np.take(_SALARY_RAW, index), np.take(_SALARY_STATUS, index)
    judged = np.flatnonzero((kinds == SalaryKind.AMOUNT) & ~np.isnan(minimum))
    enough = amounts[judged] >= minimum[judged]
    raw[judged] = np.where(enough, 1.0, -1.0)
    status[judged] = np.where(enough, MET, UNMET)
    return raw, status


def wish_bits(profile: SeekerIn) -> dict[StayFactor, int]:
    """The seeker's wishes of the choice and hours factors as bitmasks (0: no wish)."""
    wishes = profile.wishes
    return {
        StayFactor.PERMANENT: code_bits([enum_code(EngagementType.PERMANENT, ENGAGEMENTS)]),
        StayFactor.EXTENT: code_bits([enum_code(wishes.extent, EXTENTS)] if wishes.extent is not None else []),
        StayFactor.REMOTE: code_bits(enum_code(r, REMOTES) for r in wishes.remote),
        StayFactor.SECTOR: code_bits(enum_code(s, SECTORS) for s in wishes.sectors),
        StayFactor.WORK_HOURS: hours_mask(wishes.work_hours),
    }


CHOICE_COLUMNS = {StayFactor.PERMANENT: "engagement", StayFactor.EXTENT: "extent", StayFactor.REMOTE: "remote",
                  StayFactor.SECTOR: "sector"}


def violates_must(factor: StayFactor, status: StatusArray) -> npt.NDArray[np.bool_]:
    """Where a factor marked `must` is broken: unmet or partly (vague pay is no breach of a minimum). Unknown is not."""
    broken: npt.NDArray[np.bool_] = status == UNMET
    if factor is not StayFactor.SALARY:
        broken = broken | (status == PARTLY)
    return broken


def _members(code: int, members: tuple[object, ...]) -> str | None:
    return None if code <= 0 else str(getattr(members[code - 1], "value", members[code - 1]))


def stay_words(corpus: Corpus, row: int, factor: StayFactor, raw: float, status: int, profile: SeekerIn, where: Wherever) -> Signal:
    """The signal of one factor for one posting, in words: the same raw value and status the ranking used."""
    value = None if math.isnan(raw) else raw
    state = STATUSES[status]
    wishes = profile.wishes
    if factor is StayFactor.COMMUTE:
        return _commute_words(corpus, row, value, state, where)
    if factor is StayFactor.PERMANENT:
        kind = _members(int(corpus.value("engagement", row)), ENGAGEMENTS)
        if kind is None:
            return Signal.unknown("Annonsen sier ikke om stillingen er fast.", "The ad does not say whether the job is permanent.")
        if state is Status.MET:
            return Signal.met("Fast stilling.", "The position is permanent.")
        return Signal.unmet(f"Stillingen er {ENGAGEMENT_NO[kind]}, ikke fast.", f"The position is {ENGAGEMENT_EN[kind]}, not permanent.")
    if factor is StayFactor.EXTENT:
        if wishes.extent is None:
            return Signal.not_applicable("Du har ikke oppgitt heltid eller deltid.",
                                         "You have not said whether you want full or part time.")
        offered = _members(int(corpus.value("extent", row)), EXTENTS)
        if offered is None:
            return Signal.unknown("Annonsen sier ikke om det er heltid eller deltid.",
                                  "The ad does not say whether it is full or part time.")
        wanted = wishes.extent.value
        if state is Status.MET:
            return Signal.met(f"{EXTENT_NO[offered].capitalize()}, som du ønsker.", f"It is {EXTENT_EN[offered]}, as you wish.")
        return Signal.unmet(f"{EXTENT_NO[offered].capitalize()}, mens du ønsker {EXTENT_NO[wanted]}.",
                            f"It is {EXTENT_EN[offered]}, and you want {EXTENT_EN[wanted]}.")
    if factor is StayFactor.WORK_HOURS:
        return _hours_words(int(corpus.value("hours", row)), value, state, wishes.work_hours)
    if factor is StayFactor.REMOTE:
        if not wishes.remote:
            return Signal.not_applicable("Du har ikke oppgitt ønsker om hjemmekontor.",
                                         "You have not said how much you want to work remotely.")
        offered = _members(int(corpus.value("remote", row)), REMOTES)
        if offered is None:
            return Signal.unknown("Annonsen sier ikke om hjemmekontor.", "The ad does not say whether remote work is possible.")
        if state is Status.MET:
            return Signal.met(f"{REMOTE_NO[offered].capitalize()}, som du ønsker.", f"The job is {REMOTE_EN[offered]}, as you wish.")
        return Signal.unmet(f"{REMOTE_NO[offered].capitalize()}, som ikke er blant dine ønsker.",
                            f"The job is {REMOTE_EN[offered]}, which is not among your wishes.")
    if factor is StayFactor.SECTOR:
        if not wishes.sectors:
            return Signal.not_applicable("Du har ikke oppgitt sektor.", "You have not said which sector you prefer.")
        offered = _members(int(corpus.value("sector", row)), SECTORS)
        if offered is None:
            return Signal.unknown("Annonsen sier ikke hvilken sektor.", "The ad does not say which sector the employer is in.")
        if state is Status.MET:
            return Signal.met(f"{SECTOR_NO[offered].capitalize()} sektor, som du ønsker.",
                              f"The employer is in the {offered} sector, as you wish.")
        return Signal.unmet(f"{SECTOR_NO[offered].capitalize()} sektor, som ikke er ditt ønske.",
                            f"The employer is in the {offered} sector, which you did not ask for.")
    return _salary_words(corpus.texts["salary_texts"][row], value, state, wishes.min_salary_nok)


def _commute_words(corpus: Corpus, row: int, raw: float | None, state: Status, where: Wherever) -> Signal:
    if int(corpus.value("remote", row)) == enum_code(Remote.REMOTE, REMOTES):
        return Signal.met("Jobben er hjemmekontor, så du slipper å pendle.", "The job is fully remote, so there is no commute.")
    if not where.stated:
        return Signal.not_applicable("Du har ikke oppgitt hvor du vil jobbe.", "You have not said where you want to work.")
    if raw is None:
        reason_no = "stedet du oppga er ukjent" if where.unresolved else "annonsens arbeidssted er ukjent"
        reason_en = "the place you gave is unknown" if where.unresolved else "the ad's workplace is unknown"
        return Signal.unknown(f"Avstanden kan ikke beregnes: {reason_no}.", f"The distance cannot be computed: {reason_en}.")
    distance, wish, place = _nearest(corpus, row, where)
    limit = wish.max_km
    if state is Status.MET:
        return Signal(raw, state, f"{distance:.0f} km fra {wish.label} til {place}, innenfor dine {limit:.0f} km.",
                      f"It is {distance:.0f} km from {wish.label} to {place}, within your {limit:.0f} km.")
    return Signal(raw, state, f"{distance:.0f} km fra {wish.label} til {place}, lenger enn dine {limit:.0f} km.",
                  f"It is {distance:.0f} km from {wish.label} to {place}, beyond your {limit:.0f} km.")


def _nearest(corpus: Corpus, row: int, where: Wherever) -> tuple[float, WishPoint, str]:
    points = [(float(corpus.value("lat", row)), float(corpus.value("lon", row)), corpus.texts["places"][row])]
    extra_rows = corpus.extra_points["row"].view()
    for index in np.flatnonzero(extra_rows == row):
        points.append((float(corpus.extra_points["lat"].view()[index]), float(corpus.extra_points["lon"].view()[index]),
                       corpus.extra_places[index]))
    options = []
    for wish in where.points:
        for lat, lon, place in points:
            if not math.isnan(lat):
                distance = float(haversine_km(wish.lat, wish.lon, lat, lon))
                options.append((distance / wish.max_km, distance, wish, place))
    _, distance, wish, place = min(options, key=lambda option: option[0])
    return distance, wish, place


def _hours_words(hours: int, raw: float | None, state: Status, wished: list[WorkHours]) -> Signal:
    if not wished:
        return Signal.not_applicable("Du har ikke oppgitt arbeidstider.", "You have not said which hours you can work.")
    offered = [h.value for i, h in enumerate(HOURS) if hours & (1 << i)]
    if not offered:
        return Signal.unknown("Annonsen sier ikke noe om arbeidstid.", "The ad does not state the working hours.")
    if state is Status.MET:
        return Signal(raw, state, f"Arbeidstiden ({', '.join(HOURS_NO[h] for h in offered)}) passer deg.",
                      f"The working hours ({', '.join(HOURS_EN[h] for h in offered)}) suit you.")
    outside = [h for h in offered if h not in wished]
    return Signal(raw, state, f"Noe av arbeidstiden er utenfor dine ønsker: {', '.join(HOURS_NO[h] for h in outside)}.",
                  f"Some of the working hours are outside your wishes: {', '.join(HOURS_EN[h] for h in outside)}.")


def _salary_words(text: str, raw: float | None, state: Status, wanted: int | None) -> Signal:
    if not text:
        return Signal.unknown("Annonsen oppgir ikke lønn.", "The ad does not state the pay.")
    if wanted is not None and raw in (1.0, -1.0):
        if state is Status.MET:
            return Signal(raw, state, f"Lønnen («{text}») når minimumet ditt.", f"The pay (“{text}”) reaches your minimum.")
        return Signal(raw, state, f"Lønnen («{text}») er under minimumet ditt.", f"The pay (“{text}”) is below your minimum.")
    if state is Status.MET:
        return Signal(raw, state, f"Lønnen er oppgitt: «{text}».", f"The pay is stated: “{text}”.")
    return Signal(raw, state, f"Lønnen er bare oppgitt som «{text}».", f"The pay is only given as “{text}”.")


def default_commute_limit(max_distance_km: float | None) -> float:
    return max_distance_km if max_distance_km is not None else DEFAULT_MAX_DISTANCE_KM
