"""Index versions on disk: an incremental reindex writes only what changed, and serves what a full rebuild would."""

from __future__ import annotations

import json
import shutil
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from jobmatch.db.tables import PostingRow
from jobmatch.index import persist
from jobmatch.search import corpus as corpus_module
from jobmatch.search.build import DELTA_ROWS_MIN
from jobmatch.search.reindex import rollback
from jobmatch.search.versions import FORMAT_WHOLE, MANIFEST_FILE, IndexStore
from jobmatch.settings import Settings
from tests.matching_support import settle
from tests.test_reindex import EMBEDDER, create_seeker, distinct_posting, import_postings, reindex


def served_matches(seeker_client: TestClient, seeker_id: str, version: str) -> list[tuple[int, float]]:
    settle()
    response = seeker_client.get(f"/v1/seekers/{seeker_id}/matches", params={"limit": 50})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["index_version"] == version
    return [(item["posting_id"], item["score"]) for item in body["items"]]


def test_a_delta_serves_exactly_what_the_same_version_compacted_serves_and_the_postings_of_a_full_rebuild(
    client: TestClient, seeker_client: TestClient, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    store = IndexStore(settings.index_dir)
    ids = [client.post("/v1/postings", json=distinct_posting(number)).json()["id"] for number in range(30)]
    seeker_id = create_seeker(seeker_client)
    first = reindex(session_factory, settings)
    changed = distinct_posting(3) | {"title": "Sykepleier til hjemmesykepleien, nattevakt"}
    assert client.put(f"/v1/postings/{ids[3]}", json=changed).status_code == 200
    assert client.delete(f"/v1/postings/{ids[4]}").status_code == 204
    with session_factory.begin() as session:
        session.execute(update(PostingRow).where(PostingRow.id == ids[5]).values(status="inactive"))
    assert client.post("/v1/postings", json=distinct_posting(30)).status_code == 201

    delta = reindex(session_factory, settings)
    from_delta = served_matches(seeker_client, seeker_id, delta["index_version"])
    assert rollback(store, model_id=EMBEDDER.model_id) == first["index_version"]
    compacted = reindex(session_factory, settings, compact=True)  # the same change, folded into one fresh base
    from_base = served_matches(seeker_client, seeker_id, compacted["index_version"])
    full = reindex(session_factory, settings, full=True)
    from_scratch = served_matches(seeker_client, seeker_id, full["index_version"])

    assert (delta["segment"], compacted["segment"], full["segment"]) == ("delta", "base", "base")
    assert delta["incremental_from"] == compacted["incremental_from"] == first["index_version"]
    assert from_delta == from_base
    assert delta["postings"] == full["postings"] == 29
    # A full rebuild also refits the lexical model's idf, so its scores differ slightly; the postings served are the same.
    assert {posting_id for posting_id, _ in from_delta} == {posting_id for posting_id, _ in from_scratch}
    assert {ids[4], ids[5]}.isdisjoint(posting_id for posting_id, _ in from_delta)


def test_versions_share_segments_and_pruning_old_ones_leaves_the_newest_whole(
    settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    store = IndexStore(settings.index_dir)
    ids = import_postings(session_factory, range(10))
    first = reindex(session_factory, settings)
    import_postings(session_factory, range(10, 12))
    second = reindex(session_factory, settings)
    with session_factory.begin() as session:
        session.execute(update(PostingRow).where(PostingRow.id == ids[0]).values(status="inactive"))
    third = reindex(session_factory, settings, keep=1)

    assert [first["segment"], second["segment"], third["segment"]] == ["base", "delta", "delta"]
    assert store.versions() == [third["index_version"]]
    segments = store.manifest(third["index_version"]).segments
    assert [segment["name"] for segment in segments] == [f"base-{first['index_version']}", f"delta-{second['index_version']}",
                                                         f"delta-{third['index_version']}"]
    snapshot = store.load(third["index_version"], model_id=EMBEDDER.model_id)
    assert snapshot.posting_count == 11
    assert ids[0] not in snapshot.corpus.row_of


def test_a_delta_writes_only_the_changed_rows_and_compaction_writes_a_fresh_base(
    settings: Settings, session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(corpus_module, "LEXICAL_GROWTH_LIMIT", 1e6)  # compaction, not a new lexical fit, at this small a base
    store = IndexStore(settings.index_dir)
    import_postings(session_factory, range(20))
    first = reindex(session_factory, settings)
    import_postings(session_factory, range(20, 23))
    delta = reindex(session_factory, settings)
    newest = store.manifest(delta["index_version"]).segments[-1]
    folder = store.folder(delta["index_version"])
    assert json.loads((folder / newest["name"] / "texts.json").read_text())["first_row"] == 20
    base_file = folder / f"base-{first['index_version']}" / "vectors.npy"
    assert base_file.stat().st_nlink == 2, "the base is shared with the first version, not copied"

    import_postings(session_factory, range(23, 23 + DELTA_ROWS_MIN))
    compacted = reindex(session_factory, settings)

    assert compacted["segment"] == "base"
    assert compacted["incremental_from"] == delta["index_version"]
    assert compacted["embeddings_computed"] == DELTA_ROWS_MIN
    assert [s["kind"] for s in store.manifest(compacted["index_version"]).segments] == ["base"]
    assert store.load(compacted["index_version"], model_id=EMBEDDER.model_id).posting_count == 23 + DELTA_ROWS_MIN


def test_a_version_in_the_single_folder_format_still_serves_and_the_next_reindex_writes_a_base(
    settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    store = IndexStore(settings.index_dir)
    import_postings(session_factory, range(10))
    version = reindex(session_factory, settings)["index_version"]
    folder = store.folder(version)
    manifest: dict[str, Any] = json.loads((folder / MANIFEST_FILE).read_text())
    (segment,) = manifest.pop("segments")
    for name in segment["files"]:  # the layout before segments: every file in the version folder, checksums in the manifest
        (folder / segment["name"] / name).rename(folder / name)
    shutil.rmtree(folder / segment["name"])
    manifest |= {"format": FORMAT_WHOLE, "checksums": {name: persist.checksum(folder / name) for name in segment["files"]}}
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest))

    assert store.load(version, model_id=EMBEDDER.model_id).posting_count == 10
    import_postings(session_factory, range(10, 12))
    after = reindex(session_factory, settings)

    assert (after["incremental_from"], after["segment"], after["postings"]) == (version, "base", 12)
