"""The crawler against a local copy of the site over real sockets, into real services."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from app.search.client import MeiliClient
from app.search.index import ensure_index
from ingest.crawl import state
from ingest.crawl.client import PoliteClient
from ingest.crawl.run import CrawlBlocked, Crawler, CrawlSummary, default_range, month_windows
from ingest.load import NO_DECISION_TEXT, Loader
from tests.ingest.crawl.site import Page, Site, build_site, serve

MARCH, APRIL_END = date(2024, 3, 1), date(2024, 4, 30)


@pytest.fixture
async def loader(engine: Engine, meili: MeiliClient, index_name: str) -> Loader:
    await ensure_index(meili, index_name)
    return Loader(engine, meili, index_name)


async def crawl(
    base: str, engine: Engine, loader: Loader, max_pages: int | None = None
) -> CrawlSummary:
    client = PoliteClient(base, user_agent="Ombudsearch/test (+https://example.org)",
                          delay_s=0, backoff_s=0.01)  # fmt: skip
    async with client:
        return await Crawler(engine, loader, client, max_pages=max_pages).run(MARCH, APRIL_END)


def stored(engine: Engine) -> dict[str, dict[str, Any]]:
    with Session(engine) as session:
        rows = session.execute(
            text(
                "SELECT reference, category_slug, subcategory_slug, decided_on, outcome, source,"
                " source_url, remedy_total_pence FROM decision"
            )
        ).mappings()
        return {row["reference"]: dict(row) for row in rows}


def with_troubles(site: Site) -> dict[str, str]:
    """A page that is busy twice, one that is gone, one that is garbage: their paths."""
    busy, gone = site.pages[1], site.pages[2]
    busy.fail_first = 2
    gone.status = 404
    garbage = Page(date(2024, 3, 20), "/decisions/housing/homelessness/23-999-999",
                   "<html><body><p>\x00\x01 ???</p></body></html>")  # fmt: skip
    site.pages.append(garbage)
    return {"busy": busy.path, "gone": gone.path, "garbage": garbage.path}


async def test_full_crawl_stores_every_listed_decision_exactly(
    engine: Engine, loader: Loader, meili: MeiliClient, index_name: str
) -> None:
    site = build_site()
    trouble = with_troubles(site)
    with serve(site) as base:
        summary = await crawl(base, engine, loader)

    assert (summary.windows, summary.listing_pages) == (2, 3)  # March has two listing pages
    assert (summary.gone, summary.failed) == (1, 1)
    # The URL gives the reference; the page gives nothing else, so it cannot be stored.
    assert summary.failures == [(f"{base}{trouble['garbage']}", NO_DECISION_TEXT)]
    assert site.requests_for(trouble["busy"]) == 3  # 503, 503, 200
    assert all("Ombudsearch/test" in headers["User-Agent"] for _, _, headers in site.log)

    rows = stored(engine)
    expected = [p for p in site.pages if p.truth is not None and p.status == 200]
    assert len(rows) == len(expected) == 12
    for page in expected:
        assert page.truth is not None
        row = rows[page.truth.reference or ""]
        assert row["category_slug"] == page.truth.category_slug
        assert row["subcategory_slug"] == page.truth.subcategory_slug
        assert row["decided_on"] == page.truth.decided_on
        assert row["outcome"] == page.truth.outcome
        assert row["remedy_total_pence"] == page.truth.remedy_total_pence
        assert row["source"] == "lgsco"
        assert row["source_url"].endswith(page.path)
    found = await meili.request("POST", f"/indexes/{index_name}/search", {"q": "", "limit": 100})
    assert found["estimatedTotalHits"] == 12
    with Session(engine) as session:
        statuses = dict(session.execute(text("SELECT url, status FROM crawl_page")).all())
    assert statuses[next(u for u in statuses if u.endswith(trouble["gone"]))] == 404


async def test_second_run_fetches_nothing_new(engine: Engine, loader: Loader) -> None:
    site = build_site()
    with serve(site) as base:
        await crawl(base, engine, loader)
        first_log = len(site.log)
        again = await crawl(base, engine, loader)

    decision_hits = [(p, s) for p, s, _ in site.log[first_log:] if p.startswith("/decisions/")]
    assert {s for _, s in decision_hits} == {304}
    assert again.not_modified == 13
    assert (again.load.created, again.load.updated) == (0, 0)


async def test_interrupted_crawl_resumes_without_refetching_stored_pages(
    engine: Engine, loader: Loader
) -> None:
    site = build_site()
    with serve(site) as base:
        first = await crawl(base, engine, loader, max_pages=5)
        assert first.stopped_early
        assert len(stored(engine)) == 5
        second = await crawl(base, engine, loader)

    assert not second.stopped_early
    assert second.already_stored == 5
    assert len(stored(engine)) == 13
    for page in site.pages:
        assert site.requests_for(page.path, 200) == 1, page.path


async def test_a_blocked_listing_stops_the_crawl(engine: Engine, loader: Loader) -> None:
    site = build_site()
    site.blocked = True
    with serve(site) as base, pytest.raises(CrawlBlocked, match="no result count and no decision"):
        await crawl(base, engine, loader)
    assert stored(engine) == {}


async def test_nightly_range_starts_six_weeks_before_the_last_complete_window(
    engine: Engine, loader: Loader
) -> None:
    assert default_range(engine, date(2024, 6, 10)) == (date(2013, 4, 1), date(2024, 6, 10))
    with serve(build_site()) as base:
        await crawl(base, engine, loader)
    assert state.last_completed_day(engine) == APRIL_END
    assert default_range(engine, date(2024, 6, 10)) == (date(2024, 3, 19), date(2024, 6, 10))


def test_month_windows() -> None:
    assert list(month_windows(date(2023, 12, 15), date(2024, 2, 10))) == [
        (date(2023, 12, 15), date(2023, 12, 31)),
        (date(2024, 1, 1), date(2024, 1, 31)),
        (date(2024, 2, 1), date(2024, 2, 10)),
    ]
