"""Placement logic: record a start with the posting's grouping keys, and follow-ups that must tell one consistent story."""

from __future__ import annotations

import calendar
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jobmatch.auth.principal import Principal, Role
from jobmatch.auth.seekers import caseworker_refusal
from jobmatch.db.tables import FollowUpRow, PlacementRow
from jobmatch.errors import Conflict, InvalidRequest, NotFound
from jobmatch.placements import repository
from jobmatch.placements.schemas import FollowUpIn, FollowUpOut, LeftBecause, PlacementIn, PlacementOut
from jobmatch.postings import repository as postings_repository
from jobmatch.postings.service import to_out as posting_out
from jobmatch.seekers import service as seekers_service
from jobmatch.stay_prior.estimate import outcome
from jobmatch.stay_prior.keys import posting_keys


def months_after(start: date, months: int) -> date:
    year, month = divmod(start.month - 1 + months, 12)
    year, month = start.year + year, month + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _out(row: PlacementRow, follow_ups: list[FollowUpRow]) -> PlacementOut:
    stayed = outcome({follow_up.month: follow_up.employed for follow_up in follow_ups})
    return PlacementOut(
        id=row.id, seeker_id=row.seeker_id, posting_id=row.posting_id, start_date=row.start_date,
        occupation_code=row.occupation_code, region_code=row.region_code, employer=row.employer_name,
        follow_ups=[
            FollowUpOut(month=f.month, employed=f.employed, reason=LeftBecause(f.reason) if f.reason else None,
                        recorded_at=f.recorded_at)
            for f in follow_ups
        ],
        outcome=None if stayed is None else "stayed" if stayed else "left",
        created_at=row.created_at,
    )


def create(session: Session, *, principal: Principal, placement: PlacementIn) -> PlacementOut:
    """A placement, with the posting's occupation group, municipality and employer as they are today."""
    seeker = seekers_service.find(session, seeker_id=placement.seeker_id)
    if seeker is None or (principal.role is Role.CASEWORKER and caseworker_refusal(principal, seeker) is not None):
        raise seekers_service.not_found(placement.seeker_id)
    posting_row = postings_repository.get(session, placement.posting_id)
    if posting_row is None:
        raise NotFound(f"no posting with id {placement.posting_id}")
    if repository.find(session, seeker_id=placement.seeker_id, posting_id=placement.posting_id) is not None:
        raise Conflict("this seeker's placement in this posting is recorded already")
    keys = posting_keys(posting_out(posting_row))
    try:
        with session.begin_nested():
            row = repository.add(session, {
                "seeker_id": placement.seeker_id, "posting_id": placement.posting_id, "start_date": placement.start_date,
                "occupation_code": keys.occupation_code, "occupation_label": keys.occupation_label,
                "region_code": keys.region_code, "region_name": keys.region_name, "employer_key": keys.employer_key,
                "employer_name": keys.employer_name, "recorded_by": principal.subject[:100],
            })
    except IntegrityError as exc:  # recorded concurrently
        raise Conflict("this seeker's placement in this posting is recorded already") from exc
    return _out(row, [])


def add_follow_up(
    session: Session, *, principal: Principal, placement_id: int, follow_up: FollowUpIn, today: date | None = None,
) -> PlacementOut:
    """One follow-up; a month answered already, a date not reached yet, or a story that contradicts itself is refused."""
    row = repository.get(session, placement_id, for_update=True)
    seeker = seekers_service.find(session, seeker_id=row.seeker_id) if row is not None else None
    if row is None or seeker is None or (principal.role is Role.CASEWORKER and caseworker_refusal(principal, seeker) is not None):
        raise NotFound(f"no placement with id {placement_id}")
    due = months_after(row.start_date, follow_up.month)
    if due > (today or date.today()):
        raise InvalidRequest(f"the {follow_up.month}-month follow-up is due on {due.isoformat()}")
    earlier = repository.follow_ups(session, placement_id)
    if any(f.month == follow_up.month for f in earlier):
        raise Conflict(f"the {follow_up.month}-month follow-up is recorded already")
    if follow_up.employed and any(not f.employed and f.month < follow_up.month for f in earlier):
        raise Conflict("an earlier follow-up says the person had left already")
    if not follow_up.employed and any(f.employed and f.month > follow_up.month for f in earlier):
        raise Conflict("a later follow-up says the person still worked there")
    repository.add_follow_up(session, {
        "placement_id": placement_id, "month": follow_up.month, "employed": follow_up.employed,
        "reason": follow_up.reason.value if follow_up.reason else None,
    })
    return _out(row, repository.follow_ups(session, placement_id))
