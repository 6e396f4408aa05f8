"""Reading the listing pages: result count, decision links, listing metadata; URLs; chapters;
robots.txt."""

from __future__ import annotations

from datetime import date

import pytest

from ingest.crawl.chapters import chapter_numbers, join_chapters
from ingest.crawl.listing import (
    canonical_url,
    listing_metadata,
    listing_path,
    parse_listing,
    split_outcome,
)
from ingest.crawl.robots import Robots
from ingest.parse.model import ListingMetadata
from ingest.parse.text import html_to_lines

PAGE = """<html><body>
<nav><a href="/decisions">All decisions</a> <a href="/decisions/housing">Housing</a></nav>
<p>Your search has 1,234 results</p>
<div class="results">
  <div class="result">
    <h3><a href="/decisions/housing/homelessness/24-005-444">Wexmoor (24 005 444)</a></h3>
    <p>Decision date: 07 May 2024</p><p>Outcome: Upheld: maladministration and injustice</p>
  </div>
  <div class="result">
    <h3><a href="../decisions/education/special-educational-needs/23-019-101/">Ashvale</a></h3>
    <p>12 February 2024</p>
  </div>
  <div class="result"><a href="/decisions/housing/homelessness/24-005-444#top">again</a></div>
</div>
<a href="?page=2">Next</a>
</body></html>"""

# The real site's result list (as public copies of it show), link spellings varied on purpose.
REAL = """<html><body><nav><a href="/decisions">Decisions</a></nav>
<p>Archive has 4 results</p>
<ul class="results">
 <li><h3><a href="/decisions/environment-and-regulation/noise/24-017-050?displaypref=0">
   Wexmoor Borough Council (24 017 050)</a></h3>
   <p>Statement Closed after initial enquiries Noise 22-Apr-2025</p>
   <p>Summary: We will not investigate Mr X's complaint about noise from a neighbour.</p></li>
 <li><h3><a href="http://lgo.org.uk/decisions/environment-and-regulation/drainage/16-004-911/">
   (16 004 911)</a></h3>
   <p>Report Upheld Drainage 20-Dec-2016</p><p>Summary: The Council failed to act.</p></li>
 <li><h3><a href="HTTPS://WWW.LGO.ORG.UK/decisions/health/other/17-002-402B">
   Ashvale County Council (17 002 402b)</a></h3>
   <p>Statement Upheld: maladministration and injustice Child protection 07-May-2019</p>
   <p>Summary: Mrs Y complained about the child protection process.</p></li>
 <li><h3><a href="https://www.lgo.org.uk/decisions/benefits-and-tax/council-tax/23-011-222">
   23 011 222</a></h3>
   <p>Statement Not upheld: no maladministration Council tax 03-Jan-2024</p>
   <p>Summary: There was no fault in how the Council billed Mr Z.</p></li>
</ul></body></html>"""


def test_count_links_and_metadata() -> None:
    page = parse_listing(PAGE, "https://www.lgo.org.uk/Decisions/SearchResults?fd=2024-01-01")
    assert page.total == 1234
    assert page.count_sentence == "Your search has 1,234 results"
    assert [d.url for d in page.decisions] == [
        "https://www.lgo.org.uk/decisions/housing/homelessness/24-005-444",
        "https://www.lgo.org.uk/decisions/education/special-educational-needs/23-019-101",
    ]
    first, second = page.decisions
    assert first.metadata.decided_on == date(2024, 5, 7)
    assert first.metadata.outcome_text == "Upheld: maladministration and injustice"
    assert first.metadata.body_name == "Wexmoor"
    assert second.metadata.decided_on == date(2024, 2, 12)
    assert second.metadata.outcome_text is None


def test_real_listing_lines() -> None:
    page = parse_listing(REAL, "https://www.lgo.org.uk/Decisions/SearchResults?fd=2016-01-01")
    assert (page.total, page.count_sentence) == (4, "Archive has 4 results")
    base = "https://www.lgo.org.uk/decisions"
    assert {d.url: d.metadata for d in page.decisions} == {
        f"{base}/environment-and-regulation/noise/24-017-050": ListingMetadata(
            kind="statement",
            outcome_text="Closed after initial enquiries",
            subcategory="Noise",
            decided_on=date(2025, 4, 22),
            body_name="Wexmoor Borough Council",
            summary="We will not investigate Mr X's complaint about noise from a neighbour.",
        ),
        f"{base}/environment-and-regulation/drainage/16-004-911": ListingMetadata(
            kind="report",
            outcome_text="Upheld",
            subcategory="Drainage",
            decided_on=date(2016, 12, 20),
            body_name=None,
            summary="The Council failed to act.",
        ),
        f"{base}/health/other/17-002-402b": ListingMetadata(
            kind="statement",
            outcome_text="Upheld: maladministration and injustice",
            subcategory="Child protection",
            decided_on=date(2019, 5, 7),
            body_name="Ashvale County Council",
            summary="Mrs Y complained about the child protection process.",
        ),
        f"{base}/benefits-and-tax/council-tax/23-011-222": ListingMetadata(
            kind="statement",
            outcome_text="Not upheld: no maladministration",
            subcategory="Council tax",
            decided_on=date(2024, 1, 3),
            body_name=None,
            summary="There was no fault in how the Council billed Mr Z.",
        ),
    }


def test_a_single_result_is_read_from_its_list_item() -> None:
    page = parse_listing(
        "<html><body><nav><a href='/annual-report'>Annual Report 2024</a></nav><main>"
        "<p>Your search has 1 result</p><div><ul><li>"
        "<a href='/decisions/housing/homelessness/24-005-444'>Wexmoor (24 005 444)</a>"
        "<p>Statement Upheld Homelessness 07-May-2024</p><p>Summary: Mr X was left waiting.</p>"
        "</li></ul></div><a href='?page=2'>Next</a></main></body></html>",
        "https://www.lgo.org.uk/Decisions/SearchResults",
    )
    assert (page.total, page.count_sentence) == (1, "Your search has 1 result")
    [only] = page.decisions
    assert only.metadata == ListingMetadata(
        kind="statement",
        outcome_text="Upheld",
        subcategory="Homelessness",
        decided_on=date(2024, 5, 7),
        body_name="Wexmoor",
        summary="Mr X was left waiting.",
    )


@pytest.mark.parametrize(
    ("middle", "outcome", "subcategory"),
    [
        ("Closed after initial enquiries Noise", "Closed after initial enquiries", "Noise"),
        ("Upheld Drainage", "Upheld", "Drainage"),
        ("Not upheld: no further action Planning applications",
         "Not upheld: no further action", "Planning applications"),
        ("Upheld: maladministration, no injustice Council tax",
         "Upheld: maladministration, no injustice", "Council tax"),
        ("Closed after initial enquiries: out of jurisdiction Other",
         "Closed after initial enquiries: out of jurisdiction", "Other"),
        ("Premature Homelessness", "Premature", "Homelessness"),
        ("Referred back for local resolution Charging",
         "Referred back for local resolution", "Charging"),
        ("Incomplete/Invalid Other", "Incomplete/Invalid", "Other"),
        ("Investigation discontinued Fostering", "Investigation discontinued", "Fostering"),
        # an unknown detail: its lower-case words, up to the sub-category's capital
        ("Upheld: fault found Parking and other penalties",
         "Upheld: fault found", "Parking and other penalties"),
        # an outcome we do not know: all of it left to the sub-category
        ("Resolved informally Noise", None, "Resolved informally Noise"),
    ],
)  # fmt: skip
def test_split_outcome(middle: str, outcome: str | None, subcategory: str) -> None:
    assert split_outcome(middle) == (outcome, subcategory)


def test_listing_metadata_without_a_line_or_summary() -> None:
    assert listing_metadata("(24 005 444) nothing else", "(24 005 444)") == ListingMetadata()


def test_a_page_without_results() -> None:
    page = parse_listing("<html><body><p>Your search has 0 results</p></body></html>", "http://x/")
    assert (page.total, page.decisions, page.shell) == (0, [], False)
    blocked = parse_listing("<html><body>Access denied</body></html>", "http://x/")
    assert (blocked.total, blocked.decisions, blocked.shell, blocked.blocked) == (
        None, [], True, True,
    )  # fmt: skip
    shell = parse_listing("<html><body><nav><a href='/decisions'>x</a></nav></body></html>", "/")
    assert (shell.shell, shell.blocked) == (True, False)


def test_listing_path() -> None:
    assert (
        listing_path(date(2024, 3, 1), date(2024, 3, 31), 2)
        == "/Decisions/SearchResults?fd=2024-03-01&td=2024-03-31&page=2"
    )
    assert listing_path(date(2024, 3, 1), date(2024, 3, 31), 1, "&aname=&dc=c+nu+u+") == (
        "/Decisions/SearchResults?fd=2024-03-01&td=2024-03-31&page=1&aname=&dc=c+nu+u+"
    )


@pytest.mark.parametrize(
    "link",
    [
        "https://www.lgo.org.uk/decisions/health/other/17-002-402b",
        "http://www.lgo.org.uk/decisions/health/other/17-002-402b",
        "https://lgo.org.uk/decisions/health/other/17-002-402b/",
        "HTTPS://WWW.LGO.ORG.UK/decisions/health/other/17-002-402B?displaypref=1",
        "http://www.lgo.org.uk/decisions/health/other/17-002-402b?chapter=2#top",
        "/decisions/health/other/17-002-402b?displaypref=0",
    ],
)
def test_one_decision_one_url(link: str) -> None:
    assert canonical_url(link) == "https://www.lgo.org.uk/decisions/health/other/17-002-402b"
    local = canonical_url(link, "http://127.0.0.1:8080")
    assert local == "http://127.0.0.1:8080/decisions/health/other/17-002-402b"


def test_what_is_not_a_decision_url() -> None:
    assert canonical_url("https://www.lgo.org.uk/decisions/housing") is None
    assert canonical_url("https://www.lgo.org.uk/decisions/a/b/17-002-402bc") is None
    assert canonical_url("mailto:/decisions/a/b/17-002-402") is None
    assert canonical_url("https://www.ombudsman.org.uk/decisions/a/b/17-002-402") is None
    assert canonical_url("https://lgo.org.uk.example/decisions/a/b/17-002-402") is None


def test_chapters_are_found_and_joined() -> None:
    url = "https://www.lgo.org.uk/decisions/housing/allocations/16-004-911"
    first = (
        "<html><body><nav><a href='?chapter=1'>1</a><a href='?chapter=2'>2</a>"
        f"<a href='{url}?chapter=3'>3</a><a href='/decisions/x/y/16-004-912?chapter=9'>x</a>"
        "</nav><article id='article'><h1>Wexmoor (16 004 911)</h1><p>One.</p></article>"
        "<footer>Back to top</footer></body></html>"
    )
    assert chapter_numbers(first, url) == {1, 2, 3}
    later = [
        "<html><body><article id='article'><p>Two &amp; a half.</p></article></body></html>",
        "<html><body><article id='article'><p>Three.</p></article></body></html>",
    ]
    lines = html_to_lines(join_chapters(first, later))
    assert lines == ["Wexmoor (16 004 911)", "One.", "Two & a half.", "Three."]


def test_robots_rules() -> None:
    robots = Robots.from_text(
        "User-agent: *\nDisallow: /private\nCrawl-delay: 3\n\n"
        "User-agent: Ombudsearch\nDisallow: /decisions/secret\nCrawl-delay: 5\n",
        "Ombudsearch/0.1 (+https://example.org)",
    )
    assert robots.crawl_delay == 5.0
    assert not robots.allows("https://www.lgo.org.uk/decisions/secret/x/12-345-678")
    assert robots.allows("/decisions/housing/homelessness/12-345-678")
    anyone = Robots.from_text("User-agent: *\nDisallow: /Decisions/\n", "Ombudsearch/0.1")
    assert not anyone.allows("/Decisions/SearchResults?fd=2024-01-01")
    assert Robots("Ombudsearch/0.1").allows("/anything")
