"""The MCP server at /mcp, through the SDK's own client over HTTP against a served demo: it
lists its tools, answers each with the same figures as /v1, and turns bad arguments into tool
errors that say what to change (issue 17)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from mcp import Client
from mcp_types import TextContent

from app.stack import Services
from tests.app.served import DEMO, service_env, serving
from tests.conftest import scratch_database

TOOLS = {
    "search_decisions", "get_decision", "similar_decisions", "decision_stats", "council_profile",
    "list_categories",
}  # fmt: skip


@pytest.fixture(scope="module")
def served(
    services: Services, template_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    name = f"test_{uuid.uuid4().hex[:12]}"
    data = tmp_path_factory.mktemp("mcp")
    with scratch_database(services, name, template_database) as url:
        env = service_env(services, url, name, data / "data")
        with serving(env, data / "serve.log") as base:
            yield base
        httpx.delete(
            f"{services.meili_url}/indexes/{name}",
            headers={"Authorization": f"Bearer {services.meili_key}"},
        )


def _text(result: Any) -> str:
    block = result.content[0]
    assert isinstance(block, TextContent), block
    return block.text


def _json(result: Any) -> Any:
    assert not result.is_error, result.content
    return json.loads(_text(result))


def _v1(served: str, path: str, params: Any = None) -> Any:
    response = httpx.get(f"{served}{path}", params=params, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_tools_are_listed_with_descriptions_and_typed_parameters(served: str) -> None:
    async with Client(f"{served}/mcp") as client:
        listed = await client.list_tools()
        tools = {tool.name: tool for tool in listed.tools}
        assert set(tools) == TOOLS
        for tool in tools.values():
            assert tool.description is not None, tool.name
            assert len(tool.description) > 60, tool.name
        search = tools["search_decisions"].input_schema
        assert {"q", "filters", "sort", "page", "per_page", "facets"} <= set(search["properties"])
        assert tools["get_decision"].input_schema["required"] == ["reference"]


async def test_search_agrees_with_the_api(served: str) -> None:
    async with Client(f"{served}/mcp") as client:
        answer = _json(
            await client.call_tool(
                "search_decisions",
                {"filters": {"outcome": ["upheld"], "remedy_min": 500}, "facets": ["council"]},
            )
        )
        api = _v1(served, "/v1/decisions", {"outcome": "upheld", "remedy_min": "500.00"})
        assert answer["total"] == api["meta"]["total"] > 0
        assert [i["reference"] for i in answer["items"]] == [
            i["reference"] for i in api["data"][:10]
        ]
        first = answer["items"][0]
        assert "body" not in api["data"][0]  # lists carry no full text, and neither do tools
        assert first["api_url"] == f"{served}/v1/decisions/{first['reference'].replace(' ', '-')}"
        assert first["explorer_url"].startswith(f"{served}/decisions/")
        assert sum(v["count"] for v in answer["facets"]["council"]) == answer["total"]
        everything = _json(await client.call_tool("search_decisions", {}))
        assert everything["total"] == DEMO


async def test_stats_profile_categories_and_one_decision_agree(served: str) -> None:
    async with Client(f"{served}/mcp") as client:
        stats = _json(
            await client.call_tool(
                "decision_stats", {"group_by": "council", "sort": "-remedy_total", "per_page": 5}
            )
        )
        api = _v1(
            served, "/v1/stats", {"group_by": "council", "sort": "-remedy_total", "per_page": 5}
        )
        assert stats["data"] == api["data"]
        assert stats["meta"]["total"] == DEMO
        slug = stats["data"][0]["key"]
        profile = _json(await client.call_tool("council_profile", {"council": slug}))
        assert profile["decisions"] == _v1(served, f"/v1/councils/{slug}")["data"]["decisions"]
        assert profile["explorer_url"] == f"{served}/councils/{slug}"
        categories = _json(await client.call_tool("list_categories", {}))
        assert categories["data"] == _v1(served, "/v1/categories")["data"]
        reference = _v1(served, "/v1/decisions", {"per_page": 1})["data"][0]["reference"]
        record = _json(await client.call_tool("get_decision", {"reference": reference}))
        assert record["reference"] == reference
        assert "text" not in record
        assert record["source"] == "synthetic"
        full = _json(
            await client.call_tool(
                "get_decision", {"reference": reference.replace(" ", ""), "include_text": True}
            )
        )
        assert (
            full["text"]
            == _v1(served, f"/v1/decisions/{reference.replace(' ', '-')}")["data"]["body"][:20_000]
        )


@pytest.mark.parametrize(
    ("tool", "arguments", "says"),
    [
        ("get_decision", {"reference": "99 999 999"}, "404 Not Found: No decision with reference"),
        ("get_decision", {"reference": "abc"}, "is not a reference"),
        ("council_profile", {"council": "no-such-council"}, "404"),
        (
            "search_decisions",
            {"filters": {"decided_from": "yesterday"}},
            "decided_from: 'yesterday' is not a date",
        ),
        ("search_decisions", {"filters": {"council": ["!!!"]}}, "council: '!!!' names nothing"),
    ],
)
async def test_bad_arguments_are_tool_errors_saying_what_to_change(
    served: str, tool: str, arguments: dict[str, Any], says: str
) -> None:
    async with Client(f"{served}/mcp") as client:
        result = await client.call_tool(tool, arguments)
        assert result.is_error
        assert says in _text(result)


async def test_arguments_outside_the_schema_are_refused_before_any_request(served: str) -> None:
    async with Client(f"{served}/mcp") as client:
        result = await client.call_tool("search_decisions", {"per_page": 500})
        assert result.is_error
        assert "per_page" in _text(result)


async def test_similar_and_meaning_agree_with_the_api(served: str) -> None:
    async with Client(f"{served}/mcp") as client:
        reference = _v1(served, "/v1/decisions", {"per_page": 1})["data"][0]["reference"]
        similar = _json(
            await client.call_tool(
                "similar_decisions",
                {"reference": reference, "per_page": 3, "filters": {"outcome": ["upheld"]}},
            )
        )
        api = _v1(
            served,
            f"/v1/decisions/{reference.replace(' ', '-')}/similar",
            {"per_page": 3, "outcome": "upheld"},
        )
        assert [(i["reference"], i["score"]) for i in similar["items"]] == [
            (i["reference"], i["score"]) for i in api["data"]
        ]
        assert similar["items"]
        meaning = _json(
            await client.call_tool("search_decisions", {"q": "bins not collected", "semantic": 0.5})
        )
        api_meaning = _v1(served, "/v1/decisions", {"q": "bins not collected", "semantic": "0.5"})
        assert meaning["total"] == api_meaning["meta"]["total"]
