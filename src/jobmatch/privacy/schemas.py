"""Pydantic I/O for the seeker's own data: export and preferences."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class StoredVector(BaseModel):
    model_id: str
    content_hash: str
    dim: int
    vector_base64: str = Field(description="float32, little-endian.")


class SeekerExport(BaseModel):
    """Everything jobmatch stores about one seeker, table by table."""

    seeker_id: uuid.UUID
    exported_at: datetime
    tables: dict[str, list[dict[str, Any]]] = Field(
        description="Rows of every table that holds the seeker's data, by table name; `audit_log` is the access log.",
    )
    vectors: list[StoredVector] = Field(description="The vectors computed from the profile text.")
