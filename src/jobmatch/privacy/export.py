"""Export everything stored about a seeker; tables are found by their keys, so a new table is exported with no change here."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Select, Table, select
from sqlalchemy.orm import Session

from jobmatch.db.tables import Base, EmbeddingRow, SeekerRow
from jobmatch.privacy.pseudonyms import Pseudonyms
from jobmatch.privacy.schemas import SeekerExport, StoredVector
from jobmatch.seekers.service import stored_vector_keys, to_profile

PSEUDONYM_KEY = "pseudonym"


def seeker_columns() -> Iterator[tuple[Table, Column[Any], str]]:
    """Every (table, column) naming a seeker directly: `seekers.id`, a foreign key to it, or a column marked as the pseudonym.

    The kind is "id" or "pseudonym". Erasure deletes the first kind (ON DELETE CASCADE) and keeps the second.
    """
    seekers_id = SeekerRow.__table__.c.id
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if column is seekers_id or any(key.column is seekers_id for key in column.foreign_keys):
                yield table, column, "id"
            elif column.info.get("seeker_key") == PSEUDONYM_KEY:
                yield table, column, PSEUDONYM_KEY


def seeker_rows(*, seeker_id: uuid.UUID, pseudonym: str) -> dict[str, list[Select[Any]]]:
    """For every table holding the seeker's data, the queries for their rows: by the keys above, and through foreign
    keys to rows found that way (e.g. a placement's follow-ups), so a new table is covered without a change here."""
    keys = {"id": seeker_id, PSEUDONYM_KEY: pseudonym}
    queries: dict[str, list[Select[Any]]] = {}
    for table, column, kind in seeker_columns():
        queries.setdefault(table.name, []).append(select(table).where(column == keys[kind]))
    for table in Base.metadata.sorted_tables:  # parents come before children: one pass reaches every depth
        if table.name in queries:
            continue
        for key in (key for constraint in table.foreign_key_constraints for key in constraint.elements):
            parent = key.column.table
            for parent_query in queries.get(parent.name, []):
                owned = parent_query.with_only_columns(key.column)
                queries.setdefault(table.name, []).append(select(table).where(key.parent.in_(owned)))
    return queries


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def export_seeker(session: Session, *, seeker: SeekerRow, pseudonyms: Pseudonyms) -> SeekerExport:
    tables: dict[str, list[dict[str, Any]]] = {}
    for name, queries in seeker_rows(seeker_id=seeker.id, pseudonym=pseudonyms.seeker(seeker.id)).items():
        for query in queries:
            rows = session.execute(query).mappings()
            tables.setdefault(name, []).extend({column: _plain(value) for column, value in row.items()} for row in rows)
    hashes = stored_vector_keys(to_profile(seeker))
    stored = session.scalars(select(EmbeddingRow).where(EmbeddingRow.content_hash.in_(hashes)))
    vectors = [
        StoredVector(model_id=row.model_id, content_hash=row.content_hash, dim=row.dim,
                     vector_base64=base64.b64encode(row.vector).decode("ascii"))
        for row in stored
    ]
    return SeekerExport(seeker_id=seeker.id, exported_at=datetime.now(UTC), tables=tables, vectors=vectors)
