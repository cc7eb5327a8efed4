"""The exposure log: one row per item of a served match or candidate page, written with the page."""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from enum import StrEnum

from sqlalchemy import insert
from sqlalchemy.orm import Session

from jobmatch.db.tables import ExposureRow


class ListKind(StrEnum):
    MATCHES = "matches"
    """A seeker's match list: the row's seeker is the one the postings were shown to."""
    CANDIDATES = "candidates"
    """A posting's candidate list: the row's seeker is the one shown."""


def discounted(rank: int) -> float:
    """Position-discounted exposure: 1 at rank 1, 0.63 at rank 2, 0.5 at rank 3, ... (as in DCG)."""
    return 1.0 / math.log2(1 + rank)


def record(session: Session, *, list_kind: ListKind, index_version: str, shown: Sequence[tuple[uuid.UUID, int, int]]) -> None:
    """Log the (seeker id, posting id, rank) items of one served page."""
    if not shown:
        return
    rows = [
        {"index_version": index_version, "list_kind": list_kind.value, "seeker_id": seeker_id, "posting_id": posting_id,
         "rank": rank, "exposure": discounted(rank)}
        for seeker_id, posting_id, rank in shown
    ]
    session.execute(insert(ExposureRow), rows)
