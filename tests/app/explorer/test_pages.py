"""The explorer's pages on real PostgreSQL and Meilisearch: what they show and where they link.

The decisions are the hand-written ones of tests/app/api/bodies.py (every figure known; the
table is in test_councils.py) plus three synthetic demo decisions. The pages call the API's own
handlers, so the tests check both that a page shows the figure the API gives for the same query
string and, for a few, the figure itself.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from app.config import Settings
from app.security import PAGE_CSP
from app.stack import Services
from ingest.demo import write_jsonl
from ingest.documents import iter_raw_documents
from tests.app.api.bodies import DECISIONS, STATS_EXTRA, raw_documents
from tests.app.search_corpus import LoadedCorpus, loaded_corpus, without_search_engine
from tests.conftest import scratch_database

DEMO = 3
TOTAL = len(DECISIONS) + len(STATS_EXTRA) + DEMO
WEXMOOR = "wexmoor-district-council"


@pytest.fixture(scope="module")
async def loaded(
    settings: Settings,
    services: Services,
    template_database: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[LoadedCorpus]:
    """One database and index for the module: the pages only read."""
    folder = tmp_path_factory.mktemp("demo")
    write_jsonl(folder / "demo.jsonl", DEMO, seed=7)
    name = f"test_{uuid.uuid4().hex[:12]}"
    base = [*raw_documents(DECISIONS + STATS_EXTRA), *iter_raw_documents(folder)]
    with scratch_database(services, name, template_database) as url:
        async for corpus in loaded_corpus(settings, services, url, name, base=base):
            yield corpus


@pytest.fixture(scope="module")
def site(loaded: LoadedCorpus) -> httpx.AsyncClient:
    return loaded.client


@pytest.fixture(scope="module")
async def without_meili(
    loaded: LoadedCorpus, settings: Settings, services: Services
) -> AsyncIterator[httpx.AsyncClient]:
    """The app on the same database, its Meilisearch a port nobody listens on."""
    async with without_search_engine(loaded, settings, services) as client:
        yield client


async def page(client: httpx.AsyncClient, url: str, status: int = 200) -> HTMLParser:
    response = await client.get(url)
    assert response.status_code == status, response.text[:2000]
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return HTMLParser(response.text)


def text(tree: HTMLParser | Node, selector: str) -> str:
    node = tree.css_first(selector)
    assert node is not None, f"no {selector}"
    return " ".join(node.text(separator=" ").split())


def value(tree: HTMLParser, selector: str) -> str | None:
    node = tree.css_first(selector)
    assert node is not None, f"no {selector}"
    return node.attributes.get("value")


def hrefs(nodes: list[Node]) -> list[str]:
    return [str(node.attributes["href"]) for node in nodes]


def query_of(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query)


# --- the search page ----------------------------------------------------------------------


async def test_front_page_lists_everything_newest_first(site: httpx.AsyncClient) -> None:
    response = await site.get("/")
    assert response.headers["content-security-policy"] == PAGE_CSP
    tree = HTMLParser(response.text)
    assert text(tree, "h1") == "Search ombudsman decisions"
    assert text(tree, ".total").startswith(f"{TOTAL} decisions")
    api = (await site.get("/v1/decisions", params={"per_page": 20})).json()
    shown = [text(hit, ".reference") for hit in tree.css("ol.hits li.hit")]
    assert shown == [item["reference"] for item in api["data"]]


QUERIES = [
    "council=wexmoor-district-council&outcome=upheld",
    "q=complained&category=housing",
    "remedy_min=500&remedy_max=2000&sort=-remedy_total",
    "decided_from=2024-01-01&decided_to=2024-12-31&per_page=2&page=2",
    "council=wexmoor-district-council&council=hartsby-borough-council&remedy_type=financial_payment",
    "outcome=not_upheld&outcome=upheld&source=file",
]


@pytest.mark.parametrize("query", QUERIES)
async def test_page_shows_what_the_api_gives_for_the_same_query(
    site: httpx.AsyncClient, query: str
) -> None:
    tree = await page(site, f"/?{query}")
    api = (await site.get(f"/v1/decisions?{query}&facets=council,outcome")).json()
    total = api["meta"]["total"]
    assert text(tree, ".total").startswith(f"{total} decision")
    shown = [text(hit, ".reference") for hit in tree.css("ol.hits li.hit")]
    assert shown == [item["reference"] for item in api["data"]]
    # The downloads are this query string sent to the API (less paging for export and feed).
    links = {node.text(): str(node.attributes["href"]) for node in tree.css("p.query-downloads a")}
    pairs = query_of(f"/?{query}")
    unpaged = [(k, v) for k, v in pairs if k not in ("page", "per_page")]
    assert links["JSON"] == f"/v1/decisions?{query}"
    assert query_of(links["CSV"]) == unpaged
    assert urlsplit(links["CSV"]).path == "/v1/decisions/export"
    assert query_of(links["NDJSON"]) == [*unpaged, ("format", "ndjson")]
    assert query_of(links["Atom feed"]) == [(k, v) for k, v in unpaged if k != "sort"]
    for url in links.values():  # and each of them answers
        assert (await site.get(url)).status_code == 200, url
    # Facet links are the API's, on this page.
    api_outcomes = [
        [pair for pair in query_of(value["url"]) if pair[0] != "facets"]
        for value in api["facets"]["outcome"]
    ]
    page_outcomes = hrefs(tree.css('a.facet-value[data-facet="outcome"]'))
    assert all(url.startswith("/?") for url in page_outcomes)
    assert [query_of(url) for url in page_outcomes] == api_outcomes


async def test_a_facet_link_applies_its_value_and_keeps_the_query(site: httpx.AsyncClient) -> None:
    tree = await page(site, "/?q=complained&category=housing")
    upheld = [
        str(node.attributes["href"])
        for node in tree.css('a.facet-value[data-facet="outcome"]')
        if node.text() == "Upheld"
    ]
    assert len(upheld) == 1
    assert query_of(upheld[0]) == [
        ("q", "complained"),
        ("category", "housing"),
        ("outcome", "upheld"),
    ]
    applied = await page(site, upheld[0])
    # Housing decisions upheld: Wexmoor 23 000 001 only (Hartsby's housing one was not upheld).
    assert text(applied, ".total").startswith("1 decision")
    chips = [" ".join(li.text().split()) for li in applied.css("ul.active li")]
    assert chips[:3] == ["Words: complained ×", "Category: Housing ×", "Outcome: Upheld ×"]


async def test_applied_filters_each_have_a_link_removing_only_them(
    site: httpx.AsyncClient,
) -> None:
    tree = await page(site, f"/?council={WEXMOOR}&outcome=upheld&page=1")
    removes = hrefs(tree.css("ul.active li a"))
    assert removes == ["/?outcome=upheld", f"/?council={WEXMOOR}", "/"]


async def test_highlights_are_marked_and_escaped(site: httpx.AsyncClient) -> None:
    response = await site.get("/", params={"q": "complained"})
    assert "<mark>complained</mark>" in response.text
    tree = HTMLParser(response.text)
    assert tree.css_first("ol.hits li.hit mark") is not None
    assert "&lt;mark&gt;" not in response.text


async def test_blank_form_fields_redirect_to_the_clean_url(site: httpx.AsyncClient) -> None:
    response = await site.get("/?q=&council=&outcome=upheld&remedy_min=+&sort=")
    assert response.status_code == 303
    assert response.headers["location"] == "/?outcome=upheld"


async def test_paging_links(site: httpx.AsyncClient) -> None:
    tree = await page(site, "/?per_page=5")
    assert text(tree, ".total") == f"{TOTAL} decisions, page 1 of 3"
    assert hrefs(tree.css('nav.pager a[rel="next"]')) == ["/?per_page=5&page=2"]
    last = await page(site, "/?per_page=5&page=3")
    assert hrefs(last.css('nav.pager a[rel="prev"]')) == ["/?per_page=5&page=2"]
    assert last.css('nav.pager a[rel="next"]') == []


async def test_sort_links_keep_the_query_and_start_at_page_one(site: httpx.AsyncClient) -> None:
    tree = await page(site, "/?outcome=upheld&page=2&per_page=2")
    orders = {node.text(): str(node.attributes["href"]) for node in tree.css("p.sorts a")}
    assert orders["Largest remedy"] == "/?outcome=upheld&per_page=2&sort=-remedy_total"
    assert "Best match" not in orders  # without words there is no relevance
    assert text(tree, "p.sorts strong") == "Newest"


async def test_the_form_shows_the_query_it_came_from(site: httpx.AsyncClient) -> None:
    url = f"/?q=complained&council={WEXMOOR}&council=hartsby-borough-council&subcategory=charging"
    tree = await page(site, url)
    assert value(tree, "input#q") == "complained"
    assert value(tree, "input#council") == WEXMOOR
    hidden = [(n.attributes["name"], n.attributes["value"]) for n in tree.css("input[type=hidden]")]
    # Fields the form has no visible input for ride along, so submitting keeps the query.
    assert hidden == [("council", "hartsby-borough-council"), ("subcategory", "charging")]


async def test_figures_are_those_of_v1_stats(site: httpx.AsyncClient) -> None:
    tree = await page(site, f"/?council={WEXMOOR}")
    stats = (await site.get(f"/v1/stats?council={WEXMOOR}&group_by=year&sort=key")).json()
    rows = [
        [" ".join(cell.text().split()) for cell in row.css("th, td")]
        for row in tree.css("section.figures details.numbers")[0].css("tbody tr")
    ]
    assert [row[0] for row in rows] == [str(r["key"]) for r in stats["data"]]
    assert [row[1] for row in rows] == [str(r["count"]) for r in stats["data"]]
    # Wexmoor: 2024 has 23 000 001 (£1,550.50), 23 000 003 (£500) and 23 000 006 (£2,100).
    assert rows[-1] == ["2024", "3", "3", "100% (44–100%)", "£4,150.50", "3"]
    table = tree.css("section.figures details.numbers")[0]
    # Three decisions are far below MIN_RATE_N: the rate is greyed, and the page says why.
    assert table.css("tbody tr")[-1].css("td")[2].attributes["class"] == "num unreliable"
    assert "fewer than 30 decisions" in text(table, ".rate-note")
    csv_link = table.css_first("p.downloads a")
    assert csv_link is not None
    assert csv_link.attributes["href"] == (
        f"/v1/stats?council={WEXMOOR}&group_by=year&sort=key&format=csv"
    )
    assert (await site.get(csv_link.attributes["href"] or "")).status_code == 200
    charts = tree.css("section.figures svg.chart[role=img]")
    assert len(charts) == 3
    assert [text(chart, "title") for chart in charts] == [
        "Decisions per year",
        "Remedy totals per year",
        "Uphold rate of the council with most decisions",
    ]


async def test_uphold_rates_of_top_councils_against_all_matching(site: httpx.AsyncClient) -> None:
    tree = await page(site, "/?source=file")
    table = tree.css("section.figures details.numbers")[1]
    rows = [
        [" ".join(c.text().split()) for c in row.css("th, td")] for row in table.css("tbody tr")
    ]
    assert rows[0][:4] == ["Wexmoor District Council", "6", "3", "60% (23–88%)"]
    csv_link = table.css_first("p.downloads a")
    assert csv_link is not None
    assert csv_link.attributes["href"] == (
        "/v1/stats?source=file&group_by=council&sort=-count&format=csv"
    )
    # All 12 file decisions: 6 upheld of 10 with an outcome (Wexmoor's 23 000 005 and Ashcombe
    # have none) → 60%.
    assert rows[-1] == ["All matching decisions", "12", "", "60%", ""]


async def test_search_page_errors_are_pages(site: httpx.AsyncClient) -> None:
    bad = await page(site, "/?remedy_min=lots", status=422)
    assert "remedy_min" in text(bad, ".detail")
    assert text(bad, "h1") == "Invalid parameters"
    unknown = await page(site, "/?counci=kent", status=400)
    assert "did you mean 'council'" in text(unknown, ".detail")
    # The API keeps answering problem+json for the same mistakes.
    api = await site.get("/v1/decisions?remedy_min=lots")
    assert api.status_code == 422
    assert api.headers["content-type"] == "application/problem+json"


async def test_unknown_address_is_a_404_page_for_a_browser(site: httpx.AsyncClient) -> None:
    browser = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    response = await site.get("/no-such-page", headers=browser)
    assert response.status_code == 404
    assert response.headers["content-security-policy"] == PAGE_CSP
    tree = HTMLParser(response.text)
    assert text(tree, ".status") == "Error 404"
    assert hrefs(tree.css("section.problem a"))[-1] == "/"
    # A client of the API gets the problem as JSON, at any address but the explorer's pages.
    for url, accept in [("/no-such-page", "*/*"), ("/v1/nothing", browser["accept"])]:
        api = await site.get(url, headers={"accept": accept})
        assert api.status_code == 404
        assert api.headers["content-type"] == "application/problem+json"


# --- a decision ---------------------------------------------------------------------------


async def test_decision_page_shows_the_record(site: httpx.AsyncClient) -> None:
    tree = await page(site, "/decisions/23-000-001")
    assert text(tree, "h1") == "Wexmoor District Council 23 000 001"
    facts = {text(div, "dt"): text(div, "dd") for div in tree.css("dl.facts > div")}
    assert facts["Decided"] == "12 March 2024"
    assert facts["Outcome"].startswith("Upheld")
    assert facts["Category"] == "Housing › Homelessness"
    assert facts["Remedy total"] == "£1,550.50"
    rows = [
        [" ".join(c.text().split()) for c in r.css("td")]
        for r in tree.css("table.payments tbody tr")
    ]
    assert [row[2] for row in rows] == ["£250", "£1,000.50", "£300", "£150", "£400"]
    footer = [" ".join(r.text(separator=" ").split()) for r in tree.css("table.payments tfoot tr")]
    assert footer[0].startswith("Total asked for £1,550.50")
    assert footer[1].startswith("Waived £400")
    assert tree.css(".synthetic-notice") == []
    sections = [h.text() for h in tree.css("section.full-text h3")]
    assert sections == ["The complaint", "Agreed action", "Final decision"]
    assert hrefs(tree.css('p.links a[type="application/json"]')) == ["/v1/decisions/23-000-001"]


async def test_other_spellings_of_a_reference_redirect(site: httpx.AsyncClient) -> None:
    for spelling in ("23000001", "23%20000%20001"):
        response = await site.get(f"/decisions/{spelling}")
        assert response.status_code == 308
        assert response.headers["location"] == "/decisions/23-000-001"


async def test_unknown_reference_is_a_404_page(site: httpx.AsyncClient) -> None:
    tree = await page(site, "/decisions/99-999-999", status=404)
    assert "99 999 999" in text(tree, ".detail")
    not_a_reference = await page(site, "/decisions/kent", status=404)
    assert "not a reference" in text(not_a_reference, ".detail")


async def test_synthetic_records_say_so_and_do_not_link_to_the_lgsco(
    site: httpx.AsyncClient,
) -> None:
    found = (await site.get("/v1/decisions?source=synthetic")).json()["data"]
    assert len(found) == DEMO
    tree = await page(site, found[0]["url"].removeprefix("/v1"))
    assert "Fictional demo record" in text(tree, ".synthetic-notice")
    assert tree.css("a.lgsco") == []
    council = await page(site, f"/councils/{found[0]['council']['slug']}")
    assert "Fictional demo council" in text(council, ".synthetic-notice")
    real = await page(site, f"/councils/{WEXMOOR}")
    assert real.css(".synthetic-notice") == []
    listing = await page(site, "/?source=synthetic")
    assert len(listing.css("ol.hits .synthetic")) == DEMO


# --- a council ----------------------------------------------------------------------------


async def test_council_page_shows_the_profile(site: httpx.AsyncClient) -> None:
    tree = await page(site, f"/councils/{WEXMOOR}")
    assert text(tree, "h1") == "Wexmoor District Council"
    facts = {text(d, "dt"): text(d, "dd") for d in tree.css("dl.facts > div")}
    assert facts["Decisions"] == "6"
    assert facts["Upheld"] == "3 (60% (23–88%))"
    assert "within the uncertainty of its rate" in text(tree, "p.comparison-summary")
    comparison = (await site.get(f"/v1/councils/{WEXMOOR}")).json()["data"]["comparison"]
    rate, peers = comparison["peer_upheld_rate"], comparison["peers"]
    assert facts["Average council"] == f"{rate:.0%} upheld, over {peers} bodies"
    assert facts["Remedy total"] == "£4,150.50"
    assert hrefs(tree.css("p.links a"))[0] == f"/?council={WEXMOOR}"
    compare = tree.css_first("section svg.chart")
    assert compare is not None
    assert text(compare, "title") == (
        "Uphold rate of Wexmoor District Council against the average council"
    )
    recent = [text(hit, "h3") for hit in tree.css("ol.hits li.hit")]
    assert recent[0] == "23 000 006"


async def test_unknown_council_suggests_close_slugs(site: httpx.AsyncClient) -> None:
    tree = await page(site, "/councils/wexmor-district-council", status=404)
    assert hrefs(tree.css("section.problem p a"))[0] == f"/councils/{WEXMOOR}"


# --- assets -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/static/explorer.css", "text/css"),
        ("/static/typeahead.js", "text/javascript"),
        ("/static/favicon.svg", "image/svg+xml"),
    ],
)
async def test_assets_are_served_by_the_app(site: httpx.AsyncClient, path: str, kind: str) -> None:
    response = await site.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == kind


async def test_pages_load_nothing_from_elsewhere(site: httpx.AsyncClient) -> None:
    for url in ("/", "/decisions/23-000-001", f"/councils/{WEXMOOR}"):
        tree = await page(site, url)
        sources = [
            n.attributes.get("src") or n.attributes.get("href") for n in tree.css("script, link")
        ]
        assert sources
        assert all(str(s).startswith("/static/") for s in sources), sources
        assert tree.css("[style]") == []  # the CSP allows no inline style
        assert tree.css("script:not([src])") == []  # nor inline script


# --- degraded -----------------------------------------------------------------------------


async def test_without_the_search_engine_the_pages_answer_from_the_database(
    site: httpx.AsyncClient, without_meili: httpx.AsyncClient
) -> None:
    query = f"/?council={WEXMOOR}&sort=-remedy_total"
    live, degraded = await page(site, query), await page(without_meili, query)
    assert text(degraded, ".total") == text(live, ".total")
    references = [text(hit, ".reference") for hit in degraded.css("ol.hits li.hit")]
    assert references == [text(hit, ".reference") for hit in live.css("ol.hits li.hit")]
    assert "Search engine unavailable" in text(degraded, ".warning")
    for url in ("/decisions/23-000-001", f"/councils/{WEXMOOR}"):
        await page(without_meili, url)
    words = await without_meili.get("/?q=complained")
    assert words.status_code == 503
    assert words.headers["retry-after"] == "5"
    assert "Full-text search is unavailable" in text(HTMLParser(words.text), ".detail")


# --- the form and odd queries -------------------------------------------------------------


async def test_the_form_keeps_a_category_or_council_given_by_name(site: httpx.AsyncClient) -> None:
    tree = await page(site, "/?category=Housing&council=Wexmoor+District+Council")
    selected = tree.css_first("select#category option[selected]")
    assert selected is not None
    assert selected.attributes["value"] == "housing"
    assert value(tree, "input#council") == "Wexmoor District Council"
    chips = [" ".join(li.text().split()) for li in tree.css("ul.active li")]
    assert chips[:2] == ["Category: Housing ×", "Council: Wexmoor District Council ×"]


async def test_a_repeated_scalar_shows_the_value_used(site: httpx.AsyncClient) -> None:
    """FastAPI takes the last of a repeated scalar; the form shows that one, not the first."""
    tree = await page(
        site, "/?q=nothing-matches-this&q=complained&sort=decided_on&sort=-decided_on"
    )
    assert value(tree, "input#q") == "complained"
    selected = tree.css_first("select#sort option[selected]")
    assert selected is not None
    assert selected.attributes["value"] == "-decided_on"
    assert not [v for v in tree.css("input[type=hidden]") if v.attributes["name"] in ("q", "sort")]


async def test_an_api_query_string_with_facets_opens_as_a_page(site: httpx.AsyncClient) -> None:
    tree = await page(site, "/?outcome=upheld&facets=council")
    api = (await site.get("/v1/decisions?outcome=upheld")).json()
    assert text(tree, ".total").startswith(f"{api['meta']['total']} decisions")


async def test_a_page_past_the_last_links_back_to_the_first(site: httpx.AsyncClient) -> None:
    tree = await page(site, "/?outcome=upheld&page=99")
    assert "past the last page" in text(tree, "p.empty")
    assert hrefs(tree.css("p.empty a")) == ["/?outcome=upheld"]


async def test_the_same_page_is_the_same_bytes_so_caches_revalidate(
    site: httpx.AsyncClient,
) -> None:
    first = await site.get(f"/councils/{WEXMOOR}")
    again = await site.get(f"/councils/{WEXMOOR}")
    assert first.content == again.content
    etag = first.headers["etag"]
    revalidated = await site.get(f"/councils/{WEXMOOR}", headers={"if-none-match": etag})
    assert revalidated.status_code == 304
