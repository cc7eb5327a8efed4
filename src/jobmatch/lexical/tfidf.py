"""Character n-gram TF-IDF over postings: hashed features, idf fixed at fit, cosine scores."""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

from jobmatch.lexical.normalise import normalise
from jobmatch.lexical.terms import TermMatch, best_matches

FORMAT = "jobmatch.lexical/1"
# Why character n-grams inside word boundaries: Norwegian inflects with suffixes (sykepleier, sykepleiere,
# sykepleieren) and writes compounds as one word (barnehagelærer ~ lærer i barnehage); short character
# n-grams share most of their features across those forms without a stemmer or a compound splitter.
# The range was chosen by measurement (benchmarks/lexical_melo.py): MELO nor_q_no_c_no, 96 Norwegian STYRK
# titles -> ESCO labels, MRR / Recall@10 on the full corpus and on ESCO occupations only; then MRR of finding
# each of 50 NAV ads from its title among the ads' long body texts:
#
#                      full MRR  full R@10   occ MRR  occ R@10   ads MRR
#     char_wb (1,3)      0.2904     0.4273    0.5477    0.4668    0.7532
#     char_wb (2,4)      0.2838     0.4345    0.5401    0.4607    0.8675   <- default
#     char_wb (3,5)      0.2750     0.4177    0.5438    0.4415    0.8664
#     char_wb (3,6)      0.2694     0.4112    0.5419    0.4415    0.8564
#     word TF-IDF        0.0466     0.0454    0.0895    0.0489    0.8787
#     BM25 (words)       0.0461     0.0454    0.0878    0.0489    0.9013
#     published MELO char_tf_idf 0.2876 / 0.4035 (reproduced here: 0.2878 / 0.4035; 0.5520 / 0.4415 occupations)
#
# (2,4) has the best Recall@10 of the long-text-safe ranges (3-4 more queries with a hit, none fewer; MRR
# differences are within +-0.02 bootstrap noise); (1,3) wins on short labels but loses 0.11 MRR on long
# postings; word models cannot match inflected or compound forms (MELO MRR 0.05). (2,4) is also the smaller
# index: 1,830 stored n-grams per 2,270-character NAV ad against 2,330 for (3,5), i.e. ~15 KB per posting.
DEFAULT_NGRAM_RANGE = (2, 4)
# 2**20 buckets: collisions are rare for tens of thousands of postings, and the idf vector stays at 4 MB.
DEFAULT_N_FEATURES = 2**20

Matrix: TypeAlias = sp.csr_matrix
FloatArray = npt.NDArray[np.float32]
IdArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class _Corpus:
    """The indexed documents; replaced as a whole on every change so readers never see half an update."""

    matrix: Matrix
    doc_ids: IdArray
    rows: dict[int, int]


class LexicalIndex:
    """TF-IDF over char_wb n-grams, sublinear tf, L2-normalised; the idf is fixed at `fit`."""

    # `add`/`remove` keep the index current between nightly rebuilds: new documents are weighed with the
    # fitted idf, so n-grams the fit never saw carry no weight until the next `fit`. Readers may run while
    # one writer calls `add`/`remove` (the corpus is swapped in one assignment); two writers need a lock.

    def __init__(
        self,
        *,
        ngram_range: tuple[int, int] = DEFAULT_NGRAM_RANGE,
        n_features: int = DEFAULT_N_FEATURES,
        idf: FloatArray | None = None,
        fitted_docs: int = 0,
    ) -> None:
        if not 1 <= ngram_range[0] <= ngram_range[1]:
            raise ValueError(f"bad ngram_range {ngram_range}")
        self.ngram_range = (int(ngram_range[0]), int(ngram_range[1]))
        self.n_features = int(n_features)
        self.fitted_docs = fitted_docs
        self._idf: FloatArray = np.zeros(self.n_features, np.float32) if idf is None else idf.astype(np.float32)
        if self._idf.shape != (self.n_features,):
            raise ValueError("idf length differs from n_features")
        self._vectorizer = HashingVectorizer(
            analyzer="char_wb",
            ngram_range=self.ngram_range,
            n_features=self.n_features,
            preprocessor=normalise,
            alternate_sign=False,
            norm=None,
            dtype=np.float32,
        )
        self._corpus = _Corpus(sp.csr_matrix((0, self.n_features), dtype=np.float32), np.empty(0, np.int64), {})

    @classmethod
    def fit(
        cls,
        doc_ids: Sequence[int],
        texts: Sequence[str],
        *,
        ngram_range: tuple[int, int] = DEFAULT_NGRAM_RANGE,
        n_features: int = DEFAULT_N_FEATURES,
    ) -> LexicalIndex:
        """Learn the idf from these documents and index them."""
        ids = _checked_ids(doc_ids, texts)
        index = cls(ngram_range=ngram_range, n_features=n_features)
        counts = index._counts(texts)
        document_frequency = np.bincount(counts.indices, minlength=index.n_features)
        seen = document_frequency > 0
        # sklearn's smooth idf; n-grams absent from the fit get 0, as a fitted vocabulary would drop them.
        index._idf[seen] = np.log((1 + len(ids)) / (1 + document_frequency[seen])) + 1
        index.fitted_docs = len(ids)
        index._corpus = _corpus(index._weigh(counts), ids)
        return index

    def __len__(self) -> int:
        return len(self._corpus.doc_ids)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._corpus.rows

    @property
    def doc_ids(self) -> list[int]:
        """The indexed document ids, in row order."""
        return [int(doc_id) for doc_id in self._corpus.doc_ids]

    def add(self, doc_ids: Sequence[int], texts: Sequence[str]) -> None:
        """Index these documents with the fitted idf, replacing any already indexed under the same id."""
        ids = _checked_ids(doc_ids, texts)
        if not len(ids):
            return
        kept = self._without(ids)
        matrix = sp.vstack([kept.matrix, self._weigh(self._counts(texts))], format="csr", dtype=np.float32)
        self._corpus = _corpus(matrix, np.concatenate([kept.doc_ids, ids]))

    def remove(self, doc_ids: Sequence[int]) -> int:
        """Drop these documents; unknown ids are ignored. Returns how many were removed."""
        before = len(self._corpus.doc_ids)
        self._corpus = self._without(np.asarray(doc_ids, dtype=np.int64))
        return before - len(self._corpus.doc_ids)

    def scores(self, query_text: str, doc_ids: Sequence[int]) -> FloatArray:
        """Cosine between the query and each of these documents (0 for ids not in the index)."""
        corpus = self._corpus
        rows = np.fromiter((corpus.rows.get(int(doc_id), -1) for doc_id in doc_ids), np.int64, len(doc_ids))
        result = np.zeros(len(doc_ids), np.float32)
        known = rows >= 0
        if known.any():
            result[known] = _dense(corpus.matrix[rows[known]] @ self._vector(query_text).T)
        return result

    def search(self, query_text: str, k: int) -> list[tuple[int, float]]:
        """The k documents most similar to the query, best first; documents sharing no n-gram are left out."""
        corpus = self._corpus
        if k <= 0 or not len(corpus.doc_ids):
            return []
        similarity = _dense(corpus.matrix @ self._vector(query_text).T)
        candidates = np.flatnonzero(similarity > 0)
        if len(candidates) > k:
            candidates = candidates[np.argpartition(-similarity[candidates], k - 1)[:k]]
        # Best first; equal scores by ascending id so results are reproducible.
        order = np.lexsort((corpus.doc_ids[candidates], -similarity[candidates]))
        return [(int(corpus.doc_ids[row]), float(similarity[row])) for row in candidates[order]]

    def matched_terms(self, query_text: str, doc_text: str, *, top: int = 5) -> list[str]:
        """The query's words that best explain its match with this document, most telling first."""
        return [match.query_word for match in self.term_matches(query_text, doc_text, top=top)]

    def term_matches(self, query_text: str, doc_text: str, *, top: int = 5) -> list[TermMatch]:
        """Each explaining query word with the document word it matched (e.g. sykepleier ~ sykepleiere)."""
        return best_matches(query_text, doc_text, weight=self.word_idf, top=top)

    def word_idf(self, word: str) -> float:
        """Mean fitted idf of the word's n-grams: rare words explain a match better than common ones."""
        idf = self._idf[self._counts([word]).indices]
        idf = idf[idf > 0]
        if len(idf):
            return float(idf.mean())
        # Unseen in the fit: as rare as anything can be (1.0 before any fit, when nothing is known).
        return math.log(1 + self.fitted_docs) + 1

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the index to one .npz file (numeric arrays and a JSON header; no pickle), atomically."""
        corpus = self._corpus
        seen = np.flatnonzero(self._idf > 0).astype(np.int64)
        header = {
            "format": FORMAT,
            "analyzer": "char_wb",
            "ngram_range": list(self.ngram_range),
            "n_features": self.n_features,
            "fitted_docs": self.fitted_docs,
        }
        target = Path(path)
        with tempfile.NamedTemporaryFile(dir=target.parent, prefix=target.name, suffix=".tmp", delete=False) as handle:
            try:
                np.savez_compressed(
                    handle,
                    header=np.array(json.dumps(header)),
                    idf_index=seen,
                    idf_value=self._idf[seen],
                    doc_ids=corpus.doc_ids,
                    data=corpus.matrix.data,
                    indices=corpus.matrix.indices,
                    indptr=corpus.matrix.indptr,
                )
            except BaseException:
                Path(handle.name).unlink(missing_ok=True)
                raise
        # Readers (and a crash mid-write) only ever see the old file or the complete new one.
        os.replace(handle.name, target)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> LexicalIndex:
        """Read an index written by `save`."""
        with np.load(path, allow_pickle=False) as archive:
            header: dict[str, Any] = json.loads(str(archive["header"]))
            if header.get("format") != FORMAT or header.get("analyzer") != "char_wb":
                raise ValueError(f"{path} is not a {FORMAT} index")
            n_features = int(header["n_features"])
            idf = np.zeros(n_features, np.float32)
            idf[archive["idf_index"]] = archive["idf_value"]
            low, high = header["ngram_range"]
            index = cls(ngram_range=(low, high), n_features=n_features, idf=idf, fitted_docs=int(header["fitted_docs"]))
            doc_ids = archive["doc_ids"].astype(np.int64)
            shape = (len(doc_ids), n_features)
            matrix = sp.csr_matrix((archive["data"], archive["indices"], archive["indptr"]), shape=shape)
        index._corpus = _corpus(matrix, doc_ids)
        return index

    def _counts(self, texts: Sequence[str]) -> Matrix:
        if not len(texts):
            return sp.csr_matrix((0, self.n_features), dtype=np.float32)
        counts: Matrix = self._vectorizer.transform(texts).tocsr()
        counts.sum_duplicates()
        return counts

    def _weigh(self, counts: Matrix) -> Matrix:
        weighted = counts.copy()
        weighted.data = (1 + np.log(weighted.data)) * self._idf[weighted.indices]
        weighted.eliminate_zeros()
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1), dtype=np.float64).ravel())
        norms[norms == 0] = 1
        weighted.data = (weighted.data / np.repeat(norms, np.diff(weighted.indptr))).astype(np.float32)
        return weighted

    def _vector(self, text: str) -> Matrix:
        return self._weigh(self._counts([text]))

    def _without(self, doc_ids: IdArray) -> _Corpus:
        corpus = self._corpus
        if not len(doc_ids) or not len(corpus.doc_ids):
            return corpus
        keep = ~np.isin(corpus.doc_ids, doc_ids)
        if keep.all():
            return corpus
        return _corpus(corpus.matrix[keep], corpus.doc_ids[keep])


def _checked_ids(doc_ids: Sequence[int], texts: Sequence[str]) -> IdArray:
    if len(doc_ids) != len(texts):
        raise ValueError(f"{len(doc_ids)} ids for {len(texts)} texts")
    ids = np.asarray(doc_ids, dtype=np.int64).reshape(-1)
    if len(np.unique(ids)) != len(ids):
        raise ValueError("doc_ids must be distinct")
    return ids


def _corpus(matrix: Matrix, doc_ids: IdArray) -> _Corpus:
    return _Corpus(sp.csr_matrix(matrix), doc_ids, {int(doc_id): row for row, doc_id in enumerate(doc_ids)})


def _dense(column: Any) -> FloatArray:
    return np.asarray(column.toarray(), dtype=np.float32).ravel()
