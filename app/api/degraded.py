"""/v1/decisions from PostgreSQL when Meilisearch is down: same filters, same totals, same shape.

A search without `q` needs no full text: its filters, sort, paging and facet counts can all be
computed in SQL from the same filter descriptions (app/search/filters.py). This module answers
such a request in the shape of a Meilisearch search response (`hits`, `totalHits`,
`facetDistribution`), so the endpoint renders it exactly as it renders Meilisearch's.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Engine, extract, func, select
from sqlalchemy.sql.elements import UnaryExpression

from app.search.filters import (
    DECISIONS,
    DECISIONS_WITH_BODIES,
    ORGANISATIONS,
    DecisionFilters,
    sql_conditions,
)

d, o = DECISIONS.c, ORGANISATIONS.c
_FIELDS: dict[str, ColumnElement[Any]] = {
    "reference": d.reference,
    "council_name": o.name,
    "council_slug": o.slug,
    "body_type": o.body_type,
    "kind": d.kind,
    "category": d.category,
    "subcategory": d.subcategory,
    "category_slug": d.category_slug,
    "subcategory_slug": d.subcategory_slug,
    "outcome": d.outcome,
    "outcome_text": d.outcome_text,
    "decided_on": d.decided_on,
    "summary": d.summary,
    "remedy_total_pence": d.remedy_total_pence,
    "remedy_types": d.remedy_types,
    "status": d.status,
    "source": d.source,
    "source_url": d.source_url,
}
# Meilisearch's sort: the named attribute, documents lacking it last, reference breaking ties.
_ORDER: dict[str, list[UnaryExpression[Any]]] = {
    "decided_on": [d.decided_on.asc().nulls_last(), d.reference.asc()],
    "-decided_on": [d.decided_on.desc().nulls_last(), d.reference.desc()],
    "remedy_total": [d.remedy_total_pence.asc().nulls_last(), d.reference.asc()],
    "-remedy_total": [d.remedy_total_pence.desc().nulls_last(), d.reference.desc()],
}
_FACETS: dict[str, ColumnElement[Any]] = {
    "council_slug": o.slug,
    "category_slug": d.category_slug,
    "subcategory_slug": d.subcategory_slug,
    "outcome": d.outcome,
    "year": extract("year", d.decided_on),
    "kind": d.kind,
    "status": d.status,
}


def _hit(row: Any) -> dict[str, Any]:
    hit = dict(row._mapping)
    if hit["decided_on"] is not None:
        hit["decided_on"] = hit["decided_on"].isoformat()
    return hit


def _facet(engine: Engine, attribute: str, conditions: list[ColumnElement[bool]]) -> dict[str, int]:
    """Counts per value, nulls left out (as Meilisearch's facetDistribution leaves them out)."""
    if attribute == "remedy_types":
        value: ColumnElement[Any] = func.unnest(d.remedy_types).label("value")
        inner = select(value).select_from(DECISIONS_WITH_BODIES).where(*conditions).subquery()
        query = select(inner.c.value, func.count()).group_by(inner.c.value)
    else:
        column = _FACETS[attribute]
        query = (
            select(column, func.count())
            .select_from(DECISIONS_WITH_BODIES)
            .where(*conditions, column.is_not(None))
            .group_by(column)
        )
    with engine.connect() as conn:
        return {str(int(k) if attribute == "year" else k): n for k, n in conn.execute(query)}


def search_in_postgres(
    engine: Engine,
    filters: DecisionFilters,
    order: str,
    page: int,
    per_page: int,
    facet_attributes: list[str],
) -> dict[str, Any]:
    """A Meilisearch-shaped answer to a search without `q`, computed in PostgreSQL."""
    conditions = sql_conditions(filters)
    rows = (
        select(*(column.label(name) for name, column in _FIELDS.items()))
        .select_from(DECISIONS_WITH_BODIES)
        .where(*conditions)
        .order_by(*_ORDER.get(order, _ORDER["-decided_on"]))
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    with engine.connect() as conn:
        total = (
            conn.scalar(select(func.count()).select_from(DECISIONS_WITH_BODIES).where(*conditions))
            or 0
        )
        hits = [_hit(row) for row in conn.execute(rows)]
    return {
        "hits": hits,
        "totalHits": total,
        "facetDistribution": {a: _facet(engine, a, conditions) for a in facet_attributes},
    }
