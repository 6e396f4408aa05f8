"""Facet links: the URL of each facet value is this query with that value added, exactly as
encoding the whole query again would give it (the fast path must not change a single URL)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from hypothesis import given
from hypothesis import strategies as st
from starlette.requests import Request

from app.api.decisions import FacetLinks


def _request(query: list[tuple[str, str]]) -> Request:
    return Request(
        {
            "type": "http",
            "method": "GET",
            "path": "/v1/decisions",
            "query_string": urlencode(query).encode(),
            "headers": [],
        }
    )


def _expected(query: list[tuple[str, str]], facet: str, value: str) -> str:
    """The slow, obviously right URL: every pair but `page`, plus the value, encoded whole."""
    items = [(k, v) for k, v in query if k != "page"]
    if facet == "year":
        items = [(k, v) for k, v in items if k not in ("decided_from", "decided_to")]
        items += [("decided_from", f"{value}-01-01"), ("decided_to", f"{value}-12-31")]
    elif (facet, value) not in items:
        items.append((facet, value))
    return "/v1/decisions?" + urlencode(items)


queries = st.lists(
    st.tuples(
        st.sampled_from(["q", "council", "outcome", "page", "decided_from", "facets", "statute"]),
        st.text(min_size=1, max_size=12),
    ),
    max_size=5,
)


@given(
    queries, st.sampled_from(["council", "outcome", "statute", "category"]), st.text(max_size=30)
)
def test_a_value_link_is_the_query_with_that_value(
    query: list[tuple[str, str]], facet: str, value: str
) -> None:
    query = parse_qsl(urlencode(query), keep_blank_values=True)  # as the server reads it
    assert FacetLinks(_request(query)).url(facet, value) == _expected(query, facet, value)


@given(queries, st.integers(1990, 2030))
def test_a_year_link_replaces_the_dates(query: list[tuple[str, str]], year: int) -> None:
    query = parse_qsl(urlencode(query), keep_blank_values=True)
    assert FacetLinks(_request(query)).url("year", str(year)) == _expected(query, "year", str(year))


def test_examples() -> None:
    links = FacetLinks(_request([("outcome", "upheld"), ("page", "3")]))
    assert links.url("council", "kent-county-council") == (
        "/v1/decisions?outcome=upheld&council=kent-county-council"
    )
    assert links.url("statute", "Care Act 2014, section 42") == (
        "/v1/decisions?outcome=upheld&statute=Care+Act+2014%2C+section+42"
    )
    assert links.url("outcome", "upheld") == "/v1/decisions?outcome=upheld"
    assert FacetLinks(_request([])).url("year", "2024") == (
        "/v1/decisions?decided_from=2024-01-01&decided_to=2024-12-31"
    )
