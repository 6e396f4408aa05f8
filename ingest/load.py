"""Put parsed decisions into PostgreSQL, then into Meilisearch, in batches.

Rules this module keeps:
- One transaction per batch: a batch lands whole or not at all, so an interrupted run never
  leaves a half-written decision (its payments without it, or the reverse).
- Idempotent: a document is identified by the hash of its bytes (and any URL given with it) and
  the parser version. One whose identity is already stored is "unchanged" and is not even
  parsed; a changed one replaces the stored version of its reference.
- PostgreSQL first, Meilisearch second. A decision is marked `indexed` only once Meilisearch
  confirms its task; a run killed in between leaves it unmarked and the next run indexes it.
- Meilisearch indexes batch N while PostgreSQL takes batch N+1 (at most a few tasks in flight),
  so the slower of the two sets the pace, not their sum.
- Each created or changed decision gets its embedding (what it is about, as a vector) in the
  same transaction, computed for the whole run at once; an unchanged one is never parsed, so
  never embedded again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session, SQLModel, col

from app.models import Decision, IngestRun, Organisation, utcnow
from app.observability import INGEST_DOCUMENTS
from app.search.client import MeiliClient
from app.search.embeddings import MODEL_NAME, embedder, embedding_text
from app.search.index import document_for, send_all
from ingest.documents import RawDocument
from ingest.parse.model import PARSER_VERSION, ParsedDecision, text_fingerprint, text_hash

DECISIONS = SQLModel.metadata.tables["decision"]
PAYMENTS = SQLModel.metadata.tables["payment"]
VERSIONS = SQLModel.metadata.tables["decision_version"]
ORGANISATIONS = SQLModel.metadata.tables["organisation"]
# Documents parsed, stored and sent to Meilisearch together. Smaller batches start Meilisearch
# sooner and leave it less to do alone after the last one, so it and the parsing overlap more;
# Meilisearch merges the queued ones into larger batches of its own. At realistic lengths, 3,000
# decisions on 2 cores: 126-130 a second in batches of 1,000, 136 of 500, 146-155 of 250, 122-129
# of 100 (docs/benchmarks.md).
BATCH_SIZE = 250
NO_DECISION_TEXT = "no decision text found (no summary and no section heading)"
MAX_TASKS_IN_FLIGHT = 6


@dataclass
class Failure:
    location: str
    reason: str


@dataclass
class Summary:
    seen: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    indexed: int = 0
    failures: list[Failure] = field(default_factory=list)
    run_id: int | None = None

    def fail(self, location: str, reason: str) -> None:
        self.failed += 1
        INGEST_DOCUMENTS.labels("failed").inc()
        self.failures.append(Failure(location, reason))


def identity(document: RawDocument) -> str:
    """What "unchanged" compares: the document's content hash under this parser version."""
    return hashlib.sha256(f"{document.content_hash}\n{PARSER_VERSION}".encode()).hexdigest()


def _batches(documents: Iterable[RawDocument], size: int) -> Iterator[list[RawDocument]]:
    batch: list[RawDocument] = []
    for document in documents:
        batch.append(document)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _runs_without_repeats(parsed: list[_Parsed]) -> Iterator[list[_Parsed]]:
    """Split so no reference repeats within a run: the later version of a decision must win."""
    run: list[_Parsed] = []
    seen: set[str] = set()
    for item in parsed:
        if item.reference in seen:
            yield run
            run, seen = [], set()
        run.append(item)
        seen.add(item.reference)
    if run:
        yield run


@dataclass
class _Parsed:
    location: str
    identity: str
    record: ParsedDecision

    @property
    def reference(self) -> str:
        return self.record.reference or ""


def _decision_row(
    record: ParsedDecision, organisation_id: int | None, content_hash: str
) -> dict[str, Any]:
    return {
        "reference": record.reference,
        "organisation_id": organisation_id,
        "kind": record.kind,
        "category": record.category,
        "subcategory": record.subcategory,
        "category_slug": record.category_slug,
        "subcategory_slug": record.subcategory_slug,
        "outcome": record.outcome,
        "outcome_text": record.outcome_text,
        "outcome_inferred": record.outcome_inferred,
        "decided_on": record.decided_on,
        "summary": record.summary,
        "body": record.body,
        "sections": record.sections,
        "remedy_total_pence": record.remedy_total_pence,
        "waived_total_pence": record.waived_total_pence,
        "remedy_types": list(record.remedy_types),
        "complainants": record.complainants,
        "deadlines": record.deadlines,
        "compliance_confirmed_on": record.compliance_confirmed_on,
        "further_report": record.further_report,
        "text_fingerprint": text_fingerprint(record.body),
        "text_hash": text_hash(record.summary, record.body),
        "statutes": [s.model_dump() for s in record.statutes],
        "statute_slugs": list(dict.fromkeys(s.slug for s in record.statutes)),
        # A page we can read is published, whatever an earlier crawl found.
        "status": "published",
        "removed_on": None,
        "warnings": record.warnings,
        "source_url": record.source_url,
        "source": record.source,
        "content_hash": content_hash,
        "parser_version": record.parser_version,
        "indexed": False,
    }


def embeddings_of(records: list[ParsedDecision]) -> list[list[float] | None]:
    """Each record's vector (None for a record with no text to embed), in one batch."""
    texts = [embedding_text(r.summary, r.sections) for r in records]
    wanted = [t for t in texts if t]
    vectors = iter(embedder().embed(wanted) if wanted else [])
    return [next(vectors) if t else None for t in texts]


class Loader:
    def __init__(self, engine: Engine, meili: MeiliClient, index_name: str) -> None:
        self.engine = engine
        self.meili = meili
        self.index_name = index_name
        self._in_flight: list[tuple[dict[str, Any], list[tuple[int, str]]]] = []

    async def load(
        self,
        documents: Iterable[RawDocument],
        *,
        command: str = "ingest",
        batch_size: int = BATCH_SIZE,
        on_progress: Callable[[Summary], None] | None = None,
    ) -> Summary:
        summary = await self.begin(command)
        for batch in _batches(documents, batch_size):
            await self.add(batch, summary)
            if on_progress:
                on_progress(summary)
        return await self.finish(summary)

    async def begin(self, command: str) -> Summary:
        """Open a run (recorded in ingest_run) and index what an interrupted run left behind.

        `load` is begin, add per batch, finish; the crawler calls them itself because its
        documents arrive one slow page at a time and each small batch must land as it comes.
        """
        summary = Summary()
        with Session(self.engine) as session:
            run = IngestRun(command=command)
            session.add(run)
            session.commit()
            summary.run_id = run.id
        await self.index_pending()
        return summary

    async def add(self, batch: list[RawDocument], summary: Summary) -> None:
        """Store one batch (one transaction per group) and send it to Meilisearch."""
        for group in _runs_without_repeats(self._parse_new(batch, summary)):
            changed = self._store(group, summary)
            if changed:
                await self._index(changed, summary)

    async def finish(self, summary: Summary) -> Summary:
        """Wait for every Meilisearch task, then record the run's counts."""
        await self._drain(summary)
        with Session(self.engine) as session:
            session.execute(
                update(IngestRun)
                .where(col(IngestRun.id) == summary.run_id)
                .values(
                    finished_at=utcnow(),
                    seen=summary.seen,
                    created=summary.created,
                    updated=summary.updated,
                    unchanged=summary.unchanged,
                    failed=summary.failed,
                    failures=[f.__dict__ for f in summary.failures],
                )
            )
            session.commit()
        return summary

    def _parse_new(self, batch: list[RawDocument], summary: Summary) -> list[_Parsed]:
        """Count and skip what is stored already; parse the rest; record failures."""
        summary.seen += len(batch)
        identities = [identity(d) for d in batch]
        with Session(self.engine) as session:
            stored = set(
                session.scalars(
                    select(col(Decision.content_hash)).where(
                        col(Decision.content_hash).in_(identities)
                    )
                )
            )
        parsed: list[_Parsed] = []
        for document, key in zip(batch, identities, strict=True):
            if key in stored:
                summary.unchanged += 1
                INGEST_DOCUMENTS.labels("unchanged").inc()
                continue
            stored.add(key)  # the same document twice in one batch: the second is unchanged
            result = document.parse()
            record = result.record
            if record is None or result.error:
                summary.fail(result.location, result.error or "no record")
            elif not record.summary and not record.sections:
                # A reference (from the URL, say) but nothing a decision is made of.
                summary.fail(result.location, NO_DECISION_TEXT)
            else:
                parsed.append(_Parsed(result.location, key, record))
        return parsed

    def _store(self, run: list[_Parsed], summary: Summary) -> list[int]:
        """Write one run in one transaction; return the ids of created or changed decisions."""
        if not run:
            return []
        with Session(self.engine) as session, session.begin():
            existing = set(
                session.scalars(
                    select(col(Decision.reference)).where(
                        col(Decision.reference).in_([item.reference for item in run])
                    )
                )
            )
            records = [item.record for item in run]
            organisations = self._upsert_organisations(session, records)
            rows = [
                _decision_row(
                    item.record,
                    organisations.get(item.record.council_slug or ""),
                    item.identity,
                )
                for item in run
            ]
            for row, vector in zip(rows, embeddings_of(records), strict=True):
                row["embedding"] = vector
                row["embedding_model"] = MODEL_NAME if vector else None
            # Core statements with a list of rows: executemany batches them ("insertmanyvalues");
            # the ORM's bulk path costs several times more per row here.
            connection = session.connection()
            self._keep_versions(connection, rows)
            statement = insert(DECISIONS)
            columns: dict[str, Any] = {
                c: statement.excluded[c] for c in rows[0] if c != "reference"
            }
            columns["updated_at"] = func.now()
            upsert = statement.on_conflict_do_update(index_elements=["reference"], set_=columns)
            returned = connection.execute(
                upsert.returning(DECISIONS.c.reference, DECISIONS.c.id), rows
            )
            ids: dict[str, int] = dict(returned.all())
            connection.execute(delete(PAYMENTS).where(PAYMENTS.c.decision_id.in_(ids.values())))
            payments = [
                {
                    "decision_id": ids[reference],
                    "position": position,
                    "amount_pence": p.amount_pence,
                    "recipient": p.recipient,
                    "count": p.count,
                    "kind": p.kind,
                    "already_made": p.already_made,
                    "reason": p.reason,
                    "payer": p.payer,
                    "own": p.own,
                }
                for record in records
                if (reference := record.reference)
                for position, p in enumerate(record.payments)
            ]
            if payments:
                connection.execute(insert(PAYMENTS), payments)
        summary.updated += len(existing)
        INGEST_DOCUMENTS.labels("updated").inc(len(existing))
        summary.created += len(run) - len(existing)
        INGEST_DOCUMENTS.labels("created").inc(len(run) - len(existing))
        return list(ids.values())

    @staticmethod
    def _keep_versions(connection: Connection, rows: list[dict[str, Any]]) -> None:
        """Before a stored decision's text is replaced by another, record the one it had: its
        hash, from when we held it (the end of the version before, or when first stored) to
        now (this transaction's time, which also becomes the decision's `updated_at`)."""
        d = DECISIONS.c
        new_hashes = {row["reference"]: row["text_hash"] for row in rows}
        stored = connection.execute(
            select(d.id, d.reference, d.text_hash, d.ingested_at).where(
                d.reference.in_(list(new_hashes)), d.text_hash.is_not(None)
            )
        ).all()
        changed = [row for row in stored if row.text_hash != new_hashes[row.reference]]
        if not changed:
            return
        ends = dict(
            connection.execute(
                select(VERSIONS.c.decision_id, func.max(VERSIONS.c.seen_to))
                .where(VERSIONS.c.decision_id.in_([row.id for row in changed]))
                .group_by(VERSIONS.c.decision_id)
            ).all()
        )
        now = connection.scalar(select(func.now()))
        connection.execute(
            insert(VERSIONS),
            [
                {
                    "decision_id": row.id,
                    "content_hash": row.text_hash,
                    "seen_from": ends.get(row.id, row.ingested_at),
                    "seen_to": now,
                }
                for row in changed
            ],
        )

    @staticmethod
    def _upsert_organisations(session: Session, records: list[ParsedDecision]) -> dict[str, int]:
        wanted = {
            r.council_slug: (r.council_name, r.body_type)
            for r in records
            if r.council_slug and r.council_name
        }
        if not wanted:
            return {}
        statement = insert(ORGANISATIONS)
        statement = statement.on_conflict_do_update(
            index_elements=["slug"],
            set_={"name": statement.excluded.name, "body_type": statement.excluded.body_type},
        )
        result = session.connection().execute(
            statement.returning(ORGANISATIONS.c.slug, ORGANISATIONS.c.id),
            [{"slug": s, "name": n, "body_type": b} for s, (n, b) in sorted(wanted.items())],
        )
        return dict(result.all())

    async def _index(self, ids: list[int], summary: Summary) -> None:
        with Session(self.engine) as session:
            rows = session.execute(
                select(Decision, Organisation)
                .outerjoin(Organisation, col(Decision.organisation_id) == col(Organisation.id))
                .where(col(Decision.id).in_(ids))
            ).all()
            documents = [document_for(d, o) for d, o in rows]
            versions = [(d.id, d.content_hash) for d, _ in rows if d.id is not None]
        task = await self.meili.request(
            "POST", f"/indexes/{self.index_name}/documents?primaryKey=id", documents
        )
        self._in_flight.append((task, versions))
        while len(self._in_flight) >= MAX_TASKS_IN_FLIGHT:
            await self._settle_oldest(summary)

    async def _settle_oldest(self, summary: Summary) -> None:
        task, versions = self._in_flight.pop(0)
        await self.meili.wait_task(task, timeout=600)
        with self.engine.begin() as connection:
            # Only the versions that were sent: a newer one stored meanwhile stays pending.
            connection.execute(
                update(DECISIONS)
                .where(tuple_(DECISIONS.c.id, DECISIONS.c.content_hash).in_(versions))
                .values(indexed=True)
            )
        summary.indexed += len(versions)

    async def _drain(self, summary: Summary) -> None:
        while self._in_flight:
            await self._settle_oldest(summary)

    async def index_pending(self, batch_size: int = 1000) -> int:
        """Index every decision PostgreSQL holds but Meilisearch has not confirmed."""
        summary = Summary()
        last_id = 0
        while True:
            with Session(self.engine) as session:
                ids = list(
                    session.scalars(
                        select(col(Decision.id))
                        .where(col(Decision.indexed).is_(False), col(Decision.id) > last_id)
                        .order_by(col(Decision.id))
                        .limit(batch_size)
                    )
                )
            if not ids:
                break
            last_id = ids[-1] or 0
            await self._index([i for i in ids if i is not None], summary)
        await self._drain(summary)
        return summary.indexed

    async def reindex_all(self, index_name: str, batch_size: int = 1000) -> int:
        """Send every decision to `index_name` (a new index, swapped in by the caller)."""
        return await send_all(self.meili, self.engine, index_name, batch_size)
