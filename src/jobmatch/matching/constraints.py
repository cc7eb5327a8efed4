"""Hard constraints: what a seeker never sees, and the rule that removed it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from jobmatch.matching.fit import fold
from jobmatch.matching.signals import Signal, Status
from jobmatch.postings.schemas import PostingIn
from jobmatch.seekers.schemas import SeekerIn
from jobmatch.vocab import Importance, PostingStatus, StayFactor

FACTOR_NO = {
    StayFactor.COMMUTE: "reisevei",
    StayFactor.PERMANENT: "fast stilling",
    StayFactor.EXTENT: "omfang",
    StayFactor.WORK_HOURS: "arbeidstid",
    StayFactor.REMOTE: "hjemmekontor",
    StayFactor.SECTOR: "sektor",
    StayFactor.SALARY: "lønn",
}


@dataclass(frozen=True)
class Rule:
    """Why a posting was removed: a stable code and the reason in words."""

    code: str
    why_no: str
    why_en: str


def is_inactive(posting: PostingIn, *, now: datetime) -> bool:
    return posting.status is PostingStatus.INACTIVE or (posting.expires_at is not None and posting.expires_at <= now)


def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(fold(keyword.strip())))


def not_for_me_rules(posting: PostingIn, profile: SeekerIn) -> list[Rule]:
    rules = []
    excluded = profile.not_for_me
    for occupation in excluded.occupations:
        for offered in posting.occupations:
            if offered.system == occupation.system and offered.code.startswith(occupation.code):
                label = occupation.label or occupation.code
                rules.append(Rule("not_for_me.occupation", f"Yrket {label} er «ikke for meg».", f"Occupation {label} is “not for me”."))
    employer = fold(posting.employer.name) if posting.employer else ""
    for name in excluded.employers:
        wanted = fold(name.strip())
        if employer and wanted and (employer == wanted or wanted in employer):
            rules.append(Rule("not_for_me.employer", f"Arbeidsgiver {name} er «ikke for meg».", f"Employer {name} is “not for me”."))
    text = fold(" ".join([posting.title, posting.description, employer, *posting.skills]))
    for keyword in excluded.keywords:
        if _keyword_pattern(keyword).search(text):
            rules.append(Rule("not_for_me.keyword", f"Annonsen nevner «{keyword}».", f"The ad mentions “{keyword}”."))
    return rules


def must_rules(signals: dict[StayFactor, Signal], importances: dict[StayFactor, Importance]) -> list[Rule]:
    """A factor marked `must` that the posting goes against; unknown is not a violation."""
    rules = []
    for factor, signal in signals.items():
        if importances.get(factor) is Importance.MUST and signal.status in (Status.UNMET, Status.PARTLY):
            if factor is StayFactor.SALARY and signal.status is Status.PARTLY:
                continue  # vague pay text is not a breach of a minimum the ad does not state
            rules.append(
                Rule(
                    f"must.{factor.value}",
                    f"Du krever {FACTOR_NO[factor]}: {signal.why_no}",
                    f"You require {factor.value.replace('_', ' ')}: {signal.why_en}",
                )
            )
    return rules
