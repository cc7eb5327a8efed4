"""The fairness report: position-discounted exposure per group of seekers, per index version, with impact ratios."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from jobmatch.db.tables import AuditAttributesRow
from jobmatch.fairness import repository
from jobmatch.fairness.exposures import ListKind
from jobmatch.fairness.schemas import (
    AuditAttributes,
    AuditAttributesOut,
    DimensionReport,
    FairnessReport,
    GroupExposure,
    ListReport,
    VersionReport,
)

POPULATION = {
    ListKind.CANDIDATES: "seekers with the attribute who are findable, or were shown in this version",
    ListKind.MATCHES: "seekers with the attribute; exposure is that of the postings shown to them",
}


def put_attributes(session: Session, *, seeker_id: uuid.UUID, attributes: AuditAttributes) -> AuditAttributesOut:
    row = repository.put_attributes(session, seeker_id=seeker_id, values=attributes.model_dump(mode="json"))
    return attributes_out(row)


def attributes_out(row: AuditAttributesRow) -> AuditAttributesOut:
    return AuditAttributesOut.model_validate(row, from_attributes=True)


def dimension_report(exposure: dict[str, float], members: dict[str, int], *, dimension: str, k: int) -> DimensionReport:
    """Groups with at least k members, each with its mean exposure and its ratio to the best-served group's."""
    shown = {group: count for group, count in members.items() if count >= k}
    means = {group: exposure.get(group, 0.0) / count for group, count in shown.items()}
    best = max(means.values(), default=0.0)
    groups = [
        GroupExposure(group=group, members=shown[group], exposure=round(exposure.get(group, 0.0), 6),
                      mean_exposure=round(means[group], 6), impact_ratio=round(means[group] / best, 6) if best > 0 else None)
        for group in sorted(shown)
    ]
    return DimensionReport(dimension=dimension, groups=groups, suppressed_groups=len(members) - len(shown))


def list_report(session: Session, *, index_version: str, list_kind: ListKind, k: int) -> ListReport:
    dimensions = [
        dimension_report(
            repository.exposure_by_group(session, index_version=index_version, list_kind=list_kind, dimension=dimension),
            repository.members_by_group(session, index_version=index_version, list_kind=list_kind, dimension=dimension),
            dimension=dimension, k=k,
        )
        for dimension in repository.DIMENSIONS
    ]
    return ListReport(list_kind=list_kind.value, population=POPULATION[list_kind],
                      items_served=repository.items_served(session, index_version=index_version, list_kind=list_kind),
                      dimensions=dimensions)


def report(session: Session, *, min_group_size: int, index_version: str | None = None) -> FairnessReport:
    """Every index version that served lists (or just `index_version`), oldest first."""
    versions = [index_version] if index_version else repository.versions(session)
    return FairnessReport(
        generated_at=datetime.now(UTC), min_group_size=min_group_size,
        versions=[
            VersionReport(
                index_version=version,
                candidates=list_report(session, index_version=version, list_kind=ListKind.CANDIDATES, k=min_group_size),
                matches=list_report(session, index_version=version, list_kind=ListKind.MATCHES, k=min_group_size),
            )
            for version in versions
        ],
    )
