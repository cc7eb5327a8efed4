"""Posting logic: validation results to rows, content hashes, pagination."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

import psycopg
from pydantic import ValidationError
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from jobmatch import cursors, etags
from jobmatch.db.tables import PostingRow
from jobmatch.errors import Conflict, NotFound
from jobmatch.postings import repository
from jobmatch.postings.schemas import PostingIn, PostingOut, PostingPage
from jobmatch.postings.unreadable import unreadable_postings
from jobmatch.vocab import PostingStatus


def content_hash(posting: PostingIn) -> str:
    """A stable hash of everything a client can set: equal hashes mean nothing changed."""
    return _hash_of_dump(posting.model_dump(mode="json"))


def _hash_of_dump(data: dict[str, Any]) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def row_values(posting: PostingIn, *, raw: dict[str, Any] | None = None) -> dict[str, Any]:
    """Column values for a posting, including the denormalised filter columns."""
    data = posting.model_dump(mode="json")
    locations = data["locations"]
    return {
        **data,
        "municipality_codes": sorted({loc["municipality_code"] for loc in locations if loc.get("municipality_code")}),
        "municipality_names": sorted({loc["municipality"].casefold() for loc in locations if loc.get("municipality")}),
        "occupation_codes": sorted({occ["code"] for occ in data["occupations"]}),
        "published_at": posting.published_at,
        "expires_at": posting.expires_at,
        "content_hash": _hash_of_dump(data),
        "raw": raw,
    }


class Lifetime(Protocol):
    """What a posting's effective status is read from: a stored row, or just these two of its columns."""

    @property
    def status(self) -> str: ...

    @property
    def expires_at(self) -> datetime | None: ...


def effective_status(row: Lifetime, *, now: datetime) -> PostingStatus:
    if row.status == PostingStatus.INACTIVE.value or (row.expires_at is not None and row.expires_at <= now):
        return PostingStatus.INACTIVE
    return PostingStatus.ACTIVE


def to_out(row: PostingRow, *, now: datetime | None = None) -> PostingOut:
    out = PostingOut.model_validate(row, from_attributes=True)
    out.status = effective_status(row, now=now or datetime.now(UTC))
    return out


def readable(rows: Iterable[PostingRow], *, now: datetime | None = None) -> list[PostingOut]:
    """The rows as postings, skipping any that no longer validate (logged once per id, counted in `unreadable_postings`)."""
    now = now or datetime.now(UTC)
    postings = []
    for row in rows:
        try:
            postings.append(to_out(row, now=now))
        except (ValidationError, ValueError, TypeError, OverflowError) as error:
            unreadable_postings.skip(row.id, row.updated_at, f"{type(error).__name__}: {str(error).splitlines()[0]}")
    return postings


def skip_unloadable(session: Session) -> None:
    """Count and log the rows whose stored times the driver cannot load; queries then leave them out."""
    for posting_id, updated_at in repository.unloadable(session):
        unreadable_postings.skip(posting_id, updated_at, "a stored time lies outside the years Python can hold")


def create(session: Session, *, posting: PostingIn) -> PostingRow:
    if repository.get_by_key(session, source=posting.source, external_id=posting.external_id) is not None:
        raise Conflict(
            f"a posting from source {posting.source!r} with external_id {posting.external_id!r} exists already; "
            "PUT it by id or import it to update"
        )
    try:
        return repository.add(session, row_values(posting))
    except IntegrityError as exc:  # a concurrent create of the same key
        raise Conflict(f"posting {posting.source}/{posting.external_id} was created concurrently") from exc


def get(session: Session, *, posting_id: int, for_update: bool = False) -> PostingRow:
    """The row; one whose stored times cannot be loaded is reported like a missing one (DELETE or re-import cures it)."""
    try:
        with session.begin_nested():
            row = (repository.get_for_update if for_update else repository.get)(session, posting_id)
    except (DataError, psycopg.DataError) as exc:
        skip_unloadable(session)
        raise NotFound(f"posting {posting_id} cannot be read (a stored time is out of range); delete it or import it again") from exc
    if row is None:
        raise NotFound(f"no posting with id {posting_id}")
    return row


def replace(
    session: Session, *, posting_id: int, posting: PostingIn, if_match: str | None = None,
) -> tuple[PostingRow, bool]:
    """Replace a posting's content (with `if_match`, only if unchanged since that read); returns the row and whether it changed."""
    row = get(session, posting_id=posting_id, for_update=True)
    etags.require_match(if_match, to_out(row))
    clash = repository.get_by_key(session, source=posting.source, external_id=posting.external_id)
    if clash is not None and clash.id != posting_id:
        raise Conflict(f"posting {clash.id} already has source {posting.source!r} and external_id {posting.external_id!r}")
    values = row_values(posting, raw=row.raw)
    if values["content_hash"] == row.content_hash:
        return row, False
    return repository.update(session, row, values), True


def delete(session: Session, *, posting_id: int) -> None:
    if not repository.remove(session, posting_id):
        raise NotFound(f"no posting with id {posting_id}")


def encode_cursor(last_id: int) -> str:
    return cursors.encode("p", last_id)


def decode_cursor(cursor: str | None) -> int:
    return cursors.decode("p", cursor) or 0


def list_page(
    session: Session, *, cursor: str | None, limit: int, status: PostingStatus | None = None,
    municipality: str | None = None, occupation_code: str | None = None,
) -> PostingPage:
    now = datetime.now(UTC)
    after_id = decode_cursor(cursor)

    def fetch(*, loadable_only: bool) -> Sequence[PostingRow]:
        return repository.page(
            session, now=now, after_id=after_id, limit=limit + 1, status=status, municipality=municipality,
            occupation_code=occupation_code, loadable_only=loadable_only,
        )

    try:
        with session.begin_nested():
            rows = fetch(loadable_only=False)
    except (DataError, psycopg.DataError):
        skip_unloadable(session)
        rows = fetch(loadable_only=True)
    items = readable(rows[:limit], now=now)
    next_cursor = encode_cursor(rows[limit - 1].id) if len(rows) > limit else None
    return PostingPage(items=items, next_cursor=next_cursor)


def load_many(session: Session, posting_ids: list[int]) -> list[PostingOut]:
    """These postings, in id order; unknown ids are left out."""
    rows = repository.get_many(session, posting_ids)
    now = datetime.now(UTC)
    return [to_out(row, now=now) for row in rows]
