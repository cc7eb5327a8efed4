"""The stay prior's numbers: each placement's outcome, shrinkage down the hierarchy, and k-anonymous publication.

Outcome of a placement — the latest follow-up decides (`outcome`):
    still employed there at the latest follow-up  -> stayed (a 3- or 6-month answer counts until the 12-month one replaces it)
    not employed there at the latest follow-up    -> left
    no follow-up yet                               -> not counted

Hierarchy: all -> occupation group -> occupation group in a municipality -> employer (in that group and municipality).
A cell's rate is (stayed + m * parent_rate) / (placements + m): a beta-binomial posterior mean with the parent's rate as
the prior mean and strength m. m is estimated per level by the method of moments (the more the cells' rates spread beyond
what chance gives, the smaller m and the less shrinkage), clipped to [MIN_STRENGTH, MAX_STRENGTH]; DEFAULT_STRENGTH when a
level has fewer than MIN_CELLS_FOR_ESTIMATE cells to estimate from. The top cell is the plain share.

Publication, with k the smallest number of placements a number may rest on: top-down, a cell is published only when its
parent is, it has at least k placements, and the parent's placements not covered by its published sub-cells number 0 or
at least k (otherwise the smallest sub-cell is withheld as well). So neither a published count nor any difference of
published counts describes fewer than k people. Rates shrink only towards published cells.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from jobmatch.stay_prior.keys import LEVELS, Level, PriorKeys

MIN_STRENGTH = 2.0
MAX_STRENGTH = 100.0
DEFAULT_STRENGTH = 10.0
"""Weight of the broader group, in placements, when a level's data cannot say how much its cells differ."""
MIN_CELLS_FOR_ESTIMATE = 3

CellKey = tuple[str, str, str]


def outcome(follow_ups: dict[int, bool]) -> bool | None:
    """Stayed, by the latest follow-up (month -> still employed there); None before the first follow-up."""
    if not follow_ups:
        return None
    return follow_ups[max(follow_ups)]


@dataclass(frozen=True)
class Outcome:
    keys: PriorKeys
    stayed: bool


@dataclass
class _Cell:
    level: Level
    key: CellKey
    placements: int = 0
    stayed: int = 0
    labels: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, item: Outcome) -> None:
        self.placements += 1
        self.stayed += item.stayed
        for name in ("occupation_label", "region_name", "employer_name"):
            value = getattr(item.keys, name)
            if value:
                self.labels[name][value] += 1

    def label(self, name: str) -> str | None:
        counts = self.labels.get(name)
        return min(counts, key=lambda value: (-counts[value], value)) if counts else None


@dataclass(frozen=True)
class PublishedCell:
    level: Level
    occupation_code: str
    region_code: str
    employer_key: str
    placements: int
    stayed: int
    rate: float
    strength: float
    occupation_label: str | None
    region_name: str | None
    employer_name: str | None


@dataclass(frozen=True)
class Estimate:
    cells: list[PublishedCell]
    counted: int
    withheld: dict[str, int]
    strengths: dict[str, float]


def parent_key(level: Level, key: CellKey) -> CellKey:
    occupation, region, _ = key
    if level is Level.OCCUPATION:
        return "", "", ""
    if level is Level.OCCUPATION_REGION:
        return occupation, "", ""
    return occupation, region, ""


def _publishable(parent: _Cell, children: list[_Cell], k: int) -> list[_Cell]:
    kept = sorted((child for child in children if child.placements >= k), key=lambda child: (child.placements, child.key))
    residual = parent.placements - sum(child.placements for child in kept)
    if 0 < residual < k and kept:
        kept.pop(0)  # its placements join the residual, which then has at least k
    return kept


def strength(cells: list[tuple[int, int, float]]) -> float:
    """Method-of-moments beta-binomial strength from (placements, stayed, parent rate) of a level's cells."""
    if len(cells) < MIN_CELLS_FOR_ESTIMATE:
        return DEFAULT_STRENGTH
    spread = sum(n * (stayed / n - mean) ** 2 for n, stayed, mean in cells)
    chance = sum(mean * (1 - mean) for _, _, mean in cells)
    scale = sum(mean * (1 - mean) * (n - 1) for n, _, mean in cells)
    if scale <= 0:
        return DEFAULT_STRENGTH
    correlation = (spread - chance) / scale
    if correlation <= 0:
        return MAX_STRENGTH  # no more spread than chance: lean on the broader group as much as allowed
    return min(MAX_STRENGTH, max(MIN_STRENGTH, 1 / correlation - 1))


def estimate(outcomes: Iterable[Outcome], *, k: int) -> Estimate:
    """The published cells of the prior from placement outcomes; nothing when fewer than k placements count."""
    cells: dict[Level, dict[CellKey, _Cell]] = {level: {} for level in LEVELS}
    counted = 0
    for item in outcomes:
        counted += 1
        for level in LEVELS:
            key = item.keys.cell(level)
            if key is None:
                break
            cells[level].setdefault(key, _Cell(level, key)).add(item)
    root = cells[Level.ALL].get(("", "", ""))
    withheld = {level.value: 0 for level in LEVELS}
    if root is None or root.placements < k:
        withheld[Level.ALL.value] = 1 if root else 0
        return Estimate(cells=[], counted=counted, withheld=withheld, strengths={})
    published: dict[Level, dict[CellKey, _Cell]] = {Level.ALL: {root.key: root}}
    rates: dict[tuple[Level, CellKey], float] = {(Level.ALL, root.key): root.stayed / root.placements}
    strengths: dict[str, float] = {Level.ALL.value: 0.0}
    for parent_level, level in zip(LEVELS, LEVELS[1:], strict=False):
        siblings: dict[CellKey, list[_Cell]] = defaultdict(list)
        for key, cell in cells[level].items():
            siblings[parent_key(level, key)].append(cell)
        published[level] = {}
        for key, children in siblings.items():
            parent = published[parent_level].get(key)
            kept = _publishable(parent, children, k) if parent is not None else []
            withheld[level.value] += len(children) - len(kept)
            published[level].update((child.key, child) for child in kept)
        mean = {key: rates[(parent_level, parent_key(level, key))] for key in published[level]}
        m = strength([(cell.placements, cell.stayed, mean[key]) for key, cell in published[level].items()])
        strengths[level.value] = m
        for key, cell in published[level].items():
            rates[(level, key)] = (cell.stayed + m * mean[key]) / (cell.placements + m)
    result = [
        PublishedCell(
            level=level, occupation_code=key[0], region_code=key[1], employer_key=key[2], placements=cell.placements,
            stayed=cell.stayed, rate=rates[(level, key)], strength=strengths[level.value],
            occupation_label=cell.label("occupation_label") if level is not Level.ALL else None,
            region_name=cell.label("region_name") if level in (Level.OCCUPATION_REGION, Level.EMPLOYER) else None,
            employer_name=cell.label("employer_name") if level is Level.EMPLOYER else None,
        )
        for level, by_key in published.items()
        for key, cell in by_key.items()
    ]
    return Estimate(cells=result, counted=counted, withheld=withheld, strengths=strengths)
