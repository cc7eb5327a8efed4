"""seekers by updated_at: the seeker change feed candidate search reads

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_seekers_updated_at_id", "seekers", ["updated_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_seekers_updated_at_id", table_name="seekers")
