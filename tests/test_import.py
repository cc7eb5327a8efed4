"""Bulk import over HTTP: NDJSON in jobmatch's schema and NAV's feed ads; idempotent, bad lines reported."""

from __future__ import annotations

import html
import json
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from tests.conftest import SHARED_DATA
from tests.factories import posting_body

NAV_FEED = Path(__file__).parent / "fixtures" / "nav_feed.ndjson"
OSLO = ZoneInfo("Europe/Oslo")
NURSE_UUID = "6c1f2a8e-4b7d-4f0e-9a3c-2d5e8b1f7a40"
TEACHER_UUID = "9e4d7b21-0c3a-4e58-b6f1-7a2c9d0e3b85"
DEVELOPER_UUID = "4d6e8f0a-1b2c-4d3e-8f5a-6b7c8d9e0f1a"
CLEANER_UUID = "c5e8f0a2-3b4d-4e6f-8a9b-0c1d2e3f4a5b"
ESCO = "http://data.europa.eu/esco/occupation/"


def ndjson(*lines: dict[str, Any] | list[Any] | str) -> bytes:
    """One line per item: objects and arrays as JSON, strings as they are (for broken lines)."""
    return "".join(
        (line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n" for line in lines
    ).encode()


def import_ndjson(client: TestClient, body: bytes, *, fmt: str | None = None) -> dict[str, Any]:
    response = client.post(
        "/v1/postings/import",
        content=body,
        params={"format": fmt} if fmt else {},
        headers={"content-type": "application/x-ndjson"},
    )
    assert response.status_code == 200, response.text
    report: dict[str, Any] = response.json()
    return report


def postings_by_external_id(client: TestClient) -> dict[str, dict[str, Any]]:
    page = client.get("/v1/postings", params={"limit": 200}).json()
    assert page["next_cursor"] is None
    return {posting["external_id"]: posting for posting in page["items"]}


def updated_at_by_external_id(engine: Engine) -> dict[str, datetime]:
    with engine.connect() as connection:
        return {row.external_id: row.updated_at for row in connection.execute(
            text("SELECT external_id, updated_at FROM postings")
        )}


def when(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def five_postings() -> list[dict[str, Any]]:
    return [posting_body(f"ad-{index}", title=f"Sykepleier {index}") for index in range(1, 6)]


def test_a_clean_file_creates_every_posting(client: TestClient) -> None:
    report = import_ndjson(client, ndjson(*five_postings()))
    assert report == {
        "created": 5, "updated": 0, "unchanged": 0, "rejected": 0, "rejected_lines": [],
        "rejected_lines_truncated": False,
    }
    postings = postings_by_external_id(client)
    assert sorted(postings) == [f"ad-{index}" for index in range(1, 6)]
    assert postings["ad-3"]["title"] == "Sykepleier 3"
    assert postings["ad-3"]["description"] == "Vi søker sykepleiere til turnus.\n\n- Autorisasjon\n- Norsk"


def test_the_same_file_again_changes_nothing(client: TestClient, engine: Engine) -> None:
    body = ndjson(*five_postings())
    import_ndjson(client, body)
    before = updated_at_by_external_id(engine)

    report = import_ndjson(client, body)

    assert (report["created"], report["updated"], report["unchanged"], report["rejected"]) == (0, 0, 5, 0)
    assert updated_at_by_external_id(engine) == before


def test_one_changed_line_updates_one_posting(client: TestClient, engine: Engine) -> None:
    postings = five_postings()
    import_ndjson(client, ndjson(*postings))
    before = updated_at_by_external_id(engine)

    postings[1]["title"] = "Spesialsykepleier, intensiv"
    report = import_ndjson(client, ndjson(*postings))

    assert (report["created"], report["updated"], report["unchanged"], report["rejected"]) == (0, 1, 4, 0)
    after = updated_at_by_external_id(engine)
    assert after["ad-2"] > before["ad-2"]
    assert {key: value for key, value in after.items() if key != "ad-2"} == {
        key: value for key, value in before.items() if key != "ad-2"
    }
    assert postings_by_external_id(client)["ad-2"]["title"] == "Spesialsykepleier, intensiv"


def test_a_partly_broken_file_keeps_the_good_lines_and_names_each_problem(client: TestClient) -> None:
    body = ndjson(
        posting_body("ad-1", title="Kokk"),                                 # 1
        "",                                                                 # 2 blank
        '{"external_id": "ad-2", "title": "Servitør"',                     # 3 cut off
        posting_body("ad-3", title="Hjelpepleier"),                         # 4
        posting_body("ad-4", extent="sometimes"),                           # 5 not a known extent
        [posting_body("ad-5")],                                             # 6 an array, not an object
        "   \t",                                                            # 7 blank
        posting_body("ad-6", salary_range="høy"),                           # 8 unknown field
        {key: value for key, value in posting_body("ad-7").items() if key != "title"},  # 9 no title
        posting_body("ad-1", title="Kokk, à la carte"),                     # 10 ad-1 again: the later line wins
    ) + json.dumps(posting_body("ad-8", title="Oppvasker")).encode() + b"\r\n"  # 11 Windows line ending

    report = import_ndjson(client, body)

    assert (report["created"], report["updated"], report["unchanged"], report["rejected"]) == (3, 1, 0, 5)
    reasons = {rejection["line"]: rejection["reason"] for rejection in report["rejected_lines"]}
    assert sorted(reasons) == [3, 5, 6, 8, 9]
    assert "Invalid JSON" in reasons[3]
    assert reasons[5].startswith("extent:")
    assert "object" in reasons[6]
    assert "salary_range" in reasons[8]
    assert reasons[9] == "title: Field required"

    postings = postings_by_external_id(client)
    assert sorted(postings) == ["ad-1", "ad-3", "ad-8"]
    assert postings["ad-1"]["title"] == "Kokk, à la carte"
    assert postings["ad-8"]["title"] == "Oppvasker"


def nav_feed_lines() -> list[dict[str, Any]]:
    return [json.loads(line) for line in NAV_FEED.read_text(encoding="utf-8").splitlines()]


def test_nav_feed_ads_are_mapped_to_postings(client: TestClient) -> None:
    report = import_ndjson(client, NAV_FEED.read_bytes(), fmt="nav")

    assert (report["created"], report["updated"], report["unchanged"], report["rejected"]) == (9, 0, 0, 1)
    assert report["rejected_lines"] == [{"line": 7, "reason": "uuid is required"}]

    postings = postings_by_external_id(client)
    assert len(postings) == 9
    nurse = postings[NURSE_UUID]
    assert nurse["source"] == "nav"
    assert nurse["title"] == "Sykepleiere til Medisinsk avdeling, Haukeland universitetssjukehus"
    assert nurse["description"] == (
        "Medisinsk avdeling har ledige faste stillinger for sykepleiere.\n\n"
        "Arbeidsoppgaver:\n\n"
        "- Pasientbehandling i turnus\n"
        "- Veiledning av studenter & nyansatte\n\n"
        "Vi tilbyr lønn etter tariff og gode pensjonsordninger i KLP."
    )
    assert nurse["employer"] == {"name": "Helse Bergen HF", "orgnr": "983974724"}
    assert nurse["locations"] == [{
        "postal_code": "5021", "municipality": "Bergen", "municipality_code": None, "county": "Vestland",
        "country": "NO", "latitude": None, "longitude": None,
    }]
    assert nurse["occupations"] == [
        {"system": "JANZZ", "code": "369371", "label": "Sykepleier"},
        {"system": "STYRK08", "code": "2223", "label": "Sykepleiere"},
        {"system": "ESCO", "code": ESCO + "8d3e8aaa-791b-4c75-a465-f3f827028f50",
         "label": "sykepleier med ansvar for allmennsykepleie"},
    ]
    assert (nurse["extent"], nurse["engagement_type"], nurse["sector"]) == ("full_time", "permanent", "public")
    # NAV's times are Oslo wall-clock time without an offset: 10:15 in May is summer time, UTC+2.
    assert when(nurse["published_at"]) == datetime(2024, 5, 2, 10, 15, tzinfo=OSLO)
    assert when(nurse["published_at"]).astimezone(OSLO).utcoffset() == timedelta(hours=2)
    assert when(nurse["expires_at"]) == datetime(2024, 5, 27, tzinfo=OSLO)
    assert nurse["application_due"] == "2024-05-26"
    assert nurse["skills"] == nurse["work_hours"] == []

    teacher = postings[TEACHER_UUID]
    assert teacher["title"] == "Lektor i norsk – vikariat skoleåret 2024"
    assert teacher["description"] == (
        "Vi søker en engasjert lektor i norsk til et vikariat ut skoleåret.\n\n"
        "Kvalifikasjoner\n\n- Mastergrad i nordisk\n- PPU"
    )
    assert teacher["employer"] == {"name": "Oslo kommune, Utdanningsetaten", "orgnr": "974590174"}
    assert [(loc["postal_code"], loc["municipality"], loc["county"]) for loc in teacher["locations"]] == [
        ("0159", "Oslo", "Oslo"),
    ]
    assert [(occ["system"], occ["code"]) for occ in teacher["occupations"]] == [
        ("JANZZ", "416072"), ("STYRK08", "2330"), ("ESCO", ESCO + "5efb2c08-ba3a-4659-a2e4-1883f54e77b6"),
    ]
    assert (teacher["extent"], teacher["engagement_type"], teacher["sector"]) == ("full_time", "temporary", "public")
    # 09:00 in January is winter time, UTC+1.
    assert when(teacher["published_at"]) == datetime(2024, 1, 15, 9, 0, tzinfo=OSLO)
    assert when(teacher["published_at"]).astimezone(OSLO).utcoffset() == timedelta(hours=1)
    assert teacher["application_due"] == "Snarest"

    developer = postings[DEVELOPER_UUID]
    assert [(loc["postal_code"], loc["municipality"]) for loc in developer["locations"]] == [
        ("0154", "Oslo"), ("5003", "Bergen"),
    ]
    engagement = {posting["title"]: posting["engagement_type"] for posting in postings.values()}
    assert engagement["Sesongarbeidere til fiskemottak – torskesesongen 2024"] == "seasonal"
    assert engagement["Rådgiver – klima og miljø (engasjement)"] == "temporary"
    assert postings[CLEANER_UUID]["extent"] == "part_time"
    assert postings[CLEANER_UUID]["status"] == "inactive"
    assert postings[CLEANER_UUID]["employer"]["name"] == "Rent & Pent Stavanger AS"


def test_nav_status_is_kept_and_the_raw_ad_stored(client: TestClient, engine: Engine) -> None:
    import_ndjson(client, NAV_FEED.read_bytes(), fmt="nav")
    lines = nav_feed_lines()
    ads = {line.get("ad_content", line).get("uuid"): line.get("ad_content", line) for line in lines}

    with engine.connect() as connection:
        stored = {row.external_id: row for row in connection.execute(
            text("SELECT external_id, status, raw FROM postings WHERE source = 'nav'")
        )}

    assert {external_id: row.status for external_id, row in stored.items() if row.status != "active"} == {
        CLEANER_UUID: "inactive",
    }
    assert stored[NURSE_UUID].raw == ads[NURSE_UUID]
    assert stored[NURSE_UUID].raw["published"] == "2024-05-02T10:15:00"
    assert stored[NURSE_UUID].raw["contactList"][0]["title"] == "Seksjonsleder"
    # A whole feed entry keeps its ad_content, not the envelope around it.
    assert stored[CLEANER_UUID].raw == ads[CLEANER_UUID]
    assert "ad_content" not in stored[CLEANER_UUID].raw


def test_an_inactive_feed_entry_deactivates_the_posting(client: TestClient) -> None:
    entry = next(line for line in nav_feed_lines() if line.get("status") == "INACTIVE")
    next_month = (datetime.now(OSLO) + timedelta(days=30)).replace(tzinfo=None, microsecond=0)
    entry["ad_content"]["expires"] = next_month.isoformat()

    assert import_ndjson(client, ndjson({**entry, "status": "ACTIVE"}), fmt="nav")["created"] == 1
    assert postings_by_external_id(client)[CLEANER_UUID]["status"] == "active"

    report = import_ndjson(client, ndjson(entry), fmt="nav")

    assert (report["created"], report["updated"], report["unchanged"]) == (0, 1, 0)
    assert postings_by_external_id(client)[CLEANER_UUID]["status"] == "inactive"
    inactive = client.get("/v1/postings", params={"status": "inactive"}).json()["items"]
    assert [posting["external_id"] for posting in inactive] == [CLEANER_UUID]


def test_nav_feed_imported_twice_is_unchanged(client: TestClient) -> None:
    import_ndjson(client, NAV_FEED.read_bytes(), fmt="nav")
    report = import_ndjson(client, NAV_FEED.read_bytes(), fmt="nav")
    assert (report["created"], report["updated"], report["unchanged"], report["rejected"]) == (0, 0, 9, 1)


def test_nav_county_names_keep_their_lower_case_words(client: TestClient) -> None:
    import_ndjson(client, NAV_FEED.read_bytes(), fmt="nav")
    adviser = next(p for p in postings_by_external_id(client).values() if p["title"].startswith("Rådgiver"))
    assert adviser["locations"][0]["county"] == "Møre og Romsdal"


def test_a_withdrawn_feed_ad_is_deactivated_and_can_come_back(client: TestClient) -> None:
    import_ndjson(client, NAV_FEED.read_bytes(), fmt="nav")
    ad = next(line for line in nav_feed_lines() if "ad_content" not in line and line.get("uuid"))
    withdrawn = import_ndjson(client, ndjson({"uuid": ad["uuid"], "status": "INACTIVE", "ad_content": None}), fmt="nav")
    assert (withdrawn["updated"], withdrawn["rejected"]) == (1, 0)
    assert postings_by_external_id(client)[ad["uuid"]]["status"] == "inactive"
    again = import_ndjson(client, ndjson({"uuid": ad["uuid"], "status": "INACTIVE", "ad_content": None}), fmt="nav")
    assert (again["updated"], again["unchanged"]) == (0, 1)
    republished = import_ndjson(client, ndjson(ad), fmt="nav")
    assert republished["updated"] == 1


def test_a_nul_character_rejects_its_line_and_keeps_the_rest(client: TestClient) -> None:
    good, bad = posting_body("good"), posting_body("bad", title="Sykepleier\u0000")
    report = import_ndjson(client, ndjson(good, bad) + json.dumps(posting_body("x", description="a\x00b")).encode() + b"\n")
    assert (report["created"], report["rejected"]) == (1, 2)
    assert all("NUL" in rejected["reason"] for rejected in report["rejected_lines"])
    assert client.post("/v1/postings", json=posting_body("nul", title="a\x00")).status_code == 422


ENGAGEMENT_TYPES = {"Fast": "permanent", "Vikariat": "temporary", "Engasjement": "temporary"}
EXTENTS = {"Heltid": "full_time", "Deltid": "part_time"}
SECTORS = {"Offentlig": "public", "Privat": "private"}


def shared_ads() -> list[dict[str, Any]]:
    path = SHARED_DATA / "nav-ads" / "ads.jsonl"
    if not path.is_file():
        pytest.skip(f"the shared NAV ads are not at {path} (set JOBMATCH_SHARED_DATA)")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def feed_uuid(ad: dict[str, Any]) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://jobmatch.no/test-ads/{ad['source']}/{ad['id']}"))


def to_feed_ad(ad: dict[str, Any]) -> dict[str, Any]:
    """An ad from the shared data file, dressed as NAV's feed would send it (`ad_content`)."""
    geography = (ad.get("geography") or "").split("/")
    county = ad.get("county") or (geography[1] if len(geography) > 1 else None)
    municipal = ad.get("municipality") or (geography[2] if len(geography) > 2 else ad["place"])
    category = [part.strip() for part in ad["category"].split("/")]
    paragraphs = [part.strip() for part in ad["text"].split("\n") if part.strip()]
    ad_uuid = feed_uuid(ad)
    return {
        "uuid": ad_uuid,
        "published": ad["published"],
        "expires": ad["expires"],
        "updated": ad["published"],
        "workLocations": [{
            "country": "NORGE", "address": None, "city": ad["place"].upper(), "postalCode": ad["postal_code"],
            "county": county.upper() if county else None, "municipal": municipal.upper(),
        }],
        "contactList": [],
        "title": ad["title"],
        "description": "".join(f"<p>{html.escape(paragraph)}</p>" for paragraph in paragraphs),
        "sourceurl": None,
        "source": ad["source"].split("-")[0].upper(),
        "applicationUrl": "",
        "applicationDue": "",
        "occupationCategories": [{"level1": category[0], "level2": category[-1]}],
        "categoryList": [],
        "jobtitle": ad.get("position_title") or "",
        "link": f"https://arbeidsplassen.nav.no/stillinger/stilling/{ad_uuid}",
        "employer": {"name": ad["employer"], "orgnr": None, "description": "", "homepage": ""},
        "engagementtype": ad["engagement_type"] or "",
        "extent": ad["extent"] or "",
        "starttime": "",
        "positioncount": "1",
        "sector": ad["sector"] or "",
    }


def test_real_ads_import_through_the_nav_format(client: TestClient) -> None:
    ads = shared_ads()
    assert len(ads) == 50

    report = import_ndjson(client, ndjson(*map(to_feed_ad, ads)), fmt="nav")

    assert (report["created"], report["rejected"]) == (50, 0), report["rejected_lines"]
    postings = postings_by_external_id(client)
    assert len(postings) == 50
    for ad in ads:
        posting = postings[feed_uuid(ad)]
        assert posting["title"] == ad["title"].strip()
        assert [location["postal_code"] for location in posting["locations"]] == [ad["postal_code"]]
        assert posting["employer"]["name"] == ad["employer"]
        assert posting["engagement_type"] == ENGAGEMENT_TYPES.get(ad["engagement_type"])
        assert posting["extent"] == EXTENTS.get(ad["extent"])
        assert posting["sector"] == SECTORS.get(ad["sector"])
        first_line = ad["text"].split("\n")[0].strip()
        assert posting["description"].startswith(" ".join(first_line.split()))
    assert sum(posting["engagement_type"] is not None for posting in postings.values()) == 44
    assert sum(posting["sector"] is not None for posting in postings.values()) == 47
