"""Postal codes to points: read GeoNames data, measure distances, resolve locations and say how."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from jobmatch.geo import repository
from jobmatch.geo.repository import MunicipalityPoint, Point, PostalCode, PostalPoint
from jobmatch.postings.schemas import Location
from jobmatch.seekers.schemas import WishedLocation

__all__ = [
    "GeoResolver",
    "Point",
    "PostalCode",
    "Resolution",
    "haversine_km",
    "load_file",
    "parse_geonames",
    "postal_codes_from_pgeocode",
]

# IUGG mean Earth radius; a sphere is off by at most ~0.5 %, far below the postal-code points' own error.
EARTH_RADIUS_KM = 6371.0088
FOUR_DIGITS = re.compile(r"^\d{4}$")
GEONAMES_COLUMNS = 12
# pgeocode's names for the GeoNames columns, in file order.
PGEOCODE_FIELDS = (
    "country_code", "postal_code", "place_name", "state_name", "state_code", "county_name",
    "county_code", "community_name", "community_code", "latitude", "longitude", "accuracy",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Resolution:
    """Where a location is, and how that was worked out, or why it could not be (then `point` is None)."""

    point: Point | None
    how: str


def parse_geonames(lines: Iterable[str]) -> Iterator[PostalCode]:
    """Postal codes from a GeoNames postal-code dump (NO.txt: 12 tab-separated columns, no header)."""
    for number, line in enumerate(lines, 1):
        text = line.rstrip("\r\n")
        if not text.strip():
            continue
        fields = [field.strip() for field in text.split("\t")]
        if len(fields) not in (GEONAMES_COLUMNS - 1, GEONAMES_COLUMNS):  # the last column may be cut off
            raise ValueError(f"line {number}: {len(fields)} columns, GeoNames postal codes have {GEONAMES_COLUMNS}")
        _, postal_code, place, county, _, municipality, municipality_code, _, _, latitude, longitude = fields[:11]
        if not FOUR_DIGITS.match(postal_code) or not FOUR_DIGITS.match(municipality_code):
            raise ValueError(f"line {number}: postal code {postal_code!r} / municipality {municipality_code!r} "
                             "are not 4 digits")
        try:
            point = float(latitude), float(longitude)
        except ValueError:
            raise ValueError(f"line {number}: no coordinates ({latitude!r}, {longitude!r})") from None
        if not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180):
            raise ValueError(f"line {number}: coordinates out of range {point}")
        yield PostalCode(postal_code, place, municipality, municipality_code, county or None, *point)


def postal_codes_from_pgeocode(records: Iterable[Mapping[str, Any]]) -> Iterator[PostalCode]:
    """Postal codes from pgeocode's table rows (its copy of the same GeoNames file)."""
    lines = ("\t".join(_pgeocode_value(record.get(field), field) for field in PGEOCODE_FIELDS) for record in records)
    return parse_geonames(lines)


def load_file(session: Session, *, path: str | os.PathLike[str]) -> int:
    """Replace the postal codes with those in a GeoNames file; returns how many were loaded."""
    with open(path, encoding="utf-8") as handle:
        return repository.replace_all(session, parse_geonames(handle))


def haversine_km(lat: npt.ArrayLike, lon: npt.ArrayLike, lats: npt.ArrayLike, lons: npt.ArrayLike) -> npt.NDArray[np.float32]:
    """Great-circle km between points, element by element (either side may be one point), computed in float64 and
    returned as float32: the commute rule and its words read the same numbers."""
    phi, lam = np.radians(np.asarray(lat, dtype=np.float64)), np.radians(np.asarray(lon, dtype=np.float64))
    phis, lams = np.radians(np.asarray(lats, dtype=np.float64)), np.radians(np.asarray(lons, dtype=np.float64))
    h = np.sin((phis - phi) / 2) ** 2 + np.cos(phi) * np.cos(phis) * np.sin((lams - lam) / 2) ** 2
    distance: npt.NDArray[np.float32] = (2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))).astype(np.float32)
    return distance


class GeoResolver:
    """Resolves posting locations and seekers' wished locations from one batch of lookups."""

    def __init__(
        self,
        *,
        postal_codes: Mapping[str, PostalPoint],
        municipalities: Mapping[str, tuple[MunicipalityPoint, ...]],
    ) -> None:
        self._postal_codes = postal_codes
        self._municipalities = municipalities

    @classmethod
    def load(
        cls,
        session: Session,
        *,
        locations: Iterable[Location] = (),
        wishes: Iterable[WishedLocation] = (),
    ) -> GeoResolver:
        """Look up every postal code and municipality these mention: two queries however many there are."""
        postal_codes: set[str] = set()
        municipalities: set[str] = set()
        for location in locations:
            postal_codes.add(location.postal_code or "")
            municipalities.update((location.municipality_code or "", location.municipality or ""))
        for wish in wishes:
            postal_codes.add(wish.postal_code or "")
            municipalities.add(wish.municipality or "")
        postal_codes.discard("")
        municipalities.discard("")
        found_codes, found_municipalities = repository.points_for(
            session, postal_codes=postal_codes, municipalities=municipalities
        )
        return cls(postal_codes=found_codes, municipalities=found_municipalities)

    def resolve_location(self, location: Location) -> Resolution:
        """A posting's point: its own coordinates, else its postal code, municipality number, or name."""
        if location.latitude is not None and location.longitude is not None:
            return Resolution((location.latitude, location.longitude), "coordinates given in the posting")
        return self._first(
            postal_code=location.postal_code,
            municipalities=[location.municipality_code, location.municipality],
            missing="the location has no postal code, municipality or coordinates",
        )

    def resolve_wish(self, wish: WishedLocation) -> Resolution:
        """A seeker's wished place: its postal code, else its municipality (name or number)."""
        return self._first(
            postal_code=wish.postal_code,
            municipalities=[wish.municipality],
            missing="the wish has no postal code or municipality",
        )

    def _first(self, *, postal_code: str | None, municipalities: list[str | None], missing: str) -> Resolution:
        failures: list[str] = []
        if postal_code:
            found = self._postal_codes.get(postal_code)
            if found:
                return Resolution(found.point, f"postal code {found.postal_code} ({found.place})")
            failures.append(f"unknown postal code {postal_code}")
        for key in filter(None, municipalities):
            matches = self._municipalities.get(key, ())
            if len(matches) == 1:
                how = _municipality_how(matches[0])
                return Resolution(matches[0].point, f"{how} ({'; '.join(failures)})" if failures else how)
            failures.append(_municipality_failure(key, matches))
        return Resolution(None, "; ".join(failures) or missing)


def _municipality_how(municipality: MunicipalityPoint) -> str:
    if municipality.postal_codes == 1:
        return f"the only postal code in {municipality.name}"
    return f"mean of {municipality.postal_codes} postal codes in {municipality.name}"


def _municipality_failure(key: str, matches: tuple[MunicipalityPoint, ...]) -> str:
    kind = "municipality number" if FOUR_DIGITS.match(key.strip()) else "municipality"
    if not matches:
        return f"unknown {kind} {key}"
    candidates = ", ".join(f"{match.name} {match.code}" for match in matches)
    return f"{kind} {key} is ambiguous: {candidates}"


def _pgeocode_value(value: Any, field: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    # pandas reads numeric-looking codes as numbers, dropping leading zeros (0301 -> 301.0).
    if field in ("postal_code", "county_code") and isinstance(value, int | float):
        return f"{int(value):04d}"
    return str(value)
