"""HTTP routes for the `admin` scope: seekers' audit attributes, and the fairness report."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from jobmatch.auth.rules import Rule, access
from jobmatch.auth.seekers import SeekerId
from jobmatch.deps import SessionDep, SettingsDep
from jobmatch.errors import InvalidRequest, NotFound, PayloadTooLarge
from jobmatch.fairness import service
from jobmatch.fairness.schemas import AuditAttributes, AuditAttributesOut, FairnessReport
from jobmatch.seekers import service as seekers_service

router = APIRouter(tags=["fairness"])


@router.put("/seekers/{seeker_id}/audit-attributes", response_model=AuditAttributesOut,
            **access(Rule.ADMIN, errors=(NotFound, InvalidRequest, PayloadTooLarge)))
def put_audit_attributes(seeker_id: SeekerId, attributes: AuditAttributes, session: SessionDep) -> AuditAttributesOut:
    """Record the seeker's groups for the fairness report (from the register); kept apart from the profile, never ranked on."""
    seekers_service.get(session, seeker_id=seeker_id)
    return service.put_attributes(session, seeker_id=seeker_id, attributes=attributes)


@router.get("/reports/fairness", response_model=FairnessReport, **access(Rule.ADMIN, errors=(InvalidRequest,)))
def fairness_report(
    session: SessionDep, settings: SettingsDep,
    index_version: Annotated[str | None, Query(max_length=64, description="One index version; default: every version.")] = None,
) -> FairnessReport:
    """Position-discounted exposure in candidate and match lists per group, with impact ratios; small groups left out."""
    return service.report(session, min_group_size=settings.fairness_min_group_size, index_version=index_version)
