"""Request ids, logging and Prometheus metrics: what an operator needs to follow one request.

- Every request gets an id: the caller's `X-Request-ID` when it is a sane token (a proxy or a
  newsroom's frontend may already have one, and one id across hops is what makes it useful),
  otherwise a fresh uuid4. It goes back in `X-Request-ID`, into every log line written while
  the request runs, and into the `instance` of any problem+json, so a reader who quotes an
  error quotes the id that finds its log lines.
- `configure_logging()` installs one handler on the root logger: plain lines by default, one
  JSON object per line with `LOG_FORMAT=json` (what log collectors parse without rules).
- Metrics: request counts and latency by route *template* (`/v1/decisions/{reference}`, never
  the raw path, which would make one series per decision) in a registry of the app's own, so
  two apps in one process (the tests make many) do not share or collide; and process-wide
  ingest and crawl counters in the default registry, which the loader and crawler bump and
  `/metrics` shows too.

The middlewares are pure ASGI (see app/caching.py for why): streamed exports pass through
message by message.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TextIO

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "X-Request-ID"
# Where the id is kept in the ASGI scope: the scope outlives the contextvar for handlers that
# run outside the middleware (Starlette's 500 handler sits outside every user middleware).
SCOPE_KEY = "ombudsearch.request_id"
UNMATCHED = "unmatched"

_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request being served in this context, None outside a request."""
    return _request_id.get()


def request_id_of(scope: Scope) -> str | None:
    """The id the middleware gave this request (from its scope), else the context's."""
    found = scope.get(SCOPE_KEY)
    return found if isinstance(found, str) else current_request_id()


def accept_or_make_id(offered: str | None) -> str:
    """The caller's id if it is a short token that is safe to echo and log, else a new one.

    Anything else (too long, spaces, quotes, newlines) could forge log lines or bloat them.
    """
    if offered is not None and _SANE_ID.fullmatch(offered):
        return offered
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Gives each HTTP request an id, in a contextvar and the scope, and echoes it back."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = accept_or_make_id(Headers(scope=scope).get(REQUEST_ID_HEADER))
        scope[SCOPE_KEY] = request_id  # in place: outer handlers see the same scope

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        token = _request_id.set(request_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            _request_id.reset(token)


# --- logging ---------------------------------------------------------------------------------


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record ("-" outside a request), so formats can name it.

    A record that already carries one (passed as `extra`, as the 500 handler does) keeps it.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id (and exc_info)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current_request_id() or "-",
        }
        if record.exc_info:
            line["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def make_handler(json_lines: bool, stream: TextIO | None = None) -> logging.Handler:
    """A handler (on stderr unless told) with the request-id filter and the chosen format."""
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if json_lines else logging.Formatter(PLAIN_FORMAT))
    return handler


def configure_logging(level: str, json: bool) -> None:
    """Route every logger (uvicorn's included) through one root handler at `level`.

    Called once by the command line before serving or ingesting. Uvicorn's own loggers are made
    to propagate to the root instead of printing through their handlers, so access lines too
    carry the request id and share the format.
    """
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(make_handler(json))
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True


# --- metrics ---------------------------------------------------------------------------------

INGEST_DOCUMENTS = Counter(
    "ombudsearch_ingest_documents",
    "Documents handled by the loader, by result (created, updated, unchanged, failed)",
    ["result"],
)
CRAWL_PAGES = Counter(
    "ombudsearch_crawl_pages",
    "Decision pages handled by the crawler, by result "
    "(fetched, not_modified, gone, failed, already_stored, already_gone, disallowed)",
    ["result"],
)


class HttpMetrics:
    """The per-app request counters and latency histogram, in their own registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "http_requests",
            "HTTP requests answered, by route template, method and status",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.duration = Histogram(
            "http_request_duration_seconds",
            "Time from request to the end of the response body, by route template and method",
            ["route", "method"],
            registry=self.registry,
        )

    def exposition(self) -> bytes:
        """This app's series followed by the process-wide ones (ingest, crawl, process)."""
        return generate_latest(self.registry) + generate_latest(REGISTRY)


def route_template(scope: Scope) -> str:
    """The path template of the route that answered (set in the scope by routing)."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED


class MetricsMiddleware:
    """Counts each HTTP request and times it to its last body message.

    It must sit inside any middleware that copies the scope (HeadAsGet does), since routing
    writes the matched route into the scope it is given. A HEAD is therefore counted as the GET
    it is answered as.
    """

    def __init__(self, app: ASGIApp, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500  # what the client gets if the app raises before answering

        async def send_counted(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_counted)
        finally:
            route, method = route_template(scope), str(scope["method"])
            self.metrics.requests.labels(route, method, str(status)).inc()
            self.metrics.duration.labels(route, method).observe(time.perf_counter() - start)
