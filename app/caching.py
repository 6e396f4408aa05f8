"""HTTP caching for GET responses (being written): ETag, Cache-Control, If-None-Match → 304."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send


class CachingMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)
