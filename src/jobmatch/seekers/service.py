"""Seeker logic: profiles in, profiles out, with a hash that tells when the profile changed."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from jobmatch import cursors, etags
from jobmatch.audit import service as audit
from jobmatch.audit.schemas import Action
from jobmatch.auth.principal import Principal
from jobmatch.db.tables import SeekerRow
from jobmatch.embedding import store as vector_store
from jobmatch.embedding.base import Embedder
from jobmatch.embedding.texts import scrub_personal_data, seeker_text, seeker_texts_stored
from jobmatch.errors import Conflict, InvalidRequest, NotFound
from jobmatch.privacy.pseudonyms import Pseudonyms
from jobmatch.seekers import repository
from jobmatch.seekers.schemas import (
    Assignment,
    AssignmentOut,
    Preferences,
    SeekerIn,
    SeekerListItem,
    SeekerListPage,
    SeekerOut,
    SeekerPatch,
)

# Activity is recorded at most this often per seeker, so reads do not each write.
ACTIVITY_GRANULARITY = timedelta(hours=1)


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


def stored_vector_keys(profile: SeekerIn) -> list[str]:
    """Every key a vector of this profile may be stored under (each text it was embedded as, each kind): what erasure
    deletes and export lists."""
    return [key for text in seeker_texts_stored(profile) for key in vector_store.content_keys(text)]


def forget_vectors(session: Session, *, profile: SeekerIn) -> None:
    """Erase every stored vector of this profile's text, for every model."""
    vector_store.delete(session, model_id=None, hashes=stored_vector_keys(profile))


def create(
    session: Session, *, profile: SeekerIn, embedder: Embedder, subject_ref: str | None = None, assigned_unit: str | None = None,
) -> SeekerRow:
    """A new profile, bound to the person `subject_ref` names (one profile per person)."""
    if subject_ref is not None and repository.get_by_subject(session, subject_ref) is not None:
        raise Conflict("this person has a profile already; change it with PUT or PATCH")
    try:
        with session.begin_nested():
            row = repository.add(session, {**profile_values(profile), "subject_ref": subject_ref, "assigned_unit": assigned_unit})
    except IntegrityError as exc:  # a concurrent create for the same person
        raise Conflict("this person has a profile already; change it with PUT or PATCH") from exc
    embed_profile(session, embedder=embedder, profile=profile)
    return row


def not_found(seeker_id: uuid.UUID) -> NotFound:
    """The one answer for an unknown seeker and for one the caller may not see: the two must not differ."""
    return NotFound(f"no seeker with id {seeker_id}")


def find(session: Session, *, seeker_id: uuid.UUID) -> SeekerRow | None:
    return repository.get(session, seeker_id)


def find_own(session: Session, *, subject_ref: str) -> SeekerRow | None:
    return repository.get_by_subject(session, subject_ref)


def get(session: Session, *, seeker_id: uuid.UUID) -> SeekerRow:
    row = repository.get(session, seeker_id)
    if row is None:
        raise not_found(seeker_id)
    return row


def touch(session: Session, row: SeekerRow, *, now: datetime | None = None) -> None:
    """The seeker used the service: push back retention (`jobmatch purge-inactive`)."""
    now = now or datetime.now(UTC)
    if now - row.last_active_at >= ACTIVITY_GRANULARITY:
        repository.touch(session, row.id, now=now)
        set_committed_value(row, "last_active_at", now)  # already written; not a change for the ORM to flush


def _update(session: Session, row: SeekerRow, profile: SeekerIn, embedder: Embedder) -> SeekerRow:
    values = profile_values(profile)
    if values["profile_hash"] != row.profile_hash:
        forget_vectors(session, profile=to_profile(row))
        embed_profile(session, embedder=embedder, profile=profile)
    return repository.update(session, row, {**values, "last_active_at": datetime.now(UTC)})


def lock(session: Session, *, seeker_id: uuid.UUID, if_match: str | None = None) -> SeekerRow:
    """The current row, locked until the transaction ends, so a concurrent write waits and then sees this one's result.

    With `if_match`, the row must still be the one the client read (412 otherwise).
    """
    row = repository.get_for_update(session, seeker_id)
    if row is None:
        raise not_found(seeker_id)
    etags.require_match(if_match, to_out(row))
    return row


def replace(
    session: Session, *, seeker_id: uuid.UUID, profile: SeekerIn, embedder: Embedder, if_match: str | None = None,
) -> SeekerRow:
    return _update(session, lock(session, seeker_id=seeker_id, if_match=if_match), profile, embedder)


def patch(
    session: Session, *, seeker_id: uuid.UUID, changes: SeekerPatch, embedder: Embedder, if_match: str | None = None,
) -> SeekerRow:
    """Replace the fields given; `stay_factors` merges factor by factor so one slider moves one factor.

    The merge starts from the locked row, so two PATCHes to different fields both land.
    """
    row = lock(session, seeker_id=seeker_id, if_match=if_match)
    current = to_profile(row)
    updates: dict[str, Any] = {name: getattr(changes, name) for name in changes.model_fields_set}
    if updates.get("stay_factors") is not None:
        updates["stay_factors"] = {**current.stay_factors, **updates["stay_factors"]}
    merged = SeekerIn.model_validate(current.model_dump() | {k: v for k, v in updates.items() if v is not None})
    return _update(session, row, merged, embedder)


def delete(session: Session, *, seeker_id: uuid.UUID) -> None:
    """Erase the seeker: the profile row, the rows that reference it (ON DELETE CASCADE) and every vector of it.

    Candidate search's seeker side drops the seeker when this commits (`candidates.upkeep.watch` sees the deleted row).
    Audit records stay: they only ever name the seeker by a keyed pseudonym.
    """
    row = get(session, seeker_id=seeker_id)
    forget_vectors(session, profile=to_profile(row))
    repository.remove(session, row)


def preferences(row: SeekerRow) -> Preferences:
    return Preferences(findable=row.findable, caseworker_access=row.caseworker_access)


def set_preferences(session: Session, row: SeekerRow, *, preferences: Preferences) -> SeekerRow:
    values = {"findable": preferences.findable, "caseworker_access": preferences.caseworker_access,
              "last_active_at": datetime.now(UTC)}
    return repository.update(session, row, values)


def assignment(row: SeekerRow) -> AssignmentOut:
    return AssignmentOut(seeker_id=row.id, unit=row.assigned_unit, caseworker=row.assigned_caseworker, protected=row.protected)


def assign(session: Session, *, seeker_id: uuid.UUID, assignment: Assignment) -> SeekerRow:
    row = get(session, seeker_id=seeker_id)
    values = {"assigned_unit": assignment.unit, "assigned_caseworker": assignment.caseworker, "protected": assignment.protected}
    return repository.update(session, row, values)


HEADLINE_OCCUPATIONS, HEADLINE_WORDS = 3, 8
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def headline(row: SeekerRow) -> str:
    """Wished occupations, or the summary's first words: enough to tell seekers apart in a list."""
    names = [str(wished.get("label") or wished.get("code")) for wished in row.wishes.get("occupations") or []]
    parts, limit = (names, HEADLINE_OCCUPATIONS) if names else (scrub_personal_data(row.summary).split(), HEADLINE_WORDS)
    text = (", " if names else " ").join(parts[:limit])
    return f"{text} …" if len(parts) > limit else text


def encode_list_cursor(row: SeekerRow) -> str:
    # The id breaks ties: profiles created in one transaction share `created_at`.
    return cursors.encode_bound("s", (row.created_at - _EPOCH) // timedelta(microseconds=1), binding=row.id.hex)


def decode_list_cursor(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    decoded = cursors.decode_bound("s", cursor)
    if decoded is None:
        return None
    position, binding = decoded
    try:
        return _EPOCH + timedelta(microseconds=position), uuid.UUID(hex=binding)
    except ValueError as exc:
        raise InvalidRequest(f"cursor {cursor!r} is not one this API handed out") from exc


def readable_list(
    session: Session, *, principal: Principal, pseudonyms: Pseudonyms, purpose: str, cursor: str | None, limit: int,
    cef: bool = True,
) -> SeekerListPage:
    """The seekers this caseworker may read, newest profile first; each one listed is audited like a read."""
    rows = repository.readable_page(session, principal, before=decode_list_cursor(cursor), limit=limit + 1)
    shown = rows[:limit]
    for row in shown:
        audit.record(session, principal, seeker_ref=pseudonyms.seeker(row.id), action=Action.LIST_SEEKERS, purpose=purpose, cef=cef)
    items = [SeekerListItem(id=row.id, headline=headline(row), updated_at=row.updated_at) for row in shown]
    return SeekerListPage(items=items, next_cursor=encode_list_cursor(shown[-1]) if len(rows) > limit else None)
