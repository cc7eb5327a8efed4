"""Seeker logic: profiles in, profiles out, with a hash that tells when the profile changed."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from sqlalchemy.orm import Session

from jobmatch.db.tables import SeekerRow
from jobmatch.embedding import store as vector_store
from jobmatch.embedding.base import Embedder
from jobmatch.embedding.texts import seeker_text
from jobmatch.errors import NotFound
from jobmatch.seekers import repository
from jobmatch.seekers.schemas import SeekerIn, SeekerOut, SeekerPatch


def profile_values(profile: SeekerIn) -> dict[str, Any]:
    data = profile.model_dump(mode="json")
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return {**data, "profile_hash": hashlib.sha256(canonical.encode()).hexdigest()}


def to_profile(row: SeekerRow) -> SeekerIn:
    return SeekerIn.model_validate(row, from_attributes=True)


def to_out(row: SeekerRow) -> SeekerOut:
    return SeekerOut.model_validate(row, from_attributes=True)


def embed_profile(session: Session, *, embedder: Embedder, profile: SeekerIn) -> None:
    """Compute the seeker's vector when the profile changes, so matching never waits for the model."""
    vector_store.embed(session, embedder=embedder, texts=[seeker_text(profile)], kind="query")


def forget_vectors(session: Session, *, profile: SeekerIn) -> None:
    """Erase every stored vector of this profile's text, for every model."""
    vector_store.delete(session, model_id=None, hashes=vector_store.content_keys(seeker_text(profile)))


def create(session: Session, *, profile: SeekerIn, embedder: Embedder) -> SeekerRow:
    row = repository.add(session, profile_values(profile))
    embed_profile(session, embedder=embedder, profile=profile)
    return row


def get(session: Session, *, seeker_id: uuid.UUID) -> SeekerRow:
    row = repository.get(session, seeker_id)
    if row is None:
        raise NotFound(f"no seeker with id {seeker_id}")
    return row


def _update(session: Session, row: SeekerRow, profile: SeekerIn, embedder: Embedder) -> SeekerRow:
    values = profile_values(profile)
    if values["profile_hash"] != row.profile_hash:
        forget_vectors(session, profile=to_profile(row))
        embed_profile(session, embedder=embedder, profile=profile)
    return repository.update(session, row, values)


def replace(session: Session, *, seeker_id: uuid.UUID, profile: SeekerIn, embedder: Embedder) -> SeekerRow:
    return _update(session, get(session, seeker_id=seeker_id), profile, embedder)


def patch(session: Session, *, seeker_id: uuid.UUID, changes: SeekerPatch, embedder: Embedder) -> SeekerRow:
    """Replace the fields given; `stay_factors` merges factor by factor so one slider moves one factor."""
    row = get(session, seeker_id=seeker_id)
    current = to_profile(row)
    updates: dict[str, Any] = {name: getattr(changes, name) for name in changes.model_fields_set}
    if updates.get("stay_factors") is not None:
        updates["stay_factors"] = {**current.stay_factors, **updates["stay_factors"]}
    merged = SeekerIn.model_validate(current.model_dump() | {k: v for k, v in updates.items() if v is not None})
    return _update(session, row, merged, embedder)


def delete(session: Session, *, seeker_id: uuid.UUID) -> None:
    """Erase the seeker: the profile row and every vector computed from it."""
    row = get(session, seeker_id=seeker_id)
    forget_vectors(session, profile=to_profile(row))
    repository.remove(session, seeker_id)
