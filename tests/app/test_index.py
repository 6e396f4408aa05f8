"""The index settings are applied idempotently and do what they promise, on real Meilisearch."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.models import Decision, Organisation
from app.search.client import MeiliClient
from app.search.index import (
    SETTINGS,
    add_documents,
    days_since_epoch,
    document_for,
    document_id,
    ensure_index,
)


def _doc(reference: str, summary: str, decided: date | None = None) -> dict[str, Any]:
    organisation = Organisation(
        slug="wexmoor-district-council", name="Wexmoor District Council", body_type="council"
    )
    decision = Decision(
        reference=reference,
        organisation_id=1,
        summary=summary,
        body=summary,
        source="synthetic",
        content_hash="x",
        parser_version="1",
        decided_on=decided,
    )
    return document_for(decision, organisation)


async def test_settings_applied_and_idempotent(meili: MeiliClient, index_name: str) -> None:
    await ensure_index(meili, index_name)
    await ensure_index(meili, index_name)  # a second start changes nothing and does not fail
    applied = await meili.request("GET", f"/indexes/{index_name}/settings")
    assert applied["searchableAttributes"] == SETTINGS["searchableAttributes"]
    assert sorted(applied["filterableAttributes"]) == sorted(SETTINGS["filterableAttributes"])
    assert sorted(applied["sortableAttributes"]) == sorted(SETTINGS["sortableAttributes"])
    assert applied["rankingRules"] == SETTINGS["rankingRules"]
    assert applied["pagination"] == {"maxTotalHits": 1_000_000}
    assert applied["faceting"]["maxValuesPerFacet"] == 2_000
    assert applied["synonyms"] == SETTINGS["synonyms"]


async def test_synonyms_find_the_long_form(meili: MeiliClient, index_name: str) -> None:
    await ensure_index(meili, index_name)
    await add_documents(
        meili,
        index_name,
        [
            _doc("20 000 001", "The council delayed the education, health and care plan."),
            _doc("20 000 002", "The council failed to award a disabled facilities grant."),
            _doc("20 000 003", "Missed bin collections on three occasions."),
            _doc("20 000 004", "A DoLS authorisation lapsed; the SEN team did not reply."),
            _doc("20 000 005", "The DFG application was lost."),
        ],
    )
    for query, expected in [
        ("EHCP", ["20 000 001"]),
        ("DFG", ["20 000 005", "20 000 002"]),
        ("disabled facilities grant", ["20 000 002", "20 000 005"]),
        ("deprivation of liberty", ["20 000 004"]),
        ("special educational needs", ["20 000 004"]),
    ]:
        found = await meili.request(
            "POST",
            f"/indexes/{index_name}/search",
            {"q": query, "attributesToRetrieve": ["reference"]},
        )
        assert [hit["reference"] for hit in found["hits"]] == expected, query


async def test_newest_decision_breaks_relevance_ties(meili: MeiliClient, index_name: str) -> None:
    await ensure_index(meili, index_name)
    await add_documents(
        meili,
        index_name,
        [
            _doc("20 000 011", "Homelessness duty not accepted.", date(2015, 1, 1)),
            _doc("20 000 012", "Homelessness duty not accepted.", date(2024, 6, 1)),
            _doc("20 000 013", "Homelessness duty not accepted.", date(2019, 3, 1)),
        ],
    )
    found = await meili.request("POST", f"/indexes/{index_name}/search", {"q": "homelessness"})
    assert [hit["reference"] for hit in found["hits"]] == ["20 000 012", "20 000 013", "20 000 011"]


async def test_deep_pages_are_not_capped_at_1000(meili: MeiliClient, index_name: str) -> None:
    await ensure_index(meili, index_name)
    docs = [
        _doc(f"21 {n // 1000:03d} {n % 1000:03d}", "Council tax arrears.") for n in range(1_205)
    ]
    await add_documents(meili, index_name, docs)
    found = await meili.request(
        "POST", f"/indexes/{index_name}/search", {"q": "", "hitsPerPage": 100, "page": 13}
    )
    assert found["totalHits"] == 1_205
    assert found["totalPages"] == 13
    assert len(found["hits"]) == 5


def test_document_mapping() -> None:
    doc = _doc("17 015 692", "Summary text.", date(2019, 5, 7))
    assert doc["id"] == "17015692" == document_id("17 015 692")
    assert doc["decided_days"] == days_since_epoch(date(2019, 5, 7)) == 18023
    assert doc["year"] == 2019
    assert doc["council_slug"] == "wexmoor-district-council"
    assert doc["council_name_lower"] == "wexmoor district council"
    assert doc["has_payment"] is False
