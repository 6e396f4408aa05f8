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
from ingest.crawl.robots import read_robots
from ingest.crawl.run import (
    NO_PAGE_TEXT,
    CrawlBlocked,
    Crawler,
    CrawlSummary,
    default_range,
    month_windows,
)
from ingest.demo import generate
from ingest.load import Loader
from tests.ingest.crawl.site import (
    LINK_STYLES,
    Page,
    Site,
    build_site,
    chaptered,
    serve,
    suffixed,
    title_outside,
)

MARCH, APRIL_END = date(2024, 3, 1), date(2024, 4, 30)
IN_OVERLAP = date(2024, 5, 15)  # March and April 2024 lie within 120 days of this day
LATER = date(2025, 6, 1)  # … and long before this one
PARAMS = "aname=&dc=c+nu+u+&sortOrder=descending"
AGENT = "Ombudsearch/test (+https://example.org)"


@pytest.fixture
async def loader(engine: Engine, meili: MeiliClient, index_name: str) -> Loader:
    await ensure_index(meili, index_name)
    return Loader(engine, meili, index_name)


async def crawl(
    base: str,
    engine: Engine,
    loader: Loader,
    max_pages: int | None = None,
    *,
    refresh: bool = False,
    today: date = LATER,
    delay_s: float = 0,
) -> CrawlSummary:
    client = PoliteClient(base, user_agent=AGENT, delay_s=delay_s, backoff_s=0.01)
    async with client:
        crawler = Crawler(engine, loader, client, max_pages=max_pages, refresh=refresh,
                          today=today, listing_params=PARAMS)  # fmt: skip
        return await crawler.run(MARCH, APRIL_END)


def stored(engine: Engine) -> dict[str, dict[str, Any]]:
    with Session(engine) as session:
        rows = session.execute(
            text(
                "SELECT reference, category_slug, subcategory_slug, decided_on, outcome, source,"
                " source_url, remedy_total_pence, status, removed_on, indexed, kind, body,"
                " sections FROM decision"
            )
        ).mappings()
        return {row["reference"]: dict(row) for row in rows}


def windows(engine: Engine) -> dict[tuple[date, date], bool]:
    with Session(engine) as session:
        rows = session.execute(
            text("SELECT first_day, last_day, completed_at IS NOT NULL FROM crawl_window")
        ).all()
    return {(first, last): done for first, last, done in rows}


def with_troubles(site: Site) -> dict[str, str]:
    """A page that is busy twice, one that is gone, one that is garbage: their paths."""
    busy, gone = site.pages[1], site.pages[2]
    busy.fail_first = 2
    gone.status = 404
    garbage = Page(date(2024, 3, 20), "/decisions/housing/homelessness/23-999-999",
                   "<html><body><p>\x00\x01 ???</p></body></html>")  # fmt: skip
    site.pages.append(garbage)
    return {"busy": busy.path, "gone": gone.path, "garbage": garbage.path}


def vary_links(site: Site) -> None:
    for n, page in enumerate(site.pages):
        page.link_style = LINK_STYLES[n % len(LINK_STYLES)]
        page.show_name = n % 4 != 3


async def test_full_crawl_stores_every_listed_decision_exactly(
    engine: Engine, loader: Loader, meili: MeiliClient, index_name: str
) -> None:
    site = build_site()
    trouble = with_troubles(site)
    vary_links(site)
    with serve(site) as base:
        summary = await crawl(base, engine, loader)

    assert (summary.windows, summary.listing_pages) == (2, 3)  # March has two listing pages
    assert (summary.gone, summary.failed) == (1, 1)
    # The URL gives the reference; the page gives nothing else, so it is not stored.
    assert summary.failures == [(f"{base}{trouble['garbage']}", NO_PAGE_TEXT)]
    assert site.requests_for(trouble["busy"]) == 3  # 503, 503, 200
    assert all("Ombudsearch/test" in hit.headers["User-Agent"] for hit in site.log)
    listings = [h for h in site.log if h.path == "/Decisions/SearchResults"]
    assert all(h.query.endswith(f"&{PARAMS}") for h in listings)  # the site's form, as written

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
        # However it was linked (query, slash, other host), one canonical URL, fetched once.
        assert row["source_url"] == f"{base}{page.path}"
        assert (row["status"], row["removed_on"]) == ("published", None)
        if page.path != trouble["busy"]:
            assert site.requests_for(page.path) == 1, page.path
    found = await meili.request("POST", f"/indexes/{index_name}/search", {"q": "", "limit": 100})
    assert found["estimatedTotalHits"] == 12
    with Session(engine) as session:
        statuses = dict(session.execute(text("SELECT url, status FROM crawl_page")).all())
    assert set(statuses) == {f"{base}{p.path}" for p in site.pages}
    assert statuses[f"{base}{trouble['gone']}"] == 404
    assert windows(engine) == {
        (MARCH, date(2024, 3, 31)): True,
        (date(2024, 4, 1), APRIL_END): True,
    }


async def test_a_second_run_outside_the_overlap_reads_listing_pages_only(
    engine: Engine, loader: Loader
) -> None:
    site = build_site()
    for n, page in enumerate(site.pages):
        page.validators = ("etag", "last-modified", "both")[n % 3]
    with serve(site) as base:
        await crawl(base, engine, loader)
        first_log = len(site.log)
        again = await crawl(base, engine, loader)
        assert site.decision_requests(first_log) == []
        assert (again.pages_fetched, again.already_stored, again.listing_pages) == (0, 13, 3)

        refreshed_from = len(site.log)
        refreshed = await crawl(base, engine, loader, refresh=True)

    hits = site.decision_requests(refreshed_from)
    assert {h.status for h in hits} == {304}
    assert len(hits) == 13
    assert all("If-None-Match" in h.headers or "If-Modified-Since" in h.headers for h in hits)
    assert refreshed.not_modified == 13
    assert (refreshed.load.created, refreshed.load.updated) == (0, 0)


async def test_within_the_overlap_completed_windows_are_refetched_conditionally(
    engine: Engine, loader: Loader
) -> None:
    site = build_site()
    with serve(site) as base:
        await crawl(base, engine, loader, today=IN_OVERLAP)
        first_log = len(site.log)
        again = await crawl(base, engine, loader, today=IN_OVERLAP)

    assert {h.status for h in site.decision_requests(first_log)} == {304}
    assert again.not_modified == 13
    assert (again.load.created, again.load.updated) == (0, 0)


async def test_interrupted_crawl_resumes_without_refetching_stored_pages(
    engine: Engine, loader: Loader
) -> None:
    site = build_site()
    with serve(site) as base:
        first = await crawl(base, engine, loader, max_pages=5, today=IN_OVERLAP)
        assert first.stopped_early
        assert len(stored(engine)) == 5
        assert windows(engine) == {(MARCH, date(2024, 3, 31)): False}
        second = await crawl(base, engine, loader, today=IN_OVERLAP)

    assert not second.stopped_early
    assert second.already_stored == 5
    assert len(stored(engine)) == 13
    for page in site.pages:
        assert site.requests_for(page.path, 200) == 1, page.path


@pytest.mark.parametrize(
    ("mode", "message"),
    [("blocked", "says access denied"), ("forbidden", "answered HTTP 403")],
)
async def test_a_blocked_listing_stops_the_crawl(
    engine: Engine, loader: Loader, mode: str, message: str
) -> None:
    site = build_site()
    setattr(site, mode, True)
    with serve(site) as base, pytest.raises(CrawlBlocked, match=message) as raised:
        await crawl(base, engine, loader)
    assert "/Decisions/SearchResults?fd=2024-03-01&td=2024-03-31&page=1" in str(raised.value)
    assert stored(engine) == {}
    assert windows(engine) == {(MARCH, date(2024, 3, 31)): False}


async def test_fewer_links_than_the_count_leave_the_window_incomplete(
    engine: Engine, loader: Loader
) -> None:
    site = build_site()
    site.count_bonus = 1  # "has 13 results", twelve listed
    site.count_style = "archive"
    with serve(site) as base:
        summary = await crawl(base, engine, loader)
    assert summary.incomplete == [
        (MARCH, date(2024, 3, 31), "the listing says 13 results but 12 links were found"),
        (date(2024, 4, 1), APRIL_END, "the listing says 2 results but 1 links were found"),
    ]
    assert len(stored(engine)) == 13  # what was found is stored all the same
    assert not any(windows(engine).values())
    assert state.incomplete_windows(engine, date(2024, 5, 1)) == [
        (MARCH, date(2024, 3, 31)),
        (date(2024, 4, 1), APRIL_END),
    ]


def test_incomplete_windows_until_a_window_covering_them_completes(engine: Engine) -> None:
    november, end = date(2023, 11, 1), date(2023, 11, 30)
    state.incomplete_window(engine, november, date(2023, 11, 29), 40)
    state.incomplete_window(engine, date(2023, 12, 1), date(2023, 12, 31), 41)
    assert state.incomplete_windows(engine, date(2023, 12, 31)) == [(november, date(2023, 11, 29))]
    state.complete_window(engine, november, end, 40)
    assert state.incomplete_windows(engine, date(2024, 1, 1)) == [
        (date(2023, 12, 1), date(2023, 12, 31))
    ]


async def test_the_nightly_run_takes_up_earlier_incomplete_windows(
    engine: Engine, loader: Loader
) -> None:
    site = build_site()
    site.count_bonus = 1
    with serve(site) as base:
        await crawl(base, engine, loader)  # both windows incomplete
        site.count_bonus = 0
        again = state.incomplete_windows(engine, date(2024, 4, 1))
        assert again == [(MARCH, date(2024, 3, 31))]
        client = PoliteClient(base, user_agent=AGENT, delay_s=0)
        async with client:
            crawler = Crawler(engine, loader, client, today=LATER)
            summary = await crawler.run(date(2024, 4, 1), APRIL_END, also=again)
    assert (summary.windows, summary.incomplete) == (2, [])
    assert all(windows(engine).values())


async def test_robots_txt_is_obeyed(engine: Engine, loader: Loader) -> None:
    site = build_site()
    hidden = site.pages[4]
    site.robots = (
        "User-agent: SomeoneElse\nDisallow: /\n\n"
        f"User-agent: Ombudsearch\nDisallow: {hidden.path}\n"
    )
    with serve(site) as base:
        summary = await crawl(base, engine, loader)
    assert site.requests_for("/robots.txt") == 1
    assert site.requests_for(hidden.path) == 0
    assert summary.disallowed == 1
    assert len(stored(engine)) == 12
    assert all(windows(engine).values())


@pytest.mark.parametrize(("ours", "theirs", "kept"), [(0.0, "1", 1.0), (2.5, "1", 2.5)])
async def test_crawl_delay_raises_our_pause_never_lowers_it(
    ours: float, theirs: str, kept: float
) -> None:
    site = Site(robots=f"User-agent: *\nCrawl-delay: {theirs}\nDisallow: /private\n")
    with serve(site) as base:
        async with PoliteClient(base, user_agent=AGENT, delay_s=ours) as client:
            robots = await read_robots(client)
            assert client.delay_s == kept
    assert robots.crawl_delay == float(theirs)
    assert not robots.allows("/private/x")
    assert robots.allows("/decisions/a/b/12-345-678")


async def test_no_robots_txt_allows_everything() -> None:
    with serve(Site()) as base:
        async with PoliteClient(base, user_agent=AGENT, delay_s=0) as client:
            robots = await read_robots(client)
    assert robots.allows("/Decisions/SearchResults?fd=2024-03-01")
    assert robots.crawl_delay is None


async def test_a_disallowed_listing_stops_before_any_request(
    engine: Engine, loader: Loader
) -> None:
    site = build_site()
    site.robots = "User-agent: *\nDisallow: /Decisions/\n"
    with serve(site) as base, pytest.raises(CrawlBlocked, match=r"robots\.txt disallows"):
        await crawl(base, engine, loader)
    assert [h.path for h in site.log] == ["/robots.txt"]


async def test_a_report_in_chapters_is_one_record(engine: Engine, loader: Loader) -> None:
    demos = list(generate(40, seed=3))
    demo = next(d for d in demos if d.truth.remedy_total_pence and d.truth.payments)
    site = Site(pages=[chaptered(demo, date(2024, 3, 9), parts=3)])
    page = site.pages[0]
    with serve(site) as base:
        summary = await crawl(base, engine, loader)
    assert summary.chapters_fetched == 2
    chapter_hits = sorted(h.query for h in site.log if h.path == page.path)
    assert chapter_hits == ["", "chapter=2", "chapter=3"]
    rows = stored(engine)
    assert list(rows) == [demo.truth.reference]
    row = rows[demo.truth.reference or ""]
    assert row["source_url"] == f"{base}{page.path}"  # not a chapter's URL
    assert row["remedy_total_pence"] == demo.truth.remedy_total_pence  # from a later chapter
    assert "final_decision" in row["sections"]
    last_words = demo.truth.sections["final_decision"].splitlines()[-1]
    assert last_words in row["body"]


async def test_a_report_is_stored_as_a_report(engine: Engine, loader: Loader) -> None:
    demo = next(d for d in generate(40, seed=3) if d.truth.remedy_total_pence)
    site = Site(pages=[chaptered(demo, date(2024, 3, 9), parts=2)])
    with serve(site) as base:
        await crawl(base, engine, loader)
    assert stored(engine)[demo.truth.reference or ""]["kind"] == "report"


async def test_a_suffixed_reference_is_its_own_page(engine: Engine, loader: Loader) -> None:
    demo = next(iter(generate(1, seed=5)))
    site = Site(pages=[suffixed(demo, date(2024, 3, 3))])
    page = site.pages[0]
    assert page.path.endswith("b")
    with serve(site) as base:
        summary = await crawl(base, engine, loader)
        assert site.requests_for(page.path) == 1
    with Session(engine) as session:
        urls = list(session.execute(text("SELECT url FROM crawl_page")).scalars())
    assert urls == [f"{base}{page.path}"]
    assert summary.listing_pages == 2
    assert not summary.incomplete


async def test_a_suffixed_reference_is_stored_apart(engine: Engine, loader: Loader) -> None:
    demo = next(iter(generate(1, seed=5)))
    plain = build_site(1, seed=5).pages[0]
    site = Site(pages=[plain, suffixed(demo, date(2024, 3, 3))])
    with serve(site) as base:
        summary = await crawl(base, engine, loader)
    assert summary.failed == 0
    reference = demo.truth.reference or ""
    assert set(stored(engine)) == {reference, f"{reference}b"}


async def test_a_title_outside_the_article(engine: Engine, loader: Loader) -> None:
    demo = next(iter(generate(1, seed=7)))
    site = Site(pages=[title_outside(demo, date(2024, 3, 3))])
    with serve(site) as base:
        summary = await crawl(base, engine, loader)
    assert summary.failed == 0
    assert set(stored(engine)) == {demo.truth.reference}


async def test_vanished_pages_are_kept_as_removed(
    engine: Engine, loader: Loader, meili: MeiliClient, index_name: str
) -> None:
    """The crawl over the stand-in as the issue has it: a shell page leaves its window
    incomplete and the rerun completes it, storing everything once; pages that vanish become
    removed (kept); a later run, outside the overlap, fetches no decision page."""
    site = build_site(25, march=22)  # March: three listing pages
    vary_links(site)
    site.shells = {(MARCH, 3)}
    with serve(site) as base:
        with pytest.raises(CrawlBlocked, match=r"page=3.*no result count.*2024-03-01\.\.2024-03"):
            await crawl(base, engine, loader, today=IN_OVERLAP)
        assert windows(engine) == {(MARCH, date(2024, 3, 31)): False}
        assert site.decision_requests() == []
        assert stored(engine) == {}

        site.shells = set()
        second = await crawl(base, engine, loader, today=IN_OVERLAP)
        assert (second.windows, second.load.created, second.failed) == (2, 25, 0)
        assert all(windows(engine).values())
        for page in site.pages:
            assert site.requests_for(page.path, 200) == 1, page.path

        still_listed, delisted = site.pages[3], site.pages[10]
        still_listed.status, delisted.status, delisted.listed = 404, 410, False
        vanish_day = date(2024, 5, 20)
        third_from = len(site.log)
        third = await crawl(base, engine, loader, today=vanish_day)
        assert third.removed == 2
        assert third.failed == 0
        assert {h.status for h in site.decision_requests(third_from)} == {304, 404, 410}

        # Later still: gone for good, their first removal day kept; outside the overlap now.
        fourth_from = len(site.log)
        fourth = await crawl(base, engine, loader, today=LATER)
        assert site.decision_requests(fourth_from) == []
        assert fourth.listing_pages == 4
        assert fourth.pages_fetched == 0
        await crawl(base, engine, loader, refresh=True, today=LATER)

    rows = stored(engine)
    assert len(rows) == 25  # nothing deleted
    gone = {p.truth.reference for p in (still_listed, delisted) if p.truth}
    for reference, row in rows.items():
        if reference in gone:
            assert (row["status"], row["removed_on"]) == ("removed", vanish_day), reference
        else:
            assert (row["status"], row["removed_on"]) == ("published", None), reference
        assert row["indexed"], reference  # Meilisearch has the new status
    removed = await meili.request(
        "POST",
        f"/indexes/{index_name}/search",
        {"q": "", "filter": "status = removed", "limit": 10},
    )
    assert {hit["reference"] for hit in removed["hits"]} == gone


async def test_a_page_that_comes_back_is_published_again(engine: Engine, loader: Loader) -> None:
    site = build_site(3)
    with serve(site) as base:
        await crawl(base, engine, loader)
        site.pages[0].status = 404
        await crawl(base, engine, loader, refresh=True, today=date(2025, 1, 2))
        assert stored(engine)[site.pages[0].truth.reference or ""]["status"] == "removed"  # type: ignore[union-attr]
        site.pages[0].status = 200
        back = await crawl(base, engine, loader, refresh=True)
    assert back.republished == 1
    row = stored(engine)[site.pages[0].truth.reference or ""]  # type: ignore[union-attr]
    assert (row["status"], row["removed_on"], row["indexed"]) == ("published", None, True)


async def test_one_crawl_at_a_time(engine: Engine, loader: Loader) -> None:
    site = build_site(2)
    with serve(site) as base, state.crawl_lock(engine) as held:
        assert held
        with pytest.raises(CrawlBlocked, match="another crawl is running"):
            await crawl(base, engine, loader)
    assert site.log == []
    with serve(site) as base:
        assert (await crawl(base, engine, loader)).load.created == 2  # released


async def test_nightly_range_starts_the_overlap_before_the_last_complete_window(
    engine: Engine, loader: Loader
) -> None:
    assert default_range(engine, date(2024, 6, 10)) == (date(2013, 4, 1), date(2024, 6, 10))
    with serve(build_site()) as base:
        await crawl(base, engine, loader)
    assert state.last_completed_day(engine) == APRIL_END
    assert default_range(engine, date(2024, 6, 10)) == (date(2024, 1, 1), date(2024, 6, 10))
    assert default_range(engine, date(2024, 6, 10), 30) == (date(2024, 3, 31), date(2024, 6, 10))


def test_month_windows() -> None:
    assert list(month_windows(date(2023, 12, 15), date(2024, 2, 10))) == [
        (date(2023, 12, 15), date(2023, 12, 31)),
        (date(2024, 1, 1), date(2024, 1, 31)),
        (date(2024, 2, 1), date(2024, 2, 10)),
    ]
