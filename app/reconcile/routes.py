"""/reconcile: the Reconciliation Service API 0.2 (reconciliation-api.github.io/specs/0.2).

OpenRefine sends its column's names as a batch of `queries` (a JSON object in a form field or
the query string), shows our candidates with their scores, takes a sure `match` on its own, and
then fetches figures for the matched slugs through data extension (`extend`). Entities are the
bodies complained about (type `body`), identified by their slug, the value every `council`
filter of /v1 takes. Figures are those of /v1/councils, so a column filled here equals what
the API says of each body.

JSONP (`callback`) is answered for GET requests, as 0.2 allows, for older clients.
"""

from __future__ import annotations

import html
import json
import re
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import Engine, select
from sqlmodel import Session, col

from app.api.councils import figures_of
from app.models import Organisation
from app.problems import ProblemError
from app.reconcile.names import rank

# Not in /openapi.json: the protocol is the W3C group's (its own specification and schemas),
# and its parameters are JSON documents in form fields that OpenAPI cannot state. README and
# docs/reconcile.md describe it; tests/app/test_reconcile.py checks it against the protocol.
router = APIRouter(prefix="/reconcile", tags=["reconciliation"], include_in_schema=False)

BODY_TYPE = {"id": "body", "name": "Body complained about (council, care provider, other)"}
MAX_QUERIES = 100  # names in one batch (OpenRefine sends 10 by default)
MAX_LIMIT = 25
CALLBACK = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$.]{0,63}$")
# Properties data extension offers: /v1/councils fields.
PROPERTIES: dict[str, tuple[str, str]] = {
    "name": ("Name", "str"),
    "body_type": ("Kind of body", "str"),
    "decisions": ("Decisions", "int"),
    "upheld": ("Upheld decisions", "int"),
    "upheld_rate": ("Uphold rate (0–1)", "float"),
    "upheld_rate_low": ("Uphold rate, 95% interval low", "float"),
    "upheld_rate_high": ("Uphold rate, 95% interval high", "float"),
    "rate_reliable": ("Uphold rate reliable (MIN_RATE_N decisions or more)", "str"),
    "remedy_total": ("Remedy total (£)", "float"),
    "url": ("Ombudsearch API URL", "str"),
}


class ReconQuery(BaseModel):
    """One entry of a reconciliation batch (only `query` is needed)."""

    query: str = Field(min_length=1, max_length=500)
    type: str | None = None
    limit: int = Field(default=5, ge=1, le=MAX_LIMIT)
    type_strict: str | None = None
    properties: list[dict[str, Any]] = Field(default_factory=list)


class ExtendRequest(BaseModel):
    ids: list[str] = Field(max_length=1000)
    properties: list[dict[str, Any]] = Field(max_length=len(PROPERTIES))


def _bad(detail: str) -> ProblemError:
    return ProblemError(
        422, detail, type="/problems/invalid-parameters", title="Invalid parameters"
    )


def _json_parameter(name: str, text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise _bad(f"{name}: not JSON ({exc.args[0]})") from None


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _answer(body: Any, callback: str | None) -> Response:
    if callback is None:
        return JSONResponse(body)
    if not CALLBACK.match(callback):
        raise _bad("callback: a JavaScript function name ([A-Za-z_$][A-Za-z0-9_$.]*)")
    return Response(f"{callback}({json.dumps(body)})", media_type="application/javascript")


def manifest(request: Request) -> dict[str, Any]:
    base = _base(request)
    return {
        "versions": ["0.2"],
        "name": "Ombudsearch: bodies in LGSCO decisions",
        "identifierSpace": f"{base}/v1/councils/",
        "schemaSpace": f"{base}/reconcile/schema",
        "documentation": f"{base}/docs",
        "serviceVersion": "0.1.0",
        "defaultTypes": [BODY_TYPE],
        "view": {"url": f"{base}/councils/{{{{id}}}}"},
        "preview": {"url": f"{base}/reconcile/preview?id={{{{id}}}}", "width": 400, "height": 130},
        "suggest": {"entity": {"service_url": base, "service_path": "/reconcile/suggest/entity"}},
        "extend": {
            "propose_properties": {"service_url": base, "service_path": "/reconcile/properties"},
            "property_settings": [],
        },
    }


def _bodies(engine: Engine) -> dict[str, tuple[str, str]]:
    with Session(engine) as session:
        rows = session.execute(
            select(col(Organisation.slug), col(Organisation.name), col(Organisation.body_type))
        ).all()
    return {slug: (name, body_type) for slug, name, body_type in rows}


def reconcile(bodies: dict[str, tuple[str, str]], queries: dict[str, Any]) -> dict[str, Any]:
    """The result batch: for each query key, its candidates, best first."""
    if not isinstance(queries, dict) or not queries:
        raise _bad('queries: a JSON object of queries, {"q0": {"query": "Kent CC"}}')
    if len(queries) > MAX_QUERIES:
        raise _bad(f"queries: at most {MAX_QUERIES} in one batch")
    out: dict[str, Any] = {}
    for key, raw in queries.items():
        try:
            query = ReconQuery.model_validate(raw)
        except ValidationError as exc:
            raise _bad(f"queries.{key}: {exc.errors()[0]['msg']}") from None
        wrong_type = query.type not in (None, "body")
        candidates = [] if wrong_type else rank(query.query, bodies, query.limit)
        out[key] = {
            "result": [
                {
                    "id": c.slug,
                    "name": c.name,
                    "description": c.body_type.replace("_", " "),
                    "type": [BODY_TYPE],
                    "score": c.score,
                    "match": c.match,
                }
                for c in candidates
            ]
        }
    return out


async def _service(
    request: Request, queries: str | None, extend: str | None, callback: str | None
) -> Response:
    engine = request.app.state.engine
    if queries is not None:
        parsed = _json_parameter("queries", queries)
        bodies = await run_in_threadpool(_bodies, engine)
        return _answer(reconcile(bodies, parsed), callback)
    if extend is not None:
        try:
            asked = ExtendRequest.model_validate(_json_parameter("extend", extend))
        except ValidationError as exc:
            raise _bad(f"extend: {exc.errors()[0]['msg']}") from None
        min_rate_n = request.app.state.settings.min_rate_n
        return _answer(await run_in_threadpool(_extension, engine, asked, min_rate_n), callback)
    return _answer(manifest(request), callback)


@router.get("", summary="Reconciliation service: manifest, queries or data extension")
async def service_get(
    request: Request,
    queries: Annotated[
        str | None, Query(max_length=100_000, description="A batch of queries, as JSON")
    ] = None,
    extend: Annotated[
        str | None, Query(max_length=100_000, description="A data extension request, as JSON")
    ] = None,
    callback: Annotated[str | None, Query(max_length=64, description="JSONP")] = None,
) -> Response:
    return await _service(request, queries, extend, callback)


@router.post("", summary="Reconciliation service: queries or data extension (form fields)")
async def service_post(
    request: Request,
    queries: Annotated[str | None, Form(max_length=100_000)] = None,
    extend: Annotated[str | None, Form(max_length=100_000)] = None,
) -> Response:
    return await _service(request, queries, extend, None)


def _extension(engine: Engine, asked: ExtendRequest, min_rate_n: int) -> dict[str, Any]:
    wanted = [p.get("id") for p in asked.properties]
    unknown = [p for p in wanted if p not in PROPERTIES]
    if unknown:
        raise _bad(f"extend: unknown properties {unknown}; use {', '.join(PROPERTIES)}")
    with Session(engine) as session:
        figures = figures_of(session, asked.ids, min_rate_n)
    rows: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for slug in asked.ids:
        item = figures.get(slug)
        rows[slug] = {}
        for prop in wanted:
            value = None if item is None else item.get(str(prop))
            kind = PROPERTIES[str(prop)][1]
            if isinstance(value, bool):  # the protocol has no boolean value: "true" / "false"
                value = "true" if value else "false"
            rows[slug][str(prop)] = [] if value is None else [{kind: value}]
    return {
        "meta": [{"id": p, "name": PROPERTIES[str(p)][0]} for p in wanted],
        "rows": rows,
    }


@router.get("/properties", summary="Reconciliation: the properties data extension offers")
async def properties(
    type: Annotated[str, Query(max_length=40)] = "body",
    limit: Annotated[int | None, Query(ge=1, le=100)] = None,
    callback: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    listed = [{"id": key, "name": name} for key, (name, _) in PROPERTIES.items()]
    return _answer({"type": type, "properties": listed[:limit]}, callback)


@router.get("/suggest/entity", summary="Reconciliation: type-ahead over bodies")
async def suggest_entity(
    request: Request,
    prefix: Annotated[str, Query(min_length=1, max_length=200)],
    cursor: Annotated[int, Query(ge=0, le=10_000)] = 0,
    callback: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    bodies = await run_in_threadpool(_bodies, request.app.state.engine)
    found = rank(prefix, bodies, MAX_LIMIT + cursor)[cursor : cursor + 10]
    result = [
        {"id": c.slug, "name": c.name, "description": c.body_type.replace("_", " ")} for c in found
    ]
    return _answer({"result": result}, callback)


@router.get("/preview", summary="Reconciliation: a small HTML card of one body")
def preview(request: Request, id: Annotated[str, Query(min_length=1, max_length=200)]) -> Response:
    with Session(request.app.state.engine) as session:
        item = figures_of(session, [id], request.app.state.settings.min_rate_n).get(id)
    if item is None:
        raise ProblemError(404, f"No body with slug {id!r}", type="/problems/not-found")
    if item["upheld_rate"] is None:
        rate = "no outcome recorded"
    else:
        low, high = item["upheld_rate_low"], item["upheld_rate_high"]
        rate = f"{item['upheld_rate']:.0%} ({low:.0%}–{high:.0%})"
        rate += "" if item["rate_reliable"] else ", too few decisions to compare"
    card = (
        '<!doctype html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{html.escape(item['name'])}</title></head>"
        "<body>"
        f"<strong>{html.escape(item['name'])}</strong><br>"
        f"{html.escape(item['body_type'].replace('_', ' '))} · "
        f"{item['decisions']:,} decisions · upheld {rate} · "
        f"remedies £{item['remedy_total']:,.2f}<br>"
        f'<a href="{html.escape(_base(request))}/councils/{html.escape(id)}" '
        'target="_blank" rel="noopener">Open in Ombudsearch</a></body></html>'
    )
    return HTMLResponse(card)
