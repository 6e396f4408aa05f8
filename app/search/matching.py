"""Full text for PostgreSQL queries: the references a `q` matches, as one SQL condition.

Stats and exports are computed in PostgreSQL, which does not do our full-text search. With `q`
they ask Meilisearch for every matching reference (only that attribute, all pages at once) and
restrict the SQL to them with `reference = ANY(:array)`: one bound array, so 100,000 matches are
one parameter, not 100,000.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Text, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY

from app.search.client import MeiliClient
from app.search.filters import DECISIONS, DecisionFilters, meili_filter
from app.search.index import SETTINGS

MAX_MATCHES: int = SETTINGS["pagination"]["maxTotalHits"]


async def matching_references(
    meili: MeiliClient, index_name: str, q: str, filters: DecisionFilters
) -> list[str]:
    """Every reference matching `q` and the filters, in no particular order."""
    found = await meili.request(
        "POST",
        f"/indexes/{index_name}/search",
        {
            "q": q,
            "filter": meili_filter(filters),
            "limit": MAX_MATCHES,
            "attributesToRetrieve": ["reference"],
        },
    )
    return [hit["reference"] for hit in found["hits"]]


def reference_in(references: list[str]) -> ColumnElement[bool]:
    """decision.reference = ANY(:references), with the list bound as one array parameter."""
    array = bindparam("matching_references", value=references, type_=ARRAY(Text))
    return DECISIONS.c.reference == any_(array)
