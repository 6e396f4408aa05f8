"""Health checks and error format, against the real services."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest

from app.config import Settings
from app.main import create_app
from app.stack import Services, _free_port


async def test_healthz_answers_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_checks_both_services(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"postgres": "ok", "meilisearch": "ok"}}


@pytest.mark.parametrize("down", ["meilisearch", "postgres"])
async def test_readyz_names_the_service_that_is_down(
    settings: Settings, test_services: Services, index_name: str, down: str
) -> None:
    # A real unreachable service: nothing listens on a freshly freed port.
    dead = f"127.0.0.1:{_free_port()}"
    if down == "meilisearch":
        services = replace(test_services, meili_url=f"http://{dead}")
    else:
        services = replace(test_services, database_url=f"postgresql://postgres@{dead}/x")
    app = create_app(settings.model_copy(update={"meili_index": index_name}), services)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 503
    assert body["detail"] == f"Unreachable: {down}"
    assert body["checks"][down] == "down"
    assert [name for name, state in body["checks"].items() if state == "ok"] == [
        name for name in ("postgres", "meilisearch") if name != down
    ]


async def test_unknown_path_is_problem_json(client: httpx.AsyncClient) -> None:
    response = await client.get("/no/such/thing")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "No resource at /no/such/thing; see /docs for the API.",
        "instance": f"/no/such/thing#request-{response.headers['x-request-id']}",
    }


async def test_wrong_method_is_problem_json(client: httpx.AsyncClient) -> None:
    response = await client.post("/healthz")
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"] == "Method Not Allowed"


async def test_openapi_and_docs_are_served(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    assert schema["info"]["title"] == "Ombudsearch"
    assert {"/healthz", "/readyz"} <= set(schema["paths"])
    assert schema["paths"]["/readyz"]["get"]["operationId"] == "readiness"
    docs = await client.get("/docs")
    assert docs.status_code == 200
    assert "swagger" in docs.text.lower()


async def test_cors_allows_configured_origin(cors_client: httpx.AsyncClient) -> None:
    async with cors_client as client:
        allowed = await client.get("/healthz", headers={"Origin": "https://news.example"})
        other = await client.get("/healthz", headers={"Origin": "https://evil.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://news.example"
    assert "access-control-allow-origin" not in other.headers


async def test_unknown_query_parameter_is_a_400_naming_it(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", params={"counci": "kent"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["unknown"] == ["counci"]
    assert body["detail"] == "Unknown query parameter: 'counci'. Accepted: none."
