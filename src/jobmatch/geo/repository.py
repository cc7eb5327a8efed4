"""All SQL for postal-code points."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from jobmatch.db.tables import PostalCodeRow

Point = tuple[float, float]
"""(latitude, longitude) in degrees."""

MUNICIPALITY_CODE = re.compile(r"^\d{4}$")
# Rows per INSERT: psycopg sends each batch as one multi-row statement.
INSERT_BATCH = 1_000


@dataclass(frozen=True, slots=True)
class PostalCode:
    """One postal code as the reference data gives it."""

    postal_code: str
    place: str
    municipality: str
    municipality_code: str
    county: str | None
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class PostalPoint:
    """A postal code's point and the place it names."""

    postal_code: str
    place: str
    point: Point


@dataclass(frozen=True, slots=True)
class MunicipalityPoint:
    """A municipality's point: the mean of its postal-code points."""

    code: str
    name: str
    point: Point
    postal_codes: int


def replace_all(session: Session, postal_codes: Iterable[PostalCode]) -> int:
    """Replace every row with these; the caller's transaction makes it all-or-nothing. Returns the row count."""
    # A later duplicate of a code wins, as it would in a file read top to bottom.
    rows = list({code.postal_code: asdict(code) for code in postal_codes}.values())
    # DELETE rather than TRUNCATE: readers keep seeing the old rows until commit instead of waiting on a lock.
    session.execute(delete(PostalCodeRow))
    for start in range(0, len(rows), INSERT_BATCH):
        session.execute(insert(PostalCodeRow), rows[start : start + INSERT_BATCH])
    session.flush()
    return len(rows)


def count(session: Session) -> int:
    """How many postal codes are loaded."""
    return session.scalar(select(func.count()).select_from(PostalCodeRow)) or 0


def point_for_postal_code(session: Session, code: str) -> Point | None:
    """The point of a postal code, or None when it is not in the reference data."""
    found = postal_points(session, [code]).get(code)
    return found.point if found else None


def point_for_municipality(session: Session, name_or_code: str) -> Point | None:
    """The mean point of a municipality's postal codes, by 4-digit number or case-insensitive name."""
    found = municipality_points(session, [name_or_code]).get(name_or_code, ())
    return found[0].point if len(found) == 1 else None


def points_for(
    session: Session, *, postal_codes: Iterable[str], municipalities: Iterable[str]
) -> tuple[dict[str, PostalPoint], dict[str, tuple[MunicipalityPoint, ...]]]:
    """Batch lookup (one query each): postal code -> point, municipality name or number -> matches."""
    return postal_points(session, postal_codes), municipality_points(session, municipalities)


def postal_points(session: Session, postal_codes: Iterable[str]) -> dict[str, PostalPoint]:
    """The points of those postal codes that are known, keyed by code."""
    wanted = sorted({code for code in postal_codes if code})
    if not wanted:
        return {}
    statement = select(PostalCodeRow.postal_code, PostalCodeRow.place, PostalCodeRow.latitude, PostalCodeRow.longitude)
    rows = session.execute(statement.where(PostalCodeRow.postal_code.in_(wanted)))
    return {code: PostalPoint(code, place, (latitude, longitude)) for code, place, latitude, longitude in rows}


def municipality_points(session: Session, names_or_codes: Iterable[str]) -> dict[str, tuple[MunicipalityPoint, ...]]:
    """Each key's matching municipalities (more than one when a name is ambiguous); unmatched keys are left out."""
    keys = {key for key in names_or_codes if key and key.strip()}
    if not keys:
        return {}
    codes = {key.strip() for key in keys if MUNICIPALITY_CODE.match(key.strip())}
    statement = (
        select(
            PostalCodeRow.municipality_code,
            func.min(PostalCodeRow.municipality),
            func.avg(PostalCodeRow.latitude),
            func.avg(PostalCodeRow.longitude),
            func.count(),
        )
        .group_by(PostalCodeRow.municipality_code)
        .order_by(PostalCodeRow.municipality_code)
    )
    # Names are matched here rather than with SQL lower(), which ignores æøå under the C locale; asking for
    # names reads all ~360 municipalities, which is still one small query.
    if len(codes) == len(keys):
        statement = statement.where(PostalCodeRow.municipality_code.in_(sorted(codes)))
    municipalities = [
        MunicipalityPoint(code, name, (float(latitude), float(longitude)), postal_codes)
        for code, name, latitude, longitude, postal_codes in session.execute(statement)
    ]
    named = [(municipality, *_name_keys(municipality.name)) for municipality in municipalities]
    found = {key: _matching(key, named) for key in keys}
    return {key: matches for key, matches in found.items() if matches}


def _matching(key: str, named: list[tuple[MunicipalityPoint, str, str]]) -> tuple[MunicipalityPoint, ...]:
    if MUNICIPALITY_CODE.match(key.strip()):
        return tuple(municipality for municipality, _, _ in named if municipality.code == key.strip())
    full, base = _name_keys(key)
    exact = tuple(municipality for municipality, name, _ in named if name == full)
    # GeoNames disambiguates shared names ("Herøy (Nordland)"); a bare "Herøy" then matches all of them.
    return exact or tuple(municipality for municipality, _, name in named if name == base)


def _name_keys(name: str) -> tuple[str, str]:
    """The name to compare, with and without a parenthesised qualifier; case, hyphens and spaces ignored."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    without_qualifier = re.sub(r"\(.*?\)", " ", folded)
    return _joined_words(folded), _joined_words(without_qualifier)


def _joined_words(text: str) -> str:
    return " ".join(part for part in re.split(r"[\W_]+", text) if part)
