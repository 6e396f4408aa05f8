"""The API as tools for AI assistants: a Model Context Protocol server at /mcp (issue 17).

Each tool is one request to the `/v1` endpoint it mirrors, sent in-process through the whole
app (`httpx.ASGITransport`): the same parameter rules, limits, rate limits (counted for the
assistant's own client), problems and answers as a reporter gets from `/v1`, so a tool cannot
disagree with the API. A problem comes back as an MCP tool error whose text is the problem's
`detail`, which says what to change. Answers are compact JSON: list items without full texts,
and every item carries the API and explorer URLs a reporter can cite.

Transport: streamable HTTP, stateless (no session to keep between requests; any worker can
answer), JSON responses. DNS-rebinding protection is off: the data is public and read-only,
there is no credential to steal, and the API answers on whatever host it is deployed under.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

import httpx
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.transport_security import TransportSecuritySettings
from pydantic import BaseModel, Field
from starlette.applications import Starlette
from starlette.types import ASGIApp

from app.api.stats import GroupBy
from app.api.stats import SortParam as StatsSort
from app.vocabulary import DecisionKind, Outcome, RemedyType, Source, Status, reference_slug

Params = list[tuple[str, str | int | float | bool | None]]
MCP_PATH = "/mcp"
TEXT_CHARS = 20_000  # a decision's text in get_decision is cut here, with a note saying so
SUMMARY_CHARS = 400  # summaries in lists are cut here
INSTRUCTIONS = (
    "Ombudsearch: every published decision of the UK Local Government and Social Care "
    "Ombudsman (LGSCO), parsed: the council or care provider, outcome, category, dates, every "
    "payment the Ombudsman asked for, and the full text. Use search_decisions to find and count "
    "decisions (full text and filters), decision_stats for figures per council, category, year "
    "or outcome, council_profile for one body, get_decision for one decision's full record, "
    "list_categories for the category names and slugs filters take. Quote figures with the "
    "api_url or explorer_url of the answer so a reader can check them. Records whose source is "
    "'synthetic' are fictional demo data and must never be reported as real."
)


class DecisionFilter(BaseModel):
    """Which decisions: the filters of GET /v1/decisions. Repeated values are OR; different
    fields are AND. Leave a field out rather than sending it empty."""

    council: list[str] = Field(
        default_factory=list,
        description="Councils or other bodies, by slug (kent-county-council) or name",
    )
    category: list[str] = Field(
        default_factory=list,
        description="LGSCO categories by slug or name (children-s-care-services, Education); "
        "list_categories names them",
    )
    subcategory: list[str] = Field(
        default_factory=list, description="Sub-categories by slug or name (child-protection)"
    )
    outcome: list[Outcome] = Field(default_factory=list, description="Normalised outcomes")
    remedy_type: list[RemedyType] = Field(
        default_factory=list, description="Decisions whose remedy includes this kind"
    )
    source: list[Source] = Field(
        default_factory=list, description="lgsco (real), file, synthetic (fictional demo data)"
    )
    kind: list[DecisionKind] = Field(
        default_factory=list, description="statement (usual) or report (formal public report)"
    )
    status: list[Status] = Field(
        default_factory=list, description="published, or removed from the LGSCO website since"
    )
    remedy_min: float | None = Field(
        default=None, ge=0, description="Smallest remedy total in pounds, inclusive"
    )
    remedy_max: float | None = Field(
        default=None, ge=0, description="Largest remedy total in pounds, inclusive"
    )
    decided_from: str | None = Field(
        default=None, description="Decided on or after: YYYY-MM-DD, or a time ago: -30d, -12m, -2y"
    )
    decided_to: str | None = Field(default=None, description="Decided on or before, as above")
    further_report: bool | None = Field(
        default=None, description="true: a further report was issued for non-compliance"
    )
    compliance_confirmed: bool | None = Field(
        default=None, description="true: the Ombudsman confirmed the body complied"
    )
    statute: list[str] = Field(
        default_factory=list,
        description="Legislation or guidance the decision relies on, by label or slug "
        "(Care Act 2014 s42, children-act-1989-s17)",
    )
    updated_since: str | None = Field(
        default=None,
        description="Added, changed or removed since: an ISO date or date-time, or -7d",
    )

    def params(self) -> Params:
        """The query string of /v1 for these filters."""
        pairs: Params = []
        for name, value in self.model_dump(exclude_none=True).items():
            if isinstance(value, list):
                pairs += [(name, str(v)) for v in value]
            elif isinstance(value, bool):
                pairs.append((name, "true" if value else "false"))
            elif isinstance(value, float):
                pairs.append((name, f"{value:.2f}"))
            else:
                pairs.append((name, str(value)))
        return pairs


Filters = Annotated[DecisionFilter | None, Field(description="Which decisions (all when left out)")]
Words = Annotated[
    str | None,
    Field(
        description='Full text: words, "exact phrase", -excluded; synonyms such as EHCP work',
        max_length=500,
    ),
]
Meaning = Annotated[
    float,
    Field(
        ge=0.0,
        le=1.0,
        description="Weight of meaning against words for q: 0 keyword search (default), 0.5 "
        "both (finds 'a disabled child in an unsuitable B&B' for 'unsuitable temporary "
        "accommodation'), 1 meaning alone",
    ),
]


def _forwarded(request: Any) -> tuple[tuple[str, int] | None, dict[str, str]]:
    """The caller's address and identifying headers, so /v1's limits count the assistant's
    own client (app/ratelimit.py:client_id reads these)."""
    if request is None:
        return None, {}
    scope: Mapping[str, Any] = getattr(request, "scope", {})
    client = scope.get("client")
    headers = getattr(request, "headers", {})
    kept = {
        name: headers[name]
        for name in ("x-forwarded-for", "x-api-key", "x-request-id")
        if name in headers
    }
    return (tuple(client) if client else None), kept


def _compact(item: dict[str, Any], base_url: str) -> dict[str, Any]:
    """A list item of /v1/decisions, smaller, with the URLs to cite."""
    summary = item.get("summary") or ""
    return {
        "reference": item["reference"],
        "body": (item.get("council") or {}).get("name"),
        "body_slug": (item.get("council") or {}).get("slug"),
        "decided_on": item.get("decided_on"),
        "kind": item.get("kind"),
        "outcome": item.get("outcome"),
        "category": item.get("category"),
        "subcategory": item.get("subcategory"),
        "remedy_total": item.get("remedy_total"),
        "remedy_types": item.get("remedy_types"),
        "summary": summary[:SUMMARY_CHARS] + ("…" if len(summary) > SUMMARY_CHARS else ""),
        "source": item.get("source"),
        "api_url": base_url + item["url"],
        "explorer_url": f"{base_url}/decisions/{reference_slug(item['reference'])}",
    }


def build(app: ASGIApp) -> MCPServer:
    """The MCP server whose tools call `app`'s /v1 endpoints."""
    server: MCPServer = MCPServer(
        name="ombudsearch",
        title="Ombudsearch: LGSCO decisions",
        instructions=INSTRUCTIONS,
        version="0.1.0",
        warn_on_duplicate_tools=True,
    )

    async def call(ctx: Context, path: str, params: Params) -> Any:
        request = ctx.request_context.request
        client, headers = _forwarded(request)
        base_url = str(getattr(request, "base_url", "http://ombudsearch/")).rstrip("/")
        transport = httpx.ASGITransport(app=app, client=client or ("127.0.0.1", 0))
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as http:
            response = await http.get(path, params=params, headers=headers)
        if response.status_code >= 400:
            try:
                problem = response.json()
            except ValueError:
                problem = {"detail": response.text[:500]}
            raise ToolError(
                f"{response.status_code} {problem.get('title', '')}: {problem.get('detail', '')}"
            )
        return response.json(), base_url

    def with_filters(filters: DecisionFilter | None, q: str | None, semantic: float = 0) -> Params:
        pairs = filters.params() if filters else []
        pairs += [("q", q)] if q else []
        return pairs + ([("semantic", f"{semantic:g}")] if semantic else [])

    @server.tool(
        description="Find and count LGSCO decisions: full text and every filter of "
        "GET /v1/decisions, newest first (best match first with q). Answers the exact total, "
        "a page of compact items (no full texts) and facet counts when asked; each item has "
        "the api_url and explorer_url to cite."
    )
    async def search_decisions(
        ctx: Context,
        q: Words = None,
        semantic: Meaning = 0.0,
        filters: Filters = None,
        sort: Annotated[
            Literal["relevance", "decided_on", "-decided_on", "remedy_total", "-remedy_total"]
            | None,
            Field(description="Order; default best match with q, newest without"),
        ] = None,
        page: Annotated[int, Field(ge=1, le=100_000)] = 1,
        per_page: Annotated[int, Field(ge=1, le=50, description="Items per page")] = 10,
        facets: Annotated[
            list[
                Literal["council", "category", "subcategory", "outcome", "year", "kind", "statute"]
            ],
            Field(description="Counts per value of these fields over all matches"),
        ] = [],  # noqa: B006  (copied by pydantic per call)
    ) -> dict[str, Any]:
        params = [
            *with_filters(filters, q, semantic), ("page", str(page)), ("per_page", str(per_page)),
        ]  # fmt: skip
        if sort:
            params.append(("sort", sort))
        if facets:
            params.append(("facets", ",".join(facets)))
        found, base = await call(ctx, "/v1/decisions", params)
        return {
            "total": found["meta"]["total"],
            "page": found["meta"]["page"],
            "pages": found["meta"]["pages"],
            "warnings": found["meta"]["warnings"],
            "items": [_compact(item, base) for item in found["data"]],
            "facets": {
                name: [{"value": v["value"], "label": v["label"], "count": v["count"]} for v in vs]
                for name, vs in found["facets"].items()
            },
            "api_url": base + found["links"]["self"],
            "explorer_url": base + "/" + found["links"]["self"].removeprefix("/v1/decisions"),
        }

    @server.tool(
        description="One decision in full: body, dates, outcome, category, every payment with "
        "its recipient and payer, remedy total, deadlines, and (with include_text) the text, "
        f"cut at {TEXT_CHARS:,} characters. References: 17 015 692, 17-015-692 or 17015692; a "
        "letter suffix (17-002-402b) is another decision."
    )
    async def get_decision(
        ctx: Context,
        reference: Annotated[str, Field(description="The LGSCO reference", max_length=40)],
        include_text: Annotated[
            bool, Field(description="Add the decision's full text (long)")
        ] = False,
    ) -> dict[str, Any]:
        found, base = await call(ctx, f"/v1/decisions/{reference.strip()}", [])
        record = dict(found["data"])
        body = record.pop("body", "")
        record.pop("sections", None)
        if include_text:
            record["text"] = body[:TEXT_CHARS]
            if len(body) > TEXT_CHARS:
                record["text_note"] = (
                    f"Text cut at {TEXT_CHARS:,} of {len(body):,} characters; the whole is at "
                    "api_url."
                )
        record["api_url"] = base + record.pop("url")
        record["explorer_url"] = f"{base}/decisions/{reference_slug(record['reference'])}"
        return record

    @server.tool(
        description="Figures per group over the matching decisions (the same filters and q as "
        "search_decisions): count, upheld, uphold rate, remedy total, median and maximum, "
        "decisions with a payment. Group by council, category, subcategory, outcome, year, "
        "month, remedy_type, kind or statute, each rate with its 95% interval and whether "
        "enough decisions back it (rate_reliable). 'Which councils paid most for X since "
        "2022' is group_by=council, sort=-remedy_total."
    )
    async def decision_stats(
        ctx: Context,
        group_by: GroupBy = "council",
        q: Words = None,
        semantic: Meaning = 0.0,
        filters: Filters = None,
        sort: Annotated[
            StatsSort, Field(description="Order of the groups; - for largest first")
        ] = "-count",
        per_page: Annotated[int, Field(ge=1, le=100, description="Groups returned")] = 20,
    ) -> dict[str, Any]:
        params = [
            *with_filters(filters, q, semantic), ("group_by", group_by), ("sort", sort),
            ("per_page", str(per_page)),
        ]  # fmt: skip
        found, base = await call(ctx, "/v1/stats", params)
        return {**found, "api_url": f"{base}/v1/stats?{urlencode(params)}"}

    @server.tool(
        description="Has this happened before? The decisions nearest in meaning to one "
        "decision, most similar first, each with a score (1 same meaning, 0.5 unrelated), "
        "with every filter of search_decisions: 'similar, but at other councils' or "
        "'similar, upheld, since 2022'."
    )
    async def similar_decisions(
        ctx: Context,
        reference: Annotated[str, Field(description="The LGSCO reference", max_length=40)],
        filters: Filters = None,
        per_page: Annotated[int, Field(ge=1, le=50, description="How many")] = 10,
    ) -> dict[str, Any]:
        path = f"/v1/decisions/{reference_slug(reference.strip())}/similar"
        params = [*with_filters(filters, None), ("per_page", str(per_page))]
        found, base = await call(ctx, path, params)
        items = []
        for item in found["data"]:
            items.append({**_compact(item, base), "score": item["score"]})
        return {
            "reference": found["meta"]["reference"],
            "warnings": found["meta"]["warnings"],
            "items": items,
            "api_url": base + found["links"]["self"],
        }

    @server.tool(
        description="One council or other body: decisions, uphold rate against bodies of its "
        "kind, remedy totals, decisions per year, outcomes, top categories, largest payments "
        "and latest decisions. Takes the slug (kent-county-council); search_decisions' items "
        "carry it as body_slug."
    )
    async def council_profile(
        ctx: Context,
        council: Annotated[str, Field(description="The body's slug", max_length=200)],
    ) -> dict[str, Any]:
        found, base = await call(ctx, f"/v1/councils/{council.strip()}", [])
        data = found["data"]
        return {
            **data,
            "api_url": base + data.get("url", f"/v1/councils/{council}"),
            "explorer_url": f"{base}/councils/{data.get('slug', council)}",
        }

    @server.tool(
        description="The LGSCO category tree with decision counts: the names and slugs the "
        "category and subcategory filters take."
    )
    async def list_categories(ctx: Context) -> dict[str, Any]:
        found, base = await call(ctx, "/v1/categories", [])
        return {"data": found["data"], "api_url": base + "/v1/categories"}

    return server


def streamable_app(server: MCPServer) -> Starlette:
    """The streamable-HTTP endpoint at MCP_PATH; its session manager runs in the app's
    lifespan (`server.session_manager.run()`)."""
    return server.streamable_http_app(
        streamable_http_path=MCP_PATH,
        stateless_http=True,
        json_response=True,
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )
