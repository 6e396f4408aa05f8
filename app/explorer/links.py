"""The explorer's URLs: the page's query string is the API's, so every view is shareable data.

`/?council=kent-county-council&outcome=upheld` is the page of `/v1/decisions?council=…`
with the same parameters: the links to JSON, CSV, NDJSON and Atom below are that query string
sent to the endpoints that serve it (less what an endpoint does not take: paging for the
export and feed, `relevance` order for the export).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import Request

from app.search.filters import slug_of

PARAMETER_LABELS = {
    "q": "Words",
    "council": "Council",
    "category": "Category",
    "subcategory": "Sub-category",
    "outcome": "Outcome",
    "remedy_type": "Remedy",
    "source": "Source",
    "remedy_min": "Remedy at least £",
    "remedy_max": "Remedy at most £",
    "decided_from": "Decided from",
    "decided_to": "Decided to",
    "kind": "Kind",
    "status": "On the LGSCO site",
    "further_report": "Further report",
    "compliance_confirmed": "Compliance confirmed",
    "semantic": "Match meaning",
}

Pairs = Sequence[tuple[str, str]]


class EmptyParameters(Exception):
    """A submitted form sends `council=&outcome=`; the page redirects to its URL without them."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


def with_query(path: str, pairs: Pairs) -> str:
    query = urlencode(list(pairs))
    return f"{path}?{query}" if query else path


def drop_empty_parameters(request: Request) -> None:
    """Router dependency: runs before the filters are parsed, so a blank field is no error."""
    pairs = request.query_params.multi_items()
    kept = [(k, v) for k, v in pairs if v.strip()]
    if len(kept) != len(pairs):
        raise EmptyParameters(with_query(request.url.path, kept))


@dataclass(frozen=True)
class Download:
    label: str
    url: str
    kind: str


def downloads(pairs: Pairs) -> list[Download]:
    """The same query as JSON, CSV, NDJSON and Atom."""
    unpaged = [(k, v) for k, v in pairs if k not in ("page", "per_page")]
    exported = [(k, v) for k, v in unpaged if (k, v) != ("sort", "relevance")]
    followed = [(k, v) for k, v in unpaged if k != "sort"]
    return [
        Download("JSON", with_query("/v1/decisions", pairs), "application/json"),
        Download("CSV", with_query("/v1/decisions/export", exported), "text/csv"),
        Download(
            "NDJSON",
            with_query("/v1/decisions/export", [*exported, ("format", "ndjson")]),
            "application/x-ndjson",
        ),
        Download(
            "Atom feed", with_query("/v1/decisions/feed.atom", followed), "application/atom+xml"
        ),
    ]


def stats_csv(pairs: Pairs, group_by: str, sort: str) -> str:
    """The CSV of a table the page shows: /v1/stats of this query's filters, every group."""
    filters = [(k, v) for k, v in pairs if k not in ("page", "per_page", "sort", "facets")]
    return with_query(
        "/v1/stats", [*filters, ("group_by", group_by), ("sort", sort), ("format", "csv")]
    )


@dataclass(frozen=True)
class ActiveFilter:
    parameter: str
    label: str  # "Council"
    value: str  # "Kent County Council"
    remove: str  # this page without it


def active_filters(path: str, pairs: Pairs, names: dict[str, dict[str, str]]) -> list[ActiveFilter]:
    """Each applied filter with a link that removes it (and goes back to page 1)."""
    active = []
    for i, (key, value) in enumerate(pairs):
        if key not in PARAMETER_LABELS:
            continue
        rest = [pair for j, pair in enumerate(pairs) if j != i and pair[0] != "page"]
        if key in FORM_SCALARS:  # words, amounts and dates read as typed
            shown = value
        else:  # facet labels are keyed by slug; the query may name a council or category
            known = names.get(key, {})
            shown = (
                known.get(value)
                or known.get(slug_of(value))
                or value.replace("_", " ").capitalize()
            )
        active.append(ActiveFilter(key, PARAMETER_LABELS[key], shown, with_query(path, rest)))
    return active


@dataclass(frozen=True)
class Order:
    key: str  # the `sort` value
    label: str
    url: str  # this page in that order
    current: bool


def sort_links(path: str, pairs: Pairs, current: str, has_text: bool) -> list[Order]:
    """Each order the results can be put in, with the URL of this page in it."""
    orders = [("-decided_on", "Newest"), ("decided_on", "Oldest"),
              ("-remedy_total", "Largest remedy"), ("remedy_total", "Smallest remedy")]  # fmt: skip
    if has_text:
        orders.insert(0, ("relevance", "Best match"))
    rest = [(k, v) for k, v in pairs if k not in ("sort", "page")]
    return [
        Order(key, label, with_query(path, [*rest, ("sort", key)]), key == current)
        for key, label in orders
    ]


# The search form's fields. A scalar parameter shows its last value (the one FastAPI uses); a
# list parameter its first, the others riding along as hidden inputs, as do parameters the
# form has no field for (a sub-category, a remedy type…). `page` is dropped: a new search
# starts at page 1; `facets` too: the page always shows its own.
FORM_SCALARS = ("q", "sort", "remedy_min", "remedy_max", "decided_from", "decided_to", "semantic")
FORM_LISTS = ("council", "category", "outcome")
FORM_DROPPED = ("page", "facets")


def form_fields(pairs: Pairs) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """(the value each visible field shows, the hidden inputs) for this query."""
    shown = dict.fromkeys((*FORM_SCALARS, *FORM_LISTS), "")
    hidden: list[tuple[str, str]] = []
    for key, value in pairs:
        if key in FORM_SCALARS or (key in FORM_LISTS and not shown[key]):
            shown[key] = value
        elif key not in FORM_DROPPED:
            hidden.append((key, value))
    return shown, hidden
