"""Request size limits: over-long targets are 414 and over-large headers 431, as problem+json,
both in the app and over a real socket through uvicorn (whose own answers would be plain text)."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from app.config import Settings
from app.main import create_app
from app.search.client import MeiliClient
from app.stack import Services
from tests.app.conftest import CORS_ORIGIN

MAX_URL = Settings.model_fields["max_url_bytes"].default
MAX_HEADERS = Settings.model_fields["max_header_bytes"].default


# --- helpers: a real server and a raw HTTP/1.1 client ----------------------------------------


@contextmanager
def serving(
    app: FastAPI, http: str = "auto", send_buffer: int | None = None, **config: Any
) -> Iterator[int]:
    """`app` served by uvicorn (lifespan included) in a thread on a free port; yields the port.

    `send_buffer` fixes the kernel's send buffer of every accepted connection (they inherit it
    from the listening socket), which otherwise grows to megabytes on loopback: with it, a
    client that stops reading stalls the server after a known, small amount of data.
    """
    sock = socket.socket()
    if send_buffer is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, send_buffer)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    port: int = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, http=http, log_config=None, timeout_graceful_shutdown=5, **config)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            thread.join(0.02)
        yield port
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()
        assert not thread.is_alive(), "uvicorn did not stop"


def raw_request(
    port: int, target: str, headers: list[tuple[str, str]] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """One GET written byte for byte as given (`Host` and `Connection: close` first), read to
    the end: status, headers (lower-case names) and body."""
    lines = [f"GET {target} HTTP/1.1", "Host: t", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers or []]
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    answer = dict(line.split(": ", 1) for line in header_lines)
    return int(status_line.split()[1]), {k.lower(): v for k, v in answer.items()}, body


def wire_size(headers: list[tuple[str, str]]) -> int:
    """Header bytes as the limit counts them: `name: value` and CRLF for each."""
    return sum(len(name) + len(value) + 4 for name, value in headers)


BASE_HEADERS = [("Host", "t"), ("Connection", "close")]  # what raw_request always sends


def padding_header(total: int) -> tuple[str, str]:
    """A header that brings raw_request's headers to exactly `total` bytes."""
    return ("X-Padding", "p" * (total - wire_size(BASE_HEADERS) - len("X-Padding") - 4))


def filter_target(size: int) -> str:
    """A search with many council and category values (at most 50 of each, 200 characters
    each), exactly `size` bytes long."""
    target = "/v1/decisions?per_page=1"
    n = 0
    while True:
        value = f"&{('council', 'category')[n % 2]}=v{n:02d}" + "x" * 150
        if size - len(target) - len(value) - len("&subcategory=") < 1:
            break
        target += value
        n += 1
    assert n < 100
    return target + "&subcategory=" + "z" * (size - len(target) - len("&subcategory="))


# --- in the app ------------------------------------------------------------------------------


@pytest.fixture
def bare_client(settings: Settings, test_services: Services) -> httpx.AsyncClient:
    """The app without its lifespan: what is refused never reaches a route."""
    transport = httpx.ASGITransport(app=create_app(settings, test_services))
    return httpx.AsyncClient(transport=transport, base_url="http://t")


def assert_problem(response: httpx.Response, status: int, type_: str, title: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["x-content-type-options"] == "nosniff"
    request_id = response.headers["x-request-id"]
    body: dict[str, Any] = response.json()
    assert {k: body[k] for k in ("type", "title", "status")} == {
        "type": type_,
        "title": title,
        "status": status,
    }
    assert body["instance"].endswith(f"#request-{request_id}")
    return body


async def test_a_target_over_the_limit_is_a_414_problem(bare_client: httpx.AsyncClient) -> None:
    async with bare_client:
        response = await bare_client.get(filter_target(MAX_URL + 1))
    body = assert_problem(response, 414, "/problems/uri-too-long", "URI Too Long")
    assert body["detail"].startswith(
        f"The request target is {MAX_URL + 1:,} bytes; at most {MAX_URL:,} are accepted."
    )
    assert "/v1/decisions/export" in body["detail"]


async def test_headers_over_the_limit_are_a_431_problem(bare_client: httpx.AsyncClient) -> None:
    async with bare_client:
        response = await bare_client.get("/healthz", headers={"Cookie": "c" * MAX_HEADERS})
    body = assert_problem(
        response, 431, "/problems/headers-too-large", "Request Header Fields Too Large"
    )
    assert f"at most {MAX_HEADERS:,} are accepted" in body["detail"]


async def test_limits_follow_the_settings(settings: Settings, test_services: Services) -> None:
    tight = settings.model_copy(update={"max_url_bytes": 300, "max_header_bytes": 2000})
    transport = httpx.ASGITransport(app=create_app(tight, test_services))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await client.get("/healthz")).status_code == 200
        assert (await client.get(filter_target(301))).status_code == 414
        assert (await client.get("/healthz", headers={"X-A": "a" * 2000})).status_code == 431


async def test_limits_are_checked_before_the_rate_limit(
    settings: Settings, test_services: Services
) -> None:
    """An oversized request is refused without costing the client a token."""
    limited = settings.model_copy(update={"rate_limit_enabled": True, "rate_limit": "1/minute"})
    transport = httpx.ASGITransport(app=create_app(limited, test_services))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await client.get(filter_target(MAX_URL + 1))).status_code == 414
        assert (await client.get("/openapi.json")).status_code == 200
        assert (await client.get("/openapi.json")).status_code == 429


async def test_cors_exposes_request_id_and_rate_limit_headers(
    cors_client: httpx.AsyncClient,
) -> None:
    async with cors_client:
        response = await cors_client.get("/healthz", headers={"Origin": CORS_ORIGIN})
    exposed = {
        h.strip().lower() for h in response.headers["access-control-expose-headers"].split(",")
    }
    assert {
        "x-request-id", "retry-after", "ratelimit-limit", "ratelimit-remaining",
        "ratelimit-reset", "ratelimit-policy", "etag", "link", "content-disposition",
    } <= exposed  # fmt: skip


# --- over a real socket, through uvicorn -----------------------------------------------------


@pytest.fixture
def served_app(
    settings: Settings, test_services: Services, index_name: str, meili: MeiliClient
) -> FastAPI:
    """The app on this test's (empty) database and index; uvicorn runs its lifespan."""
    return create_app(settings.model_copy(update={"meili_index": index_name}), test_services)


@pytest.mark.parametrize("http", ["httptools", "h11"])
def test_uvicorn_sends_our_problems_and_serves_up_to_the_limits(
    served_app: FastAPI, http: str
) -> None:
    """httptools (what `ombudsman serve` uses) and h11 alike: at the limit a 200, one byte
    over our problem+json, never the server's plain-text 400 or a reset connection."""
    with serving(served_app, http=http) as port:
        status, _, body = raw_request(port, filter_target(MAX_URL))
        assert status == 200, body
        assert json.loads(body)["meta"]["total"] == 0

        status, headers, body = raw_request(port, filter_target(MAX_URL + 1))
        assert (status, headers["content-type"]) == (414, "application/problem+json")
        assert json.loads(body)["title"] == "URI Too Long"
        assert "x-request-id" in headers

        status, _, body = raw_request(port, "/healthz", [padding_header(MAX_HEADERS)])
        assert status == 200, body

        status, headers, body = raw_request(port, "/healthz", [padding_header(MAX_HEADERS + 1)])
        assert (status, headers["content-type"]) == (431, "application/problem+json")
        assert json.loads(body)["status"] == 431
        assert "x-request-id" in headers
