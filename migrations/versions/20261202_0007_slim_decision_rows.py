"""Slimmer decision rows: the embedding is stored out of line, the summary stays inline.

Every grouping of /v1/stats, the council profiles and the explorer's charts read the whole
decision table. At realistic lengths a row was 1.6 KB in the table itself, most of it the
256-float embedding (1 KB, under PostgreSQL's 2 KB threshold for moving a value out of line),
so a grouping of 100,000 decisions read 162 MB and spent 85 ms of its 205 ms scanning
(EXPLAIN ANALYZE, docs/benchmarks.md). With `toast_tuple_target` 256 and the embedding's
storage EXTERNAL, PostgreSQL moves the vector (and the large JSON columns) into the TOAST table,
where only the embedding's readers (reindex, ingest) fetch it: 46 MB, a 12 ms scan. The
summary is MAIN, kept in the row (compressed if need be), since exports and feeds read it for
every decision.

Rows written from now on are stored this way; rows already stored move when next written. To
move them all at once: `VACUUM FULL decision` (it locks the table while it runs: about 15 s for
100,000 realistic decisions here). No data changes, and the ORM models do not change (storage
settings are not part of them).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 01:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("ALTER TABLE decision SET (toast_tuple_target = 256)")
    op.execute("ALTER TABLE decision ALTER COLUMN embedding SET STORAGE EXTERNAL")
    op.execute("ALTER TABLE decision ALTER COLUMN summary SET STORAGE MAIN")


def downgrade() -> None:
    op.execute("ALTER TABLE decision ALTER COLUMN summary SET STORAGE EXTENDED")
    op.execute("ALTER TABLE decision ALTER COLUMN embedding SET STORAGE EXTENDED")
    op.execute("ALTER TABLE decision RESET (toast_tuple_target)")
