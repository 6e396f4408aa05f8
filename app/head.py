"""HEAD answered as GET without the body, for every route.

FastAPI's API routes answer only the methods they declare, so HEAD on `/v1/…` would be a 405;
declaring HEAD on each route would double every operation in /docs. Running the GET and
dropping the body keeps the headers (Content-Length, ETag) exactly those of the GET, as
RFC 9110 §9.3.2 asks.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # swallow streamed chunks; the last one closes the response
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)
