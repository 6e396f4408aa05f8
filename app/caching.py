"""HTTP caching for GET responses: ETag, Cache-Control, If-None-Match → 304 (SPEC §4).

Search results change only when the data is reloaded, so clients and shared caches may keep a
response for a minute, and after that revalidate it cheaply: a request carrying the ETag it
already holds gets `304 Not Modified` and no body.

This is a pure ASGI middleware, not a `BaseHTTPMiddleware`: it must see the response messages
one by one so that streamed responses (CSV and NDJSON exports, the Atom feed) go through as
they are produced. Only a response sent as a single body message (what `JSONResponse` and
`Response` do) is hashed; a response whose first body message says more follows is passed on
untouched, with nothing held back but its start message until that first body message.

Rules:

- GET and HEAD only; other methods pass through untouched.
- 200 with a single body message: a strong ETag from the body (or the one the endpoint set), and
  `Cache-Control: public, max-age=60` unless the endpoint chose its own; a matching
  `If-None-Match` turns it into a 304 without body or content headers.
- 4xx and 5xx (problem+json): `Cache-Control: no-store` and no ETag, so an error is never
  kept by a cache and never revalidated into a 304.
- `/healthz` and `/readyz`: `Cache-Control: no-store`, decided by path, so a cache never answers
  a probe for a process that may be down.
- A HEAD answered without its body (a non-zero Content-Length, no body) gets no ETag: the hash
  of nothing would never match the GET's tag.
- Anything else (redirects, 204, 304 from the endpoint, streamed bodies) passes through.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.asgi import app_path

DEFAULT_CACHE_CONTROL = "public, max-age=60"
NO_STORE = "no-store"
UNCACHED_PATHS = frozenset({"/healthz", "/readyz"})

# Representation metadata that describes a body; a 304 has none (RFC 9110 §15.4.5).
_DROPPED_ON_304 = frozenset(
    {
        b"content-length",
        b"content-type",
        b"content-encoding",
        b"content-language",
        b"content-range",
        b"transfer-encoding",
    }
)

# One entity tag, weak or strong: W/"opaque". The opaque part may contain commas, so a list is
# read tag by tag rather than split on commas (RFC 9110 §8.8.3).
_ENTITY_TAG = re.compile(r'(W/)?"([^"]*)"')


def make_etag(body: bytes) -> str:
    """A strong ETag for a body: equal bodies, equal tags; 128 bits make collisions moot."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _opaque(tag: str) -> str | None:
    """The quoted part of an entity tag, weak prefix dropped; None if it is not a tag."""
    match = _ENTITY_TAG.fullmatch(tag.strip())
    return match.group(2) if match else None


def if_none_match_matches(header: str, etag: str) -> bool:
    """Whether an `If-None-Match` value names `etag`.

    RFC 9110 §13.1.2 requires the weak comparison here: `W/"x"` and `"x"` match, which lets a
    client (or a proxy that weakened the tag after recompressing) revalidate with what it holds.
    `*` matches any current representation.
    """
    if header.strip() == "*":
        return True
    current = _opaque(etag)
    if current is None:
        return False
    return any(match.group(2) == current for match in _ENTITY_TAG.finditer(header))


def _without(
    headers: Iterable[tuple[bytes, bytes]], names: frozenset[bytes]
) -> list[tuple[bytes, bytes]]:
    return [(name, value) for name, value in headers if name.lower() not in names]


class CachingMiddleware:
    """Adds ETag and Cache-Control to GET/HEAD responses and answers 304 to a matching tag."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        never_cache = app_path(scope) in UNCACHED_PATHS
        # Several If-None-Match lines mean the same as one comma-joined line (RFC 9110 §5.3).
        lines = Headers(scope=scope).getlist("if-none-match")
        if_none_match = ", ".join(lines) if lines else None
        head = scope["method"] == "HEAD"
        await self.app(scope, receive, _CachingSend(send, never_cache, if_none_match, head))


class _CachingSend:
    """The `send` handed to the application for one request.

    Holds the start message until the first body message shows whether the body is complete;
    from then on (or at once, for responses that are not candidates) messages go straight out.
    """

    def __init__(
        self, send: Send, never_cache: bool, if_none_match: str | None, head: bool
    ) -> None:
        self._send = send
        self._never_cache = never_cache
        self._if_none_match = if_none_match
        self._head = head
        self._start: Message | None = None
        self._passing = False

    async def __call__(self, message: Message) -> None:
        if self._passing:
            await self._send(message)
        elif message["type"] == "http.response.start":
            await self._on_start(message)
        elif self._start is not None and message["type"] == "http.response.body":
            await self._on_first_body(self._start, message)
        else:  # a send extension (pathsend, trailers…): nothing to hash, let it all through
            await self._flush(message)

    async def _on_start(self, message: Message) -> None:
        status: int = message["status"]
        if self._never_cache or status >= 400:
            # Errors and probes: never stored, never revalidated; no body needs to be seen.
            headers = MutableHeaders(scope=message)
            headers["Cache-Control"] = NO_STORE
            if "etag" in headers:
                del headers["etag"]
            self._passing = True
            await self._send(message)
        elif status == 200 and not message.get("trailers", False):
            self._start = message  # decided by the first body message
        else:
            self._passing = True
            await self._send(message)

    async def _on_first_body(self, start: Message, body: Message) -> None:
        if body.get("more_body", False):
            await self._flush(body)  # streamed: unchanged, and nothing more is held back
            return
        headers = MutableHeaders(scope=start)
        content = body.get("body", b"")
        if (
            self._head
            and not content
            and headers.get("content-length", "0") != "0"
            and "etag" not in headers
        ):
            # A HEAD answered without its body (as FileResponse does): hashing nothing would
            # give a tag that the GET of the same resource never has, so give none.
            await self._flush(body)
            return
        self._passing = True
        etag = headers.get("etag") or make_etag(content)
        headers["ETag"] = etag
        if "cache-control" not in headers:
            headers["Cache-Control"] = DEFAULT_CACHE_CONTROL
        if self._if_none_match is not None and if_none_match_matches(self._if_none_match, etag):
            not_modified: Message = {
                "type": "http.response.start",
                "status": 304,
                "headers": _without(start["headers"], _DROPPED_ON_304),
            }
            await self._send(not_modified)
            await self._send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        await self._send(start)
        await self._send(body)

    async def _flush(self, message: Message) -> None:
        """Send the held start message as it was, then `message`, and stop intervening."""
        self._passing = True
        if self._start is not None:
            await self._send(self._start)
            self._start = None
        await self._send(message)
