"""PostgreSQL down or too slow: problem+json 503/504 everywhere but /healthz, never a hang."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import httpx
import pytest

from app.config import Settings
from app.main import create_app
from app.stack import Services, _free_port
from tests.app.search_corpus import LoadedCorpus


async def _client(settings: Settings, services: Services) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, services)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


@pytest.fixture
async def without_postgres(
    settings: Settings, test_services: Services, index_name: str
) -> AsyncIterator[httpx.AsyncClient]:
    dead = replace(test_services, database_url=f"postgresql://postgres@127.0.0.1:{_free_port()}/x")
    async for client in _client(settings.model_copy(update={"meili_index": index_name}), dead):
        yield client


@pytest.mark.parametrize(
    "path",
    [
        "/v1/decisions/17-015-692",
        "/v1/stats?group_by=council",
        "/v1/councils",
        "/v1/categories",
        "/v1/decisions/export?format=csv",
        "/v1/decisions/feed.atom",
    ],
)
async def test_postgres_down_is_503_problem(without_postgres: httpx.AsyncClient, path: str) -> None:
    response = await without_postgres.get(path)
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "5"
    assert response.json()["title"] == "Database unavailable"


async def test_health_still_answers_without_postgres(without_postgres: httpx.AsyncClient) -> None:
    assert (await without_postgres.get("/healthz")).status_code == 200
    ready = await without_postgres.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"]["postgres"] == "down"


async def test_a_query_over_the_statement_timeout_is_504(
    corpus: LoadedCorpus, settings: Settings, services: Services
) -> None:
    database_url = corpus.engine.url.render_as_string(hide_password=False)
    bounded = settings.model_copy(
        update={"meili_index": corpus.index_name, "statement_timeout_ms": 1}
    )
    async for client in _client(bounded, replace(services, database_url=database_url)):
        response = await client.get("/v1/stats", params={"group_by": "remedy_type"})
        assert response.status_code == 504, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["detail"] == (
            "The query took too long and was cancelled; narrow the filters."
        )
