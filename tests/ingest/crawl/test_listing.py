"""Reading the listing pages: result count, decision links, listing metadata."""

from __future__ import annotations

from datetime import date

from ingest.crawl.listing import listing_path, parse_listing

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


def test_count_links_and_metadata() -> None:
    page = parse_listing(PAGE, "https://www.lgo.org.uk/Decisions/SearchResults?fd=2024-01-01")
    assert page.total == 1234
    assert [d.url for d in page.decisions] == [
        "https://www.lgo.org.uk/decisions/housing/homelessness/24-005-444",
        "https://www.lgo.org.uk/decisions/education/special-educational-needs/23-019-101",
    ]
    first, second = page.decisions
    assert first.metadata.decided_on == date(2024, 5, 7)
    assert first.metadata.outcome_text == "Upheld: maladministration and injustice"
    assert second.metadata.decided_on == date(2024, 2, 12)
    assert second.metadata.outcome_text is None


def test_a_page_without_results() -> None:
    page = parse_listing("<html><body><p>Your search has 0 results</p></body></html>", "http://x/")
    assert (page.total, page.decisions) == (0, [])
    blocked = parse_listing("<html><body>Access denied</body></html>", "http://x/")
    assert (blocked.total, blocked.decisions) == (None, [])


def test_listing_path() -> None:
    assert (
        listing_path(date(2024, 3, 1), date(2024, 3, 31), 2)
        == "/Decisions/SearchResults?fd=2024-03-01&td=2024-03-31&page=2"
    )
