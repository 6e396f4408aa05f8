"""A small async client for the Meilisearch REST API.

Why not the official Python client: it is synchronous (requests), and the API serves from an
event loop. Why aiohttp and orjson, where the rest of the project uses httpx: every search pays
this client's own cost on top of Meilisearch's, and httpx cost about 2.8 ms of CPU per search
request against aiohttp's 1.1 (measured, docs/benchmarks.md), more than Meilisearch's own time
for a filtered page. Why TCP_NODELAY (aiohttp sets it on every connection): a client that
writes request headers and body in two packets meets Nagle's algorithm and delayed ACK on
loopback and stalls about 45 ms per request (SPEC §6). Every task is waited for and its error
raised: nothing here is fire-and-forget.
"""

from __future__ import annotations

import asyncio
import io
import time
from typing import Any

import aiohttp
import orjson

# Meilisearch (actix-web) closes idle keep-alive connections after 5 s; a pooled connection is
# dropped before that, so a request never goes out on one the server is closing.
KEEPALIVE_S = 4.0
_JSON = {"Content-Type": "application/json"}
_ONE_WRITE = 1 << 20  # aiohttp warns about bodies above 1 MiB given as bytes


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


class MeiliClient:
    def __init__(self, url: str, key: str | None, *, timeout: float = 5.0) -> None:
        # identity: a compressed, chunked answer stalled about 40 ms per search here (measured
        # with httpx, bench/search_bench.py); loopback needs no compression.
        self._headers = {"Accept-Encoding": "identity"}
        if key:
            self._headers["Authorization"] = f"Bearer {key}"
        self.url = url.rstrip("/")
        self.key = key
        self.timeout = timeout
        # Set when Meilisearch answers as if the key or the index did not exist; whoever can
        # create them waits on it (app/main.py), and clears it when they are back.
        self.unprepared = asyncio.Event()
        # True while the index is refilled from PostgreSQL (app/search/refill.py): searches are
        # refused as if Meilisearch were down, so they are answered degraded, never half-empty.
        self.refilling = False
        self._session: aiohttp.ClientSession | None = None  # made in the loop that first uses it

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                headers=self._headers,
                timeout=aiohttp.ClientTimeout(total=self.timeout),
                connector=aiohttp.TCPConnector(limit=100, keepalive_timeout=KEEPALIVE_S),
                skip_auto_headers=["User-Agent"],
            )
        return self._session

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> MeiliClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def _send(
        self, method: str, path: str, data: bytes | None, timeout: float | None = None
    ) -> tuple[int, bytes]:
        """Status and body. A refused connection, or a pooled one the server closed meanwhile,
        is tried once more (nothing reached Meilisearch); other failures are not retried.

        An error answered to a request with a body closes its connection: Meilisearch refuses
        some requests (401, 403) from their headers alone, without reading the body, and when
        the body arrives after that answer (late, on a loaded machine) the next request on the
        same keep-alive connection gets no answer at all and waits for the timeout (reproduced
        with a raw socket: body 50 ms after the headers, then a search: no reply).
        """
        url = self.url + path
        headers = _JSON if data is not None else None
        # Always a ClientTimeout: aiohttp reads an explicit None as "no timeout at all".
        limit = aiohttp.ClientTimeout(total=self.timeout if timeout is None else timeout)
        for attempt in (1, 2):
            # A document batch (megabytes) goes out in chunks, which aiohttp asks for rather
            # than one write of a large buffer; a search body goes out in one write.
            payload = io.BytesIO(data) if data is not None and len(data) > _ONE_WRITE else data
            try:
                async with self._http().request(
                    method, url, data=payload, headers=headers, timeout=limit
                ) as answer:
                    connection = answer.connection
                    transport = connection.transport if connection is not None else None
                    body = await answer.read()
                    if answer.status >= 400 and data is not None and transport is not None:
                        transport.close()  # the pool then discards this connection
                    return answer.status, body
            except TimeoutError as exc:
                raise MeiliUnavailable(f"Meilisearch timed out on {method} {path}") from exc
            except (aiohttp.ClientConnectorError, aiohttp.ServerDisconnectedError) as exc:
                if attempt == 2:
                    raise MeiliUnavailable(f"Meilisearch unreachable at {self.url}: {exc}") from exc
            except aiohttp.ClientError as exc:
                raise MeiliUnavailable(f"Meilisearch unreachable at {self.url}: {exc}") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    async def request(
        self, method: str, path: str, json: Any = None, *, timeout: float | None = None
    ) -> Any:
        """`timeout` replaces the client's own for this request (a listing of every match is
        a batch job, not a page)."""
        if self.refilling and path.endswith("/search"):
            raise MeiliUnavailable("Meilisearch index is being refilled from PostgreSQL")
        data = None if json is None else orjson.dumps(json)
        status, content = await self._send(method, path, data, timeout)
        if status >= 400:
            text = content.decode(errors="replace")
            try:
                body = orjson.loads(content)
            except orjson.JSONDecodeError:
                body = {"message": text}
            code = body.get("code")
            error = MeiliUnavailable if code in _UNPREPARED else MeiliError
            if error is MeiliUnavailable:
                self.unprepared.set()
            raise error(
                f"Meilisearch {method} {path}: {body.get('message', text)}",
                code=code,
                status=status,
            )
        return orjson.loads(content) if content else None

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
