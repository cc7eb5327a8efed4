"""Refresh the stay prior table (a batch job), and look up each posting's narrowest published cell (one query)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from jobmatch.db.tables import StayPriorRow
from jobmatch.postings.schemas import PostingIn
from jobmatch.stay_prior import repository
from jobmatch.stay_prior.estimate import estimate
from jobmatch.stay_prior.keys import LEVELS, Level, PriorKeys, posting_keys


@dataclass(frozen=True)
class Prior:
    """The narrowest published cell a posting falls in, and the rate over all placements."""

    level: Level
    placements: int
    stayed: int
    rate: float
    overall_rate: float
    occupation_label: str | None
    region_name: str | None
    employer_name: str | None


def refresh(session: Session, *, min_placements: int, now: datetime | None = None) -> dict[str, Any]:
    """Recompute every cell from placements and follow-ups and replace the table; returns a summary."""
    result = estimate(repository.outcomes(session), k=min_placements)
    repository.replace(session, result.cells, computed_at=now or datetime.now(UTC))
    published = {level.value: sum(cell.level is level for cell in result.cells) for level in LEVELS}
    overall = next((cell.rate for cell in result.cells if cell.level is Level.ALL), None)
    return {
        "placements_counted": result.counted, "min_placements": min_placements, "overall_rate": overall,
        "published": published, "withheld": result.withheld, "strengths": result.strengths,
    }


def _prior(row: StayPriorRow, overall: float) -> Prior:
    return Prior(
        level=Level(row.level), placements=row.placements, stayed=row.stayed, rate=row.rate, overall_rate=overall,
        occupation_label=row.occupation_label, region_name=row.region_name, employer_name=row.employer_name,
    )


def lookup(session: Session, postings: Sequence[PostingIn]) -> list[Prior | None]:
    """Each posting's prior, in input order; None for all when no prior has been published."""
    return lookup_keys(session, [posting_keys(posting) for posting in postings])


def lookup_keys(session: Session, keys: Sequence[PriorKeys]) -> list[Prior | None]:
    """The narrowest published cell for each key, in input order; None for all when no prior has been published."""
    if not keys:
        return []
    return narrowest(cells_by_key(repository.cells_for(session, keys)), keys)


CellKey = tuple[Level, tuple[str, str, str]]


def cells_by_key(rows: Sequence[StayPriorRow]) -> dict[CellKey, StayPriorRow]:
    return {(Level(row.level), (row.occupation_code, row.region_code, row.employer_key)): row for row in rows}


def narrowest(rows: dict[CellKey, StayPriorRow], keys: Sequence[PriorKeys]) -> list[Prior | None]:
    """Each key's narrowest published cell among `rows`; None for all when the top cell is not published."""
    top = rows.get((Level.ALL, ("", "", "")))
    if top is None:
        return [None] * len(keys)
    found: list[Prior | None] = []
    for key in keys:
        cell_row = top
        for level in LEVELS[1:]:
            cell = key.cell(level)
            row = rows.get((level, cell)) if cell is not None else None
            if row is None:
                break
            cell_row = row
        found.append(_prior(cell_row, top.rate))
    return found
