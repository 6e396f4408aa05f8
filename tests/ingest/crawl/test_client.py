"""The polite client: retries, Retry-After, pacing, conditional headers (httpx MockTransport)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from ingest.crawl.client import FetchError, PoliteClient, retry_after_seconds


def client_for(
    answers: list[httpx.Response | Exception], seen: list[httpx.Request], delay_s: float = 0.0
) -> PoliteClient:
    queue = list(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = queue.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return PoliteClient(
        "http://site.test", user_agent="Ombudsearch/test (+https://example.org)",
        retries=3, delay_s=delay_s, backoff_s=0.001, transport=httpx.MockTransport(handler),
    )  # fmt: skip


async def test_retries_on_429_and_5xx_then_answers() -> None:
    seen: list[httpx.Request] = []
    answers: list[httpx.Response | Exception] = [
        httpx.Response(429, headers={"Retry-After": "0"}),
        httpx.Response(502),
        httpx.Response(200, text="ok"),
    ]
    async with client_for(answers, seen) as client:
        response = await client.get("/page")
    assert (response.status_code, response.text, len(seen)) == (200, "ok", 3)
    assert seen[0].headers["User-Agent"] == "Ombudsearch/test (+https://example.org)"


async def test_connection_errors_are_retried_and_then_reported() -> None:
    seen: list[httpx.Request] = []
    failure = httpx.ConnectError("refused")
    async with client_for([failure, failure, failure], seen) as client:
        with pytest.raises(FetchError, match=r"/page: ConnectError: refused after 3 attempts"):
            await client.get("/page")
    assert len(seen) == 3


async def test_404_is_an_answer_not_a_retry() -> None:
    seen: list[httpx.Request] = []
    async with client_for([httpx.Response(404)], seen) as client:
        assert (await client.get("/gone")).status_code == 404
    assert len(seen) == 1


async def test_conditional_headers_are_sent() -> None:
    seen: list[httpx.Request] = []
    async with client_for([httpx.Response(304)], seen) as client:
        response = await client.get(
            "/p", etag='"abc"', last_modified="Mon, 01 Jan 2024 00:00:00 GMT"
        )
    assert response.status_code == 304
    assert seen[0].headers["If-None-Match"] == '"abc"'
    assert seen[0].headers["If-Modified-Since"] == "Mon, 01 Jan 2024 00:00:00 GMT"


async def test_requests_are_paced() -> None:
    seen: list[httpx.Request] = []
    ok = [httpx.Response(200) for _ in range(3)]
    async with client_for(list(ok), seen, delay_s=0.05) as client:
        started = time.monotonic()
        for _ in range(3):
            await client.get("/p")
        elapsed = time.monotonic() - started
    assert elapsed >= 0.1  # three starts, two pauses of 50 ms between them


def test_retry_after_forms() -> None:
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    wait = retry_after_seconds(later)
    assert wait is not None
    assert 25 <= wait <= 30
