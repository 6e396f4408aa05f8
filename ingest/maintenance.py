"""Keeping Meilisearch in step with PostgreSQL: find drift (`check`), repair it (`reindex`)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy import Engine, select, update
from sqlmodel import Session, col

from app.models import Decision, utcnow
from app.search.client import MeiliClient, MeiliError
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


async def rebuild_index(engine: Engine, meili: MeiliClient, index_name: str) -> int:
    """Build a fresh index beside the live one and swap it in: searches never see it half-built."""
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
