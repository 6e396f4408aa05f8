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
"""

from __future__ import annotations

import hashlib
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from app.search.client import MeiliClient
from app.search.index import ensure_index
from ingest.documents import DocumentResult, RawDocument
from ingest.load import Loader
from ingest.parse.record import parse_text

WEXMOOR = "Wexmoor District Council"
HARTSBY = "Hartsby Borough Council"
SUNNY = "Sunny Days Care Ltd"
ASHCOMBE = "Ashcombe City Council"

# (body, reference, category, Decision line, date, agreed action); None leaves the line out.
DECISIONS: list[tuple[str, str, str | None, str | None, str, str]] = [
    (WEXMOOR, "23 000 001", "Housing > Homelessness", "Upheld: maladministration and injustice",
     "12 March 2024",
     "The Council will pay Ms B £250 for distress and refund £1,000.50 of fees. The Council has "
     "already paid Ms B £300. It will pay Mr and Mrs C £150 each. It will waive the £400 charge."),
    (WEXMOOR, "23 000 002", "Housing > Homelessness", "Not upheld: no maladministration",
     "2 February 2023", "None."),
    (WEXMOOR, "23 000 003", "Education > Special educational needs", "Upheld", "5 June 2024",
     "The Council will pay Ms B £500."),
    (WEXMOOR, "23 000 004", None, "Closed after initial enquiries: out of jurisdiction",
     "1 January 2022", "None."),
    (WEXMOOR, "23 000 005", "Housing > Allocations", None, "1 August 2023", "None."),
    (WEXMOOR, "23 000 006", "Education > School admissions", "Upheld", "30 September 2024",
     "The Council will pay Ms B £2,000 for distress and pay Ms B £100 for time and trouble."),
    (HARTSBY, "23 100 001", "Adult care services > Charging", "Upheld", "3 March 2023",
     "The Council will pay Mr D £5,000."),
    (HARTSBY, "23 100 002", "Housing > Homelessness", "Not upheld", "9 May 2023", "None."),
    (SUNNY, "23 200 001", "Adult care services > Residential care", "Upheld", "7 July 2024",
     "The care provider will pay Mrs E £100."),
    (ASHCOMBE, "23 300 001", None, None, "4 April 2024", "None."),
]  # fmt: skip


def decision_text(
    body: str, reference: str, category: str | None, outcome: str | None, day: str, action: str
) -> str:
    """A decision in the LGSCO plain-text layout (header lines, numbered sections)."""
    lines = [f"{body} ({reference})", ""]
    if category:
        lines += [f"Category : {category}", ""]
    if outcome:
        lines += [f"Decision : {outcome}", ""]
    lines += [
        f"Decision date : {day}",
        "",
        f"Summary: Ms B complained about {body} ({reference}).",
        "",
        "The complaint",
        "1. Ms B complained the body took too long to act.",
        "",
        "Agreed action",
        f"2. {action}",
        "",
        "Final decision",
        "3. I have completed my investigation.",
        "",
    ]
    return "\n".join(lines)


def _raw(text: str, reference: str) -> RawDocument:
    location, digest = f"mem:{reference}", hashlib.sha256(text.encode()).hexdigest()
    return RawDocument(location, digest, lambda: DocumentResult(location, digest, parse_text(text)))


async def load_decisions(engine: Engine, meili: MeiliClient, index_name: str) -> None:
    """Load DECISIONS into the test's database and index (both empty before)."""
    await ensure_index(meili, index_name)
    summary = await Loader(engine, meili, index_name).load(
        [_raw(decision_text(*row), row[1]) for row in DECISIONS]
    )
    assert (summary.created, summary.failed) == (len(DECISIONS), 0)


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


async def test_list_has_exact_figures(loaded: httpx.AsyncClient) -> None:
    body = await _get(loaded, "/v1/councils")
    assert body["meta"] == {"total": 4, "page": 1, "per_page": 100, "pages": 1}
    assert body["data"] == [
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
        {"year": 2022, "decisions": 1, "upheld": 0},
        {"year": 2023, "decisions": 2, "upheld": 0},
        {"year": 2024, "decisions": 3, "upheld": 3},
    ]
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


def _every_field_documented(schema: dict[str, Any], name: str, seen: set[str]) -> list[str]:
    """Names of properties (recursively) without a description or example."""
    if name in seen:
        return []
    seen.add(name)
    missing = []
    for field, prop in schema["components"]["schemas"][name].get("properties", {}).items():
        if "description" not in prop:
            missing.append(f"{name}.{field}: description")
        if "$ref" not in str(prop) and "examples" not in prop:
            missing.append(f"{name}.{field}: examples")
        for ref in _refs(prop):
            missing += _every_field_documented(schema, ref, seen)
    return missing


def _refs(prop: Any) -> list[str]:
    if isinstance(prop, dict):
        found = [prop["$ref"].rsplit("/", 1)[1]] if "$ref" in prop else []
        return found + [r for value in prop.values() for r in _refs(value)]
    if isinstance(prop, list):
        return [r for value in prop for r in _refs(value)]
    return []


async def test_openapi_documents_every_parameter_and_field(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    for path, operation_id, model in [
        ("/v1/councils", "list_councils", "CouncilList"),
        ("/v1/councils/{slug}", "get_council", "CouncilOut"),
    ]:
        operation = schema["paths"][path]["get"]
        assert operation["operationId"] == operation_id
        for param in operation["parameters"]:
            assert param.get("description"), param["name"]
            assert param.get("examples") or param["schema"].get("examples"), param["name"]
        ok = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        assert ok.endswith("/" + model)
        for status in ("404", "422"):
            assert "application/problem+json" in operation["responses"][status]["content"]
    missing = _every_field_documented(schema, "CouncilList", set())
    missing += _every_field_documented(schema, "CouncilOut", set())
    assert missing == []


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
