"""The crawl: month windows → listing pages → decision pages → the loader, resumably.

Per window: read every listing page, then handle each listed decision. A window is complete
only when every listing page was read and the links found match the stated count; a shell or
blocked listing page (any page number) stops the crawl and leaves the window incomplete, so the
next run resumes it.

Which decision pages are fetched:
- not stored yet (new, or left by an interrupted run): fetched;
- stored, in a window completed before that lies within the overlap (CRAWL_OVERLAP_DAYS before
  today), or any stored page with `refresh`: fetched conditionally (ETag / Last-Modified; an
  unchanged page costs a 304), and so are the window's stored decisions the listing no longer
  shows, to learn whether they were removed;
- stored (or found gone) otherwise: not fetched (a re-crawl of old windows reads listing
  pages only).

A page answering 404/410 marks the decision stored from it `removed` (kept, never deleted).
Pages land in small batches, each recorded once stored. robots.txt is read once and obeyed.
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
from ingest.crawl.chapters import MAX_CHAPTERS, chapter_numbers, chapter_url, join_chapters
from ingest.crawl.client import FetchError, PoliteClient
from ingest.crawl.listing import PAGE_SIZE, Listed, listing_path, origin_of, parse_listing
from ingest.crawl.robots import Robots, RobotsUnavailable, read_robots
from ingest.documents import DocumentResult, RawDocument
from ingest.load import Loader, Summary
from ingest.parse.model import ListingMetadata
from ingest.parse.record import parse_html

log = logging.getLogger("ombudsearch.crawl")

FIRST_DAY = date(2013, 4, 1)  # LGSCO publishes decisions on complaints received since April 2013
OVERLAP_DAYS = 120  # LGSCO publishes decisions about three months after the decision date
BATCH = 10
MAX_LISTING_PAGES = 2000  # one window; a listing without a count is read until nothing new


class CrawlBlocked(RuntimeError):
    """The site blocked us or changed (a shell listing page, 403, robots.txt): crawl stopped."""


@dataclass
class CrawlSummary:
    windows: int = 0
    listing_pages: int = 0
    pages_fetched: int = 0
    chapters_fetched: int = 0
    not_modified: int = 0
    already_stored: int = 0
    already_gone: int = 0
    gone: int = 0
    removed: int = 0
    republished: int = 0
    disallowed: int = 0
    failed: int = 0
    stopped_early: bool = False
    seconds: float = 0.0
    load: Summary = field(default_factory=Summary)
    failures: list[tuple[str, str]] = field(default_factory=list)
    incomplete: list[tuple[date, date, str]] = field(default_factory=list)


@dataclass
class Listing:
    total: int | None
    listed: list[Listed]
    problem: str | None  # why the window cannot be complete, or None


def month_windows(first: date, last: date) -> Iterator[tuple[date, date]]:
    """Calendar-month windows covering first..last (clipped at both ends)."""
    start = first
    while start <= last:
        next_month = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        yield start, min(last, next_month - timedelta(days=1))
        start = next_month


def default_range(
    engine: Engine, today: date, overlap_days: int = OVERLAP_DAYS
) -> tuple[date, date]:
    """Nightly: from the last complete window, less the overlap, to today."""
    last = state.last_completed_day(engine)
    if last is None:
        return FIRST_DAY, today
    return max(FIRST_DAY, last - timedelta(days=overlap_days)), today


NO_PAGE_TEXT = "no decision text on the page (no section heading): a content-stripped page?"


def _parsed(html: str, url: str, metadata: ListingMetadata, digest: str) -> DocumentResult:
    record = parse_html(html, url=url, metadata=metadata, source="lgsco")
    error = None
    if not record.reference:
        error = "no decision reference found"
    elif not record.sections:
        # Every LGSCO decision page has section headings. A content-stripped shell or an error
        # page has none, yet takes a body name and summary from the listing: storing it would
        # blank a good record.
        error = NO_PAGE_TEXT
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
        refresh: bool = False,
        overlap_days: int = OVERLAP_DAYS,
        listing_params: str = "",
        today: date | None = None,
    ) -> None:
        self.engine = engine
        self.loader = loader
        self.client = client
        self.max_pages = max_pages
        self.on_progress = on_progress
        self.refresh = refresh
        self.listing_params = listing_params
        self.today = today or date.today()
        self.overlap_from = self.today - timedelta(days=overlap_days)
        self.origin = origin_of(client.base_url)
        self.robots = Robots(client.user_agent)
        self.summary = CrawlSummary()

    async def run(
        self, first: date, last: date, *, also: list[tuple[date, date]] | None = None
    ) -> CrawlSummary:
        """Crawl the month windows of first..last, after the windows in `also` (incomplete
        windows of earlier runs the nightly run takes up again). One crawl at a time per
        database: a second one stops at once, before any request."""
        with state.crawl_lock(self.engine) as held:
            if not held:
                raise CrawlBlocked("another crawl is running on this database: not crawling")
            return await self._run(first, last, also or [])

    async def _run(self, first: date, last: date, also: list[tuple[date, date]]) -> CrawlSummary:
        started = time.monotonic()
        try:
            self.robots = await read_robots(self.client)
        except RobotsUnavailable as exc:
            raise CrawlBlocked(str(exc)) from None
        if self.robots.disallow_all:
            raise CrawlBlocked("robots.txt (401/403) disallows the whole site: not crawling")
        self.summary.load = await self.loader.begin("crawl")
        done = state.completed_windows(self.engine)
        windows = [w for w in also if w[1] < first] + list(month_windows(first, last))
        try:
            for window in windows:
                if not await self._window(*window, revisit=window in done):
                    self.summary.stopped_early = True
                    break
                self.summary.windows += 1
        finally:
            if self.summary.removed or self.summary.republished:
                await self.loader.index_pending()  # their new status, to Meilisearch
            await self.loader.finish(self.summary.load)
            self.summary.seconds = time.monotonic() - started
        return self.summary

    async def _listing(self, first: date, last: date) -> Listing:
        listed: dict[str, Listed] = {}
        total: int | None = None
        page = 1
        while True:
            path = listing_path(first, last, page, self.listing_params)
            if not self.robots.allows(path):
                raise CrawlBlocked(
                    f"robots.txt disallows the listing {path} for {self.client.user_agent}: "
                    "not crawling"
                )
            response = await self.client.get(path)
            self.summary.listing_pages += 1
            where = f"window {first}..{last} left incomplete; run again to resume"
            if response.status_code != 200:
                raise CrawlBlocked(
                    f"listing {response.url} answered HTTP {response.status_code} "
                    f"(blocked?): {where}"
                )
            found = parse_listing(response.text, str(response.url), self.origin)
            if found.shell:
                what = "says access denied" if found.blocked else "has no result count and no"
                raise CrawlBlocked(
                    f"listing {response.url} {what}"
                    f"{' decision links' if not found.blocked else ''} (a content-stripped "
                    f"shell or a blocked page; the site may be blocking us or have changed): "
                    f"{where}"
                )
            total = found.total if found.total is not None else total
            new = [d for d in found.decisions if d.url not in listed]
            listed.update((d.url, d) for d in new)
            pages = math.ceil(total / PAGE_SIZE) if total is not None else None
            if pages is not None and page >= pages:
                break
            if pages is None and (not new or page >= MAX_LISTING_PAGES):
                break
            page += 1
        problem = None
        if total is None:
            problem = f"the listing states no result count ({len(listed)} links found)"
        elif len(listed) < total:
            problem = f"the listing says {total} results but {len(listed)} links were found"
        return Listing(total, list(listed.values()), problem)

    async def _window(self, first: date, last: date, *, revisit: bool) -> bool:
        """Handle one window; False when --max-pages stopped it before the end."""
        try:
            listing = await self._listing(first, last)
        except CrawlBlocked:
            state.incomplete_window(self.engine, first, last, None)
            raise
        refetch = self.refresh or (revisit and last >= self.overlap_from)
        items = [(item, True) for item in listing.listed]
        if refetch:  # stored decisions the listing no longer shows: still there?
            listed_urls = {item.url for item in listing.listed}
            ours = {
                url
                for url in state.stored_decision_urls(self.engine, first, last)
                if url.startswith(f"{self.origin}/")  # stored from this site, not a mirror
            }
            unlisted = ours - listed_urls
            items += [(Listed(url, ListingMetadata()), False) for url in sorted(unlisted)]
        known = state.pages(self.engine, [item.url for item, _ in items])
        batch: list[tuple[RawDocument, dict[str, Any]]] = []
        for item, is_listed in items:
            before = known.get(item.url)
            stored = before is not None and before["status"] == 200 and not before["error"]
            if stored and not refetch:
                self.summary.already_stored += 1
                CRAWL_PAGES.labels("already_stored").inc()
                continue
            if before is not None and before["status"] in (404, 410) and not refetch:
                self.summary.already_gone += 1  # a stale listing entry: asked again only
                CRAWL_PAGES.labels("already_gone").inc()  # within the overlap or --refresh
                continue
            if not self.robots.allows(item.url):
                self.summary.disallowed += 1
                CRAWL_PAGES.labels("disallowed").inc()
                log.warning("robots.txt disallows %s: not fetched", item.url)
                continue
            if self.max_pages is not None and self.summary.pages_fetched >= self.max_pages:
                await self._land(batch)
                state.incomplete_window(self.engine, first, last, listing.total)
                return False
            fetched = await self._fetch(item, before if stored else None, land=is_listed)
            if fetched is not None:
                batch.append(fetched)
            if len(batch) >= BATCH:
                await self._land(batch)
                batch = []
        await self._land(batch)
        if listing.problem is None:
            state.complete_window(self.engine, first, last, listing.total)
        else:
            state.incomplete_window(self.engine, first, last, listing.total)
            self.summary.incomplete.append((first, last, listing.problem))
            log.warning("window %s..%s left incomplete: %s", first, last, listing.problem)
        return True

    async def _fetch(
        self, item: Listed, before: dict[str, Any] | None, *, land: bool = True
    ) -> tuple[RawDocument, dict[str, Any]] | None:
        """Fetch one decision page (every chapter of it); a document to land, or None when
        there is nothing to land. `land=False`: only learn whether the page is still there."""
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
            self._republish([item.url])
            return None
        if response.status_code in (404, 410):
            self.summary.gone += 1
            CRAWL_PAGES.labels("gone").inc()
            state.record_pages(self.engine, [{"url": item.url, "status": response.status_code}])
            removed = state.mark_removed(self.engine, item.url, self.today)
            if removed:
                log.info("%s answers %d: marked removed", item.url, response.status_code)
            self.summary.removed += removed
            return None
        if response.status_code != 200:
            self._fail(item.url, f"HTTP {response.status_code}", status=response.status_code)
            return None
        if not land:
            self._republish([item.url])
            return None
        html = await self._with_chapters(item.url, response.text)
        if html is None:
            return None
        content = response.content if html == response.text else html.encode()
        digest = hashlib.sha256(content + b"\n" + item.url.encode()).hexdigest()
        raw = RawDocument(item.url, digest, partial(_parsed, html, item.url, item.metadata, digest))
        return raw, _validators(item.url, response, digest)

    async def _with_chapters(self, url: str, first: str) -> str | None:
        """The page with its later chapters joined in (None: a chapter failed, recorded)."""
        wanted = chapter_numbers(first, url) - {1}
        fetched: dict[int, str] = {}
        while wanted - fetched.keys() and len(fetched) < MAX_CHAPTERS:
            number = min(wanted - fetched.keys())
            target = chapter_url(url, number)
            if not self.robots.allows(target):
                self._fail(url, f"robots.txt disallows chapter {number} ({target})", status=0)
                return None
            try:
                response = await self.client.get(target)
            except FetchError as exc:
                self._fail(url, f"chapter {number}: {exc}", status=0)
                return None
            self.summary.chapters_fetched += 1
            if response.status_code != 200:
                reason = f"chapter {number} ({target}) answered HTTP {response.status_code}"
                self._fail(url, reason, status=0)
                return None
            fetched[number] = response.text
            wanted |= chapter_numbers(response.text, url) - {1}
        if not fetched:
            return first
        return join_chapters(first, [fetched[n] for n in sorted(fetched)])

    def _republish(self, urls: list[str]) -> None:
        self.summary.republished += state.republish(self.engine, urls)

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
        self._republish([row["url"] for row in rows if not row.get("error")])


def _validators(url: str, response: httpx.Response, digest: str) -> dict[str, Any]:
    return {
        "url": url,
        "status": 200,
        "etag": response.headers.get("ETag"),
        "last_modified": response.headers.get("Last-Modified"),
        "content_hash": digest,
    }
