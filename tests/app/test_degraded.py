"""With Meilisearch unreachable, /v1/decisions without q answers from PostgreSQL, identically."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.stack import Services
from tests.app.search_corpus import LoadedCorpus, without_search_engine
from tests.app.test_filters import MATRIX

DEGRADED = (
    "Search engine unavailable: answered from the database (same filters, totals and facets; "
    "no full text)."
)


@pytest.fixture(scope="module")
async def without_meili(
    corpus: LoadedCorpus, settings: Settings, services: Services
) -> AsyncIterator[httpx.AsyncClient]:
    """An app on the corpus's database whose Meilisearch is a port nobody listens on."""
    async with without_search_engine(corpus, settings, services) as client:
        yield client


def _comparable(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "refs": [item["reference"] for item in body["data"]],
        "data": body["data"],
        "total": body["meta"]["total"],
        "facets": body["facets"],
        "links": body["links"],
    }


@pytest.mark.parametrize(
    "params", MATRIX, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "all"
)
@pytest.mark.parametrize("sort", ["-decided_on", "decided_on", "-remedy_total"])
async def test_same_answer_as_the_search_engine(
    corpus: LoadedCorpus, without_meili: httpx.AsyncClient, params: dict[str, Any], sort: str
) -> None:
    query = {
        **params,
        "sort": sort,
        "per_page": 50,
        "page": 2,
        "facets": "council,outcome,year,remedy_type,category",
    }
    live = await corpus.client.get("/v1/decisions", params=query)
    degraded = await without_meili.get("/v1/decisions", params=query)
    assert live.status_code == degraded.status_code == 200, degraded.text
    assert _comparable(degraded.json()) == _comparable(live.json())
    assert degraded.json()["meta"]["warnings"][-1] == DEGRADED


async def test_full_text_is_503_with_retry_after(without_meili: httpx.AsyncClient) -> None:
    response = await without_meili.get("/v1/decisions", params={"q": "EHCP"})
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "5"
    assert response.json()["detail"] == (
        "Full-text search is unavailable; try again shortly, or leave out q."
    )


async def test_a_record_and_readiness(without_meili: httpx.AsyncClient) -> None:
    record = await without_meili.get("/v1/decisions/90-000-001")
    assert record.status_code == 200
    ready = await without_meili.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"postgres": "ok", "meilisearch": "down"}
