"""Hard constraints as masks over the corpus: what a seeker never sees, and which rule removed it.

Each rule is one boolean array over the rows ("this rule removes this posting"); their union is what the ranking never
considers, and the explanation of a removed posting names every rule that is true for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from jobmatch.matching.filters import MatchFilters
from jobmatch.matching.stay import StayArrays
from jobmatch.search.corpus import Corpus, CorpusView
from jobmatch.search.facts import ENGAGEMENTS, EXTENTS, REMOTES, SECTORS, enum_code, fold, word_tokens
from jobmatch.seekers.schemas import SeekerIn
from jobmatch.vocab import Importance, StayFactor

BoolArray = npt.NDArray[np.bool_]

FACTOR_NO = {
    StayFactor.COMMUTE: "reisevei",
    StayFactor.PERMANENT: "fast stilling",
    StayFactor.EXTENT: "omfang",
    StayFactor.WORK_HOURS: "arbeidstid",
    StayFactor.REMOTE: "hjemmekontor",
    StayFactor.SECTOR: "sektor",
    StayFactor.SALARY: "lønn",
}
FACTOR_EN = {
    StayFactor.COMMUTE: "commute",
    StayFactor.PERMANENT: "a permanent position",
    StayFactor.EXTENT: "extent (full or part time)",
    StayFactor.WORK_HOURS: "working hours",
    StayFactor.REMOTE: "remote work",
    StayFactor.SECTOR: "sector",
    StayFactor.SALARY: "pay",
}


@dataclass(frozen=True)
class Rule:
    """Why a posting was removed: a stable code and the reason in words."""

    code: str
    why_no: str
    why_en: str


INACTIVE = Rule("inactive", "Annonsen er utløpt eller ikke lenger aktiv.", "The ad has expired or is no longer active.")
DISMISSED = Rule("dismissed", "Du har avvist denne annonsen, så den vises ikke igjen.", "You dismissed this ad, so it is not shown again.")


@dataclass
class Eligibility:
    """Every rule's mask over the rows (True: the rule removes the posting), in the order rules are explained."""

    masks: dict[str, BoolArray] = field(default_factory=dict)
    rules: dict[str, Rule] = field(default_factory=dict)

    def add(self, rule: Rule, mask: BoolArray) -> None:
        if mask.any():
            self.masks[rule.code] = self.masks[rule.code] | mask if rule.code in self.masks else mask
            self.rules.setdefault(rule.code, rule)

    def removed(self, n: int) -> BoolArray:
        union = np.zeros(n, dtype=bool)
        for mask in self.masks.values():
            union |= mask
        return union

    def rules_at(self, row: int) -> list[Rule]:
        return [self.rules[code] for code, mask in self.masks.items() if mask[row]]

    def must_codes(self) -> list[str]:
        return [code for code in self.masks if code.startswith("must.")]


def _rows_of(corpus: Corpus, n: int, posting_ids: frozenset[int]) -> BoolArray:
    mask = np.zeros(n, dtype=bool)
    rows = [corpus.row_of[i] for i in posting_ids if i in corpus.row_of and corpus.row_of[i] < n]
    mask[rows] = True
    return mask


def _rows_with(corpus: Corpus, name: str, cols: list[int], n: int) -> BoolArray:
    rows = corpus.sparse.get(name)
    if rows is None or not cols:
        return np.zeros(n, dtype=bool)
    present: BoolArray = np.zeros(n, dtype=bool)
    present[rows.rows_with(np.asarray(cols, dtype=np.int64), n)] = True
    return present


def _employer_among(corpus: Corpus, employers: npt.NDArray[np.int32], ids: list[int]) -> BoolArray:
    """Rows whose employer is one of `ids` (a lookup table: -1, no employer, reads the table's last, unused, slot)."""
    table = np.zeros(len(corpus.vocabs["employers"]) + 1, dtype=bool)
    table[ids] = True
    found: BoolArray = np.take(table, employers)  # -1 reads the last slot, as indexing would
    return found


def keyword_mask(corpus: Corpus, n: int, keyword: str) -> BoolArray:
    """Postings in which every word of the keyword begins a word (title, description, employer, skills)."""
    tokens = word_tokens(keyword)
    if not tokens:
        return np.zeros(n, dtype=bool)
    mask = np.ones(n, dtype=bool)
    for token in tokens:
        mask &= _rows_with(corpus, "word_rows", corpus.vocabs["words"].prefixed(token), n)
    employers = corpus.column("employer", n)
    folded = fold(keyword.strip())
    named = [i for i, name in enumerate(corpus.vocabs["employers"].terms) if folded in name]
    return mask | _employer_among(corpus, employers, named)


class Exclusion(NamedTuple):
    """One thing a seeker marked as not for them: an occupation (`system:code`), an employer or a keyword."""

    kind: str
    value: str


def exclusions(profile: SeekerIn) -> list[tuple[Exclusion, Rule]]:
    """The seeker's `not_for_me` entries, each with the rule that names it."""
    excluded = profile.not_for_me
    found: list[tuple[Exclusion, Rule]] = []
    for occupation in excluded.occupations:
        label = occupation.label or occupation.code
        found.append((Exclusion("occupation", f"{occupation.system.value}:{occupation.code.strip()}"),
                      Rule("not_for_me.occupation", f"Yrket {label} er «ikke for meg».",
                           f"You marked the occupation {label} as not for you.")))
    for name in excluded.employers:
        found.append((Exclusion("employer", " ".join(fold(name).split())),
                      Rule("not_for_me.employer", f"Arbeidsgiveren {name} er «ikke for meg».",
                           f"You marked the employer {name} as not for you.")))
    for keyword in excluded.keywords:
        found.append((Exclusion("keyword", keyword), Rule("not_for_me.keyword", f"Annonsen nevner «{keyword}», som du har sagt nei til.",
                                                          f"The ad mentions “{keyword}”, which you marked as not for you.")))
    return found


def excluded_rows(corpus: Corpus, n: int, exclusion: Exclusion) -> BoolArray:
    """The rows one `not_for_me` entry removes."""
    if exclusion.kind == "occupation":
        cols = [col for col, key in enumerate(corpus.vocabs["occupations"].terms) if key.startswith(exclusion.value)]
        return _rows_with(corpus, "occupation_rows", cols, n)
    if exclusion.kind == "employer":
        if not exclusion.value:
            return np.zeros(n, dtype=bool)
        ids = [i for i, key in enumerate(corpus.vocabs["employers"].terms) if key == exclusion.value or exclusion.value in key]
        return _employer_among(corpus, corpus.column("employer", n), ids)
    return keyword_mask(corpus, n, exclusion.value)


def not_for_me(eligibility: Eligibility, corpus: Corpus, n: int, profile: SeekerIn) -> None:
    for exclusion, rule in exclusions(profile):
        eligibility.add(rule, excluded_rows(corpus, n, exclusion))


def must(eligibility: Eligibility, stay: StayArrays, importances: dict[StayFactor, Importance]) -> None:
    for factor in StayFactor:
        if importances.get(factor) is Importance.MUST:
            rule = Rule(f"must.{factor.value}", f"Du har satt {FACTOR_NO[factor]} som et krav.", f"You made {FACTOR_EN[factor]} a must.")
            eligibility.add(rule, stay.broken(factor))


def filters(eligibility: Eligibility, corpus: Corpus, n: int, wanted: MatchFilters) -> None:
    def rule(name: str, value: str) -> Rule:
        return Rule(f"filter.{name}", f"Filteret {name}={value} utelater denne annonsen.",
                    f"The request filter {name}={value} leaves this ad out.")

    if wanted.municipality is not None:
        key = wanted.municipality.strip()
        col = corpus.vocabs["municipalities"].get(key) if key.isdigit() else corpus.vocabs["municipalities"].get(fold(key))
        inside = _rows_with(corpus, "municipality_rows", [] if col is None else [col], n)
        eligibility.add(rule("municipality", wanted.municipality), ~inside)
    if wanted.occupation is not None:
        code = wanted.occupation.strip()
        cols = [col for col, key in enumerate(corpus.vocabs["occupations"].terms) if key.partition(":")[2] == code]
        eligibility.add(rule("occupation", wanted.occupation), ~_rows_with(corpus, "occupation_rows", cols, n))
    columns = (("extent", "extent", EXTENTS), ("engagement_type", "engagement", ENGAGEMENTS), ("remote", "remote", REMOTES),
               ("sector", "sector", SECTORS))
    for name, column, members in columns:
        value = getattr(wanted, name)
        if value is not None:
            eligibility.add(rule(name, value.value), corpus.column(column, n) != enum_code(value, members))


def eligibility(
    corpus: Corpus, view: CorpusView, *, profile: SeekerIn, stay: StayArrays, importances: dict[StayFactor, Importance],
    wanted: MatchFilters, dismissed: frozenset[int], now: float,
) -> Eligibility:
    n = view.n
    result = Eligibility()
    result.add(INACTIVE, ~view.alive | (corpus.column("expires", n) <= now))
    result.add(DISMISSED, _rows_of(corpus, n, dismissed))
    not_for_me(result, corpus, n, profile)
    must(result, stay, importances)
    filters(result, corpus, n, wanted)
    return result
