"""Which dismissals contradict what the seeker declared, and the profile change that would resolve the contradiction.

A suggestion is made once SUGGEST_AFTER_DISMISSALS postings were dismissed for the same reason since the seeker last
decided on a suggestion for that reason, and only while the contradiction holds:

    too_far        wished locations are given and commute is rated below high       -> commute: high
    not_permanent  a permanent position is rated below high                         -> permanent: high
    wrong_extent   at least SUGGEST_AFTER_DISMISSALS of the postings share an extent, and the seeker wishes that extent
                   or rates extent below high                                        -> wish the other extent, extent: high
    wrong_hours    hours every one of the postings had (and no posting the seeker saved, applied to, interviewed or was
                   hired for had) are among the wished ones (none wished: all are)   -> wish only the others, work_hours: high

not_for_me, already_applied, expired and other teach nothing: none of them speaks to a declared factor (a posting that is
not for me is already removed by its dismissal). Nothing changes until the seeker accepts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from jobmatch.feedback.schemas import DismissReason, ProfileChange
from jobmatch.matching.rules import FACTOR_NO
from jobmatch.matching.stay import EXTENT_NO, HOURS_NO
from jobmatch.postings.schemas import PostingIn
from jobmatch.seekers.schemas import SeekerIn
from jobmatch.vocab import Extent, Importance, StayFactor, WorkHours

SUGGEST_AFTER_DISMISSALS = 3
"""Dismissals with one reason (distinct postings) before a suggestion; counted afresh after each accept or reject."""
TARGET_IMPORTANCE = Importance.HIGH
"""What a suggestion raises a factor to: high ranks against the factor, it does not hide postings as `must` would."""

LEARNING_REASONS = frozenset({DismissReason.TOO_FAR, DismissReason.NOT_PERMANENT, DismissReason.WRONG_EXTENT, DismissReason.WRONG_HOURS})
IMPORTANCE_NO = {Importance.MUST: "må", Importance.HIGH: "høy", Importance.MEDIUM: "middels", Importance.LOW: "lav",
                 Importance.NONE: "ingen"}
_BELOW_TARGET = frozenset({Importance.NONE, Importance.LOW, Importance.MEDIUM})
_OTHER_EXTENT = {Extent.FULL_TIME: Extent.PART_TIME, Extent.PART_TIME: Extent.FULL_TIME}


@dataclass(frozen=True)
class Proposal:
    change: ProfileChange
    text_no: str
    text_en: str


def _raise(profile: SeekerIn, factor: StayFactor) -> dict[StayFactor, Importance]:
    below = profile.stay_factors.get(factor, Importance.NONE) in _BELOW_TARGET
    return {factor: TARGET_IMPORTANCE} if below else {}


def _factor_words(factor: StayFactor) -> tuple[str, str]:
    return (f"sette {FACTOR_NO[factor]} til «{IMPORTANCE_NO[TARGET_IMPORTANCE]}»",
            f"set {factor.value.replace('_', ' ')} to {TARGET_IMPORTANCE.value}")


def _too_far(profile: SeekerIn, count: int) -> Proposal | None:
    factors = _raise(profile, StayFactor.COMMUTE)
    if not profile.wishes.locations or not factors:
        return None
    question_no, question_en = _asking([_factor_words(StayFactor.COMMUTE)])
    return Proposal(ProfileChange(stay_factors=factors), f"Du har avvist {count} jobber som for langt unna. {question_no}",
                    f"You dismissed {count} jobs as too far away. {question_en}")


def _not_permanent(profile: SeekerIn, count: int) -> Proposal | None:
    factors = _raise(profile, StayFactor.PERMANENT)
    if not factors:
        return None
    question_no, question_en = _asking([_factor_words(StayFactor.PERMANENT)])
    return Proposal(ProfileChange(stay_factors=factors), f"Du har avvist {count} jobber fordi de ikke var faste. {question_no}",
                    f"You dismissed {count} jobs as not permanent. {question_en}")


def _asking(parts: list[tuple[str, str]]) -> tuple[str, str]:
    """'Vil du a og b?' / 'A and b?' from (Norwegian, English) parts."""
    no = " og ".join(part for part, _ in parts)
    en = " and ".join(part for _, part in parts)
    return f"Vil du {no}?", f"{en[:1].upper()}{en[1:]}?"


def _wrong_extent(profile: SeekerIn, postings: Sequence[PostingIn]) -> Proposal | None:
    extents = Counter(posting.extent for posting in postings if posting.extent is not None)
    if not extents:
        return None
    common, count = extents.most_common(1)[0]
    if count < SUGGEST_AFTER_DISMISSALS:
        return None
    target = _OTHER_EXTENT[common]
    change = ProfileChange(stay_factors=_raise(profile, StayFactor.EXTENT), extent=target if profile.wishes.extent != target else None)
    parts = [(f"ønske {EXTENT_NO[target]}", f"wish for {target.value.replace('_', ' ')}")] if change.extent else []
    parts += [_factor_words(StayFactor.EXTENT)] if change.stay_factors else []
    if not parts:
        return None
    question_no, question_en = _asking(parts)
    return Proposal(
        change,
        f"Du har avvist {count} jobber på {EXTENT_NO[common]} på grunn av omfanget. {question_no}",
        f"You dismissed {count} {common.value.replace('_', '-')} jobs for their extent. {question_en}",
    )


def _wrong_hours(profile: SeekerIn, postings: Sequence[PostingIn], liked_hours: set[WorkHours]) -> Proposal | None:
    hour_sets = [set(posting.work_hours) for posting in postings if posting.work_hours]
    if len(hour_sets) < SUGGEST_AFTER_DISMISSALS:
        return None
    wished = set(profile.wishes.work_hours) or set(WorkHours)
    unwanted = sorted((set.intersection(*hour_sets) - liked_hours) & wished, key=list(WorkHours).index)
    keep = [hours for hours in WorkHours if hours in wished and hours not in unwanted]
    change = ProfileChange(stay_factors=_raise(profile, StayFactor.WORK_HOURS), work_hours=keep if unwanted and keep else None)
    if change.work_hours is None and (not profile.wishes.work_hours or not change.stay_factors):
        return None  # without wished hours a higher importance would change nothing
    parts = [(f"bare ønske {', '.join(HOURS_NO[h] for h in keep)}", f"wish only for {', '.join(keep)}")] if change.work_hours else []
    parts += [_factor_words(StayFactor.WORK_HOURS)] if change.stay_factors else []
    question_no, question_en = _asking(parts)
    all_had_no = f"; alle hadde {', '.join(HOURS_NO[h] for h in unwanted)}" if change.work_hours else ""
    all_had_en = f"; all had {', '.join(unwanted)}" if change.work_hours else ""
    return Proposal(
        change,
        f"Du har avvist {len(postings)} jobber på grunn av arbeidstiden{all_had_no}. {question_no}",
        f"You dismissed {len(postings)} jobs for their working hours{all_had_en}. {question_en}",
    )


def propose(
    reason: DismissReason, profile: SeekerIn, *, dismissals: int, postings: Sequence[PostingIn], liked_hours: set[WorkHours],
) -> Proposal | None:
    """The suggestion these dismissals (all with `reason`, since the last decision) point to, or None."""
    if reason not in LEARNING_REASONS or dismissals < SUGGEST_AFTER_DISMISSALS:
        return None
    if reason is DismissReason.TOO_FAR:
        return _too_far(profile, dismissals)
    if reason is DismissReason.NOT_PERMANENT:
        return _not_permanent(profile, dismissals)
    if reason is DismissReason.WRONG_EXTENT:
        return _wrong_extent(profile, postings)
    return _wrong_hours(profile, postings, liked_hours)


def applied(profile: SeekerIn, change: ProfileChange) -> SeekerIn | None:
    """The profile with the change made, or None when it would change nothing (the seeker got there first)."""
    wishes = profile.wishes.model_dump()
    if change.extent is not None:
        wishes["extent"] = change.extent
    if change.work_hours is not None:
        wishes["work_hours"] = change.work_hours
    updated = SeekerIn.model_validate(
        {**profile.model_dump(), "wishes": wishes, "stay_factors": {**profile.stay_factors, **change.stay_factors}}
    )
    return None if updated == profile else updated
