"""/v1/councils and /v1/councils/{slug} on real PostgreSQL and Meilisearch, with exact answers.

The decisions below are written by hand so every figure is known in advance:

| body | decisions | upheld | known outcome | rate | remedy (£) |
|---|---|---|---|---|---|
| Ashcombe City Council | 1 | 0 | 0 | null | 0 |
| Hartsby Borough Council | 2 | 1 | 2 | 0.5 | 5,000 |
| Sunny Days Care Ltd (care provider) | 1 | 1 | 1 | 1.0 | 100 |
| Wexmoor District Council | 6 | 3 | 5 | 0.6 | 4,150.50 |

Wexmoor's remedy: 250 + 1,000.50 refund + 2 × 150 (decision 1; its £300 already paid and its
£400 waiver are left out) + 500 + 2,000 + 100.

Comparison with bodies of the same kind: the councils with a known outcome are Hartsby (0.5)
and Wexmoor (0.6), so 2 peers averaging 0.55 (Ashcombe has no rate and is not a peer); Sunny
Days is the only care provider. With STATS_EXTRA's Pellham (0.5) the councils average 0.5333.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, text

from app.search.client import MeiliClient
from tests.app.api.bodies import (
    ASHCOMBE,
    DECISIONS,
    HARTSBY,
    STATS_EXTRA,
    SUNNY,
    WEXMOOR,
    load_decisions,
)


@pytest.fixture
async def loaded(
    client: httpx.AsyncClient, engine: Engine, meili: MeiliClient, index_name: str
) -> httpx.AsyncClient:
    await load_decisions(engine, meili, index_name)
    return client


async def _get(client: httpx.AsyncClient, path: str, **params: Any) -> Any:
    response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def _slugs(client: httpx.AsyncClient, **params: Any) -> list[str]:
    return [item["slug"] for item in (await _get(client, "/v1/councils", **params))["data"]]


INTERVALS = ("with_outcome", "upheld_rate_low", "upheld_rate_high", "rate_reliable")


def _core(item: dict[str, Any]) -> dict[str, Any]:
    """An item without its rate's interval (tested in test_rates_have_intervals)."""
    return {k: v for k, v in item.items() if k not in INTERVALS}


async def test_rates_have_intervals(loaded: httpx.AsyncClient) -> None:
    items = {i["slug"]: i for i in (await _get(loaded, "/v1/councils"))["data"]}
    assert [items["wexmoor-district-council"][k] for k in INTERVALS] == [5, 0.2307, 0.8824, False]
    assert [items["sunny-days-care-ltd"][k] for k in INTERVALS] == [1, 0.2065, 1.0, False]
    assert [items["ashcombe-city-council"][k] for k in INTERVALS] == [0, None, None, False]
    profile = (await _get(loaded, "/v1/councils/wexmoor-district-council"))["data"]
    assert {k: profile[k] for k in INTERVALS} == {
        k: items["wexmoor-district-council"][k] for k in INTERVALS
    }
    assert (profile["reports"], profile["further_reports"]) == (0, 0)
    assert (profile["compliance_confirmed"], profile["compliance_median_days"]) == (0, None)


async def test_rate_order_puts_reliable_rates_first(
    app: FastAPI, loaded: httpx.AsyncClient
) -> None:
    kept = app.state.settings
    app.state.settings = kept.model_copy(update={"min_rate_n": 2})
    try:
        slugs = await _slugs(loaded, sort="-upheld_rate")
    finally:
        app.state.settings = kept
    # Wexmoor (5 known) and Hartsby (2) are reliable; Sunny Days' 100% is from one decision.
    assert [s.split("-")[0] for s in slugs] == ["wexmoor", "hartsby", "sunny", "ashcombe"]


async def test_comparison_says_whether_the_difference_is_clear(
    loaded: httpx.AsyncClient, engine: Engine
) -> None:
    data = (await _get(loaded, "/v1/councils/wexmoor-district-council"))["data"]
    assert data["comparison"]["difference_clear"] is False  # 0.55 is inside 0.2307–0.8824
    assert data["comparison"]["summary"] == (
        "Upheld 60% (23–88%) against 55% for councils on average: the difference is within "
        "the uncertainty of its rate, so it may be chance."
    )
    # 40 more upheld decisions for Hartsby: 41 of 42, far above the councils' average.
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO decision (reference, organisation_id, outcome, summary, body, "
                "source, content_hash, parser_version, outcome_inferred) "
                "SELECT '7' || lpad(n::text, 7, '0'), organisation_id, 'upheld', 's', 'b', "
                "'synthetic', 'h' || n, '1', false FROM generate_series(1, 40) AS n, "
                "(SELECT organisation_id FROM decision WHERE reference = '23 100 001') AS o"
            )
        )
    hartsby = (await _get(loaded, "/v1/councils/hartsby-borough-council"))["data"]
    assert hartsby["rate_reliable"] is True
    assert hartsby["comparison"]["difference_clear"] is True
    assert hartsby["comparison"]["summary"].endswith(
        "clearly more often, beyond the uncertainty of its rate."
    )


async def test_list_has_exact_figures(loaded: httpx.AsyncClient) -> None:
    body = await _get(loaded, "/v1/councils")
    assert body["meta"] == {"total": 4, "page": 1, "per_page": 100, "pages": 1}
    assert [_core(item) for item in body["data"]] == [
        {"name": ASHCOMBE, "slug": "ashcombe-city-council", "body_type": "council",
         "decisions": 1, "upheld": 0, "upheld_rate": None, "remedy_total": 0.0,
         "url": "/v1/councils/ashcombe-city-council"},
        {"name": HARTSBY, "slug": "hartsby-borough-council", "body_type": "council",
         "decisions": 2, "upheld": 1, "upheld_rate": 0.5, "remedy_total": 5000.0,
         "url": "/v1/councils/hartsby-borough-council"},
        {"name": SUNNY, "slug": "sunny-days-care-ltd", "body_type": "care_provider",
         "decisions": 1, "upheld": 1, "upheld_rate": 1.0, "remedy_total": 100.0,
         "url": "/v1/councils/sunny-days-care-ltd"},
        {"name": WEXMOOR, "slug": "wexmoor-district-council", "body_type": "council",
         "decisions": 6, "upheld": 3, "upheld_rate": 0.6, "remedy_total": 4150.5,
         "url": "/v1/councils/wexmoor-district-council"},
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["ashcombe", "hartsby", "sunny", "wexmoor"]),
        ("-decisions", ["wexmoor", "hartsby", "ashcombe", "sunny"]),  # 1-1 tie: by name
        ("-remedy_total", ["hartsby", "wexmoor", "sunny", "ashcombe"]),
        ("-upheld_rate", ["sunny", "wexmoor", "hartsby", "ashcombe"]),  # null last
    ],
)
async def test_sort_orders(loaded: httpx.AsyncClient, sort: str, expected: list[str]) -> None:
    slugs = await _slugs(loaded, sort=sort)
    assert [s.split("-")[0] for s in slugs] == expected


async def test_paging_reaches_the_end(loaded: httpx.AsyncClient) -> None:
    first = await _get(loaded, "/v1/councils", per_page=3)
    second = await _get(loaded, "/v1/councils", per_page=3, page=2)
    beyond = await _get(loaded, "/v1/councils", per_page=3, page=3)
    assert first["meta"] == {"total": 4, "page": 1, "per_page": 3, "pages": 2}
    assert [c["slug"] for c in first["data"] + second["data"]] == await _slugs(loaded)
    assert len(second["data"]) == 1
    assert beyond["data"] == []
    assert beyond["meta"]["total"] == 4


async def test_body_type_filter_is_or_within_the_parameter(loaded: httpx.AsyncClient) -> None:
    assert await _slugs(loaded, body_type="care_provider") == ["sunny-days-care-ltd"]
    assert len(await _slugs(loaded, body_type="council")) == 3
    assert len(await _slugs(loaded, body_type=["council", "care_provider"])) == 4
    assert await _slugs(loaded, body_type="other") == []


async def test_q_is_typo_tolerant_type_ahead(loaded: httpx.AsyncClient) -> None:
    assert await _slugs(loaded, q="wexmor") == ["wexmoor-district-council"]
    assert await _slugs(loaded, q="Hartsbey") == ["hartsby-borough-council"]
    assert await _slugs(loaded, q="wex") == ["wexmoor-district-council"]  # prefix
    assert await _slugs(loaded, q="moor") == ["wexmoor-district-council"]  # inside a word
    assert await _slugs(loaded, q="council") == [
        "ashcombe-city-council",
        "hartsby-borough-council",
        "wexmoor-district-council",
    ]
    assert await _slugs(loaded, q="council", body_type="care_provider") == []
    for wildcard in ("%", "_", "city_"):  # LIKE wildcards are literal characters
        assert await _slugs(loaded, q=wildcard) == []
    body = await _get(loaded, "/v1/councils", q="zzzqqq")
    assert body == {"data": [], "meta": {"total": 0, "page": 1, "per_page": 100, "pages": 0}}


async def test_profile_sections(loaded: httpx.AsyncClient) -> None:
    data = (await _get(loaded, "/v1/councils/wexmoor-district-council"))["data"]
    assert (data["decisions"], data["upheld"], data["upheld_rate"]) == (6, 3, 0.6)
    assert data["remedy_total"] == 4150.5
    assert data["decisions_by_year"] == [
        {"year": 2022, "decisions": 1, "upheld": 0, "not_upheld": 0,
         "closed_after_initial_enquiries": 1, "other": 0},
        {"year": 2023, "decisions": 2, "upheld": 0, "not_upheld": 1,  # and one without outcome
         "closed_after_initial_enquiries": 0, "other": 0},
        {"year": 2024, "decisions": 3, "upheld": 3, "not_upheld": 0,
         "closed_after_initial_enquiries": 0, "other": 0},
    ]  # fmt: skip
    assert data["comparison"] == {
        "body_type": "council",
        "peers": 2,
        "peer_upheld_rate": 0.55,
        "difference": 0.05,
        "difference_clear": False,
        "summary": "Upheld 60% (23–88%) against 55% for councils on average: the difference "
        "is within the uncertainty of its rate, so it may be chance.",
    }
    assert data["outcomes"] == {
        "upheld": 3,
        "closed_after_initial_enquiries": 1,
        "not_upheld": 1,
        "unknown": 1,
    }
    assert data["top_categories"] == [
        {"category": "Housing", "category_slug": "housing", "count": 3},
        {"category": "Education", "category_slug": "education", "count": 2},
    ]
    assert [(p["reference"], p["amount"], p["count"]) for p in data["largest_payments"]] == [
        ("23 000 006", 2000.0, 1),
        ("23 000 001", 1000.5, 1),
        ("23 000 003", 500.0, 1),
        ("23 000 001", 300.0, 2),
        ("23 000 001", 250.0, 1),
    ]  # £100 is sixth; the £300 already paid and the £400 waiver never count
    assert data["largest_payments"][3]["recipient"] == "Mr and Mrs C"
    assert data["largest_payments"][0]["decided_on"] == "2024-09-30"
    assert data["recent_decisions"][0] == {
        "reference": "23 000 006",
        "decided_on": "2024-09-30",
        "outcome": "upheld",
        "summary": f"Ms B complained about {WEXMOOR} (23 000 006).",
        "url": "/v1/decisions/23-000-006",
    }
    assert [d["reference"] for d in data["recent_decisions"]] == [
        "23 000 006",
        "23 000 003",
        "23 000 001",
        "23 000 005",
        "23 000 002",
    ]


@pytest.mark.parametrize(
    ("slug", "comparison"),
    [
        ("hartsby-borough-council", ("council", 2, 0.55, -0.05)),
        ("ashcombe-city-council", ("council", 2, 0.55, None)),  # no rate of its own
        ("sunny-days-care-ltd", ("care_provider", 1, 1.0, 0.0)),  # its own kind: itself
    ],
)
async def test_comparison_with_bodies_of_the_same_kind(
    loaded: httpx.AsyncClient, slug: str, comparison: tuple[str, int, float, float | None]
) -> None:
    data = (await _get(loaded, f"/v1/councils/{slug}"))["data"]
    keys = ("body_type", "peers", "peer_upheld_rate", "difference")
    assert {k: data["comparison"][k] for k in keys} == dict(zip(keys, comparison, strict=True))


async def test_comparison_rounds_to_four_places(
    client: httpx.AsyncClient, engine: Engine, meili: MeiliClient, index_name: str
) -> None:
    await load_decisions(engine, meili, index_name, DECISIONS + STATS_EXTRA)
    data = (await _get(client, "/v1/councils/wexmoor-district-council"))["data"]
    # (0.5 + 0.6 + 0.5) / 3 = 0.53333…; 0.6 − 0.5333 = 0.0667
    assert data["comparison"] | {"summary": ""} == {
        "body_type": "council",
        "peers": 3,
        "peer_upheld_rate": 0.5333,
        "difference": 0.0667,
        "difference_clear": False,
        "summary": "",
    }
    pellham = (await _get(client, "/v1/councils/pellham-town-council"))["data"]
    # Its upheld decision is undated: only the `other` one has a year.
    assert pellham["decisions_by_year"] == [
        {"year": 2024, "decisions": 1, "upheld": 0, "not_upheld": 0,
         "closed_after_initial_enquiries": 0, "other": 1},
    ]  # fmt: skip


async def test_profile_of_a_body_without_known_outcomes(loaded: httpx.AsyncClient) -> None:
    data = (await _get(loaded, "/v1/councils/ashcombe-city-council"))["data"]
    assert data["upheld_rate"] is None
    assert data["outcomes"] == {"unknown": 1}
    assert (data["top_categories"], data["largest_payments"]) == ([], [])
    assert data["recent_decisions"][0]["outcome"] is None


async def test_unknown_slug_is_404_with_suggestions(loaded: httpx.AsyncClient) -> None:
    response = await loaded.get("/v1/councils/wexmor")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 404
    assert (
        problem["detail"] == "No council with slug 'wexmor'; did you mean wexmoor-district-council?"
    )
    assert problem["suggestions"] == ["wexmoor-district-council"]
    nothing = (await loaded.get("/v1/councils/qqqqqqqqqqqq")).json()
    assert nothing["suggestions"] == []


@pytest.mark.parametrize(
    "params",
    [
        {"per_page": 0},
        {"per_page": 501},
        {"page": 0},
        {"page": "x"},
        {"sort": "decisions"},
        {"body_type": "parish"},
        {"q": "x" * 201},
    ],
)
async def test_bad_values_are_422_problems(
    client: httpx.AsyncClient, params: dict[str, Any]
) -> None:
    response = await client.get("/v1/councils", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["location"].startswith(f"query.{next(iter(params))}")


async def test_unknown_parameter_is_400(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/councils", params={"sortt": "name"})
    assert response.status_code == 400


async def test_empty_database_lists_nothing(client: httpx.AsyncClient) -> None:
    assert (await _get(client, "/v1/councils"))["meta"]["total"] == 0
    assert (await _get(client, "/v1/councils", q="wexmoor"))["data"] == []
    assert (await _get(client, "/v1/councils", q=" "))["meta"]["total"] == 0


async def test_q_without_meilisearch_is_503_and_listing_still_works(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    working = app.state.meili
    async with MeiliClient("http://127.0.0.1:9", None, timeout=1.0) as down:
        app.state.meili = down
        try:
            response = await client.get("/v1/councils", params={"q": "wexmoor"})
            listing = await client.get("/v1/councils")
        finally:
            app.state.meili = working
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "5"
    assert listing.status_code == 200
