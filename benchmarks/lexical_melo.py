"""Score lexical matchers on MELO nor_q_no_c_no (Norwegian STYRK-08 titles -> Norwegian ESCO labels).

Usage: .venv/bin/python benchmarks/lexical_melo.py [DATASET_DIR]
(default: $JOBMATCH_SHARED_DATA/melo-nor/nor_q_no_c_no, $JOBMATCH_SHARED_DATA defaulting to ../shared/data).

Metrics follow trec_eval as MELO reports them: MRR = mean reciprocal rank of the first relevant element,
Recall@10 = share of a query's relevant elements in its top 10; ties are ordered by descending element id
("ties last": the full corpus's MRR with every tie counted against the matcher). Every query is scored twice: against
the full corpus (7821 elements, of which 619 are ISCO-group labels that are never relevant and that 91/96 queries match
verbatim, see SOURCE.txt), and against the ESCO occupations only.

MELO's texts are short labels, postings are long; a second table checks long text: each of the 50 real NAV ads
in $JOBMATCH_SHARED_DATA/nav-ads/ads.jsonl is looked up by its title among all the ads' body texts.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from sklearn.feature_extraction.text import TfidfVectorizer

from jobmatch.lexical.norwegian import analyse, content_words, decompound, stem, words
from jobmatch.lexical.tfidf import LexicalModel

Scores = npt.NDArray[np.float64]
# A matcher is built on the corpus texts and returns a function from a query to one score per corpus element.
Matcher = Callable[[Sequence[str]], Callable[[str], Scores]]

SHARED_DATA = Path(os.environ.get("JOBMATCH_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
DEFAULT_DATASET = SHARED_DATA / "melo-nor" / "nor_q_no_c_no"
DEFAULT_ADS = SHARED_DATA / "nav-ads" / "ads.jsonl"
OCCUPATION_URI = "http://data.europa.eu/esco/occupation/"


@dataclass(frozen=True)
class Dataset:
    queries: dict[str, str]
    corpus: dict[str, str]
    relevant: dict[str, set[str]]
    concept: dict[str, str]


def read_tsv(path: Path) -> list[list[str]]:
    """Rows of a tab-separated file without a header."""
    with path.open(encoding="utf-8") as handle:
        return [line.rstrip("\n").split("\t") for line in handle if line.strip()]


def load_dataset(folder: Path) -> Dataset:
    """Queries, corpus, qrels (relevance 1 only) and element -> ESCO URI."""
    relevant: dict[str, set[str]] = {}
    for qid, _, cid, relevance in read_tsv(folder / "annotations.tsv"):
        if int(relevance) > 0:
            relevant.setdefault(qid, set()).add(cid)
    return Dataset(
        queries=dict(read_tsv(folder / "queries.tsv")),
        corpus=dict(read_tsv(folder / "corpus_elements.tsv")),
        relevant=relevant,
        concept=dict(read_tsv(folder / "concept_mapping.tsv")),
    )


def evaluate(matcher: Matcher, dataset: Dataset, cids: list[str]) -> tuple[float, float]:
    """MRR and Recall@10 of a matcher over the given corpus elements."""
    score = matcher([dataset.corpus[cid] for cid in cids])
    # Descending element id as trec_eval's tie-break: sort ascending ids, reverse, then stable-sort by score.
    by_id_desc = np.argsort(np.array(cids))[::-1]
    reciprocal_ranks, recalls = [], []
    for qid, text in dataset.queries.items():
        relevant = dataset.relevant.get(qid, set())
        scores = score(text)[by_id_desc]
        ranked = [cids[i] for i in by_id_desc[np.argsort(-scores, kind="stable")]]
        first = next((rank for rank, cid in enumerate(ranked, 1) if cid in relevant), None)
        reciprocal_ranks.append(1 / first if first else 0.0)
        recalls.append(len(relevant & set(ranked[:10])) / len(relevant) if relevant else 0.0)
    return float(np.mean(reciprocal_ranks)), float(np.mean(recalls))


def mrr_ties_last(matcher: Matcher, dataset: Dataset, cids: list[str]) -> float:
    """MRR with every irrelevant element that ties with a query's best relevant one ranked before it.

    trec_eval breaks ties by element id, so a matcher that makes a relevant label tie with the verbatim ISCO-group label
    gains rank from the ids alone (a light stem does: 0.398 against 0.268 with ties last); this column shows it."""
    score = matcher([dataset.corpus[cid] for cid in cids])
    reciprocal_ranks = []
    for qid, text in dataset.queries.items():
        relevant = np.array([cid in dataset.relevant.get(qid, set()) for cid in cids])
        if not relevant.any():
            reciprocal_ranks.append(0.0)
            continue
        scores = score(text)
        best = scores[relevant].max()
        reciprocal_ranks.append(1 / (1 + int((scores > best).sum()) + int(((scores == best) & ~relevant).sum())))
    return float(np.mean(reciprocal_ranks))


def evaluate_ads(matcher: Matcher, ads: list[dict[str, str]]) -> tuple[float, float]:
    """MRR and success@1 of finding each ad's body text from its title."""
    score = matcher([ad["text"] for ad in ads])
    reciprocal_ranks = []
    for row, ad in enumerate(ads):
        scores = score(ad["title"])
        rank = 1 + int((scores > scores[row]).sum())
        reciprocal_ranks.append(1 / rank)
    return float(np.mean(reciprocal_ranks)), float(np.mean(np.array(reciprocal_ranks) == 1))


def lexical_index(ngram_range: tuple[int, int], preprocessor: Callable[[str], str] | None = None) -> Matcher:
    """The shipped LexicalModel (char_wb n-grams, sublinear tf, hashed features, smooth idf), its preprocessor swapped."""

    class Variant(LexicalModel):
        def __init__(self, **options: object) -> None:
            super().__init__(**options)  # type: ignore[arg-type]
            if preprocessor is not None:
                self._vectorizer.set_params(preprocessor=preprocessor)

    def build(texts: Sequence[str]) -> Callable[[str], Scores]:
        model, matrix = Variant.fit(texts, ngram_range=ngram_range)
        return lambda query: np.asarray((matrix @ model.transform([query]).T).toarray()).ravel().astype(np.float64)

    return build


def crude_stem(word: str) -> str:
    """The truncating stem matching/fit.py used: drop up to three letters from words longer than five."""
    return word if len(word) <= 5 else word[: max(5, len(word) - 3)]


_SNOWBALL_STEP1 = sorted("a e ede ande ende ane ene hetene en heten ar er heter as es edes endes enes hetenes ens hetens "
                         "ers ets et het ast".split(), key=len, reverse=True)
_SNOWBALL_STEP3 = sorted("leg eleg ig eig lig elig els lov elov slov hetslov".split(), key=len, reverse=True)


def snowball_stem(word: str) -> str:
    """Snowball's Norwegian stemmer (snowballstem.org), for comparison."""
    vowels = set("aeiouyæøå")
    region = next((max(i + 1, 3) for i in range(1, len(word)) if word[i] not in vowels and word[i - 1] in vowels), len(word))
    for suffix in _SNOWBALL_STEP1:
        if word.endswith(suffix) and len(word) - len(suffix) >= region:
            word = word[: -len(suffix)]
            break
    else:
        if word.endswith(("erte", "ert")) and len(word) - (4 if word.endswith("erte") else 3) >= region:
            word = word[: -(4 if word.endswith("erte") else 3)] + "er"
        elif word.endswith("s") and len(word) - 1 >= region and (
            word[-2:-1] in set("bcdfghjlmnoprtvyz") or (word[-2:-1] == "k" and word[-3:-2] not in vowels)
        ):
            word = word[:-1]
    if word.endswith(("dt", "vt")) and len(word) - 2 >= region:
        word = word[:-1]
    for suffix in _SNOWBALL_STEP3:
        if word.endswith(suffix) and len(word) - len(suffix) >= region:
            return word[: -len(suffix)]
    return word


def stemmed_words(stemmer: Callable[[str], str], *, split: bool = False) -> Callable[[str], list[str]]:
    """Content words through a stemmer; with `split`, each compound's parts are added (stemmed too)."""

    def analyse_words(text: str) -> list[str]:
        out = []
        for word in content_words(text):
            out.append(stemmer(word))
            parts = decompound(word) if split else (word,)
            if len(parts) > 1:
                out.extend(stemmer(part) for part in parts)
        return out

    return analyse_words


def stemmed_text(stemmer: Callable[[str], str], *, split: bool = False) -> Callable[[str], str]:
    analyse_words = stemmed_words(stemmer, split=split)
    return lambda text: " ".join(analyse_words(text))


def sklearn_tfidf(**options: object) -> Matcher:
    """A plain sklearn TfidfVectorizer with cosine scores."""

    def build(texts: Sequence[str]) -> Callable[[str], Scores]:
        vectorizer = TfidfVectorizer(**options)
        matrix = vectorizer.fit_transform(texts)
        return lambda query: np.asarray((matrix @ vectorizer.transform([query]).T).toarray()).ravel()

    return build


def melo_preprocess(text: str) -> str:
    """MELO's lexical preprocessing: lower-case, then strip accents to ASCII (æ and ø vanish, å becomes a)."""
    return unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()


def bm25(k1: float = 1.2, b: float = 0.75, analyser: Callable[[str], list[str]] = words) -> Matcher:
    """Okapi BM25 over normalised words (Lucene's idf, which stays positive)."""

    def build(texts: Sequence[str]) -> Callable[[str], Scores]:
        documents = [Counter(analyser(text)) for text in texts]
        lengths = np.array([sum(document.values()) for document in documents], dtype=np.float64)
        average_length = float(lengths.mean())
        frequency = Counter(word for document in documents for word in document)
        idf = {word: math.log(1 + (len(texts) - df + 0.5) / (df + 0.5)) for word, df in frequency.items()}
        postings: dict[str, list[tuple[int, int]]] = {}
        for row, document in enumerate(documents):
            for word, tf in document.items():
                postings.setdefault(word, []).append((row, tf))

        def score(query: str) -> Scores:
            result = np.zeros(len(texts))
            for word in set(analyser(query)):
                for row, tf in postings.get(word, []):
                    norm = k1 * (1 - b + b * lengths[row] / average_length)
                    result[row] += idf[word] * tf * (k1 + 1) / (tf + norm)
            return result

        return score

    return build


MATCHERS: dict[str, Matcher] = {
    "MELO char_tf_idf repro: char (1,3), ascii-fold": sklearn_tfidf(analyzer="char", ngram_range=(1, 3),
                                                                  preprocessor=melo_preprocess),
    "LexicalModel char_wb (1,3)": lexical_index((1, 3)),
    "LexicalModel char_wb (2,4)": lexical_index((2, 4)),
    "LexicalModel char_wb (3,5)": lexical_index((3, 5)),
    "LexicalModel char_wb (3,6)": lexical_index((3, 6)),
    "LexicalModel char_wb (4,6)": lexical_index((4, 6)),
    "char_wb (2,4) + decompound (norwegian.analyse)": lexical_index((2, 4), analyse),
    "char_wb (2,4) + light stem": lexical_index((2, 4), stemmed_text(stem)),
    "char_wb (2,4) + light stem + decompound": lexical_index((2, 4), stemmed_text(stem, split=True)),
    "char_wb (1,3) + decompound": lexical_index((1, 3), analyse),
    "word TF-IDF (normalised words)": sklearn_tfidf(analyzer=words, sublinear_tf=True),
    "BM25 words (k1=1.2, b=0.75)": bm25(),
    "BM25 crude stem (old matching/fit.py)": bm25(analyser=stemmed_words(crude_stem)),
    "BM25 Snowball stem": bm25(analyser=stemmed_words(snowball_stem)),
    "BM25 light stem (norwegian.stem)": bm25(analyser=stemmed_words(stem)),
    "BM25 Snowball stem + decompound": bm25(analyser=stemmed_words(snowball_stem, split=True)),
    "BM25 light stem + decompound": bm25(analyser=stemmed_words(stem, split=True)),
}
PUBLISHED = {"published char_tf_idf (MELO paper)": (0.2876, 0.4035)}


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", nargs="?", type=Path, default=DEFAULT_DATASET)
    parser.add_argument("--ads", type=Path, default=DEFAULT_ADS, help="NAV ads JSONL for the long-text check.")
    arguments = parser.parse_args()
    dataset = load_dataset(arguments.dataset)
    everything = sorted(dataset.corpus)
    occupations = [cid for cid in everything if dataset.concept.get(cid, "").startswith(OCCUPATION_URI)]
    print(f"{len(dataset.queries)} queries, {sum(map(len, dataset.relevant.values()))} qrels; "
          f"corpus {len(everything)} elements, {len(occupations)} ESCO occupations\n")
    header = (f"{'method':48} {'full MRR':>9} {'ties last':>10} {'full R@10':>10} {'occ MRR':>9} {'occ R@10':>9} "
              f"{'seconds':>8}")
    print(header)
    print("-" * len(header))
    for name, (mrr, recall) in PUBLISHED.items():
        print(f"{name:48} {mrr:9.4f} {'':>10} {recall:10.4f} {'':>9} {'':>9} {'':>8}")
    for name, matcher in MATCHERS.items():
        started = time.perf_counter()
        full_mrr, full_recall = evaluate(matcher, dataset, everything)
        occupation_mrr, occupation_recall = evaluate(matcher, dataset, occupations)
        ties_last = mrr_ties_last(matcher, dataset, everything)
        seconds = time.perf_counter() - started
        print(f"{name:48} {full_mrr:9.4f} {ties_last:10.4f} {full_recall:10.4f} {occupation_mrr:9.4f} {occupation_recall:9.4f} "
              f"{seconds:8.1f}")
    if not arguments.ads.exists():
        print(f"\n{arguments.ads} not found: long-text check skipped")
        return
    with arguments.ads.open(encoding="utf-8") as handle:
        ads = [json.loads(line) for line in handle if line.strip()]
    print(f"\nlong text: {len(ads)} NAV ads, each ad's title as the query, all ads' body texts as the corpus\n")
    print(f"{'method':48} {'MRR':>9} {'success@1':>10}")
    for name, matcher in MATCHERS.items():
        mrr, success = evaluate_ads(matcher, ads)
        print(f"{name:48} {mrr:9.4f} {success:10.4f}")


if __name__ == "__main__":
    main()
