"""Size limits on the request line and headers: 414 and 431 problems, not a server's plain 400.

Every request is checked before anything else works on it: a target (path and query string, as
sent) longer than MAX_URL_BYTES is a `414 URI Too Long`, headers larger than MAX_HEADER_BYTES
in all (each counted as `name: value` plus its line break, as on the wire) a
`431 Request Header Fields Too Large`. Both are problem+json naming the limit, with the request
id in `instance`, like every other error.

Why here and not only in the server: uvicorn's own limits are uneven and its answers are not
ours. Measured with uvicorn 0.54 over a real socket (the request sent in one write):

- httptools (what `uvicorn[standard]` and `ombudsman serve` use, `--http auto`): a request target
  of up to 65,535 bytes is accepted and longer is a plain-text `400 Invalid HTTP request
  received.`; headers have **no limit** at all (8 MB of one header was accepted and handed to
  the app).
- h11 (`--http h11`): the request line and headers together may not exceed
  `h11_max_incomplete_event_size` (16 KiB by default) while they are still arriving; a request
  that arrives in one piece was accepted up to about 128 KB. Beyond, a plain-text 400, and often
  a connection reset because the rest of the request is unread.

So the defaults (8 KiB of target, 12 KiB of headers) sit below both servers' limits: a request
just over ours gets our problem, whichever parser runs. A request beyond the server's own limit
never reaches the app and still gets the server's 400; and since httptools reads headers of any
size into memory before the app sees them, this middleware bounds what the API accepts, not what
the process reads: a reverse proxy (nginx `large_client_header_buffers`) is what bounds that.

A pure ASGI middleware (no `BaseHTTPMiddleware`), added inside the request-id, security-header
and CORS middlewares in `create_app` so that its answers carry their headers too.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from app.problems import problem_response

log = logging.getLogger("ombudsearch.limits")


def target_bytes(scope: Scope) -> int:
    """The size of the request target as sent: raw (still %-encoded) path, `?` and query."""
    raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
    query: bytes = scope.get("query_string", b"")
    return len(raw_path) + (1 + len(query) if query else 0)


def header_bytes(scope: Scope) -> int:
    """The size of the headers as on the wire: `name: value\\r\\n` for each."""
    return sum(len(name) + len(value) + 4 for name, value in scope["headers"])


async def _refuse(
    scope: Scope, receive: Receive, send: Send, status: int, detail: str, *, type: str, title: str
) -> None:
    """Answer the request with a problem, before the app (or the rate limiter) sees it."""
    response = problem_response(Request(scope), status, detail, type=type, title=title)
    await response(scope, receive, send)


class RequestLimitsMiddleware:
    """Answers 414 or 431 problem+json for requests over MAX_URL_BYTES or MAX_HEADER_BYTES."""

    def __init__(self, app: ASGIApp, max_url_bytes: int, max_header_bytes: int) -> None:
        self.app = app
        self.max_url_bytes = max_url_bytes
        self.max_header_bytes = max_header_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        url_size = target_bytes(scope)
        if url_size > self.max_url_bytes:
            log.info("URI too long: %d bytes", url_size)
            await _refuse(
                scope, receive, send, 414,
                f"The request target is {url_size:,} bytes; at most {self.max_url_bytes:,} are "
                "accepted. Ask for fewer values per parameter (at most 50 each) in several "
                "requests, or use /v1/decisions/export to get every match of a broad query.",
                type="/problems/uri-too-long", title="URI Too Long",
            )  # fmt: skip
            return
        headers_size = header_bytes(scope)
        if headers_size > self.max_header_bytes:
            log.info("request headers too large: %d bytes", headers_size)
            await _refuse(
                scope, receive, send, 431,
                f"The request headers are {headers_size:,} bytes in all; at most "
                f"{self.max_header_bytes:,} are accepted. Send fewer or shorter headers "
                "(cookies included).",
                type="/problems/headers-too-large", title="Request Header Fields Too Large",
            )  # fmt: skip
            return
        await self.app(scope, receive, send)
