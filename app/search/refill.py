"""A Meilisearch that came back without its data is refilled from PostgreSQL, the source of truth.

The app recreates a lost index and key by itself (app/main.py); an empty index would then answer
every search with nothing, and a reporter would read "no decision matches" as a fact. So when
the index holds no document while PostgreSQL holds decisions, the request path's client is
marked `refilling` (searches are answered from PostgreSQL, or 503 with `q`, as when Meilisearch
is down) until every decision is indexed again.
"""

from __future__ import annotations

import logging

from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Engine, exists, select
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from app.models import Decision
from app.search.client import MeiliClient, MeiliError
from app.search.index import send_all

log = logging.getLogger("ombudsearch.refill")


def _has_decisions(engine: Engine) -> bool:
    with Session(engine) as session:
        return bool(session.scalar(select(exists().select_from(Decision))))


async def index_lost(admin: MeiliClient, index: str, engine: Engine) -> bool:
    """True when `index` is empty and idle while PostgreSQL has decisions; False when unsure."""
    try:
        stats = await admin.request("GET", f"/indexes/{index}/stats")
        if stats.get("numberOfDocuments") or stats.get("isIndexing"):
            return False
        return await run_in_threadpool(_has_decisions, engine)
    except (MeiliError, SQLAlchemyError):
        return False  # a service is down: unsure, so not refilled; the next re-preparation
        # of the index or key (app/main.py) looks again


async def refill(admin: MeiliClient, index: str, engine: Engine) -> int:
    """Send every stored decision to `index` (upserts: safe to repeat after a failure)."""
    log.warning("Meilisearch index %r is empty: refilling it from PostgreSQL", index)
    count = await send_all(admin, engine, index)
    log.warning("Meilisearch index %r refilled with %d decisions", index, count)
    return count
