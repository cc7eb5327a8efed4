"""The one formula in words: every term of one posting's score, each with its raw value, weight and reason.

The terms are read off the arrays the ranking used (`Measured`), so they always sum to the score in the list.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, partial

from jobmatch.matching.fit import occupation_words, skills_words
from jobmatch.matching.measure import Context, Measured, component_kind
from jobmatch.matching.prior import prior_words
from jobmatch.matching.signals import Signal, Status
from jobmatch.matching.stay import stay_words
from jobmatch.search.corpus import Corpus
from jobmatch.vocab import Importance, StayFactor

FORMULA = (
    "score = fit + stay + prior, every term weight × raw. fit = base + semantic + lexical + occupation + skills + "
    "described_occupation + described_group + closest_occupation + closest_group, a logistic "
    "model whose probability σ(fit) says how well the posting fits; stay factors and the stay prior re-order the postings "
    "that fit, and never lift one that does not fit above one that does"
)


@dataclass(frozen=True)
class Component:
    """One term of the score: its raw value, its weight, what it adds, and (when asked for) the words."""

    name: str
    kind: str  # "fit", "stay" or "prior"
    raw: float | None
    weight: float
    importance: Importance | None
    words: Callable[[], Signal]
    """Puts the term in words; a list item words only the few terms it shows."""

    @cached_property
    def signal(self) -> Signal:
        return self.words()

    @property
    def contribution(self) -> float:
        return 0.0 if self.raw is None else self.weight * self.raw


@dataclass(frozen=True)
class Scored:
    """One posting's score as terms: names, raw values and weights in the order the ranking added them; the words of a
    term are made only when asked for (a list item words its three strongest terms, an explanation every term)."""

    posting_id: int
    row: int
    names: tuple[str, ...]
    raws: tuple[float | None, ...]
    weights: tuple[float, ...]
    strong: bool
    words: Callable[[str], Signal]
    """Puts one term in words."""
    importance: Callable[[str], Importance | None]
    terms: Callable[[], list[str]]
    left_out: bool = False
    """Whether the seeker's summary had sentences the similarities did not compare (`jobmatch.lexical.present`)."""

    @cached_property
    def contributions(self) -> tuple[float, ...]:
        return tuple(0.0 if raw is None else weight * raw for raw, weight in zip(self.raws, self.weights, strict=True))

    @cached_property
    def components(self) -> list[Component]:
        return [Component(name, component_kind(name), raw, weight, self.importance(name), partial(self.words, name))
                for name, raw, weight in zip(self.names, self.raws, self.weights, strict=True)]

    @cached_property
    def matched_terms(self) -> list[str]:
        """The seeker's words that recur in the posting (the lexical term's words)."""
        return self.terms()

    @property
    def score(self) -> float:
        return round(sum(self.contributions), 6)

    @property
    def fit(self) -> float:
        return sum(c for name, c in zip(self.names, self.contributions, strict=True) if component_kind(name) == "fit")

    @property
    def fit_probability(self) -> float:
        """σ(fit), rounded as the API shows it."""
        return round(1 / (1 + math.exp(-self.fit)), 4)


def _value(array_value: float) -> float | None:
    return None if math.isnan(array_value) else float(array_value)


def _semantic_words(raw: float | None, similarity: float) -> Signal:
    if raw is None:
        return Signal.not_applicable("Profilen din har ingen tekst å sammenligne ennå, eller annonsen venter på sin vektor.",
                                     "Your profile has no text to compare yet, or the ad is still waiting for its vector.")
    if raw >= 1:
        no, en = "Profilen din og annonsen handler tydelig om det samme", "Your profile and the ad clearly talk about the same work"
    elif raw >= 0:
        no, en = "Profilen din og annonsen ligner noe i innhold", "Your profile and the ad are somewhat alike in content"
    else:
        no, en = "Profilen din og annonsen handler om ulike ting", "Your profile and the ad talk about different things"
    status = Status.MET if raw >= 1 else Status.PARTLY if raw >= 0 else Status.UNMET
    return Signal(raw, status, f"{no} (likhet {similarity:.2f}).", f"{en} (similarity {similarity:.2f}).")


def _described_words(raw: float | None, label: str, *, group: bool = False) -> Signal:
    if raw is None:
        return Signal.not_applicable("Profilen din har ingen tekst, eller annonsen har ingen yrkeskode å sammenligne med.",
                                     "Your profile has no text, or the ad has no occupation code to compare with.")
    if raw >= 1:
        no, en, status = "ligner tydelig på", "reads clearly like", Status.MET
    elif raw >= 0:
        no, en, status = "ligner noe på", "reads somewhat like", Status.PARTLY
    else:
        no, en, status = "ligner lite på", "reads little like", Status.UNMET
    what_no, what_en = (f"annonser i yrkesområdet til {label}", f"ads in the occupation area of {label}") if group else (
        f"annonser for {label}", f"ads for {label}")
    return Signal(raw, status, f"Det du skriver om deg selv, {no} {what_no}.", f"What you write about yourself {en} {what_en}.")


def _closest_words(raw: float | None, label: str, *, group: bool = False) -> Signal:
    if raw is None:
        return Signal.not_applicable("Profilen din har ingen tekst, eller annonsen har ingen yrkeskode å sammenligne med.",
                                     "Your profile has no text, or the ad has no occupation code to compare with.")
    what_no, what_en = (f"i yrkesområdet til {label}", f"in the occupation area of {label}") if group else (
        f"for {label}", f"for {label}")
    if raw <= 0:
        return Signal(raw, Status.UNMET, f"Ingen av annonsene som passer deg best, er {what_no}.",
                      f"None of the ads that fit you best are {what_en}.")
    status = Status.MET if raw >= 0.5 else Status.PARTLY
    return Signal(raw, status, f"{raw:.0%} av annonsene som passer deg best, er {what_no}, som denne.",
                  f"{raw:.0%} of the ads that fit you best are {what_en}, like this one.")


def _occupation_label(corpus: Corpus, row: int) -> str:
    keys = corpus.occupation_keys(row)
    labels = [corpus.occupation_labels.get(key) for key in keys]
    return next((label for label in labels if label), keys[0].partition(":")[2] if keys else "")


def _lexical_words(raw: float | None, terms: list[str]) -> Signal:
    if raw is None:
        return Signal.not_applicable("Du har ikke oppgitt yrker, erfaring eller ferdigheter å sammenligne titler med.",
                                     "You have not given occupations, experience or skills to compare titles with.")
    if not terms:
        return Signal(raw, Status.UNMET, "Annonsens tittel, yrke og ferdigheter deler ingen ord med dine.",
                      "The ad's title, occupation and skills share no words with yours.")
    shown = ", ".join(terms[:5])
    status = Status.MET if raw >= 1 else Status.PARTLY
    return Signal(raw, status, f"Ord fra profilen din som går igjen i annonsen: {shown}.",
                  f"Words from your profile that recur in the ad: {shown}.")


BASE = Signal(1.0, Status.PARTLY, "Utgangspunktet for alle annonser før noe er sammenlignet.",
              "The starting point of every ad before anything is compared.")


def scored(ctx: Context, measured: Measured, index: int, *, strong: bool) -> Scored:
    """Every term of the score of `measured.rows[index]`; its words on demand."""
    row = int(measured.rows[index])
    query = ctx.query
    corpus = ctx.corpus
    names = tuple(measured.raw)
    raws = tuple(_value(measured.value(name, index)) for name in names)
    weights = tuple(float(measured.weight[name][index]) for name in names)
    raw = dict(zip(names, raws, strict=True))
    said: dict[str, Signal] = {}  # each term's words, made once
    matched: list[list[str]] = []  # the matched terms, made once

    def terms() -> list[str]:
        if not matched:
            matched.append([] if raw["lexical"] is None or not query.terms.strip() else corpus.lexical_model.matched_terms(
                query.terms, corpus.texts["lexical_texts"][row]))
        return matched[0]

    def words(name: str) -> Signal:
        found = said.get(name)
        if found is None:
            found = said[name] = _words(name)
        return found

    def _words(name: str) -> Signal:
        if name == "base":
            return BASE
        if name == "semantic":
            return _semantic_words(raw["semantic"], float(measured.similarity["semantic"][index]))
        if name == "lexical":
            return _lexical_words(raw["lexical"], terms())
        if name == "occupation":
            return occupation_words(corpus, row, query.profile.wishes.occupations, raw["occupation"] or 0.0)
        if name == "skills":
            return skills_words(query.skills, measured.skills_found[index], raw["skills"] or 0.0)
        if name in ("described_occupation", "described_group"):
            return _described_words(raw[name], _occupation_label(corpus, row), group=name == "described_group")
        if name in ("closest_occupation", "closest_group"):
            return _closest_words(raw[name], _occupation_label(corpus, row), group=name == "closest_group")
        if name == "stay_prior":
            return prior_words(measured.prior_rate[index], use_prior=query.use_prior)
        factor = StayFactor(name)
        return stay_words(corpus, row, factor, measured.value(name, index), measured.status_of(name, index), query.profile,
                          query.where)

    def importance(name: str) -> Importance | None:
        return query.importances[StayFactor(name)] if component_kind(name) == "stay" else None

    posting_id = int(corpus.column("ids", ctx.n)[row])
    return Scored(posting_id=posting_id, row=row, names=names, raws=raws, weights=weights, strong=strong, words=words,
                  importance=importance, terms=terms, left_out=ctx.left_out)


def summary_reasons(item: Scored, *, language: str = "no", top: int = 3) -> list[str]:
    """The few terms that lifted this posting most, in words."""
    lifting = sorted(((name, c) for name, c in zip(item.names, item.contributions, strict=True) if c > 0 and name != "base"),
                     key=lambda pair: -pair[1])
    return [item.words(name).why_no if language == "no" else item.words(name).why_en for name, _ in lifting[:top]]
