"""The OpenAPI document describes every public parameter and response field (SPEC §4, issue 5).

A journalist or a generated client learns the API from `/docs`, so an undocumented parameter
or field is a bug. The checks are generic: every path under `/v1`, plus `/healthz` and
`/readyz`, is its own test case, and each case lists everything missing in one message
(operation, then the parameter or field) so the whole list can be fixed in one go.

Rules, per operation:

- an `operationId` in snake_case (stable, readable names for generated clients), unique in the
  document, and a `summary`;
- every parameter has a non-empty `description` and an `example` or `examples` (on the
  parameter or its schema);
- every property of every schema reachable from a 2xx response has a `description` (a property
  that is only a `$ref` may take it from the schema it points to); `$ref`s into
  `components/schemas` are followed through object properties, array items, map values and
  anyOf/allOf/oneOf;
- every declared 4xx/5xx response has `application/problem+json` content with a schema (the
  errors the API really sends, RFC 9457);
- the errors SPEC §4 promises are declared: 400 and 422 where there are query parameters
  (unknown parameter, bad value), 404 where there is a path parameter (unknown reference).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.main import create_app
from app.stack import Services

Schema = dict[str, Any]

PROBLEM_JSON = "application/problem+json"
PROBES = ("/healthz", "/readyz")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
COMPONENT_REF = "#/components/schemas/"


def _build_document() -> tuple[Schema, str | None]:
    """The OpenAPI document, built at collection time so each path can be its own test.

    Nothing is connected: services are only reached by the lifespan, which does not run here.
    An error is returned rather than raised, so a broken schema fails one test instead of the
    collection of every test in the run.
    """
    unused = Services(
        database_url="postgresql://unused@127.0.0.1:1/unused",
        meili_url="http://127.0.0.1:1",
        meili_key=None,
    )
    try:
        document = create_app(Settings(demo_count=0), unused).openapi()
    except Exception as exc:  # reported by test_document_builds
        return {"paths": {}}, f"{type(exc).__name__}: {exc}"
    return json.loads(json.dumps(document)), None


DOCUMENT, BUILD_ERROR = _build_document()


def _public(path: str) -> bool:
    return path == "/v1" or path.startswith("/v1/") or path in PROBES


PUBLIC_PATHS = sorted(path for path in DOCUMENT["paths"] if _public(path))


# ---- the checks ----------------------------------------------------------------------------


def _resolve(schema: Schema, document: Schema) -> tuple[Schema, str | None]:
    """The schema a `$ref` points to (and its component name), or the schema itself."""
    ref = schema.get("$ref")
    if not isinstance(ref, str):
        return schema, None
    if not ref.startswith(COMPONENT_REF):
        raise AssertionError(f"unexpected $ref {ref!r}")
    name = ref.removeprefix(COMPONENT_REF)
    return document["components"]["schemas"][name], name


def _has_text(value: object) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _described(prop: Schema, document: Schema) -> bool:
    """A property says what it is, itself or (when it is only a `$ref`) through its target."""
    if _has_text(prop.get("description")):
        return True
    target, name = _resolve(prop, document)
    if name is None and len(prop.get("allOf", [])) == 1:
        target, name = _resolve(prop["allOf"][0], document)
    return name is not None and _has_text(target.get("description"))


def _walk(
    schema: Schema, where: str, document: Schema, visited: set[str], missing: list[str]
) -> None:
    """Record every property without a description, in `schema` and all it leads to."""
    schema, name = _resolve(schema, document)
    if name is not None:
        if name in visited:
            return
        visited.add(name)
        where = name
    for prop_name, prop in schema.get("properties", {}).items():
        if not _described(prop, document):
            missing.append(f"{where}.{prop_name}: no description")
        _walk(prop, f"{where}.{prop_name}", document, visited, missing)
    if isinstance(schema.get("items"), dict):
        _walk(schema["items"], f"{where}[]", document, visited, missing)
    if isinstance(schema.get("additionalProperties"), dict):
        _walk(schema["additionalProperties"], f"{where}{{}}", document, visited, missing)
    for combinator in ("anyOf", "allOf", "oneOf"):
        for part in schema.get(combinator, []):
            _walk(part, where, document, visited, missing)


def _has_example(parameter: Schema) -> bool:
    holders = [parameter, parameter.get("schema", {})]
    holders += [media.get("schema", {}) for media in parameter.get("content", {}).values()]
    holders += list(parameter.get("content", {}).values())
    return any("example" in h or h.get("examples") for h in holders)


def _parameter_problems(parameters: list[Schema]) -> list[str]:
    missing = []
    for parameter in parameters:
        label = f"parameter {parameter.get('name')!r} ({parameter.get('in')})"
        if not _has_text(parameter.get("description")):
            missing.append(f"{label}: no description")
        if not _has_example(parameter):
            missing.append(f"{label}: no example")
    return missing


def _response_problems(operation: Schema, document: Schema) -> list[str]:
    missing: list[str] = []
    responses: dict[str, Schema] = operation.get("responses", {})
    for status, response in responses.items():
        if status[0] in "45":
            problem = response.get("content", {}).get(PROBLEM_JSON)
            if problem is None:
                missing.append(f"response {status}: not declared as {PROBLEM_JSON}")
            elif "schema" not in problem:
                missing.append(f"response {status}: {PROBLEM_JSON} has no schema")
        elif status[0] == "2":
            for media_type, media in response.get("content", {}).items():
                if "schema" in media:
                    visited: set[str] = set()
                    where = f"response {status} {media_type}"
                    _walk(media["schema"], where, document, visited, missing)
    places = {parameter.get("in") for parameter in operation.get("parameters", [])}
    expected = (["400", "422"] if "query" in places else []) + (["404"] if "path" in places else [])
    missing += [
        f"response {status}: not declared" for status in expected if status not in responses
    ]
    return missing


def _operation_problems(
    operation: Schema, document: Schema, operation_ids: Counter[str]
) -> list[str]:
    missing = []
    operation_id = operation.get("operationId")
    if not isinstance(operation_id, str) or not SNAKE_CASE.match(operation_id):
        missing.append(f"operationId {operation_id!r}: not snake_case")
    elif operation_ids[operation_id] > 1:
        missing.append(f"operationId {operation_id!r}: used by another operation too")
    if not _has_text(operation.get("summary")):
        missing.append("no summary")
    missing += _parameter_problems(operation.get("parameters", []))
    missing += _response_problems(operation, document)
    return missing


def undocumented(path: str, document: Schema) -> list[str]:
    """Everything missing from the documentation of `path`, one line each."""
    item: Schema = document["paths"][path]
    operation_ids = Counter(
        op.get("operationId")
        for path_item in document["paths"].values()
        for method, op in path_item.items()
        if method in METHODS
    )
    shared = _parameter_problems(item.get("parameters", []))
    missing = [f"{path}: {line}" for line in shared]
    for method, operation in item.items():
        if method in METHODS:
            for line in _operation_problems(operation, document, operation_ids):
                missing.append(f"{method.upper()} {path}: {line}")
    return missing


# ---- the tests -----------------------------------------------------------------------------


def test_document_builds() -> None:
    assert BUILD_ERROR is None, f"app.openapi() failed: {BUILD_ERROR}"
    assert set(PROBES) <= set(PUBLIC_PATHS), "the probes are missing: the checks saw nothing"


async def test_served_document_is_the_one_checked(client: httpx.AsyncClient) -> None:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    assert response.json() == DOCUMENT


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_path_is_fully_documented(path: str) -> None:
    missing = undocumented(path, DOCUMENT)
    assert not missing, f"{len(missing)} undocumented in {path}:\n" + "\n".join(missing)


# ---- the checker itself --------------------------------------------------------------------

_SAMPLE: Schema = {
    "paths": {
        "/v1/things/{slug}": {
            "get": {
                "operationId": "getThing",
                "parameters": [
                    {"name": "slug", "in": "path", "schema": {"type": "string"}},
                    {
                        "name": "q",
                        "in": "query",
                        "description": "Words",
                        "schema": {"type": "string", "examples": ["kent"]},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {
                            "application/json": {"schema": {"$ref": COMPONENT_REF + "Page"}}
                        },
                    },
                    "400": {
                        "description": "Bad",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    "422": {"description": "Bad", "content": {PROBLEM_JSON: {}}},
                },
            }
        }
    },
    "components": {
        "schemas": {
            "Page": {
                "properties": {
                    "data": {"type": "array", "items": {"$ref": COMPONENT_REF + "Thing"}},
                    "meta": {"$ref": COMPONENT_REF + "Meta"},
                },
            },
            "Thing": {
                "properties": {
                    "name": {"type": "string", "description": "Name"},
                    "tags": {
                        "type": "object",
                        "description": "Tags",
                        "additionalProperties": {"$ref": COMPONENT_REF + "Tag"},
                    },
                    "parent": {"anyOf": [{"$ref": COMPONENT_REF + "Thing"}, {"type": "null"}]},
                },
            },
            "Tag": {"properties": {"label": {"type": "string"}}},
            "Meta": {"description": "Paging", "properties": {"total": {"description": "All"}}},
        }
    },
}


def test_checker_finds_every_kind_of_gap() -> None:
    assert sorted(undocumented("/v1/things/{slug}", _SAMPLE)) == sorted(
        f"GET /v1/things/{{slug}}: {line}"
        for line in [
            "operationId 'getThing': not snake_case",
            "no summary",
            "parameter 'slug' (path): no description",
            "parameter 'slug' (path): no example",
            "Page.data: no description",
            "Thing.parent: no description",
            "Tag.label: no description",
            "response 400: not declared as application/problem+json",
            "response 422: application/problem+json has no schema",
            "response 404: not declared",
        ]
    )
