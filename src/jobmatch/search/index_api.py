"""`GET /index` (admin): the index version this process serves, the versions kept, and the last reindex."""

from __future__ import annotations

import logging
from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from jobmatch.auth.rules import Rule, access
from jobmatch.deps import IndexDep
from jobmatch.search.reindex import last_run
from jobmatch.search.versions import VersionError

logger = logging.getLogger(__name__)

router = APIRouter(tags=["operations"])


class ReindexRun(BaseModel):
    """The summary the last successful `jobmatch reindex` printed (and kept beside the versions)."""

    model_config = ConfigDict(extra="allow")

    index_version: str
    previous_version: str | None
    finished_at: datetime
    seconds: float = Field(description="Wall time of the whole run.")
    full: bool = Field(description="Whether every posting was re-embedded (`--full`).")
    model_id: str
    dim: int
    index_kind: str
    pruned_versions: list[str]
    postings: int = Field(description="Active postings in the version built.")
    embeddings_reused: int = Field(description="Vectors taken from the store because the text and model were unchanged.")
    embeddings_computed: int = Field(description="Vectors computed by the model in this run.")
    expired_deactivated: int = Field(description="Postings past their expiry date marked inactive by this run.")
    seconds_reading: float
    seconds_encoding: float
    seconds_indexing: float
    seconds_verifying: float


class IndexStatus(BaseModel):
    version: str | None = Field(description="The version this process serves; null until the first reindex.")
    current_version: str | None = Field(
        description="The version named current on the index storage; a process switches to it on its next request."
    )
    built_at: datetime | None
    model_id: str = Field(description="The embedding model this process embeds queries with.")
    dim: int | None
    index_kind: str | None = Field(description="`flat` (exact) or `hnsw` (approximate).")
    posting_count: int = Field(description="Postings searchable in the served version now, changes since the build included.")
    built_posting_count: int | None = Field(description="Postings the served version held when it was built (its manifest).")
    pending_vectors: int = Field(description="Postings changed since the build that are found by their terms but still wait for a vector.")
    versions: list[str] = Field(description="Complete versions kept on the index storage, oldest first (rollback targets).")
    last_run: ReindexRun | None


@router.get("/index", response_model=IndexStatus, **access(Rule.ADMIN))
def index_status(index: IndexDep) -> IndexStatus:
    """The served index version and the last reindex; 200 even before the first index exists (then `version` is null)."""
    index.reload_if_changed()
    snapshot = index.snapshot
    store = index.index_store
    manifest = None
    if snapshot is not None:
        try:
            manifest = store.manifest(snapshot.version)
        except VersionError:  # pruned from storage while this process still serves it from memory
            manifest = None
    summary = last_run(store)
    run = None
    if summary is not None:
        try:
            run = ReindexRun.model_validate(summary)
        except ValidationError as error:
            logger.warning("last reindex summary is not readable: %s", error)
    return IndexStatus(
        version=snapshot.version if snapshot else None,
        current_version=store.current(),
        built_at=snapshot.built_at if snapshot else None,
        model_id=index.model_id,
        dim=snapshot.dim if snapshot else None,
        index_kind=manifest.index_kind if manifest else None,
        posting_count=snapshot.posting_count if snapshot else 0,
        built_posting_count=manifest.count if manifest else None,
        pending_vectors=len(snapshot.corpus.waiting_for_vectors()) if snapshot else 0,
        versions=store.versions(),
        last_run=run,
    )
