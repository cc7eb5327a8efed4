"""Feedback logic: record what the seeker did, make suggestions from contradicting dismissals, apply only what they accept."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from jobmatch import cursors
from jobmatch.db.tables import SeekerEventRow, SeekerRow, SuggestionRow
from jobmatch.embedding.base import Embedder
from jobmatch.embedding.texts import scrub_personal_data
from jobmatch.errors import Conflict, NotFound
from jobmatch.feedback import repository
from jobmatch.feedback.schemas import (
    DismissReason,
    EventIn,
    EventKind,
    EventOut,
    EventPage,
    EventRecorded,
    ProfileChange,
    SuggestionList,
    SuggestionOut,
    SuggestionStatus,
)
from jobmatch.feedback.suggestions import LEARNING_REASONS, applied, propose
from jobmatch.matching.schemas import Words
from jobmatch.postings import repository as postings_repository
from jobmatch.postings.service import load_many as load_postings
from jobmatch.seekers import service as seekers_service
from jobmatch.seekers.schemas import SeekerIn
from jobmatch.vocab import WorkHours


def _event_out(row: SeekerEventRow) -> EventOut:
    return EventOut(id=row.id, posting_id=row.posting_id, kind=EventKind(row.kind),
                    reason=DismissReason(row.reason) if row.reason else None, note=row.note, at=row.at)


def record(session: Session, *, seeker: SeekerRow, event: EventIn) -> EventRecorded:
    """Store the event; a dismissal with a reason that can teach something may create or strengthen a suggestion."""
    if postings_repository.get(session, event.posting_id) is None:
        raise NotFound(f"no posting with id {event.posting_id}")
    row = repository.add_event(session, {
        "seeker_id": seeker.id, "posting_id": event.posting_id, "kind": event.kind.value,
        "reason": event.reason.value if event.reason else None,
        "note": scrub_personal_data(event.note.strip()) if event.note else None,
    })
    made = []
    if event.kind is EventKind.DISMISSED and event.reason is not None and event.reason in LEARNING_REASONS:
        suggestion = consider(session, seeker=seeker, reason=event.reason)
        if suggestion is not None:
            made.append(suggestion_out(suggestion, profile=seekers_service.to_profile(seeker)))
    return EventRecorded(**_event_out(row).model_dump(), suggestions=made)


def consider(session: Session, *, seeker: SeekerRow, reason: DismissReason) -> SuggestionRow | None:
    """The pending suggestion for this reason after the latest dismissals: created, refreshed, or none."""
    since = repository.last_decided_at(session, seeker_id=seeker.id, reason=reason)
    posting_ids = repository.dismissed_since(session, seeker_id=seeker.id, reason=reason, since=since)
    postings = load_postings(session, posting_ids) if reason in (DismissReason.WRONG_EXTENT, DismissReason.WRONG_HOURS) else []
    liked: set[WorkHours] = set()
    if reason is DismissReason.WRONG_HOURS:
        liked = {hours for posting in load_postings(session, repository.liked_posting_ids(session, seeker_id=seeker.id))
                 for hours in posting.work_hours}
    proposal = propose(reason, seekers_service.to_profile(seeker), dismissals=len(posting_ids), postings=postings, liked_hours=liked)
    if proposal is None:
        return None
    values = {"change": proposal.change.model_dump(mode="json", exclude_defaults=True), "evidence_posting_ids": posting_ids,
              "text_no": proposal.text_no, "text_en": proposal.text_en}
    current = repository.pending(session, seeker_id=seeker.id, reason=reason)
    if current is None:
        return repository.add_suggestion(session, {"seeker_id": seeker.id, "reason": reason.value, "status": "pending", **values})
    for key, value in values.items():
        setattr(current, key, value)
    session.flush()
    return current


def suggestion_out(row: SuggestionRow, *, profile: SeekerIn) -> SuggestionOut:
    change = ProfileChange.model_validate(row.change)
    status = SuggestionStatus(row.status)
    if status is SuggestionStatus.PENDING and applied(profile, change) is None:
        status = SuggestionStatus.OUTDATED  # the seeker changed the profile themself meanwhile
    return SuggestionOut(
        id=row.id, reason=DismissReason(row.reason), status=status, text=Words(no=row.text_no, en=row.text_en), change=change,
        dismissals=len(row.evidence_posting_ids), posting_ids=list(row.evidence_posting_ids), created_at=row.created_at,
        decided_at=row.decided_at,
    )


def list_suggestions(session: Session, *, seeker: SeekerRow) -> SuggestionList:
    profile = seekers_service.to_profile(seeker)
    return SuggestionList(items=[suggestion_out(row, profile=profile) for row in repository.suggestions(session, seeker_id=seeker.id)])


def _pending(session: Session, *, seeker: SeekerRow, suggestion_id: uuid.UUID) -> SuggestionRow:
    row = repository.suggestion(session, seeker_id=seeker.id, suggestion_id=suggestion_id)
    if row is None:
        raise NotFound(f"no suggestion with id {suggestion_id}")
    if row.status != SuggestionStatus.PENDING.value:
        raise Conflict(f"this suggestion was {row.status} already")
    return row


def accept(session: Session, *, seeker: SeekerRow, suggestion_id: uuid.UUID, embedder: Embedder) -> SuggestionOut:
    """Make the suggested change to the profile: the only way feedback changes what the seeker declared."""
    row = _pending(session, seeker=seeker, suggestion_id=suggestion_id)
    updated = applied(seekers_service.to_profile(seeker), ProfileChange.model_validate(row.change))
    if updated is None:
        raise Conflict("your profile already says this; the suggestion changes nothing")
    seekers_service.replace(session, seeker_id=seeker.id, profile=updated, embedder=embedder)
    return suggestion_out(repository.decide(session, row, status=SuggestionStatus.ACCEPTED), profile=updated)


def reject(session: Session, *, seeker: SeekerRow, suggestion_id: uuid.UUID) -> SuggestionOut:
    """Turn the suggestion down; the profile stays as it is, and the count of dismissals starts over."""
    row = _pending(session, seeker=seeker, suggestion_id=suggestion_id)
    return suggestion_out(repository.decide(session, row, status=SuggestionStatus.REJECTED), profile=seekers_service.to_profile(seeker))


def encode_cursor(before_id: int) -> str:
    return cursors.encode("e", before_id)


def decode_cursor(cursor: str | None) -> int | None:
    return cursors.decode("e", cursor, minimum=1)


def events(session: Session, *, seeker: SeekerRow, cursor: str | None, limit: int) -> EventPage:
    rows = repository.events_page(session, seeker_id=seeker.id, before_id=decode_cursor(cursor), limit=limit + 1)
    return EventPage(items=[_event_out(row) for row in rows[:limit]],
                     next_cursor=encode_cursor(rows[limit - 1].id) if len(rows) > limit else None)
