"""Learn the fit model from graded judgments: logistic regression on train, settings chosen on dev, reported on test.

A judgment is one (seeker profile, posting, grade) in a split. The features are the engine's own fit features for the
pair, computed by the same code that ranks (`jobmatch.matching.measure`) over a corpus built from the judged postings, so
what is learned is what is served. Seekers' own feedback can become judgments of the same shape (saved or applied: a
positive grade, dismissed: 0); see docs/relevance-data.md.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import LogisticRegression

from jobmatch.embedding.base import Embedder, Kind
from jobmatch.embedding.texts import posting_text, seeker_text, text_hash
from jobmatch.geo.service import GeoResolver
from jobmatch.lexical.tfidf import LexicalModel
from jobmatch.matching.filters import MatchFilters
from jobmatch.matching.fit import skill_stems
from jobmatch.matching.measure import Context, Query, context, measure
from jobmatch.matching.stay import Wherever
from jobmatch.matching.weights import FIT_FEATURES, FitModel, effective_importances
from jobmatch.postings.schemas import PostingOut
from jobmatch.search.corpus import Corpus
from jobmatch.search.dense import DenseRows
from jobmatch.search.documents import seeker_terms
from jobmatch.search.facts import facts_of
from jobmatch.seekers.schemas import SeekerIn

SPLITS = ("train", "dev", "test")
RELEVANT_GRADE = 2
"""Grades at or above this are a fit (the same ISCO unit group or the occupation itself)."""
FLOOR_CANDIDATES = tuple(round(-3.0 + 0.25 * step, 2) for step in range(25))
FLOOR_KEEPS = 0.85
"""The floor keeps this share of the relevant postings on dev. Chosen through the API on dev: keeping 80% starved some
seekers' lists (nDCG@10 0.507), 85% and 90% gave the same 0.541; the stricter of the two is kept."""
STRONG_KEEPS = 0.5
"""Postings at or above `strong` are the best half of the relevant ones on dev."""
REGULARISATION = (0.01, 0.1, 1.0, 10.0)


@dataclass(frozen=True)
class Judgments:
    """Graded pairs, by split: seekers' profiles, the judged postings, and each query's grades."""

    seekers: dict[str, SeekerIn]
    split_of: dict[str, str]
    postings: dict[int, PostingOut]
    grades: dict[str, dict[int, int]]


def read_judgments(lines: Iterable[str]) -> Judgments:
    """The judgments file (docs/relevance-data.md): `meta`, `posting`, `seeker` and `judgment` records, one a line.

    Only `fit` judgments train the fit model: a posting turned down for a stay reason says nothing about fit.
    """
    seekers: dict[str, SeekerIn] = {}
    split_of: dict[str, str] = {}
    postings: dict[int, PostingOut] = {}
    posting_ids: dict[str, int] = {}
    grades: dict[str, dict[int, int]] = defaultdict(dict)
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        record = json.loads(line)
        kind = record.get("record")
        if kind == "posting":
            posting_id = posting_ids.setdefault(str(record["key"]), len(posting_ids) + 1)
            body = {"created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z", **record["posting"], "id": posting_id}
            postings[posting_id] = PostingOut.model_validate(body)
        elif kind == "seeker":
            if record["split"] not in SPLITS:
                raise ValueError(f"line {number}: split {record['split']!r} is not one of {', '.join(SPLITS)}")
            seekers[str(record["key"])] = SeekerIn.model_validate(record["profile"])
            split_of[str(record["key"])] = record["split"]
        elif kind == "judgment" and record.get("aspect", "fit") == "fit":
            posting_key = str(record["posting"])
            if posting_key not in posting_ids:
                raise ValueError(f"line {number}: posting {posting_key!r} is not in the file")
            grades[str(record["seeker"])][posting_ids[posting_key]] = int(record["grade"])
    return Judgments(seekers, split_of, postings, dict(grades))


class CachedEmbedder:
    """An embedder whose vectors are kept in a folder, by model, kind and text: re-training does not re-encode."""

    def __init__(self, embedder: Embedder, folder: Path) -> None:
        self.embedder = embedder
        self.folder = folder
        self.model_id = embedder.model_id
        self.dim = embedder.dim
        folder.mkdir(parents=True, exist_ok=True)

    def encode(self, texts: Sequence[str], *, kind: Kind = "passage") -> npt.NDArray[np.float32]:
        keys = [text_hash(f"{self.model_id}\n{kind}\n{text}") for text in texts]
        paths = [self.folder / f"{key}.npy" for key in keys]
        missing = [i for i, path in enumerate(paths) if not path.exists()]
        if missing:
            fresh = self.embedder.encode([texts[i] for i in missing], kind=kind)
            for i, vector in zip(missing, fresh, strict=True):
                np.save(paths[i], vector)
        return np.stack([np.load(path) for path in paths]) if paths else np.zeros((0, self.dim), dtype=np.float32)


def judged_corpus(judgments: Judgments, embedder: Embedder) -> Corpus:
    """The judged postings as the engine's corpus (no geography: commute is not a fit feature)."""
    postings = list(judgments.postings.values())
    lexical_model, _ = LexicalModel.fit([facts.lexical_text for facts in judged_facts(postings)])
    corpus = Corpus(lexical_model=lexical_model, dense=DenseRows.empty(embedder.dim))
    vectors = embedder.encode([posting_text(p) for p in postings], kind="passage")
    corpus.apply(judged_facts(postings), {p.id: vectors[i] for i, p in enumerate(postings)})
    corpus.fold()
    return corpus


def judged_facts(postings: list[PostingOut]) -> list[Any]:
    resolver = GeoResolver(postal_codes={}, municipalities={})
    return [facts_of(p, resolver, content_hash=str(p.id)) for p in postings]


def judged_query(profile: SeekerIn, vector: npt.NDArray[np.float32]) -> Query:
    return Query(
        profile=profile, vector=vector, terms=seeker_terms(profile), importances=effective_importances(profile.stay_factors),
        filters=MatchFilters(), dismissed=frozenset(), where=Wherever((), stated=False, first_limit_km=50.0),
        skills=skill_stems(profile.skills), use_prior=False, has_text=bool(seeker_text(profile).strip()),
    )


@dataclass
class Features:
    """Per query: the candidate postings' ids, fit features (rows × FIT_FEATURES, NaN as 0) and grades."""

    posting_ids: npt.NDArray[np.int64]
    values: npt.NDArray[np.float32]
    grades: npt.NDArray[np.int64]


def features(judgments: Judgments, corpus: Corpus, embedder: Embedder, model: FitModel) -> Iterator[tuple[str, Features]]:
    """Every seeker's features over every judged posting (unjudged postings have grade 0)."""
    seeker_ids = list(judgments.seekers)
    vectors = embedder.encode([seeker_text(judgments.seekers[s]) for s in seeker_ids], kind="query")
    view = corpus.view()
    rows = np.flatnonzero(view.alive)
    ids = corpus.column("ids", view.n)[rows]
    for seeker_id, vector in zip(seeker_ids, vectors, strict=True):
        ctx: Context = context(corpus, judged_query(judgments.seekers[seeker_id], vector), model=model, now=time.time())
        measured = measure(ctx, rows)
        values = np.nan_to_num(np.stack([measured.raw[name] for name in FIT_FEATURES], axis=1), nan=0.0)
        grades = np.asarray([judgments.grades.get(seeker_id, {}).get(int(i), 0) for i in ids], dtype=np.int64)
        yield seeker_id, Features(ids, values.astype(np.float32), grades)


def ndcg_at(scores: npt.NDArray[np.float32], grades: npt.NDArray[np.int64], k: int = 10) -> float:
    order = np.argsort(-scores, kind="stable")[:k]
    gains = (2.0 ** grades[order] - 1) / np.log2(np.arange(2, len(order) + 2))
    ideal = np.sort(grades)[::-1][:k]
    best = ((2.0 ** ideal - 1) / np.log2(np.arange(2, len(ideal) + 2))).sum()
    return float(gains.sum() / best) if best > 0 else 0.0


def evaluate(model: FitModel, per_query: list[Features]) -> dict[str, float]:
    """Mean nDCG@10 of the fit logit, and how well the floor separates fits from the rest."""
    weights = np.asarray([model.weights[name] for name in FIT_FEATURES], dtype=np.float32)
    ndcg, kept_relevant, kept_irrelevant = [], [], []
    for query in per_query:
        logit = model.intercept + query.values @ weights
        ndcg.append(ndcg_at(logit, query.grades))
        relevant = query.grades >= RELEVANT_GRADE
        passes = logit >= model.floor
        if relevant.any():
            kept_relevant.append(float(passes[relevant].mean()))
        if (~relevant).any():
            kept_irrelevant.append(float(passes[~relevant].mean()))
    return {"ndcg_at_10": round(float(np.mean(ndcg)) if ndcg else 0.0, 4),
            "floor_keeps_relevant": round(float(np.mean(kept_relevant)) if kept_relevant else 0.0, 4),
            "floor_keeps_irrelevant": round(float(np.mean(kept_irrelevant)) if kept_irrelevant else 0.0, 4)}


def fit(per_query: list[Features], *, c: float, base: FitModel) -> FitModel:
    x = np.concatenate([q.values for q in per_query])
    y = np.concatenate([q.grades for q in per_query]) >= RELEVANT_GRADE
    regression = LogisticRegression(C=c, class_weight="balanced", max_iter=1_000).fit(x, y)
    weights = {name: round(max(float(w), 0.0), 4) for name, w in zip(FIT_FEATURES, regression.coef_[0], strict=True)}
    return FitModel(intercept=round(float(regression.intercept_[0]), 4), weights=weights, floor=base.floor, strong=base.strong,
                    z_clip=base.z_clip, closest=base.closest)


def mean_ndcg(weights: npt.NDArray[np.float32], per_query: list[Features]) -> float:
    return float(np.mean([ndcg_at(query.values @ weights, query.grades) for query in per_query])) if per_query else 0.0


def ascend(
    per_query: list[Features], start: npt.NDArray[np.float32], *, rounds: int = 4, frozen: frozenset[int] = frozenset(),
) -> npt.NDArray[np.float32]:
    """Coordinate ascent on mean nDCG@10 (Metzler and Croft's linear ranker): each weight in turn moves to the best of a
    few steps while the others stay; the direction of the score is learned for the ranking itself. No weight goes below
    0: every feature measures evidence for a fit, and an explanation in which such evidence lowers the score would
    read as nonsense."""
    weights = np.maximum(start.astype(np.float32), np.float32(0.0))
    weights[list(frozen)] = start[list(frozen)]
    best = mean_ndcg(weights, per_query)
    for _ in range(rounds):
        improved = False
        for feature in range(len(weights)):
            if feature in frozen:
                continue
            scale = max(abs(float(weights[feature])), 0.1)
            for step in (-2.0, -1.0, -0.5, -0.25, -0.1, 0.1, 0.25, 0.5, 1.0, 2.0):
                trial = weights.copy()
                trial[feature] = max(float(weights[feature] + step * scale), 0.0)  # a feature only ever speaks for a fit
                score = mean_ndcg(trial, per_query)
                if score > best + 1e-6:
                    best, weights, improved = score, trial, True
        if not improved:
            break
    return weights


def calibrated(direction: npt.NDArray[np.float32], per_query: list[Features], *, base: FitModel) -> FitModel:
    """The ranking direction with a scale and intercept fitted so that σ(fit) is a probability of fit (Platt scaling)."""
    x = np.concatenate([q.values @ direction for q in per_query]).reshape(-1, 1)
    y = np.concatenate([q.grades for q in per_query]) >= RELEVANT_GRADE
    regression = LogisticRegression(class_weight="balanced", max_iter=1_000).fit(x, y)
    scale = float(regression.coef_[0][0])
    weights = {name: round(float(w) * scale, 4) for name, w in zip(FIT_FEATURES, direction, strict=True)}
    return FitModel(intercept=round(float(regression.intercept_[0]), 4), weights=weights, floor=base.floor, strong=base.strong,
                    z_clip=base.z_clip, closest=base.closest)


def train(judgments: Judgments, embedder: Embedder, *, base: FitModel) -> tuple[FitModel, dict[str, Any]]:
    """Fit on train; choose the learner, its regularisation and the floor on dev; report train, dev and test.

    The candidates are logistic regressions (one per regularisation) and a coordinate ascent on nDCG@10 started from the
    best of them and from the shipped model, each Platt-scaled on train; dev picks one.
    """
    corpus = judged_corpus(judgments, embedder)
    by_split: dict[str, list[Features]] = {split: [] for split in SPLITS}
    for seeker_id, found in features(judgments, corpus, embedder, base):
        by_split[judgments.split_of[seeker_id]].append(found)
    if not by_split["train"] or not by_split["dev"]:
        raise ValueError("judgments need a train and a dev split")
    fits = [fit(by_split["train"], c=c, base=base) for c in REGULARISATION]
    best = max(((evaluate(candidate, by_split["dev"])["ndcg_at_10"], candidate) for candidate in fits), key=lambda pair: pair[0])
    for start in (best[1], base):
        direction = ascend(by_split["train"], np.asarray([start.weights[name] for name in FIT_FEATURES], dtype=np.float32))
        candidate = calibrated(direction, by_split["train"], base=base)
        score = evaluate(candidate, by_split["dev"])["ndcg_at_10"]
        if score > best[0]:
            best = (score, candidate)
    model = _choose_floor(best[1], by_split["dev"])
    report: dict[str, Any] = {split: evaluate(model, queries) for split, queries in by_split.items() if queries}
    report["baseline_before_training"] = {split: evaluate(base, queries) for split, queries in by_split.items() if queries}
    report["ablations"] = {name: _without(name, model, by_split) for name in FIT_FEATURES}
    trained = FitModel(model.intercept, model.weights, model.floor, model.strong, model.z_clip, closest=model.closest,
                       trained_on={"queries": {s: len(q) for s, q in by_split.items()}, "postings": len(judgments.postings),
                                   "embedding_model": embedder.model_id, "report": report})
    return trained, report


def _without(name: str, model: FitModel, by_split: dict[str, list[Features]]) -> dict[str, float]:
    """nDCG@10 per split with one feature left out: its weight 0 and the others ascended again on train."""
    at = FIT_FEATURES.index(name)
    start = np.asarray([0.0 if f == name else model.weights[f] for f in FIT_FEATURES], dtype=np.float32)
    direction = ascend(by_split["train"], start, frozen=frozenset({at}))
    return {split: round(mean_ndcg(direction, queries), 4) for split, queries in by_split.items() if queries}


def _choose_floor(model: FitModel, dev: list[Features]) -> FitModel:
    """The highest floor that still keeps FLOOR_KEEPS of the relevant postings on dev, and the highest `strong` level that
    keeps STRONG_KEEPS of them: a floor that kept nearly every fit would keep most of what does not fit too."""
    floor, strong = FLOOR_CANDIDATES[0], FLOOR_CANDIDATES[0]
    for candidate in FLOOR_CANDIDATES:
        trial = FitModel(model.intercept, model.weights, candidate, model.strong, model.z_clip, closest=model.closest)
        kept = evaluate(trial, dev)["floor_keeps_relevant"]
        if kept >= FLOOR_KEEPS:
            floor = candidate
        if kept >= STRONG_KEEPS:
            strong = candidate
    return FitModel(model.intercept, model.weights, floor, max(floor, strong), model.z_clip, closest=model.closest)


def write(model: FitModel, path: Path) -> None:
    path.write_text(json.dumps(model.to_json(), indent=2, ensure_ascii=False) + "\n")

