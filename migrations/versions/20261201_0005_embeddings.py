"""Embeddings: each decision's vector and the name of the model that computed it.

Written by hand from the models (autogenerate agrees: tests/app/test_migrations.py). Existing
rows have no vector; the next `ombudsman reindex` computes the missing ones (issue 14).

Written beside 0004 and chained after it when the two branches met (nothing here depends on
what 0004 does).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 21:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("decision", sa.Column("embedding", postgresql.ARRAY(sa.REAL()), nullable=True))
    op.add_column("decision", sa.Column("embedding_model", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("decision", "embedding_model")
    op.drop_column("decision", "embedding")
