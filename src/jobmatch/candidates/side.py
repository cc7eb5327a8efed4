"""The seeker side of the index: every searchable seeker's rule inputs as columns in one row space, beside their vectors.

It is built like the posting corpus: a row is one version of one seeker; rows are appended, never changed; a changed
seeker gets a new row and the old one dies; a deleted, hidden or withdrawn seeker's row dies. Lists a seeker has
several of (wished places, occupations, skills, `not_for_me` entries) are flat tables whose `owner` is the row.

What depends on the posting index version (each seeker's z-score calibration against the posting corpus, and their
lexical query in that version's vocabulary) is `Tuned`, rebuilt beside the served one when the version changes. A
request takes one `SeekerView` and sees one consistent side while the upkeep appends.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from jobmatch.candidates.facts import SeekerFacts
from jobmatch.candidates.tuning import Tunable, Tuned, tune
from jobmatch.search.corpus import Vocab
from jobmatch.search.rows import BoolArray, Growable
from jobmatch.search.snapshot import IndexSnapshot, RankingCache
from jobmatch.vocab import Importance, StayFactor

COLUMNS: dict[str, str] = {
    "id_hi": "uint64", "id_lo": "uint64", "protected": "bool", "unit": "int32", "caseworker": "int32",
    "has_text": "bool", "has_terms": "bool", "has_occupations": "bool", "has_skills": "bool", "skill_total": "float32",
    "stated": "bool", "min_salary": "float64",
    **{f"bits_{factor.value}": "int64" for factor in StayFactor if factor not in (StayFactor.COMMUTE, StayFactor.SALARY)},
    **{f"importance_{factor.value}": "int8" for factor in StayFactor},
}  # fmt: skip
TABLES: dict[str, dict[str, str]] = {
    "points": {"owner": "int64", "lat": "float64", "lon": "float64", "max_km": "float32"},
    "occupations": {"owner": "int64", "wish": "int64"},
    "skills": {"owner": "int64", "weight": "float32", "stems": "int64"},
    "skill_stems": {"skill": "int64", "stem": "int64"},
    "exclusions": {"owner": "int64", "exclusion": "int64"},
}
FACTORS: tuple[StayFactor, ...] = tuple(StayFactor)
IMPORTANCES: tuple[Importance, ...] = tuple(Importance)
@dataclass(frozen=True)
class SeekerView:
    """What one request sees: the first `n` rows, which are live, and their tuning for one posting index version."""

    n: int
    alive: BoolArray
    tuned: Tuned
    generation: int
    side: SeekerSide
    counts: dict[str, int]
    """Entries of each flat table (and of the tuned lexical queries) that belong to the first `n` rows."""

    def column(self, name: str) -> npt.NDArray[Any]:
        return self.side.columns[name].view(self.n)

    def table(self, name: str) -> dict[str, npt.NDArray[Any]]:
        return {column: values.view(self.counts[name]) for column, values in self.side.tables[name].items()}

    def lexical_queries(self) -> sp.csr_matrix:
        """The tuned lexical queries of the first `n` rows: one CSR row each, its terms in query order."""
        return self.tuned.queries(self.n, self.counts["lexical"])

    def tuned_column(self, name: str) -> npt.NDArray[Any]:
        return self.tuned.columns[name].view(self.n)

    def seeker_id(self, row: int) -> uuid.UUID:
        return self.side.ids[row]


class SeekerSide:
    """Columns of every searchable seeker, kept current by the seeker change feed and by this process's own commits."""

    def __init__(self) -> None:
        self.columns = {name: Growable.empty(dtype) for name, dtype in COLUMNS.items()}
        self.tables = {name: {column: Growable.empty(dtype) for column, dtype in spec.items()} for name, spec in TABLES.items()}
        self.vectors: Growable | None = None
        self.terms: list[str] = []
        self.wishes: list[tuple[str, ...]] = []
        """Per row: the seeker's wished occupations (`system:code`), for tuning."""
        self.vocabs = {name: Vocab() for name in ("units", "caseworkers", "occupations", "stems", "exclusions")}
        self.exclusion_of: list[tuple[str, str]] = []
        self.ids: list[uuid.UUID] = []
        self.row_of: dict[uuid.UUID, int] = {}
        self.key_of: dict[uuid.UUID, str] = {}
        self.watermark: tuple[Any, uuid.UUID] | None = None
        """The seeker change feed's position: the next read starts after this (updated_at, id)."""
        self.generation = 0
        self._count = 0
        self._alive = np.zeros(0, dtype=bool)
        self._tuned: Tuned | None = None
        self._write = threading.Lock()
        self.rankings = RankingCache()
        """Candidate rankings by (caller scope, posting, version) and generation: paging reuses them."""

    @property
    def live_count(self) -> int:
        return len(self.row_of)

    @property
    def tuned_version(self) -> str | None:
        return self._tuned.snapshot.version if self._tuned is not None else None

    def view(self) -> SeekerView | None:
        """One consistent view, or None before the side is tuned to a posting index version."""
        with self._write:
            if self._tuned is None:
                return None
            counts = {name: columns["owner" if "owner" in columns else "skill"].count for name, columns in self.tables.items()}
            counts["lexical"] = self._tuned.lexical["owner"].count
            counts["closest"] = self._tuned.closest["owner"].count
            return SeekerView(self._count, self._alive, self._tuned, self.generation, self, counts)

    def apply(self, facts: Sequence[SeekerFacts], *, removed: Sequence[uuid.UUID] = ()) -> int:
        """Append a row for each seeker given (killing their previous row); kill the rows of `removed` ones."""
        tuned = self._tuned
        tuning = tune(tuned.snapshot, [tunable(f) for f in facts]) if tuned is not None and facts else None
        with self._write:
            fresh_at = [i for i, f in enumerate(facts) if self.key_of.get(f.seeker_id) != f.key]
            fresh = [facts[i] for i in fresh_at]
            gone = [seeker_id for seeker_id in removed if seeker_id in self.row_of]
            if not fresh and not gone:
                return 0
            first_new = self._count
            self._append(fresh)
            if self._tuned is not None:
                if self._tuned is tuned and tuning is not None:
                    self._tuned.extend(first_new, tuning.take(fresh_at))
                else:  # a new version arrived meanwhile
                    self._tuned.extend(first_new, tune(self._tuned.snapshot, [tunable(f) for f in fresh]))
            alive = np.zeros(first_new + len(fresh), dtype=bool)
            alive[:first_new] = self._alive
            dead: list[int] = []
            for seeker_id in [*gone, *(f.seeker_id for f in fresh)]:
                row = self.row_of.pop(seeker_id, None)
                if row is not None:
                    alive[row] = False
                    dead.append(row)
                self.key_of.pop(seeker_id, None)
            erased = set(gone)
            self._forget(dead, erased=[row for row in dead if self.ids[row] in erased])
            for offset, f in enumerate(fresh):
                self.row_of[f.seeker_id] = first_new + offset
                self.key_of[f.seeker_id] = f.key
            alive[first_new:] = True
            self._count = first_new + len(fresh)
            self._alive = alive
            self.generation += 1
            return len(fresh) + len(gone)

    def _forget(self, rows: list[int], *, erased: list[int]) -> None:
        """Keep nothing of a dead row's profile in memory: its vector, terms, places and lexical query are cleared.

        An erased seeker's id goes too, and cached rankings (which may name the row) are dropped.
        """
        if not rows:
            return
        if self.vectors is not None:
            self.vectors.view()[rows] = 0.0
        for row in rows:
            self.terms[row] = ""
            self.wishes[row] = ()
        dead = np.asarray(rows, dtype=np.int64)
        points = self.tables["points"]
        mine = np.isin(points["owner"].view(), dead)
        points["lat"].view()[mine] = np.nan
        points["lon"].view()[mine] = np.nan
        tuned = self._tuned
        if tuned is not None:
            tuned.lexical["weight"].view()[np.isin(tuned.lexical["owner"].view(), dead)] = 0.0
            tuned.closest["share"].view()[np.isin(tuned.closest["owner"].view(), dead)] = 0.0
            tuned.forget_queries()
        if erased:
            for row in erased:
                self.ids[row] = uuid.UUID(int=0)
            self.rankings = RankingCache()

    def retune(self, snapshot: IndexSnapshot) -> None:
        """Tune every row to a new posting index version beside the served tuning, then switch to it."""
        with self._write:
            upto = self._count
            live = self._tunables(0, upto)
        tuned = Tuned(snapshot)
        tuned.extend(0, tune(snapshot, live))
        with self._write:
            tuned.extend(upto, tune(snapshot, self._tunables(upto, self._count)))
            owners = tuned.lexical["owner"].view()
            tuned.lexical["weight"].view()[~self._alive[owners]] = 0.0  # rows that died while this tuning was computed
            tuned.closest["share"].view()[~self._alive[tuned.closest["owner"].view()]] = 0.0
            self._tuned = tuned
            self.generation += 1

    def _tunables(self, start: int, stop: int) -> list[Tunable | None]:
        """What tuning reads of rows start…stop, None for dead rows."""
        vectors = self.vectors.view() if self.vectors is not None else np.zeros((0, 0), np.float32)
        alive = self._alive
        return [(vectors[row], self.terms[row], self.wishes[row], bool(self.columns["has_text"].view()[row])) if alive[row] else None
                for row in range(start, stop)]

    def _append(self, facts: Sequence[SeekerFacts]) -> None:
        if not facts:
            return
        first = self._count
        values: dict[str, list[Any]] = {
            "id_hi": [f.seeker_id.int >> 64 for f in facts],
            "id_lo": [f.seeker_id.int & (2**64 - 1) for f in facts],
            "protected": [f.protected for f in facts],
            "unit": [self.vocabs["units"].id(f.unit) if f.unit else -1 for f in facts],
            "caseworker": [self.vocabs["caseworkers"].id(f.caseworker) if f.caseworker else -1 for f in facts],
            "has_text": [f.has_text for f in facts],
            "has_terms": [bool(f.terms.strip()) for f in facts],
            "has_occupations": [bool(f.occupations) for f in facts],
            "has_skills": [bool(f.skills.skills) for f in facts],
            "skill_total": [float(f.skills.weights.sum()) for f in facts],
            "stated": [f.stated for f in facts],
            "min_salary": [f.min_salary for f in facts],
        }
        for factor in StayFactor:
            if factor not in (StayFactor.COMMUTE, StayFactor.SALARY):
                values[f"bits_{factor.value}"] = [f.wish_bits[factor] for f in facts]
            values[f"importance_{factor.value}"] = [IMPORTANCES.index(f.importances[FACTORS.index(factor)]) for f in facts]
        for name, column in values.items():
            self.columns[name].append(column)
        for offset, f in enumerate(facts):
            row = first + offset
            self._rows("points", [{"owner": row, "lat": p.lat, "lon": p.lon, "max_km": p.max_km} for p in f.points])
            self._rows("occupations", [{"owner": row, "wish": self.vocabs["occupations"].id(key)} for key in f.occupations])
            self._rows("exclusions", [{"owner": row, "exclusion": self._exclusion(e.kind, e.value)} for e in f.exclusions])
            first_skill = self.tables["skills"]["owner"].count
            self._rows("skills", [{"owner": row, "weight": float(weight), "stems": len(stems)}
                                  for stems, weight in zip(f.skills.stems, f.skills.weights, strict=True)])
            self._rows("skill_stems", [{"skill": first_skill + index, "stem": self.vocabs["stems"].id(stem)}
                                       for index, stems in enumerate(f.skills.stems) for stem in stems])
        block = np.stack([f.vector for f in facts]).astype(np.float32)
        if self.vectors is None:
            self.vectors = Growable.empty("float32", width=block.shape[1])
        self.vectors.append(block)
        self.terms.extend(f.terms for f in facts)
        self.wishes.extend(f.occupations for f in facts)
        self.ids.extend(f.seeker_id for f in facts)

    def _exclusion(self, kind: str, value: str) -> int:
        key = f"{kind}\x00{value}"
        if self.vocabs["exclusions"].get(key) is None:
            self.exclusion_of.append((kind, value))
        return self.vocabs["exclusions"].id(key)

    def _rows(self, table: str, rows: list[dict[str, Any]]) -> None:
        if rows:
            for column, values in self.tables[table].items():
                values.append([row[column] for row in rows])


def tunable(facts: SeekerFacts) -> Tunable:
    return facts.vector, facts.terms, facts.occupations, facts.has_text
