"""The one formula: score = Σ weight × raw, each term kept so it can be explained."""

from __future__ import annotations

from dataclasses import dataclass, field

from jobmatch.matching.constraints import Rule
from jobmatch.matching.fit import SkillMatch
from jobmatch.matching.signals import Signal, Status
from jobmatch.matching.weights import FIT_WEIGHTS, STAY_PRIOR_WEIGHT, stay_weight
from jobmatch.vocab import Importance, StayFactor


@dataclass(frozen=True)
class Component:
    """One term of the score: its raw value, its weight, and what it adds."""

    name: str
    kind: str  # "fit", "stay" or "prior"
    raw: float | None
    weight: float
    importance: Importance | None
    signal: Signal

    @property
    def contribution(self) -> float:
        return 0.0 if self.raw is None else self.weight * self.raw


@dataclass(frozen=True)
class Features:
    """Everything measured about one posting for one seeker, before weighting."""

    posting_id: int
    title: str
    employer: str | None
    semantic: float | None
    lexical: float
    matched_terms: list[str]
    skills: list[SkillMatch]
    skills_signal: Signal
    occupation: Signal
    stay: dict[StayFactor, Signal]
    engagement: Signal
    stay_prior: Signal
    removed_by: list[Rule] = field(default_factory=list)
    terms_text: str = ""
    """The posting's lexical terms, kept to name the matched words for the items that are shown."""


@dataclass(frozen=True)
class Scored:
    features: Features
    components: list[Component]

    @property
    def posting_id(self) -> int:
        return self.features.posting_id

    @property
    def score(self) -> float:
        return round(sum(component.contribution for component in self.components), 6)


def _similarity_signal(name: str, raw: float | None, terms: list[str]) -> Signal:
    if raw is None:
        return Signal.unknown("Ingen vektor for annonsen ennå.", "No vector for this ad yet.")
    if name == "semantic":
        return Signal(
            raw,
            Status.MET if raw >= 0.5 else Status.PARTLY,
            f"Beskrivelsen din og annonsen ligner i mening ({raw:.2f}).",
            f"Your profile and the ad are similar in meaning ({raw:.2f}).",
        )
    shown = ", ".join(terms[:5]) or "ingen"
    return Signal(
        raw,
        Status.MET if raw >= 0.3 else Status.PARTLY,
        f"Ord som går igjen i annonsen: {shown} ({raw:.2f}).",
        f"Words shared with the ad: {', '.join(terms[:5]) or 'none'} ({raw:.2f}).",
    )


def score(features: Features, importances: dict[StayFactor, Importance]) -> Scored:
    components = [
        Component(
            "semantic", "fit", features.semantic, FIT_WEIGHTS["semantic"], None, _similarity_signal("semantic", features.semantic, [])
        ),
        Component(
            "lexical",
            "fit",
            features.lexical,
            FIT_WEIGHTS["lexical"],
            None,
            _similarity_signal("lexical", features.lexical, features.matched_terms),
        ),
        Component("skills", "fit", features.skills_signal.raw, FIT_WEIGHTS["skills"], None, features.skills_signal),
        Component("occupation", "fit", features.occupation.raw, FIT_WEIGHTS["occupation"], None, features.occupation),
    ]
    for factor in StayFactor:
        importance = importances[factor]
        signal = features.stay[factor]
        components.append(Component(factor.value, "stay", signal.raw, stay_weight(importance), importance, signal))
    prior = features.stay_prior
    components.append(Component("stay_prior", "prior", prior.raw, STAY_PRIOR_WEIGHT if prior.raw is not None else 0.0, None, prior))
    return Scored(features, components)


def rank(scored: list[Scored]) -> list[Scored]:
    """Highest score first; ties broken by posting id so the order is stable between calls."""
    return sorted(scored, key=lambda item: (-item.score, item.posting_id))


def summary_reasons(item: Scored, *, language: str = "no", top: int = 3) -> list[str]:
    """The few terms that lifted this posting most, in words."""
    lifting = sorted((c for c in item.components if c.contribution > 0), key=lambda c: -c.contribution)
    return [c.signal.why_no if language == "no" else c.signal.why_en for c in lifting[:top]]
