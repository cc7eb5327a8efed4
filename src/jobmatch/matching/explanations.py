"""One posting's explanation, and why a list is short, in words: read off the ranking the list came from."""

from __future__ import annotations

import uuid

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch.db.tables import PostingRow
from jobmatch.errors import NotFound
from jobmatch.matching.fit import passage
from jobmatch.matching.formula import FORMULA, Scored, scored
from jobmatch.matching.measure import measure
from jobmatch.matching.ranking import Ranking
from jobmatch.matching.ranking import Relaxation as RelaxationFound
from jobmatch.matching.rules import FACTOR_EN, FACTOR_NO, INACTIVE, Rule
from jobmatch.matching.schemas import (
    ComponentOut,
    Explanation,
    Relaxation,
    RuleOut,
    SkillOut,
    Wishes,
    WishOut,
    Words,
)
from jobmatch.matching.signals import Signal, Status
from jobmatch.matching.stay import ENGAGEMENT_EN, ENGAGEMENT_NO
from jobmatch.search.facts import ENGAGEMENTS
from jobmatch.vocab import StayFactor

RELAXED_TO = "high"


def _words(signal: Signal) -> Words:
    return Words(no=signal.why_no, en=signal.why_en)


LEFT_OUT = Words(no="Setninger om tidligere arbeid, eller om arbeid du ikke ønsker, er ikke med i sammenligningen.",
                 en="Sentences about earlier work, or about work you want to avoid, are left out of the comparison.")
"""Said beside the similarity terms when the seeker's summary holds such sentences (`jobmatch.lexical.present`)."""


def components_out(item: Scored) -> list[ComponentOut]:
    """Every term of the score as the API shows it; the similarities' words say when sentences of the seeker's summary
    were not compared."""
    return [
        ComponentOut(
            name=c.name,
            kind=c.kind,
            raw=None if c.raw is None else round(c.raw, 6),
            weight=round(c.weight, 6),
            importance=c.importance.value if c.importance else None,
            contribution=round(c.contribution, 6),
            status=c.signal.status.value,
            why=_with_left_out(_words(c.signal)) if item.left_out and c.name in ("semantic", "lexical") else _words(c.signal),
        )
        for c in item.components
    ]


def _with_left_out(words: Words) -> Words:
    return Words(no=f"{words.no} {LEFT_OUT.no}", en=f"{words.en} {LEFT_OUT.en}")


def relaxation_out(found: RelaxationFound) -> Relaxation:
    factor_no, factor_en = FACTOR_NO[found.factor], FACTOR_EN[found.factor]
    no = (f"Kravet om {factor_no} fjerner {found.removed} annonser innen ditt felt. Med «høy» i stedet for «må» "
          f"får du {found.adds} flere")
    en = (f"Making {factor_en} a must removes {found.removed} ads in your field. With “high” instead of “must” "
          f"you would get {found.adds} more")
    if found.within_km is not None and found.adds_within is not None:
        no += f", {found.adds_within} av dem innenfor {found.within_km:.0f} km"
        en += f", {found.adds_within} of them within {found.within_km:.0f} km"
    return Relaxation(
        rule=found.rule, factor=found.factor.value, removed=found.removed, adds=found.adds,
        relax_with=f"importance={found.factor.value}:{RELAXED_TO}", within_km=found.within_km, adds_within=found.adds_within,
        why=Words(no=no + ".", en=en + "."),
    )


def why_short_words(nothing_fits: bool, field_total: int, relaxations: list[Relaxation]) -> Words:
    if nothing_fits and not relaxations:
        return Words(no="Ingen annonser passer profilen din akkurat nå. Prøv å beskrive deg selv mer, eller å ønske flere yrker.",
                     en="No ads fit your profile right now. Try describing yourself in more detail, or wishing for more occupations.")
    lead_no = "Ingen annonser passer alle kravene dine." if nothing_fits else "Listen er kortere fordi noen krav fjerner annonser."
    lead_en = "No ads meet all your requirements." if nothing_fits else "The list is shorter because some requirements remove ads."
    return Words(no=f"{lead_no} {field_total} aktive annonser er innen ditt felt. " + " ".join(r.why.no for r in relaxations),
                 en=f"{lead_en} {field_total} active ads are in your field. " + " ".join(r.why.en for r in relaxations))


def _rule_out(rule: Rule, signal: Signal | None) -> RuleOut:
    if signal is None:
        return RuleOut(code=rule.code, why=Words(no=rule.why_no, en=rule.why_en))
    return RuleOut(code=rule.code, why=Words(no=f"{rule.why_no} {signal.why_no}", en=f"{rule.why_en} {signal.why_en}"))


def explanation(session: Session, ranking: Ranking, *, seeker_id: uuid.UUID, posting_id: int) -> Explanation:
    ctx = ranking.ctx
    corpus = ctx.corpus
    row = corpus.row_of.get(posting_id)
    if row is None or row >= ctx.n:
        if session.get(PostingRow, posting_id) is None:
            raise NotFound(f"no posting with id {posting_id}")
        return Explanation(
            seeker_id=seeker_id, posting_id=posting_id, index_version=ranking.index_version, outcome="removed", rank=None,
            score=None, formula=FORMULA, components=[], removed_by=[_rule_out(INACTIVE, None)], wishes=Wishes(met=[], unmet=[], unknown=[]),
            matched_skills=[], unmatched_skills=[], matched_terms=[], fit=None, fit_probability=0.0,
        )
    placed = ranking.place(posting_id)
    position: int | None = None
    if placed is not None:
        position, index = placed
        item = scored(ctx, ranking.measured, index, strong=bool(ranking.strong[index]))
        measured_row = ranking.measured
        outcome, fit = "ranked", ("strong" if item.strong else "possible")
        found_skills = measured_row.skills_found[index]
    else:
        rows = np.asarray([row], dtype=np.int64)
        single = measure(ctx, rows, ranking.prior(rows) if ranking.prior is not None else None)
        item = scored(ctx, single, 0, strong=False)
        found_skills = single.skills_found[0]
        outcome, fit = ("removed", None) if ctx.removed[row] else ("below_floor", "below_floor")  # type: ignore[assignment]
    rules = ctx.rules.rules_at(row) if outcome == "removed" else []
    matched, unmatched = _skills(session, ranking, posting_id, found_skills)
    signals = {c.name: c.signal for c in item.components}
    return Explanation(
        seeker_id=seeker_id,
        posting_id=posting_id,
        index_version=ranking.index_version,
        outcome=outcome,
        rank=position,
        score=None if outcome == "removed" else item.score,
        formula=FORMULA,
        components=components_out(item),
        removed_by=[_rule_out(rule, signals.get(rule.code.partition(".")[2]) if rule.code.startswith("must.") else None) for rule in rules],
        wishes=_wishes(ranking, row, signals),
        matched_skills=matched,
        unmatched_skills=unmatched,
        matched_terms=item.matched_terms,
        fit=fit,
        fit_probability=item.fit_probability,
    )


def _skills(session: Session, ranking: Ranking, posting_id: int, found: npt.NDArray[np.bool_]) -> tuple[list[SkillOut], list[SkillOut]]:
    """The seeker's skills found in the ad, each with the passage that names it, and those not found."""
    skills = ranking.ctx.query.skills.skills
    if not skills:
        return [], []
    title, description, posting_skills = _posting_text(session, posting_id)
    matched = [SkillOut(skill=s.name, level=s.level, wants_to_use=s.wants_to_use, passage=passage(s, title, description, posting_skills))
               for s, hit in zip(skills, found, strict=True) if hit]
    unmatched = [SkillOut(skill=s.name, level=s.level, wants_to_use=s.wants_to_use, passage=None)
                 for s, hit in zip(skills, found, strict=True) if not hit]
    return matched, unmatched


WISH_SIGNALS: dict[str, str] = {
    "occupations": "occupation",
    "locations": StayFactor.COMMUTE.value,
    "extent": StayFactor.EXTENT.value,
    "remote": StayFactor.REMOTE.value,
    "sectors": StayFactor.SECTOR.value,
    "work_hours": StayFactor.WORK_HOURS.value,
    "min_salary_nok": StayFactor.SALARY.value,
}


def _engagement_signal(ranking: Ranking, row: int) -> Signal:
    wished = {kind.value for kind in ranking.ctx.query.profile.wishes.engagement_types}
    code = int(ranking.ctx.corpus.value("engagement", row))
    if code <= 0:
        return Signal.unknown("Annonsen oppgir ikke ansettelsesform.", "The ad does not state the kind of engagement.")
    kind = ENGAGEMENTS[code - 1].value
    if kind in wished:
        return Signal.met(f"Ansettelsesformen er {ENGAGEMENT_NO[kind]}, som du ønsker.",
                          f"The engagement is {ENGAGEMENT_EN[kind]}, as you wish.")
    return Signal.unmet(f"Ansettelsesformen er {ENGAGEMENT_NO[kind]}, som ikke er blant dine ønsker.",
                        f"The engagement is {ENGAGEMENT_EN[kind]}, which is not among your wishes.")


def _wishes(ranking: Ranking, row: int, signals: dict[str, Signal]) -> Wishes:
    """The wishes the seeker stated, sorted into met, unmet and unknown for this posting."""
    profile = ranking.ctx.query.profile
    met: list[WishOut] = []
    unmet: list[WishOut] = []
    unknown: list[WishOut] = []
    stated = {**WISH_SIGNALS, "engagement_types": "engagement"}
    for wish, name in stated.items():
        if not getattr(profile.wishes, wish):
            continue
        signal = _engagement_signal(ranking, row) if name == "engagement" else signals[name]
        if signal.status is Status.NOT_APPLICABLE:
            continue
        bucket = {Status.MET: met, Status.UNKNOWN: unknown}.get(signal.status, unmet)
        bucket.append(WishOut(wish=wish, why=_words(signal)))
    return Wishes(met=met, unmet=unmet, unknown=unknown)


def _posting_text(session: Session, posting_id: int) -> tuple[str, str, list[str]]:
    found = session.execute(select(PostingRow.title, PostingRow.description, PostingRow.skills).where(PostingRow.id == posting_id)).first()
    if found is None:
        return "", "", []
    return str(found.title), str(found.description or ""), [str(skill) for skill in found.skills or []]
