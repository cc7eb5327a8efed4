"""posting deletions: the change feed's record of deleted postings

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "posting_deletions",
        sa.Column("posting_id", sa.BigInteger(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("posting_id", name=op.f("pk_posting_deletions")),
    )
    op.create_index(op.f("ix_posting_deletions_deleted_at"), "posting_deletions", ["deleted_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_posting_deletions_deleted_at"), table_name="posting_deletions")
    op.drop_table("posting_deletions")
