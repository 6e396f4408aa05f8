"""Keeping Meilisearch in step with PostgreSQL: find drift (`check`), repair it (`reindex`)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy import Engine, bindparam, or_, select, update
from sqlmodel import Session, SQLModel, col

from app.models import Decision, utcnow
from app.search.client import MeiliClient, MeiliError
from app.search.embeddings import MODEL_NAME, embedder, embedding_text
from app.search.index import delete_index, document_id, ensure_index
from ingest.load import Loader

PAGE = 10_000


@dataclass
class Drift:
    in_postgres: int = 0
    in_meilisearch: int = 0
    missing: list[str] = field(default_factory=list)  # references absent from the index
    stale: list[str] = field(default_factory=list)  # indexed with another content hash
    extra: list[str] = field(default_factory=list)  # index documents with no row behind them

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.extra)


async def _indexed_hashes(meili: MeiliClient, index_name: str) -> dict[str, tuple[str, str]]:
    """Document id → (reference, content_hash) for every document in the index."""
    found: dict[str, tuple[str, str]] = {}
    offset = 0
    while True:
        try:
            page = await meili.request(
                "POST",
                f"/indexes/{index_name}/documents/fetch",
                {"fields": ["id", "reference", "content_hash"], "limit": PAGE, "offset": offset},
            )
        except MeiliError as exc:
            if exc.code == "index_not_found":
                return found
            raise
        for doc in page["results"]:
            found[doc["id"]] = (doc.get("reference", doc["id"]), doc.get("content_hash", ""))
        offset += PAGE
        if offset >= page["total"]:
            return found


async def compare(engine: Engine, meili: MeiliClient, index_name: str) -> Drift:
    indexed = await _indexed_hashes(meili, index_name)
    drift = Drift(in_meilisearch=len(indexed))
    with Session(engine) as session:
        rows = session.execute(select(col(Decision.reference), col(Decision.content_hash))).all()
    drift.in_postgres = len(rows)
    seen: set[str] = set()
    for reference, content_hash in rows:
        key = document_id(reference)
        seen.add(key)
        if key not in indexed:
            drift.missing.append(reference)
        elif indexed[key][1] != content_hash:
            drift.stale.append(reference)
    drift.extra = sorted(ref for key, (ref, _) in indexed.items() if key not in seen)
    drift.missing.sort()
    drift.stale.sort()
    return drift


def embed_stored(engine: Engine, *, everything: bool = False, batch_size: int = 1000) -> int:
    """Compute and store the embeddings PostgreSQL lacks; with `everything`, all of them again.

    "Lacks" means no vector from the current model (MODEL_NAME): rows stored before embeddings
    existed, or vectors of an earlier model. A vector of the current model is never recomputed
    unless asked (`ombudsman reindex --embeddings`, e.g. after changing what is embedded).
    Returns how many were computed.
    """
    decisions = SQLModel.metadata.tables["decision"]
    store = (
        update(decisions)
        .where(decisions.c.id == bindparam("row_id"))
        .values(embedding=bindparam("vector"), embedding_model=bindparam("model"))
    )
    computed = 0
    last_id = 0
    while True:
        query = select(col(Decision.id), col(Decision.summary), col(Decision.sections)).where(
            col(Decision.id) > last_id
        )
        if not everything:
            query = query.where(
                or_(
                    col(Decision.embedding_model).is_(None),
                    col(Decision.embedding_model) != MODEL_NAME,
                )
            )
        with engine.connect() as connection:
            rows = connection.execute(query.order_by(col(Decision.id)).limit(batch_size)).all()
        if not rows:
            return computed
        last_id = rows[-1][0]
        texts = [embedding_text(summary, sections) for _, summary, sections in rows]
        wanted = [t for t in texts if t]
        vectors = iter(embedder().embed(wanted))
        values = [
            {"row_id": row_id, "vector": vector, "model": MODEL_NAME if vector else None}
            for (row_id, _, _), text in zip(rows, texts, strict=True)
            for vector in [next(vectors) if text else None]
        ]
        with engine.begin() as connection:
            connection.execute(store, values)
        computed += len(wanted)


async def rebuild_index(
    engine: Engine, meili: MeiliClient, index_name: str, *, embeddings: bool = False
) -> int:
    """Build a fresh index beside the live one and swap it in: searches never see it half-built.

    First the missing embeddings are computed and stored (all of them with `embeddings`), so
    the new index gets a vector for every decision with text; stored vectors are sent as they
    are.
    """
    embed_stored(engine, everything=embeddings)
    started = utcnow()
    building = f"{index_name}_rebuild_{int(time.time())}"
    await ensure_index(meili, index_name)  # the swap needs both to exist
    await ensure_index(meili, building)
    try:
        count = await Loader(engine, meili, building).reindex_all(building)
        await meili.run("POST", "/swap-indexes", [{"indexes": [index_name, building]}])
    finally:
        await delete_index(meili, building)  # after the swap, this name holds the old index
    with Session(engine) as session, session.begin():
        # Rows written during the rebuild are left to the ingest that wrote them.
        session.execute(
            update(Decision).where(col(Decision.updated_at) <= started).values(indexed=True)
        )
    return count
