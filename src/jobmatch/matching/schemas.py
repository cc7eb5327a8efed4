"""Pydantic I/O for matches and explanations."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field


class MatchItem(BaseModel):
    posting_id: int
    title: str
    employer: str | None
    score: float
    rank: int
    summary_reasons: list[str]


class MatchPage(BaseModel):
    items: list[MatchItem]
    index_version: str = Field(description="The index version that produced this list.")
    total: int = Field(description="How many postings passed the seeker's constraints.")
    next_cursor: str | None


class Words(BaseModel):
    no: str
    en: str


class ComponentOut(BaseModel):
    name: str
    kind: str = Field(description="fit, stay or prior")
    raw: float | None = Field(description="The measured value; null when unknown or not applicable.")
    weight: float
    importance: str | None = Field(description="The importance that set the weight, for stay factors.")
    contribution: float = Field(description="weight × raw; what this term adds to the score.")
    status: str
    why: Words


class RuleOut(BaseModel):
    code: str
    why: Words


class WishOut(BaseModel):
    wish: str
    why: Words


class Wishes(BaseModel):
    met: list[WishOut]
    unmet: list[WishOut]
    unknown: list[WishOut]


class SkillOut(BaseModel):
    skill: str
    level: int
    wants_to_use: bool
    passage: str | None = Field(description="Where in the ad the skill was found.")


class Explanation(BaseModel):
    seeker_id: uuid.UUID
    posting_id: int
    index_version: str
    outcome: str = Field(description="ranked, removed (a hard constraint or filter), or not_retrieved")
    rank: int | None
    score: float | None = Field(description="The total; null when a rule removed the posting.")
    formula: str
    components: list[ComponentOut]
    removed_by: list[RuleOut]
    wishes: Wishes
    matched_skills: list[SkillOut]
    unmatched_skills: list[SkillOut]
    matched_terms: list[str]
