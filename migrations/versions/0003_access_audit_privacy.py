"""seeker ownership, assignment, privacy flags, and the audit log

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("seekers", sa.Column("subject_ref", sa.String(length=64), nullable=True))
    op.add_column("seekers", sa.Column("assigned_unit", sa.String(length=20), nullable=True))
    op.add_column("seekers", sa.Column("assigned_caseworker", sa.String(length=50), nullable=True))
    op.add_column("seekers", sa.Column("caseworker_access", sa.Boolean(), server_default=sa.true(), nullable=False))
    op.add_column("seekers", sa.Column("protected", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("seekers", sa.Column("findable", sa.Boolean(), server_default=sa.true(), nullable=False))
    op.add_column("seekers", sa.Column("last_active_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False))
    op.create_unique_constraint(op.f("uq_seekers_subject_ref"), "seekers", ["subject_ref"])
    op.create_index(op.f("ix_seekers_assigned_unit"), "seekers", ["assigned_unit"])
    op.create_index(op.f("ix_seekers_assigned_caseworker"), "seekers", ["assigned_caseworker"])
    op.create_index(op.f("ix_seekers_last_active_at"), "seekers", ["last_active_at"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("actor_role", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.String(length=100), nullable=False),
        sa.Column("actor_units", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("seeker_ref", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("posting_id", sa.BigInteger(), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_seeker_ref"), "audit_log", ["seeker_ref"])


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_log_seeker_ref"), table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index(op.f("ix_seekers_last_active_at"), table_name="seekers")
    op.drop_index(op.f("ix_seekers_assigned_caseworker"), table_name="seekers")
    op.drop_index(op.f("ix_seekers_assigned_unit"), table_name="seekers")
    op.drop_constraint(op.f("uq_seekers_subject_ref"), "seekers", type_="unique")
    for column in ("last_active_at", "findable", "protected", "caseworker_access", "assigned_caseworker", "assigned_unit", "subject_ref"):
        op.drop_column("seekers", column)
