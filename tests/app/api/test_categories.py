"""/v1/categories on real PostgreSQL: the tree and its counts for the hand-written decisions of
tests/app/api/bodies.py (10 decisions, 2 of them without a category)."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import Engine

from app.search.client import MeiliClient
from tests.app.api.bodies import load_decisions


async def test_tree_with_exact_counts(
    client: httpx.AsyncClient, engine: Engine, meili: MeiliClient, index_name: str
) -> None:
    await load_decisions(engine, meili, index_name)
    response = await client.get("/v1/categories")
    assert response.status_code == 200
    assert response.json() == {
        "data": [
            {"name": "Housing", "slug": "housing", "count": 4, "subcategories": [
                {"name": "Homelessness", "slug": "homelessness", "count": 3},
                {"name": "Allocations", "slug": "allocations", "count": 1},
            ]},
            # 2 each: ties are ordered by name, categories and sub-categories alike
            {"name": "Adult care services", "slug": "adult-care-services", "count": 2,
             "subcategories": [
                {"name": "Charging", "slug": "charging", "count": 1},
                {"name": "Residential care", "slug": "residential-care", "count": 1},
            ]},
            {"name": "Education", "slug": "education", "count": 2, "subcategories": [
                {"name": "School admissions", "slug": "school-admissions", "count": 1},
                {"name": "Special educational needs", "slug": "special-educational-needs",
                 "count": 1},
            ]},
        ],
        "meta": {"total": 3, "decisions": 10, "uncategorised": 2},
    }  # fmt: skip


async def test_empty_database(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/categories")).json()
    assert body == {"data": [], "meta": {"total": 0, "decisions": 0, "uncategorised": 0}}


async def test_parameters_are_rejected(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/categories", params={"sort": "name"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"


async def test_openapi_documents_every_field(client: httpx.AsyncClient) -> None:
    schema: dict[str, Any] = (await client.get("/openapi.json")).json()
    operation = schema["paths"]["/v1/categories"]["get"]
    assert operation["operationId"] == "list_categories"
    assert operation.get("parameters", []) == []
    models = schema["components"]["schemas"]
    for name in ("CategoryNode", "SubcategoryNode", "CategoryMeta"):
        for field, prop in models[name]["properties"].items():
            assert prop.get("description"), f"{name}.{field}"
            assert prop.get("examples") or field == "subcategories", f"{name}.{field}"
    for name in ("CategoryTree",):
        assert all(p.get("description") for p in models[name]["properties"].values())
