"""robots.txt, read once per crawl with the polite client and obeyed (stdlib `urllib.robotparser`).

RFC 9309: a robots.txt that answers 404 (or another 4xx) allows everything; one that cannot be
read (5xx after the client's retries, a network failure) means nothing may be crawled. 401 and
403 are read as "disallow all", as `RobotFileParser.read` does. `Crawl-delay` for our user agent
(or `*`) raises the client's pause between requests, never lowers it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from urllib.robotparser import RobotFileParser

from ingest.crawl.client import FetchError, PoliteClient

log = logging.getLogger("ombudsearch.crawl")


class RobotsUnavailable(RuntimeError):
    """robots.txt could not be read: nothing may be crawled."""


@dataclass
class Robots:
    user_agent: str
    parser: RobotFileParser | None = None  # None: everything allowed
    disallow_all: bool = False
    crawl_delay: float | None = None
    refused: list[str] = field(default_factory=list)

    def allows(self, url: str) -> bool:
        if self.disallow_all:
            return False
        if self.parser is None:
            return True
        return self.parser.can_fetch(self.user_agent, url)

    @classmethod
    def from_text(cls, text: str, user_agent: str) -> Robots:
        parser = RobotFileParser()
        parser.parse(text.splitlines())
        delay = parser.crawl_delay(user_agent)
        return cls(user_agent, parser, crawl_delay=float(delay) if delay is not None else None)


async def read_robots(client: PoliteClient) -> Robots:
    """Fetch and parse /robots.txt; raise the client's delay to its Crawl-delay."""
    try:
        response = await client.get("/robots.txt")
    except FetchError as exc:
        raise RobotsUnavailable(f"robots.txt could not be read ({exc}): not crawling") from None
    if response.status_code in (401, 403):
        robots = Robots(client.user_agent, disallow_all=True)
    elif 400 <= response.status_code < 500:
        robots = Robots(client.user_agent)
    elif response.status_code != 200:
        raise RobotsUnavailable(f"robots.txt answered HTTP {response.status_code}: not crawling")
    else:
        robots = Robots.from_text(response.text, client.user_agent)
    if robots.crawl_delay is not None and robots.crawl_delay > client.delay_s:
        log.info(
            "robots.txt asks for a crawl delay of %.1fs (was %.1fs)",
            robots.crawl_delay,
            client.delay_s,
        )
        client.delay_s = robots.crawl_delay
    return robots
