"""What the seeker side holds of one seeker: the inputs of their own rules, who may find them, their vector and terms."""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from jobmatch.db.tables import SeekerRow
from jobmatch.embedding import store as vector_store
from jobmatch.embedding.base import Embedder
from jobmatch.embedding.texts import seeker_text
from jobmatch.geo.service import GeoResolver
from jobmatch.matching.fit import SkillStems, skill_stems
from jobmatch.matching.rules import Exclusion, exclusions
from jobmatch.matching.service import wherever_with
from jobmatch.matching.stay import WishPoint, wish_bits
from jobmatch.matching.weights import effective_importances
from jobmatch.search.documents import seeker_terms
from jobmatch.seekers.service import to_profile
from jobmatch.vocab import Importance, StayFactor


def state_key(row: SeekerRow) -> str:
    """Everything the side reads from a seeker row: equal keys need no re-read."""
    return (f"{row.profile_hash}:{int(row.findable)}{int(row.caseworker_access)}{int(row.protected)}:"
            f"{row.assigned_unit or ''}:{row.assigned_caseworker or ''}")


def searchable(row: SeekerRow) -> bool:
    """Only seekers who let themselves be found and let caseworkers read them are ever candidates."""
    return bool(row.findable and row.caseworker_access)


@dataclass(frozen=True)
class SeekerFacts:
    seeker_id: uuid.UUID
    key: str
    protected: bool
    unit: str | None
    caseworker: str | None
    vector: npt.NDArray[np.float32]
    terms: str
    has_text: bool
    importances: tuple[Importance, ...]
    """One per `StayFactor`, in its order."""
    wish_bits: dict[StayFactor, int]
    min_salary: float
    """NaN: no minimum."""
    stated: bool
    """Whether the seeker named any place (resolved or not): the commute rule applies."""
    points: tuple[WishPoint, ...]
    occupations: tuple[str, ...]
    """Wished occupations as `system:code`."""
    skills: SkillStems
    exclusions: tuple[Exclusion, ...]


def facts_for(session: Session, rows: Sequence[SeekerRow], *, embedder: Embedder) -> list[SeekerFacts]:
    """The facts of these (searchable) seekers: one geography lookup and one vector lookup for all of them."""
    profiles = [to_profile(row) for row in rows]
    if not profiles:
        return []
    resolver = GeoResolver.load(session, wishes=[wish for profile in profiles for wish in profile.wishes.locations])
    vectors = vector_store.embed(session, embedder=embedder, texts=[seeker_text(profile) for profile in profiles], kind="query")
    found = []
    for row, profile, vector in zip(rows, profiles, vectors, strict=True):
        where = wherever_with(resolver, profile)
        importances = effective_importances(profile.stay_factors)
        wanted = profile.wishes.min_salary_nok
        found.append(SeekerFacts(
            seeker_id=row.id, key=state_key(row), protected=row.protected, unit=row.assigned_unit, caseworker=row.assigned_caseworker,
            vector=np.asarray(vector, dtype=np.float32), terms=seeker_terms(profile), has_text=bool(seeker_text(profile).strip()),
            importances=tuple(importances[factor] for factor in StayFactor), wish_bits=wish_bits(profile),
            min_salary=math.nan if wanted is None else float(wanted), stated=where.stated, points=where.points,
            occupations=tuple(f"{o.system.value}:{o.code.strip()}" for o in profile.wishes.occupations),
            skills=skill_stems(profile.skills), exclusions=tuple(exclusion for exclusion, _ in exclusions(profile)),
        ))
    return found
