"""The stay prior as a signal: centred on the rate over all placements, and said in words with the counts behind it.

raw = clip(STAY_PRIOR_SCALE × (rate − overall rate), −1, 1): a posting whose people stay as often as everyone's adds about 0;
one 25 points above the overall rate adds +0.5 × STAY_PRIOR_WEIGHT. `rate` is the narrowest published cell's smoothed share
(see `jobmatch.stay_prior.estimate`); with no published prior at all the component is not applicable.
"""

from __future__ import annotations

import math
import threading
import time

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from jobmatch.db.tables import StayPriorRow
from jobmatch.matching.signals import Signal, Status
from jobmatch.search.corpus import Corpus
from jobmatch.stay_prior import repository as stay_prior_repository
from jobmatch.stay_prior import service as stay_prior
from jobmatch.stay_prior.keys import Level, PriorKeys

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


PRIOR_RECHECK_SECONDS = 30.0
"""How often a process asks whether the stay prior was refreshed (a nightly batch job)."""


class PriorCache:
    """Every corpus row's stay prior, computed once per published table and extended as rows are appended."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stamp: object = None
        self._checked = -math.inf
        self._cells: dict[stay_prior.CellKey, StayPriorRow] = {}
        self._raw = np.zeros(0, dtype=np.float32)
        self._priors: npt.NDArray[np.object_] = np.zeros(0, dtype=object)

    def for_rows(
        self, session: Session, corpus: Corpus, rows: npt.NDArray[np.int64],
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.object_]]:
        """Each row's raw prior (NaN: none) and its published cell."""
        n = corpus.view().n
        with self._lock:
            now = time.monotonic()
            if now - self._checked > PRIOR_RECHECK_SECONDS:
                self._checked = now
                stamp = stay_prior_repository.stamp(session)
                if stamp != self._stamp:
                    self._stamp, self._cells = stamp, stay_prior.cells_by_key(stay_prior_repository.all_cells(session))
                    self._raw, self._priors = np.zeros(0, dtype=np.float32), np.zeros(0, dtype=object)
            if len(self._priors) < n:
                self._extend(corpus, n)
            raw, priors = self._raw, self._priors
        return raw[rows], priors[rows]

    def _extend(self, corpus: Corpus, n: int) -> None:
        vocab = corpus.vocabs["prior_keys"].terms
        start = len(self._priors)
        columns = [corpus.column(name, n)[start:] for name in ("prior_occupation", "prior_region", "prior_employer")]
        keys = [PriorKeys(occupation_code=vocab[o][2:] or None, occupation_label=None, region_code=vocab[r][2:] or None,
                          region_name=None, employer_key=vocab[e][2:] or None, employer_name=None)
                for o, r, e in zip(*columns, strict=True)]
        found = stay_prior.narrowest(self._cells, keys)
        raw = np.asarray([math.nan if p is None else (0.0 if p.level is Level.ALL else centred(p.rate, p.overall_rate))
                          for p in found], dtype=np.float32)
        self._raw = np.concatenate([self._raw, raw])
        published = np.empty(len(found), dtype=object)
        published[:] = found
        self._priors = np.concatenate([self._priors, published])


def prior_words(prior: object, *, use_prior: bool) -> Signal:
    if not use_prior:
        return TURNED_OFF
    return prior_signal(prior if isinstance(prior, stay_prior.Prior) else None)
