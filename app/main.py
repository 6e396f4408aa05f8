"""create_app(): the FastAPI application, its routers, middleware and error handlers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app import problems
from app.api import categories, councils, decisions, export, feed, health, metrics, stats
from app.api.labels import LabelCache
from app.api.strictness import reject_unknown_parameters
from app.caching import CachingMiddleware
from app.config import Settings
from app.db import make_engine
from app.head import HeadAsGet
from app.observability import HttpMetrics, MetricsMiddleware, RequestIdMiddleware
from app.ratelimit import RateLimitMiddleware
from app.search.client import MeiliClient, MeiliError
from app.search.index import ensure_index
from app.security import SecurityHeadersMiddleware
from app.stack import Services

log = logging.getLogger("ombudsearch.app")

DESCRIPTION = """
Every published decision of the Local Government and Social Care Ombudsman (LGSCO), parsed
into structured records: council, category, outcome, decision date, payments and remedies.
Search the full text, filter, count and export.

Errors are `application/problem+json` (RFC 9457).
"""


def create_app(settings: Settings, services: Services) -> FastAPI:
    """The application, bound to the services it will use (found or started by the caller)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.engine = make_engine(
            services.database_url, statement_timeout_ms=settings.statement_timeout_ms
        )
        app.state.meili = MeiliClient(
            services.meili_url, services.meili_key, timeout=settings.meili_timeout_s
        )
        app.state.index_name = settings.meili_index
        app.state.labels = LabelCache(app.state.engine)
        try:
            await ensure_index(app.state.meili, settings.meili_index)
        except MeiliError as exc:  # serve anyway: /readyz says what is down
            log.error("could not apply Meilisearch index settings: %s", exc)
        try:
            yield
        finally:
            await app.state.meili.aclose()
            app.state.engine.dispose()

    app = FastAPI(
        title="Ombudsearch",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        dependencies=[Depends(reject_unknown_parameters)],
    )
    problems.install(app)
    app.add_middleware(RateLimitMiddleware, settings=settings)  # innermost: 429s get CORS
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "HEAD", "OPTIONS"],
            allow_headers=["*"],
            expose_headers=["ETag", "Link"],
        )
    app.add_middleware(CachingMiddleware)
    app.state.http_metrics = HttpMetrics()  # per app: tests make many apps in one process
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
    app.include_router(decisions.router)
    app.include_router(stats.router)
    app.include_router(councils.router)
    app.include_router(categories.router)
    return app
