"""Fit beyond similarity, over columns: the seeker's wished occupations and their own skills, found in each posting."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from jobmatch.lexical.norwegian import content_words, stem
from jobmatch.matching.signals import Signal, Status
from jobmatch.matching.weights import SKILL_DOES_NOT_WANT_TO_USE, SKILL_WANTS_TO_USE
from jobmatch.postings.schemas import Occupation
from jobmatch.search.corpus import CODED_SYSTEMS, Corpus
from jobmatch.seekers.schemas import SeekerSkill
from jobmatch.vocab import OccupationSystem

FloatArray = npt.NDArray[np.float32]
RowArray = npt.NDArray[np.int64]

SAME_MINOR_GROUP = 0.5
"""Closeness of a code in a wished occupation's ISCO minor group; from it up, a posting is in the seeker's field."""
_SENTENCE = re.compile(r"(?<=[.!?\n])\s+")


def closeness(wished: Occupation, system: str, code: str) -> float:
    """1 for the wished code or a code under a wished group, 0.5 for the same ISCO minor group, 0.25 for the sub-major."""
    if wished.system.value in CODED_SYSTEMS and system in CODED_SYSTEMS:
        want = wished.code.strip()
        if code.startswith(want):
            return 1.0
        if len(want) >= 3 and len(code) >= 3 and want[:3] == code[:3]:
            return SAME_MINOR_GROUP
        if len(want) >= 2 and len(code) >= 2 and want[:2] == code[:2]:
            return 0.25
        return 0.0
    return 1.0 if wished.system.value == system and wished.code.strip() == code else 0.0


def _key_parts(key: str) -> tuple[str, str]:
    system, _, code = key.partition(":")
    return system, code


def occupation_closeness(corpus: Corpus, n: int, wished: list[Occupation]) -> FloatArray:
    """Each row's best closeness to any wished occupation (0 when none is close or the posting has no code)."""
    if not wished or "occupation_rows" not in corpus.sparse:
        return np.zeros(n, dtype=np.float32)
    set_of_row, sets = corpus.occupation_sets(n)
    found: FloatArray = occupation_closeness_of(corpus.vocabs["occupations"].terms, sets, wished)[set_of_row]
    return found


def occupation_closeness_of(terms: list[str], rows: sp.csr_matrix, wished: list[Occupation]) -> FloatArray:
    """`occupation_closeness` of some rows, given as a CSR of their occupation columns."""
    if not wished or not rows.nnz:
        return np.zeros(rows.shape[0], dtype=np.float32)
    by_column = np.zeros(rows.shape[1], dtype=np.float32)
    for level, cols in sorted(_columns_by_closeness(terms, tuple((w.system.value, w.code.strip()) for w in wished)).items()):
        inside = [col for col in cols if col < len(by_column)]
        by_column[inside] = level
    return row_max(rows, by_column)


def row_max(rows: sp.csr_matrix, by_column: FloatArray, empty: float = 0.0) -> FloatArray:
    """Per CSR row: the largest value of its columns in `by_column` (`empty` for a row with none)."""
    result = np.full(rows.shape[0], empty, dtype=np.float32)
    if not rows.nnz:
        return result
    filled = np.flatnonzero(np.diff(rows.indptr))
    result[filled] = np.maximum.reduceat(by_column[rows.indices], rows.indptr[filled])
    return result


_closeness_cache: dict[tuple[int, int, tuple[tuple[str, str], ...]], dict[float, list[int]]] = {}


def _columns_by_closeness(terms: list[str], wished: tuple[tuple[str, str], ...]) -> dict[float, list[int]]:
    """The vocabulary's occupation columns by their closeness to the wished ones (cached: the vocabulary only grows)."""
    key = (id(terms), len(terms), wished)
    found = _closeness_cache.get(key)
    if found is None:
        wants = [Occupation(system=OccupationSystem(system), code=code) for system, code in wished]
        found = {}
        for col, term in enumerate(terms):
            system, code = _key_parts(term)
            best = max(closeness(want, system, code) for want in wants)
            if best > 0:
                found.setdefault(best, []).append(col)
        if len(_closeness_cache) > 4_096:
            _closeness_cache.clear()
        _closeness_cache[key] = found
    return found


def occupation_words(corpus: Corpus, row: int, wished: list[Occupation], value: float) -> Signal:
    if not wished:
        return Signal.not_applicable("Du har ikke oppgitt ønskede yrker.", "You have not listed the occupations you want.")
    offered = corpus.occupation_keys(row)
    if not offered:
        return Signal.unknown("Annonsen har ingen yrkeskode.", "The ad has no occupation code.")
    if value <= 0:
        return Signal(0.0, Status.UNMET, "Yrket er ikke blant dem du ønsker.", "The occupation is not among those you want.")
    want, key = max(((w, k) for w in wished for k in offered), key=lambda pair: closeness(pair[0], *_key_parts(pair[1])))
    code = _key_parts(key)[1]
    label = corpus.occupation_labels.get(key) or code
    wanted = want.label or want.code
    if value == 1.0:
        return Signal.met(f"Et yrke du ønsker: {label} ({code}).", f"An occupation you want: {label} ({code}).")
    group_no, group_en = ("samme yrkesgruppe som", "the same occupation group as") if value == 0.5 else (
        "et beslektet yrkesområde til", "an occupation area related to")
    return Signal(value, Status.PARTLY, f"{label} ({code}) er i {group_no} {wanted} ({want.code}), som du ønsker.",
                  f"{label} ({code}) is in {group_en} {wanted} ({want.code}), which you want.")


@dataclass(frozen=True)
class SkillStems:
    """The seeker's skills as stems, looked up once per request."""

    skills: tuple[SeekerSkill, ...]
    stems: tuple[tuple[str, ...], ...]
    weights: FloatArray


def skill_stems(skills: list[SeekerSkill]) -> SkillStems:
    stems = tuple(tuple(stem(word) for word in content_words(skill.name)) for skill in skills)
    weights = np.asarray([skill_weight(skill) for skill in skills], dtype=np.float32)
    return SkillStems(tuple(skills), stems, weights)


def skill_weight(skill: SeekerSkill) -> float:
    return skill.level / 5 * (SKILL_WANTS_TO_USE if skill.wants_to_use else SKILL_DOES_NOT_WANT_TO_USE)


def stems_found(corpus: Corpus, n: int, stems: list[str], rows: RowArray | None = None) -> npt.NDArray[np.bool_]:
    """(rows × stems): whether each stem starts some word of the posting (every row's when `rows` is None). Each stem's
    words are read from their inverted lists: a stem costs the postings that have it, not the whole corpus."""
    present = np.zeros((n, len(stems)), dtype=bool)
    for position, prefix in enumerate(stems):
        present[_stem_rows(corpus, n, prefix), position] = True
    found: npt.NDArray[np.bool_] = present if rows is None else present[rows]
    return found


def _stem_rows(corpus: Corpus, n: int, prefix: str) -> RowArray:
    """The rows among the first n with a word the stem starts (from the words' inverted lists; a row may repeat)."""
    word_rows = corpus.sparse.get("word_rows")
    if word_rows is None:
        return np.zeros(0, dtype=np.int64)
    return word_rows.rows_with(np.asarray(corpus.vocabs["words"].prefixed(prefix), dtype=np.int64), n)


def skills_found(corpus: Corpus, n: int, wanted: SkillStems, rows: RowArray | None = None) -> npt.NDArray[np.bool_]:
    """(rows × skills): a skill is found when each of its words starts some word of the posting (every row's when
    `rows` is None). Each word's postings are read from its inverted lists."""
    found = np.zeros((n, len(wanted.skills)), dtype=bool)
    having = {prefix: _stem_rows(corpus, n, prefix) for prefix in {prefix for stems in wanted.stems for prefix in stems}}
    for index, stems in enumerate(wanted.stems):
        if len(stems) == 1:
            found[having[stems[0]], index] = True
        elif stems:  # every word of the skill: rows marked by each of them
            count = np.zeros(n, dtype=np.int16)
            for prefix in stems:
                marked = np.zeros(n, dtype=bool)
                marked[having[prefix]] = True
                count += marked
            found[:, index] = count == len(stems)
    picked: npt.NDArray[np.bool_] = found if rows is None else found[rows]
    return picked


def skills_share(wanted: SkillStems, found: npt.NDArray[np.bool_]) -> FloatArray:
    total = float(wanted.weights.sum())
    if not len(wanted.skills) or total == 0:
        return np.zeros(len(found), dtype=np.float32)
    share: FloatArray = (found.astype(np.float32) @ wanted.weights / total).astype(np.float32)
    return share


def skills_words(wanted: SkillStems, found_row: npt.NDArray[np.bool_], share: float) -> Signal:
    if not wanted.skills:
        return Signal.not_applicable("Du har ikke lagt inn ferdigheter.", "You have not listed any skills.")
    names = [skill.name for skill, found in zip(wanted.skills, found_row, strict=True) if found]
    if not names:
        return Signal(0.0, Status.UNMET, "Ingen av ferdighetene dine er nevnt i annonsen.", "None of your skills are mentioned in the ad.")
    shown = ", ".join(names[:5])
    status = Status.MET if len(names) == len(wanted.skills) else Status.PARTLY
    return Signal(share, status, f"{len(names)} av {len(wanted.skills)} ferdigheter er nevnt i annonsen: {shown}.",
                  f"{len(names)} of your {len(wanted.skills)} skills are mentioned in the ad: {shown}.")


def passage(skill: SeekerSkill, title: str, description: str, posting_skills: list[str]) -> str | None:
    """Where in the ad a found skill is named: one of its listed skills, or the first sentence with its words."""
    stems = [stem(word) for word in content_words(skill.name)]
    for candidate in posting_skills:
        words = content_words(candidate)
        if stems and all(any(word.startswith(s) for word in words) for s in stems):
            return candidate
    for sentence in [title, *_SENTENCE.split(description)]:
        words = content_words(sentence)
        if stems and all(any(word.startswith(s) for word in words) for s in stems):
            return sentence.strip()[:300]
    return None
