"""The graded relevance set for benchmarks/quality.py: Norwegian free-text seekers, postings, grades and splits.

Everything is generated from externally authored files under the shared data folder (read in place, never copied):
- ESCO v1.1.1 (English): occupations (labels, descriptions, ISCO-08 unit group), skills, occupation-skill relations;
- Norway's STYRK-08 <-> ESCO mapping: the Norwegian ESCO label and the STYRK-08 code and title of each occupation;
- MELO nor_q_no_c_no corpus: further Norwegian labels of the same ESCO occupations;
- GeoNames NO.txt: postal codes and municipalities for places.

Relevance comes from the occupation only (`grade`). Splits are by ISCO-08 unit group, so no occupation (and no unit group)
is in two splits. A seeker's declared wishes never name the answer's occupation or unit group: the free text carries the
signal. ESCO's skill labels and descriptions exist here only in English, so Norwegian texts name skills in English.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lexical_melo import load_dataset

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("JOBMATCH_SHARED_DATA", REPO.parent / "shared" / "data"))
SPLITS = ("train", "dev", "test")
SPLIT_SHARES = (0.6, 0.2, 0.2)
WISH_KINDS = ("none", "broader", "neighbour", "older")
WISH_SHARES = (0.35, 0.2, 0.2, 0.25)
# Strongest mapping first, for the few ESCO occupations the Norwegian table maps to more than one STYRK code.
_RELATION_ORDER = ("skos:exactMatch", "skos:closeMatch", "skos:narrowMatch", "skos:broadMatch")


@dataclass(frozen=True)
class Occupation:
    uri: str
    isco: str  # ESCO's 4-digit ISCO-08 unit group: what relevance is graded by
    label_en: str
    alt_labels_en: tuple[str, ...]
    description_en: str
    skills_en: tuple[str, ...]  # essential first, then optional
    label_no: str | None  # the Norwegian ESCO label (mapping file)
    other_labels_no: tuple[str, ...]  # further Norwegian labels (MELO corpus)
    styrk: str | None
    styrk_title: str | None


@dataclass(frozen=True)
class Place:
    postal_code: str
    municipality: str
    municipality_code: str


@dataclass
class Posting:
    key: str
    occupation: Occupation
    body: dict[str, Any]  # the jobmatch posting schema (PostingIn), without expires_at


@dataclass
class Seeker:
    key: str
    split: str
    occupation: Occupation
    language: str  # "no" or "en"
    wish_kind: str
    named_by: str  # how the text names the answer: label, other_label, styrk_title, english_label, unnamed
    profile: dict[str, Any]  # the jobmatch seeker schema (SeekerIn)


@dataclass
class GradedSet:
    postings: list[Posting]
    seekers: list[Seeker]
    split_of_unit_group: dict[str, str]
    seed: int
    notes: list[str] = field(default_factory=list)

    def grades(self, seeker: Seeker) -> list[int]:
        return [grade(seeker.occupation, posting.occupation) for posting in self.postings]


def grade(answer: Occupation, candidate: Occupation) -> int:
    """3 same ESCO occupation, 2 same ISCO-08 unit group (4 digits), 1 same minor group (3 digits), else 0."""
    if answer.uri == candidate.uri:
        return 3
    if answer.isco == candidate.isco:
        return 2
    return 1 if answer.isco[:3] == candidate.isco[:3] else 0


def _csv_rows(archive: Path, member: str) -> Iterator[dict[str, str]]:
    with zipfile.ZipFile(archive) as opened, opened.open(member) as raw:
        yield from csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8", newline=""))


def _distinct(labels: list[str], *, without: str = "") -> tuple[str, ...]:
    seen = {without.casefold()} if without else set()
    kept = []
    for label in (" ".join(label.split()) for label in labels):
        if label and label.casefold() not in seen:
            seen.add(label.casefold())
            kept.append(label)
    return tuple(kept)


def _norwegian_labels(mapping: Path) -> dict[str, tuple[str, str, str]]:
    """ESCO URI -> (Norwegian ESCO label, STYRK-08 code, STYRK-08 title), strongest mapping relation first."""
    lines = mapping.read_text(encoding="utf-8").splitlines()
    start = next(row for row, line in enumerate(lines) if line.startswith("Classification 1 URI,"))
    choices: dict[str, list[tuple[int, str, str, str]]] = {}
    for row in csv.DictReader(io.StringIO("\n".join(lines[start:]))):
        relation = row["Mapping relation"].strip()
        # A few codes carry a stray letter (".../C3116"); the 4 digits are the STYRK-08 code.
        code = "".join(ch for ch in row["Classification 2 URI"].rsplit("/", 1)[-1] if ch.isdigit())
        if relation in _RELATION_ORDER and len(code) == 4:
            label, title = row["Classification 1 PrefLabel"].strip(), row["Classification 2 PrefLabel"].strip()
            choices.setdefault(row["Classification 1 URI"].strip(), []).append((_RELATION_ORDER.index(relation), code, label, title))
    labels = {}
    for uri, options in choices.items():
        _, code, label, title = min(options)
        labels[uri] = (label, code, title)
    return labels


def load_occupations(shared: Path = SHARED_DATA) -> dict[str, Occupation]:
    """Every ESCO occupation with its skills and, where the mapping has one, its Norwegian label and STYRK-08 code."""
    esco = shared / "esco-v1.1.1"
    classification = esco / "esco_v1.1.1_classification_en_csv.zip"
    skill_labels = {row["conceptUri"]: row["preferredLabel"] for row in _csv_rows(classification, "skills_en.csv")}
    essential: dict[str, list[str]] = {}
    optional: dict[str, list[str]] = {}
    for row in _csv_rows(esco / "esco_v1.1.1_relations_csv.zip", "occupationSkillRelations.csv"):
        if row["skillUri"] in skill_labels:
            target = essential if row["relationType"] == "essential" else optional
            target.setdefault(row["occupationUri"], []).append(skill_labels[row["skillUri"]])
    norwegian = _norwegian_labels(shared / "melo-nor" / "NO_mapping_20.09.2022_styrk08_esco.csv")
    melo = load_dataset(shared / "melo-nor" / "nor_q_no_c_no")
    melo_labels: dict[str, list[str]] = {}
    for cid, uri in melo.concept.items():
        melo_labels.setdefault(uri, []).append(melo.corpus[cid])
    occupations = {}
    for row in _csv_rows(classification, "occupations_en.csv"):
        uri, label = row["conceptUri"], row["preferredLabel"].strip()
        isco = row["iscoGroup"].strip()
        if len(isco) != 4 or not isco.isdigit():
            continue
        label_no, styrk, styrk_title = norwegian.get(uri, (None, None, None))
        occupations[uri] = Occupation(
            uri=uri, isco=isco, label_en=label,
            alt_labels_en=_distinct(row["altLabels"].split("\n"), without=label),
            description_en=" ".join(row["description"].split()),
            skills_en=_distinct(essential.get(uri, []) + optional.get(uri, [])),
            label_no=label_no,
            other_labels_no=_distinct(melo_labels.get(uri, []), without=label_no or ""),
            styrk=styrk, styrk_title=styrk_title,
        )
    return occupations


def isco_labels(shared: Path = SHARED_DATA) -> dict[str, str]:
    """ISCO-08 group code (1-4 digits) -> English label."""
    archive = shared / "esco-v1.1.1" / "esco_v1.1.1_classification_en_csv.zip"
    return {row["code"]: row["preferredLabel"] for row in _csv_rows(archive, "ISCOGroups_en.csv")}


def load_places(shared: Path = SHARED_DATA) -> list[Place]:
    """Distinct postal codes of mainland Norway with their municipality (GeoNames; 2024 numbering)."""
    places = {}
    with (shared / "geo-no" / "NO.txt").open(encoding="utf-8") as handle:
        for line in handle:
            columns = line.rstrip("\n").split("\t")
            if len(columns) > 6 and len(columns[1]) == 4 and len(columns[6]) == 4:
                places[columns[1]] = Place(columns[1], columns[5], columns[6])
    return [places[code] for code in sorted(places)]


def assign_splits(unit_groups: list[str], seed: int) -> dict[str, str]:
    """Each ISCO unit group to one split (60/20/20), by a seeded shuffle."""
    order = sorted(unit_groups)
    random.Random(f"{seed}:splits").shuffle(order)
    cut_train = round(len(order) * SPLIT_SHARES[0])
    cut_dev = cut_train + round(len(order) * SPLIT_SHARES[1])
    return {code: "train" if n < cut_train else "dev" if n < cut_dev else "test" for n, code in enumerate(order)}


def sample_occupations(occupations: dict[str, Occupation], size: int, seed: int) -> list[Occupation]:
    """Whole ISCO unit groups in random order until `size` occupations with a Norwegian label and skills."""
    groups: dict[str, list[Occupation]] = {}
    for occupation in sorted(occupations.values(), key=lambda item: item.uri):
        if occupation.label_no and occupation.skills_en:
            groups.setdefault(occupation.isco, []).append(occupation)
    order = sorted(groups)
    random.Random(f"{seed}:occupations").shuffle(order)
    chosen: list[Occupation] = []
    for code in order:
        if len(chosen) >= size:
            break
        chosen.extend(groups[code])
    return chosen


def build(
    occupations: dict[str, Occupation], places: list[Place], isco_names: dict[str, str], *,
    corpus_occupations: int = 1200, seekers_per_split: tuple[int, int, int] = (400, 200, 200), seed: int = 13,
) -> GradedSet:
    """Postings for a sample of occupations, and seekers for each split, all from fixed seeds."""
    from quality_texts import make_posting, make_seeker  # the sibling module; kept apart for size

    sample = sample_occupations(occupations, corpus_occupations, seed)
    split_of = assign_splits(sorted({occupation.isco for occupation in sample}), seed)
    rng = random.Random(f"{seed}:postings")
    towns = rng.sample(places, k=min(300, len(places)))
    postings = []
    for occupation in sample:
        for number in range(1 + min(5, int(rng.expovariate(0.7)))):
            key = f"{occupation.uri.rsplit('/', 1)[-1]}-{number}"
            postings.append(Posting(key, occupation, make_posting(occupation, key, rng.choice(towns), rng)))
    by_split: dict[str, list[Occupation]] = {name: [] for name in SPLITS}
    for occupation in sample:
        by_split[split_of[occupation.isco]].append(occupation)
    every = [occupation for occupation in occupations.values() if occupation.label_no and occupation.styrk]
    seekers = []
    for split, count in zip(SPLITS, seekers_per_split, strict=True):
        rng = random.Random(f"{seed}:seekers:{split}")
        for number in range(count):
            answer = rng.choice(by_split[split])
            wish_kind = rng.choices(WISH_KINDS, weights=WISH_SHARES)[0]
            older = rng.choice([o for o in rng.sample(every, 40) if o.isco[:2] != answer.isco[:2]])
            key = f"{split}-{number:04d}"
            profile, language, named_by, wish_kind = make_seeker(answer, older, wish_kind, sample, isco_names, rng.choice(towns), rng)
            seekers.append(Seeker(key, split, answer, language, wish_kind, named_by, profile))
    return GradedSet(postings=postings, seekers=seekers, split_of_unit_group=split_of, seed=seed)


def wished_codes(profile: dict[str, Any]) -> list[str]:
    return [str(wish["code"]) for wish in profile.get("wishes", {}).get("occupations", [])]


def wished_labels(profile: dict[str, Any]) -> list[str]:
    return [str(wish.get("label") or "") for wish in profile.get("wishes", {}).get("occupations", [])]


def posting_text(body: dict[str, Any]) -> str:
    """What the baselines read of a posting: title, occupation labels, skills, description."""
    labels = [occupation.get("label") or "" for occupation in body.get("occupations", [])]
    parts = [body["title"], ", ".join(labels), ", ".join(body.get("skills", [])), body.get("description", "")]
    return "\n".join(part for part in parts if part)


def seeker_text(profile: dict[str, Any]) -> str:
    """What the baselines read of a seeker: summary, experience, skills, wished occupations' labels."""
    experience = [f"{item['title']}: {item.get('description', '')}".rstrip(": ") for item in profile.get("experience", [])]
    skills = ", ".join(skill["name"] for skill in profile.get("skills", []))
    parts = [profile.get("summary", ""), *experience, skills, ", ".join(label for label in wished_labels(profile) if label)]
    return "\n".join(part for part in parts if part)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The generator's sizes and seed, shared by quality.py and judgments.py so both build the same set."""
    parser.add_argument("--shared-data", type=Path, default=SHARED_DATA, help="folder with esco-v1.1.1, melo-nor, geo-no")
    parser.add_argument("--occupations", type=int, default=1200, help="ESCO occupations in the posting corpus (whole unit groups)")
    parser.add_argument("--seekers", default="400,200,200", help="seekers in train,dev,test")
    parser.add_argument("--seed", type=int, default=13)


def from_arguments(arguments: argparse.Namespace) -> GradedSet:
    counts = tuple(int(value) for value in arguments.seekers.split(","))
    if len(counts) != 3:
        raise SystemExit("--seekers needs three numbers: train,dev,test")
    shared = arguments.shared_data
    return build(load_occupations(shared), load_places(shared), isco_labels(shared), corpus_occupations=arguments.occupations,
                 seekers_per_split=counts, seed=arguments.seed)  # type: ignore[arg-type]
