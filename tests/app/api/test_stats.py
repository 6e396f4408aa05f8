"""/v1/stats on real PostgreSQL and Meilisearch: every group_by against figures worked out by hand.

The twelve decisions are tests/app/api/bodies.py's DECISIONS plus STATS_EXTRA (amounts in £):

| ref | body | category > sub | outcome | date | remedy | remedy types |
|---|---|---|---|---|---|---|
| 23 000 001 | Wexmoor | Housing > Homelessness | upheld | 2024-03-12 | 1,550.50 | fp, ref, oth |
| 23 000 002 | Wexmoor | Housing > Homelessness | not_upheld | 2023-02-02 | 0 | oth |
| 23 000 003 | Wexmoor | Education > SEN | upheld | 2024-06-05 | 500 | fp |
| 23 000 004 | Wexmoor | – | closed | 2022-01-01 | 0 | oth |
| 23 000 005 | Wexmoor | Housing > Allocations | – | 2023-08-01 | 0 | oth |
| 23 000 006 | Wexmoor | Education > School admissions | upheld | 2024-09-30 | 2,100 | fp |
| 23 100 001 | Hartsby | Adult care > Charging | upheld | 2023-03-03 | 5,000 | fp |
| 23 100 002 | Hartsby | Housing > Homelessness | not_upheld | 2023-05-09 | 0 | oth |
| 23 200 001 | Sunny Days | Adult care > Residential | upheld | 2024-07-07 | 100 | fp |
| 23 300 001 | Ashcombe | – | – | 2024-04-04 | 0 | oth |
| 23 400 001 | Pellham | Planning > Enforcement | upheld | – | null | – |
| 23 400 002 | Pellham | Planning > Enforcement | other | 2024-03-20 | 300 | apo, fp, pr |

(fp financial_payment, ref refund, oth other, apo apology, pr procedure_review.) A remedy of
null (no remedy section) is left out of the median and the maximum but counts as a decision; a
remedy of 0 counts in both.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlmodel import Session

from app.api.query import decision_filters
from app.search.client import MeiliClient
from app.search.filters import DECISIONS as DECISION_TABLE
from app.search.filters import ORGANISATIONS, sql_conditions
from app.search.matching import matching_references, reference_in
from ingest.demo import generate
from ingest.parse.model import ParsedDecision
from tests.app.api.bodies import get_stats
from tests.app.search_corpus import SYNTHETIC, LoadedCorpus
from tests.app.test_filters import MATRIX

Row = dict[str, Any]
TOTAL = 12


def row(
    key: str | None,
    label: str,
    count: int,
    upheld: int,
    rate: float | None,
    total: float,
    median: float | None,
    largest: float | None,
    with_payment: int,
) -> Row:
    return {
        "key": key, "label": label, "count": count, "upheld": upheld, "upheld_rate": rate,
        "remedy_total": total, "remedy_median": median, "remedy_max": largest,
        "with_payment": with_payment,
    }  # fmt: skip


WEXMOOR = row(
    "wexmoor-district-council", "Wexmoor District Council", 6, 3, 0.6, 4150.5, 250.0, 2100.0, 3
)  # median of 0, 0, 0, 500, 1,550.50, 2,100
HARTSBY = row(
    "hartsby-borough-council", "Hartsby Borough Council", 2, 1, 0.5, 5000.0, 2500.0, 5000.0, 1
)
PELLHAM = row(
    "pellham-town-council", "Pellham Town Council", 2, 1, 0.5, 300.0, 300.0, 300.0, 1
)  # the null remedy is not in the median
ASHCOMBE = row("ashcombe-city-council", "Ashcombe City Council", 1, 0, None, 0.0, 0.0, 0.0, 0)
SUNNY = row("sunny-days-care-ltd", "Sunny Days Care Ltd", 1, 1, 1.0, 100.0, 100.0, 100.0, 1)

EXPECTED: dict[str, list[Row]] = {
    "council": [WEXMOOR, HARTSBY, PELLHAM, ASHCOMBE, SUNNY],
    "category": [
        row("housing", "Housing", 4, 1, 0.3333, 1550.5, 0.0, 1550.5, 1),
        row("adult-care-services", "Adult care services", 2, 2, 1.0, 5100.0, 2550.0, 5000.0, 2),
        row("education", "Education", 2, 2, 1.0, 2600.0, 1300.0, 2100.0, 2),
        row("planning-and-development", "Planning and development",
            2, 1, 0.5, 300.0, 300.0, 300.0, 1),
        row(None, "Uncategorised", 2, 0, 0.0, 0.0, 0.0, 0.0, 0),
    ],
    "subcategory": [
        row("homelessness", "Homelessness", 3, 1, 0.3333, 1550.5, 0.0, 1550.5, 1),
        row("enforcement", "Enforcement", 2, 1, 0.5, 300.0, 300.0, 300.0, 1),
        row(None, "Uncategorised", 2, 0, 0.0, 0.0, 0.0, 0.0, 0),
        row("allocations", "Allocations", 1, 0, None, 0.0, 0.0, 0.0, 0),
        row("charging", "Charging", 1, 1, 1.0, 5000.0, 5000.0, 5000.0, 1),
        row("residential-care", "Residential care", 1, 1, 1.0, 100.0, 100.0, 100.0, 1),
        row("school-admissions", "School admissions", 1, 1, 1.0, 2100.0, 2100.0, 2100.0, 1),
        row("special-educational-needs", "Special educational needs",
            1, 1, 1.0, 500.0, 500.0, 500.0, 1),
    ],
    "outcome": [
        # median of 100, 500, 1,550.50, 2,100, 5,000 (23 400 001 has no remedy)
        row("upheld", "Upheld", 6, 6, 1.0, 9250.5, 1550.5, 5000.0, 5),
        row("not_upheld", "Not upheld", 2, 0, 0.0, 0.0, 0.0, 0.0, 0),
        row(None, "No outcome recorded", 2, 0, None, 0.0, 0.0, 0.0, 0),
        row("closed_after_initial_enquiries", "Closed after initial enquiries",
            1, 0, 0.0, 0.0, 0.0, 0.0, 0),
        row("other", "Other", 1, 0, 0.0, 300.0, 300.0, 300.0, 1),
    ],
    "year": [
        row("2024", "2024", 6, 4, 0.8, 4550.5, 400.0, 2100.0, 5),  # median of 0,100,300,500,…
        row("2023", "2023", 4, 1, 0.3333, 5000.0, 0.0, 5000.0, 1),
        row("2022", "2022", 1, 0, 0.0, 0.0, 0.0, 0.0, 0),
        row(None, "Undated", 1, 1, 1.0, 0.0, None, None, 0),
    ],
    "month": [
        # two decisions in March 2024: median (300 + 1,550.50) / 2
        row("2024-03", "March 2024", 2, 1, 0.5, 1850.5, 925.25, 1550.5, 2),
        row("2022-01", "January 2022", 1, 0, 0.0, 0.0, 0.0, 0.0, 0),
        row("2023-02", "February 2023", 1, 0, 0.0, 0.0, 0.0, 0.0, 0),
        row("2023-03", "March 2023", 1, 1, 1.0, 5000.0, 5000.0, 5000.0, 1),
        row("2023-05", "May 2023", 1, 0, 0.0, 0.0, 0.0, 0.0, 0),
        row("2023-08", "August 2023", 1, 0, None, 0.0, 0.0, 0.0, 0),
        row("2024-04", "April 2024", 1, 0, None, 0.0, 0.0, 0.0, 0),
        row("2024-06", "June 2024", 1, 1, 1.0, 500.0, 500.0, 500.0, 1),
        row("2024-07", "July 2024", 1, 1, 1.0, 100.0, 100.0, 100.0, 1),
        row("2024-09", "September 2024", 1, 1, 1.0, 2100.0, 2100.0, 2100.0, 1),
        row(None, "Undated", 1, 1, 1.0, 0.0, None, None, 0),
    ],
    "remedy_type": [
        # unnest: 23 000 001 is in financial_payment, refund and other; 23 400 002 in three too.
        # financial_payment median: (500 + 1,550.50) / 2 of 100, 300, 500, 1,550.50, 2,100, 5,000
        row("financial_payment", "Financial payment", 6, 5, 0.8333, 9550.5, 1025.25, 5000.0, 6),
        row("other", "Other", 6, 1, 0.25, 1550.5, 0.0, 1550.5, 1),
        row("apology", "Apology", 1, 0, 0.0, 300.0, 300.0, 300.0, 1),
        row("procedure_review", "Procedure review", 1, 0, 0.0, 300.0, 300.0, 300.0, 1),
        row("refund", "Refund", 1, 1, 1.0, 1550.5, 1550.5, 1550.5, 1),
        row(None, "No remedy recorded", 1, 1, 1.0, 0.0, None, None, 0),
    ],
}  # fmt: skip


CORE = ("key", "label", "count", "upheld", "upheld_rate", "remedy_total", "remedy_median",
        "remedy_max", "with_payment")  # fmt: skip


def core(rows: list[Row]) -> list[Row]:
    """The figures the table above works out (the interval and compliance are tested apart)."""
    return [{name: r[name] for name in CORE} for r in rows]


def meta(group_by: str, groups: int, total: int = TOTAL, **paging: int) -> Row:
    page, per_page = paging.get("page", 1), paging.get("per_page", 100)
    return {
        "total": total, "groups": groups, "group_by": group_by, "warnings": [],
        "page": page, "per_page": per_page, "pages": -(-groups // per_page),
    }  # fmt: skip


async def _keys(client: httpx.AsyncClient, **params: Any) -> list[str | None]:
    return [r["key"] for r in (await get_stats(client, **params))["data"]]


@pytest.mark.parametrize("group_by", list(EXPECTED))
async def test_every_group_by_has_exact_figures(loaded: httpx.AsyncClient, group_by: str) -> None:
    body = await get_stats(loaded, group_by=group_by)
    assert core(body["data"]) == EXPECTED[group_by]
    assert body["meta"] == meta(group_by, len(EXPECTED[group_by]))


async def test_default_is_council_by_count(loaded: httpx.AsyncClient) -> None:
    default, named = (
        await get_stats(loaded),
        await get_stats(loaded, group_by="council", sort="-count"),
    )
    assert (default["data"], default["meta"]) == (named["data"], named["meta"])


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("count", ["ashcombe", "sunny", "hartsby", "pellham", "wexmoor"]),  # ties by key
        ("remedy_total", ["ashcombe", "sunny", "pellham", "wexmoor", "hartsby"]),
        ("-remedy_total", ["hartsby", "wexmoor", "pellham", "sunny", "ashcombe"]),
        ("upheld_rate", ["hartsby", "pellham", "wexmoor", "sunny", "ashcombe"]),  # null last
        ("-upheld_rate", ["sunny", "wexmoor", "hartsby", "pellham", "ashcombe"]),  # null last
        ("remedy_median", ["ashcombe", "sunny", "wexmoor", "pellham", "hartsby"]),
        ("-remedy_max", ["hartsby", "wexmoor", "pellham", "sunny", "ashcombe"]),
        ("-with_payment", ["wexmoor", "hartsby", "pellham", "sunny", "ashcombe"]),
        ("-upheld", ["wexmoor", "hartsby", "pellham", "sunny", "ashcombe"]),
        ("key", ["ashcombe", "hartsby", "pellham", "sunny", "wexmoor"]),
        ("-key", ["wexmoor", "sunny", "pellham", "hartsby", "ashcombe"]),
    ],
)
async def test_sort_both_ways(loaded: httpx.AsyncClient, sort: str, expected: list[str]) -> None:
    keys = await _keys(loaded, sort=sort)
    assert [str(k).split("-")[0] for k in keys] == expected


async def test_null_groups_sort_last_both_ways(loaded: httpx.AsyncClient) -> None:
    assert await _keys(loaded, group_by="year", sort="key") == ["2022", "2023", "2024", None]
    assert await _keys(loaded, group_by="year", sort="-key") == ["2024", "2023", "2022", None]
    medians = await _keys(loaded, group_by="remedy_type", sort="-remedy_median")
    assert medians[-1] is None
    assert medians[0] == "refund"  # 1,550.50


async def test_limit_keeps_the_group_count(loaded: httpx.AsyncClient) -> None:
    body = await get_stats(loaded, group_by="month", sort="key", limit=2)
    assert [r["key"] for r in body["data"]] == ["2022-01", "2023-02"]
    assert body["meta"]["groups"] == 11
    assert body["meta"]["total"] == TOTAL
    assert core((await get_stats(loaded, limit=1))["data"]) == [WEXMOOR]


async def test_filters_apply_as_in_search(loaded: httpx.AsyncClient) -> None:
    body = await get_stats(
        loaded,
        group_by="outcome",
        council=["Wexmoor District Council", "hartsby-borough-council"],
    )
    assert body["meta"]["total"] == 8
    assert [(r["key"], r["count"]) for r in body["data"]] == [
        ("upheld", 4),
        ("not_upheld", 2),
        ("closed_after_initial_enquiries", 1),
        (None, 1),
    ]
    paying = await get_stats(loaded, group_by="year", remedy_min="300", sort="key")
    assert [(r["key"], r["count"], r["remedy_total"]) for r in paying["data"]] == [
        ("2023", 1, 5000.0),
        ("2024", 4, 4450.5),  # 1,550.50 + 300 + 500 + 2,100
    ]


async def test_q_restricts_to_full_text_matches(loaded: httpx.AsyncClient) -> None:
    body = await get_stats(loaded, q="Pellham", group_by="outcome")
    search = (await loaded.get("/v1/decisions", params={"q": "Pellham"})).json()
    assert body["meta"]["total"] == search["meta"]["total"] == 2
    assert [(r["key"], r["count"]) for r in body["data"]] == [("other", 1), ("upheld", 1)]
    assert (await get_stats(loaded, q="   "))["meta"]["total"] == TOTAL  # blank q: no full text


async def test_nothing_matches(loaded: httpx.AsyncClient) -> None:
    for params in ({"outcome": "upheld", "decided_to": "2000-01-01"}, {"q": "zzzqqqxxy"}):
        body = await get_stats(loaded, group_by="remedy_type", **params)
        assert body["data"] == []
        assert body["meta"] == meta("remedy_type", 0, total=0)


async def test_unknown_council_is_warned_as_in_search(loaded: httpx.AsyncClient) -> None:
    params = {"council": "wexmoor-district-counci"}
    body = await get_stats(loaded, **params)
    search = (await loaded.get("/v1/decisions", params=params)).json()
    assert body["data"] == []
    assert (
        body["meta"]["warnings"]
        == search["meta"]["warnings"]
        == ["No council matches 'wexmoor-district-counci'; did you mean Wexmoor District Council?"]
    )


async def test_empty_database(client: httpx.AsyncClient) -> None:
    body = await get_stats(client, group_by="month")
    assert body["data"] == []
    assert body["meta"] == meta("month", 0, total=0)


@asynccontextmanager
async def _meili_of(app: FastAPI, url: str, key: str | None, timeout: float) -> AsyncIterator[None]:
    """The app's searches go to this Meilisearch client for the block."""
    working = app.state.meili
    async with MeiliClient(url, key, timeout=timeout) as other:
        app.state.meili = other
        try:
            yield
        finally:
            app.state.meili = working


async def test_meilisearch_only_for_q(app: FastAPI, loaded: httpx.AsyncClient) -> None:
    async with _meili_of(app, "http://127.0.0.1:9", None, timeout=1.0):  # nothing listens
        without_q = await loaded.get("/v1/stats", params={"group_by": "year"})
        with_q = await loaded.get("/v1/stats", params={"q": "Pellham"})
    assert without_q.status_code == 200
    assert without_q.json()["meta"]["total"] == TOTAL
    assert with_q.status_code == 503
    assert with_q.headers["content-type"] == "application/problem+json"
    assert with_q.headers["retry-after"] == "5"


@pytest.mark.parametrize(
    "params",
    [
        {"group_by": "county"},
        {"group_by": ""},
        {"sort": "median"},
        {"sort": "+count"},
        {"sort": "--count"},
        {"limit": 0},
        {"limit": 1001},
        {"limit": "ten"},
        {"q": "x" * 501},
        {"outcome": "won"},
        {"remedy_min": "lots"},
    ],
)
async def test_bad_values_are_422_problems(
    client: httpx.AsyncClient, params: dict[str, Any]
) -> None:
    response = await client.get("/v1/stats", params=params)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["location"].startswith(f"query.{next(iter(params))}")


async def test_unknown_parameter_is_400(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/stats", params={"groupby": "year"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert "group_by" in response.json()["detail"]


# --- the synthetic corpus: stats agree with search, SQL and the generator's ground truth --------


FULL_TEXT: list[dict[str, Any]] = [
    {"q": "school"},
    {"q": "parking", "decided_to": "-1y"},
    {"q": "care", "outcome": ["upheld"]},
    {"q": "EHCP"},
    {"q": '"the council" -fault', "decided_from": "2019-01-01"},
    {"q": "refusal", "remedy_type": ["financial_payment"]},
    {"q": "zzzqqqxxy"},
]


async def _sql_remedy_pence(corpus: LoadedCorpus, params: dict[str, Any]) -> int:
    """SUM(remedy_total_pence) over the same set, the full-text part from Meilisearch."""
    filters = decision_filters(**{k: v for k, v in params.items() if k != "q"})
    conditions = sql_conditions(filters)
    if params.get("q"):
        meili = corpus.app.state.meili
        found = await matching_references(meili, corpus.index_name, params["q"], filters)
        conditions.append(reference_in(found))
    query = (
        select(func.coalesce(func.sum(DECISION_TABLE.c.remedy_total_pence), 0))
        .select_from(
            DECISION_TABLE.join(
                ORGANISATIONS, DECISION_TABLE.c.organisation_id == ORGANISATIONS.c.id
            )
        )
        .where(*conditions)
    )
    with Session(corpus.engine) as session:
        return int(session.scalar(query) or 0)


@pytest.mark.parametrize(
    "params",
    MATRIX + FULL_TEXT,
    ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "all",
)
async def test_totals_agree_with_search_and_sql(
    corpus: LoadedCorpus, params: dict[str, Any]
) -> None:
    search = await corpus.client.get("/v1/decisions", params=params)
    assert search.status_code == 200, search.text
    expected = search.json()["meta"]["total"]
    body = await get_stats(corpus.client, group_by="council", limit=1000, **params)
    assert body["meta"]["total"] == expected
    assert body["meta"]["groups"] == len(body["data"])
    assert sum(r["count"] for r in body["data"]) == expected
    pounds = sum((Decimal(str(r["remedy_total"])) for r in body["data"]), Decimal(0))
    assert pounds == Decimal(await _sql_remedy_pence(corpus, params)) / 100
    if not params:
        assert expected == SYNTHETIC + 3


@pytest.mark.parametrize("group_by", ["outcome", "year", "month", "category", "remedy_type"])
async def test_every_grouping_covers_every_decision(corpus: LoadedCorpus, group_by: str) -> None:
    body = await get_stats(corpus.client, group_by=group_by, limit=1000, q="council")
    search = (await corpus.client.get("/v1/decisions", params={"q": "council"})).json()
    assert body["meta"]["total"] == search["meta"]["total"]
    counted = sum(r["count"] for r in body["data"])
    if group_by == "remedy_type":  # a decision counts once per type, or once in the null group
        assert counted >= body["meta"]["total"]
    else:
        assert counted == body["meta"]["total"]


def _pounds(pence: float) -> float:
    """Pence to pounds, 2 dp, halves away from zero (PostgreSQL's round on numeric)."""
    return float((Decimal(str(pence)) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _truth_by_year() -> list[Row]:
    """The synthetic decisions' figures per year, from the generator's ground truth alone."""
    years: dict[str | None, list[ParsedDecision]] = {}
    for demo in generate(SYNTHETIC, seed=11):
        day = demo.truth.decided_on
        years.setdefault(str(day.year) if day else None, []).append(demo.truth)
    rows = []
    for year in sorted(years, key=lambda y: (y is None, y)):
        group = years[year]
        known = [t.outcome for t in group if t.outcome is not None]
        upheld = known.count("upheld")
        remedies = [t.remedy_total_pence for t in group if t.remedy_total_pence is not None]
        rows.append(
            row(
                year,
                year or "Undated",
                len(group),
                upheld,
                round(upheld / len(known), 4) if known else None,
                _pounds(sum(remedies)),
                _pounds(statistics.median(remedies)) if remedies else None,
                _pounds(max(remedies)) if remedies else None,
                sum(1 for r in remedies if r > 0),
            )
        )
    return rows


async def test_figures_per_year_match_the_ground_truth(corpus: LoadedCorpus) -> None:
    body = await get_stats(corpus.client, group_by="year", sort="key", source="synthetic")
    assert body["meta"]["total"] == SYNTHETIC
    assert core(body["data"]) == _truth_by_year()


async def test_counts_per_outcome_and_remedy_type_match_the_ground_truth(
    corpus: LoadedCorpus,
) -> None:
    truths = [demo.truth for demo in generate(SYNTHETIC, seed=11)]
    outcomes = Counter(t.outcome for t in truths)
    body = await get_stats(corpus.client, group_by="outcome", source="synthetic")
    assert {r["key"]: r["count"] for r in body["data"]} == outcomes
    kinds: list[str | None] = [kind for t in truths for kind in t.remedy_types]
    types = Counter(kinds + [None] * sum(1 for t in truths if not t.remedy_types))
    body = await get_stats(corpus.client, group_by="remedy_type", source="synthetic")
    assert {r["key"]: r["count"] for r in body["data"]} == types
    paying = await get_stats(corpus.client, group_by="remedy_type", remedy_type="refund")
    refund = next(r for r in paying["data"] if r["key"] == "refund")
    assert refund["count"] == paying["meta"]["total"] == types["refund"]


async def test_listing_every_match_has_its_own_timeout(
    app: FastAPI, loaded: httpx.AsyncClient
) -> None:
    """Stats with q list every match, a batch that outlasts a page's MEILI_TIMEOUT_S on the
    whole site under load (the soak's 503s, docs/benchmarks.md): it gets
    MEILI_LISTING_TIMEOUT_S instead, while a page keeps the short one."""
    working = app.state.meili
    async with _meili_of(app, working.url, working.key, timeout=1e-6):
        stats_q = await loaded.get("/v1/stats", params={"q": "Pellham"})
        page_q = await loaded.get("/v1/decisions", params={"q": "Pellham"})
    assert stats_q.status_code == 200, stats_q.text
    assert stats_q.json()["meta"]["total"] > 0
    assert page_q.status_code == 503
