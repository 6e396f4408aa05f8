"""/v1/decisions/feed.atom read by a real feed parser (feedparser), on the loaded search corpus.

A feed that a reader rejects, or whose entries lead nowhere, is no use to a reporter following a
council: so the document must parse as Atom without complaint (`bozo` false), and each entry must
link to the decision in the API and to its LGSCO page when the source is known.
"""

from __future__ import annotations

import time
from typing import Any

import feedparser
import httpx
import pytest
from sqlalchemy import select

from app.api.feed import ATOM, FEED_SIZE
from app.search.filters import DECISIONS
from tests.app.search_corpus import TRICKY, TRICKY_COUNCIL, LoadedCorpus


@pytest.fixture(scope="module")
def corpus(tricky: LoadedCorpus) -> LoadedCorpus:
    return tricky


async def _feed(corpus: LoadedCorpus, **params: Any) -> tuple[httpx.Response, Any]:
    response = await corpus.client.get("/v1/decisions/feed.atom", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == ATOM
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return response, parsed


def _links(entry: Any) -> dict[str, str]:
    return {link["rel"]: link["href"] for link in entry.links}


def _source_urls(corpus: LoadedCorpus) -> dict[str, str | None]:
    with corpus.engine.connect() as connection:
        rows = connection.execute(select(DECISIONS.c.reference, DECISIONS.c.source_url))
        return dict(rows.all())


async def test_feed_parses_and_links_to_the_api_and_the_source(corpus: LoadedCorpus) -> None:
    response, parsed = await _feed(corpus)
    assert response.headers.get("etag")
    assert parsed.feed.title == "Ombudsearch: decisions"
    assert parsed.feed.id == "http://testserver/v1/decisions/feed.atom"
    assert len(parsed.entries) == FEED_SIZE
    sources = _source_urls(corpus)
    with_source = 0
    for entry in parsed.entries:
        council, reference, _outcome = entry.title.split(" — ")
        api_url = "http://testserver/v1/decisions/" + reference.replace(" ", "-")
        assert entry.id == api_url
        links = _links(entry)
        assert links["alternate"] == api_url
        assert links.get("related") == sources[reference]
        with_source += bool(sources[reference])
        assert entry.updated_parsed is not None
        record = (await corpus.client.get(api_url)).json()["data"]
        assert council == record["council"]["name"]
        assert entry.summary == record["summary"]
        assert {tag.label for tag in entry.tags} == {record["category"], record["subcategory"]}
        assert time.strftime("%Y-%m-%d", entry.published_parsed) == record["decided_on"]
    assert with_source > 0, "the synthetic decisions have LGSCO pages"


async def test_entries_are_the_newest_matches(corpus: LoadedCorpus) -> None:
    _, parsed = await _feed(corpus)
    days = [time.strftime("%Y-%m-%d", e.published_parsed) for e in parsed.entries]
    assert days == sorted(days, reverse=True)
    search = await corpus.client.get(
        "/v1/decisions", params={"sort": "-decided_on", "per_page": FEED_SIZE + 1}
    )
    newest = [item["decided_on"] for item in search.json()["data"]]
    assert days[-1] >= newest[FEED_SIZE]  # nothing older than the 51st newest made it in
    assert days[0] == newest[0]


@pytest.mark.parametrize(
    ("params", "title"),
    [
        (
            {"council": "quillmoor-county-council", "outcome": "upheld"},
            "Ombudsearch: upheld decisions about Quillmoor County Council",
        ),
        (
            {"q": "bin collections", "council": "Ashvale Borough Council"},
            "Ombudsearch: decisions about Ashvale Borough Council matching “bin collections”",
        ),
        (
            {"outcome": ["not_upheld", "upheld"], "category": "education", "remedy_min": "1000"},
            "Ombudsearch: not upheld or upheld decisions in Education with remedies of at least "
            "£1,000",
        ),
        ({"council": TRICKY_COUNCIL}, f"Ombudsearch: decisions about {TRICKY_COUNCIL}"),
    ],
)
async def test_filtered_feed_has_the_search_matches(
    corpus: LoadedCorpus, params: dict[str, Any], title: str
) -> None:
    _, parsed = await _feed(corpus, **params)
    assert parsed.feed.title == title
    search = await corpus.client.get("/v1/decisions", params={**params, "per_page": 100})
    found = {item["reference"] for item in search.json()["data"]}
    references = [entry.title.split(" — ")[1] for entry in parsed.entries]
    assert len(references) == min(FEED_SIZE, search.json()["meta"]["total"]) > 0
    assert set(references) <= found


async def test_tricky_text_survives_the_xml(corpus: LoadedCorpus) -> None:
    _, parsed = await _feed(corpus, council=TRICKY_COUNCIL)
    summaries = {entry.title.split(" — ")[1]: entry.summary for entry in parsed.entries}
    assert summaries["91 000 002"] == TRICKY["91 000 002"]
    assert summaries["91 000 001"].replace("\r\n", "\n") == TRICKY["91 000 001"].replace(
        "\r\n", "\n"
    )


async def test_a_feed_with_no_match_is_an_empty_valid_feed(corpus: LoadedCorpus) -> None:
    _, parsed = await _feed(corpus, q="nothing-matches-this-zzzqqq")
    assert parsed.entries == []


async def test_bad_parameters_are_problems(corpus: LoadedCorpus) -> None:
    for params, status in (({"outcome": "maybe"}, 422), ({"format": "rss"}, 400)):
        response = await corpus.client.get("/v1/decisions/feed.atom", params=params)
        assert response.status_code == status, response.text
        assert response.headers["content-type"] == "application/problem+json"
