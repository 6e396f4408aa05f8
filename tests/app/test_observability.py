"""Request ids, log lines and /metrics, against the real services."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import REGISTRY
from sqlalchemy import Engine

from app.config import Settings
from app.main import create_app
from app.observability import (
    REQUEST_ID_HEADER,
    accept_or_make_id,
    configure_logging,
    make_handler,
)
from app.search.client import MeiliClient
from app.stack import Services
from tests.ingest.test_load import _document, _loader

GENERATED = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """What the "ombudsearch" loggers write through a JSON handler, one object per line."""
    stream = io.StringIO()
    handler = make_handler(json_lines=True, stream=stream)
    logger = logging.getLogger("ombudsearch")
    logger.addHandler(handler)
    before = logger.level
    logger.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(before)


def _lines(stream: io.StringIO) -> list[dict[str, str]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


async def test_request_id_is_echoed_when_sane(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={REQUEST_ID_HEADER: "edge-42.a_b"})
    assert response.headers[REQUEST_ID_HEADER] == "edge-42.a_b"


@pytest.mark.parametrize("offered", [None, "", "x" * 65, "two words", 'a"b', "a;b"])
async def test_request_id_is_generated_when_absent_or_insane(
    client: httpx.AsyncClient, offered: str | None
) -> None:
    headers = {} if offered is None else {REQUEST_ID_HEADER: offered}
    response = await client.get("/healthz", headers=headers)
    assert GENERATED.fullmatch(response.headers[REQUEST_ID_HEADER])
    other = await client.get("/healthz", headers=headers)
    assert other.headers[REQUEST_ID_HEADER] != response.headers[REQUEST_ID_HEADER]


def test_accept_or_make_id_bounds() -> None:
    assert accept_or_make_id("a" * 64) == "a" * 64
    assert accept_or_make_id("a" * 65) != "a" * 65
    assert accept_or_make_id("line\nbreak") != "line\nbreak"


async def test_request_id_is_in_problem_instance(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/decisions/00 000 000", headers={REQUEST_ID_HEADER: "r-1"})
    assert response.status_code == 404
    assert response.headers[REQUEST_ID_HEADER] == "r-1"
    assert response.json()["instance"] == "/v1/decisions/00%20000%20000#request-r-1" or (
        response.json()["instance"] == "/v1/decisions/00 000 000#request-r-1"
    )


async def test_unexpected_error_carries_the_id_in_body_headers_and_log(
    app: FastAPI, json_log: io.StringIO
) -> None:
    async def boom() -> None:
        raise RuntimeError("kaboom")

    app.add_api_route("/test-boom", boom)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/test-boom", headers={REQUEST_ID_HEADER: "boom-1"})
    assert response.status_code == 500
    assert response.json()["instance"] == "/test-boom#request-boom-1"
    assert response.headers[REQUEST_ID_HEADER] == "boom-1"
    assert response.headers["x-content-type-options"] == "nosniff"
    logged = [line for line in _lines(json_log) if line["logger"] == "ombudsearch.problems"]
    assert [(line["level"], line["request_id"]) for line in logged] == [("ERROR", "boom-1")]
    assert "kaboom" in logged[0]["exc_info"]


async def test_log_lines_in_a_request_carry_its_id_as_json(
    app: FastAPI, client: httpx.AsyncClient, json_log: io.StringIO
) -> None:
    async def noisy() -> dict[str, str]:
        logging.getLogger("ombudsearch.test").info("inside %s", "the request")
        return {"ok": "yes"}

    app.add_api_route("/test-noisy", noisy)
    response = await client.get("/test-noisy", headers={REQUEST_ID_HEADER: "log-7"})
    assert response.status_code == 200
    logging.getLogger("ombudsearch.test").info("outside")
    first, second = _lines(json_log)
    assert set(first) == {"time", "level", "logger", "message", "request_id"}
    assert (first["level"], first["logger"], first["message"], first["request_id"]) == (
        "INFO",
        "ombudsearch.test",
        "inside the request",
        "log-7",
    )
    assert second["request_id"] == "-"


def test_configure_logging_installs_one_root_handler() -> None:
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    access = logging.getLogger("uvicorn.access")
    saved_access = (list(access.handlers), access.propagate)
    try:
        configure_logging("warning", json=False)
        assert root.level == logging.WARNING
        (handler,) = root.handlers
        record = logging.LogRecord("x", logging.WARNING, __file__, 1, "hello", None, None)
        assert handler.filter(record)
        assert handler.format(record).endswith("WARNING x [-] hello")
        assert access.propagate
        assert not access.handlers
        configure_logging("info", json=True)
        (handler,) = root.handlers
        assert json.loads(handler.format(record))["message"] == "hello"
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
        access.handlers[:], access.propagate = saved_access


def _sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus text, 0 when absent."""
    for line in text.splitlines():
        match = re.fullmatch(r"(\w+)\{(.*)\} (\S+)", line)
        if match and match[1] == name and dict(_LABEL.findall(match[2])) == labels:
            return float(match[3])
    return 0.0


_LABEL = re.compile(r'(\w+)="([^"]*)"')


async def test_metrics_count_requests_by_route_template(client: httpx.AsyncClient) -> None:
    for reference in ("00 000 001", "00 000 002"):
        assert (await client.get(f"/v1/decisions/{reference}")).status_code == 404
    await client.get("/no/such/place")
    await client.head("/healthz")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert response.headers["cache-control"] == "no-store"
    text = response.text
    by_reference = {"route": "/v1/decisions/{reference}", "method": "GET"}
    assert _sample(text, "http_requests_total", **by_reference, status="404") == 2
    assert _sample(text, "http_request_duration_seconds_count", **by_reference) == 2
    assert _sample(text, "http_request_duration_seconds_bucket", **by_reference, le="+Inf") == 2
    assert _sample(text, "http_requests_total", route="unmatched", method="GET", status="404") == 1
    # HEAD is answered as GET (app/head.py) and counted as one
    assert _sample(text, "http_requests_total", route="/healthz", method="GET", status="200") == 1
    assert "/v1/decisions/00" not in text  # raw paths never become labels
    assert "# TYPE ombudsearch_ingest_documents_total counter" in text
    assert "# TYPE ombudsearch_crawl_pages_total counter" in text


async def test_metrics_are_per_app(settings: Settings, test_services: Services) -> None:
    first, second = create_app(settings, test_services), create_app(settings, test_services)
    for app, calls in ((first, 3), (second, 1)):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            for _ in range(calls):
                await client.get("/healthz")
    healthz = {"route": "/healthz", "method": "GET", "status": "200"}
    assert first.state.http_metrics.registry.get_sample_value("http_requests_total", healthz) == 3
    assert second.state.http_metrics.registry.get_sample_value("http_requests_total", healthz) == 1


async def test_metrics_is_not_in_the_schema(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    assert "/metrics" not in schema["paths"]


async def test_ingest_counters_move_after_a_load(
    engine: Engine, meili: MeiliClient, index_name: str
) -> None:
    def value(result: str) -> float:
        found = REGISTRY.get_sample_value("ombudsearch_ingest_documents_total", {"result": result})
        return found or 0.0

    created, unchanged = value("created"), value("unchanged")
    loader = await _loader(engine, meili, index_name)
    documents = [_document("99 000 001"), _document("99 000 002")]
    await loader.load(documents)
    assert value("created") - created == 2
    await loader.load(documents)
    assert value("unchanged") - unchanged == 2
