"""Ranking quality of the fit signals: lexical, dense, their fusion, and fusion with the declared skills and occupation.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/quality.py --sample 600 --out benchmarks/out/quality.json

Sets (built by benchmarks/quality_data.py from the files under ../shared/data, read-only):
- esco-en: every sampled ESCO occupation is one posting; one seeker per occupation speaks of it with two other alternative
  labels and skills disjoint from the posting's. Graded relevance: 3 same occupation, 2 same 4-digit unit group,
  1 same 3-digit minor group. Each seeker ranks all postings.
- esco-no: the same occupations with Norwegian titles (NO STYRK-08 <-> ESCO mapping, MELO labels); descriptions and skills
  stay English. Relevance through the STYRK-08 codes.
- MELO nor_q_no_c_no as published (binary qrels, MRR and Recall@10), on the full corpus and on ESCO occupations only.

Signals are the product's: lexical = `LexicalIndex` over `posting_terms`/`seeker_terms`; dense = the embedder over
`posting_text` (passage) and `seeker_text` (query), scored exactly by a flat FAISS index; fused = FIT_WEIGHTS semantic x dense
+ lexical x lexical; fused + declared adds FIT_WEIGHTS skills x `skills_signal(skill_matches(...))` and occupation x
`occupation_signal(...)`, computed for the candidates the product retrieves (dense top-200 and lexical top-200, as in
`jobmatch.matching.ranking`); postings it would not retrieve are ranked after them by fused score.
Metrics on the graded sets: nDCG@10 with gain 2^grade - 1; Recall@50 of the postings graded >= 2 (same unit group);
MRR of the one posting graded 3. Ties are broken by posting order (the product breaks them by posting id).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import quality_data as data  # the sibling module: a script's own folder is on sys.path

from jobmatch.embedding.base import Embedder, Kind
from jobmatch.embedding.sentence import load_embedder
from jobmatch.embedding.texts import posting_text, seeker_text
from jobmatch.index.faiss_index import FaissIndex, build_index
from jobmatch.lexical.tfidf import LexicalIndex
from jobmatch.matching.fit import SkillMatch, occupation_signal, skill_matches, skills_signal
from jobmatch.matching.formula import Features, score
from jobmatch.matching.ranking import DENSE_CANDIDATES, LEXICAL_CANDIDATES, NO_PRIOR
from jobmatch.matching.weights import FIT_WEIGHTS
from jobmatch.search.documents import posting_terms, seeker_terms
from jobmatch.vocab import Importance, StayFactor

Matrix = npt.NDArray[np.float64]
REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("JOBMATCH_SHARED_DATA", REPO.parent / "shared" / "data"))
RRF_K = 60
# Lexical weight per 1.0 of semantic weight: the product's 0.6 and the ratios around it.
LEXICAL_RATIOS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.5, 2.0, 3.0)
BOOTSTRAP_ROUNDS = 2000
PRODUCT_RATIO = FIT_WEIGHTS["lexical"] / FIT_WEIGHTS["semantic"]


@dataclass(frozen=True)
class PrimaryScores:
    """Per-query primary metric of the better single signal and of every swept lexical weight: what the weight choice uses."""

    metric: str
    best_single: npt.NDArray[np.float64]
    sweep: dict[str, npt.NDArray[np.float64]]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def encode(embedder: Embedder, texts: Sequence[str], kind: Kind, cache: Path | None) -> npt.NDArray[np.float32]:
    """The embedder's vectors, read from / written to `cache` (keyed by model id, kind and texts) when given."""
    key = hashlib.sha256("\0".join([embedder.model_id, kind, *texts]).encode("utf-8")).hexdigest()[:24]
    path = cache / f"{key}.npy" if cache else None
    if path and path.exists():
        return np.load(path)
    started = time.perf_counter()
    vectors = embedder.encode(list(texts), kind=kind)
    log(f"encoded {len(texts)} {kind} texts in {time.perf_counter() - started:.0f} s")
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, vectors)
    return vectors


def dense_scores(queries: npt.NDArray[np.float32], documents: npt.NDArray[np.float32]) -> Matrix:
    """Cosine of every query with every document, from an exact (flat) FAISS index."""
    index = FaissIndex(build_index(np.arange(len(documents)), documents, kind="flat"))
    scores, ids = index.search(queries, len(documents))
    matrix = np.zeros((len(queries), len(documents)))
    np.put_along_axis(matrix, ids, scores, axis=1)
    return matrix


def lexical_scores(queries: Sequence[str], documents: Sequence[str]) -> Matrix:
    ids = list(range(len(documents)))
    index = LexicalIndex.fit(ids, documents)
    return np.vstack([index.scores(query, ids) for query in queries]).astype(np.float64)


def reciprocal_rank_fusion(*matrices: Matrix) -> Matrix:
    fused = np.zeros_like(matrices[0])
    for matrix in matrices:
        ranks = np.argsort(np.argsort(-matrix, axis=1, kind="stable"), axis=1) + 1
        fused += 1.0 / (RRF_K + ranks)
    return fused


def graded_metrics(scores: Matrix, grades: npt.NDArray[np.int8]) -> dict[str, npt.NDArray[np.float64]]:
    """Per-seeker nDCG@10 (gain 2^g - 1), Recall@50 of grade >= 2, reciprocal rank of the grade-3 posting."""
    order = np.argsort(-scores, axis=1, kind="stable")
    ranked = np.take_along_axis(grades, order, axis=1).astype(np.float64)
    discounts = 1 / np.log2(np.arange(2, 12))
    dcg = ((2**ranked[:, :10] - 1) * discounts).sum(axis=1)
    best_first = -np.sort(-grades.astype(np.float64), axis=1)
    ideal = ((2 ** best_first[:, :10] - 1) * discounts).sum(axis=1)
    relevant = (grades >= 2).sum(axis=1)
    recall = (ranked[:, :50] >= 2).sum(axis=1) / np.maximum(relevant, 1)
    first = np.argmax(ranked == 3, axis=1)
    reciprocal = np.where((ranked == 3).any(axis=1), 1 / (first + 1), 0.0)
    return {"ndcg@10": dcg / ideal, "recall@50": recall, "mrr": reciprocal}


def binary_metrics(scores: Matrix, relevant: npt.NDArray[np.bool_]) -> dict[str, npt.NDArray[np.float64]]:
    """Per-query reciprocal rank of the first relevant element and Recall@10; callers order columns for trec_eval ties."""
    order = np.argsort(-scores, axis=1, kind="stable")
    hits = np.take_along_axis(relevant, order, axis=1)
    reciprocal = np.where(hits.any(axis=1), 1 / (np.argmax(hits, axis=1) + 1), 0.0)
    recall = hits[:, :10].sum(axis=1) / np.maximum(relevant.sum(axis=1), 1)
    return {"mrr": reciprocal, "recall@10": recall}


def fusion_methods(semantic: Matrix, lexical: Matrix) -> dict[str, Matrix]:
    methods = {"lexical": lexical, "dense": semantic}
    methods[f"fused {FIT_WEIGHTS['semantic']:g}*sem + {FIT_WEIGHTS['lexical']:g}*lex (product)"] = (
        FIT_WEIGHTS["semantic"] * semantic + FIT_WEIGHTS["lexical"] * lexical
    )
    methods[f"RRF (k={RRF_K})"] = reciprocal_rank_fusion(semantic, lexical)
    return methods


def paired_delta(better: npt.NDArray[np.float64], baseline: npt.NDArray[np.float64], seed: int) -> dict[str, float]:
    """Mean per-query difference with a 95% paired bootstrap interval."""
    difference = better - baseline
    rounds = np.random.default_rng(seed).integers(0, len(difference), (BOOTSTRAP_ROUNDS, len(difference)))
    means = difference[rounds].mean(axis=1)
    return {"delta": float(difference.mean()), "ci95_low": float(np.quantile(means, 0.025)), "ci95_high": float(np.quantile(means, 0.975))}


def declared_components(graded: data.GradedSet, semantic: Matrix, lexical: Matrix) -> tuple[Matrix, Matrix, npt.NDArray[np.bool_]]:
    """Raw skills and occupation signals (0 when the signal has no value) for the product's candidates, and the candidate mask."""
    rows, columns = semantic.shape
    candidates = np.zeros((rows, columns), dtype=bool)
    np.put_along_axis(candidates, np.argsort(-semantic, axis=1, kind="stable")[:, :DENSE_CANDIDATES], True, axis=1)
    # The lexical channel returns only documents sharing an n-gram with the seeker (LexicalIndex.search).
    top_lexical = np.argsort(-lexical, axis=1, kind="stable")[:, :LEXICAL_CANDIDATES]
    np.put_along_axis(candidates, top_lexical, np.take_along_axis(lexical, top_lexical, axis=1) > 0, axis=1)
    skills, occupation = np.zeros((rows, columns)), np.zeros((rows, columns))
    found: dict[tuple[int, str], SkillMatch] = {}  # skill_matches looks at each skill on its own, so matches can be reused
    for row, seeker in enumerate(graded.seekers):
        for column in np.flatnonzero(candidates[row]):
            posting = graded.postings[column]
            matches = []
            for skill in seeker.skills:
                key = (int(column), skill.name)
                if key not in found:
                    found[key] = skill_matches(posting, [skill])[0]
                matches.append(found[key])
            skills[row, column] = skills_signal(matches).raw or 0.0
            occupation[row, column] = occupation_signal(posting, seeker).raw or 0.0
    return skills, occupation, candidates


def check_against_formula(
    graded: data.GradedSet, semantic: Matrix, lexical: Matrix, declared: Matrix, candidates: npt.NDArray[np.bool_], seed: int
) -> float:
    """Largest gap between the vectorised score and `jobmatch.matching.formula.score` on 200 random candidate pairs."""
    pairs = np.argwhere(candidates)
    importances = dict.fromkeys(StayFactor, Importance.NONE)
    worst = 0.0
    for row, column in pairs[np.random.default_rng(seed).choice(len(pairs), min(200, len(pairs)), replace=False)]:
        posting, seeker = graded.postings[column], graded.seekers[row]
        matches = skill_matches(posting, seeker.skills)
        features = Features(
            posting_id=int(column), title=posting.title, employer=None, semantic=float(semantic[row, column]),
            lexical=float(lexical[row, column]), matched_terms=[], skills=matches, skills_signal=skills_signal(matches),
            occupation=occupation_signal(posting, seeker), stay=dict.fromkeys(StayFactor, NO_PRIOR), engagement=NO_PRIOR,
            stay_prior=NO_PRIOR,
        )
        worst = max(worst, abs(score(features, importances).score - declared[row, column]))
    return worst


def summarise(metrics: dict[str, npt.NDArray[np.float64]]) -> dict[str, float]:
    return {name: round(float(values.mean()), 4) for name, values in metrics.items()}


def run_graded(graded: data.GradedSet, embedder: Embedder, cache: Path | None, seed: int) -> tuple[dict[str, Any], PrimaryScores]:
    log(f"{graded.name}: {len(graded.seekers)} seekers x {len(graded.postings)} postings")
    grades = np.array(
        [[data.grade(su, sc, pu, pc) for pu, pc in zip(graded.posting_uris, graded.posting_codes, strict=True)]
         for su, sc in zip(graded.seeker_uris, graded.seeker_codes, strict=True)],
        dtype=np.int8,
    )
    posting_vectors = encode(embedder, [posting_text(posting) for posting in graded.postings], "passage", cache)
    seeker_vectors = encode(embedder, [seeker_text(seeker) for seeker in graded.seekers], "query", cache)
    semantic = dense_scores(seeker_vectors, posting_vectors)
    lexical = lexical_scores([seeker_terms(s) for s in graded.seekers], [posting_terms(p) for p in graded.postings])
    started = time.perf_counter()
    skills, occupation, candidates = declared_components(graded, semantic, lexical)
    log(f"{graded.name}: declared signals for {int(candidates.sum())} candidate pairs in {time.perf_counter() - started:.0f} s")
    skills_term, occupation_term = FIT_WEIGHTS["skills"] * skills, FIT_WEIGHTS["occupation"] * occupation

    def with_declared(fused: Matrix, extra: Matrix = skills_term + occupation_term) -> Matrix:
        # Postings the product would not retrieve come after every candidate, in fused order.
        return np.where(candidates, fused + extra, fused - 1e3)

    methods = fusion_methods(semantic, lexical)
    product_fused = FIT_WEIGHTS["semantic"] * semantic + FIT_WEIGHTS["lexical"] * lexical
    methods["fused + declared skills only"] = with_declared(product_fused, skills_term)
    methods["fused + declared occupation only"] = with_declared(product_fused, occupation_term)
    methods["fused + declared skills & occupation (product)"] = with_declared(product_fused)
    per_query = {name: graded_metrics(matrix, grades) for name, matrix in methods.items()}
    sweep, primary = {}, {}
    for ratio in LEXICAL_RATIOS:
        fused = graded_metrics(semantic + ratio * lexical, grades)
        primary[f"{ratio:g}"] = fused["ndcg@10"]
        sweep[f"{ratio:g}"] = {
            "fused": summarise(fused),
            "fused + declared": summarise(graded_metrics(with_declared(semantic + ratio * lexical), grades)),
        }
    formula_gap = check_against_formula(graded, semantic, lexical, with_declared(product_fused), candidates, seed)
    best = max(("lexical", "dense"), key=lambda name: per_query[name]["ndcg@10"].mean())
    return {
        "seekers": len(graded.seekers),
        "postings": len(graded.postings),
        "relevant_per_seeker": {str(g): round(float((grades == g).sum(axis=1).mean()), 2) for g in (3, 2, 1)},
        "candidates_per_seeker": round(float(candidates.sum(axis=1).mean()), 1),
        "max_gap_to_formula_score": formula_gap,
        "notes": graded.notes,
        "methods": {name: summarise(metrics) for name, metrics in per_query.items()},
        "sweep_lexical_weight": sweep,
        "fused_vs_best_single": compare_to_best_single(per_query, seed),
    }, PrimaryScores("ndcg@10", per_query[best]["ndcg@10"], primary)


def compare_to_best_single(per_query: dict[str, dict[str, npt.NDArray[np.float64]]], seed: int) -> dict[str, Any]:
    """Every fused method against the better of lexical and dense, per metric, with paired bootstrap intervals."""
    report: dict[str, Any] = {}
    for metric in per_query["dense"]:
        best = max(("lexical", "dense"), key=lambda name: per_query[name][metric].mean())
        report[metric] = {"best_single": best}
        for name, metrics in per_query.items():
            if name not in ("lexical", "dense"):
                report[metric][name] = paired_delta(metrics[metric], per_query[best][metric], seed)
    return report


def run_melo(
    melo: data.MeloSet, embedder: Embedder, cache: Path | None, seed: int
) -> tuple[dict[str, Any], dict[str, PrimaryScores]]:
    cids = sorted(melo.corpus, reverse=True)  # trec_eval orders ties by descending element id; stable sorts keep this order
    qids = sorted(melo.queries)
    log(f"MELO: {len(qids)} queries x {len(cids)} corpus elements")
    corpus_vectors = encode(embedder, [melo.corpus[cid] for cid in cids], "passage", cache)
    query_vectors = encode(embedder, [melo.queries[qid] for qid in qids], "query", cache)
    relevant = np.array([[cid in melo.relevant.get(qid, set()) for cid in cids] for qid in qids])
    is_occupation = np.array([melo.concept.get(cid, "").startswith(data.OCCUPATION_URI) for cid in cids])
    report: dict[str, Any] = {}
    primaries: dict[str, PrimaryScores] = {}
    for corpus_name, keep in (("full corpus", np.ones(len(cids), dtype=bool)), ("ESCO occupations only", is_occupation)):
        columns = np.flatnonzero(keep)
        semantic = dense_scores(query_vectors, corpus_vectors[columns])
        lexical = lexical_scores([melo.queries[qid] for qid in qids], [melo.corpus[cids[c]] for c in columns])
        per_query = {name: binary_metrics(matrix, relevant[:, columns]) for name, matrix in fusion_methods(semantic, lexical).items()}
        sweep = {f"{ratio:g}": binary_metrics(semantic + ratio * lexical, relevant[:, columns]) for ratio in LEXICAL_RATIOS}
        report[corpus_name] = {
            "elements": len(columns),
            "methods": {name: summarise(metrics) for name, metrics in per_query.items()},
            "sweep_lexical_weight": {ratio: summarise(metrics) for ratio, metrics in sweep.items()},
            "fused_vs_best_single": compare_to_best_single(per_query, seed),
        }
        best = max(("lexical", "dense"), key=lambda name: per_query[name]["mrr"].mean())
        primaries[f"MELO {corpus_name}"] = PrimaryScores("mrr", per_query[best]["mrr"], {r: m["mrr"] for r, m in sweep.items()})
    return report, primaries


def weight_choice(primaries: dict[str, PrimaryScores], seed: int) -> dict[str, Any]:
    """The lexical weight whose worst margin over the better single signal, across the sets, is largest (then the best sum)."""
    ratios = list(next(iter(primaries.values())).sweep)
    margins = {
        ratio: {name: round(float(scores.sweep[ratio].mean() - scores.best_single.mean()), 4) for name, scores in primaries.items()}
        for ratio in ratios
    }
    chosen = max(ratios, key=lambda ratio: (min(margins[ratio].values()), sum(margins[ratio].values())))
    product = f"{PRODUCT_RATIO:g}"
    return {
        "rule": "max over w of the worst (across sets) primary-metric margin of 1.0*sem + w*lex over the better single signal",
        "primary_metric": {name: scores.metric for name, scores in primaries.items()},
        "margins_vs_best_single": margins,
        "chosen_lexical_weight": float(chosen),
        "chosen_vs_best_single": {name: paired_delta(s.sweep[chosen], s.best_single, seed) for name, s in primaries.items()},
        "chosen_vs_product_weight": {name: paired_delta(s.sweep[chosen], s.sweep[product], seed) for name, s in primaries.items()},
    }


def published_baselines(path: Path) -> dict[str, dict[str, float]]:
    rows = data.read_tsv(path)
    header = rows[0]
    return {
        row[0]: {name: float(value) for name, value in zip(header[2:], row[2:], strict=True)}
        for row in rows[1:] if row[1] == "nor_q_no_c_no"
    }


def markdown(report: dict[str, Any]) -> str:
    lines = ["| set | method | nDCG@10 | R@50 | MRR |", "|---|---|---:|---:|---:|"]
    for name, result in report["graded"].items():
        for method, metrics in result["methods"].items():
            lines.append(f"| {name} | {method} | {metrics['ndcg@10']:.4f} | {metrics['recall@50']:.4f} | {metrics['mrr']:.4f} |")
    lines += ["", "| MELO nor_q_no_c_no | method | MRR | R@10 |", "|---|---|---:|---:|"]
    for model, metrics in report["melo"]["published (full corpus)"].items():
        lines.append(f"| full corpus | published {model} | {metrics['mrr']:.4f} | {metrics['recall_10']:.4f} |")
    for corpus_name in ("full corpus", "ESCO occupations only"):
        for method, metrics in report["melo"][corpus_name]["methods"].items():
            lines.append(f"| {corpus_name} | {method} | {metrics['mrr']:.4f} | {metrics['recall@10']:.4f} |")
    lines += ["", "Sweep: score = 1.0*sem + w*lex (primary metric; esco sets also with the declared skills & occupation terms)", ""]
    columns = [(f"{name} nDCG@10", name) for name in report["graded"]]
    lines.append("| w | " + " | ".join(f"{title} | +declared" for title, _ in columns) + " | MELO full MRR | MELO occ MRR |")
    lines.append("|---:|" + "---:|" * (2 * len(columns) + 2))
    for ratio in (f"{ratio:g}" for ratio in LEXICAL_RATIOS):
        cells = []
        for _, name in columns:
            sweep = report["graded"][name]["sweep_lexical_weight"][ratio]
            cells += [f"{sweep['fused']['ndcg@10']:.4f}", f"{sweep['fused + declared']['ndcg@10']:.4f}"]
        for corpus_name in ("full corpus", "ESCO occupations only"):
            cells.append(f"{report['melo'][corpus_name]['sweep_lexical_weight'][ratio]['mrr']:.4f}")
        lines.append(f"| {ratio} | " + " | ".join(cells) + " |")
    lines += ["", "Goal: fused (product weights) beats the better single signal, primary metric, paired 95% bootstrap interval:", ""]
    for name, (result, metric) in goal_rows(report).items():
        comparison = result["fused_vs_best_single"][metric]
        fused_name = next(method for method in comparison if method.startswith("fused ") and "declared" not in method)
        delta = comparison[fused_name]
        verdict = "yes" if delta["ci95_low"] > 0 else "higher, not significant" if delta["delta"] > 0 else "NO"
        lines.append(f"- {name} ({metric}, best single = {comparison['best_single']}): delta {delta['delta']:+.4f} "
                     f"[{delta['ci95_low']:+.4f}, {delta['ci95_high']:+.4f}] -> {verdict}")
    choice = report["weight_choice"]
    names = list(choice["primary_metric"])
    lines += ["", "Primary-metric margin of 1.0*sem + w*lex over the better single signal (negative = fusion loses):", ""]
    lines += ["| w | " + " | ".join(names) + " | worst |", "|---:|" + "---:|" * (len(names) + 1)]
    for ratio, margins in choice["margins_vs_best_single"].items():
        lines.append(f"| {ratio} | " + " | ".join(f"{margins[name]:+.4f}" for name in names) + f" | {min(margins.values()):+.4f} |")
    chosen = choice["chosen_lexical_weight"]
    lines += ["", f"Best worst case: w = {chosen:g}. Against the product's {PRODUCT_RATIO:g} (paired 95% bootstrap):"]
    for name, delta in choice["chosen_vs_product_weight"].items():
        lines.append(f"- {name}: {delta['delta']:+.4f} [{delta['ci95_low']:+.4f}, {delta['ci95_high']:+.4f}]")
    return "\n".join(lines)


def goal_rows(report: dict[str, Any]) -> dict[str, tuple[dict[str, Any], str]]:
    rows = {name: (result, "ndcg@10") for name, result in report["graded"].items()}
    rows.update({f"MELO {name}": (report["melo"][name], "mrr") for name in ("full corpus", "ESCO occupations only")})
    return rows


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--esco", type=Path, default=SHARED_DATA / "esco-v1.1.1", help="folder with the two ESCO v1.1.1 zips")
    parser.add_argument("--melo", type=Path, default=SHARED_DATA / "melo-nor", help="folder with the NO mapping, nor_q_no_c_no, baselines")
    parser.add_argument("--sample", type=int, default=600, help="occupations (whole ISCO unit groups) in the ESCO sets")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--model", default=None, help="embedder: default (bundled MiniLM), 'hashing' (fake), or a model folder")
    parser.add_argument("--vector-cache", type=Path, default=None, help="reuse vectors across runs (keyed by model id and texts)")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out" / "quality.json")
    arguments = parser.parse_args(argv)
    started = time.perf_counter()
    embedder = load_embedder(arguments.model)
    log(f"embedder {embedder.model_id}")
    melo = data.load_melo(arguments.melo / "nor_q_no_c_no")
    occupations = data.load_esco(arguments.esco)
    norwegian = data.load_norwegian(arguments.melo / "NO_mapping_20.09.2022_styrk08_esco.csv", melo)
    sample = data.sample_occupations(occupations, arguments.sample, arguments.seed)
    report: dict[str, Any] = {
        "command": " ".join([Path(sys.argv[0]).name, *(argv if argv is not None else sys.argv[1:])]),
        "model_id": embedder.model_id,
        "fit_weights": FIT_WEIGHTS,
        "sample": {"occupations": len(sample), "seed": arguments.seed, "unit_groups": len({o.isco for o in sample})},
        "metric_definitions": __doc__.split("Metrics on the graded sets: ", 1)[1].strip(),
        "graded": {},
    }
    primaries: dict[str, PrimaryScores] = {}
    for graded in (data.english_set(sample, arguments.seed), data.norwegian_set(sample, norwegian, arguments.seed)):
        report["graded"][graded.name], primaries[graded.name] = run_graded(graded, embedder, arguments.vector_cache, arguments.seed)
    report["melo"], melo_primaries = run_melo(melo, embedder, arguments.vector_cache, arguments.seed)
    report["weight_choice"] = weight_choice(primaries | melo_primaries, arguments.seed)
    report["melo"]["published (full corpus)"] = published_baselines(arguments.melo / "melo_published_baselines_subset.tsv")
    report["seconds"] = round(time.perf_counter() - started, 1)
    table = markdown(report)
    report["table_markdown"] = table
    arguments.out.parent.mkdir(parents=True, exist_ok=True)
    arguments.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table)
    log(f"done in {report['seconds']:.0f} s; wrote {arguments.out}")


if __name__ == "__main__":
    main()
