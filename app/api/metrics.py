"""`/metrics`: Prometheus text exposition of this app's request metrics and the process's.

Left out of the OpenAPI schema: it is for a scraper, not an API client, and its body is the
Prometheus text format rather than JSON. Never cached: a scrape must see the current counts.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST

from app.observability import HttpMetrics

router = APIRouter(tags=["operations"])


@router.get(
    "/metrics",
    operation_id="metrics",
    include_in_schema=False,
    response_class=Response,
)
def metrics(request: Request) -> Response:
    """Request counts and latency by route template, ingest and crawl counters, process figures."""
    http_metrics: HttpMetrics = request.app.state.http_metrics
    return Response(
        http_metrics.exposition(),
        media_type=CONTENT_TYPE_LATEST,
        headers={"Cache-Control": "no-store"},
    )
