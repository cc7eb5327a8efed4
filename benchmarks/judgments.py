"""Relevance judgments as JSONL (format: docs/relevance-data.md): meta, posting and seeker records, then one line per judgment.

    .venv/bin/python benchmarks/judgments.py --out benchmarks/out/judgments.jsonl

writes the graded set of benchmarks/quality.py (same sizes and seed arguments, same data) without running any model or
server. benchmarks/quality.py --judgments FILE writes the same file as a side effect.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import numpy.typing as npt
import quality_data as data

FORMAT = "jobmatch-relevance-judgments"
VERSION = 1
HARD_NEGATIVES = 30
RANDOM_NEGATIVES = 20
GRADES = {
    "3": "same ESCO occupation as the seeker's answer",
    "2": "same ISCO-08 unit group (4 digits)",
    "1": "same ISCO-08 minor group (3 digits)",
    "0": "other",
}


def line(handle: TextIO, record: dict[str, Any]) -> None:
    handle.write(json.dumps(record, ensure_ascii=False, sort_keys=False) + "\n")


def write(graded: data.GradedSet, path: Path, *, lexical: npt.NDArray[np.float64] | None, command: str,
          splits: Sequence[str] = data.SPLITS) -> dict[str, int]:
    """Every posting and seeker once, then per seeker: every posting graded > 0, hard and random grade-0 postings.

    `lexical` (seekers x postings) picks the hard negatives: the highest-scoring postings graded 0.
    """
    counts = {"postings": len(graded.postings), "seekers": 0, "judgments": 0}
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        line(handle, {
            "record": "meta", "format": FORMAT, "version": VERSION, "source": "benchmark", "seed": graded.seed,
            "command": command, "grades": GRADES,
            "splits": {split: sorted(code for code, name in graded.split_of_unit_group.items() if name == split)
                       for split in data.SPLITS},
            "notes": ["splits are by ISCO-08 unit group: no occupation is in two splits",
                      "seeker records are exhaustive: a posting of this file without a judgment line for that seeker is grade 0"],
        })
        for posting in graded.postings:
            line(handle, {"record": "posting", "key": posting.key, "posting": posting.body,
                          "occupation": {"esco": posting.occupation.uri, "isco": posting.occupation.isco}})
        for row, seeker in enumerate(graded.seekers):
            if seeker.split not in splits:
                continue
            counts["seekers"] += 1
            line(handle, {
                "record": "seeker", "key": seeker.key, "split": seeker.split, "judged": "exhaustive",
                "profile": seeker.profile,
                "answer": {"esco": seeker.occupation.uri, "isco": seeker.occupation.isco},
                "variant": {"language": seeker.language, "named_by": seeker.named_by, "wish": seeker.wish_kind},
            })
            grades = np.array(graded.grades(seeker))
            chosen = list(np.flatnonzero(grades > 0))
            negatives = np.flatnonzero(grades == 0)
            if lexical is not None:
                order = negatives[np.argsort(-lexical[row, negatives], kind="stable")]
                chosen += list(order[:HARD_NEGATIVES])
            rest = sorted(set(negatives.tolist()) - set(chosen))
            chosen += random.Random(f"{graded.seed}:negatives:{seeker.key}").sample(rest, k=min(RANDOM_NEGATIVES, len(rest)))
            for column in chosen:
                line(handle, {"record": "judgment", "seeker": seeker.key, "posting": graded.postings[column].key,
                              "grade": int(grades[column]), "split": seeker.split, "source": "benchmark", "aspect": "fit"})
                counts["judgments"] += 1
    return counts


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data.add_arguments(parser)
    parser.add_argument("--out", type=Path, required=True, help="the JSONL file to write")
    parser.add_argument("--splits", default=",".join(data.SPLITS), help="which splits' seekers to write (default: all)")
    arguments = parser.parse_args(argv)
    graded = data.from_arguments(arguments)
    from quality_baselines import char_tfidf

    lexical = char_tfidf([data.seeker_text(s.profile) for s in graded.seekers], [data.posting_text(p.body) for p in graded.postings])
    command = " ".join(["benchmarks/judgments.py", *(argv if argv is not None else sys.argv[1:])])
    counts = write(graded, arguments.out, lexical=lexical, command=command, splits=arguments.splits.split(","))
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
