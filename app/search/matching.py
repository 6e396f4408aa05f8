"""Full text for PostgreSQL queries: the references a `q` matches, as one SQL condition.

Stats and exports are computed in PostgreSQL, which does not do our full-text search. With `q`
they ask Meilisearch for every matching reference (only that attribute, all pages at once) and
restrict the SQL to them with `reference = ANY(:array)`: one bound array, so 100,000 matches are
one parameter, not 100,000.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Text, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY

from app.search.client import MeiliClient
from app.search.embeddings import EMBEDDER
from app.search.filters import DECISIONS, DecisionFilters, meili_filter, quote
from app.search.index import SETTINGS

MAX_MATCHES: int = SETTINGS["pagination"]["maxTotalHits"]
# What a hybrid search (semantic > 0) matches: every keyword match of `q`, and the decisions
# nearest to `q` in meaning, this many at most (docs/semantic.md, "Totals"). Meilisearch's own
# totalHits cannot be the rule: in hybrid mode it depends on the page asked for (on 1.21, one
# query reported 20 on page 1 and 2,000 on page 50), and semantic neighbours have no end.
SEMANTIC_NEIGHBOURS = 100


@dataclass(frozen=True)
class Hybrid:
    """A hybrid search: the weight of meaning against words, and `q` embedded."""

    ratio: float
    vector: list[float]

    def fields(self) -> dict[str, Any]:
        """What a Meilisearch search body adds for it."""
        return {
            "hybrid": {"embedder": EMBEDDER, "semanticRatio": self.ratio},
            "vector": self.vector,
        }


def nearest_search(q: str, where: list[str], hybrid: Hybrid) -> dict[str, Any]:
    """The search listing the references of the SEMANTIC_NEIGHBOURS nearest to `q` in meaning
    under the filter `where`: one body for the listing here and the count of /v1/decisions,
    so the two count the same decisions."""
    return {
        "q": q,
        "filter": where,
        **Hybrid(1.0, hybrid.vector).fields(),
        "limit": SEMANTIC_NEIGHBOURS,
        "attributesToRetrieve": ["reference"],
    }


def reference_filter(references: list[str]) -> str:
    """A Meilisearch filter for these references (each a quoted literal)."""
    return f"reference IN [{', '.join(quote(r) for r in references)}]"


async def _references(
    meili: MeiliClient, index_name: str, body: dict[str, Any], timeout: float | None
) -> list[str]:
    found = await meili.request("POST", f"/indexes/{index_name}/search", body, timeout=timeout)
    return [hit["reference"] for hit in found["hits"]]


async def matching_references(
    meili: MeiliClient,
    index_name: str,
    q: str,
    filters: DecisionFilters,
    hybrid: Hybrid | None = None,
    timeout: float | None = None,
) -> list[str]:
    """Every reference matching `q` and the filters, in no particular order (within
    `timeout`, in place of the client's own for a page).

    With `hybrid`, also the SEMANTIC_NEIGHBOURS decisions nearest to `q` in meaning (under the
    same filters): the match set of a hybrid search, whatever its ratio.
    """
    where = meili_filter(filters)
    keyword = {
        "q": q,
        "filter": where,
        "limit": MAX_MATCHES,
        "attributesToRetrieve": ["reference"],
    }
    if hybrid is None:
        return await _references(meili, index_name, keyword, timeout)
    nearest = nearest_search(q, where, hybrid)
    words, meaning = await asyncio.gather(
        _references(meili, index_name, keyword, timeout),
        _references(meili, index_name, nearest, timeout),
    )
    return list(dict.fromkeys([*words, *meaning]))


def reference_in(references: list[str]) -> ColumnElement[bool]:
    """decision.reference = ANY(:references), with the list bound as one array parameter."""
    array = bindparam("matching_references", value=references, type_=ARRAY(Text))
    return DECISIONS.c.reference == any_(array)
