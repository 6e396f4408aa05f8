"""`ombudsman crawl --probe`: does the site still look the way the crawler reads it?

Fetches robots.txt, one listing page and the first decision page it links (politely, through
the same client as the crawl), and reports what was recognised. Stores nothing. Any problem
(no count sentence, no links, a listing line without a date or kind, a decision page without a
reference, a blocked or disallowed page) is listed, so the operator knows within seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ingest.crawl.chapters import chapter_numbers
from ingest.crawl.client import FetchError, PoliteClient
from ingest.crawl.listing import ListingPage, listing_path, origin_of, parse_listing
from ingest.crawl.robots import RobotsUnavailable, read_robots
from ingest.parse.model import ParsedDecision
from ingest.parse.record import parse_html


@dataclass
class ProbeReport:
    listing_url: str
    listing_status: int | None = None
    listing: ListingPage | None = None
    decision_url: str | None = None
    decision_status: int | None = None
    chapters: list[int] = field(default_factory=list)
    header: dict[str, str] = field(default_factory=dict)
    record: ParsedDecision | None = None
    crawl_delay: float | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def recognised(self) -> bool:
        return not self.problems


def _header_fields(html: str) -> dict[str, str]:
    """The label lines of the page's header as the parser reads them (best effort)."""
    try:
        from ingest.parse.header import read_header
        from ingest.parse.text import html_to_lines

        fields: Any = read_header(html_to_lines(html)).fields
        return {str(k): str(v) for k, v in (fields or {}).items()}
    except Exception:  # the parser's internals may change; the record is what counts
        return {}


async def probe(
    client: PoliteClient, first: date, last: date, *, listing_params: str = ""
) -> ProbeReport:
    path = listing_path(first, last, 1, listing_params)
    report = ProbeReport(listing_url=f"{client.base_url.rstrip('/')}{path}")
    try:
        robots = await read_robots(client)
    except RobotsUnavailable as exc:
        report.problems.append(str(exc))
        return report
    report.crawl_delay = robots.crawl_delay
    if not robots.allows(path):
        report.problems.append(f"robots.txt disallows {path} for {client.user_agent}")
        return report
    try:
        response = await client.get(path)
    except FetchError as exc:
        report.problems.append(str(exc))
        return report
    report.listing_url, report.listing_status = str(response.url), response.status_code
    if response.status_code != 200:
        report.problems.append(f"the listing answered HTTP {response.status_code}")
        return report
    listing = parse_listing(response.text, str(response.url), origin_of(client.base_url))
    report.listing = listing
    if listing.count_sentence is None:
        report.problems.append("no count sentence (… has N results) on the listing page")
    if listing.blocked:
        report.problems.append("the listing page says access denied")
    if not listing.decisions:
        report.problems.append("no decision links on the listing page")
    for item in listing.decisions:
        if item.metadata.decided_on is None or item.metadata.kind is None:
            report.problems.append(
                f"the listing line of {item.url} yields no "
                + " and no ".join(
                    what
                    for what, value in (
                        ("date", item.metadata.decided_on),
                        ("kind", item.metadata.kind),
                    )
                    if value is None
                )
            )
    if not listing.decisions:
        return report
    first_item = listing.decisions[0]
    report.decision_url = first_item.url
    if not robots.allows(first_item.url):
        report.problems.append(f"robots.txt disallows {first_item.url}")
        return report
    try:
        page = await client.get(first_item.url)
    except FetchError as exc:
        report.problems.append(str(exc))
        return report
    report.decision_status = page.status_code
    if page.status_code != 200:
        report.problems.append(f"the decision page answered HTTP {page.status_code}")
        return report
    report.chapters = sorted(chapter_numbers(page.text, first_item.url) | {1})
    report.header = _header_fields(page.text)
    record = parse_html(page.text, url=first_item.url, metadata=first_item.metadata, source="lgsco")
    report.record = record
    if not record.reference:
        report.problems.append("the decision page yields no reference")
    return report
