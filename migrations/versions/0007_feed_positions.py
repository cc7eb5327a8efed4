"""feed_positions: where the NAV feed follower stands

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feed_positions",
        sa.Column("feed_url", sa.String(length=500), nullable=False),
        sa.Column("page_url", sa.Text(), nullable=True),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("items_in_page", sa.Integer(), nullable=False),
        sa.Column("items_applied", sa.BigInteger(), nullable=False),
        sa.Column("items_skipped", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("feed_url", name=op.f("pk_feed_positions")),
    )


def downgrade() -> None:
    op.drop_table("feed_positions")
