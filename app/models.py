"""The database tables. PostgreSQL is the source of truth; Alembic (migrations/) owns the schema.

Money is integer pence (`*_pence` columns) so sums are exact; the API converts to pounds.
Closed vocabularies (outcome, kind, source, body type) are text with CHECK constraints rather
than PostgreSQL enums: adding a value is then a one-line migration instead of an ALTER TYPE.
Every filter and sort of SPEC §4 has an index here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    REAL,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Text,
    false,
    func,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlmodel import Field, SQLModel

from app.vocabulary import (
    BODY_TYPES,
    KINDS,
    OUTCOMES,
    PAYMENT_KINDS,
    REMEDY_TYPES,
    SOURCES,
    STATUSES,
)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _one_of(column: str, values: tuple[str, ...], *, nullable: bool = False) -> str:
    listed = ", ".join(f"'{v}'" for v in values)
    rule = f"{column} IN ({listed})"
    return f"{column} IS NULL OR {rule}" if nullable else rule


class Organisation(SQLModel, table=True):
    """A body complained about: a council, a care provider or another organisation."""

    __tablename__ = "organisation"
    __table_args__ = (CheckConstraint(_one_of("body_type", BODY_TYPES), name="body_type_known"),)

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    name: str = Field(sa_column=Column(Text, nullable=False))
    body_type: str = Field(sa_column=Column(Text, nullable=False, server_default="council"))


class Decision(SQLModel, table=True):
    """One decision statement, parsed (SPEC §3)."""

    __tablename__ = "decision"
    __table_args__ = (
        CheckConstraint(_one_of("outcome", OUTCOMES, nullable=True), name="outcome_known"),
        CheckConstraint(_one_of("source", SOURCES), name="source_known"),
        CheckConstraint(_one_of("kind", KINDS), name="kind_known"),
        CheckConstraint(_one_of("status", STATUSES), name="status_known"),
        CheckConstraint(
            f"remedy_types <@ ARRAY[{', '.join(repr(t) for t in REMEDY_TYPES)}]::text[]",
            name="remedy_types_known",
        ),
        CheckConstraint(
            "remedy_total_pence IS NULL OR remedy_total_pence >= 0", name="remedy_total_positive"
        ),
        Index("ix_decision_organisation_id", "organisation_id"),
        Index("ix_decision_category_slug", "category_slug"),
        Index("ix_decision_subcategory_slug", "subcategory_slug"),
        Index("ix_decision_outcome", "outcome"),
        Index("ix_decision_decided_on", "decided_on"),
        Index("ix_decision_remedy_total_pence", "remedy_total_pence"),
        Index("ix_decision_source", "source"),
        Index("ix_decision_remedy_types", "remedy_types", postgresql_using="gin"),
        Index("ix_decision_content_hash", "content_hash"),
        Index("ix_decision_kind", "kind"),
        Index("ix_decision_status", "status"),
        Index("ix_decision_text_fingerprint", "text_fingerprint"),
        Index("ix_decision_source_url", "source_url"),
        Index("ix_decision_further_report", "further_report"),
        Index("ix_decision_compliance_confirmed_on", "compliance_confirmed_on"),
        Index("ix_decision_not_indexed", "id", postgresql_where=text("NOT indexed")),
        Index("ix_decision_updated_at", "updated_at"),
        Index("ix_decision_statute_slugs", "statute_slugs", postgresql_using="gin"),
    )

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    # Null when no page, listing or summary names the body: such a decision is stored, searched
    # and counted, never filed under an invented council.
    organisation_id: int | None = Field(
        default=None,
        sa_column=Column(ForeignKey("organisation.id", ondelete="RESTRICT"), nullable=True),
    )
    kind: str = Field(
        default="statement", sa_column=Column(Text, nullable=False, server_default="statement")
    )
    category: str | None = Field(default=None, sa_column=Column(Text))
    subcategory: str | None = Field(default=None, sa_column=Column(Text))
    category_slug: str | None = Field(default=None, sa_column=Column(Text))
    subcategory_slug: str | None = Field(default=None, sa_column=Column(Text))
    outcome: str | None = Field(default=None, sa_column=Column(Text))
    outcome_text: str | None = Field(default=None, sa_column=Column(Text))
    outcome_inferred: bool = Field(default=False, nullable=False)
    decided_on: date | None = Field(default=None)
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    body: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    sections: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONB, nullable=False, server_default="{}")
    )
    remedy_total_pence: int | None = Field(default=None, sa_column=Column(BigInteger))
    waived_total_pence: int | None = Field(default=None, sa_column=Column(BigInteger))
    remedy_types: list[str] = Field(
        default_factory=list, sa_column=Column(ARRAY(Text), nullable=False, server_default="{}")
    )
    complainants: list[str] = Field(
        default_factory=list, sa_column=Column(ARRAY(Text), nullable=False, server_default="{}")
    )
    deadlines: list[str] = Field(
        default_factory=list, sa_column=Column(ARRAY(Text), nullable=False, server_default="{}")
    )
    warnings: list[str] = Field(
        default_factory=list, sa_column=Column(ARRAY(Text), nullable=False, server_default="{}")
    )
    compliance_confirmed_on: date | None = Field(default=None)
    further_report: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    # Hash of the normalised text (ingest/parse/model.py:text_fingerprint): references sharing
    # it were published with the same text (`related_references`).
    text_fingerprint: str | None = Field(default=None, sa_column=Column(Text))
    # Hash of the text we parsed (summary and body, ingest/parse/model.py:text_hash): what the
    # record shows as `content_hash`; a new one keeps the old in decision_version.
    text_hash: str | None = Field(default=None, sa_column=Column(Text))
    # Legislation and guidance cited, [{act, section, label, slug}] (ingest/parse/statutes.py),
    # and their slugs apart for the `statute` filter (a GIN-indexed array, as remedy_types).
    statutes: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSONB, nullable=False, server_default="[]")
    )
    statute_slugs: list[str] = Field(
        default_factory=list, sa_column=Column(ARRAY(Text), nullable=False, server_default="{}")
    )
    status: str = Field(
        default="published", sa_column=Column(Text, nullable=False, server_default="published")
    )
    removed_on: date | None = Field(default=None)
    source_url: str | None = Field(default=None, sa_column=Column(Text))
    source: str = Field(sa_column=Column(Text, nullable=False))
    content_hash: str = Field(sa_column=Column(Text, nullable=False))
    parser_version: str = Field(sa_column=Column(Text, nullable=False))
    # What the decision is about as one unit vector (app/search/embeddings.py), and the model
    # that computed it: a reindex sends stored vectors and never recomputes them; only
    # `ombudsman reindex --embeddings`, or a vector of another model, does.
    embedding: list[float] | None = Field(default=None, sa_column=Column(ARRAY(REAL)))
    embedding_model: str | None = Field(default=None, sa_column=Column(Text))
    # False from the moment PostgreSQL holds a version Meilisearch has not confirmed: an ingest
    # killed between the two commits leaves it False, and the next run indexes it.
    indexed: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    ingested_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    updated_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


class Payment(SQLModel, table=True):
    """One sum of money in a decision's remedy section, in the order the decision states them."""

    __tablename__ = "payment"
    __table_args__ = (
        CheckConstraint(_one_of("kind", PAYMENT_KINDS), name="kind_known"),
        CheckConstraint("amount_pence >= 0", name="amount_positive"),
        CheckConstraint("count >= 1", name="count_positive"),
        Index("ix_payment_decision_id", "decision_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    decision_id: int = Field(
        sa_column=Column(ForeignKey("decision.id", ondelete="CASCADE"), nullable=False)
    )
    position: int = Field(nullable=False)
    amount_pence: int = Field(sa_column=Column(BigInteger, nullable=False))
    recipient: str | None = Field(default=None, sa_column=Column(Text))
    count: int = Field(default=1, nullable=False)
    kind: str = Field(sa_column=Column(Text, nullable=False))
    already_made: bool = Field(default=False, nullable=False)
    reason: str | None = Field(default=None, sa_column=Column(Text))
    payer: str | None = Field(default=None, sa_column=Column(Text))
    # False for another payer's share of a joint decision: shown with it, never counted for
    # this decision's body (its remedy_total leaves it out, as do the council's figures).
    own: bool = Field(
        default=True, sa_column=Column(Boolean, nullable=False, server_default=true())
    )


class DecisionVersion(SQLModel, table=True):
    """An earlier text of a decision: its hash and when we held it (`versions` of the record).

    Written by the loader when a stored decision's text hash changes; the current text is the
    decision row itself (seen from the last version's `seen_to`, or its `ingested_at`).
    """

    __tablename__ = "decision_version"
    __table_args__ = (Index("ix_decision_version_decision_id", "decision_id"),)

    id: int | None = Field(default=None, primary_key=True)
    decision_id: int = Field(
        sa_column=Column(ForeignKey("decision.id", ondelete="CASCADE"), nullable=False)
    )
    content_hash: str = Field(sa_column=Column(Text, nullable=False))
    seen_from: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    seen_to: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class IngestRun(SQLModel, table=True):
    """One `ombudsman ingest` (or crawl) run: what it saw and what it did, for the record."""

    __tablename__ = "ingest_run"

    id: int | None = Field(default=None, primary_key=True)
    command: str = Field(sa_column=Column(Text, nullable=False))
    started_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    finished_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    seen: int = Field(default=0, nullable=False)
    created: int = Field(default=0, nullable=False)
    updated: int = Field(default=0, nullable=False)
    unchanged: int = Field(default=0, nullable=False)
    failed: int = Field(default=0, nullable=False)
    failures: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSONB, nullable=False, server_default="[]")
    )


class CrawlWindow(SQLModel, table=True):
    """A date window of the LGSCO listing: done once every listed page in it was handled."""

    __tablename__ = "crawl_window"

    first_day: date = Field(primary_key=True)
    last_day: date = Field(primary_key=True)
    results: int | None = Field(default=None, description="The listing's stated result count")
    completed_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class CrawlPage(SQLModel, table=True):
    """One decision page the crawler met: what the server said and what became of it.

    The validators (ETag, Last-Modified) make the next visit a conditional request; `status`
    200 with no `error` means the page is stored and a resumed crawl need not fetch it again.
    """

    __tablename__ = "crawl_page"

    url: str = Field(sa_column=Column(Text, primary_key=True))
    status: int = Field(nullable=False)
    etag: str | None = Field(default=None, sa_column=Column(Text))
    last_modified: str | None = Field(default=None, sa_column=Column(Text))
    content_hash: str | None = Field(default=None, sa_column=Column(Text))
    error: str | None = Field(default=None, sa_column=Column(Text))
    fetched_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
