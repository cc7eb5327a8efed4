"""Map an ad from NAV's public job feed (pam-stilling-feed `ad_content`) to a posting."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from jobmatch.postings.schemas import PostingIn
from jobmatch.storable import without_nul
from jobmatch.vocab import EngagementType, Extent, OccupationSystem, PostingStatus, Remote, Sector, WorkHours

NAV_SOURCE = "nav"
OSLO = ZoneInfo("Europe/Oslo")

ENGAGEMENT_TYPES = {
    "fast": EngagementType.PERMANENT,
    "vikariat": EngagementType.TEMPORARY,
    "engasjement": EngagementType.TEMPORARY,
    "prosjekt": EngagementType.TEMPORARY,
    "åremål": EngagementType.TEMPORARY,
    "sesong": EngagementType.SEASONAL,
    "sommerjobb": EngagementType.SEASONAL,
    "trainee": EngagementType.TRAINEE,
    "lærling": EngagementType.TRAINEE,
    "selvstendig næringsdrivende": EngagementType.SELF_EMPLOYED,
    "annet": EngagementType.OTHER,
}
EXTENTS = {"heltid": Extent.FULL_TIME, "deltid": Extent.PART_TIME}
SECTORS = {"offentlig": Sector.PUBLIC, "privat": Sector.PRIVATE}
REMOTE = {
    "hjemmekontor ikke mulig": Remote.ONSITE,
    "delvis hjemmekontor": Remote.HYBRID,
    "hybridkontor": Remote.HYBRID,
    "kun hjemmekontor": Remote.REMOTE,
    "hjemmekontor": Remote.REMOTE,
}
WORK_HOURS = {
    "dagtid": WorkHours.DAY,
    "kveld": WorkHours.EVENING,
    "natt": WorkHours.NIGHT,
    "lørdag": WorkHours.WEEKEND,
    "søndag": WorkHours.WEEKEND,
    "helg": WorkHours.WEEKEND,
    "turnus": WorkHours.SHIFT,
    "skift": WorkHours.SHIFT,
    "vakt": WorkHours.SHIFT,
}
CATEGORY_SYSTEMS = {"STYRK08": OccupationSystem.STYRK08, "ESCO": OccupationSystem.ESCO, "JANZZ": OccupationSystem.JANZZ}
COUNTRIES = {"norge": "NO", "norway": "NO", "sverige": "SE", "danmark": "DK"}
_PERCENT = re.compile(r"(\d{1,3})\s*%")


@dataclass(frozen=True)
class Withdrawn:
    """A feed entry for an ad that was removed: the feed sends its uuid with `ad_content: null`."""

    source: str
    external_id: str


def from_nav(entry: dict[str, Any]) -> tuple[PostingIn, dict[str, Any]] | Withdrawn:
    """A posting and the raw ad kept beside it, or a withdrawal. Accepts the `ad_content` object or a whole feed entry."""
    without_nul(entry)
    if "ad_content" in entry and entry["ad_content"] is None:
        if not entry.get("uuid"):
            raise ValueError("a withdrawn ad (ad_content null) needs its uuid")
        return Withdrawn(NAV_SOURCE, str(entry["uuid"]))
    ad = _object(entry.get("ad_content", entry), "ad_content")
    if not ad.get("uuid"):
        raise ValueError("uuid is required")
    if not isinstance(ad["uuid"], str | int) or isinstance(ad["uuid"], bool):
        raise ValueError("uuid must be a string")
    employer = _object(ad.get("employer"), "employer")
    orgnr = re.sub(r"\D", "", str(employer.get("orgnr") or ""))
    status = str(entry.get("status") or ad.get("status") or "ACTIVE").upper()
    posting = PostingIn.model_validate({
        "source": NAV_SOURCE,
        "external_id": str(ad["uuid"]),
        "title": ad.get("title") or ad.get("jobtitle") or "",
        "description": ad.get("description") or "",
        "employer": {"name": employer["name"], "orgnr": orgnr if len(orgnr) == 9 else None} if employer.get("name") else None,
        "locations": [loc for loc in map(_location, _objects(ad.get("workLocations"), "workLocations")) if loc],
        "occupations": _occupations(_objects(ad.get("categoryList"), "categoryList")),
        "skills": [],
        "extent": _lookup(EXTENTS, ad.get("extent")),
        "workload_percent": _percent(ad.get("jobpercentage")),
        "engagement_type": _lookup(ENGAGEMENT_TYPES, ad.get("engagementtype")),
        "sector": _lookup(SECTORS, ad.get("sector")),
        "remote": _lookup(REMOTE, ad.get("remote")),
        "work_hours": _work_hours(ad.get("workhours"), ad.get("workday")),
        "salary": ad.get("salary") or None,
        "published_at": _when(ad.get("published")),
        "expires_at": _when(ad.get("expires")),
        "application_due": ad.get("applicationDue") or None,
        "status": PostingStatus.ACTIVE if status == "ACTIVE" else PostingStatus.INACTIVE,
    })
    return posting, ad


def _object(value: Any, name: str) -> dict[str, Any]:
    """A JSON object, or {} for a missing one; anything else is a line the feed should not have sent."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"{name} must be an object, not {_json_type(value)}")
    return value


def _objects(value: Any, name: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ValueError(f"{name} must be a list of objects")
    return value


def _json_type(value: Any) -> str:
    return {str: "a string", list: "a list", bool: "a boolean", int: "a number", float: "a number"}.get(type(value), "a value")


def _lookup(table: dict[str, Any], value: Any) -> Any:
    if isinstance(value, list):
        mapped = {table.get(str(item).strip().casefold()) for item in value} - {None}
        return mapped.pop() if len(mapped) == 1 else None
    return table.get(str(value).strip().casefold()) if value else None


def _work_hours(*values: Any) -> list[WorkHours]:
    names: list[str] = []
    for value in values:
        if isinstance(value, str):
            names.extend(re.split(r"[,/]", value.strip("[]").replace('"', "")))
        elif isinstance(value, list):
            names.extend(str(item) for item in value)
    return list(dict.fromkeys(hours for name in names if (hours := WORK_HOURS.get(name.strip().casefold()))))


def _percent(value: Any) -> int | None:
    match = _PERCENT.search(str(value or ""))
    percent = int(match.group(1)) if match else None
    return percent if percent is not None and 1 <= percent <= 100 else None


def _when(value: Any) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed.replace(tzinfo=OSLO) if parsed.tzinfo is None else parsed


def _location(raw: dict[str, Any]) -> dict[str, Any] | None:
    municipality = raw.get("municipal") or raw.get("city")
    country = str(raw.get("country") or "").strip()
    location = {
        "postal_code": raw.get("postalCode") if re.fullmatch(r"\d{4}", str(raw.get("postalCode") or "")) else None,
        "municipality": place_name(str(municipality)) if municipality else None,
        "municipality_code": raw.get("municipalCode") if re.fullmatch(r"\d{4}", str(raw.get("municipalCode") or "")) else None,
        "county": place_name(str(raw["county"])) if raw.get("county") else None,
        "country": COUNTRIES.get(country.casefold(), country or None),
    }
    return location if any(location.values()) else None


_SMALL_WORDS = frozenset({"og", "i", "på", "ved", "under"})


def place_name(name: str) -> str:
    """NAV writes places in capitals: "MØRE OG ROMSDAL" becomes "Møre og Romsdal", "BØ I TELEMARK" "Bø i Telemark"."""
    return re.sub(
        r"\w+",
        lambda m: m[0].lower() if m.start() and m[0].lower() in _SMALL_WORDS else m[0].capitalize(),
        name.strip(),
    )


def _occupations(categories: list[dict[str, Any]]) -> list[dict[str, Any]]:
    occupations = []
    for category in categories:
        system = CATEGORY_SYSTEMS.get(str(category.get("categoryType", "")).upper())
        if system is not None and category.get("code"):
            occupations.append({"system": system, "code": str(category["code"]), "label": category.get("name")})
    return occupations
