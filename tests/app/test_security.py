"""Security headers on every kind of response, without breaking the docs or CORS."""

from __future__ import annotations

import httpx
import pytest

from app.security import API_CSP

COMMON = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def _assert_common(response: httpx.Response) -> None:
    assert {name: response.headers.get(name) for name in COMMON} == COMMON


@pytest.mark.parametrize("path", ["/healthz", "/v1/decisions", "/openapi.json", "/metrics"])
async def test_api_responses_get_the_strict_policy(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 200
    _assert_common(response)
    assert response.headers["content-security-policy"] == API_CSP


async def test_problems_get_the_headers(client: httpx.AsyncClient) -> None:
    response = await client.get("/no/such/thing")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    _assert_common(response)
    assert response.headers["content-security-policy"] == API_CSP


async def test_head_gets_the_headers(client: httpx.AsyncClient) -> None:
    response = await client.head("/healthz")
    assert response.status_code == 200
    _assert_common(response)


@pytest.mark.parametrize(
    ("path", "marker", "sources"),
    [
        ("/docs", "swagger", ["https://cdn.jsdelivr.net", "'unsafe-inline'"]),
        ("/redoc", "redoc", ["https://cdn.jsdelivr.net", "https://fonts.googleapis.com", "blob:"]),
    ],
)
async def test_docs_pages_work_and_allow_what_they_load(
    client: httpx.AsyncClient, path: str, marker: str, sources: list[str]
) -> None:
    response = await client.get(path)
    assert response.status_code == 200
    assert marker in response.text.lower()
    _assert_common(response)
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert "connect-src 'self'" in policy  # the page fetches /openapi.json and tries requests
    for source in sources:
        assert source in policy
    assert "https://cdn.jsdelivr.net/npm/" in response.text  # what the policy allows, it loads


async def test_cors_still_works_alongside(cors_client: httpx.AsyncClient) -> None:
    async with cors_client as client:
        response = await client.get("/healthz", headers={"Origin": "https://news.example"})
        preflight = await client.options(
            "/healthz",
            headers={"Origin": "https://news.example", "Access-Control-Request-Method": "GET"},
        )
    assert response.headers["access-control-allow-origin"] == "https://news.example"
    assert "cross-origin-resource-policy" not in response.headers
    _assert_common(response)
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://news.example"
