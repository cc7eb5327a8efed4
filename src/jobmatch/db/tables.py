"""ORM tables. Every change here needs an Alembic migration in `migrations/versions`."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    Identity,
    Index,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
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
    )


class SeekerRow(TimestampMixin, Base):
    """A job seeker's self-described profile. Personal data: erase means delete."""

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
