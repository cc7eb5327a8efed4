"""A corpus on disk as segments: one base (every row, the HNSW graph, the lexical model) and the deltas written after it.

A segment is written once and never changed, so index versions share them (hard links). A delta holds what one
incremental reindex changed: the rows it appended (columns, texts, vectors, sparse rows), the rows it retired, and the
vocabulary terms, employers and occupation labels it added. Rows appended after the base are searched exactly, outside
the HNSW graph, until a compaction writes a fresh base.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from jobmatch.lexical.tfidf import LexicalModel
from jobmatch.search.corpus import ARRAY_COLUMNS, SPARSE, TEXT_COLUMNS, VOCABS, Corpus, Vocab
from jobmatch.search.dense import VECTORS_FILE, DenseRows
from jobmatch.search.rows import BoolArray, Growable, SparseRows, load_block, save_block

COLUMNS_FILE = "columns.npz"
TEXTS_FILE = "texts.json"
LEXICAL_MODEL_FILE = "lexical_model.npz"
EXTRA_POINTS = ("row", "lat", "lon")


@dataclass(frozen=True)
class Mark:
    """Where a corpus stood when it was loaded: a delta written later holds everything after it."""

    rows: int
    extra_points: int
    employers: int
    vocab_sizes: dict[str, int]
    occupation_labels: frozenset[str]
    alive: BoolArray
    vectors: int
    """Rows below `rows` that had a vector: a delta cannot describe a vector given to an older row."""


def mark(corpus: Corpus) -> Mark:
    view = corpus.view()
    return Mark(
        rows=view.n,
        extra_points=corpus.extra_points["row"].count,
        employers=len(corpus.employer_names),
        vocab_sizes={name: len(vocab) for name, vocab in corpus.vocabs.items()},
        occupation_labels=frozenset(corpus.occupation_labels),
        alive=view.alive.copy(),
        vectors=int(corpus.column("has_vector", view.n).sum()),
    )


def fits_a_delta(corpus: Corpus, since: Mark) -> bool:
    """Whether everything that changed since the mark is appended rows and retired rows (no older row was changed)."""
    return int(corpus.column("has_vector", since.rows).sum()) == since.vectors


def save_base(corpus: Corpus, folder: Path) -> None:
    """Every row of the corpus (folded), its graph and lexical model."""
    view = corpus.view()
    n = view.n
    arrays = {name: column.view(n) for name, column in corpus.columns.items()}
    arrays |= {f"extra_{name}": column.view() for name, column in corpus.extra_points.items()}
    arrays["alive"] = view.alive
    np.savez(folder / COLUMNS_FILE, **arrays)  # type: ignore[arg-type]
    texts: dict[str, Any] = {name: values[:n] for name, values in corpus.texts.items()}
    texts |= {"extra_places": corpus.extra_places, "employer_names": corpus.employer_names,
              "occupation_labels": corpus.occupation_labels, "hashes": _hashes(corpus, arrays["ids"])}
    texts |= {f"vocab_{name}": vocab.terms for name, vocab in corpus.vocabs.items()}
    (folder / TEXTS_FILE).write_text(json.dumps(texts, ensure_ascii=False))
    for name, rows in corpus.sparse.items():
        save_block(rows.since(0), folder, name)
    corpus.lexical_model.save(folder / LEXICAL_MODEL_FILE)
    corpus.dense.save(folder, n)


def save_delta(corpus: Corpus, folder: Path, *, since: Mark) -> None:
    """The rows appended since the mark and the rows retired since, with the terms they added."""
    view = corpus.view()
    n, first = view.n, since.rows
    arrays = {name: column.view(n)[first:] for name, column in corpus.columns.items()}
    arrays |= {f"extra_{name}": column.view()[since.extra_points :] for name, column in corpus.extra_points.items()}
    arrays["retired"] = _retired(corpus, since)
    np.savez(folder / COLUMNS_FILE, **arrays)  # type: ignore[arg-type]
    texts: dict[str, Any] = {name: values[first:n] for name, values in corpus.texts.items()}
    texts |= {
        "first_row": first,
        "extra_places": corpus.extra_places[since.extra_points :],
        "employer_names": corpus.employer_names[since.employers :],
        "occupation_labels": {key: label for key, label in corpus.occupation_labels.items() if key not in since.occupation_labels},
        "hashes": _hashes(corpus, arrays["ids"]),
    }
    texts |= {f"vocab_{name}": vocab.terms[since.vocab_sizes[name] :] for name, vocab in corpus.vocabs.items()}
    (folder / TEXTS_FILE).write_text(json.dumps(texts, ensure_ascii=False))
    for name, rows in corpus.sparse.items():
        save_block(rows.since(first), folder, name)
    np.save(folder / VECTORS_FILE, corpus.dense.vectors.view(n)[first:])


def check_delta(corpus: Corpus, folder: Path, *, since: Mark) -> None:
    """Read a written delta back: it must hold exactly the rows, retirements and vectors the corpus changed since the mark."""
    view = corpus.view()
    with np.load(folder / COLUMNS_FILE, allow_pickle=False) as arrays:
        ids, retired = np.array(arrays["ids"]), np.array(arrays["retired"])
    first_row = json.loads((folder / TEXTS_FILE).read_text())["first_row"]
    if first_row != since.rows or not np.array_equal(ids, corpus.column("ids", view.n)[since.rows :]):
        raise ValueError(f"delta {folder.name} does not hold the rows appended since row {since.rows}")
    if not np.array_equal(retired, _retired(corpus, since)):
        raise ValueError(f"delta {folder.name} does not list the rows retired since row {since.rows}")
    if not np.array_equal(np.load(folder / VECTORS_FILE), corpus.dense.vectors.view(view.n)[since.rows :]):
        raise ValueError(f"delta {folder.name}: its vectors differ from the rows'")
    for name in corpus.sparse:
        block = load_block(folder, name)
        if block is None or block.shape[0] != len(ids):
            raise ValueError(f"delta {folder.name}: {name} is missing or holds another number of rows")


def load(base: Path, deltas: Sequence[Path] = ()) -> Corpus:
    """The corpus a base and its deltas (in order) describe; ValueError when they do not fit together."""
    dense = DenseRows.load(base)
    if deltas:  # one copy of every vector, not one per delta
        dense.vectors = Growable(np.concatenate([dense.vectors.view(), *(np.load(folder / VECTORS_FILE) for folder in deltas)]))
    corpus = Corpus(lexical_model=LexicalModel.load(base / LEXICAL_MODEL_FILE), dense=dense)
    segments = [base, *deltas]
    columns: dict[str, list[npt.NDArray[Any]]] = {name: [] for name in [*ARRAY_COLUMNS, *(f"extra_{e}" for e in EXTRA_POINTS)]}
    alive_parts: list[BoolArray] = []
    retired: list[npt.NDArray[np.int64]] = []
    texts: dict[str, list[Any]] = {name: [] for name in [*TEXT_COLUMNS, "extra_places", "employer_names", "hashes",
                                                         *(f"vocab_{v}" for v in VOCABS)]}
    blocks: dict[str, list[Any]] = {name: [] for name in SPARSE}
    rows = 0
    for number, folder in enumerate(segments):
        with np.load(folder / COLUMNS_FILE, allow_pickle=False) as arrays:
            for name, parts in columns.items():
                parts.append(np.array(arrays[name]))
            if number == 0:
                alive_parts.append(np.array(arrays["alive"], dtype=bool))
            else:
                alive_parts.append(np.ones(len(arrays["ids"]), dtype=bool))
                retired.append(np.array(arrays["retired"], dtype=np.int64))
        segment_texts = json.loads((folder / TEXTS_FILE).read_text())
        if number and segment_texts["first_row"] != rows:
            raise ValueError(f"segment {folder.name} starts at row {segment_texts['first_row']}, the segments before it end at {rows}")
        rows += len(columns["ids"][-1])
        for name, values in texts.items():
            values.extend(segment_texts[name])
        for key, label in segment_texts["occupation_labels"].items():
            corpus.occupation_labels.setdefault(key, label)
        for name, found in blocks.items():
            block = load_block(folder, name)
            if block is not None:
                found.append(block)
    if len(corpus.dense.vectors.view()) != rows:
        raise ValueError(f"{len(corpus.dense.vectors.view())} vectors for {rows} rows")
    for name in ARRAY_COLUMNS:
        corpus.columns[name] = Growable(np.concatenate(columns[name]))
    for name in EXTRA_POINTS:
        corpus.extra_points[name] = Growable(np.concatenate(columns[f"extra_{name}"]))
    for name in TEXT_COLUMNS:
        corpus.texts[name] = texts[name]
    corpus.extra_places = texts["extra_places"]
    corpus.employer_names = texts["employer_names"]
    for name in VOCABS:
        corpus.vocabs[name] = Vocab(texts[f"vocab_{name}"])
    for name, found in blocks.items():
        if found:
            corpus.sparse[name] = SparseRows(found, max(int(block.shape[1]) for block in found))
    alive = np.concatenate(alive_parts)
    for dead in retired:
        alive[dead] = False
    corpus.restore_rows(alive, texts["hashes"])
    return corpus


def _retired(corpus: Corpus, since: Mark) -> npt.NDArray[np.int64]:
    """Rows alive at the mark that are dead now, and rows appended since that are dead already."""
    alive = corpus.view().alive
    return np.flatnonzero(np.concatenate([since.alive & ~alive[: since.rows], ~alive[since.rows :]])).astype(np.int64)


def _hashes(corpus: Corpus, ids: npt.NDArray[np.int64]) -> list[str]:
    return [corpus.hash_of.get(int(i), "") for i in ids]
