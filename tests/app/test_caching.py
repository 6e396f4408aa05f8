"""HTTP caching: ETag, Cache-Control and If-None-Match → 304 (SPEC §4).

Against the real app first (real PostgreSQL and Meilisearch), then the middleware alone on a
tiny Starlette app, where streaming can be watched message by message.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.caching import CachingMiddleware, if_none_match_matches, make_etag

STRONG_ETAG = re.compile(r'^"[0-9a-f]{32}"$')

# /openapi.json always exists; /v1/categories is the /v1 JSON route used once it is written.
CACHEABLE = ["/openapi.json", "/v1/categories"]


async def _cacheable_get(client: httpx.AsyncClient, path: str) -> httpx.Response:
    """GET `path`, expecting the 200 that caching applies to (skip a /v1 route not yet written)."""
    response = await client.get(path)
    if path.startswith("/v1/") and response.status_code in (404, 405, 500):
        pytest.skip(f"{path} answers {response.status_code}: not written yet")
    assert response.status_code == 200, response.text
    return response


# ---- the real app --------------------------------------------------------------------------


@pytest.mark.parametrize("path", CACHEABLE)
async def test_get_carries_strong_etag_and_cache_control(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await _cacheable_get(client, path)
    assert STRONG_ETAG.match(response.headers["etag"])
    assert response.headers["etag"] == make_etag(response.content)
    assert response.headers["cache-control"] == "public, max-age=60"


@pytest.mark.parametrize("path", CACHEABLE)
async def test_same_request_gives_same_etag(client: httpx.AsyncClient, path: str) -> None:
    first = await _cacheable_get(client, path)
    second = await _cacheable_get(client, path)
    assert first.headers["etag"] == second.headers["etag"]


@pytest.mark.parametrize("path", CACHEABLE)
async def test_matching_if_none_match_is_304_without_body(
    client: httpx.AsyncClient, path: str
) -> None:
    etag = (await _cacheable_get(client, path)).headers["etag"]
    response = await client.get(path, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == etag
    assert response.headers["cache-control"] == "public, max-age=60"
    assert "content-type" not in response.headers
    assert "content-length" not in response.headers


@pytest.mark.parametrize("path", CACHEABLE)
async def test_other_etag_gives_full_response(client: httpx.AsyncClient, path: str) -> None:
    full = await _cacheable_get(client, path)
    other = '"' + "0" * 32 + '"'
    assert other != full.headers["etag"]
    response = await client.get(path, headers={"If-None-Match": other})
    assert response.status_code == 200
    assert response.content == full.content
    assert response.headers["etag"] == full.headers["etag"]


@pytest.mark.parametrize("path", CACHEABLE)
async def test_weak_etag_matches_weakly(client: httpx.AsyncClient, path: str) -> None:
    etag = (await _cacheable_get(client, path)).headers["etag"]
    weak = await client.get(path, headers={"If-None-Match": f"W/{etag}"})
    assert weak.status_code == 304
    listed = await client.get(path, headers={"If-None-Match": f'"stale", W/{etag}'})
    assert listed.status_code == 304
    assert listed.headers["etag"] == etag


@pytest.mark.parametrize("path", CACHEABLE)
async def test_star_matches_any_representation(client: httpx.AsyncClient, path: str) -> None:
    await _cacheable_get(client, path)
    response = await client.get(path, headers={"If-None-Match": "*"})
    assert response.status_code == 304
    assert response.content == b""


async def test_head_has_the_etag_of_get_and_revalidates(client: httpx.AsyncClient) -> None:
    get = await client.get("/openapi.json")
    head = await client.head("/openapi.json")
    assert head.status_code == 200
    assert head.headers["etag"] == get.headers["etag"]
    assert head.headers["cache-control"] == "public, max-age=60"
    revalidated = await client.head("/openapi.json", headers={"If-None-Match": get.headers["etag"]})
    assert revalidated.status_code == 304
    assert revalidated.headers["etag"] == get.headers["etag"]


async def test_problem_is_never_stored(client: httpx.AsyncClient) -> None:
    response = await client.get("/no/such/thing", headers={"If-None-Match": "*"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["cache-control"] == "no-store"
    assert "etag" not in response.headers
    assert response.json()["status"] == 404


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
async def test_probes_are_never_cached(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path, headers={"If-None-Match": "*"})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert "etag" not in response.headers
    assert response.json()["status"] == "ok"


# ---- the middleware alone --------------------------------------------------------------------

CHUNKS = [b"reference,council\n", b"17 015 692,Kent\n", b"18 000 001,Leeds\n"]


async def _stream() -> AsyncIterator[bytes]:
    for chunk in CHUNKS:
        yield chunk


async def _json(request: Request) -> Response:
    return JSONResponse({"data": [1, 2, 3]}, headers={"Vary": "Accept-Encoding"})


async def _csv(request: Request) -> Response:
    return StreamingResponse(_stream(), media_type="text/csv")


async def _private(request: Request) -> Response:
    return JSONResponse({"mine": True}, headers={"Cache-Control": "private, max-age=5"})


async def _tagged(request: Request) -> Response:
    return JSONResponse({"v": 7}, headers={"ETag": '"version-7"'})


async def _created(request: Request) -> Response:
    return JSONResponse({"ok": True}, status_code=201)


async def _gone(request: Request) -> Response:
    return JSONResponse({"status": 410}, status_code=410, headers={"ETag": '"x"'})


def _tiny_app() -> Starlette:
    return Starlette(
        routes=[
            Route("/json", _json),
            Route("/csv", _csv),
            Route("/private", _private),
            Route("/tagged", _tagged),
            Route("/created", _created, methods=["POST"]),
            Route("/gone", _gone),
            Route("/healthz", _json),
        ]
    )


@pytest.fixture
async def tiny() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=CachingMiddleware(_tiny_app()))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        yield client


async def test_json_endpoint_gets_etag(tiny: httpx.AsyncClient) -> None:
    response = await tiny.get("/json")
    assert response.status_code == 200
    assert response.headers["etag"] == make_etag(response.content)
    assert response.headers["cache-control"] == "public, max-age=60"
    assert response.json() == {"data": [1, 2, 3]}


async def test_304_keeps_validators_and_vary_and_drops_content_headers(
    tiny: httpx.AsyncClient,
) -> None:
    etag = (await tiny.get("/json")).headers["etag"]
    response = await tiny.get("/json", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == etag
    assert response.headers["cache-control"] == "public, max-age=60"
    assert response.headers["vary"] == "Accept-Encoding"
    assert "content-type" not in response.headers
    assert "content-length" not in response.headers


async def test_several_if_none_match_lines_are_one_list(tiny: httpx.AsyncClient) -> None:
    etag = (await tiny.get("/json")).headers["etag"]
    headers = [("If-None-Match", '"stale"'), ("If-None-Match", etag)]
    response = await tiny.get("/json", headers=headers)
    assert response.status_code == 304


async def test_streaming_response_passes_through_untouched(tiny: httpx.AsyncClient) -> None:
    response = await tiny.get("/csv", headers={"If-None-Match": "*"})
    assert response.status_code == 200
    assert response.content == b"".join(CHUNKS)
    assert "etag" not in response.headers
    assert "cache-control" not in response.headers


async def test_endpoint_cache_control_and_etag_are_respected(tiny: httpx.AsyncClient) -> None:
    private = await tiny.get("/private")
    assert private.headers["cache-control"] == "private, max-age=5"
    assert STRONG_ETAG.match(private.headers["etag"])
    tagged = await tiny.get("/tagged")
    assert tagged.headers["etag"] == '"version-7"'
    assert (await tiny.get("/tagged", headers={"If-None-Match": '"version-7"'})).status_code == 304


async def test_errors_lose_etag_and_are_not_stored(tiny: httpx.AsyncClient) -> None:
    response = await tiny.get("/gone", headers={"If-None-Match": '"x"'})
    assert response.status_code == 410
    assert response.headers["cache-control"] == "no-store"
    assert "etag" not in response.headers


async def test_other_methods_and_statuses_are_untouched(tiny: httpx.AsyncClient) -> None:
    created = await tiny.post("/created", headers={"If-None-Match": "*"})
    assert created.status_code == 201
    assert "etag" not in created.headers
    assert "cache-control" not in created.headers


async def test_probe_paths_are_no_store_whatever_they_answer(tiny: httpx.AsyncClient) -> None:
    response = await tiny.get("/healthz", headers={"If-None-Match": "*"})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert "etag" not in response.headers


async def test_streamed_messages_are_not_held_back() -> None:
    """Each body message reaches the server before the application produces the next one."""
    sent: list[Message] = []

    async def server_send(message: Message) -> None:
        sent.append(message)

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def streaming_app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for i, chunk in enumerate(CHUNKS):
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
            assert len(sent) == i + 2, "the middleware held a streamed message back"
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    scope: Scope = {
        "type": "http",
        "method": "GET",
        "path": "/v1/decisions/export",
        "root_path": "",
        "headers": [(b"if-none-match", b"*")],
    }
    await CachingMiddleware(streaming_app)(scope, receive, server_send)
    assert sent[0] == {"type": "http.response.start", "status": 200, "headers": []}
    assert [m["body"] for m in sent[1:]] == [*CHUNKS, b""]


@pytest.mark.parametrize(
    ("header", "matches"),
    [
        ('"abc"', True),
        ('W/"abc"', True),
        ('"x", "abc"', True),
        ('"x",W/"abc" ', True),
        ("*", True),
        ('"abcd"', False),
        ('"x", "y"', False),
        ("abc", False),
        ('"a,b", "abc"', True),
        ("", False),
    ],
)
def test_if_none_match_uses_weak_comparison(header: str, matches: bool) -> None:
    assert if_none_match_matches(header, '"abc"') is matches


def test_comma_inside_a_tag_is_part_of_the_tag() -> None:
    assert if_none_match_matches('"a,b"', '"a,b"')
    assert not if_none_match_matches('"a,b"', '"a"')


async def _run(app: ASGIApp, method: str, headers: list[tuple[bytes, bytes]]) -> list[Message]:
    """Call the middleware around `app` directly and return what reached the server."""
    sent: list[Message] = []

    async def server_send(message: Message) -> None:
        sent.append(message)

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    scope: Scope = {"type": "http", "method": method, "path": "/file", "headers": headers}
    await CachingMiddleware(app)(scope, receive, server_send)
    return sent


async def test_head_without_its_body_gets_no_made_up_etag() -> None:
    async def headers_only(scope: Scope, receive: Receive, send: Send) -> None:
        start = [(b"content-length", b"1234"), (b"content-type", b"text/csv")]
        await send({"type": "http.response.start", "status": 200, "headers": start})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    sent = await _run(headers_only, "HEAD", [(b"if-none-match", b"*")])
    assert sent[0]["status"] == 200
    assert dict(sent[0]["headers"]) == {b"content-length": b"1234", b"content-type": b"text/csv"}


async def test_head_on_an_api_route_has_the_get_headers_and_no_body(
    client: httpx.AsyncClient,
) -> None:
    get = await client.get("/v1/categories")
    head = await client.head("/v1/categories")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["etag"] == get.headers["etag"]
    assert head.headers["content-length"] == str(len(get.content))
