"""The real LGSCO site's fields: kind, compliance, further reports, removed pages, payers,
shared texts, NHS bodies and schools, and decisions whose body is not named.

Written by hand from the models (autogenerate agrees: tests/app/test_migrations.py). Existing
rows become published statements and are marked for indexing again; `text_fingerprint` is
filled by the next ingest of a record (the parser version changed, so every document is parsed
again).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_BODY_TYPES = "body_type IN ('council', 'care_provider', 'other')"
NEW_BODY_TYPES = "body_type IN ('council', 'care_provider', 'nhs', 'school', 'other')"


def upgrade() -> None:
    op.drop_constraint("body_type_known", "organisation", type_="check")
    op.create_check_constraint("body_type_known", "organisation", NEW_BODY_TYPES)

    op.alter_column("decision", "organisation_id", existing_type=sa.Integer(), nullable=True)
    op.add_column(
        "decision",
        sa.Column("kind", sa.Text(), server_default="statement", nullable=False),
    )
    op.add_column("decision", sa.Column("compliance_confirmed_on", sa.Date(), nullable=True))
    op.add_column(
        "decision",
        sa.Column("further_report", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column("decision", sa.Column("text_fingerprint", sa.Text(), nullable=True))
    op.add_column(
        "decision",
        sa.Column("status", sa.Text(), server_default="published", nullable=False),
    )
    op.add_column("decision", sa.Column("removed_on", sa.Date(), nullable=True))
    op.create_check_constraint("kind_known", "decision", "kind IN ('statement', 'report')")
    op.create_check_constraint("status_known", "decision", "status IN ('published', 'removed')")
    op.create_index("ix_decision_kind", "decision", ["kind"])
    op.create_index("ix_decision_status", "decision", ["status"])
    op.create_index("ix_decision_text_fingerprint", "decision", ["text_fingerprint"])
    op.create_index("ix_decision_source_url", "decision", ["source_url"])
    op.create_index("ix_decision_further_report", "decision", ["further_report"])
    op.create_index("ix_decision_compliance_confirmed_on", "decision", ["compliance_confirmed_on"])

    op.add_column("payment", sa.Column("payer", sa.Text(), nullable=True))
    # The index documents gain kind, status, further_report and compliance_confirmed, which
    # filters need: every stored decision is sent again by the next ingest or crawl (or
    # `ombudsman reindex` at once).
    op.execute("UPDATE decision SET indexed = false")
    op.add_column(
        "payment", sa.Column("own", sa.Boolean(), server_default=sa.true(), nullable=False)
    )


def downgrade() -> None:
    op.drop_column("payment", "own")
    op.drop_column("payment", "payer")
    for index in (
        "ix_decision_compliance_confirmed_on",
        "ix_decision_further_report",
        "ix_decision_source_url",
        "ix_decision_text_fingerprint",
        "ix_decision_status",
        "ix_decision_kind",
    ):
        op.drop_index(index, table_name="decision")
    op.drop_constraint("status_known", "decision", type_="check")
    op.drop_constraint("kind_known", "decision", type_="check")
    for column in (
        "removed_on",
        "status",
        "text_fingerprint",
        "further_report",
        "compliance_confirmed_on",
        "kind",
    ):
        op.drop_column("decision", column)
    # Decisions without a named body cannot go back to a schema that requires one.
    op.execute("DELETE FROM decision WHERE organisation_id IS NULL")
    op.alter_column("decision", "organisation_id", existing_type=sa.Integer(), nullable=False)
    op.execute("UPDATE organisation SET body_type = 'other' WHERE body_type IN ('nhs', 'school')")
    op.drop_constraint("body_type_known", "organisation", type_="check")
    op.create_check_constraint("body_type_known", "organisation", OLD_BODY_TYPES)
