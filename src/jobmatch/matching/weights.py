"""Every weight in the formula: the learned fit model, the seeker's importances, and documented defaults.

score = fit + stay + prior, every term weight × raw:
- fit is a logistic model of relevance: intercept + Σ weight × feature over calibrated features (semantic and lexical
  similarity as per-query z-scores, occupation closeness, the share of the seeker's skills in the ad, and the described
  occupation: the seeker's similarity to the typical ad of the posting's occupation, as a per-query z-score; and the share
  of the seeker's best-fitting postings that have the posting's occupation or minor group). Its weights
  are learned by `jobmatch relevance train` and shipped in `fit_model.json`; σ(fit) is the probability that the
  posting fits.
- each stay factor's raw value is in [-1, 1] (1 satisfied, -1 against, unknown contributes 0), weighted by the seeker's
  importance; the stay prior likewise. Stay terms re-order the postings that fit; they never lift one that does not fit
  above one that does (see `jobmatch.matching.ranking`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

from jobmatch.vocab import Importance, StayFactor

FIT_FEATURES: Final[tuple[str, ...]] = ("semantic", "lexical", "occupation", "skills", "described_occupation", "described_group",
                                         "closest_occupation", "closest_group")
CLOSEST_FEATURES: Final[tuple[str, ...]] = ("semantic", "lexical", "occupation", "described_occupation", "described_group")
"""The fit features that pick a seeker's best-fitting postings for `jobmatch.matching.closest` (the seeker's words and
wishes; skills are left out, so that every seeker's feedback is computed from what tuning keeps of them)."""


@dataclass(frozen=True)
class ClosestSettings:
    """How the feedback of `jobmatch.matching.closest` is found: the `pool` postings closest in meaning and the `pool`
    that share most words, scored by `weights` over CLOSEST_FEATURES; the best `top` of them share one vote,
    softmax(logit / `temperature`)."""

    weights: dict[str, float]
    pool: int = 64
    top: int = 5
    temperature: float = 0.5

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ClosestSettings:
        return cls(weights={k: float(data["weights"].get(k, 0.0)) for k in CLOSEST_FEATURES}, pool=int(data["pool"]),
                   top=int(data["top"]), temperature=float(data["temperature"]))

    def to_json(self) -> dict[str, Any]:
        return {"weights": self.weights, "pool": self.pool, "top": self.top, "temperature": self.temperature}


@dataclass(frozen=True)
class FitModel:
    """Logistic fit model: logit = intercept + Σ weights[f] × feature f; postings below `floor` do not fit."""

    intercept: float
    weights: dict[str, float]
    floor: float
    """Logit below which a posting is not in the match list (unless it has a wished occupation)."""
    strong: float
    """Logit from which a posting without a conflicting occupation code counts as a strong fit."""
    z_clip: tuple[float, float] = (-3.0, 6.0)
    trained_on: dict[str, Any] = field(default_factory=dict)
    closest: ClosestSettings | None = None
    """How the closest-postings features are found (None: they are not used)."""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FitModel:
        return cls(
            intercept=float(data["intercept"]), weights={k: float(data["weights"].get(k, 0.0)) for k in FIT_FEATURES},
            floor=float(data["floor"]), strong=float(data["strong"]), z_clip=_pair(data.get("z_clip", (-3.0, 6.0))),
            trained_on=dict(data.get("trained_on", {})),
            closest=ClosestSettings.from_json(data["closest"]) if data.get("closest") else None,
        )

    def to_json(self) -> dict[str, Any]:
        return {"intercept": self.intercept, "weights": self.weights, "floor": self.floor, "strong": self.strong,
                "z_clip": list(self.z_clip), "closest": self.closest.to_json() if self.closest else None, "trained_on": self.trained_on}


def _pair(values: Any) -> tuple[float, float]:
    low, high = values
    return float(low), float(high)


@lru_cache(maxsize=4)
def fit_model(path: str | None = None) -> FitModel:
    """The shipped fit model, or one written by `jobmatch relevance train` at `path`."""
    text = Path(path).read_text() if path else resources.files("jobmatch.matching").joinpath("fit_model.json").read_text()
    return FitModel.from_json(json.loads(text))


IMPORTANCE_WEIGHTS: Final[dict[Importance, float]] = {
    Importance.MUST: 0.6,  # also a hard constraint: a posting that violates it is never shown
    Importance.HIGH: 0.6,
    Importance.MEDIUM: 0.4,
    Importance.LOW: 0.2,
    Importance.NONE: 0.0,
}

DEFAULT_IMPORTANCE: Final[Importance] = Importance.NONE
"""A factor the seeker has not rated does not move the ranking."""

STAY_PRIOR_WEIGHT: Final[float] = 0.4
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
