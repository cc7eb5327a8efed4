"""The stay prior as a signal: centred on the rate over all placements, and said in words with the counts behind it.

raw = clip(STAY_PRIOR_SCALE × (rate − overall rate), −1, 1): a posting whose people stay as often as everyone's adds about 0;
one 25 points above the overall rate adds +0.5 × STAY_PRIOR_WEIGHT. `rate` is the narrowest published cell's smoothed share
(see `jobmatch.stay_prior.estimate`); with no published prior at all the component is not applicable.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from jobmatch.matching.signals import Signal, Status
from jobmatch.postings.schemas import PostingIn
from jobmatch.seekers.schemas import SeekerIn
from jobmatch.stay_prior import service as stay_prior
from jobmatch.stay_prior.keys import Level

STAY_PRIOR_SCALE = 2.0
CLEAR_DIFFERENCE = 0.1
"""|raw| below this reads as "about as usual"."""

NO_PRIOR = Signal.not_applicable("Ingen data om hvem som blir i slike jobber ennå.", "No data yet on who stays in such jobs.")
TURNED_OFF = Signal.not_applicable(
    "Du har slått av erfaringstall om hvem som blir i slike jobber.", "You have turned off the data on who stays in such jobs.",
)


def centred(rate: float, overall: float) -> float:
    return max(-1.0, min(1.0, STAY_PRIOR_SCALE * (rate - overall)))


def _noun(label: str | None) -> str:
    text = (label or "").strip() or "dette yrket"
    return text[0].lower() + text[1:] if len(text) > 1 and text[1].islower() else text


def _percent(rate: float, language: str) -> str:
    return f"{round(rate * 100)} %" if language == "no" else f"{round(rate * 100)}%"


def prior_signal(prior: stay_prior.Prior | None) -> Signal:
    if prior is None:
        return NO_PRIOR
    occupation = _noun(prior.occupation_label)
    who_no, who_en = {
        Level.ALL: ("formidlet til en jobb", "placed in a job"),
        Level.OCCUPATION: (f"formidlet som {occupation}", f"placed as {occupation}"),
        Level.OCCUPATION_REGION: (f"formidlet som {occupation} i denne kommunen", f"placed as {occupation} in this municipality"),
        Level.EMPLOYER: (f"formidlet som {occupation} hos {prior.employer_name} i denne kommunen",
                         f"placed as {occupation} at {prior.employer_name} in this municipality"),
    }[prior.level]
    counts_no = f"Av {prior.placements} personer {who_no}, jobbet {prior.stayed} der fortsatt etter 12 måneder"
    counts_en = f"Of {prior.placements} people {who_en}, {prior.stayed} still worked there after 12 months"
    if prior.level is Level.ALL:
        return Signal(0.0, Status.PARTLY, f"{counts_no}; for slike jobber er det ikke nok tall ennå.",
                      f"{counts_en}; there are too few numbers for jobs like this one yet.")
    raw = centred(prior.rate, prior.overall_rate)
    status = Status.MET if raw >= CLEAR_DIFFERENCE else Status.UNMET if raw <= -CLEAR_DIFFERENCE else Status.PARTLY
    return Signal(
        raw, status,
        f"{counts_no} (anslått {_percent(prior.rate, 'no')} som blir, mot {_percent(prior.overall_rate, 'no')} for alle).",
        f"{counts_en} (an estimated {_percent(prior.rate, 'en')} stay, against {_percent(prior.overall_rate, 'en')} overall).",
    )


def prior_signals(session: Session, postings: Sequence[PostingIn], profile: SeekerIn) -> list[Signal]:
    """Each posting's stay-prior signal, from one query; not applicable for a seeker who turned the prior off."""
    if not profile.use_stay_prior:
        return [TURNED_OFF] * len(postings)
    return [prior_signal(prior) for prior in stay_prior.lookup(session, postings)]
