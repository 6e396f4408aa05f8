"""create_app(): the FastAPI application, its routers, middleware and error handlers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from app import mcp_server, problems
from app.api import (
    categories,
    councils,
    decisions,
    export,
    feed,
    health,
    metrics,
    similar,
    stats,
)
from app.api.export import ExportSlots
from app.api.labels import LabelCache
from app.api.strictness import reject_unknown_parameters
from app.caching import CachingMiddleware
from app.config import Settings
from app.db import make_engine
from app.explorer import routes as explorer
from app.head import HeadAsGet
from app.limits import RequestLimitsMiddleware
from app.observability import HttpMetrics, MetricsMiddleware, RequestIdMiddleware
from app.ratelimit import RateLimitMiddleware
from app.reconcile import routes as reconcile
from app.search.client import MeiliClient, MeiliError
from app.search.embeddings import embedder
from app.search.index import ensure_index
from app.search.keys import ensure_search_key, search_key
from app.search.refill import index_lost, refill
from app.security import SecurityHeadersMiddleware
from app.stack import Services

log = logging.getLogger("ombudsearch.app")

DESCRIPTION = """
Every published decision of the Local Government and Social Care Ombudsman (LGSCO), parsed
into structured records: council, category, outcome, decision date, payments and remedies.
Search the full text, filter, count and export.

Errors are `application/problem+json` (RFC 9457).
"""

#: Response headers a browser script on an allowed origin may read: caching and paging, the
#: export's file name, the request id to quote, and the rate-limit headers to pace itself by.
EXPOSED_HEADERS = [
    "ETag", "Link", "Content-Disposition", "X-Request-ID", "Retry-After", "RateLimit-Limit",
    "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy",
]  # fmt: skip


async def _prepare_search(
    services: Services, index: str, attempts: int | None = None, retry_s: float = 5.0
) -> bool:
    """Index settings and the search-only key, with the master key, until it works.

    Runs beside the app so a Meilisearch that is down at start-up delays nothing: the app serves
    (degraded) meanwhile, and this keeps trying. The master key is used here and nowhere else.
    """
    tried = 0
    async with MeiliClient(services.meili_url, services.meili_key) as admin:
        while True:
            try:
                await ensure_index(admin, index)
                if services.meili_key:
                    await ensure_search_key(admin, index)
                return True
            except MeiliError as exc:  # /readyz says what is down meanwhile
                tried += 1
                if attempts is not None and tried >= attempts:
                    log.error("Meilisearch not prepared (%s); retrying in the background", exc)
                    return False
                await asyncio.sleep(retry_s)


async def _index_lost(services: Services, index: str, engine: Engine) -> bool:
    async with MeiliClient(services.meili_url, services.meili_key) as admin:  # reads stats
        return await index_lost(admin, index, engine)


async def _keep_search_prepared(
    services: Services,
    index: str,
    client: MeiliClient,
    engine: Engine,
    prepared: bool,
    retry_s: float = 5.0,
) -> None:
    """For the app's life: prepare the index and key until it works, and again whenever the
    request path's client finds them gone (Meilisearch back without its data); then refill an
    index left empty from PostgreSQL (app/search/refill.py).

    Meanwhile the request path answers degraded, or 503 with Retry-After, never an error:
    the client raises MeiliUnavailable for a refused key, a missing index or an index being
    refilled. At most one preparation per `retry_s`, however many requests are refused.
    """
    last = time.monotonic()
    while True:
        if client.refilling:
            try:
                async with MeiliClient(services.meili_url, services.meili_key) as admin:
                    await refill(admin, index, engine)
                client.refilling = False
            except (MeiliError, SQLAlchemyError) as exc:  # down again: still refilling
                log.error("refilling %r failed (%s); retrying", index, exc)
                await asyncio.sleep(retry_s)
                prepared = await _prepare_search(services, index, retry_s=retry_s)
                continue
        if prepared:
            await client.unprepared.wait()
            await asyncio.sleep(max(0.0, last + retry_s - time.monotonic()))
            log.warning("Meilisearch refused the search key or lacks %r: preparing again", index)
        # Searches answer degraded from before the index and key exist until the index is
        # known whole: a search between the key's creation and the check below would otherwise
        # find an empty index and answer "nothing matches" (seen in a full test run).
        client.refilling = True
        prepared = await _prepare_search(services, index, retry_s=retry_s)
        client.unprepared.clear()  # right after success: what was refused before, it repaired
        last = time.monotonic()
        # Only now, right after Meilisearch was found without the index or key (not while the
        # app runs, when an ingest may have stored rows it has yet to index): empty means lost.
        client.refilling = await _index_lost(services, index, engine)


def create_app(settings: Settings, services: Services) -> FastAPI:
    """The application, bound to the services it will use (found or started by the caller)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.engine = make_engine(
            services.database_url,
            pool_size=settings.db_pool_size,
            pool_timeout_s=settings.db_pool_timeout_s,
            statement_timeout_ms=settings.statement_timeout_ms,
        )
        index = settings.meili_index
        key = search_key(services.meili_key, index) if services.meili_key else None
        app.state.meili = MeiliClient(services.meili_url, key, timeout=settings.meili_timeout_s)
        app.state.index_name = index
        app.state.labels = LabelCache(app.state.engine)
        # The query-embedding model, loaded now (under a second) rather than by the first
        # hybrid search; a broken install fails here, not in a request.
        await asyncio.to_thread(embedder)
        # The first attempt is awaited (searches work as soon as the app answers); if
        # Meilisearch is down, later attempts run in the background while the app serves.
        prepared = await _prepare_search(services, index, attempts=1)
        # An index found empty while the database is not: searches are answered degraded from
        # the first request, until the keeper has refilled it.
        if prepared and await _index_lost(services, index, app.state.engine):
            app.state.meili.refilling = True
        keeper = asyncio.create_task(
            _keep_search_prepared(services, index, app.state.meili, app.state.engine, prepared)
        )
        try:
            async with contextlib.AsyncExitStack() as running:
                if assistant is not None:  # the MCP endpoint's task group lives with the app
                    await running.enter_async_context(assistant.session_manager.run())
                yield
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
            await app.state.meili.aclose()
            app.state.engine.dispose()

    app = FastAPI(
        title="Ombudsearch",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        dependencies=[Depends(reject_unknown_parameters)],
        # What any route may answer besides its own: documented on every operation, so a
        # client generated from the schema knows every status it can meet.
        responses={
            304: {"description": "Not Modified: `If-None-Match` named the current ETag"},
            **problems.problem_responses(
                s414="Request target longer than MAX_URL_BYTES",
                s429="Over the rate limit (when enabled); Retry-After says when to retry",
                s431="Request headers larger than MAX_HEADER_BYTES",
                s503="PostgreSQL unavailable or no pooled connection free (Retry-After)",
                s504="A query ran past STATEMENT_TIMEOUT_MS",
            ),
        },
    )
    problems.install(app)
    app.add_middleware(RateLimitMiddleware, settings=settings)  # innermost: 429s get CORS
    # Outside the rate limit (an oversized request costs no token), inside everything else.
    app.add_middleware(
        RequestLimitsMiddleware,
        max_url_bytes=settings.max_url_bytes,
        max_header_bytes=settings.max_header_bytes,
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "HEAD", "OPTIONS"],
            allow_headers=["*"],
            expose_headers=EXPOSED_HEADERS,
        )
    app.add_middleware(CachingMiddleware)
    app.state.http_metrics = HttpMetrics()  # per app: tests make many apps in one process
    app.state.export_slots = ExportSlots(settings.export_concurrency)  # per app, like metrics
    app.add_middleware(MetricsMiddleware, metrics=app.state.http_metrics)  # inside HeadAsGet
    app.add_middleware(HeadAsGet)  # outermost: caching sees a GET and tags it as such
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(RequestIdMiddleware)  # outermost: every response and log line has it
    app.include_router(health.router)
    if settings.metrics_enabled:
        app.include_router(metrics.router)
    # /v1/decisions/export and /feed.atom before /v1/decisions/{reference}, which would take them.
    app.include_router(export.router)
    app.include_router(feed.router)
    app.include_router(similar.router)  # /v1/decisions/{reference}/similar
    app.include_router(decisions.router)
    app.include_router(stats.router)
    app.include_router(councils.router)
    app.include_router(categories.router)
    app.include_router(reconcile.router)
    explorer.install(app)  # pages and their assets, outside /v1
    # The MCP endpoint: its route is the SDK's own (a Starlette route in the app's router), so
    # it sits behind the same middleware as /v1; its tools call /v1 through the whole app.
    assistant = mcp_server.build(app) if settings.mcp_enabled else None
    if assistant is not None:
        app.router.routes.extend(mcp_server.streamable_app(assistant).routes)
    return app
