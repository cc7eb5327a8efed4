"""All SQL for the stay prior: placement outcomes in, published cells out, and the one lookup a ranking makes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, any_, delete, func, insert, literal, or_, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from jobmatch.db.tables import FollowUpRow, PlacementRow, StayPriorRow
from jobmatch.stay_prior.estimate import Outcome, PublishedCell, outcome
from jobmatch.stay_prior.keys import Level, PriorKeys


def outcomes(session: Session) -> list[Outcome]:
    """Every placement with at least one follow-up, as its outcome by the latest follow-up."""
    answers: dict[int, dict[int, bool]] = defaultdict(dict)
    for placement_id, month, employed in session.execute(select(FollowUpRow.placement_id, FollowUpRow.month, FollowUpRow.employed)):
        answers[placement_id][month] = employed
    found = []
    for row in session.scalars(select(PlacementRow).where(PlacementRow.id.in_(list(answers))).order_by(PlacementRow.id)):
        stayed = outcome(answers[row.id])
        if stayed is not None:
            keys = PriorKeys(row.occupation_code, row.occupation_label, row.region_code, row.region_name, row.employer_key,
                             row.employer_name)
            found.append(Outcome(keys=keys, stayed=stayed))
    return found


def replace(session: Session, cells: Sequence[PublishedCell], *, computed_at: datetime) -> None:
    """Swap the whole table in the caller's transaction: readers see the old prior or the new one, never a mix."""
    session.execute(delete(StayPriorRow))
    if cells:
        rows: list[dict[str, Any]] = [
            {
                "level": cell.level.value, "occupation_code": cell.occupation_code, "region_code": cell.region_code,
                "employer_key": cell.employer_key, "placements": cell.placements, "stayed": cell.stayed, "rate": cell.rate,
                "strength": cell.strength, "occupation_label": cell.occupation_label, "region_name": cell.region_name,
                "employer_name": cell.employer_name, "computed_at": computed_at,
            }
            for cell in cells
        ]
        session.execute(insert(StayPriorRow), rows)
    session.flush()


def _one_of(column: Any, values: set[str]) -> Any:
    return column == any_(literal(sorted(values), ARRAY(String)))


def cells_for(session: Session, keys: Sequence[PriorKeys]) -> list[StayPriorRow]:
    """The top cell and every cell these keys may fall in, in one query."""
    occupations = {key.occupation_code for key in keys if key.occupation_code}
    regions = {key.region_code for key in keys if key.region_code}
    employers = {key.employer_key for key in keys if key.employer_key}
    level = StayPriorRow.level
    statement = select(StayPriorRow).where(
        or_(
            level == Level.ALL.value,
            and_(level == Level.OCCUPATION.value, _one_of(StayPriorRow.occupation_code, occupations)),
            and_(level == Level.OCCUPATION_REGION.value, _one_of(StayPriorRow.occupation_code, occupations),
                 _one_of(StayPriorRow.region_code, regions)),
            and_(level == Level.EMPLOYER.value, _one_of(StayPriorRow.occupation_code, occupations),
                 _one_of(StayPriorRow.region_code, regions), _one_of(StayPriorRow.employer_key, employers)),
        )
    )
    return list(session.scalars(statement))


def all_cells(session: Session) -> list[StayPriorRow]:
    """Every published cell (a few thousand at most: cells below the minimum are withheld)."""
    return list(session.scalars(select(StayPriorRow)))


def stamp(session: Session) -> tuple[object, int]:
    """Changes whenever the table is refreshed."""
    found = session.execute(select(func.max(StayPriorRow.computed_at), func.count()).select_from(StayPriorRow)).one()
    return found[0], int(found[1])
