"""Security headers on every response (pure ASGI, so streamed exports pass through untouched).

The API answers JSON, CSV, NDJSON and Atom, never a page meant to run scripts, so the strictest
policy fits: `Content-Security-Policy: default-src 'none'` (a response opened in a browser, or a
sniffed one, can load and run nothing), no framing, no MIME sniffing, no Referer leaking the
search a reader made. The interactive docs are the exception: Swagger UI and ReDoc are pages
whose JavaScript, CSS and fonts FastAPI loads from a CDN with an inline bootstrap script, so
they get a policy that allows exactly those sources. The explorer's pages (app/explorer) load
their stylesheet and script from the app itself and nothing else: `PAGE_CSP`.

Not set: `Cross-Origin-Resource-Policy` (newsroom pages on other sites fetch this API; CORS
already governs what they may read) and `Strict-Transport-Security` (TLS ends at the proxy in
front, which is where HSTS belongs).
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.asgi import is_page

API_CSP = "default-src 'none'; frame-ancestors 'none'"
DOCS_CSP = (
    "default-src 'none'; "
    "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "font-src https://fonts.gstatic.com data:; "
    "img-src 'self' data: https:; "
    "connect-src 'self'; "
    "worker-src 'self' blob:; "
    "frame-ancestors 'none'"
)
# The explorer's pages: their own stylesheet and script, charts drawn as inline SVG, forms that
# submit to the app itself; nothing inline, nothing from elsewhere.
PAGE_CSP = (
    "default-src 'none'; "
    "script-src 'self'; "
    "style-src 'self'; "
    "img-src 'self' data:; "
    "connect-src 'self'; "
    "form-action 'self'; "
    "base-uri 'none'; "
    "frame-ancestors 'none'"
)
DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})

COMMON_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def security_headers(path: str, content_type: str = "") -> dict[str, str]:
    """The headers a response to `path` carries: the common ones and the fitting CSP.

    An explorer page is any HTML response outside the docs (a page route, or the problem page
    a browser gets for an unknown address), so the policy follows the content type too.
    """
    if path in DOCS_PATHS:
        csp = DOCS_CSP
    elif is_page(path) or content_type.startswith("text/html"):
        csp = PAGE_CSP
    else:
        csp = API_CSP
    return {**COMMON_HEADERS, "Content-Security-Policy": csp}


class SecurityHeadersMiddleware:
    """Sets the security headers on each HTTP response, replacing any the app set."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                wanted = security_headers(path, headers.get("content-type", ""))
                for name, value in wanted.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_secured)
