"""Character n-gram TF-IDF: hashed features, idf fixed at fit, cosine scores; the rows live in the engine's corpus."""

from __future__ import annotations

import json
import math
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

from jobmatch.lexical.normalise import normalise
from jobmatch.lexical.terms import TermMatch, best_matches

FORMAT = "jobmatch.lexical/2"
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
COMMON_SHARE = 0.1
"""An n-gram in more than this share of the fitted documents (and in more than COMMON_MIN of them) carries no weight:
"er", "ing", "med" tell no job from another, yet their inverted lists are most of the index and most of a query's work."""
COMMON_MIN = 50

QUERIES_KEPT = 1_024
Matrix: TypeAlias = sp.csr_matrix
FloatArray = npt.NDArray[np.float32]


class LexicalModel:
    """TF-IDF over char_wb n-grams, sublinear tf, L2-normalised rows; the idf is fixed at `fit`.

    Documents added after the fit are weighed with the fitted idf, so n-grams the fit never saw carry no weight until
    the next full build. Neither do the common n-grams (`COMMON_SHARE`): they are left out of every row and query, while
    their idf still tells how telling a word is (`word_idf`).
    """

    def __init__(
        self,
        *,
        ngram_range: tuple[int, int] = DEFAULT_NGRAM_RANGE,
        n_features: int = DEFAULT_N_FEATURES,
        idf: FloatArray | None = None,
        fitted_docs: int = 0,
        common: npt.NDArray[np.int64] | None = None,
    ) -> None:
        if not 1 <= ngram_range[0] <= ngram_range[1]:
            raise ValueError(f"bad ngram_range {ngram_range}")
        self.ngram_range = (int(ngram_range[0]), int(ngram_range[1]))
        self.n_features = int(n_features)
        self.fitted_docs = fitted_docs
        self._idf: FloatArray = np.zeros(self.n_features, np.float32) if idf is None else idf.astype(np.float32)
        if self._idf.shape != (self.n_features,):
            raise ValueError("idf length differs from n_features")
        self._common: npt.NDArray[np.int64] = np.zeros(0, np.int64) if common is None else np.asarray(common, np.int64)
        self._weight = self._idf.copy()
        self._weight[self._common] = 0.0
        self._word_idf: dict[str, float] = {}
        self._queries: dict[str, tuple[npt.NDArray[np.int64], FloatArray]] = {}
        self._queries_lock = threading.Lock()
        self._vectorizer = HashingVectorizer(
            analyzer="char_wb",
            ngram_range=self.ngram_range,
            n_features=self.n_features,
            preprocessor=normalise,
            alternate_sign=False,
            norm=None,
            dtype=np.float32,
        )

    @classmethod
    def fit(
        cls, texts: Sequence[str], *, ngram_range: tuple[int, int] = DEFAULT_NGRAM_RANGE, n_features: int = DEFAULT_N_FEATURES,
        common_share: float | None = None,
    ) -> tuple[LexicalModel, Matrix]:
        """Learn the idf from these documents; returns the model and the documents' weighted rows."""
        counts = cls(ngram_range=ngram_range, n_features=n_features)._counts(texts)
        document_frequency = np.bincount(counts.indices, minlength=n_features)
        seen = document_frequency > 0
        idf = np.zeros(n_features, np.float32)
        # sklearn's smooth idf; n-grams absent from the fit get 0, as a fitted vocabulary would drop them.
        idf[seen] = np.log((1 + len(texts)) / (1 + document_frequency[seen])) + 1
        share = COMMON_SHARE if common_share is None else common_share
        common = np.flatnonzero(document_frequency > max(share * len(texts), COMMON_MIN))
        model = cls(ngram_range=ngram_range, n_features=n_features, idf=idf, fitted_docs=len(texts), common=common)
        return model, model._weigh(counts)

    def transform(self, texts: Sequence[str]) -> Matrix:
        """Weighted, L2-normalised rows for these documents."""
        return self._weigh(self._counts(texts))

    def query(self, text: str) -> tuple[npt.NDArray[np.int64], FloatArray]:
        """The query's n-gram columns and weights: what the inverted index accumulates (the last few are kept)."""
        found = self._queries.get(text)
        if found is None:
            vector = self.transform([text])
            found = (vector.indices.astype(np.int64), vector.data.astype(np.float32))
            with self._queries_lock:  # requests, and a request's helper thread, share the cache
                if len(self._queries) >= QUERIES_KEPT:
                    self._queries.pop(next(iter(self._queries)))
                self._queries[text] = found
        return found

    def matched_terms(self, query_text: str, doc_text: str, *, top: int = 5) -> list[str]:
        """The query's words that best explain its match with this document, most telling first."""
        return [match.query_word for match in self.term_matches(query_text, doc_text, top=top)]

    def term_matches(self, query_text: str, doc_text: str, *, top: int = 5) -> list[TermMatch]:
        """Each explaining query word with the document word it matched (e.g. sykepleier ~ sykepleiere)."""
        return best_matches(query_text, doc_text, weight=self.word_idf, top=top)

    def word_idf(self, word: str) -> float:
        """Mean fitted idf of the word's n-grams: rare words explain a match better than common ones."""
        found = self._word_idf.get(word)
        if found is None:
            found = self._word_idf[word] = self._compute_word_idf(word)
        return found

    def _compute_word_idf(self, word: str) -> float:
        idf = self._idf[self._counts([word]).indices]
        idf = idf[idf > 0]
        if len(idf):
            return float(idf.mean())
        # Unseen in the fit: as rare as anything can be (1.0 before any fit, when nothing is known).
        return math.log(1 + self.fitted_docs) + 1

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the model to one .npz file (numeric arrays and a JSON header; no pickle)."""
        seen = np.flatnonzero(self._idf > 0).astype(np.int64)
        header = {
            "format": FORMAT,
            "analyzer": "char_wb",
            "ngram_range": list(self.ngram_range),
            "n_features": self.n_features,
            "fitted_docs": self.fitted_docs,
        }
        np.savez(Path(path), header=np.array(json.dumps(header)), idf_index=seen, idf_value=self._idf[seen], common=self._common)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> LexicalModel:
        """Read a model written by `save`."""
        with np.load(path, allow_pickle=False) as archive:
            header: dict[str, Any] = json.loads(str(archive["header"]))
            if header.get("format") != FORMAT or header.get("analyzer") != "char_wb":
                raise ValueError(f"{path} is not a {FORMAT} model")
            n_features = int(header["n_features"])
            idf = np.zeros(n_features, np.float32)
            idf[archive["idf_index"]] = archive["idf_value"]
            low, high = header["ngram_range"]
            common = archive["common"] if "common" in archive.files else None
            return cls(ngram_range=(low, high), n_features=n_features, idf=idf, fitted_docs=int(header["fitted_docs"]), common=common)

    def _counts(self, texts: Sequence[str]) -> Matrix:
        if not len(texts):
            return sp.csr_matrix((0, self.n_features), dtype=np.float32)
        counts: Matrix = self._vectorizer.transform(texts).tocsr()
        counts.sum_duplicates()
        return counts

    def _weigh(self, counts: Matrix) -> Matrix:
        weighted = counts.copy()
        weighted.data = (1 + np.log(weighted.data)) * self._weight[weighted.indices]
        weighted.eliminate_zeros()
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1), dtype=np.float64).ravel())
        norms[norms == 0] = 1
        weighted.data = (weighted.data / np.repeat(norms, np.diff(weighted.indptr))).astype(np.float32)
        return weighted
