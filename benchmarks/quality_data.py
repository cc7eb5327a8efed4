"""Datasets for benchmarks/quality.py: graded seeker -> posting sets built from ESCO, and MELO nor_q_no_c_no as published.

Read-only inputs, straight from the shipped files (see each folder's SOURCE.txt):
- ESCO v1.1.1 zips: occupations_en.csv, skills_en.csv (classification zip), occupationSkillRelations.csv (relations zip);
- the Norwegian STYRK-08 <-> ESCO mapping (15 metadata lines, blank lines, then a header);
- MELO nor_q_no_c_no: queries, corpus_elements, concept_mapping and annotations (TSV without headers).
"""

from __future__ import annotations

import csv
import io
import random
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from jobmatch.postings.schemas import Occupation, PostingIn
from jobmatch.seekers.schemas import Experience, SeekerIn, SeekerSkill, Wishes
from jobmatch.vocab import OccupationSystem

OCCUPATION_URI = "http://data.europa.eu/esco/occupation/"
POSTING_SKILLS = 8
SEEKER_SKILLS = 4
# Strongest mapping first, for the few ESCO occupations the Norwegian table maps to more than one STYRK code.
_RELATION_ORDER = ("skos:exactMatch", "skos:closeMatch", "skos:narrowMatch", "skos:broadMatch")


@dataclass(frozen=True)
class EscoOccupation:
    uri: str
    isco: str  # the 4-digit ISCO-08 unit group
    label: str
    alt_labels: list[str]  # distinct, without the preferred label
    description: str
    essential_skills: list[str]  # skill labels, file order


@dataclass(frozen=True)
class NorwegianOccupation:
    label: str  # the Norwegian ESCO preferred label (ESCO 1.0.8)
    styrk: str  # 4-digit STYRK-08 code
    styrk_title: str
    other_labels: list[str]  # further Norwegian labels of the occupation, from the MELO corpus


@dataclass
class GradedSet:
    """Seekers that each rank every posting; relevance comes from the occupation codes (see `grade`)."""

    name: str
    postings: list[PostingIn]
    posting_uris: list[str]
    posting_codes: list[str]
    seekers: list[SeekerIn]
    seeker_uris: list[str]
    seeker_codes: list[str]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MeloSet:
    queries: dict[str, str]
    corpus: dict[str, str]
    relevant: dict[str, set[str]]
    concept: dict[str, str]


def grade(seeker_uri: str, seeker_code: str, posting_uri: str, posting_code: str) -> int:
    """3 same occupation, 2 same 4-digit unit group, 1 same 3-digit minor group, else 0."""
    if seeker_uri == posting_uri:
        return 3
    if seeker_code == posting_code:
        return 2
    return 1 if seeker_code[:3] == posting_code[:3] else 0


def _csv_rows(archive: Path, member: str) -> Iterator[dict[str, str]]:
    with zipfile.ZipFile(archive) as opened, opened.open(member) as raw:
        yield from csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8", newline=""))


def _distinct(labels: list[str], *, without: str = "") -> list[str]:
    seen = {without.casefold()} if without else set()
    kept = []
    for label in (" ".join(label.split()) for label in labels):
        if label and label.casefold() not in seen:
            seen.add(label.casefold())
            kept.append(label)
    return kept


def load_esco(folder: Path) -> dict[str, EscoOccupation]:
    """ESCO occupations by URI, with their essential skills' labels."""
    classification = folder / "esco_v1.1.1_classification_en_csv.zip"
    skill_labels = {row["conceptUri"]: row["preferredLabel"] for row in _csv_rows(classification, "skills_en.csv")}
    essential: dict[str, list[str]] = {}
    for row in _csv_rows(folder / "esco_v1.1.1_relations_csv.zip", "occupationSkillRelations.csv"):
        if row["relationType"] == "essential" and row["skillUri"] in skill_labels:
            essential.setdefault(row["occupationUri"], []).append(skill_labels[row["skillUri"]])
    occupations = {}
    for row in _csv_rows(classification, "occupations_en.csv"):
        label = row["preferredLabel"].strip()
        occupations[row["conceptUri"]] = EscoOccupation(
            uri=row["conceptUri"],
            isco=row["iscoGroup"].strip(),
            label=label,
            alt_labels=_distinct(row["altLabels"].split("\n"), without=label),
            description=" ".join(row["description"].split()),
            essential_skills=_distinct(essential.get(row["conceptUri"], [])),
        )
    return occupations


def read_tsv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8") as handle:
        return [line.rstrip("\n").split("\t") for line in handle if line.strip()]


def load_melo(folder: Path) -> MeloSet:
    """Queries, corpus, binary qrels and element -> ESCO URI of one MELO dataset folder."""
    relevant: dict[str, set[str]] = {}
    for qid, _, cid, relevance in read_tsv(folder / "annotations.tsv"):
        if int(relevance) > 0:
            relevant.setdefault(qid, set()).add(cid)
    return MeloSet(
        queries=dict(read_tsv(folder / "queries.tsv")),
        corpus=dict(read_tsv(folder / "corpus_elements.tsv")),
        relevant=relevant,
        concept=dict(read_tsv(folder / "concept_mapping.tsv")),
    )


def load_norwegian(mapping: Path, melo: MeloSet) -> dict[str, NorwegianOccupation]:
    """Norwegian labels and STYRK-08 code per ESCO URI: the mapping table, plus the MELO corpus's other labels."""
    lines = mapping.read_text(encoding="utf-8").splitlines()
    start = next(row for row, line in enumerate(lines) if line.startswith("Classification 1 URI,"))
    choices: dict[str, list[tuple[int, str, str, str]]] = {}
    for row in csv.DictReader(io.StringIO("\n".join(lines[start:]))):
        relation = row["Mapping relation"].strip()
        # A few codes carry a stray letter (".../C3116"); the 4 digits are the STYRK-08 code.
        code = "".join(ch for ch in row["Classification 2 URI"].rsplit("/", 1)[-1] if ch.isdigit())
        if relation in _RELATION_ORDER and len(code) == 4:
            rank = _RELATION_ORDER.index(relation)
            choices.setdefault(row["Classification 1 URI"].strip(), []).append(
                (rank, code, row["Classification 1 PrefLabel"].strip(), row["Classification 2 PrefLabel"].strip())
            )
    melo_labels: dict[str, list[str]] = {}
    for cid, uri in melo.concept.items():
        melo_labels.setdefault(uri, []).append(melo.corpus[cid])
    norwegian = {}
    for uri, options in choices.items():
        _, code, label, title = min(options)
        norwegian[uri] = NorwegianOccupation(label, code, title, _distinct(melo_labels.get(uri, []), without=label))
    return norwegian


def sample_occupations(occupations: dict[str, EscoOccupation], size: int, seed: int) -> list[EscoOccupation]:
    """Whole ISCO unit groups in random order until `size` occupations, so every posting meets its near neighbours."""
    groups: dict[str, list[EscoOccupation]] = {}
    for occupation in sorted(occupations.values(), key=lambda item: item.uri):
        groups.setdefault(occupation.isco, []).append(occupation)
    order = sorted(groups)
    random.Random(seed).shuffle(order)
    chosen: list[EscoOccupation] = []
    for code in order:
        if len(chosen) >= size:
            break
        chosen.extend(groups[code])
    return chosen


def split_skills(occupation: EscoOccupation, seed: int) -> tuple[list[str], list[str]]:
    """Disjoint essential skills for the posting and for the seeker (the seeker's never appear in the posting's list)."""
    skills = list(occupation.essential_skills)
    random.Random(f"{seed}:{occupation.uri}").shuffle(skills)
    seeker_count = min(SEEKER_SKILLS, len(skills) // 2)
    return skills[seeker_count : seeker_count + POSTING_SKILLS], skills[:seeker_count]


def _seeker(summary: str, title: str, skills: list[str], system: OccupationSystem, code: str) -> SeekerIn:
    # The wish names the 3-digit minor group only, code without a label: it narrows the field without naming the answer,
    # and it stays out of the texts so lexical/dense/fused see the same seeker text as fused + declared.
    return SeekerIn(
        summary=summary,
        experience=[Experience(title=title)],
        skills=[SeekerSkill(name=skill) for skill in skills],
        wishes=Wishes(occupations=[Occupation(system=system, code=code[:3])]),
    )


def english_set(sample: list[EscoOccupation], seed: int) -> GradedSet:
    """Postings titled with the preferred label; seekers described by two other alternative labels of the occupation."""
    graded = GradedSet("esco-en", [], [], [], [], [], [])
    for occupation in sample:
        posting_skills, seeker_skills = split_skills(occupation, seed)
        graded.postings.append(_posting(occupation, occupation.label, posting_skills, OccupationSystem.ISCO08, occupation.isco))
        graded.posting_uris.append(occupation.uri)
        graded.posting_codes.append(occupation.isco)
        if len(occupation.alt_labels) < 2:
            continue
        summary_label, title = random.Random(f"{seed}:labels:{occupation.uri}").sample(occupation.alt_labels, 2)
        graded.seekers.append(_seeker(f"I have worked as {summary_label}.", title, seeker_skills, OccupationSystem.ISCO08, occupation.isco))
        graded.seeker_uris.append(occupation.uri)
        graded.seeker_codes.append(occupation.isco)
    graded.notes = [
        "Posting: title = ESCO preferred label, description = ESCO description, skills = up to "
        f"{POSTING_SKILLS} essential skills, occupation = ISCO-08 unit group code (no label).",
        "Seeker: summary 'I have worked as <alt label A>.', experience title <alt label B> (A, B != preferred label), up to "
        f"{SEEKER_SKILLS} other essential skills (disjoint from the posting's), wish = 3-digit ISCO minor group code.",
    ]
    return graded


def norwegian_set(sample: list[EscoOccupation], norwegian: dict[str, NorwegianOccupation], seed: int) -> GradedSet:
    """The English construction with Norwegian titles: ESCO Norwegian label on the posting, STYRK title on the seeker."""
    graded = GradedSet("esco-no", [], [], [], [], [], [])
    with_other_label = 0
    for occupation in sample:
        local = norwegian.get(occupation.uri)
        if local is None:
            continue
        posting_skills, seeker_skills = split_skills(occupation, seed)
        graded.postings.append(_posting(occupation, local.label, posting_skills, OccupationSystem.STYRK08, local.styrk))
        graded.posting_uris.append(occupation.uri)
        graded.posting_codes.append(local.styrk)
        if local.other_labels:
            with_other_label += 1
            other = random.Random(f"{seed}:labels:{occupation.uri}").choice(local.other_labels)
            summary = f"Jeg har jobbet som {other}."
        else:
            summary = f"Jeg har jobbet innen {local.styrk_title.lower()}."
        graded.seekers.append(_seeker(summary, local.styrk_title, seeker_skills, OccupationSystem.STYRK08, local.styrk))
        graded.seeker_uris.append(occupation.uri)
        graded.seeker_codes.append(local.styrk)
    graded.notes = [
        "Posting: title = Norwegian ESCO label (NO mapping file), occupation = STYRK-08 code (no label); description and "
        "skills stay ENGLISH (ESCO has no Norwegian descriptions or skill labels here), as mixed-language feeds do.",
        "Seeker: experience title = Norwegian STYRK-08 title of the mapped code; summary 'Jeg har jobbet som <another Norwegian "
        f"label of the same ESCO occupation, from the MELO corpus>.' for {with_other_label} of {len(graded.seekers)} seekers, "
        "else 'Jeg har jobbet innen <STYRK title>.'; skills English as above; wish = 3-digit STYRK code.",
        "Relevance via the STYRK-08 code of the mapping (strongest relation first), which equals the ESCO ISCO unit group "
        "for ~89% of occupations.",
    ]
    return graded


def _posting(occupation: EscoOccupation, title: str, skills: list[str], system: OccupationSystem, code: str) -> PostingIn:
    return PostingIn(
        external_id=occupation.uri,
        title=title,
        description=occupation.description,
        skills=skills,
        occupations=[Occupation(system=system, code=code)],
    )
