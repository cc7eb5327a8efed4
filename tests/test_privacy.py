"""The seeker's rights, checked in the database: export, erasure everywhere, retention, and no identifiers in logs."""

from __future__ import annotations

import io
import logging
import uuid
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from jobmatch.cli import app as cli
from jobmatch.db.tables import Base
from jobmatch.embedding import store as vector_store
from jobmatch.embedding.texts import seeker_text
from jobmatch.logs import JsonFormatter, PersonalDataFilter
from jobmatch.privacy.export import seeker_rows
from jobmatch.seekers.schemas import SeekerIn
from tests import auth
from tests.conftest import ClientAs
from tests.factories import seeker_body

# Tables that hold no seeker data; any other table must reference `seekers.id` or be marked as a pseudonym column,
# so that export and erasure reach it.
NO_SEEKER_DATA = {"postings", "posting_deletions", "postal_codes", "embeddings", "stay_priors", "feed_positions"}


def rows(engine: Engine, sql: str, **params: Any) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        return [dict(row) for row in connection.execute(text(sql), params).mappings()]


def everything_as_text(engine: Engine) -> str:
    """Every row of every table, as text: to prove an id appears nowhere."""
    with engine.connect() as connection:
        tables = connection.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).all()
        return "\n".join(str(row) for table in tables for row in connection.execute(text(f'SELECT * FROM "{table}"')))  # noqa: S608


@pytest.fixture
def followed_seeker(client: TestClient, client_as: ClientAs) -> tuple[TestClient, dict[str, Any]]:
    """A seeker (subject `liv`) assigned to the test unit, whose profile a caseworker has read twice."""
    own = client_as(auth.seeker_headers("liv"))
    seeker = own.post("/v1/seekers", json=seeker_body()).json()
    assert client.put(f"/v1/admin/seekers/{seeker['id']}/assignment", json={"unit": auth.UNIT}).status_code == 200
    caseworker = client_as(auth.caseworker_headers("Z100001"))
    for _ in range(2):
        assert caseworker.get(f"/v1/seekers/{seeker['id']}").status_code == 200
    return own, seeker


def test_every_table_is_reached_by_export_and_erasure_or_holds_no_seeker_data() -> None:
    reached = set(seeker_rows(seeker_id=uuid.uuid4(), pseudonym="p"))
    assert reached >= {"seekers", "audit_log"}
    unclassified = {table.name for table in Base.metadata.sorted_tables} - reached - NO_SEEKER_DATA
    assert not unclassified, f"tables {unclassified}: reference seekers.id (ON DELETE CASCADE) or add them to NO_SEEKER_DATA"


def test_export_holds_everything_stored_about_the_seeker(
    followed_seeker: tuple[TestClient, dict[str, Any]], engine: Engine,
) -> None:
    own, seeker = followed_seeker
    response = own.get(f"/v1/seekers/{seeker['id']}/export")
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    export = response.json()
    assert export["seeker_id"] == seeker["id"]
    stored = rows(engine, "SELECT * FROM seekers WHERE id = :id", id=seeker["id"])[0]
    exported = export["tables"]["seekers"][0]
    assert set(exported) == set(stored)
    assert exported["summary"] == stored["summary"]
    assert exported["subject_ref"] == stored["subject_ref"]
    audit_ids = [row["id"] for row in rows(engine, "SELECT id FROM audit_log WHERE seeker_ref = :ref ORDER BY id",
                                           ref=export["tables"]["audit_log"][0]["seeker_ref"])]
    assert [row["id"] for row in export["tables"]["audit_log"]] == audit_ids
    assert len(audit_ids) == 3  # the assignment and two reads
    keys = vector_store.content_keys(seeker_text(SeekerIn.model_validate(seeker_body())))
    in_store = rows(engine, "SELECT model_id, content_hash FROM embeddings WHERE content_hash = ANY(:keys)", keys=keys)
    assert {(v["model_id"], v["content_hash"]) for v in export["vectors"]} == {(v["model_id"], v["content_hash"]) for v in in_store}
    assert in_store


def test_erasure_removes_the_seeker_everywhere_and_audit_keeps_only_a_pseudonym(
    followed_seeker: tuple[TestClient, dict[str, Any]], client_as: ClientAs, engine: Engine,
) -> None:
    own, seeker = followed_seeker
    old_keys = vector_store.content_keys(seeker_text(SeekerIn.model_validate(seeker_body())))
    assert rows(engine, "SELECT content_hash FROM embeddings WHERE content_hash = ANY(:keys)", keys=old_keys)
    audit_before = rows(engine, "SELECT id, seeker_ref FROM audit_log ORDER BY id")

    assert own.delete(f"/v1/seekers/{seeker['id']}").status_code == 204

    assert rows(engine, "SELECT id FROM seekers WHERE id = :id", id=seeker["id"]) == []
    assert rows(engine, "SELECT content_hash FROM embeddings WHERE content_hash = ANY(:keys)", keys=old_keys) == []
    assert rows(engine, "SELECT id, seeker_ref FROM audit_log ORDER BY id") == audit_before  # kept, pseudonymous
    assert seeker["id"] not in everything_as_text(engine)
    assert own.get("/v1/me").status_code == 404
    assert own.get(f"/v1/seekers/{seeker['id']}").status_code == 404
    caseworker = client_as(auth.caseworker_headers("Z100001"))
    assert caseworker.get(f"/v1/seekers/{seeker['id']}").status_code == 404
    assert own.post("/v1/seekers", json=seeker_body()).status_code == 201  # a fresh start is possible


def test_own_activity_postpones_retention_and_a_caseworkers_reads_do_not(
    followed_seeker: tuple[TestClient, dict[str, Any]], client_as: ClientAs, engine: Engine,
) -> None:
    own, seeker = followed_seeker
    with engine.begin() as connection:
        connection.execute(text("UPDATE seekers SET last_active_at = now() - interval '800 days'"))
    client_as(auth.caseworker_headers("Z100001")).get(f"/v1/seekers/{seeker['id']}")
    assert rows(engine, "SELECT last_active_at < now() - interval '799 days' AS old FROM seekers")[0]["old"] is True
    before = rows(engine, "SELECT updated_at FROM seekers")[0]["updated_at"]
    own.get(f"/v1/seekers/{seeker['id']}")
    after = rows(engine, "SELECT last_active_at > now() - interval '1 minute' AS fresh, updated_at FROM seekers")[0]
    assert after["fresh"] is True
    assert after["updated_at"] == before  # activity is not a change of the profile


def test_purge_inactive_erases_profiles_idle_past_retention(
    client_as: ClientAs, database_url: str, engine: Engine,
) -> None:
    idle = client_as(auth.seeker_headers("idle")).post("/v1/seekers", json=seeker_body(summary="Lenge siden sist.")).json()
    active = client_as(auth.seeker_headers("active")).post("/v1/seekers", json=seeker_body()).json()
    idle_keys = vector_store.content_keys(seeker_text(SeekerIn.model_validate(seeker_body(summary="Lenge siden sist."))))
    with engine.begin() as connection:
        connection.execute(text("UPDATE seekers SET last_active_at = now() - interval '400 days' WHERE id = :id"), {"id": idle["id"]})
    runner = CliRunner(env={"JOBMATCH_DATABASE_URL": database_url, "JOBMATCH_ENVIRONMENT": "test",
                            "JOBMATCH_SEEKER_RETENTION_DAYS": "365"})
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        dry = runner.invoke(cli, ["purge-inactive", "--dry-run"])
        assert dry.exit_code == 0, dry.output
        assert '{"would_purge": 1}' in dry.stdout
        assert len(rows(engine, "SELECT id FROM seekers")) == 2
        result = runner.invoke(cli, ["purge-inactive"])
        assert result.exit_code == 0, result.output
        assert '{"purged": 1}' in result.stdout
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    assert [row["id"] for row in rows(engine, "SELECT id::text FROM seekers")] == [active["id"]]
    assert rows(engine, "SELECT 1 FROM embeddings WHERE content_hash = ANY(:keys)", keys=idle_keys) == []


def test_logs_never_carry_identity_numbers_or_email_addresses() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(PersonalDataFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("jobmatch.test.scrub")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("seeker %s wrote from %s", "123456 78901", "kari@example.no")
        try:
            raise ValueError("bad input 01017012345 from ola.nordmann@nav.no")
        except ValueError:
            logger.exception("failed for 12345678901")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    for leaked in ("78901", "kari@example.no", "01017012345", "ola.nordmann@nav.no", "12345678901"):
        assert leaked not in output
    assert "seeker [fnr] wrote from [e-post]" in output
    assert "failed for [fnr]" in output
    assert "ValueError: bad input [fnr] from [e-post]" in output


def test_export_and_erasure_reach_tables_that_reference_the_seeker_directly_or_through_another(
    followed_seeker: tuple[TestClient, dict[str, Any]], engine: Engine,
) -> None:
    own, seeker = followed_seeker
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO seeker_events (seeker_id, posting_id, kind) VALUES (:id, 7, 'saved')"), {"id": seeker["id"]})
        placement = connection.scalar(text(
            "INSERT INTO placements (seeker_id, posting_id, start_date, recorded_by) VALUES (:id, 7, '2026-01-05', 'Z1') RETURNING id"),
            {"id": seeker["id"]})
        connection.execute(text("INSERT INTO placement_follow_ups (placement_id, month, employed) VALUES (:p, 3, true)"), {"p": placement})
    tables = own.get(f"/v1/seekers/{seeker['id']}/export").json()["tables"]
    assert [row["kind"] for row in tables["seeker_events"]] == ["saved"]
    assert [row["id"] for row in tables["placements"]] == [placement]
    assert [(row["placement_id"], row["month"]) for row in tables["placement_follow_ups"]] == [(placement, 3)]

    assert own.delete(f"/v1/seekers/{seeker['id']}").status_code == 204
    for table in ("seeker_events", "placements", "placement_follow_ups"):
        assert rows(engine, f"SELECT * FROM {table}") == []  # noqa: S608


def test_erasure_and_export_reach_the_vector_an_earlier_version_stored_under_the_whole_summary(
    client_as: ClientAs, engine: Engine,
) -> None:
    """Today the text embedded for a seeker leaves out sentences about earlier work; vectors stored before that, under
    the whole summary, are personal data too: export lists them and erasure removes them."""
    own = client_as(auth.seeker_headers("arne"))
    body = seeker_body(summary="Jeg jobber i dag som lærer. Før det jobbet jeg ti år som kokk.")
    seeker = own.post("/v1/seekers", json=body).json()
    profile = SeekerIn.model_validate(body)
    assert seeker_text(profile) != seeker_text(profile, whole_summary=True)
    earlier = vector_store.content_keys(seeker_text(profile, whole_summary=True))
    with Session(engine) as session, session.begin():
        vector_store.put(session, model_id="earlier-model", keys=earlier, vectors=np.ones((len(earlier), 4), dtype=np.float32))

    exported = own.get(f"/v1/seekers/{seeker['id']}/export").json()
    assert set(earlier) <= {vector["content_hash"] for vector in exported["vectors"]}

    assert own.delete(f"/v1/seekers/{seeker['id']}").status_code == 204
    assert rows(engine, "SELECT content_hash FROM embeddings WHERE content_hash = ANY(:keys)", keys=earlier) == []
