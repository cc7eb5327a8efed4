from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from jobmatch.embedding.sentence import load_embedder
from jobmatch.search.reindex import run_reindex
from jobmatch.search.versions import IndexStore
from jobmatch.settings import Settings
from tests.factories import posting_body, seeker_body


def test_smoke(
    client: TestClient, seeker_client: TestClient, settings: Settings, session_factory: sessionmaker[Session],
) -> None:
    for i in range(5):
        assert client.post("/v1/postings", json=posting_body(f"a{i}")).status_code == 201
    seeker = seeker_client.post("/v1/seekers", json=seeker_body()).json()
    r = seeker_client.get(f"/v1/seekers/{seeker['id']}/matches")
    assert r.status_code == 503, r.text
    print(run_reindex(session_factory, embedder=load_embedder("hashing"), index_store=IndexStore(settings.index_dir)))
    r = seeker_client.get(f"/v1/seekers/{seeker['id']}/matches")
    print(r.json())
    assert r.status_code == 200
    pid = r.json()["items"][0]["posting_id"] if r.json()["items"] else 1
    e = seeker_client.get(f"/v1/seekers/{seeker['id']}/matches/{pid}/explanation")
    print(e.json())
    assert e.status_code == 200
