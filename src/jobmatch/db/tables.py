"""ORM tables. Every change here needs an Alembic migration in `migrations/versions`."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSONB, list[Any]: JSONB, datetime: DateTime(timezone=True)}


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class PostingRow(TimestampMixin, Base):
    """A job ad. Nested parts are JSONB; the columns we filter on are denormalised arrays."""

    __tablename__ = "postings"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    source: Mapped[str] = mapped_column(String(100))
    external_id: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    employer: Mapped[dict[str, Any] | None]
    locations: Mapped[list[Any]] = mapped_column(default=list)
    occupations: Mapped[list[Any]] = mapped_column(default=list)
    skills: Mapped[list[Any]] = mapped_column(default=list)
    extent: Mapped[str | None] = mapped_column(String(20))
    workload_percent: Mapped[int | None]
    engagement_type: Mapped[str | None] = mapped_column(String(20))
    sector: Mapped[str | None] = mapped_column(String(20))
    remote: Mapped[str | None] = mapped_column(String(20))
    work_hours: Mapped[list[Any]] = mapped_column(default=list)
    salary: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    application_due: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="active")
    municipality_codes: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    municipality_names: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    occupation_codes: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    content_hash: Mapped[str] = mapped_column(String(64))
    raw: Mapped[dict[str, Any] | None]

    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_postings_status_id", "status", "id"),
        Index("ix_postings_municipality_codes", "municipality_codes", postgresql_using="gin"),
        Index("ix_postings_municipality_names", "municipality_names", postgresql_using="gin"),
        Index("ix_postings_occupation_codes", "occupation_codes", postgresql_using="gin"),
        Index("ix_postings_expires_at", "expires_at"),
        Index("ix_postings_updated_at_id", "updated_at", "id"),  # every match request reads changes since a watermark
    )


class PostingDeletionRow(Base):
    """A deleted posting's id, so every process's change feed drops it (pruned by the reindex after a day)."""

    __tablename__ = "posting_deletions"

    posting_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    deleted_at: Mapped[datetime] = mapped_column(server_default=func.now(), index=True)


class SeekerRow(TimestampMixin, Base):
    """A job seeker's self-described profile. Personal data: erase means delete.

    A table holding more of a seeker's data references `seekers.id` (ON DELETE CASCADE): the export and the
    erasure in `jobmatch.privacy` find it by that foreign key, with no change there.
    """

    __tablename__ = "seekers"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    summary: Mapped[str] = mapped_column(Text, default="")
    experience: Mapped[list[Any]] = mapped_column(default=list)
    education: Mapped[list[Any]] = mapped_column(default=list)
    skills: Mapped[list[Any]] = mapped_column(default=list)
    wishes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    not_for_me: Mapped[dict[str, Any]] = mapped_column(default=dict)
    stay_factors: Mapped[dict[str, Any]] = mapped_column(default=dict)
    profile_hash: Mapped[str] = mapped_column(String(64))
    # The person this profile belongs to, as `Pseudonyms.subject`: an HMAC, never the identity number itself.
    subject_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    assigned_unit: Mapped[str | None] = mapped_column(String(20), index=True)
    assigned_caseworker: Mapped[str | None] = mapped_column(String(50), index=True)
    caseworker_access: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    protected: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    findable: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    last_active_at: Mapped[datetime] = mapped_column(server_default=func.now(), index=True)
    # The seeker's own switch for the learned stay prior in their matches (`SeekerIn.use_stay_prior`).
    use_stay_prior: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    __table_args__ = (Index("ix_seekers_updated_at_id", "updated_at", "id"),)  # candidate search's seeker change feed


class AuditRow(Base):
    """Who saw (or was refused) whose data, what, when and why. The seeker is only ever a pseudonym (HMAC)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    at: Mapped[datetime] = mapped_column(server_default=func.now())
    actor_role: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[str] = mapped_column(String(100))
    actor_units: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    seeker_ref: Mapped[str] = mapped_column(String(64), index=True, info={"seeker_key": "pseudonym"})
    action: Mapped[str] = mapped_column(String(40))
    posting_id: Mapped[int | None] = mapped_column(BigInteger)
    purpose: Mapped[str | None] = mapped_column(Text)
    decision: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(String(40))
    request_id: Mapped[str | None] = mapped_column(String(64))


class EmbeddingRow(Base):
    """One vector per (model, text hash): the same text is never embedded twice, and models never mix."""

    __tablename__ = "embeddings"

    model_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    dim: Mapped[int]
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class PostalCodeRow(Base):
    """GeoNames postal-code points for Norway: the only source of coordinates."""

    __tablename__ = "postal_codes"

    postal_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    place: Mapped[str] = mapped_column(Text)
    municipality: Mapped[str] = mapped_column(Text)
    municipality_code: Mapped[str] = mapped_column(String(4), index=True)
    county: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float]
    longitude: Mapped[float]


class SeekerEventRow(Base):
    """What a seeker did with a posting: shown, opened, saved, dismissed (with a reason), applied, interviewed, hired."""

    __tablename__ = "seeker_events"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    seeker_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("seekers.id", ondelete="CASCADE"))
    posting_id: Mapped[int] = mapped_column(BigInteger, index=True)
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(server_default=func.now())

    __table_args__ = (Index("ix_seeker_events_seeker_id_kind", "seeker_id", "kind"),)


class SuggestionRow(Base):
    """A change to the seeker's declared profile that their feedback points to; applied only when they accept it."""

    __tablename__ = "profile_suggestions"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    seeker_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("seekers.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(30))
    change: Mapped[dict[str, Any]]
    evidence_posting_ids: Mapped[list[int]] = mapped_column(ARRAY(BigInteger), default=list)
    text_no: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    decided_at: Mapped[datetime | None]


class PlacementRow(Base):
    """A seeker who started in a job; the grouping keys of the posting are kept as they were at the start."""

    __tablename__ = "placements"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    seeker_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("seekers.id", ondelete="CASCADE"), index=True)
    posting_id: Mapped[int | None] = mapped_column(BigInteger)
    start_date: Mapped[date] = mapped_column(Date)
    occupation_code: Mapped[str | None] = mapped_column(String(10))
    occupation_label: Mapped[str | None] = mapped_column(Text)
    region_code: Mapped[str | None] = mapped_column(String(4))
    region_name: Mapped[str | None] = mapped_column(Text)
    employer_key: Mapped[str | None] = mapped_column(String(200))
    employer_name: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    __table_args__ = (UniqueConstraint("seeker_id", "posting_id"),)


class FollowUpRow(Base):
    """Whether the placed person still worked there 3, 6 or 12 months after the start, and why not."""

    __tablename__ = "placement_follow_ups"

    placement_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("placements.id", ondelete="CASCADE"), primary_key=True)
    month: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    employed: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(String(40))
    recorded_at: Mapped[datetime] = mapped_column(server_default=func.now())

    __table_args__ = (CheckConstraint("month IN (3, 6, 12)", name="month"),)


class StayPriorRow(Base):
    """One published cell of the stay prior (`jobmatch stay-prior refresh`); keys not used by a level are ''."""

    __tablename__ = "stay_priors"

    level: Mapped[str] = mapped_column(String(20), primary_key=True)
    occupation_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    region_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    employer_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    placements: Mapped[int] = mapped_column(Integer)
    stayed: Mapped[int] = mapped_column(Integer)
    rate: Mapped[float] = mapped_column(Float)
    strength: Mapped[float] = mapped_column(Float)
    occupation_label: Mapped[str | None] = mapped_column(Text)
    region_name: Mapped[str | None] = mapped_column(Text)
    employer_name: Mapped[str | None] = mapped_column(Text)
    computed_at: Mapped[datetime]


class ExposureRow(Base):
    """One item of a served match or candidate page, with its position-discounted exposure 1/log2(1 + rank)."""

    __tablename__ = "exposures"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    index_version: Mapped[str] = mapped_column(String(64))
    list_kind: Mapped[str] = mapped_column(String(12))
    seeker_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("seekers.id", ondelete="CASCADE"), index=True)
    posting_id: Mapped[int] = mapped_column(BigInteger)
    rank: Mapped[int] = mapped_column(Integer)
    exposure: Mapped[float] = mapped_column(Float)
    at: Mapped[datetime] = mapped_column(server_default=func.now())

    __table_args__ = (Index("ix_exposures_index_version_list_kind", "index_version", "list_kind"),)


class AuditAttributesRow(Base):
    """Group membership for the fairness report only: kept apart from the profile and never read by the ranking."""

    __tablename__ = "seeker_audit_attributes"

    seeker_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("seekers.id", ondelete="CASCADE"), primary_key=True)
    age_band: Mapped[str | None] = mapped_column(String(10))
    gender: Mapped[str | None] = mapped_column(String(10))
    follow_up_group: Mapped[str | None] = mapped_column(String(30))
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class FeedPositionRow(Base):
    """Where the NAV feed follower stands in one feed; advanced in the same transaction as the postings it applied."""

    __tablename__ = "feed_positions"

    feed_url: Mapped[str] = mapped_column(String(500), primary_key=True)
    page_url: Mapped[str | None] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    items_in_page: Mapped[int] = mapped_column(Integer, default=0)
    items_applied: Mapped[int] = mapped_column(BigInteger, default=0)
    items_skipped: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())
