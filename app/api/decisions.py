"""/v1/decisions (search, filter, facets, highlights) and /v1/decisions/{reference}."""

from __future__ import annotations

import asyncio
import html
import math
import re
from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from urllib.parse import quote_plus, urlencode

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select
from sqlmodel import col

from app.api import patterns
from app.api.decision_schemas import DecisionList, DecisionOut
from app.api.degraded import search_in_postgres
from app.api.encoded import EncodedJSON
from app.api.labels import council_warnings, current_labels
from app.api.model_query import ModelQueryRoute
from app.api.query import FullText, SemanticRatio, filter_parameters, hybrid_of
from app.api.signatures import same_parameters
from app.db import SessionDep
from app.models import Decision, DecisionVersion, Organisation, Payment
from app.problems import ProblemError, problem_responses
from app.search.client import MeiliUnavailable
from app.search.filters import DecisionFilters, meili_filter
from app.search.matching import Hybrid, nearest_search, reference_filter
from app.vocabulary import normalise_reference, pence_to_pounds, reference_slug

router = APIRouter(prefix="/v1", tags=["decisions"], route_class=ModelQueryRoute)

# Highlight markers Meilisearch puts around matches: private-use characters that never occur in
# decisions, so the snippet can be HTML-escaped whole and the markers then turned into <mark>.
_PRE, _POST = "\ue000", "\ue001"
SORTS = {
    "relevance": [],
    "decided_on": ["decided_days:asc", "reference:asc"],
    "-decided_on": ["decided_days:desc", "reference:desc"],
    "remedy_total": ["remedy_total_pence:asc", "reference:asc"],
    "-remedy_total": ["remedy_total_pence:desc", "reference:desc"],
    "-updated_at": ["updated_at:desc", "reference:desc"],
}
SortParam = Literal[
    "relevance", "decided_on", "-decided_on", "remedy_total", "-remedy_total", "-updated_at"
]
FACETS = {
    "council": "council_slug",
    "category": "category_slug",
    "subcategory": "subcategory_slug",
    "outcome": "outcome",
    "year": "year",
    "remedy_type": "remedy_types",
    "kind": "kind",
    "status": "status",
    "statute": "statutes",
}
LIST_FIELDS = [
    "reference", "council_name", "council_slug", "body_type", "kind", "category", "subcategory",
    "category_slug", "subcategory_slug", "outcome", "outcome_text", "decided_on", "summary",
    "remedy_total_pence", "remedy_types", "status", "source", "source_url", "updated_at",
]  # fmt: skip
OUTCOME_LABELS = {
    "upheld": "Upheld",
    "not_upheld": "Not upheld",
    "closed_after_initial_enquiries": "Closed after initial enquiries",
    "other": "Other",
}
# The schema's statement of the rule `search_decisions` applies: every comma-separated item,
# spaces stripped, is a facet name.
FACETS_PATTERN = patterns.comma_list(list(FACETS))
PROBLEMS = problem_responses(
    s400="Unknown query parameter",
    s404="No such decision",
    s422="Invalid parameter value",
    s503="Search unavailable",
)


def reference_path(reference: str) -> str:
    return "/v1/decisions/" + reference_slug(reference)


def council_ref(name: str | None, slug: str | None) -> dict[str, str] | None:
    """The body as the record shows it; null when no source names it."""
    return {"name": name, "slug": slug} if name and slug else None


def _mark(snippet: str) -> str:
    return html.escape(snippet).replace(_PRE, "<mark>").replace(_POST, "</mark>")


def _item(hit: dict[str, Any], with_highlights: bool) -> dict[str, Any]:
    item = {key: hit.get(key) for key in LIST_FIELDS if not key.startswith("council_")}
    item.pop("remedy_total_pence")
    item["url"] = reference_path(hit["reference"])
    item["council"] = council_ref(hit.get("council_name"), hit.get("council_slug"))
    item["remedy_total"] = pence_to_pounds(hit.get("remedy_total_pence"))
    item["remedy_types"] = hit.get("remedy_types") or []
    updated = hit.get("updated_at")  # epoch seconds in the index
    item["updated_at"] = None if updated is None else datetime.fromtimestamp(updated, UTC)
    item["highlights"] = None
    if with_highlights:
        formatted = hit.get("_formatted", {})
        item["highlights"] = {
            "summary": _mark(formatted.get("summary") or ""),
            "body": _mark(formatted.get("body") or ""),
        }
    return item


def _url(request: Request, **changes: Any) -> str:
    """This request's URL with parameters replaced (None removes them)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    params += [(k, str(v)) for k, v in changes.items() if v is not None]
    query = urlencode(params)
    return request.url.path + (f"?{query}" if query else "")


class FacetLinks:
    """The URL applying each facet value to this query, from prefixes encoded once.

    Hundreds of facet values each re-encoding the whole query cost a fifth of a faceted
    request's time (measured); appending one encoded pair to a prepared prefix does not, and
    a value that needs no escaping (every slug) is not run through the URL encoder at all.
    """

    def __init__(self, request: Request) -> None:
        items = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
        self._have = set(items)
        self._prefix = request.url.path + "?" + urlencode(items)
        self._join = self._prefix + ("&" if items else "")
        undated = [(k, v) for k, v in items if k not in ("decided_from", "decided_to")]
        self._undated = request.url.path + "?" + urlencode(undated) + ("&" if undated else "")

    def url(self, facet: str, value: str) -> str:
        if facet == "year":
            return f"{self._undated}decided_from={value}-01-01&decided_to={value}-12-31"
        if (facet, value) in self._have:
            return self._prefix
        return f"{self._join}{facet}={_query_value(value)}"


_URL_SAFE = re.compile(r"[A-Za-z0-9_.~-]*")  # what urlencode leaves as it is


def _query_value(value: str) -> str:
    return value if _URL_SAFE.fullmatch(value) else quote_plus(value)


def effective_sort(sort: str | None, text: str) -> str:
    """The order a search uses: `sort`, else relevance with words and newest first without."""
    return sort or ("relevance" if text else "-decided_on")


def meili_search_body(
    text: str,
    filters: DecisionFilters,
    sort: str | None,
    page: int,
    per_page: int,
    wanted: list[str],
    hybrid: Hybrid | None = None,
) -> dict[str, Any]:
    """The Meilisearch search request for one /v1/decisions query (validated values).

    A function of its own so the benchmark can send the very same request straight to
    Meilisearch and compare (SPEC §6). Without `hybrid` (semantic=0) it is the keyword request
    it always was, key for key.
    """
    body: dict[str, Any] = {
        "q": text,
        "filter": meili_filter(filters),
        "page": page,
        "hitsPerPage": per_page,
        "attributesToRetrieve": LIST_FIELDS,
        "facets": [FACETS[f] for f in wanted],
    }
    order = effective_sort(sort, text)
    if SORTS[order]:
        body["sort"] = SORTS[order]
    if text:
        body.update(
            attributesToHighlight=["summary", "body"],
            attributesToCrop=["body"],
            cropLength=40,
            highlightPreTag=_PRE,
            highlightPostTag=_POST,
        )
    if hybrid is not None:
        body.update(hybrid.fields())
    return body


async def search_decisions(
    request: Request,
    filters: Annotated[DecisionFilters, Depends(filter_parameters)],
    q: FullText = None,
    sort: Annotated[
        SortParam | None,
        Query(
            description="Order: relevance (default with q; newest first among equals), "
            "decided_on, -decided_on (default without q), remedy_total, -remedy_total, "
            "-updated_at (last added, changed or removed first)",
            examples=["-decided_on"],
        ),
    ] = None,
    page: Annotated[int, Query(ge=1, le=100_000, description="Page, from 1", examples=[1])] = 1,
    per_page: Annotated[
        int, Query(ge=1, le=100, description="Results per page (1–100)", examples=[20])
    ] = 20,
    facets: Annotated[
        str | None,
        Query(
            description="Comma list of council, category, subcategory, outcome, year, "
            "remedy_type, kind, status, statute: counts for every value",
            examples=["council,outcome"],
            json_schema_extra={"pattern": FACETS_PATTERN},
        ),
    ] = None,
    semantic: SemanticRatio = 0.0,
) -> dict[str, Any]:
    """One page of /v1/decisions as a dict (the explorer renders it; the route encodes it)."""
    wanted = [f.strip(" ") for f in facets.split(",")] if facets is not None else []
    unknown = [f for f in wanted if f not in FACETS]
    if unknown:
        raise ProblemError(
            422,
            f"facets: unknown facet {', '.join(map(repr, unknown))}; "
            f"use a comma list of {', '.join(FACETS)}",
            type="/problems/invalid-parameters",
            title="Invalid parameters",
        )
    text = (q or "").strip()
    hybrid = hybrid_of(text, semantic)
    body = meili_search_body(text, filters, sort, page, per_page, wanted, hybrid)
    index = request.app.state.index_name
    degraded: list[str] = []
    notes = ["semantic has no effect without q."] if semantic > 0 and not text else []
    try:
        if hybrid is None:
            found = await request.app.state.meili.request("POST", f"/indexes/{index}/search", body)
        else:
            found = await _hybrid_search(request, body, text, filters, hybrid, wanted)
    except MeiliUnavailable as exc:
        if text or semantic > 0:  # full text needs Meilisearch: say so, and when to come back
            detail = "Full-text search is unavailable; try again shortly, or leave out "
            raise ProblemError(
                503, detail + ("q." if text else "semantic."),
                type="/problems/search-unavailable", title="Search unavailable",
                headers={"Retry-After": "5"},
            ) from exc  # fmt: skip
        order = effective_sort(sort, text)  # no words here: newest first unless told
        found = await run_in_threadpool(
            search_in_postgres, request.app.state.engine, filters, order, page, per_page,
            [FACETS[f] for f in wanted],
        )  # fmt: skip
        degraded.append(
            "Search engine unavailable: answered from the database (same filters, totals and "
            "facets; no full text)."
        )
    distribution: dict[str, dict[str, int]] = {
        facet: found.get("facetDistribution", {}).get(FACETS[facet], {}) for facet in wanted
    }
    wanted_labels: dict[str, list[str]] = {
        facet: list(distribution[facet])
        for facet in ("council", "category", "subcategory")
        if facet in distribution
    }
    if filters.council:
        wanted_labels["council"] = [*wanted_labels.get("council", []), *filters.council]
    labels = await current_labels(request, wanted_labels)
    warnings = council_warnings(labels.council, filters.council) + degraded + notes
    names = {"council": labels.council, "category": labels.category,
             "subcategory": labels.subcategory, "outcome": OUTCOME_LABELS,
             "statute": {label: label for label in distribution.get("statute", {})}}  # fmt: skip
    links = FacetLinks(request)
    total = found["totalHits"]
    pages = math.ceil(total / per_page) if total else 0
    facet_out = {
        facet: [
            {
                "value": str(value),
                "label": names.get(facet, {}).get(str(value))
                or str(value).replace("_", " ").capitalize(),
                "count": count,
                "url": links.url(facet, str(value)),
            }
            for value, count in sorted(distribution[facet].items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        for facet in wanted
    }
    return {
        "data": [_item(hit, bool(text)) for hit in found["hits"]],
        "meta": {
            "total": total,
            "page": page,
            "per_page": per_page,
            "pages": pages,
            "warnings": warnings,
        },
        "facets": facet_out,
        "links": {
            "self": _url(request),
            "next": _url(request, page=page + 1) if page < pages else None,
            "prev": _url(request, page=page - 1) if 1 < page <= pages + 1 else None,
        },
    }


@router.get(
    "/decisions",
    operation_id="search_decisions",
    summary="Search and filter decisions",
    response_model=DecisionList,
    responses=PROBLEMS,
)
@same_parameters(search_decisions)
async def search_decisions_route(**parameters: Any) -> EncodedJSON:
    # The page encoded without a second validation against DecisionList (app/api/encoded.py).
    return EncodedJSON(await search_decisions(**parameters))


async def _hybrid_search(
    request: Request,
    body: dict[str, Any],
    text: str,
    filters: DecisionFilters,
    hybrid: Hybrid,
    wanted: list[str],
) -> dict[str, Any]:
    """A hybrid search's page, with the total and facets of its match set (matching.py).

    The page is Meilisearch's hybrid ranking. The matches are the keyword matches K plus the
    SEMANTIC_NEIGHBOURS nearest N, the set `matching_references` lists for stats, export and
    feed; here it is counted without listing K (which can be every decision): |K| and K's
    facets from one keyword count, N from one vector search, then |N ∩ K| and the facets of N
    and of N ∩ K from two more counts restricted to N. Total |K| + |N| - |N ∩ K|, and facets
    K + N - (N ∩ K): exactly len(matching_references(...)) and the counts stats give.

    Every request but the page and N's asks for no hits (`hitsPerPage: 0`), so Meilisearch
    neither ranks nor reads a document for it: 0.5 ms at 100,000 realistic decisions, where the
    100-hit search restricted to N that this replaced took 4.8 ms.
    """
    state = request.app.state

    async def search(search_body: dict[str, Any]) -> dict[str, Any]:
        answer: dict[str, Any] = await state.meili.request(
            "POST", f"/indexes/{state.index_name}/search", search_body
        )
        return answer

    where = meili_filter(filters)
    attributes = [FACETS[f] for f in wanted]
    count = {"page": 1, "hitsPerPage": 0, "facets": attributes}
    found, nearest, counted = await asyncio.gather(
        search({**body, "facets": []}),
        search(nearest_search(text, where, hybrid)),
        search({"q": text, "filter": where, **count}),
    )
    near = [hit["reference"] for hit in nearest["hits"]]
    distribution = {a: dict(counted.get("facetDistribution", {}).get(a, {})) for a in attributes}
    total = counted["totalHits"]
    if near:
        among = [*where, reference_filter(near)]
        both = search({"q": text, "filter": among, **count})  # N ∩ K
        if attributes:
            in_both, in_near = await asyncio.gather(
                both, search({"q": "", "filter": among, **count})
            )
        else:
            in_both, in_near = await both, None
        total += len(near) - in_both["totalHits"]
        if in_near is not None:
            shared = in_both.get("facetDistribution", {})
            for attribute, counts in in_near.get("facetDistribution", {}).items():
                for value, n in counts.items():
                    extra = n - shared.get(attribute, {}).get(value, 0)
                    if extra > 0:
                        distribution[attribute][value] = (
                            distribution[attribute].get(value, 0) + extra
                        )
    found["totalHits"] = total
    found["facetDistribution"] = distribution
    return found


@router.get(
    "/decisions/{reference}",
    operation_id="get_decision",
    summary="One decision, in full",
    response_model=DecisionOut,
    responses=PROBLEMS,
)
def get_decision(
    reference: Annotated[
        str,
        Path(
            description="The reference: 17 015 692, 17-015-692 or 17015692; a letter suffix "
            "(17-002-402b) names another decision than the reference without it",
            examples=["17-015-692"],
        ),
    ],
    session: SessionDep,
) -> dict[str, Any]:
    published = normalise_reference(reference)
    row = None
    if published is not None:
        row = session.execute(
            select(Decision, Organisation)
            .outerjoin(Organisation, col(Decision.organisation_id) == col(Organisation.id))
            .where(col(Decision.reference) == published)
        ).first()
    if row is None:
        raise reference_not_found(reference, published)
    decision, organisation = row
    payments = session.scalars(
        select(Payment)
        .where(col(Payment.decision_id) == decision.id)
        .order_by(col(Payment.position))
    ).all()
    related = related_references(session, decision)
    versions = session.scalars(
        select(DecisionVersion)
        .where(col(DecisionVersion.decision_id) == decision.id)
        .order_by(col(DecisionVersion.seen_to), col(DecisionVersion.id))
    ).all()
    record = record_dict(decision, organisation, payments, related)
    record["versions"] = [
        {"content_hash": v.content_hash, "seen_from": v.seen_from, "seen_to": v.seen_to}
        for v in versions
    ]
    return {"data": record}


def related_references(session: Any, decision: Decision) -> list[str]:
    """The other references published with the same text (one report per council or
    complainant), by `text_fingerprint`."""
    if not decision.text_fingerprint:
        return []
    return list(
        session.scalars(
            select(col(Decision.reference))
            .where(
                col(Decision.text_fingerprint) == decision.text_fingerprint,
                col(Decision.id) != decision.id,
            )
            .order_by(col(Decision.reference))
        )
    )


def reference_not_found(reference: str, published: str | None) -> ProblemError:
    """The 404 of a reference: none stored under it, or `reference` is not one at all."""
    detail = (
        f"No decision with reference {published!r}"
        if published
        else f"{reference!r} is not a reference: LGSCO references are 8 digits, 17 015 692, "
        "sometimes with a letter, 17 002 402b"
    )
    return ProblemError(404, detail, type="/problems/not-found", title="Not Found")


def record_dict(
    decision: Decision,
    organisation: Organisation | None,
    payments: Any,
    related: list[str],
) -> dict[str, Any]:
    """The full SPEC §3 record of a stored decision."""
    return {
        "reference": decision.reference,
        "url": reference_path(decision.reference),
        "council": council_ref(organisation.name, organisation.slug) if organisation else None,
        "body_type": organisation.body_type if organisation else None,
        "kind": decision.kind,
        "category": decision.category,
        "subcategory": decision.subcategory,
        "category_slug": decision.category_slug,
        "subcategory_slug": decision.subcategory_slug,
        "outcome": decision.outcome,
        "outcome_text": decision.outcome_text,
        "outcome_inferred": decision.outcome_inferred,
        "decided_on": decision.decided_on,
        "summary": decision.summary,
        "body": decision.body,
        "sections": decision.sections,
        "payments": [
            {
                "amount": pence_to_pounds(p.amount_pence),
                "recipient": p.recipient,
                "count": p.count,
                "kind": p.kind,
                "already_made": p.already_made,
                "reason": p.reason,
                "payer": p.payer,
            }
            for p in payments
        ],
        "remedy_total": pence_to_pounds(decision.remedy_total_pence),
        "waived_total": pence_to_pounds(decision.waived_total_pence),
        "remedy_types": decision.remedy_types,
        "complainants": decision.complainants,
        "deadlines": decision.deadlines,
        "compliance_confirmed_on": decision.compliance_confirmed_on,
        "further_report": decision.further_report,
        "related_references": related,
        "status": decision.status,
        "removed_on": decision.removed_on,
        "statutes": decision.statutes,
        "content_hash": decision.text_hash,
        "versions": [],  # get_decision fills them in
        "source_url": decision.source_url,
        "source": decision.source,
        "warnings": decision.warnings,
        "ingested_at": decision.ingested_at,
        "updated_at": decision.updated_at,
    }
