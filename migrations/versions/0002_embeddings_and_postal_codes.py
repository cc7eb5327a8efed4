"""embeddings and postal codes

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "embeddings",
        sa.Column("model_id", sa.String(length=200), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("dim", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("model_id", "content_hash", name=op.f("pk_embeddings")),
    )
    op.create_table(
        "postal_codes",
        sa.Column("postal_code", sa.String(length=4), nullable=False),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("municipality", sa.Text(), nullable=False),
        sa.Column("municipality_code", sa.String(length=4), nullable=False),
        sa.Column("county", sa.Text(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("postal_code", name=op.f("pk_postal_codes")),
    )
    op.create_index(op.f("ix_postal_codes_municipality_code"), "postal_codes", ["municipality_code"])


def downgrade() -> None:
    op.drop_index(op.f("ix_postal_codes_municipality_code"), table_name="postal_codes")
    op.drop_table("postal_codes")
    op.drop_table("embeddings")
