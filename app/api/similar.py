"""/v1/decisions/{reference}/similar: the decisions closest in meaning to one decision.

Meilisearch's `/indexes/{uid}/similar` finds the nearest stored vectors (app/search/
embeddings.py) to the decision's own, under the same filters as /v1/decisions, and leaves the
decision itself out. Its router is included before /v1/decisions/{reference} (app/main.py).
Without Meilisearch this is a 503 problem: PostgreSQL holds the vectors but cannot rank them.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Engine, select
from sqlmodel import col

from app.api.decision_schemas import SimilarList
from app.api.decisions import LIST_FIELDS, PROBLEMS, _item, reference_not_found, reference_path
from app.api.encoded import EncodedJSON
from app.api.model_query import ModelQueryRoute
from app.api.query import filter_parameters
from app.models import Decision
from app.problems import ProblemError
from app.search.client import MeiliClient, MeiliError, MeiliUnavailable
from app.search.embeddings import EMBEDDER
from app.search.filters import DecisionFilters, meili_filter
from app.search.index import document_id
from app.vocabulary import normalise_reference

router = APIRouter(prefix="/v1", tags=["decisions"], route_class=ModelQueryRoute)

NO_VECTOR = (
    "This decision has no text to compare (no summary or findings), so nothing is listed as "
    "similar to it."
)
NOT_INDEXED = "This decision is not in the search index yet; try again shortly."


def meili_similar_body(reference: str, filters: DecisionFilters, per_page: int) -> dict[str, Any]:
    """The Meilisearch /similar request for one decision (a function of its own for the bench)."""
    return {
        "id": document_id(reference),
        "embedder": EMBEDDER,
        "filter": meili_filter(filters),
        "limit": per_page,
        "attributesToRetrieve": LIST_FIELDS,
        "showRankingScore": True,
    }


def _stored(engine: Engine, reference: str) -> tuple[bool, bool]:
    """(the decision is stored, it has an embedding)."""
    with engine.connect() as connection:
        found = connection.execute(
            select(col(Decision.embedding).is_not(None)).where(col(Decision.reference) == reference)
        ).first()
    return found is not None, bool(found and found[0])


def _unavailable() -> ProblemError:
    return ProblemError(
        503,
        "Similar decisions need the search engine, which is unavailable; try again shortly.",
        type="/problems/search-unavailable",
        title="Search unavailable",
        headers={"Retry-After": "5"},
    )


async def similar_hits(
    meili: MeiliClient, index: str, engine: Engine, published: str, body: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[str]]:
    """Meilisearch's hits for `body`, and warnings; ProblemError for unknown or unavailable."""
    try:
        found = await meili.request("POST", f"/indexes/{index}/similar", body)
    except MeiliUnavailable as exc:
        raise _unavailable() from exc
    except MeiliError as exc:
        if exc.code != "not_found_similar_id":
            raise _unavailable() from exc
        # Not in the index: unknown, or stored and not indexed yet.
        stored, _ = await run_in_threadpool(_stored, engine, published)
        if stored:
            return [], [NOT_INDEXED]
        raise reference_not_found(published, published) from exc
    if not found["hits"]:  # nothing under these filters, or nothing to compare with
        stored, with_vector = await run_in_threadpool(_stored, engine, published)
        if stored and not with_vector:
            return [], [NO_VECTOR]
    return found["hits"], []


@router.get(
    "/decisions/{reference}/similar",
    operation_id="similar_decisions",
    summary="Decisions similar in meaning to one decision",
    response_model=SimilarList,
    responses=PROBLEMS,
)
async def similar_decisions(
    request: Request,
    reference: Annotated[
        str,
        Path(
            description="The reference: 17 015 692, 17-015-692 or 17015692 (a letter suffix, "
            "17-002-402b, names another decision)",
            examples=["17-015-692"],
        ),
    ],
    filters: Annotated[DecisionFilters, Depends(filter_parameters)],
    per_page: Annotated[
        int, Query(ge=1, le=100, description="How many (1–100)", examples=[10])
    ] = 10,
) -> EncodedJSON:
    published = normalise_reference(reference)
    if published is None:
        raise reference_not_found(reference, None)
    state = request.app.state
    body = meili_similar_body(published, filters, per_page)
    hits, warnings = await similar_hits(
        state.meili, state.index_name, state.engine, published, body
    )
    data = []
    for hit in hits:
        item = _item(hit, with_highlights=False)
        del item["highlights"]  # a similar decision matched no words
        item["score"] = round(float(hit.get("_rankingScore", 0.0)), 4)
        data.append(item)
    query = request.url.query
    return EncodedJSON(
        {
            "data": data,
            "meta": {"reference": published, "per_page": per_page, "warnings": warnings},
            "links": {
                "self": request.url.path + (f"?{query}" if query else ""),
                "decision": reference_path(published),
            },
        }
    )
