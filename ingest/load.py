"""Put parsed decisions into PostgreSQL, then into Meilisearch, in batches.

Rules this module keeps:
- One transaction per batch: a batch lands whole or not at all, so an interrupted run never
  leaves a half-written decision (its payments without it, or the reverse).
- Idempotent: a document whose content hash and parser version match what is stored is
  "unchanged" and costs one SELECT; a changed one replaces the stored version.
- PostgreSQL first, Meilisearch second. A decision is marked `indexed` only once Meilisearch
  confirms its task; a run killed in between leaves it unmarked and the next run indexes it.
- Meilisearch indexes batch N while PostgreSQL takes batch N+1 (at most a few tasks in flight),
  so the slower of the two sets the pace, not their sum.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session, col

from app.models import Decision, IngestRun, Organisation, Payment, utcnow
from app.search.client import MeiliClient
from app.search.index import add_documents, document_for
from ingest.parse.model import ParsedDecision

BATCH_SIZE = 500
MAX_TASKS_IN_FLIGHT = 3


class Document(Protocol):
    """One input document as `ingest.documents` yields it: a record, or why there is none."""

    location: str
    content_hash: str
    record: ParsedDecision | None
    error: str | None


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
        self.failures.append(Failure(location, reason))


def stored_hash(document: Document, record: ParsedDecision) -> str:
    """What decides "unchanged": the document's bytes and the URL it came with."""
    key = f"{document.content_hash}\n{record.source_url or ''}"
    return hashlib.sha256(key.encode()).hexdigest()


def _batches(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    batch: list[Document] = []
    references: set[str] = set()
    for document in documents:
        reference = document.record.reference if document.record else None
        # The same reference twice in one batch: the later one must win, so flush first.
        if len(batch) >= size or (reference is not None and reference in references):
            yield batch
            batch, references = [], set()
        batch.append(document)
        if reference is not None:
            references.add(reference)
    if batch:
        yield batch


def _decision_row(
    record: ParsedDecision, organisation_id: int, content_hash: str
) -> dict[str, Any]:
    return {
        "reference": record.reference,
        "organisation_id": organisation_id,
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
        "warnings": record.warnings,
        "source_url": record.source_url,
        "source": record.source,
        "content_hash": content_hash,
        "parser_version": record.parser_version,
        "indexed": False,
    }


class Loader:
    def __init__(self, engine: Engine, meili: MeiliClient, index_name: str) -> None:
        self.engine = engine
        self.meili = meili
        self.index_name = index_name
        self._in_flight: list[tuple[dict[str, Any], list[tuple[int, str]]]] = []

    async def load(
        self,
        documents: Iterable[Document],
        *,
        command: str = "ingest",
        batch_size: int = BATCH_SIZE,
        on_progress: Callable[[Summary], None] | None = None,
    ) -> Summary:
        summary = Summary()
        with Session(self.engine) as session:
            run = IngestRun(command=command)
            session.add(run)
            session.commit()
            summary.run_id = run.id
        await self.index_pending()  # what an interrupted run left behind
        for batch in _batches(documents, batch_size):
            changed = self._store(batch, summary)
            if changed:
                await self._index(changed, summary)
            if on_progress:
                on_progress(summary)
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

    def _store(self, batch: list[Document], summary: Summary) -> list[int]:
        """Write one batch in one transaction; return the ids of created or changed decisions."""
        good: list[tuple[Document, ParsedDecision, str]] = []
        for document in batch:
            summary.seen += 1
            if document.record is None or document.error:
                summary.fail(document.location, document.error or "no record")
            elif not document.record.reference:
                summary.fail(document.location, "no decision reference found")
            elif not document.record.council_name or not document.record.council_slug:
                summary.fail(document.location, "no council or body name found")
            else:
                good.append((document, document.record, stored_hash(document, document.record)))
        if not good:
            return []
        with Session(self.engine) as session, session.begin():
            stored = {
                reference: (content_hash, parser_version)
                for reference, content_hash, parser_version in session.execute(
                    select(
                        col(Decision.reference),
                        col(Decision.content_hash),
                        col(Decision.parser_version),
                    ).where(col(Decision.reference).in_([r.reference for _, r, _ in good]))
                )
            }
            todo = []
            for document, record, content_hash in good:
                previous = stored.get(record.reference or "")
                if previous == (content_hash, record.parser_version):
                    summary.unchanged += 1
                else:
                    todo.append((document, record, content_hash, previous is None))
            if not todo:
                return []
            organisations = self._upsert_organisations(session, [r for _, r, _, _ in todo])
            rows = [
                _decision_row(record, organisations[record.council_slug or ""], content_hash)
                for _, record, content_hash, _ in todo
            ]
            statement = insert(Decision).values(rows)
            columns: dict[str, Any] = {
                c: statement.excluded[c] for c in rows[0] if c != "reference"
            }
            columns["updated_at"] = func.now()
            upsert = statement.on_conflict_do_update(index_elements=["reference"], set_=columns)
            returned = session.execute(upsert.returning(col(Decision.reference), col(Decision.id)))
            ids: dict[str, int] = dict(returned.all())
            session.execute(delete(Payment).where(col(Payment.decision_id).in_(ids.values())))
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
                }
                for _, record, _, _ in todo
                if (reference := record.reference)
                for position, p in enumerate(record.payments)
            ]
            if payments:
                session.execute(insert(Payment).values(payments))
        for _, _, _, created in todo:
            if created:
                summary.created += 1
            else:
                summary.updated += 1
        return list(ids.values())

    @staticmethod
    def _upsert_organisations(session: Session, records: list[ParsedDecision]) -> dict[str, int]:
        wanted = {r.council_slug: (r.council_name, r.body_type) for r in records if r.council_slug}
        statement = insert(Organisation).values(
            [{"slug": s, "name": n, "body_type": b} for s, (n, b) in sorted(wanted.items())]
        )
        statement = statement.on_conflict_do_update(
            index_elements=["slug"],
            set_={"name": statement.excluded.name, "body_type": statement.excluded.body_type},
        )
        result = session.execute(statement.returning(col(Organisation.slug), col(Organisation.id)))
        return dict(result.all())

    async def _index(self, ids: list[int], summary: Summary) -> None:
        with Session(self.engine) as session:
            rows = session.execute(
                select(Decision, Organisation)
                .join(Organisation, col(Decision.organisation_id) == col(Organisation.id))
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
        with Session(self.engine) as session, session.begin():
            for decision_id, content_hash in versions:
                # Only the version that was sent: a newer one stored meanwhile stays pending.
                session.execute(
                    update(Decision)
                    .where(
                        col(Decision.id) == decision_id, col(Decision.content_hash) == content_hash
                    )
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
        count = 0
        last_id = 0
        while True:
            with Session(self.engine) as session:
                rows = session.execute(
                    select(Decision, Organisation)
                    .join(Organisation, col(Decision.organisation_id) == col(Organisation.id))
                    .where(col(Decision.id) > last_id)
                    .order_by(col(Decision.id))
                    .limit(batch_size)
                ).all()
            if not rows:
                return count
            last_id = rows[-1][0].id or 0
            await add_documents(self.meili, index_name, [document_for(d, o) for d, o in rows])
            count += len(rows)
