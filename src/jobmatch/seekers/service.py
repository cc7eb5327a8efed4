"""Seeker logic: profiles in, profiles out, with a hash that tells when the profile changed."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from sqlalchemy.orm import Session

from jobmatch.db.tables import SeekerRow
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


def create(session: Session, *, profile: SeekerIn) -> SeekerRow:
    return repository.add(session, profile_values(profile))


def get(session: Session, *, seeker_id: uuid.UUID) -> SeekerRow:
    row = repository.get(session, seeker_id)
    if row is None:
        raise NotFound(f"no seeker with id {seeker_id}")
    return row


def replace(session: Session, *, seeker_id: uuid.UUID, profile: SeekerIn) -> SeekerRow:
    row = get(session, seeker_id=seeker_id)
    return repository.update(session, row, profile_values(profile))


def patch(session: Session, *, seeker_id: uuid.UUID, changes: SeekerPatch) -> SeekerRow:
    """Replace the fields given; `stay_factors` merges factor by factor so one slider moves one factor."""
    row = get(session, seeker_id=seeker_id)
    current = to_profile(row)
    updates: dict[str, Any] = {name: getattr(changes, name) for name in changes.model_fields_set}
    if updates.get("stay_factors") is not None:
        updates["stay_factors"] = {**current.stay_factors, **updates["stay_factors"]}
    merged = SeekerIn.model_validate(current.model_dump() | {k: v for k, v in updates.items() if v is not None})
    return repository.update(session, row, profile_values(merged))


def delete(session: Session, *, seeker_id: uuid.UUID) -> None:
    if not repository.remove(session, seeker_id):
        raise NotFound(f"no seeker with id {seeker_id}")
