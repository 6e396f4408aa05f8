"""Rate limits: per client, per rule, refilled over time, never on probes, off by default."""

from __future__ import annotations

import asyncio
import ipaddress
import logging

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from starlette.types import Receive, Scope, Send

from app.config import Settings
from app.main import create_app
from app.ratelimit import (
    RateLimitMiddleware,
    client_address,
    parse_rate,
)
from app.search.client import MeiliClient
from app.stack import Services, _free_port


async def ok_app(scope: Scope, receive: Receive, send: Send) -> None:
    """A stand-in application: the middleware alone is under test, no services needed."""
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok", "more_body": False})


def limited(settings: Settings, **update: object) -> Settings:
    return settings.model_copy(update={"rate_limit_enabled": True, **update})


def client_for(app: object, address: str = "127.0.0.1") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 123))  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url="http://t")


@pytest.fixture
def tiny_app(settings: Settings, test_services: Services) -> FastAPI:
    """The real application with 3 requests a minute; only routes needing no services are hit."""
    keys = [SecretStr("alice"), SecretStr("bob"), SecretStr("s3cret-key-value")]
    return create_app(
        limited(settings, rate_limit="3/minute", rate_limit_api_keys=keys), test_services
    )


async def test_fourth_request_is_a_429_problem_with_retry_after(tiny_app: FastAPI) -> None:
    async with client_for(tiny_app) as client:
        answers = [await client.get("/openapi.json") for _ in range(4)]
    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    assert [r.headers["ratelimit-remaining"] for r in answers] == ["2", "1", "0", "0"]
    for response in answers:
        assert response.headers["ratelimit-limit"] == "3"
        assert response.headers["ratelimit-policy"] == "3;w=60"
        assert 0 < int(response.headers["ratelimit-reset"]) <= 60
    over = answers[3]
    assert over.headers["content-type"] == "application/problem+json"
    # A moving window: the oldest of the three ages out a minute after it was counted (a
    # loaded machine may have taken a second or two to send the four).
    wait = int(over.headers["retry-after"])
    assert 55 <= wait <= 60
    assert over.headers["cache-control"] == "no-store"
    body = over.json()
    assert {k: body[k] for k in ("type", "title", "status", "detail")} == {
        "type": "/problems/rate-limited",
        "title": "Too Many Requests",
        "status": 429,
        "detail": f"Rate limit of 3/minute exceeded; retry in {wait} seconds.",
    }
    assert body["instance"].startswith("/openapi.json")


async def test_other_clients_are_not_affected(tiny_app: FastAPI) -> None:
    async with client_for(tiny_app) as client:
        for _ in range(3):
            await client.get("/openapi.json")
        assert (await client.get("/openapi.json")).status_code == 429
        keyed = await client.get("/openapi.json", headers={"X-API-Key": "alice"})
        other_key = await client.get("/openapi.json", headers={"X-API-Key": "bob"})
    async with client_for(tiny_app, "1.2.3.4") as other_ip:
        elsewhere = await other_ip.get("/openapi.json")
    assert [keyed.status_code, other_key.status_code, elsewhere.status_code] == [200, 200, 200]
    assert keyed.headers["ratelimit-remaining"] == "2"


async def test_an_unknown_api_key_counts_against_the_address(tiny_app: FastAPI) -> None:
    async with client_for(tiny_app) as client:
        answers = [
            await client.get("/openapi.json", headers={"X-API-Key": f"made-up-{n}"})
            for n in range(4)
        ]
    assert [r.status_code for r in answers] == [200, 200, 200, 429]


async def test_api_key_is_never_logged(tiny_app: FastAPI, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="ombudsearch")
    async with client_for(tiny_app) as client:
        for _ in range(5):
            await client.get("/openapi.json", headers={"X-API-Key": "s3cret-key-value"})
    assert "rate limited key:" in caplog.text
    assert "s3cret-key-value" not in caplog.text


async def test_health_and_metrics_are_never_limited(settings: Settings) -> None:
    middleware = RateLimitMiddleware(ok_app, limited(settings, rate_limit="1/hour"))
    async with client_for(middleware) as client:
        answers = [await client.get(p) for p in ["/healthz", "/readyz", "/metrics"] * 5]
        limited_route = [await client.get("/v1/decisions") for _ in range(2)]
    assert {r.status_code for r in answers} == {200}
    assert all("ratelimit-limit" not in r.headers for r in answers)
    assert [r.status_code for r in limited_route] == [200, 429]


async def test_healthz_is_not_limited_on_the_real_application(tiny_app: FastAPI) -> None:
    async with client_for(tiny_app) as client:
        answers = [await client.get("/healthz") for _ in range(10)]
    assert {r.status_code for r in answers} == {200}


async def test_off_by_default(settings: Settings, test_services: Services) -> None:
    assert settings.rate_limit_enabled is False
    app = create_app(settings.model_copy(update={"rate_limit": "1/hour"}), test_services)
    async with client_for(app) as client:
        answers = [await client.get("/openapi.json") for _ in range(20)]
    assert {r.status_code for r in answers} == {200}
    assert "ratelimit-limit" not in answers[0].headers


async def test_requests_come_back_as_the_oldest_age_out(settings: Settings) -> None:
    middleware = RateLimitMiddleware(ok_app, limited(settings, rate_limit="2/second"))
    async with client_for(middleware) as client:
        first = [await client.get("/x") for _ in range(3)]
        assert [r.status_code for r in first] == [200, 200, 429]
        assert first[2].headers["retry-after"] == "1"
        await asyncio.sleep(1.1)  # the moving window has moved past both
        again = [await client.get("/x") for _ in range(3)]
    assert [r.status_code for r in again] == [200, 200, 429]
    assert again[0].headers["ratelimit-remaining"] == "1"


async def test_an_unreachable_storage_limits_nothing_and_says_so(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    port = _free_port()  # nobody listens there
    configured = limited(
        settings, rate_limit="1/hour", rate_limit_storage=f"redis://127.0.0.1:{port}"
    )
    middleware = RateLimitMiddleware(ok_app, configured)
    with caplog.at_level(logging.WARNING, logger="ombudsearch.ratelimit"):
        async with client_for(middleware) as client:
            answers = [await client.get("/x") for _ in range(3)]
    assert [r.status_code for r in answers] == [200, 200, 200]
    warnings = [r.message for r in caplog.records if "storage unavailable" in r.message]
    assert len(warnings) == 1  # once a minute, not once a request


async def test_export_rule_is_stricter_and_counted_apart(settings: Settings) -> None:
    middleware = RateLimitMiddleware(
        ok_app,
        limited(settings, rate_limit="5/minute", rate_limit_export="2/minute"),
    )
    async with client_for(middleware) as client:
        export = [await client.get("/v1/decisions/export") for _ in range(3)]
        stats = await client.get("/v1/stats")
        search = [await client.get("/v1/decisions") for _ in range(6)]
    assert [r.status_code for r in export] == [200, 200, 429]
    assert export[0].headers["ratelimit-limit"] == "2"
    assert stats.status_code == 429  # same bucket as the export
    assert [r.status_code for r in search] == [200] * 5 + [429]
    assert search[0].headers["ratelimit-limit"] == "5"


async def test_export_limit_on_the_real_application(
    settings: Settings, test_services: Services, index_name: str, meili: MeiliClient
) -> None:
    configured = limited(
        settings, meili_index=index_name, rate_limit="100/minute", rate_limit_export="2/minute"
    )
    app = create_app(configured, test_services)
    async with app.router.lifespan_context(app), client_for(app) as client:
        stats = [await client.get("/v1/stats") for _ in range(3)]
        search = await client.get("/v1/decisions")
    assert [r.status_code for r in stats] == [200, 200, 429]
    assert stats[2].json()["type"] == "/problems/rate-limited"
    assert search.status_code == 200
    assert search.headers["ratelimit-limit"] == "100"


async def test_streamed_responses_pass_through(settings: Settings) -> None:
    async def streaming(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for chunk in (b"a", b"b", b"c"):
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    middleware = RateLimitMiddleware(streaming, limited(settings))
    async with (
        client_for(middleware) as client,
        client.stream("GET", "/v1/decisions/export") as response,
    ):
        chunks = [chunk async for chunk in response.aiter_raw()]
    assert b"".join(chunks) == b"abc"
    assert response.headers["ratelimit-limit"] == "30"


def test_forwarded_for_is_believed_only_from_trusted_proxies() -> None:
    trusted = (ipaddress.ip_network("10.0.0.0/8"),)
    headers = [(b"x-forwarded-for", b"6.6.6.6, 203.0.113.7, 10.0.0.2")]
    via_proxy: Scope = {"type": "http", "client": ("10.0.0.1", 1), "headers": headers}
    direct: Scope = {"type": "http", "client": ("198.51.100.1", 1), "headers": headers}
    assert client_address(via_proxy, trusted) == "203.0.113.7"
    assert client_address(direct, trusted) == "198.51.100.1"
    assert client_address(via_proxy, ()) == "10.0.0.1"


@pytest.mark.parametrize(
    ("text", "limit", "period"),
    [("600/minute", 600, 60), ("5/second", 5, 1), (" 100 / hour ", 100, 3600)],
)
def test_rates_are_parsed(text: str, limit: int, period: int) -> None:
    rule = parse_rate(text)
    assert (rule.limit, rule.period) == (limit, period)


@pytest.mark.parametrize("text", ["0/minute", "10/day", "ten/minute", "10"])
def test_bad_rates_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="600/minute"):
        parse_rate(text)
    with pytest.raises(ValueError, match="rate_limit"):
        Settings(rate_limit=text)
