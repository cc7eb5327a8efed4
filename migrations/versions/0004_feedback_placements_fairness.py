"""feedback events and suggestions, placements and follow-ups, the stay prior, exposures, audit attributes

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _seeker_id(table: str) -> tuple[sa.Column, sa.ForeignKeyConstraint]:  # type: ignore[type-arg]
    """The `seeker_id` column and its ON DELETE CASCADE key: erasing a seeker erases these rows."""
    return (
        sa.Column("seeker_id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(["seeker_id"], ["seekers.id"], name=op.f(f"fk_{table}_seeker_id_seekers"), ondelete="CASCADE"),
    )


def upgrade() -> None:
    op.add_column("seekers", sa.Column("use_stay_prior", sa.Boolean(), server_default=sa.true(), nullable=False))
    op.create_table(
        "seeker_events",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        *_seeker_id("seeker_events"),
        sa.Column("posting_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seeker_events")),
    )
    op.create_index(op.f("ix_seeker_events_posting_id"), "seeker_events", ["posting_id"])
    op.create_index("ix_seeker_events_seeker_id_kind", "seeker_events", ["seeker_id", "kind"])
    op.create_table(
        "profile_suggestions",
        sa.Column("id", sa.UUID(), nullable=False),
        *_seeker_id("profile_suggestions"),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("change", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("evidence_posting_ids", postgresql.ARRAY(sa.BigInteger()), nullable=False),
        sa.Column("text_no", sa.Text(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profile_suggestions")),
    )
    op.create_index(op.f("ix_profile_suggestions_seeker_id"), "profile_suggestions", ["seeker_id"])
    op.create_table(
        "placements",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        *_seeker_id("placements"),
        sa.Column("posting_id", sa.BigInteger(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("occupation_code", sa.String(length=10), nullable=True),
        sa.Column("occupation_label", sa.Text(), nullable=True),
        sa.Column("region_code", sa.String(length=4), nullable=True),
        sa.Column("region_name", sa.Text(), nullable=True),
        sa.Column("employer_key", sa.String(length=200), nullable=True),
        sa.Column("employer_name", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placements")),
        sa.UniqueConstraint("seeker_id", "posting_id", name=op.f("uq_placements_seeker_id_posting_id")),
    )
    op.create_index(op.f("ix_placements_seeker_id"), "placements", ["seeker_id"])
    op.create_table(
        "placement_follow_ups",
        sa.Column("placement_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["placement_id"], ["placements.id"], name=op.f("fk_placement_follow_ups_placement_id_placements"),
                                ondelete="CASCADE"),
        sa.Column("month", sa.SmallInteger(), nullable=False),
        sa.Column("employed", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("month IN (3, 6, 12)", name=op.f("ck_placement_follow_ups_month")),
        sa.PrimaryKeyConstraint("placement_id", "month", name=op.f("pk_placement_follow_ups")),
    )
    op.create_table(
        "stay_priors",
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("occupation_code", sa.String(length=10), nullable=False),
        sa.Column("region_code", sa.String(length=4), nullable=False),
        sa.Column("employer_key", sa.String(length=200), nullable=False),
        sa.Column("placements", sa.Integer(), nullable=False),
        sa.Column("stayed", sa.Integer(), nullable=False),
        sa.Column("rate", sa.Float(), nullable=False),
        sa.Column("strength", sa.Float(), nullable=False),
        sa.Column("occupation_label", sa.Text(), nullable=True),
        sa.Column("region_name", sa.Text(), nullable=True),
        sa.Column("employer_name", sa.Text(), nullable=True),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("level", "occupation_code", "region_code", "employer_key", name=op.f("pk_stay_priors")),
    )
    op.create_table(
        "exposures",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("index_version", sa.String(length=64), nullable=False),
        sa.Column("list_kind", sa.String(length=12), nullable=False),
        *_seeker_id("exposures"),
        sa.Column("posting_id", sa.BigInteger(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("exposure", sa.Float(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exposures")),
    )
    op.create_index(op.f("ix_exposures_seeker_id"), "exposures", ["seeker_id"])
    op.create_index("ix_exposures_index_version_list_kind", "exposures", ["index_version", "list_kind"])
    op.create_table(
        "seeker_audit_attributes",
        *_seeker_id("seeker_audit_attributes"),
        sa.Column("age_band", sa.String(length=10), nullable=True),
        sa.Column("gender", sa.String(length=10), nullable=True),
        sa.Column("follow_up_group", sa.String(length=30), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("seeker_id", name=op.f("pk_seeker_audit_attributes")),
    )


def downgrade() -> None:
    op.drop_table("seeker_audit_attributes")
    op.drop_index("ix_exposures_index_version_list_kind", table_name="exposures")
    op.drop_index(op.f("ix_exposures_seeker_id"), table_name="exposures")
    op.drop_table("exposures")
    op.drop_table("stay_priors")
    op.drop_table("placement_follow_ups")
    op.drop_index(op.f("ix_placements_seeker_id"), table_name="placements")
    op.drop_table("placements")
    op.drop_index(op.f("ix_profile_suggestions_seeker_id"), table_name="profile_suggestions")
    op.drop_table("profile_suggestions")
    op.drop_index("ix_seeker_events_seeker_id_kind", table_name="seeker_events")
    op.drop_index(op.f("ix_seeker_events_posting_id"), table_name="seeker_events")
    op.drop_table("seeker_events")
    op.drop_column("seekers", "use_stay_prior")
