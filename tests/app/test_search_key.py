"""The request path holds a search-only key: it can search its index and nothing else."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from app.search.client import MeiliClient, MeiliError
from app.search.keys import search_key, search_key_uid
from app.stack import Services


async def test_the_app_searches_with_a_key_that_cannot_write(
    app: FastAPI, services: Services, index_name: str
) -> None:
    if not services.meili_key:
        pytest.skip("Meilisearch without a master key has no keys to restrict")
    key = search_key(services.meili_key, index_name)
    assert app.state.meili.key == key != services.meili_key
    found = await app.state.meili.request("POST", f"/indexes/{index_name}/search", {"q": ""})
    assert found["hits"] == []
    # Asked live, one after another on one keep-alive connection: Meilisearch answers these
    # from the headers without reading a body, and a body arriving after that answer left the
    # connection dead for the next request (it hung for a minute in full runs) until the client
    # stopped reusing a connection after an error (app/search/client.py).
    refused = {}
    async with MeiliClient(services.meili_url, key, timeout=60) as client:
        for method, path, body in [
            ("POST", f"/indexes/{index_name}/documents", [{"id": "x"}]),
            ("DELETE", f"/indexes/{index_name}", None),
            ("PATCH", f"/indexes/{index_name}/settings", {"searchableAttributes": ["id"]}),
            ("GET", "/keys", None),
            ("POST", "/keys", {"actions": ["*"], "indexes": ["*"], "expiresAt": None}),
            ("POST", "/indexes", {"uid": f"{index_name}_other"}),
            ("POST", f"/indexes/{index_name}/documents", [{"id": "y"}]),
        ]:
            with pytest.raises(MeiliError) as error:
                await client.request(method, path, body)
            refused[f"{method} {path}"] = error.value.status
        found = await client.request("POST", f"/indexes/{index_name}/search", {"q": ""})
    assert set(refused.values()) == {403}, refused
    assert found["hits"] == []
    async with MeiliClient(services.meili_url, services.meili_key, timeout=60) as admin:
        recorded = await admin.request("GET", f"/keys/{search_key_uid(index_name)}")
    assert (recorded["actions"], recorded["indexes"]) == (["search"], [index_name])
    assert recorded["expiresAt"] is None
