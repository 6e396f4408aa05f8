"""A local copy of the LGSCO website for crawler tests: a real HTTP server on 127.0.0.1.

Listing pages and decision pages in the site's structure, made from synthetic decisions (whose
ground truth is known), plus pages that misbehave on purpose. Every request is logged.
"""

from __future__ import annotations

import hashlib
import html
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from ingest.demo import DemoDecision, generate
from ingest.parse.model import ParsedDecision


@dataclass
class Page:
    listed_on: date
    path: str
    body: str
    truth: ParsedDecision | None = None
    fail_first: int = 0  # answer 503 this many times first
    status: int = 200


@dataclass
class Site:
    pages: list[Page] = field(default_factory=list)
    blocked: bool = False
    log: list[tuple[str, int, dict[str, str]]] = field(default_factory=list)
    _served: dict[str, int] = field(default_factory=dict)

    def by_path(self, path: str) -> Page | None:
        return next((p for p in self.pages if p.path == path), None)

    def requests_for(self, path: str, status: int | None = None) -> int:
        return sum(1 for p, s, _ in self.log if p == path and (status is None or s == status))

    def listing(self, first: date, last: date, page: int) -> str:
        if self.blocked:
            return "<html><body><h1>Access denied</h1></body></html>"
        listed = sorted(
            (p for p in self.pages if first <= p.listed_on <= last), key=lambda p: p.path
        )
        chunk = listed[(page - 1) * 10 : page * 10]
        items = "".join(
            f'<li class="result"><h3><a href="{p.path}">{html.escape(p.path)}</a></h3>'
            f"<p>Decision date: {(_shown_date(p)).strftime('%d %B %Y')}</p></li>"
            for p in chunk
        )
        more = f'<a href="?page={page + 1}">Next</a>' if page * 10 < len(listed) else ""
        return (
            "<html><body><nav><a href='/'>Home</a> <a href='/decisions'>Decisions</a></nav>"
            f"<p>Your search has {len(listed):,} results</p><ul>{items}</ul>{more}"
            "<footer>Cookies</footer></body></html>"
        )


def _shown_date(page: Page) -> date:
    return page.truth.decided_on if page.truth and page.truth.decided_on else page.listed_on


def decision_html(text: str) -> str:
    """A decision page: the statement in <article id="article">, furniture around it."""
    lines = [line for line in text.splitlines() if line.strip()]
    title, rest = lines[0], lines[1:]
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in rest)
    return (
        "<!DOCTYPE html><html><head><title>Decision</title></head><body>"
        '<div id="cookie-banner">We use cookies on this website. Accept all cookies</div>'
        "<nav><a href='/decisions'>Decisions</a></nav>"
        f'<article id="article"><h1>{html.escape(title)}</h1>{paragraphs}'
        "<p>Print this page</p></article><footer>Back to top</footer></body></html>"
    )


def build_site(count: int = 13, *, seed: int = 3) -> Site:
    """`count` decisions: the first 12 listed in March 2024 (two listing pages), the rest April."""
    site = Site()
    for n, demo in enumerate(generate(count, seed=seed)):
        listed_on = date(2024, 3, 1 + n % 28) if n < 12 else date(2024, 4, 5)
        site.pages.append(_page(demo, listed_on))
    return site


def _page(demo: DemoDecision, listed_on: date) -> Page:
    path = urlsplit(demo.url).path
    return Page(listed_on, path, decision_html(demo.text), demo.truth)


class _Handler(BaseHTTPRequestHandler):
    site: Site

    def log_message(self, format: str, *args: object) -> None:  # quiet test output
        return

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        headers = dict(self.headers.items())
        if parts.path == "/Decisions/SearchResults":
            query = parse_qs(parts.query)
            body = self.site.listing(
                date.fromisoformat(query["fd"][0]),
                date.fromisoformat(query["td"][0]),
                int(query.get("page", ["1"])[0]),
            )
            self._answer(parts.path, 200, body, headers)
            return
        page = self.site.by_path(parts.path)
        if page is None:
            self._answer(parts.path, 404, "<html><body>Not found</body></html>", headers)
            return
        served = self.site._served.get(page.path, 0)
        self.site._served[page.path] = served + 1
        if served < page.fail_first:
            self._answer(page.path, 503, "busy", headers, extra={"Retry-After": "0"})
            return
        etag = '"' + hashlib.sha256(page.body.encode()).hexdigest()[:16] + '"'
        if page.status == 200 and self.headers.get("If-None-Match") == etag:
            self._answer(page.path, 304, "", headers, extra={"ETag": etag})
            return
        self._answer(page.path, page.status, page.body, headers, extra={"ETag": etag})

    def _answer(
        self, path: str, status: int, body: str, headers: dict[str, str],
        extra: dict[str, str] | None = None,
    ) -> None:  # fmt: skip
        self.site.log.append((path, status, headers))
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        if status != 304:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if status != 304:
            self.wfile.write(data)


@contextmanager
def serve(site: Site) -> Iterator[str]:
    """Serve `site` on a free port for the block; yields the base URL."""
    handler = type("Handler", (_Handler,), {"site": site})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
