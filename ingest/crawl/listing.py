"""The LGSCO search-results pages: how many results, which decisions, what the listing says.

`/Decisions/SearchResults?fd=YYYY-MM-DD&td=YYYY-MM-DD&page=N` lists ten decisions a page under
a count sentence ("Your search has N results", "Archive has N results"). Each result is a block
(a list item on the real site):

    <a href="/decisions/<category>/<sub-category>/<NN-NNN-NNN[x]>">Body name (NN NNN NNN)</a>
    Statement Upheld: maladministration and injustice Child protection 07-May-2019
    Summary: …

The link text may lack the body name; the reference may carry a letter suffix ("17 002 402b",
a different decision). The URL's path names the decision: `canonical_url` gives the one URL a
decision is known by, however it was linked (http or https, www. or not, a query string such as
`?displaypref=0` or `?chapter=2`, a trailing slash).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ingest.parse.header import parse_date
from ingest.parse.model import ListingMetadata

DECISION_PATH = re.compile(r"^/decisions/[a-z0-9-]+/[a-z0-9-]+/\d{2}-\d{3}-\d{3}[a-z]?/?$", re.I)
RESULT_COUNT = re.compile(r"\bhas\s+([\d,]+)\s+results?\b", re.I)
OUTCOME = re.compile(r"\b(?:Decision|Outcome)\s*:\s*([A-Za-z][^\n|]{2,80})")
BLOCKED_TEXT = re.compile(r"\baccess denied\b|\brequest (?:was )?blocked\b|\bforbidden\b", re.I)
PAGE_SIZE = 10
DEFAULT_ORIGIN = "https://www.lgo.org.uk"

# "Statement Upheld: maladministration and injustice Child protection 07-May-2019"
LISTING_LINE = re.compile(
    r"\b(?P<kind>Statement|Report)\s+(?P<middle>[^\n]{1,160}?)\s+"
    r"(?P<date>\d{1,2}-[A-Za-z]{3,9}-\d{4})\b"
)
# Outcomes as the listing names them, longest first so "Not upheld" wins over "Upheld"…
OUTCOMES = sorted(
    (
        "Upheld",
        "Not upheld",
        "Closed after initial enquiries",
        "Premature",
        "Withdrawn",
        "Investigation discontinued",
        "Advice given",
        "Referred back for local resolution",
        "Incomplete/Invalid",
        "Not investigated",
        "No further action",
        "Out of jurisdiction",
    ),
    key=len,
    reverse=True,
)
# …and the details an outcome may carry after a colon.
OUTCOME_DETAILS = sorted(
    (
        "maladministration and injustice",
        "maladministration, no injustice",
        "maladministration no injustice",
        "no maladministration",
        "no further action",
        "no further action required",
        "no worthwhile outcome achievable by investigation",
        "out of jurisdiction",
        "no injustice",
        "no fault",
        "fault and injustice",
        "fault, no injustice",
        "injustice remedied during enquiries",
        "remedied during enquiries",
    ),
    key=len,
    reverse=True,
)
_REFERENCE_IN_TEXT = re.compile(r"\(?\s*\d{2}\s?\d{3}\s?\d{3}[a-z]?\s*\)?\s*$", re.I)
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Listed:
    url: str
    metadata: ListingMetadata


@dataclass(frozen=True)
class ListingPage:
    total: int | None
    decisions: list[Listed]
    count_sentence: str | None = None
    blocked: bool = False  # says "Access denied" or the like and lists nothing

    @property
    def shell(self) -> bool:
        """A page with neither a count sentence nor decision links: stripped, or not ours."""
        return self.total is None and not self.decisions


def listing_path(first: date, last: date, page: int, params: str = "") -> str:
    """The listing URL's path and query: fd, td and page, then `params` as written (the site's
    own form parameters, e.g. CRAWL_LISTING_PARAMS `aname=&dc=c+nu+u+&sortOrder=descending`)."""
    query = f"fd={first.isoformat()}&td={last.isoformat()}&page={page}"
    extra = params.strip().lstrip("&?")
    return f"/Decisions/SearchResults?{query}" + (f"&{extra}" if extra else "")


def origin_of(base_url: str) -> str:
    """scheme://host[:port] of the crawl base URL, lower case."""
    parts = urlsplit(base_url)
    if not parts.scheme or not parts.netloc:
        return DEFAULT_ORIGIN
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def canonical_url(url: str, origin: str = DEFAULT_ORIGIN) -> str | None:
    """The one URL of the decision `url` links to (`origin` + lower-case path, no query, no
    fragment, no trailing slash), or None when `url` is not a decision page of this site (the
    crawl's host or an LGSCO one, http or https, with or without www.)."""
    parts = urlsplit(url)
    if parts.scheme and parts.scheme.lower() not in ("http", "https"):
        return None
    if parts.hostname and not _same_site(parts.hostname, origin):
        return None
    path = parts.path
    if not DECISION_PATH.match(path):
        return None
    return f"{origin}{path.rstrip('/').lower()}"


def _same_site(host: str, origin: str) -> bool:
    """The crawl's own host, with or without www., or any LGSCO host (lgo.org.uk)."""
    host = host.lower().removeprefix("www.")
    own = (urlsplit(origin).hostname or "").lower().removeprefix("www.")
    return host in (own, "lgo.org.uk") or host.endswith(".lgo.org.uk")


def _decision_url(anchor: LexborNode, page_url: str, origin: str) -> str | None:
    href = (anchor.attributes.get("href") or "").strip()
    return canonical_url(urljoin(page_url, href), origin) if href else None


def _result_block(anchor: LexborNode, page_url: str, origin: str) -> LexborNode:
    """The result block: the list item holding the link (the real site's), else the largest
    ancestor that still holds only this one decision."""
    block = anchor
    for _ in range(5):
        if block.tag == "li":
            break
        parent = block.parent
        if parent is None or parent.tag in ("body", "html"):
            break
        urls = {_decision_url(a, page_url, origin) for a in parent.css("a[href]")} - {None}
        if len(urls) > 1:
            break
        block = parent
    return block


def _text(node: LexborNode) -> str:
    return _SPACES.sub(" ", node.text(separator=" ") or "").strip()


def split_outcome(middle: str) -> tuple[str | None, str | None]:
    """ "Upheld: maladministration and injustice Child protection" → (outcome, sub-category).

    The longest known outcome at the start; a ": detail" after it is a known detail phrase, else
    the lower-case words up to the sub-category's capital (where that is ambiguous, the shorter
    outcome, leaving the rest to the sub-category). Unknown outcome: (None, middle).
    """
    middle = middle.strip()
    lowered = middle.lower()
    base = next(
        (
            o
            for o in OUTCOMES
            if lowered.startswith(o.lower())
            and (len(middle) == len(o) or not middle[len(o)].isalnum())
        ),
        None,
    )
    if base is None:
        return None, middle or None
    outcome, rest = middle[: len(base)], middle[len(base) :]
    if rest.lstrip().startswith(":"):
        after = rest.lstrip()[1:].lstrip()
        detail = next(
            (
                d
                for d in OUTCOME_DETAILS
                if after.lower().startswith(d)
                and (len(after) == len(d) or not after[len(d)].isalnum())
            ),
            None,
        )
        if detail is None:  # unknown detail: its lower-case words, up to a capital
            words = after.split(" ")
            taken = []
            for word in words[:-1] if len(words) > 1 else []:
                if not word or word[0].isupper():
                    break
                taken.append(word)
            detail = " ".join(taken)
        if detail:
            outcome = f"{outcome}: {after[: len(detail)]}"
            rest = after[len(detail) :]
        else:
            rest = after
    subcategory = rest.strip(" :-–") or None
    return outcome, subcategory


def _listing_date(text: str) -> date | None:
    for form in ("%d-%b-%Y", "%d-%B-%Y"):
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    return None


def body_name_of(link_text: str) -> str | None:
    """ "Wexmoor Council (24 005 444)" → "Wexmoor Council"; "(24 005 444)" → None."""
    text = _SPACES.sub(" ", link_text).strip()
    if not _REFERENCE_IN_TEXT.search(text):
        return None
    name = _REFERENCE_IN_TEXT.sub("", text).strip(" -–,")
    return name or None


def listing_metadata(block_text: str, link_text: str = "") -> ListingMetadata:
    """What a result block says besides the link: kind, outcome, sub-category, date, body name
    and summary; earlier page styles ("Decision date: 07 May 2024", "Outcome: …") as a fallback."""
    text = _SPACES.sub(" ", block_text).strip()
    link_text = _SPACES.sub(" ", link_text).strip()
    if link_text and link_text in text:
        text = text.replace(link_text, " ", 1).strip()
    head, found, summary_text = text.partition("Summary:")
    summary = summary_text.strip() or None if found else None
    line = LISTING_LINE.search(head)
    decided_on = _listing_date(line.group("date")) if line else None
    if line and decided_on is not None:
        outcome, subcategory = split_outcome(line.group("middle"))
        kind = line.group("kind").lower()
        return ListingMetadata(
            kind="report" if kind == "report" else "statement",
            outcome_text=outcome,
            subcategory=subcategory,
            decided_on=decided_on,
            body_name=body_name_of(link_text),
            summary=summary,
        )
    outcome_match = OUTCOME.search(block_text)
    return ListingMetadata(
        decided_on=parse_date(head),
        outcome_text=outcome_match.group(1).strip() if outcome_match else None,
        body_name=body_name_of(link_text),
        summary=summary,
    )


def parse_listing(html: str, page_url: str, origin: str | None = None) -> ListingPage:
    """Read one listing page. Decision URLs are canonical under `origin` (default: the page's
    own scheme and host)."""
    origin = origin or origin_of(page_url)
    tree = LexborHTMLParser(html)
    body = tree.body
    text = _text(body) if body is not None else ""
    count = RESULT_COUNT.search(text)
    sentence = _count_sentence(tree) if count else None
    seen: set[str] = set()
    listed = []
    for anchor in tree.css("a[href]"):
        url = _decision_url(anchor, page_url, origin)
        if url is None or url in seen:
            continue
        seen.add(url)
        block = _result_block(anchor, page_url, origin)
        metadata = listing_metadata(block.text(separator=" ") or "", _text(anchor))
        listed.append(Listed(url, metadata))
    total = int(count.group(1).replace(",", "")) if count else None
    blocked = total is None and not listed and bool(BLOCKED_TEXT.search(text))
    return ListingPage(total, listed, sentence, blocked=blocked)


def _count_sentence(tree: LexborHTMLParser) -> str | None:
    """The text of the smallest element that holds the count sentence."""
    best: str | None = None
    for node in tree.css("p, h1, h2, h3, h4, h5, h6, span, strong, label, li, div, section"):
        value = _text(node)
        if RESULT_COUNT.search(value) and (best is None or len(value) < len(best)):
            best = value
    return best
