"""Filters: hostile values, relative dates, and the same totals in Meilisearch and in SQL."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlmodel import Session

from app.api.query import decision_filters
from app.search.filters import (
    DECISIONS_WITH_BODIES,
    DecisionFilters,
    meili_filter,
    parse_day,
    quote,
    sql_conditions,
)
from tests.app.search_corpus import SYNTHETIC, LoadedCorpus

HOSTILE = [
    '"',
    "\\",
    '\\"',
    'kent" OR outcome = "upheld',
    "kent' OR 1=1 --",
    "kent) OR (outcome EXISTS",
    "council_slug = kent-county-council",
    "[brackets], commas",
    "AND",
    "NOT outcome IS NULL",
    "x" * 200,
    "Čeština · 日本語 · émoji 🎉",
    "\u0000\u0001",
]


def _unquote(literal: str) -> str:
    """Read a filter string literal the way Meilisearch does; fail if it ends early."""
    assert literal[0] == literal[-1] == '"'
    out, chars = [], iter(literal[1:-1])
    for ch in chars:
        assert ch != '"', "an unescaped quote would end the literal early"
        out.append(next(chars) if ch == "\\" else ch)
    return "".join(out)


@given(st.text(max_size=100))
def test_quote_round_trips_any_text(value: str) -> None:
    assert _unquote(quote(value)) == value


def test_meili_filter_expressions() -> None:
    filters = DecisionFilters(
        council=["a", 'b"c'],
        outcome=["upheld"],
        remedy_min=100_000,
        decided_to=date(2024, 1, 1),
    )
    assert meili_filter(filters) == [
        'council_slug IN ["a", "b\\"c"]',
        'outcome IN ["upheld"]',
        "remedy_total_pence >= 100000",
        "decided_days <= 19723",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-02-29", date(2024, 2, 29)),
        ("-30d", date(2026, 10, 24)),
        ("-4w", date(2026, 10, 26)),
        ("-12m", date(2025, 11, 23)),
        ("-2y", date(2024, 11, 23)),
        ("-9m", date(2026, 2, 23)),
    ],
)
def test_relative_and_iso_days(text: str, expected: date) -> None:
    assert parse_day(text, today=date(2026, 11, 23)) == expected


def test_relative_months_clamp_to_month_end() -> None:
    assert parse_day("-1m", today=date(2026, 3, 31)) == date(2026, 2, 28)


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("param", ["council", "category", "subcategory"])
async def test_hostile_values_match_literally_or_are_rejected(
    corpus: LoadedCorpus, param: str, value: str
) -> None:
    response = await corpus.client.get("/v1/decisions", params={param: value})
    assert response.status_code in (200, 422), response.text
    if response.status_code == 200:
        # Matched literally: no such council or category, so nothing, never everything.
        assert response.json()["meta"]["total"] == 0
    else:
        assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("value", HOSTILE)
async def test_hostile_text_queries_never_fail(corpus: LoadedCorpus, value: str) -> None:
    response = await corpus.client.get("/v1/decisions", params={"q": value, "facets": "council"})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("param", ["outcome", "remedy_type", "source", "remedy_min", "decided_to"])
async def test_hostile_values_in_typed_parameters_are_422(corpus: LoadedCorpus, param: str) -> None:
    response = await corpus.client.get("/v1/decisions", params={param: 'x" OR "1'})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


async def test_too_many_repeated_values_is_422(corpus: LoadedCorpus) -> None:
    response = await corpus.client.get("/v1/decisions", params={"council": ["a"] * 51})
    assert response.status_code == 422


MATRIX: list[dict[str, Any]] = [
    {},
    {"outcome": ["upheld"]},
    {"outcome": ["not_upheld", "closed_after_initial_enquiries"]},
    {"remedy_min": "500"},
    {"remedy_max": "250"},
    {"remedy_min": "100", "remedy_max": "1000"},
    {"remedy_type": ["apology"]},
    {"remedy_type": ["refund", "staff_training"]},
    {"decided_from": "2020-01-01"},
    {"decided_to": "2016-12-31"},
    {"decided_from": "2018-01-01", "decided_to": "2019-12-31"},
    {"source": ["synthetic"]},
    {"category": ["Education", "housing"]},
    {"subcategory": ["special-educational-needs"]},
    {"council": ["quillmoor-county-council", "Ashvale Borough Council"]},
    {"outcome": ["upheld"], "remedy_min": "200", "decided_from": "2017-01-01"},
    {"category": ["adult-care-services"], "remedy_type": ["financial_payment"]},
    {"council": ["quillmoor-county-council"], "outcome": ["upheld"]},
]


def _sql_total(corpus: LoadedCorpus, filters: DecisionFilters) -> int:
    query = select(func.count()).select_from(DECISIONS_WITH_BODIES).where(*sql_conditions(filters))
    with Session(corpus.engine) as session:
        return session.scalar(query) or 0


def _filters(params: dict[str, Any]) -> DecisionFilters:
    """The same parameters through the API's own parsing (names to slugs, pounds to pence)."""
    arguments: dict[str, Any] = params
    return decision_filters(**arguments)


@pytest.mark.parametrize(
    "params", MATRIX, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "all"
)
async def test_search_and_sql_totals_agree(corpus: LoadedCorpus, params: dict[str, Any]) -> None:
    response = await corpus.client.get("/v1/decisions", params=params)
    assert response.status_code == 200, response.text
    total = response.json()["meta"]["total"]
    assert total == _sql_total(corpus, _filters(params))
    if not params:
        assert total == SYNTHETIC + 3
