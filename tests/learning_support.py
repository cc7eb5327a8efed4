"""Shared steps for the feedback, placement, candidate and fairness tests: people, postings, and the served index."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jobmatch.embedding.sentence import load_embedder
from jobmatch.matching import service as matching
from jobmatch.search.holder import IndexHolder
from jobmatch.search.snapshot import IndexSnapshot
from jobmatch.search.sync import sync_changes
from jobmatch.seekers import service as seekers_service
from jobmatch.settings import Settings
from jobmatch.stay_prior import service as stay_prior
from tests import auth
from tests.conftest import ClientAs
from tests.factories import posting_body, seeker_body

BERGEN_NURSE = {"system": "STYRK08", "code": "2223", "label": "Sykepleiere"}
DRIVER = {"system": "STYRK08", "code": "8332", "label": "Lastebil- og trailersjåfører"}
OSLO = {"postal_code": "0150", "municipality": "Oslo", "municipality_code": "0301", "county": "Oslo", "country": "NO"}


def post_posting(client: TestClient, external_id: str | None = None, **overrides: Any) -> int:
    response = client.post("/v1/postings", json=posting_body(external_id or f"ad-{uuid.uuid4()}", **overrides))
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def new_seeker(client_as: ClientAs, subject: str | None = None, **overrides: Any) -> tuple[str, TestClient]:
    """A seeker who created their own profile, and a client carrying their token."""
    own = client_as(auth.seeker_headers(subject or f"seeker-{uuid.uuid4()}"))
    response = own.post("/v1/seekers", json=seeker_body(**overrides))
    assert response.status_code == 201, response.text
    return str(response.json()["id"]), own


def assign(client: TestClient, seeker_id: str, unit: str = auth.UNIT) -> None:
    response = client.put(f"/v1/admin/seekers/{seeker_id}/assignment", json={"unit": unit})
    assert response.status_code == 200, response.text


def place(client: TestClient, seeker_id: str, posting_id: int, *, stayed: bool | None, months: int = 12,
          start: date | None = None) -> dict[str, Any]:
    """A placement (by the admin service) with one follow-up after `months`: still there, or left for a new job."""
    started = start or date.today() - timedelta(days=400)
    placed = client.post("/v1/placements", json={"seeker_id": seeker_id, "posting_id": posting_id, "start_date": started.isoformat()})
    assert placed.status_code == 201, placed.text
    placement: dict[str, Any] = placed.json()
    if stayed is None:
        return placement
    answer = {"month": months, "employed": stayed, **({} if stayed else {"reason": "new_job"})}
    followed = client.post(f"/v1/placements/{placement['id']}/follow-ups", json=answer)
    assert followed.status_code == 201, followed.text
    result: dict[str, Any] = followed.json()
    return result


def refresh_prior(session_factory: Any, k: int = 5) -> dict[str, Any]:
    with session_factory.begin() as session:
        summary: dict[str, Any] = stay_prior.refresh(session, min_placements=k)
    return summary


def serving_snapshot(settings: Settings, session: Session) -> IndexSnapshot:
    """The current index version with every posting change applied, as the API serves it."""
    holder = IndexHolder.at(settings.data_dir, model_id=load_embedder(settings.embedding_model).model_id)
    holder.reload_if_changed()
    snapshot = holder.require()
    sync_changes(snapshot, session)
    return snapshot  # a holder of its own: the same version and changes the app serves


def ranked_ids(settings: Settings, session: Session, seeker_id: str) -> list[int]:
    """The seeker's whole ranked list, as the matching service ranks it for them (dismissals included)."""
    row = seekers_service.get(session, seeker_id=uuid.UUID(seeker_id))
    query = matching.build_query(session, embedder=load_embedder(settings.embedding_model),
                                 profile=seekers_service.to_profile(row), seeker_id=row.id)
    page = matching.matches(session, serving_snapshot(settings, session), query, cursor=None, limit=100, language="no",
                            seeker_id=row.id)
    return [item.posting_id for item in page.items]


def explanation(settings: Settings, session: Session, seeker_id: str, posting_id: int) -> dict[str, Any]:
    row = seekers_service.get(session, seeker_id=uuid.UUID(seeker_id))
    query = matching.build_query(session, embedder=load_embedder(settings.embedding_model),
                                 profile=seekers_service.to_profile(row), seeker_id=row.id)
    explained = matching.explain(session, serving_snapshot(settings, session), query, seeker_id=row.id, posting_id=posting_id)
    return explained.model_dump(mode="json")
