"""A polite HTTP client for one website: one request at a time by default, a pause between
request starts, an identifying User-Agent, timeouts, and retries with exponential backoff and
jitter on 429, 5xx and network errors, honouring Retry-After.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from email.utils import parsedate_to_datetime

import httpx

log = logging.getLogger("ombudsearch.crawl")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_WAIT_S = 120.0


class FetchError(RuntimeError):
    """A request still failed after every retry."""


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: a number of seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class PoliteClient:
    def __init__(
        self,
        base_url: str,
        *,
        user_agent: str,
        delay_s: float = 1.0,
        concurrency: int = 1,
        timeout_s: float = 30.0,
        retries: int = 5,
        backoff_s: float = 1.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url
        self.user_agent = user_agent
        self.delay_s = delay_s
        self.retries = retries
        self.backoff_s = backoff_s
        self.requests = 0
        self._slots = asyncio.Semaphore(concurrency)
        self._pace = asyncio.Lock()
        self._next_start = 0.0
        self._http = httpx.AsyncClient(
            base_url=base_url,
            headers={"User-Agent": user_agent},
            timeout=timeout_s,
            follow_redirects=True,
            transport=transport,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> PoliteClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def _wait_turn(self) -> None:
        async with self._pace:
            now = time.monotonic()
            if self._next_start > now:
                await asyncio.sleep(self._next_start - now)
            self._next_start = time.monotonic() + self.delay_s

    async def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> httpx.Response:
        """The response (200, 304, 404, …) once it is not a retryable failure."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        for attempt in range(1, self.retries + 1):
            async with self._slots:
                await self._wait_turn()
                self.requests += 1
                try:
                    response = await self._http.get(url, headers=headers)
                except httpx.TransportError as exc:
                    problem, wait = f"{type(exc).__name__}: {exc}", None
                else:
                    if response.status_code not in RETRY_STATUSES:
                        return response
                    problem = f"HTTP {response.status_code}"
                    wait = retry_after_seconds(response.headers.get("Retry-After"))
            if attempt == self.retries:
                raise FetchError(f"{url}: {problem} after {attempt} attempts")
            if wait is None:
                wait = self.backoff_s * 2 ** (attempt - 1) * (0.5 + random.random())
            wait = min(wait, MAX_WAIT_S)
            log.warning("%s: %s; retrying in %.1fs (attempt %d)", url, problem, wait, attempt)
            await asyncio.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover
