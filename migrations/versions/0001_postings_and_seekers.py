"""postings and seekers

Revision ID: 0001
Revises:
Create Date: 2026-11-28 15:14:27.201996
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('postings',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('external_id', sa.String(length=200), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('employer', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('locations', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('occupations', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('skills', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('extent', sa.String(length=20), nullable=True),
    sa.Column('workload_percent', sa.Integer(), nullable=True),
    sa.Column('engagement_type', sa.String(length=20), nullable=True),
    sa.Column('sector', sa.String(length=20), nullable=True),
    sa.Column('remote', sa.String(length=20), nullable=True),
    sa.Column('work_hours', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('salary', sa.Text(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('application_due', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('municipality_codes', postgresql.ARRAY(sa.Text()), nullable=False),
    sa.Column('municipality_names', postgresql.ARRAY(sa.Text()), nullable=False),
    sa.Column('occupation_codes', postgresql.ARRAY(sa.Text()), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('raw', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_postings')),
    sa.UniqueConstraint('source', 'external_id', name=op.f('uq_postings_source_external_id'))
    )
    op.create_index('ix_postings_expires_at', 'postings', ['expires_at'], unique=False)
    op.create_index('ix_postings_municipality_codes', 'postings', ['municipality_codes'], unique=False, postgresql_using='gin')
    op.create_index('ix_postings_municipality_names', 'postings', ['municipality_names'], unique=False, postgresql_using='gin')
    op.create_index('ix_postings_occupation_codes', 'postings', ['occupation_codes'], unique=False, postgresql_using='gin')
    op.create_index('ix_postings_status_id', 'postings', ['status', 'id'], unique=False)
    op.create_table('seekers',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('experience', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('education', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('skills', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('wishes', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('not_for_me', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('stay_factors', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('profile_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seekers'))
    )


def downgrade() -> None:
    op.drop_table('seekers')
    op.drop_index('ix_postings_status_id', table_name='postings')
    op.drop_index('ix_postings_occupation_codes', table_name='postings', postgresql_using='gin')
    op.drop_index('ix_postings_municipality_names', table_name='postings', postgresql_using='gin')
    op.drop_index('ix_postings_municipality_codes', table_name='postings', postgresql_using='gin')
    op.drop_index('ix_postings_expires_at', table_name='postings')
    op.drop_table('postings')
