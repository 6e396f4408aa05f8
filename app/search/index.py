"""The Meilisearch index as code: its settings and the mapping from a database row to a document.

PostgreSQL is the source of truth; the index holds what search, filters, facets and result lists
need. Settings are applied idempotently at start-up (Meilisearch compares and only reindexes on a
real change), and every task is awaited so a bad setting fails loudly.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from app.models import Decision, Organisation
from app.search.boilerplate import split_body
from app.search.client import MeiliClient, MeiliError
from app.search.embeddings import DIMENSIONS, EMBEDDER, MODEL_NAME

PRIMARY_KEY = "id"

# Order matters: a match in an earlier attribute ranks higher (the "attribute" ranking rule).
SEARCHABLE_ATTRIBUTES = [
    "reference",
    "council_name",
    "summary",
    "category",
    "subcategory",
    "complainants",
    "body",  # what the decision is about: its text without the standard paragraphs
    "boilerplate",  # the standard paragraphs (app/search/boilerplate.py): searched last
]

FILTERABLE_ATTRIBUTES = [
    "council_slug",
    "council_name",  # for facet search: type-ahead over council names
    "council_name_lower",
    "body_type",
    "category_slug",
    "subcategory_slug",
    "outcome",
    "remedy_total_pence",
    "remedy_types",
    "decided_days",
    "year",
    "source",
    "has_payment",
    "reference",
    "kind",
    "status",
    "further_report",
    "compliance_confirmed",
    "updated_at",
    "statute_slugs",
    "statutes",
]

SORTABLE_ATTRIBUTES = ["decided_days", "remedy_total_pence", "reference", "updated_at"]

# Relevance first; among equally relevant matches the newest decision wins (SPEC §4 / issue 5).
RANKING_RULES = [
    "words",
    "typo",
    "proximity",
    "attribute",
    "sort",
    "exactness",
    "decided_days:desc",
]

# Meilisearch synonyms are one-way per key, so both directions are listed. Two of its rules shape
# this table: a multi-word synonym is matched as a phrase, and a comma in the text breaks a phrase
# ("education, health and care plan"), hence the comma-free tail "health and care plan"; and only
# query terms of one to three words get synonyms, hence the three-word keys.
SYNONYMS: dict[str, list[str]] = {
    "ehcp": ["health and care plan", "ehc plan"],
    "ehc plan": ["ehcp", "health and care plan"],
    "sen": ["special educational needs"],
    "send": ["special educational needs"],
    "special educational needs": ["sen", "send"],
    "dfg": ["disabled facilities grant"],
    "disabled facilities grant": ["dfg"],
    "dols": ["deprivation of liberty safeguards", "deprivation of liberty"],
    "deprivation of liberty": ["dols"],
}

SETTINGS: dict[str, Any] = {
    "searchableAttributes": SEARCHABLE_ATTRIBUTES,
    "filterableAttributes": FILTERABLE_ATTRIBUTES,
    "sortableAttributes": SORTABLE_ATTRIBUTES,
    "rankingRules": RANKING_RULES,
    "synonyms": SYNONYMS,
    # Deep pages must reach the last match: the default cap of 1,000 hits would hide the rest.
    "pagination": {"maxTotalHits": 1_000_000},
    # Over 300 councils: facet counts must not stop at the default 100 values.
    "faceting": {"maxValuesPerFacet": 2_000, "sortFacetValuesBy": {"*": "count"}},
    # References are numbers people type exactly; a typo there is another decision.
    "typoTolerance": {"disableOnAttributes": ["reference"]},
    # Vectors computed by us (app/search/embeddings.py), stored in PostgreSQL, sent in each
    # document's `_vectors`: Meilisearch never calls a model.
    "embedders": {EMBEDDER: {"source": "userProvided", "dimensions": DIMENSIONS}},
}

_EPOCH = date(1970, 1, 1)


def days_since_epoch(day: date) -> int:
    """Dates as integers: Meilisearch filters and sorts numbers, not ISO strings."""
    return (day - _EPOCH).days


def epoch_seconds(moment: datetime) -> float:
    """A time as seconds since 1970 (with its microseconds): what filters and sorts compare."""
    return moment.timestamp()


def document_id(reference: str) -> str:
    """Meilisearch ids allow [A-Za-z0-9_-]: "17 015 692" becomes "17015692"."""
    return "".join(ch for ch in reference if ch.isalnum())


def document_for(decision: Decision, organisation: Organisation | None) -> dict[str, Any]:
    """The index document of one decision: what search, filters, facets and lists need.

    A decision whose body no source names has no council fields (null), so it is found by every
    query that does not ask for a council, and counted, but never under an invented name.

    `body` is the text without its standard paragraphs, which go to `boilerplate` (searched
    last, never highlighted). `_vectors` carries the stored embedding when the current model
    computed it, else null: Meilisearch refuses a document of a userProvided embedder that
    lacks `_vectors.<embedder>`, and null says "no vector" (checked on 1.21).
    """
    about, boilerplate = split_body(decision.body, decision.sections or {})
    vector = decision.embedding if decision.embedding_model == MODEL_NAME else None
    return {
        "id": document_id(decision.reference),
        "reference": decision.reference,
        "council_name": organisation.name if organisation else None,
        "council_name_lower": organisation.name.casefold() if organisation else None,
        "council_slug": organisation.slug if organisation else None,
        "body_type": organisation.body_type if organisation else None,
        "kind": decision.kind,
        "status": decision.status,
        "further_report": decision.further_report,
        "compliance_confirmed": decision.compliance_confirmed_on is not None,
        "category": decision.category,
        "category_slug": decision.category_slug,
        "subcategory": decision.subcategory,
        "subcategory_slug": decision.subcategory_slug,
        "outcome": decision.outcome,
        "outcome_text": decision.outcome_text,
        "decided_on": decision.decided_on.isoformat() if decision.decided_on else None,
        "decided_days": days_since_epoch(decision.decided_on) if decision.decided_on else None,
        "year": decision.decided_on.year if decision.decided_on else None,
        "summary": decision.summary,
        "body": about,
        "boilerplate": boilerplate,
        "remedy_total_pence": decision.remedy_total_pence,
        "remedy_types": decision.remedy_types,
        "has_payment": bool(decision.remedy_total_pence),
        "complainants": decision.complainants,
        "source": decision.source,
        "source_url": decision.source_url,
        "content_hash": decision.content_hash,
        "updated_at": epoch_seconds(decision.updated_at),
        "statutes": [s["label"] for s in decision.statutes],  # the facet's values
        "statute_slugs": decision.statute_slugs,  # what the `statute` filter compares
        "_vectors": {EMBEDDER: list(vector) if vector else None},
    }


async def ensure_index(client: MeiliClient, name: str) -> None:
    """Create the index if missing and apply SETTINGS; idempotent, and waits for both tasks."""
    try:
        await client.request("GET", f"/indexes/{name}")
    except MeiliError as exc:
        if exc.code != "index_not_found":
            raise
        await client.run("POST", "/indexes", {"uid": name, "primaryKey": PRIMARY_KEY})
    await client.run("PATCH", f"/indexes/{name}/settings", SETTINGS)


async def add_documents(
    client: MeiliClient, name: str, documents: list[dict[str, Any]], timeout: float = 600.0
) -> None:
    if documents:
        await client.run(
            "POST", f"/indexes/{name}/documents?primaryKey={PRIMARY_KEY}", documents, timeout
        )


async def delete_index(client: MeiliClient, name: str) -> None:
    try:
        await client.run("DELETE", f"/indexes/{name}")
    except MeiliError as exc:
        if exc.code != "index_not_found":
            raise


async def send_all(
    client: MeiliClient,
    engine: Engine,
    index_name: str,
    batch_size: int = 1000,
    *,
    with_vectors: bool = True,
    limit: int | None = None,
) -> int:
    """Send every stored decision to `index_name` (upserts: safe to repeat after a failure).

    What `ombudsman reindex` fills a new index with, and what the app refills a lost one with;
    `with_vectors=False` leaves the embeddings out and `limit` stops after that many (the
    benchmark's index size with and without them, on a sample).
    """
    count = 0
    last_id = 0
    while limit is None or count < limit:
        if limit is not None:
            batch_size = min(batch_size, limit - count)
        with Session(engine) as session:
            rows = session.execute(
                select(Decision, Organisation)
                .outerjoin(Organisation, col(Decision.organisation_id) == col(Organisation.id))
                .where(col(Decision.id) > last_id)
                .order_by(col(Decision.id))
                .limit(batch_size)
            ).all()
        if not rows:
            return count
        last_id = rows[-1][0].id or 0
        documents = [document_for(d, o) for d, o in rows]
        if not with_vectors:
            for document in documents:
                del document["_vectors"]
        await add_documents(client, index_name, documents)
        count += len(rows)
    return count
