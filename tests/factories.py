"""Plain functions that build request bodies."""

from __future__ import annotations

from typing import Any


def posting_body(external_id: str = "ad-1", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "source": "test",
        "external_id": external_id,
        "title": "Sykepleier til medisinsk avdeling",
        "description": "<p>Vi søker <b>sykepleiere</b> til turnus.</p><ul><li>Autorisasjon</li><li>Norsk</li></ul>",
        "employer": {"name": "Bergen kommune", "orgnr": "964338531"},
        "locations": [{"postal_code": "5003", "municipality": "Bergen", "municipality_code": "4601",
                       "county": "Vestland", "country": "NO"}],
        "occupations": [{"system": "STYRK08", "code": "2223", "label": "Sykepleiere"}],
        "skills": ["sykepleie", "medikamenthåndtering"],
        "extent": "full_time",
        "workload_percent": 100,
        "engagement_type": "permanent",
        "sector": "public",
        "remote": "onsite",
        "work_hours": ["day", "evening", "weekend"],
        "salary": "Lønnstrinn 45–52",
        "expires_at": "2099-01-01T00:00:00Z",
    }
    body.update(overrides)
    return body


def seeker_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "summary": "Jeg er utdannet sykepleier og vil jobbe nær hjemmet i Bergen.",
        "experience": [{"title": "Sykepleier", "description": "Medisinsk avdeling", "years": 4}],
        "education": ["Bachelor i sykepleie"],
        "skills": [{"name": "sykepleie", "level": 5, "wants_to_use": True}],
        "wishes": {
            "occupations": [{"system": "STYRK08", "code": "2223", "label": "Sykepleiere"}],
            "locations": [{"postal_code": "5003", "max_distance_km": 30}],
            "extent": "full_time",
            "engagement_types": ["permanent"],
        },
        "not_for_me": {"employers": ["Bemanningsbyrået AS"], "keywords": ["nattevakt"]},
        "stay_factors": {"commute": "high", "permanent": "must", "work_hours": "medium"},
    }
    body.update(overrides)
    return body
