"""The served corpus: every posting's features as columns in one row space, its vectors, and its inverted indexes.

A row is one version of one posting. Rows are appended, never changed: a changed posting gets a new row and its old
row dies; a removed or deactivated posting's row dies. Readers take a `CorpusView` (row count + alive mask) once per
request and see one consistent corpus while the change feed appends.
"""

from __future__ import annotations

import math
import threading
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from jobmatch.lexical.tfidf import LexicalModel
from jobmatch.search.dense import DenseRows
from jobmatch.search.facts import PostingFacts
from jobmatch.search.rows import BoolArray, Growable, SparseRows, binary_rows

ARRAY_COLUMNS: dict[str, str] = {
    "ids": "int64", "expires": "float64", "lat": "float32", "lon": "float32",
    "extent": "int8", "engagement": "int8", "sector": "int8", "remote": "int8", "hours": "uint8",
    "salary": "float32", "salary_kind": "int8", "employer": "int32",
    "prior_occupation": "int32", "prior_region": "int32", "prior_employer": "int32", "has_vector": "bool", "n_occupations": "int16",
}  # fmt: skip
TEXT_COLUMNS = ("titles", "places", "lexical_texts", "salary_texts", "occupations")
VOCABS = ("employers", "occupations", "municipalities", "words", "prior_keys")
SPARSE = ("occupation_rows", "municipality_rows", "word_rows", "lexical_rows")
CALIBRATION_SAMPLE = 1_000
"""Rows whose similarity to a query sets its mean and spread: a z-score puts both similarities on one scale."""
LEXICAL_GROWTH_LIMIT = 1.2
"""Live rows beyond this multiple of the lexical model's fitted documents call for a new fit (`outgrew_lexical_fit`)."""


class Vocab:
    """Terms to column numbers; new terms get the next number. `prefixed` finds every term starting with a prefix."""

    def __init__(self, terms: Sequence[str] = ()) -> None:
        self.terms: list[str] = list(terms)
        self.index: dict[str, int] = {term: i for i, term in enumerate(self.terms)}
        self._sorted = sorted(self.terms)
        self._sorted_ids = [self.index[t] for t in self._sorted]
        self._unsorted_from = len(self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    def id(self, term: str) -> int:
        found = self.index.get(term)
        if found is None:
            found = self.index[term] = len(self.terms)
            self.terms.append(term)
        return found

    def get(self, term: str) -> int | None:
        return self.index.get(term)

    def prefixed(self, prefix: str) -> list[int]:
        start = bisect_left(self._sorted, prefix)
        found = []
        for position in range(start, len(self._sorted)):
            if not self._sorted[position].startswith(prefix):
                break
            found.append(self._sorted_ids[position])
        found += [i for i in range(self._unsorted_from, len(self.terms)) if self.terms[i].startswith(prefix)]
        return found


def _applied_key(facts: PostingFacts) -> str:
    """What the corpus holds of a posting: its content and whether it is active (as `effective_status` names it)."""
    return f"{facts.content_hash}:{'active' if facts.active else 'inactive'}"


@dataclass(frozen=True)
class CorpusView:
    """What one request sees: the first `n` rows, and which of them are live postings."""

    n: int
    alive: BoolArray


CODED_SYSTEMS = ("STYRK08", "ISCO08")
"""Occupation systems whose codes nest ISCO-08's groups."""


def minor_group(term: str) -> str | None:
    """The ISCO-08 minor group of an occupation key (`STYRK08:2223` → `222`), or None (ESCO, or too short a code)."""
    system, _, code = term.partition(":")
    return code[:3] if system in CODED_SYSTEMS and len(code) >= 3 and code[:3].isdigit() else None


@dataclass(frozen=True)
class Groups:
    """Occupation columns' ISCO minor groups and the groups' centroids."""

    of_column: npt.NDArray[np.int64]
    """Per occupation column: its group's index, -1 when it has none."""
    centroids: npt.NDArray[np.float32]
    known: npt.NDArray[np.bool_]
    """Per group: whether some live posting with a vector is in it."""
    column_known: npt.NDArray[np.bool_]
    """Per occupation column: whether it has a group and that group a centroid."""


class OccupationSets:
    """The distinct sets of occupation columns among a corpus's rows, and each row's set, grown as rows are appended."""

    def __init__(self) -> None:
        self.index: dict[tuple[int, ...], int] = {(): 0}
        self.members: list[list[int]] = [[]]
        self.of_row = Growable.empty(np.int32)
        self._matrix: sp.csr_matrix | None = None

    @property
    def rows(self) -> int:
        return self.of_row.count

    def extend(self, indptr: list[int], indices: list[int]) -> None:
        """Add the rows whose column lists `indptr` (row starts and the last row's end) points to in `indices`."""
        found = []
        for begin, end in zip(indptr, indptr[1:], strict=False):
            key = tuple(indices[begin:end])
            at = self.index.get(key)
            if at is None:
                at = self.index[key] = len(self.members)
                self.members.append(list(key))
            found.append(at)
        self.of_row.append(np.asarray(found, dtype=np.int32))

    def matrix(self, n_cols: int) -> sp.csr_matrix:
        """The sets as 0/1 CSR rows over `n_cols` occupation columns."""
        matrix = self._matrix
        if matrix is None or matrix.shape != (len(self.members), n_cols):
            matrix = self._matrix = binary_rows(self.members, n_cols)
        return matrix


class Corpus:
    """Columns, vectors and inverted indexes of the postings of one index version, kept current by the change feed."""

    def __init__(self, *, lexical_model: LexicalModel, dense: DenseRows) -> None:
        self.lexical_model = lexical_model
        self.dense = dense
        self.columns: dict[str, Growable] = {name: Growable.empty(dtype) for name, dtype in ARRAY_COLUMNS.items()}
        self.texts: dict[str, list[str]] = {name: [] for name in TEXT_COLUMNS}
        self.vocabs: dict[str, Vocab] = {name: Vocab() for name in VOCABS}
        self.extra_points = {name: Growable.empty(dtype) for name, dtype in (("row", "int32"), ("lat", "float32"), ("lon", "float32"))}
        self.extra_places: list[str] = []
        self.employer_names: list[str] = []
        self.occupation_labels: dict[str, str] = {}
        """A label for each occupation code, as the first posting with it gave it."""
        """Display name of each employer in the `employers` vocabulary (folded names), by id."""
        self.sparse: dict[str, SparseRows] = {}
        self.row_of: dict[int, int] = {}
        self.hash_of: dict[int, str] = {}
        self._view = CorpusView(0, np.zeros(0, dtype=bool))
        self._write = threading.Lock()
        self.generation = 0
        """Bumped on every change: rankings cached for an older generation are stale."""
        self._sample: tuple[npt.NDArray[np.int64], npt.NDArray[np.float32], Any] | None = None
        self._centroids: npt.NDArray[np.float32] | None = None
        self._centroids_known: npt.NDArray[np.bool_] = np.zeros(0, dtype=bool)
        self._column_sums: npt.NDArray[np.float32] = np.zeros((0, 0), dtype=np.float32)
        self._groups: Groups | None = None
        self._pool: npt.NDArray[np.bool_] | None = None
        self._by_group: tuple[int, dict[str, npt.NDArray[np.int64]]] | None = None
        self._sets: OccupationSets | None = None
        self._sets_lock = threading.Lock()

    def view(self) -> CorpusView:
        return self._view

    @property
    def live_count(self) -> int:
        return len(self.row_of)

    def calibration_sample(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32], Any]:
        """Up to CALIBRATION_SAMPLE live rows of the folded part, their vectors and lexical rows (as CSC, an inverted
        index of the sample): what z-scores are relative to."""
        sample = self._sample
        if sample is None:
            view = self._view
            n_folded = min(self.sparse["lexical_rows"].n_folded, view.n) if "lexical_rows" in self.sparse else 0
            live = np.flatnonzero(view.alive[:n_folded])
            rows = live[np.linspace(0, len(live) - 1, num=min(CALIBRATION_SAMPLE, len(live)), dtype=np.int64)] if len(live) else live
            lexical = sp.csc_matrix(self.sparse["lexical_rows"].take(rows)) if len(rows) else None  # read by column
            sample = self._sample = (rows, self.dense.vectors.view()[rows].copy(), lexical)
        return sample

    def closest_pool(self) -> npt.NDArray[np.bool_]:
        """Per row of the current view: whether it is among the rows a seeker's closest postings are picked from (the
        folded part's live rows with a vector, as they were when first asked for; fixed until the next fold)."""
        pool = self._pool
        if pool is None:
            view = self._view
            n_folded = min(self.sparse["lexical_rows"].n_folded, view.n) if "lexical_rows" in self.sparse else 0
            pool = self._pool = view.alive[:n_folded] & self.columns["has_vector"].view(n_folded)
        n = self._view.n
        padded = np.zeros(n, dtype=bool)
        padded[: min(n, len(pool))] = pool[:n]
        return padded

    def occupation_keys(self, row: int) -> list[str]:
        """The row's occupation keys (`system:code`), as the posting gave them."""
        return [key for key in self.texts["occupations"][row].split("\n") if key]

    def occupation_sets(self, n: int) -> tuple[npt.NDArray[np.int32], sp.csr_matrix]:
        """Per row of the first n: which distinct set of occupation columns it has; and those sets, one CSR row each (set
        0 is the empty one). A market of many postings has few distinct sets, so a request computes an occupation
        feature once per set and gathers it for every row."""
        with self._sets_lock:
            sets = self._sets
            if sets is None:
                sets = self._sets = OccupationSets()
            occupation_rows = self.sparse["occupation_rows"]
            folded = min(n, occupation_rows.n_folded)
            if sets.rows < folded:  # once per fold: the folded rows, row by row
                by_row = sp.csr_matrix(sp.vstack([sp.csr_matrix(block) for block in occupation_rows.blocks], format="csr"))
                by_row.sort_indices()
                sets.extend(by_row.indptr[sets.rows : folded + 1].tolist(), by_row.indices[: int(by_row.indptr[folded])].tolist())
            if sets.rows < n:  # rows appended since the fold
                later = self._occupation_rows_of(np.arange(sets.rows, n, dtype=np.int64), len(self.vocabs["occupations"]))
                sets.extend(later.indptr.tolist(), later.indices.tolist())
            return sets.of_row.view(n), sets.matrix(len(self.vocabs["occupations"]))

    def _occupation_rows_of(self, rows: npt.NDArray[np.int64], n_cols: int) -> sp.csr_matrix:
        vocab = self.vocabs["occupations"]
        return binary_rows([sorted(col for key in self.occupation_keys(row) if (col := vocab.get(key)) is not None)
                            for row in rows.tolist()], n_cols)

    def columns_by_group(self) -> dict[str, npt.NDArray[np.int64]]:
        """The occupation columns of each ISCO minor group (by the group's three digits)."""
        terms = self.vocabs["occupations"].terms
        found = self._by_group
        if found is None or found[0] != len(terms):
            groups: dict[str, list[int]] = {}
            for col, term in enumerate(terms):
                group = minor_group(term)
                if group is not None:
                    groups.setdefault(group, []).append(col)
            found = self._by_group = (len(terms), {name: np.asarray(cols, dtype=np.int64) for name, cols in groups.items()})
        return found[1]

    def warm(self) -> None:
        """Compute what requests share (the calibration sample, the occupations' centroids, the closest-postings pool)
        before the corpus serves, so that no request pays for it."""
        self.calibration_sample()
        self.occupation_centroids()
        self.groups()
        self.closest_pool()
        if "occupation_rows" in self.sparse:
            self.occupation_sets(self._view.n)

    def occupation_centroids(self) -> npt.NDArray[np.float32]:
        """Per occupation column of the folded part: the unit-length mean vector of its live postings (zeros where none).

        What the postings of one occupation have in common is the work itself; places, employers and boilerplate
        average out. Recomputed after each fold, like the calibration sample.
        """
        centroids = self._centroids
        if centroids is None:
            rows = self.sparse.get("occupation_rows")
            dim = self.dense.dim
            if rows is None:
                self._centroids_known = np.zeros(0, dtype=bool)
                return np.zeros((0, dim), dtype=np.float32)
            n_folded = min(rows.n_folded, self._view.n)
            usable = (self._view.alive[:n_folded] & self.columns["has_vector"].view(n_folded)).astype(np.float32)
            vectors = self.dense.vectors.view(n_folded)
            sums = np.zeros((rows.n_cols, dim), dtype=np.float32)
            for block, start in zip(rows.blocks, rows.block_starts, strict=False):
                end = min(n_folded, int(start) + int(block.shape[0]))
                if end > start:
                    part = sp.csr_matrix(block[: end - start]).T @ sp.diags(usable[start:end])
                    sums[: block.shape[1]] += np.asarray(part @ vectors[start:end], dtype=np.float32)
            norms = np.linalg.norm(sums, axis=1, keepdims=True)
            centroids = self._centroids = np.divide(sums, norms, out=np.zeros_like(sums), where=norms > 0)
            self._centroids_known = norms[:, 0] > 0
            self._column_sums = sums
        return centroids

    def groups(self) -> Groups:
        """The occupations' ISCO minor groups (the first three digits of a STYRK-08 or ISCO-08 code) in the folded part:
        each occupation column's group, and each group's unit-length mean vector (its columns' postings together).

        A group's centroid is what a whole area of work has in common: a seeker whose words fit the area is close to it
        even when another occupation of the area is the one they describe best. Recomputed after each fold.
        """
        found = self._groups
        if found is None:
            centroids = self.occupation_centroids()
            sums = self._column_sums if len(centroids) else np.zeros((0, self.dense.dim), dtype=np.float32)
            names: dict[str, int] = {}
            of_column = np.full(len(sums), -1, dtype=np.int64)
            for col, term in enumerate(self.vocabs["occupations"].terms[: len(sums)]):
                group = minor_group(term)
                if group is not None:
                    of_column[col] = names.setdefault(group, len(names))
            group_sums = np.zeros((len(names), self.dense.dim), dtype=np.float32)
            grouped = np.flatnonzero(of_column >= 0)
            np.add.at(group_sums, of_column[grouped], sums[grouped])
            norms = np.linalg.norm(group_sums, axis=1, keepdims=True)
            group_centroids = np.divide(group_sums, norms, out=np.zeros_like(group_sums), where=norms > 0)
            known = norms[:, 0] > 0
            column_known = np.zeros(len(of_column), dtype=bool)
            column_known[grouped] = known[of_column[grouped]]
            found = self._groups = Groups(of_column, group_centroids, known, column_known)
        return found

    def occupation_known(self) -> npt.NDArray[np.bool_]:
        """Which occupation columns have a centroid (some live posting with a vector)."""
        self.occupation_centroids()
        return self._centroids_known

    def outgrew_lexical_fit(self) -> bool:
        """Whether the live rows outnumber the lexical model's fitted documents by more than LEXICAL_GROWTH_LIMIT.

        Rows added after a fit are weighed with its idf, and n-grams it never saw carry no weight: a version grown from
        an empty or a small one (a fresh service, then a bulk import) has a lexical channel that barely counts until a
        build fits it again."""
        return self.live_count > LEXICAL_GROWTH_LIMIT * self.lexical_model.fitted_docs

    def dead_share(self) -> float:
        """The share of rows that no longer serve (changed, removed or inactive postings)."""
        view = self._view
        return 0.0 if not view.n else 1 - len(self.row_of) / view.n

    def column(self, name: str, n: int) -> npt.NDArray[Any]:
        return self.columns[name].view(n)

    def value(self, name: str, row: int) -> Any:
        return self.columns[name].view()[row]

    def apply(
        self, facts: Sequence[PostingFacts], vectors: dict[int, npt.NDArray[np.float32]], *, removed: Sequence[int] = (),
        lexical_rows: Any = None,
    ) -> int:
        """Append a row for each active posting (killing its previous row), kill rows of inactive or removed ones.

        `lexical_rows` may pass the facts' weighted lexical rows when they were computed already (a full build's fit).
        """
        with self._write:
            view = self._view
            fresh = [f for f in facts if self.hash_of.get(f.posting_id) != _applied_key(f)]
            kill = [self.row_of[i] for i in [*removed, *(f.posting_id for f in fresh)] if i in self.row_of]
            adding = [f for f in fresh if f.active]
            first_new = view.n
            if lexical_rows is not None and len(adding) != len(facts):
                lexical_rows = None  # computed for all facts, but only some are added
            self._append_rows(adding, vectors, lexical_rows)
            alive = np.zeros(first_new + len(adding), dtype=bool)
            alive[:first_new] = view.alive
            alive[kill] = False
            alive[first_new:] = True
            for posting_id in [*removed, *(f.posting_id for f in fresh)]:
                self.row_of.pop(posting_id, None)
                self.hash_of.pop(posting_id, None)
            for offset, f in enumerate(adding):
                self.row_of[f.posting_id] = first_new + offset
            for f in fresh:
                self.hash_of[f.posting_id] = _applied_key(f)
            if fresh or kill:
                self.generation += 1
            self._view = CorpusView(first_new + len(adding), alive)
            return len(fresh) + len(removed)

    def fill_vector(self, posting_id: int, vector: npt.NDArray[np.float32]) -> bool:
        """Give a live row that waited for its vector its vector; False when the posting changed meanwhile."""
        with self._write:
            row = self.row_of.get(posting_id)
            if row is None or self.columns["has_vector"].view()[row]:
                return False
            self.dense.set(row, vector)
            self.columns["has_vector"].set(row, True)
            self.generation += 1
            return True

    def waiting_for_vectors(self) -> list[int]:
        has = self.columns["has_vector"].view()
        return [posting_id for posting_id, row in self.row_of.items() if not has[row]]

    def _append_rows(self, facts: Sequence[PostingFacts], vectors: dict[int, npt.NDArray[np.float32]], lexical_rows: Any = None) -> None:
        if not facts:
            return
        first_new = self.columns["ids"].count
        vocab = self.vocabs
        employer_ids = []
        for f in facts:
            if f.employer_key and vocab["employers"].get(f.employer_key) is None:
                self.employer_names.append(f.employer_name)
            employer_ids.append(vocab["employers"].id(f.employer_key) if f.employer_key else -1)
        values: dict[str, list[Any]] = {
            "ids": [f.posting_id for f in facts],
            "expires": [f.expires for f in facts],
            "lat": [f.points[0][0] if f.points else math.nan for f in facts],
            "lon": [f.points[0][1] if f.points else math.nan for f in facts],
            "extent": [f.extent for f in facts],
            "engagement": [f.engagement for f in facts],
            "sector": [f.sector for f in facts],
            "remote": [f.remote for f in facts],
            "hours": [f.hours for f in facts],
            "salary": [f.salary_yearly for f in facts],
            "salary_kind": [int(f.salary_kind) for f in facts],
            "employer": employer_ids,
            "prior_occupation": [vocab["prior_keys"].id("o:" + f.prior_occupation) for f in facts],
            "prior_region": [vocab["prior_keys"].id("r:" + f.prior_region) for f in facts],
            "prior_employer": [vocab["prior_keys"].id("e:" + f.prior_employer) for f in facts],
            "has_vector": [f.posting_id in vectors for f in facts],
            "n_occupations": [len(f.occupations) for f in facts],
        }
        for name, column_values in values.items():
            self.columns[name].append(column_values)
        for f in facts:
            for key, label in f.occupation_labels.items():
                self.occupation_labels.setdefault(key, label)
        self.texts["titles"].extend(f.title for f in facts)
        self.texts["places"].extend(f.places[0] if f.places else "" for f in facts)
        self.texts["lexical_texts"].extend(f.lexical_text for f in facts)
        self.texts["salary_texts"].extend(f.salary_text for f in facts)
        self.texts["occupations"].extend("\n".join(f.occupations) for f in facts)
        for offset, f in enumerate(facts):
            for (lat, lon), place in zip(f.points[1:], f.places[1:], strict=True):
                self.extra_points["row"].append([first_new + offset])
                self.extra_points["lat"].append([lat])
                self.extra_points["lon"].append([lon])
                self.extra_places.append(place)
        sparse_cols = {
            "occupation_rows": ("occupations", [f.occupations for f in facts]),
            "municipality_rows": ("municipalities", [f.municipalities for f in facts]),
            "word_rows": ("words", [f.words for f in facts]),
        }
        for name, (vocab_name, terms) in sparse_cols.items():
            columns = [[vocab[vocab_name].id(t) for t in row_terms] for row_terms in terms]
            self._sparse_append(name, binary_rows(columns, max(len(vocab[vocab_name]), 1)))
        if lexical_rows is None:
            lexical_rows = self.lexical_model.transform([f.lexical_text for f in facts])
        self._sparse_append("lexical_rows", lexical_rows)
        dim = self.dense.dim
        self.dense.append(np.stack([vectors.get(f.posting_id, np.zeros(dim, np.float32)) for f in facts]))

    def _sparse_append(self, name: str, rows: Any) -> None:
        existing = self.sparse.get(name)
        if existing is None:
            self.sparse[name] = SparseRows.of(rows, int(rows.shape[1]))
        else:
            existing.append(rows)

    def restore_rows(self, alive: BoolArray, hashes: Sequence[str]) -> None:
        """Serve the rows loaded into the columns: `alive` marks the live ones, `hashes` what each row holds of its posting."""
        ids = self.columns["ids"].view()
        for row in np.flatnonzero(alive).tolist():
            self.row_of[int(ids[row])] = row
            self.hash_of[int(ids[row])] = hashes[row]
        self._view = CorpusView(len(ids), alive)

    def fold(self) -> None:
        """Merge appended rows into the main indexes (after a reindex applied its changes)."""
        with self._write:
            for name, rows in self.sparse.items():
                self.sparse[name] = rows.folded()
            for name, vocab in self.vocabs.items():
                self.vocabs[name] = Vocab(vocab.terms)
            self.dense.fold()
            self._sample = None
            self._centroids = None
            self._groups = None
            self._pool = None
            self._by_group = None
            self._sets = None
