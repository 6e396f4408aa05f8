"""The crawl: month windows → listing pages → decision pages → the loader, resumably.

Per window: read every listing page, then handle each listed decision. A decision page already
stored by an unfinished earlier run of the window is not fetched again (resume); in a window
that was complete before (the overlap of a nightly run) it is fetched conditionally, so an
unchanged page costs a 304. Pages land in small batches, each recorded once stored.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import Any

import httpx
from sqlalchemy import Engine

from app.observability import CRAWL_PAGES
from ingest.crawl import state
from ingest.crawl.client import FetchError, PoliteClient
from ingest.crawl.listing import PAGE_SIZE, Listed, listing_path, parse_listing
from ingest.documents import DocumentResult, RawDocument
from ingest.load import Loader, Summary
from ingest.parse.record import parse_html

log = logging.getLogger("ombudsearch.crawl")

FIRST_DAY = date(2013, 4, 1)  # LGSCO publishes decisions on complaints received since April 2013
PUBLICATION_DELAY = timedelta(weeks=6)  # decisions appear at least six weeks after the decision
BATCH = 10


class CrawlBlocked(RuntimeError):
    """A listing page without a result count or links: the site blocked us or changed."""


@dataclass
class CrawlSummary:
    windows: int = 0
    listing_pages: int = 0
    pages_fetched: int = 0
    not_modified: int = 0
    already_stored: int = 0
    gone: int = 0
    failed: int = 0
    stopped_early: bool = False
    seconds: float = 0.0
    load: Summary = field(default_factory=Summary)
    failures: list[tuple[str, str]] = field(default_factory=list)


def month_windows(first: date, last: date) -> Iterator[tuple[date, date]]:
    """Calendar-month windows covering first..last (clipped at both ends)."""
    start = first
    while start <= last:
        next_month = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        yield start, min(last, next_month - timedelta(days=1))
        start = next_month


def default_range(engine: Engine, today: date) -> tuple[date, date]:
    """Nightly: from the last complete window, less the publication delay, to today."""
    last = state.last_completed_day(engine)
    if last is None:
        return FIRST_DAY, today
    return max(FIRST_DAY, last - PUBLICATION_DELAY), today


def _parsed(html: str, url: str, listed: Listed, digest: str) -> DocumentResult:
    record = parse_html(html, url=url, metadata=listed.metadata, source="lgsco")
    error = None if record.reference else "no decision reference found"
    return DocumentResult(url, digest, record, error)


class Crawler:
    def __init__(
        self,
        engine: Engine,
        loader: Loader,
        client: PoliteClient,
        *,
        max_pages: int | None = None,
        on_progress: Callable[[CrawlSummary], None] | None = None,
    ) -> None:
        self.engine = engine
        self.loader = loader
        self.client = client
        self.max_pages = max_pages
        self.on_progress = on_progress
        self.summary = CrawlSummary()

    async def run(self, first: date, last: date) -> CrawlSummary:
        started = time.monotonic()
        self.summary.load = await self.loader.begin("crawl")
        done = state.completed_windows(self.engine)
        try:
            for window in month_windows(first, last):
                if not await self._window(*window, revisit=window in done):
                    self.summary.stopped_early = True
                    break
                self.summary.windows += 1
        finally:
            await self.loader.finish(self.summary.load)
            self.summary.seconds = time.monotonic() - started
        return self.summary

    async def _listing(self, first: date, last: date) -> tuple[int | None, list[Listed]]:
        listed: dict[str, Listed] = {}
        total: int | None = None
        page = 1
        while True:
            path = listing_path(first, last, page)
            response = await self.client.get(path)
            self.summary.listing_pages += 1
            if response.status_code != 200:
                raise CrawlBlocked(f"listing {path} answered HTTP {response.status_code}")
            found = parse_listing(response.text, str(response.url))
            if page == 1 and found.total is None and not found.decisions:
                raise CrawlBlocked(
                    f"listing {response.url} has no result count and no decision links: "
                    "the site may be blocking us or have changed"
                )
            total = found.total if found.total is not None else total
            new = [d for d in found.decisions if d.url not in listed]
            listed.update((d.url, d) for d in new)
            pages = math.ceil(total / PAGE_SIZE) if total is not None else None
            if not new or (pages is not None and page >= pages):
                break
            page += 1
        if total is not None and len(listed) < total:
            log.warning(
                "window %s..%s: listing says %d results, found %d", first, last, total, len(listed)
            )
        return total, list(listed.values())

    async def _window(self, first: date, last: date, *, revisit: bool) -> bool:
        """Handle one window; False when --max-pages stopped it before the end."""
        total, listed = await self._listing(first, last)
        known = state.pages(self.engine, [d.url for d in listed])
        batch: list[tuple[RawDocument, dict[str, Any]]] = []
        for item in listed:
            before = known.get(item.url)
            stored = before is not None and before["status"] == 200 and not before["error"]
            if stored and not revisit:
                self.summary.already_stored += 1
                CRAWL_PAGES.labels("already_stored").inc()
                continue
            if self.max_pages is not None and self.summary.pages_fetched >= self.max_pages:
                await self._land(batch)
                return False
            fetched = await self._fetch(item, before if stored else None)
            if fetched is not None:
                batch.append(fetched)
            if len(batch) >= BATCH:
                await self._land(batch)
                batch = []
        await self._land(batch)
        state.complete_window(self.engine, first, last, total)
        return True

    async def _fetch(
        self, item: Listed, before: dict[str, Any] | None
    ) -> tuple[RawDocument, dict[str, Any]] | None:
        """Fetch one decision page; a document to land, or None when there is nothing to land."""
        etag = before["etag"] if before else None
        modified = before["last_modified"] if before else None
        try:
            response = await self.client.get(item.url, etag=etag, last_modified=modified)
        except FetchError as exc:
            self._fail(item.url, str(exc), status=0)
            return None
        self.summary.pages_fetched += 1
        CRAWL_PAGES.labels("fetched").inc()
        if self.on_progress:
            self.on_progress(self.summary)
        if response.status_code == 304:
            self.summary.not_modified += 1
            CRAWL_PAGES.labels("not_modified").inc()
            return None
        if response.status_code in (404, 410):
            self.summary.gone += 1
            CRAWL_PAGES.labels("gone").inc()
            state.record_pages(self.engine, [{"url": item.url, "status": response.status_code}])
            return None
        if response.status_code != 200:
            self._fail(item.url, f"HTTP {response.status_code}", status=response.status_code)
            return None
        html = response.text
        digest = hashlib.sha256(response.content + b"\n" + item.url.encode()).hexdigest()
        raw = RawDocument(item.url, digest, partial(_parsed, html, item.url, item, digest))
        return raw, _validators(item.url, response, digest)

    def _fail(self, url: str, reason: str, *, status: int) -> None:
        self.summary.failed += 1
        CRAWL_PAGES.labels("failed").inc()
        self.summary.failures.append((url, reason))
        state.record_pages(self.engine, [{"url": url, "status": status, "error": reason}])

    async def _land(self, batch: list[tuple[RawDocument, dict[str, Any]]]) -> None:
        if not batch:
            return
        load = self.summary.load
        failed_before = len(load.failures)
        await self.loader.add([raw for raw, _ in batch], load)
        reasons = {f.location: f.reason for f in load.failures[failed_before:]}
        rows = []
        for raw, row in batch:
            if raw.location in reasons:
                self.summary.failed += 1
                CRAWL_PAGES.labels("failed").inc()
                self.summary.failures.append((raw.location, reasons[raw.location]))
                row = {**row, "error": reasons[raw.location]}
            rows.append(row)
        state.record_pages(self.engine, rows)


def _validators(url: str, response: httpx.Response, digest: str) -> dict[str, Any]:
    return {
        "url": url,
        "status": 200,
        "etag": response.headers.get("ETag"),
        "last_modified": response.headers.get("Last-Modified"),
        "content_hash": digest,
    }
