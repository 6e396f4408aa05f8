"""Figures (issue 16): the hash of the parsed text, earlier versions, statutes cited, and an
index on updated_at for `updated_since` and `sort=-updated_at`.

Written by hand from the models (autogenerate agrees: tests/app/test_migrations.py).
`text_hash` of stored decisions is computed here from their summary and body, exactly as
ingest/parse/model.py:text_hash does (sha256 of summary, a newline, body), so a re-ingest of an
unchanged text writes no version. `statutes` fill in on the next ingest (PARSER_VERSION changed,
so every document is parsed again). Every decision is marked for indexing again: the document
gains `updated_at`, `statutes` and `statute_slugs`.

Written beside 0005 and chained after it when the two branches met (neither touches the
other's tables or columns).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("decision", sa.Column("text_hash", sa.Text(), nullable=True))
    op.add_column(
        "decision",
        sa.Column(
            "statutes",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
    )
    op.add_column(
        "decision",
        sa.Column(
            "statute_slugs", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False
        ),
    )
    op.create_index("ix_decision_updated_at", "decision", ["updated_at"])
    op.create_index(
        "ix_decision_statute_slugs", "decision", ["statute_slugs"], postgresql_using="gin"
    )
    op.create_table(
        "decision_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("seen_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_to", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["decision_id"], ["decision.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_decision_version_decision_id", "decision_version", ["decision_id"])
    op.execute(
        "UPDATE decision SET indexed = false, text_hash = "
        "encode(sha256(convert_to(summary || E'\\n' || body, 'UTF8')), 'hex')"
    )


def downgrade() -> None:
    op.drop_index("ix_decision_version_decision_id", table_name="decision_version")
    op.drop_table("decision_version")
    op.drop_index("ix_decision_statute_slugs", table_name="decision")
    op.drop_index("ix_decision_updated_at", table_name="decision")
    op.drop_column("decision", "statute_slugs")
    op.drop_column("decision", "statutes")
    op.drop_column("decision", "text_hash")
