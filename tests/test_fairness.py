"""Audit attributes and the fairness report: exposure per group on a constructed case, and attributes that never move a score."""

from __future__ import annotations

import json
import math
import uuid
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from jobmatch.cli import app as cli
from jobmatch.settings import Settings
from tests import auth
from tests.conftest import ClientAs
from tests.factories import seeker_body
from tests.learning_support import new_seeker, post_posting
from tests.matching_support import build_index, load_geography

SOURCES = Path(__file__).resolve().parents[1] / "src" / "jobmatch"


def put_attributes(client: TestClient, seeker_id: str, **attributes: Any) -> None:
    response = client.put(f"/v1/seekers/{seeker_id}/audit-attributes", json=attributes)
    assert response.status_code == 200, response.text


def expose(engine: Engine, rows: list[tuple[str, str, int]], version: str = "v1") -> None:
    """(list kind, seeker id, rank) rows, as served pages would have logged them."""
    with engine.begin() as connection:
        for kind, seeker_id, rank in rows:
            connection.execute(text(
                "INSERT INTO exposures (index_version, list_kind, seeker_id, posting_id, rank, exposure) "
                "VALUES (:version, :kind, :seeker, 1, :rank, :exposure)"),
                {"version": version, "kind": kind, "seeker": seeker_id, "rank": rank, "exposure": 1 / math.log2(1 + rank)})


def groups(report: dict[str, Any], kind: str, dimension: str) -> dict[str, Any]:
    found = next(d for d in report["versions"][0][kind]["dimensions"] if d["dimension"] == dimension)
    return found


def test_exposure_per_group_with_impact_ratios_on_a_constructed_case(
    client: TestClient, client_as: ClientAs, engine: Engine, database_url: str,
) -> None:
    women = [new_seeker(client_as)[0] for _ in range(6)]
    men = [new_seeker(client_as)[0] for _ in range(5)]
    (other,) = [new_seeker(client_as)[0]]
    for seeker_id in women:
        put_attributes(client, seeker_id, gender="female", age_band="25_34")
    for seeker_id in men:
        put_attributes(client, seeker_id, gender="male", age_band="50_plus", follow_up_group="standard")
    put_attributes(client, other, gender="other")
    hidden = women[5]  # the sixth woman does not let herself be found, and was never shown
    with engine.begin() as connection:
        connection.execute(text("UPDATE seekers SET findable = false WHERE id = :id"), {"id": hidden})
    # Candidate lists: each of five women once at rank 1 (exposure 1); three men at rank 3 (0.5 each); nobody else.
    expose(engine, [("candidates", seeker_id, 1) for seeker_id in women[:5]] + [("candidates", seeker_id, 3) for seeker_id in men[:3]])
    # Match lists: every man saw one posting at rank 1; one woman saw one at rank 2.
    expose(engine, [("matches", seeker_id, 1) for seeker_id in men] + [("matches", women[0], 2)])
    expose(engine, [("candidates", men[0], 1)], version="v2")

    report = client.get("/v1/reports/fairness", params={"index_version": "v1"}).json()
    assert report["min_group_size"] == 5
    assert [v["index_version"] for v in report["versions"]] == ["v1"]
    gender = groups(report, "candidates", "gender")
    by_group = {g["group"]: g for g in gender["groups"]}
    assert set(by_group) == {"female", "male"}
    assert gender["suppressed_groups"] == 1
    assert (by_group["female"]["members"], by_group["female"]["exposure"], by_group["female"]["mean_exposure"]) == (5, 5.0, 1.0)
    assert (by_group["male"]["members"], by_group["male"]["exposure"], by_group["male"]["mean_exposure"]) == (5, 1.5, 0.3)
    assert (by_group["female"]["impact_ratio"], by_group["male"]["impact_ratio"]) == (1.0, 0.3)
    assert report["versions"][0]["candidates"]["items_served"] == 8
    follow_up = groups(report, "candidates", "follow_up_group")
    assert [g["group"] for g in follow_up["groups"]] == ["standard"]
    assert follow_up["suppressed_groups"] == 0

    matches = {g["group"]: g for g in groups(report, "matches", "gender")["groups"]}
    assert matches["female"]["members"] == 6  # for match lists every woman counts, findable or not
    assert matches["female"]["mean_exposure"] == round(1 / math.log2(3) / 6, 6)
    assert (matches["male"]["mean_exposure"], matches["male"]["impact_ratio"]) == (1.0, 1.0)
    assert matches["female"]["impact_ratio"] == round(matches["female"]["mean_exposure"], 6)

    everything = client.get("/v1/reports/fairness").json()
    assert [v["index_version"] for v in everything["versions"]] == ["v1", "v2"]
    result = CliRunner(env={"JOBMATCH_DATABASE_URL": database_url, "JOBMATCH_ENVIRONMENT": "test"}).invoke(
        cli, ["fairness-report", "--index-version", "v1"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed["versions"] == report["versions"]
    assert client_as(auth.caseworker_headers()).get("/v1/reports/fairness").status_code == 403


def test_audit_attributes_are_stored_apart_and_admin_only(client: TestClient, client_as: ClientAs, engine: Engine) -> None:
    seeker_id, own = new_seeker(client_as)
    put_attributes(client, seeker_id, gender="female", age_band="under_25", follow_up_group="situational")
    put_attributes(client, seeker_id, gender="female", age_band="25_34")
    with engine.connect() as connection:
        row = connection.execute(text("SELECT * FROM seeker_audit_attributes WHERE seeker_id = :id"), {"id": seeker_id}).mappings().one()
    assert (row["gender"], row["age_band"], row["follow_up_group"]) == ("female", "25_34", None)
    assert "gender" not in own.get(f"/v1/seekers/{seeker_id}").json()
    assert own.put(f"/v1/seekers/{seeker_id}/audit-attributes", json={"gender": "male"}).status_code == 403
    assert client.put(f"/v1/seekers/{uuid.uuid4()}/audit-attributes", json={"gender": "male"}).status_code == 404
    assert client.put(f"/v1/seekers/{seeker_id}/audit-attributes", json={"gender": "unknown"}).status_code == 422
    assert own.delete(f"/v1/seekers/{seeker_id}").status_code == 204  # erasure takes them along
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM seeker_audit_attributes")) == 0


def test_changing_audit_attributes_changes_no_score(
    client: TestClient, client_as: ClientAs, settings: Settings, session_factory: sessionmaker[Session],
) -> None:
    load_geography(session_factory)
    posting_id = post_posting(client, "nurse")
    post_posting(client, "nurse-2", title="Sykepleier, hjemmetjenesten")
    build_index(settings, session_factory)
    caseworker = client_as(auth.caseworker_headers())
    created = [caseworker.post("/v1/seekers", json=seeker_body(person=f"p-{n}")).json()["id"] for n in range(3)]

    def scores() -> tuple[Any, ...]:
        matches = [(s, [(i["posting_id"], i["score"], i["rank"]) for i in caseworker.get(f"/v1/seekers/{s}/matches").json()["items"]])
                   for s in created]
        explained = [caseworker.get(f"/v1/seekers/{s}/matches/{posting_id}/explanation").json()["components"] for s in created]
        candidates = [(i["seeker_id"], i["score"], i["rank"], i["components"])
                      for i in caseworker.get(f"/v1/postings/{posting_id}/candidates").json()["items"]]
        return matches, explained, candidates

    before = scores()
    assert before[2], "the candidate list must not be empty for this test to mean anything"
    for n, seeker_id in enumerate(created):
        put_attributes(client, seeker_id, gender=["female", "male", "other"][n], age_band="50_plus", follow_up_group="permanently_adapted")
    assert scores() == before
    for n, seeker_id in enumerate(created):
        put_attributes(client, seeker_id, gender=["male", "other", "female"][n], age_band="under_25", follow_up_group="standard")
    assert scores() == before


@pytest.mark.parametrize("package", ["matching", "candidates", "stay_prior", "feedback", "search", "embedding"])
def test_the_ranking_code_never_reads_audit_attributes(package: str) -> None:
    for source in (SOURCES / package).rglob("*.py"):
        code = source.read_text(encoding="utf-8")
        for name in ("AuditAttributesRow", "seeker_audit_attributes", "fairness.repository", "fairness.schemas"):
            assert name not in code, f"{source} mentions {name}: audit attributes must never reach the ranking"
