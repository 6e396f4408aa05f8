"""The LGSCO search-results pages: how many results, which decisions, what the listing says.

`/Decisions/SearchResults?fd=YYYY-MM-DD&td=YYYY-MM-DD&page=N` lists ten decisions a page under
the sentence "Your search has N results". A decision link is any anchor whose path is
`/decisions/<category>/<sub-category>/<NN-NNN-NNN>`; the text around it in its result block may
carry the decision date and outcome, which the page itself sometimes lacks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ingest.parse.header import parse_date
from ingest.parse.model import ListingMetadata

DECISION_PATH = re.compile(r"^/decisions/[a-z0-9-]+/[a-z0-9-]+/\d{2}-\d{3}-\d{3}/?$", re.I)
RESULT_COUNT = re.compile(r"Your search has\s+([\d,]+)\s+results?", re.I)
OUTCOME = re.compile(r"\b(?:Decision|Outcome)\s*:\s*([A-Za-z][^\n|]{2,80})")
PAGE_SIZE = 10


@dataclass(frozen=True)
class Listed:
    url: str
    metadata: ListingMetadata


@dataclass(frozen=True)
class ListingPage:
    total: int | None
    decisions: list[Listed]


def listing_path(first: date, last: date, page: int) -> str:
    query = urlencode({"fd": first.isoformat(), "td": last.isoformat(), "page": page})
    return f"/Decisions/SearchResults?{query}"


def _result_block(anchor: LexborNode) -> LexborNode:
    """The smallest ancestor that still holds only this one decision link: its result block."""
    block = anchor
    for _ in range(5):
        parent = block.parent
        if parent is None or parent.tag in ("body", "html"):
            break
        links = [
            a
            for a in parent.css("a[href]")
            if DECISION_PATH.match(urlsplit(a.attributes.get("href") or "").path)
        ]
        if len({a.attributes.get("href") for a in links}) > 1:
            break
        block = parent
    return block


def _metadata(block: LexborNode) -> ListingMetadata:
    text = block.text(separator="\n")
    outcome = OUTCOME.search(text)
    return ListingMetadata(
        decided_on=parse_date(text),
        outcome_text=outcome.group(1).strip() if outcome else None,
    )


def parse_listing(html: str, page_url: str) -> ListingPage:
    tree = LexborHTMLParser(html)
    body = tree.body
    text = body.text(separator=" ") if body is not None else ""
    count = RESULT_COUNT.search(text)
    seen: set[str] = set()
    listed = []
    for anchor in tree.css("a[href]"):
        href = anchor.attributes.get("href") or ""
        url = urljoin(page_url, href)
        path = urlsplit(url).path
        if not DECISION_PATH.match(path):
            continue
        url = url.split("#", 1)[0].rstrip("/")
        if url in seen:
            continue
        seen.add(url)
        listed.append(Listed(url, _metadata(_result_block(anchor))))
    total = int(count.group(1).replace(",", "")) if count else None
    return ListingPage(total, listed)
