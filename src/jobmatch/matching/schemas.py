"""Pydantic I/O for matches and explanations."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, Field


class Words(BaseModel):
    no: str
    en: str


class MatchItem(BaseModel):
    posting_id: int
    title: str
    employer: str | None
    place: str | None = Field(description="Where the job is (its first location's place name).")
    score: float
    rank: int
    fit: Literal["strong", "possible", "below_floor"] = Field(
        description="strong: a wished or neighbouring occupation, or a clear fit; possible: passes the fit floor; "
        "below_floor: offered only in `below_floor`, not a match."
    )
    fit_probability: float = Field(description="σ(fit): the calibrated probability that the posting fits the seeker.")
    summary_reasons: list[str]


class Relaxation(BaseModel):
    """What one `must` rule removes from the seeker's field, and what relaxing it would add back."""

    rule: str = Field(description="The rule's code, e.g. `must.commute`.")
    factor: str
    removed: int = Field(description="Postings of the seeker's field this rule removes.")
    adds: int = Field(description="Postings of the field that only this rule removes: relaxing it adds them to the list.")
    relax_with: str = Field(description="The what-if query that relaxes it, e.g. `importance=commute:high`.")
    within_km: float | None = Field(default=None, description="Commute only: twice the seeker's limit.")
    adds_within: int | None = Field(default=None, description="Commute only: how many of `adds` lie within `within_km`.")
    why: Words


class WhyShort(BaseModel):
    """Why the list is short or empty: the seeker's field, and what each `must` takes from it."""

    nothing_fits: bool = Field(description="True when no posting passes the constraints and the fit floor.")
    field_total: int = Field(description="Active postings in the seeker's field (wished or neighbouring occupations).")
    relaxations: list[Relaxation]
    why: Words


class MatchPage(BaseModel):
    items: list[MatchItem]
    index_version: str = Field(description="The index version that produced this list.")
    total: int = Field(description="How many postings pass the seeker's constraints and the fit floor.")
    next_cursor: str | None
    why_short: WhyShort | None = Field(
        default=None, description="Present when nothing fits, or when a `must` removes postings of the seeker's field."
    )
    below_floor: list[MatchItem] = Field(
        default=[], description="First page only: the closest postings below the fit floor, offered apart, not as matches."
    )


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
    outcome: str = Field(description="ranked; removed (a hard constraint or filter); or below_floor (it does not fit well enough)")
    rank: int | None
    score: float | None = Field(description="The total; null when a rule removed the posting.")
    formula: str
    components: list[ComponentOut]
    removed_by: list[RuleOut]
    wishes: Wishes
    matched_skills: list[SkillOut]
    unmatched_skills: list[SkillOut]
    matched_terms: list[str]
    fit: Literal["strong", "possible", "below_floor"] | None = Field(description="The posting's fit band; null when removed.")
    fit_probability: float = Field(description="σ(fit): the calibrated probability that the posting fits the seeker.")
