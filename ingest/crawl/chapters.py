"""Long reports are split into chapters (`?chapter=N`): one decision, one record.

Each chapter links to the others (`<a href="?chapter=2">`). The record's HTML is chapter 1's
page with the later chapters' `<article id="article">` contents appended inside its article, so
the parser reads one document.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

MAX_CHAPTERS = 40
_MARK = "OMBUDSEARCH-LATER-CHAPTERS-7f3c1e"


def chapter_numbers(html: str, page_url: str) -> set[int]:
    """The chapter numbers a decision page links to (its own path with `?chapter=N`)."""
    path = urlsplit(page_url).path.rstrip("/").lower()
    found: set[int] = set()
    for anchor in LexborHTMLParser(html).css("a[href]"):
        href = (anchor.attributes.get("href") or "").strip()
        if "chapter=" not in href.lower():
            continue
        target = urlsplit(urljoin(page_url, href))
        if target.path.rstrip("/").lower() != path:
            continue
        query = {k.lower(): v for k, v in parse_qs(target.query).items()}
        for value in query.get("chapter", []):
            if value.strip().isdigit() and 0 < int(value) <= MAX_CHAPTERS:
                found.add(int(value))
    return found


def chapter_url(url: str, number: int) -> str:
    return f"{url}?chapter={number}"


def article_html(html: str) -> str:
    """The inner HTML of the page's `<article id="article">` (the whole body without one)."""
    tree = LexborHTMLParser(html)
    node = tree.css_first("article#article") or tree.css_first("#article") or tree.body
    return (node.inner_html or "") if node is not None else ""


def join_chapters(first: str, later: list[str]) -> str:
    """Chapter 1's page with each later chapter's article contents appended inside its article."""
    if not later:
        return first
    tree = LexborHTMLParser(first)
    node = tree.css_first("article#article") or tree.css_first("#article") or tree.body
    if node is None:
        return first + "".join(article_html(html) for html in later)
    node.insert_child(_MARK)
    joined = tree.html or first
    return joined.replace(_MARK, "".join(article_html(html) for html in later), 1)
