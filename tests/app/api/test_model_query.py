"""ModelQuery: a dependency's query parameters validated by one model answer as FastAPI's own.

The same source function is mounted twice on one app: once as a plain FastAPI dependency, once
through ModelQuery. Every request must get the same answer from both, errors included, and the
OpenAPI operations must list the same parameters.
"""

from __future__ import annotations

from typing import Annotated, Any

import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI, Query
from hypothesis import given, settings
from hypothesis import strategies as st

from app.api.model_query import ModelQuery, ModelQueryRoute, _model_queries


def source(
    tag: Annotated[list[str], Query(max_length=3, description="Repeat for OR.")] = [],  # noqa: B006
    size: Annotated[int | None, Query(ge=1, le=10)] = None,
    flag: Annotated[bool | None, Query()] = None,
    word: Annotated[str, Query(min_length=2)] = "default",
) -> dict[str, Any]:
    return {"tag": tag, "size": size, "flag": flag, "word": word}


_by_model = ModelQuery(source)


def _app() -> FastAPI:
    app = FastAPI()
    router = APIRouter(route_class=ModelQueryRoute)

    @router.get("/fastapi")
    async def plain(page: int = 1, values: dict[str, Any] = Depends(source)) -> dict[str, Any]:
        return {"page": page, **values}

    @router.get("/model")
    async def modelled(
        page: int = 1,
        values: dict[str, Any] = Depends(_by_model),
    ) -> dict[str, Any]:
        return {"page": page, **values}

    app.include_router(router)
    return app


APP = _app()


async def _both(query: list[tuple[str, str]]) -> tuple[httpx.Response, httpx.Response]:
    transport = httpx.ASGITransport(app=APP)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return (
            await client.get("/fastapi", params=tuple(query)),
            await client.get("/model", params=tuple(query)),
        )


CASES = [
    [],
    [("tag", "a"), ("tag", "b")],
    [("size", "3"), ("size", "4")],  # repeated scalar: the last one, as FastAPI takes
    [("flag", "yes"), ("word", "ok")],
    [("size", "0")],
    [("size", "x"), ("flag", "maybe")],  # two errors, both reported
    [("tag", "a")] * 4,  # too many values
    [("word", "")],
    [("other", "ignored here: strictness.py rejects it app-wide")],
]


@pytest.mark.parametrize("query", CASES)
async def test_answers_as_fastapi_does(query: list[tuple[str, str]]) -> None:
    plain, modelled = await _both(query)
    assert modelled.status_code == plain.status_code
    assert modelled.json() == plain.json()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["tag", "size", "flag", "word"]),
            st.sampled_from(["", "1", "11", "true", "0", "ab", "x"]),
        ),
        max_size=6,
    )
)
async def test_any_query_answers_as_fastapi_does(query: list[tuple[str, str]]) -> None:
    plain, modelled = await _both(query)
    assert (modelled.status_code, modelled.json()) == (plain.status_code, plain.json())


def test_documents_the_same_parameters() -> None:
    paths = APP.openapi()["paths"]
    assert paths["/model"]["get"]["parameters"] == paths["/fastapi"]["get"]["parameters"]
    assert [p["name"] for p in paths["/model"]["get"]["parameters"]] == [
        "page", "tag", "size", "flag", "word",
    ]  # fmt: skip


def test_names_are_the_signature() -> None:
    assert _by_model.names == {"tag", "size", "flag", "word"}


def test_refuses_an_alias() -> None:
    def aliased(tag: Annotated[str | None, Query(alias="t")] = None) -> None:
        del tag

    with pytest.raises(TypeError, match="alias"):
        ModelQuery(aliased)


def test_every_route_with_a_model_query_documents_it() -> None:
    """A router that takes `filter_parameters` without `route_class=ModelQueryRoute` would
    accept the filters and leave them out of the OpenAPI document."""
    from fastapi.routing import APIRoute, iter_route_contexts

    from app.config import Settings
    from app.main import create_app
    from app.stack import Services

    unused = Services(
        database_url="postgresql://unused@127.0.0.1:1/unused",
        meili_url="http://127.0.0.1:1",
        meili_key=None,
    )
    routes = [c.original_route for c in iter_route_contexts(create_app(Settings(), unused).routes)]
    with_queries = [
        r for r in routes if isinstance(r, APIRoute) and list(_model_queries(r.dependant))
    ]
    assert {r.path for r in with_queries} >= {
        "/v1/decisions", "/v1/decisions/{reference}/similar", "/v1/stats", "/",
    }  # fmt: skip
    assert [r.path for r in with_queries if not isinstance(r, ModelQueryRoute)] == []
