"""Every weight in the formula: the seeker's importances, or these documented defaults.

score = Σ weight × raw over the components below. Fit components have raw values in [0, 1]
(semantic similarity in [-1, 1]); stay components have raw values in [-1, 1], where 1 means the posting
satisfies the factor fully, -1 means it goes against it, and an unknown posting attribute contributes 0.
"""

from __future__ import annotations

from typing import Final

from jobmatch.vocab import Importance, StayFactor

FIT_WEIGHTS: Final[dict[str, float]] = {
    "semantic": 1.0,  # cosine similarity of the seeker's and the posting's embeddings
    # character n-gram similarity of titles, occupations and skills (inflection-proof). 0.8 has the best worst case
    # on benchmarks/quality.py: fused vs the better single signal is +.061 nDCG@10 on ESCO-Norwegian, +.003 on ESCO-English,
    # -.003/-.004 MRR on MELO (statistically tied); 0.6 lost .015 on MELO, 1.0 lost ESCO-English.
    "lexical": 0.8,
    "skills": 0.4,  # share of the seeker's skills found in the posting, weighted by level and wish to use
    "occupation": 0.4,  # wished occupation codes: same STYRK-08 code 1, same minor group 0.5, sub-major 0.25
}

IMPORTANCE_WEIGHTS: Final[dict[Importance, float]] = {
    Importance.MUST: 0.3,  # also a hard constraint: a posting that violates it is never shown
    Importance.HIGH: 0.3,
    Importance.MEDIUM: 0.2,
    Importance.LOW: 0.1,
    Importance.NONE: 0.0,
}

DEFAULT_IMPORTANCE: Final[Importance] = Importance.NONE
"""A factor the seeker has not rated does not move the ranking."""

STAY_PRIOR_WEIGHT: Final[float] = 0.2
"""Weight of the learned stay prior, when there is one for the posting and the seeker has not turned it off."""

DEFAULT_MAX_DISTANCE_KM: Final[float] = 50.0
"""Commute limit for a wished location given without `max_distance_km`."""

SKILL_WANTS_TO_USE: Final[float] = 1.0
SKILL_DOES_NOT_WANT_TO_USE: Final[float] = 0.3
"""A skill the seeker has but would rather not use counts for less."""


def stay_weight(importance: Importance) -> float:
    return IMPORTANCE_WEIGHTS[importance]


def effective_importances(
    declared: dict[StayFactor, Importance],
    overrides: dict[StayFactor, Importance] | None = None,
) -> dict[StayFactor, Importance]:
    """The seeker's importances with a request's what-if overrides on top; unrated factors default to none."""
    merged = {factor: declared.get(factor, DEFAULT_IMPORTANCE) for factor in StayFactor}
    merged.update(overrides or {})
    return merged
