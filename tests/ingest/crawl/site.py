"""A local copy of the LGSCO website for crawler tests: a real HTTP server on 127.0.0.1.

Listing pages and decision pages in the site's structure, made from synthetic decisions (whose
ground truth is known), plus pages that misbehave on purpose. What it reproduces:

- listing results as `<li>`: a link `Body (NN NNN NNN)` (or `(NN NNN NNN)` alone), the line
  `Statement|Report <Outcome> <Sub-category> DD-Mon-YYYY`, then `Summary: …`; the count sentence
  "Your search has N results" or "Archive has N results"; the site's own form parameters
  (`aname`, `dc`, `sortOrder`) accepted beside fd, td and page;
- links to one decision in several spellings: relative, absolute with `?displaypref=0`, with a
  trailing slash, on a mixed-case `WWW.LGO.ORG.UK` host, protocol-relative;
- suffixed references (`/decisions/health/other/17-002-402b`, title `… (17 002 402b)`);
- reports split into chapters (`?chapter=N`, each chapter linking to the others);
- header-less pages (the demo's newer layout), a title outside the article;
- a content-stripped shell for chosen listing pages, a blocked ("Access denied") listing, 403;
- pages that vanish (404, 410), with or without leaving the listing;
- robots.txt (Crawl-delay, Disallow); ETag and Last-Modified with 304 answers.

Every request is logged with its path, query, status and headers.
"""

from __future__ import annotations

import hashlib
import html
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from ingest.demo import DemoDecision, generate
from ingest.parse.model import ParsedDecision

LISTING_OUTCOMES = {
    "upheld": "Upheld: maladministration and injustice",
    "not_upheld": "Not upheld: no maladministration",
    "closed_after_initial_enquiries": "Closed after initial enquiries",
    "other": "Withdrawn",
}
LINK_STYLES = ("relative", "absolute-query", "trailing-slash", "foreign-host", "protocol-relative")


@dataclass
class Page:
    listed_on: date
    path: str
    body: str
    truth: ParsedDecision | None = None
    fail_first: int = 0  # answer 503 this many times first
    status: int = 200
    kind: str = "Statement"
    chapters: list[str] = field(default_factory=list)  # bodies of chapters 2, 3, …
    listed: bool = True  # False: gone from the listing (the page may still answer)
    show_name: bool = True  # link text "Body (ref)"; False: "(ref)" alone
    link_style: str = "relative"
    validators: str = "both"  # "etag", "last-modified" or "both"

    @property
    def reference(self) -> str:
        slug = self.path.rstrip("/").rsplit("/", 1)[-1]
        return slug.replace("-", " ")


@dataclass(frozen=True)
class Hit:
    path: str
    status: int
    headers: dict[str, str]
    query: str = ""


@dataclass
class Site:
    pages: list[Page] = field(default_factory=list)
    blocked: bool = False  # listing pages say "Access denied" (HTTP 200)
    forbidden: bool = False  # listing pages answer 403 "Access denied"
    shells: set[tuple[date, int]] = field(default_factory=set)  # (fd, page): stripped shell
    count_style: str = "search"  # "search": "Your search has N results"; "archive"
    robots: str | None = None  # robots.txt text; None: 404
    count_bonus: int = 0  # the count sentence states this many more results than are listed
    log: list[Hit] = field(default_factory=list)
    _served: dict[str, int] = field(default_factory=dict)

    def by_path(self, path: str) -> Page | None:
        return next((p for p in self.pages if p.path == path.rstrip("/").lower()), None)

    def requests_for(self, path: str, status: int | None = None) -> int:
        return sum(1 for h in self.log if h.path == path and (status is None or h.status == status))

    def decision_requests(self, since: int = 0) -> list[Hit]:
        return [h for h in self.log[since:] if h.path.startswith("/decisions/")]

    def listing(self, first: date, last: date, page: int, host: str) -> str:
        if self.blocked:
            return "<html><body><h1>Access denied</h1></body></html>"
        if (first, page) in self.shells:
            return (
                "<html><body><nav><a href='/'>Home</a> <a href='/decisions'>Decisions</a></nav>"
                "<div id='app' data-loading='true'></div><footer>Cookies</footer></body></html>"
            )
        listed = sorted(
            (p for p in self.pages if p.listed and first <= p.listed_on <= last),
            key=lambda p: p.path,
        )
        chunk = listed[(page - 1) * 10 : page * 10]
        items = "".join(_result(p, host) for p in chunk)
        more = f'<a href="?page={page + 1}">Next</a>' if page * 10 < len(listed) else ""
        owner = "Your search" if self.count_style == "search" else "Archive"
        count = len(listed) + self.count_bonus
        return (
            "<html><body><nav><a href='/'>Home</a> <a href='/decisions'>Decisions</a></nav>"
            f"<p>{owner} has {count:,} results</p><ul class='results'>{items}</ul>{more}"
            "<footer>Cookies</footer></body></html>"
        )


def _href(page: Page, host: str) -> str:
    style = page.link_style
    if style == "absolute-query":
        return f"http://{host}{page.path}?displaypref=0"
    if style == "trailing-slash":
        return f"{page.path}/"
    if style == "foreign-host":
        return f"https://WWW.LGO.ORG.UK{page.path}?displaypref=1"
    if style == "protocol-relative":
        return f"//{host}{page.path}"
    return page.path


def _result(page: Page, host: str) -> str:
    truth = page.truth
    name = truth.council_name if truth and page.show_name else None
    text = f"{name} ({page.reference})" if name else f"({page.reference})"
    outcome = LISTING_OUTCOMES.get(truth.outcome or "other", "Withdrawn") if truth else "Upheld"
    sub = truth.subcategory if truth and truth.subcategory else "Other"
    summary = truth.summary if truth else "A decision."
    line = f"{page.kind} {outcome} {sub} {page.listed_on.strftime('%d-%b-%Y')}"
    href = html.escape(_href(page, host))
    return (
        f'<li class="result"><h3><a href="{href}">{html.escape(text)}</a></h3>'
        f'<a class="more" href="{html.escape(page.path)}?displaypref=0">Read more</a>'
        f"<p>{html.escape(line)}</p><p>Summary: {html.escape(summary)}</p></li>"
    )


def decision_html(text: str, *, title_outside: bool = False, chapters: int = 1) -> str:
    """A decision page: the statement in <article id="article">, furniture around it."""
    lines = [line for line in text.splitlines() if line.strip()]
    title, rest = lines[0], lines[1:]
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in rest)
    heading = f"<h1>{html.escape(title)}</h1>"
    return _page_html(heading if title_outside else "", "" if title_outside else heading,
                      paragraphs, chapters)  # fmt: skip


def _page_html(outside: str, heading: str, paragraphs: str, chapters: int) -> str:
    links = ""
    if chapters > 1:
        links = "<nav class='chapters'>" + "".join(
            f'<a href="?chapter={n}">Chapter {n}</a>' for n in range(1, chapters + 1)
        ) + "</nav>"  # fmt: skip
    return (
        "<!DOCTYPE html><html><head><title>Decision</title></head><body>"
        '<div id="cookie-banner">We use cookies on this website. Accept all cookies</div>'
        f"<nav><a href='/decisions'>Decisions</a></nav>{outside}{links}"
        f'<article id="article">{heading}{paragraphs}'
        "<p>Print this page</p></article><footer>Back to top</footer></body></html>"
    )


def chaptered(demo: DemoDecision, listed_on: date, parts: int = 3) -> Page:
    """A Report split into `parts` chapters, each linking to all of them."""
    text = _dated(demo.text, listed_on)
    lines = [line for line in text.splitlines() if line.strip()]
    title, rest = lines[0], lines[1:]
    size = -(-len(rest) // parts)
    chunks = [rest[i * size : (i + 1) * size] for i in range(parts)]

    def body(n: int) -> str:
        heading = f"<h1>{html.escape(title)}</h1>" if n == 0 else ""
        return _page_html("", heading, "".join(f"<p>{html.escape(x)}</p>" for x in chunks[n]),
                          parts)  # fmt: skip

    page = _page(demo, listed_on)
    page.body, page.chapters, page.kind = body(0), [body(n) for n in range(1, parts)], "Report"
    return page


def suffixed(demo: DemoDecision, listed_on: date, suffix: str = "b") -> Page:
    """The same decision under a suffixed reference: `…/17-002-402b`, title `… (17 002 402b)`."""
    page = _page(demo, listed_on)
    assert page.truth is not None
    assert page.truth.reference
    reference = f"{page.truth.reference}{suffix}"
    text = _dated(demo.text, listed_on).replace(f"({page.truth.reference})", f"({reference})", 1)
    page.path = f"{page.path}{suffix}"
    page.body = decision_html(text)
    page.truth = page.truth.model_copy(update={"reference": reference})
    return page


def build_site(count: int = 13, *, seed: int = 3, march: int = 12) -> Site:
    """`count` decisions: the first `march` listed in March 2024, the rest on 5 April. Each is
    dated on its listing day (page and listing agree)."""
    site = Site()
    for n, demo in enumerate(generate(count, seed=seed)):
        listed_on = date(2024, 3, 1 + n % 28) if n < march else date(2024, 4, 5)
        site.pages.append(_page(demo, listed_on))
    return site


_DECISION_DATE = re.compile(r"^(Decision date\s*:\s*).*$", re.M)


def _dated(text: str, day: date) -> str:
    return _DECISION_DATE.sub(lambda m: m.group(1) + day.strftime("%d %B %Y"), text)


def _page(demo: DemoDecision, listed_on: date, *, title_outside: bool = False) -> Page:
    path = urlsplit(demo.url).path
    truth = demo.truth.model_copy(update={"decided_on": listed_on})
    body = decision_html(_dated(demo.text, listed_on), title_outside=title_outside)
    return Page(listed_on, path, body, truth)


def title_outside(demo: DemoDecision, listed_on: date) -> Page:
    """A page whose title (body and reference) stands outside `<article id="article">`."""
    return _page(demo, listed_on, title_outside=True)


LAST_MODIFIED = "Mon, 04 Mar 2024 10:00:00 GMT"


class _Handler(BaseHTTPRequestHandler):
    site: Site

    def log_message(self, format: str, *args: object) -> None:  # quiet test output
        return

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        headers = dict(self.headers.items())
        query = parse_qs(parts.query, keep_blank_values=True)
        if parts.path == "/robots.txt":
            if self.site.robots is None:
                self._answer(parts, 404, "not found", headers)
            else:
                self._answer(parts, 200, self.site.robots, headers, kind="text/plain")
            return
        if parts.path == "/Decisions/SearchResults":
            if self.site.forbidden:
                self._answer(parts, 403, "<html><body>Access denied</body></html>", headers)
                return
            body = self.site.listing(
                date.fromisoformat(query["fd"][0]),
                date.fromisoformat(query["td"][0]),
                int(query.get("page", ["1"])[0]),
                self.headers.get("Host", ""),
            )
            self._answer(parts, 200, body, headers)
            return
        page = self.site.by_path(parts.path)
        if page is None:
            self._answer(parts, 404, "<html><body>Not found</body></html>", headers)
            return
        served = self.site._served.get(page.path, 0)
        self.site._served[page.path] = served + 1
        if served < page.fail_first:
            self._answer(parts, 503, "busy", headers, extra={"Retry-After": "0"})
            return
        chapter = int(query.get("chapter", ["1"])[0])
        body = page.body if chapter <= 1 else page.chapters[chapter - 2]
        extra = {}
        if page.validators in ("etag", "both"):
            extra["ETag"] = '"' + hashlib.sha256(body.encode()).hexdigest()[:16] + '"'
        if page.validators in ("last-modified", "both"):
            extra["Last-Modified"] = LAST_MODIFIED
        if page.status == 200 and (
            ("ETag" in extra and self.headers.get("If-None-Match") == extra["ETag"])
            or ("ETag" not in extra and self.headers.get("If-Modified-Since") == LAST_MODIFIED)
        ):
            self._answer(parts, 304, "", headers, extra=extra)
            return
        if page.status != 200:
            body, extra = "<html><body>This page has been removed</body></html>", {}
        self._answer(parts, page.status, body, headers, extra=extra)

    def _answer(
        self, parts: object, status: int, body: str, headers: dict[str, str],
        extra: dict[str, str] | None = None, kind: str = "text/html; charset=utf-8",
    ) -> None:  # fmt: skip
        path, query = getattr(parts, "path", ""), getattr(parts, "query", "")
        self.site.log.append(Hit(path, status, headers, query))
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
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
