"""Pydantic I/O for candidate lists."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field

from jobmatch.matching.schemas import ComponentOut


class CandidateItem(BaseModel):
    seeker_id: uuid.UUID
    rank: int
    score: float = Field(description="The seeker's own match score for the posting, without the stay prior.")
    summary_reasons: list[str]
    components: list[ComponentOut] = Field(description="Every term of the score; they add up to `score`.")


class CandidatePage(BaseModel):
    posting_id: int
    index_version: str
    considered: int = Field(description="Seekers you may see who let themselves be found.")
    total: int = Field(description="How many of the best-fitting of them pass their own constraints for this posting.")
    items: list[CandidateItem]
    next_cursor: str | None
