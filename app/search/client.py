"""A small async client for the Meilisearch REST API.

Why not the official Python client: it is synchronous (requests), and the API serves from an
event loop. Why TCP_NODELAY: an HTTP client that writes request headers and body in two packets
meets Nagle's algorithm and delayed ACK on loopback and stalls about 45 ms per request (SPEC §6).
Every task is waited for and its error raised: nothing here is fire-and-forget.
"""

from __future__ import annotations

import asyncio
import socket
import time
from typing import Any

import httpx

NODELAY = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]


class MeiliError(RuntimeError):
    """Meilisearch answered with an error, or a task it ran failed."""

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


class MeiliUnavailable(MeiliError):
    """Meilisearch cannot serve this client now: unreachable, too slow, or not prepared for it
    (the key refused or the index missing, as after Meilisearch lost its data)."""


# Answers meaning "not prepared for this client" rather than "a bad request": the app's key or
# index does not exist (yet, or any more). The app prepares both again (app/main.py).
_UNPREPARED = {"invalid_api_key", "missing_authorization_header", "index_not_found"}


async def _drop_connection(response: httpx.Response) -> None:
    """Close the connection of an error answered to a request with a body: never reuse it.

    Meilisearch (actix-web) refuses a request (401, 403) from its headers alone, without
    reading the body. When the body arrives after that answer (the client writes headers and
    body separately; on a loaded machine the body comes late), the next request on the same
    keep-alive connection gets no answer at all and waits for the timeout (reproduced with a
    raw socket: body 50 ms after the headers, then a search: no reply). A new connection
    costs one loopback handshake, once per error.
    """
    stream = response.extensions.get("network_stream")
    if stream is not None:
        await stream.aclose()  # the pool sees a closed socket and discards the connection


class MeiliClient:
    def __init__(self, url: str, key: str | None, *, timeout: float = 5.0) -> None:
        # identity: httpx asks for gzip by default, and a compressed, chunked answer stalled
        # about 40 ms per search here (measured, bench/search_bench.py); loopback needs no gzip.
        headers = {"Accept-Encoding": "identity"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        self.url = url.rstrip("/")
        self.key = key
        # Set when Meilisearch answers as if the key or the index did not exist; whoever can
        # create them waits on it (app/main.py), and clears it when they are back.
        self.unprepared = asyncio.Event()
        # True while the index is refilled from PostgreSQL (app/search/refill.py): searches are
        # refused as if Meilisearch were down, so they are answered degraded, never half-empty.
        self.refilling = False
        self._http = httpx.AsyncClient(
            base_url=self.url,
            headers=headers,
            timeout=timeout,
            transport=httpx.AsyncHTTPTransport(socket_options=NODELAY, retries=1),
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> MeiliClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def request(self, method: str, path: str, json: Any = None) -> Any:
        if self.refilling and path.endswith("/search"):
            raise MeiliUnavailable("Meilisearch index is being refilled from PostgreSQL")
        try:
            response = await self._http.request(method, path, json=json)
        except httpx.TimeoutException as exc:
            raise MeiliUnavailable(f"Meilisearch timed out on {method} {path}") from exc
        except httpx.TransportError as exc:
            raise MeiliUnavailable(f"Meilisearch unreachable at {self.url}: {exc}") from exc
        if response.status_code >= 400:
            if json is not None:
                await _drop_connection(response)
            try:
                body = response.json()
            except ValueError:
                body = {"message": response.text}
            code = body.get("code")
            error = MeiliUnavailable if code in _UNPREPARED else MeiliError
            if error is MeiliUnavailable:
                self.unprepared.set()
            raise error(
                f"Meilisearch {method} {path}: {body.get('message', response.text)}",
                code=code,
                status=response.status_code,
            )
        return response.json() if response.content else None

    async def healthy(self) -> bool:
        try:
            return (await self.request("GET", "/health")).get("status") == "available"
        except MeiliError:
            return False

    async def can_search(self, index: str) -> bool:
        """Meilisearch searches `index` with this client's key: up, and prepared for it."""
        try:
            await self.request("POST", f"/indexes/{index}/search", {"q": "", "limit": 0})
        except MeiliError:
            return False
        return True

    async def wait_task(self, task: dict[str, Any], timeout: float = 300.0) -> dict[str, Any]:
        """Wait for an enqueued task; raise its error if it failed."""
        uid = task["taskUid"]
        deadline = time.monotonic() + timeout
        delay = 0.01
        while True:
            info: dict[str, Any] = await self.request("GET", f"/tasks/{uid}")
            if info["status"] == "succeeded":
                return info
            if info["status"] in ("failed", "canceled"):
                error = info.get("error") or {}
                raise MeiliError(
                    f"Meilisearch task {uid} ({info['type']}) {info['status']}: "
                    f"{error.get('message', 'no message')}",
                    code=error.get("code"),
                )
            if time.monotonic() > deadline:
                raise MeiliUnavailable(f"Meilisearch task {uid} not done after {timeout}s")
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.1)  # tasks often take ~0.2-0.7 s: poll finely

    async def run(self, method: str, path: str, json: Any = None, timeout: float = 300.0) -> Any:
        """Send a request that enqueues a task, and wait for that task."""
        return await self.wait_task(await self.request(method, path, json), timeout)
