"""`/metrics` as Prometheus scrapes it: requests by route template, imports, refusals, audit, the index and the reindex."""

from __future__ import annotations

import json
import time

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from jobmatch.app import create_app
from jobmatch.cli import app as cli
from jobmatch.postings.repository import upsert_many
from jobmatch.postings.schemas import PostingIn
from jobmatch.postings.service import row_values
from jobmatch.search.reindex import reindex_lock
from jobmatch.search.versions import IndexStore
from jobmatch.settings import Settings
from tests.auth import UNIT, caseworker_headers, seeker_headers
from tests.conftest import ClientAs
from tests.factories import posting_body, seeker_body
from tests.metrics_support import sample, scrape, value

DURATION_COUNT = "jobmatch_http_request_duration_seconds_count"


def cli_reindex(settings: Settings) -> int:
    assert settings.database_url is not None
    env = {"JOBMATCH_DATABASE_URL": settings.database_url.get_secret_value(), "JOBMATCH_DATA_DIR": str(settings.data_dir),
           "JOBMATCH_EMBEDDING_MODEL": "hashing", "JOBMATCH_ENVIRONMENT": "test"}
    return CliRunner(env=env).invoke(cli, ["reindex"]).exit_code


def test_metrics_needs_no_token_and_counts_requests_by_route_template_and_status(client: TestClient) -> None:
    before = scrape(client)
    for posting_id in (101, 102, 103):
        assert client.get(f"/v1/postings/{posting_id}").status_code == 404
    assert client.get("/v1/no/such/path").status_code == 404  # under /v1: the web app (when built) answers the rest

    after = scrape(client)
    by_template = {"method": "GET", "route": "/v1/postings/{posting_id}", "status": "404"}
    assert value(after, DURATION_COUNT, **by_template) - value(before, DURATION_COUNT, **by_template) == 3
    unmatched = {"method": "GET", "route": "unmatched", "status": "404"}
    assert value(after, DURATION_COUNT, **unmatched) - value(before, DURATION_COUNT, **unmatched) == 1
    assert "/v1/postings/101" not in after
    assert sample(after, "jobmatch_http_request_duration_seconds_bucket", le="+Inf", **by_template) is not None


def test_imports_and_audit_writes_are_counted(client: TestClient, client_as: ClientAs) -> None:
    before = scrape(client)
    lines = "\n".join(json.dumps(posting_body(f"ad-{i}")) for i in range(3)) + "\n{not json\n"
    response = client.post("/v1/postings/import", content=lines, headers={"Content-Type": "application/x-ndjson"})
    assert response.status_code == 200, response.text
    seeker = client_as(seeker_headers("liv")).post("/v1/seekers", json=seeker_body()).json()
    assert client.put(f"/v1/admin/seekers/{seeker['id']}/assignment", json={"unit": UNIT}).status_code == 200
    assert client_as(caseworker_headers("Z100001")).get(f"/v1/seekers/{seeker['id']}").status_code == 200

    after = scrape(client)
    written = "jobmatch_postings_written_total"
    assert value(after, written, via="import", outcome="created") - value(before, written, via="import", outcome="created") == 3
    assert value(after, written, via="import", outcome="rejected") - value(before, written, via="import", outcome="rejected") == 1
    audits = "jobmatch_audit_records_total"
    assert value(after, audits, decision="permit") > value(before, audits, decision="permit")


def test_rate_limit_refusals_are_counted(settings: Settings, engine: Engine) -> None:
    limited = settings.model_copy(update={"rate_limit_per_minute": 1, "rate_limit_burst": 1})
    with TestClient(create_app(limited), headers=seeker_headers("eager")) as client:
        before = value(scrape(client), "jobmatch_rate_limited_total")
        statuses = [client.get("/v1/postings").status_code for _ in range(3)]
        assert statuses == [200, 429, 429]
        assert value(scrape(client), "jobmatch_rate_limited_total") - before == 2


def test_index_gauges_and_change_feed_lag_come_from_the_served_version(
    settings: Settings, client: TestClient, session_factory: sessionmaker[Session],
) -> None:
    assert value(scrape(client), "jobmatch_index_loaded") == 0
    for number in range(4):
        assert client.post("/v1/postings", json=posting_body(f"ad-{number}", title=f"Sykepleier {number}")).status_code == 201
    assert cli_reindex(settings) == 0
    quiet = settings.model_copy(update={"index_upkeep_seconds": 3600})  # no upkeep: the change below stays unread
    with TestClient(create_app(quiet), headers=client.headers) as server:
        exposition = scrape(server)
        assert value(exposition, "jobmatch_index_loaded") == 1
        assert value(exposition, "jobmatch_index_postings") == 4
        assert 0 <= value(exposition, "jobmatch_index_age_seconds") < 60
        assert value(exposition, "jobmatch_change_feed_lag_seconds") == 0
        current = IndexStore(settings.index_dir).current()
        assert sample(exposition, "jobmatch_index_info", version=str(current)) is not None

        with session_factory.begin() as session:  # another process's write: this one has not read it yet
            upsert_many(session, [row_values(PostingIn.model_validate(posting_body("ad-new", title="Tømrer")))])
        time.sleep(0.3)
        assert value(scrape(server), "jobmatch_change_feed_lag_seconds") >= 0.3


def test_the_last_reindex_shows_its_outcome_duration_and_last_success(settings: Settings, client: TestClient) -> None:
    assert client.post("/v1/postings", json=posting_body("ad-1")).status_code == 201
    started = time.time()
    assert cli_reindex(settings) == 0
    exposition = scrape(client)
    assert value(exposition, "jobmatch_reindex_last_outcome", outcome="ok") == 1
    assert value(exposition, "jobmatch_reindex_last_outcome", outcome="failed") == 0
    succeeded = value(exposition, "jobmatch_reindex_last_success_timestamp_seconds")
    assert started - 1 <= succeeded <= time.time() + 1
    assert value(exposition, "jobmatch_reindex_last_duration_seconds") > 0

    with reindex_lock(IndexStore(settings.index_dir)):
        assert cli_reindex(settings) == 75
    exposition = scrape(client)
    assert value(exposition, "jobmatch_reindex_last_outcome", outcome="locked") == 1
    assert value(exposition, "jobmatch_reindex_last_success_timestamp_seconds") == succeeded  # a refusal is no success
