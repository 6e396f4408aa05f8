"""A property-based fuzz of the whole OpenAPI document against the real stack (issue 8).

Hand-written tests check the answers we thought of; a newsroom's public page will also get the
requests nobody thought of: a pasted thousand-character query, a filter given twice, a page
number past the end, a date that is not one. Schemathesis reads the document the app serves and
generates such requests for every operation in it, both valid ones (positive mode) and ones that
break the schema (negative mode), and each answer must:

- not be a server error (no 5xx);
- have a status code the operation declares;
- have a content type the operation declares for that status;
- have the headers the operation declares for that status, matching their schemas;
- have a body valid against the schema declared for that status and content type.

Each operation in each mode is its own test, so a failure names the operation; the report
gives the failing request (as a curl command), the status and the body.

Real stack: the requests go in-process to the module's `corpus` app (PostgreSQL and
Meilisearch, 1,103 decisions loaded), so searches, filters and paging run over real data.

Bounded and repeatable, for `make test`: `MAX_EXAMPLES` examples per operation and mode,
`derandomize=True` (a fixed seed from the test's own code) and no example database, so CI runs
the same requests every time.

How the requests are sent: the app and its clients (the Meilisearch httpx client, the
label cache) live on the test session's event loop, so requests must run on that loop. The
Hypothesis loop (synchronous) runs in a worker thread and hands each request to the session
loop with `run_coroutine_threadsafe`; the test coroutine awaits the thread, which keeps the
loop free to serve. The request is encoded by `requests` exactly as Schemathesis' own transport
would (a negative case may hold nested values that only `requests` knows how to put in a query
string), then sent through the corpus' httpx ASGI client.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.config import Settings
from app.main import create_app
from app.stack import Services
from tests.app.search_corpus import LoadedCorpus

MAX_EXAMPLES = 25
BASE_URL = "http://testserver"
REQUEST_TIMEOUT_S = 60.0
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# The checks the issue asks for: no 5xx, every response valid against the schema. Left out:
# `negative_data_rejection` and `positive_data_acceptance` (they judge whether the app accepts
# or refuses a request, not whether its answer is well-formed; the API's own tests cover which
# values are refused), `max_response_time` (timing on a loaded CI machine is not a property of
# the schema), and the auth checks (the API has no authentication).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _document() -> dict[str, Any]:
    """The OpenAPI document, built at collection time so each operation can be its own test.

    Nothing is connected here (services are only reached by the lifespan, which does not run);
    the test checks that the corpus app serves this same document.
    """
    unused = Services(
        database_url="postgresql://unused@127.0.0.1:1/unused",
        meili_url="http://127.0.0.1:1",
        meili_key=None,
    )
    document: dict[str, Any] = json.loads(
        json.dumps(create_app(Settings(demo_count=0), unused).openapi())
    )
    return document


DOCUMENT = _document()
SCHEMA = schemathesis.openapi.from_dict(DOCUMENT)
# Every operation in the document: nothing is excluded.
OPERATIONS = sorted(
    (method.upper(), path)
    for path, item in DOCUMENT["paths"].items()
    for method in item
    if method in METHODS
)


# Schema keywords that say nothing about which values are valid.
ANNOTATIONS = {"type", "title", "description", "example", "examples"}


def _can_be_broken(parameter: dict[str, Any]) -> bool:
    """Whether a parameter has invalid values that can be sent at all.

    A query or header parameter can always be sent wrong (left out when required, repeated,
    of another type); a path parameter is text on the wire, so one declared as an unconstrained
    string accepts every value that can be put in a URL: Schemathesis finds no negative case
    (for GET /v1/decisions/{reference}, 459 of 459 candidates discarded: Unsatisfiable).
    """
    schema: dict[str, Any] = parameter.get("schema", {})
    constrained = schema.get("type") != "string" or bool(set(schema) - ANNOTATIONS)
    return parameter["in"] != "path" or constrained


def _has_something_to_break(method: str, path: str) -> bool:
    item = DOCUMENT["paths"][path]
    operation = item[method.lower()]
    parameters = [*item.get("parameters", []), *operation.get("parameters", [])]
    return "requestBody" in operation or any(_can_be_broken(p) for p in parameters)


# Every operation in positive mode; in negative mode, every operation with something to break
# (see `_can_be_broken`). Left out of negative mode, because there is no invalid request to
# generate (Hypothesis reports Unsatisfiable): operations without parameters (/healthz,
# /readyz, /v1/categories today) and GET /v1/decisions/{reference}, whose only parameter is an
# unconstrained string in the path. Unknown extra query parameters are not in the schema, so
# no mode generates them; the API's own tests cover their rejection.
CASES = [
    pytest.param(method, path, mode, id=f"{method} {path} {mode}")
    for method, path in OPERATIONS
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode is GenerationMode.POSITIVE or _has_something_to_break(method, path)
]


def _send(corpus: LoadedCorpus, case: Case, loop: asyncio.AbstractEventLoop) -> httpx.Response:
    """Send `case` to the corpus app on the session loop (called from the Hypothesis thread)."""
    kwargs = case.as_transport_kwargs(base_url=BASE_URL)
    prepared = requests.Request(**kwargs).prepare()
    assert prepared.method is not None
    assert prepared.url is not None
    body = prepared.body  # no operation takes a body today; a future one would be bytes or str
    assert body is None or isinstance(body, bytes | str), f"unexpected body {body!r}"
    headers = {
        name: value.decode("latin-1") if isinstance(value, bytes) else value
        for name, value in prepared.headers.items()
    }
    request = corpus.client.request(prepared.method, prepared.url, headers=headers, content=body)
    return asyncio.run_coroutine_threadsafe(request, loop).result(timeout=REQUEST_TIMEOUT_S)


def _fuzz(
    corpus: LoadedCorpus,
    method: str,
    path: str,
    mode: GenerationMode,
    loop: asyncio.AbstractEventLoop,
) -> None:
    """Run the Hypothesis loop for one operation and mode; raises the first failures found."""
    sent: list[int] = []

    # deadline=None: the time an example takes depends on the load of the machine (2 cores
    # shared with other work), not on the code; a slow answer is not a schema violation.
    # too_slow: the same reason, for data generation. filter_too_much: in negative mode
    # Schemathesis discards candidates that turn valid once serialised (GET
    # /v1/councils/{slug}: 4 kept of 54 before the check fired), which is its design, not a
    # flaw of the test; the `sent` assertion still catches an operation that sends nothing.
    # database=None with derandomize: the same examples in every run, nothing replayed from
    # earlier runs.
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(case=SCHEMA[path][method].as_strategy(generation_mode=mode))
    def check(case: Case) -> None:
        response = _send(corpus, case, loop)
        sent.append(response.status_code)
        case.validate_response(response, checks=CHECKS)

    check()
    assert sent, f"{method} {path} ({mode}): no request was sent"


@pytest.mark.parametrize(("method", "path", "mode"), CASES)
async def test_operation_answers_within_its_schema(
    corpus: LoadedCorpus, method: str, path: str, mode: GenerationMode
) -> None:
    loop = asyncio.get_running_loop()
    await asyncio.to_thread(_fuzz, corpus, method, path, mode, loop)


def test_every_operation_is_fuzzed() -> None:
    assert len(OPERATIONS) >= 10, f"the document lists only {OPERATIONS}"
    assert ("GET", "/v1/decisions") in OPERATIONS


async def test_fuzzed_document_is_the_served_one(corpus: LoadedCorpus) -> None:
    response = await corpus.client.get("/openapi.json")
    assert response.status_code == 200
    assert response.json() == DOCUMENT
