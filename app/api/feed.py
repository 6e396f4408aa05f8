"""/v1/decisions/feed.atom: the newest decisions matching a query, as an Atom feed.

So a reporter can follow "upheld decisions about my council" in any feed reader. The query is
that of /v1/decisions (same filters and `q`, same meaning through `matching_conditions`); the
feed holds the newest FEED_SIZE matches, by decision date and then by when they were ingested.
Each entry links to the decision in the API (alternate) and to its page on the LGSCO website
(related) when the source is known. The feed is small and sent whole, so it gets an ETag.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from feedgen.feed import FeedGenerator
from sqlalchemy import ColumnElement, Engine, func, select

from app.api.decisions import OUTCOME_LABELS, reference_path
from app.api.model_query import ModelQueryRoute
from app.api.query import (
    FullText,
    SemanticRatio,
    filter_parameters,
    matching_conditions,
)
from app.problems import problem_responses
from app.search.filters import DECISIONS, DECISIONS_WITH_BODIES, ORGANISATIONS, DecisionFilters

router = APIRouter(prefix="/v1", tags=["feed"], route_class=ModelQueryRoute)

FEED_SIZE = 50
ATOM = "application/atom+xml"
ATOM_NS = "http://www.w3.org/2005/Atom"
PROBLEMS = problem_responses(
    s400="Unknown query parameter",
    s422="Invalid parameter value",
    s503="Search unavailable (only with q)",
)
ATOM_EXAMPLE = """<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <id>https://api.example/v1/decisions/feed.atom?council=kent-county-council&amp;outcome=upheld</id>
  <title>Ombudsearch: upheld decisions about Kent County Council</title>
  <updated>2024-05-02T09:00:00+00:00</updated>
  <entry>
    <id>https://api.example/v1/decisions/23-001-234</id>
    <title>Kent County Council — 23 001 234 — Upheld</title>
    <updated>2024-05-02T09:00:00+00:00</updated>
    <link href="https://api.example/v1/decisions/23-001-234" rel="alternate"/>
    <link href="https://www.lgo.org.uk/decisions/education/…/23-001-234" rel="related"/>
    <summary>Mrs X complained the Council delayed her son's EHC plan…</summary>
    <category term="education" label="Education"/>
    <published>2024-04-30T00:00:00+00:00</published>
  </entry>
</feed>
"""


def _pounds(pence: int) -> str:
    return f"£{Decimal(pence) / 100:,.2f}".removesuffix(".00")


def _names(engine: Engine, filters: DecisionFilters) -> dict[str, dict[str, str]]:
    """Names for the slugs in the filters, so the title says "Kent County Council"."""
    names: dict[str, dict[str, str]] = {"council": {}, "category": {}, "subcategory": {}}
    with engine.connect() as connection:
        if filters.council:
            rows = connection.execute(
                select(ORGANISATIONS.c.slug, ORGANISATIONS.c.name).where(
                    ORGANISATIONS.c.slug.in_(filters.council)
                )
            )
            names["council"] = dict(rows.all())
        for param in ("category", "subcategory"):
            slugs: list[str] = getattr(filters, param)
            if slugs:
                slug_col, name_col = DECISIONS.c[f"{param}_slug"], DECISIONS.c[param]
                rows = connection.execute(
                    select(slug_col, func.min(name_col))
                    .where(slug_col.in_(slugs))
                    .group_by(slug_col)
                )
                names[param] = dict(rows.all())
    return names


# Characters XML 1.0 cannot carry at all (feedgen refuses them with a ValueError): C0 controls
# other than tab, line feed and carriage return, lone surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """`text` without the characters an XML document cannot hold (a pasted `q` may have them)."""
    return _NOT_XML.sub("", text)


def feed_title(filters: DecisionFilters, q: str, names: dict[str, dict[str, str]]) -> str:
    """ "Ombudsearch: upheld decisions about Kent County Council": the query in words."""

    def either(param: str, values: list[str]) -> str:
        return " or ".join(names.get(param, {}).get(v, v) for v in values)

    words = [either("outcome", [OUTCOME_LABELS[o].lower() for o in filters.outcome]), "decisions"]
    if filters.council:
        words.append("about " + either("council", filters.council))
    for param in ("category", "subcategory"):
        if getattr(filters, param):
            words.append("in " + either(param, getattr(filters, param)))
    if q:
        words.append(f"matching “{q}”")
    if filters.remedy_type:
        words.append(
            "with remedy " + either("", [t.replace("_", " ") for t in filters.remedy_type])
        )
    if filters.remedy_min is not None:
        words.append(f"with remedies of at least {_pounds(filters.remedy_min)}")
    if filters.remedy_max is not None:
        words.append(f"with remedies of at most {_pounds(filters.remedy_max)}")
    if filters.decided_from:
        words.append(f"decided from {filters.decided_from.isoformat()}")
    if filters.decided_to:
        words.append(f"decided up to {filters.decided_to.isoformat()}")
    if filters.kind:
        words.append("that are " + either("", [f"{k}s" for k in filters.kind]))
    if filters.status:
        shown = {"published": "still published", "removed": "removed from the LGSCO site"}
        words.append(either("", [shown[s] for s in filters.status]))
    if filters.further_report is not None:
        words.append(
            ("with" if filters.further_report else "without")
            + " a further report for non-compliance"
        )
    if filters.compliance_confirmed is not None:
        words.append(
            "with compliance confirmed"
            if filters.compliance_confirmed
            else "without confirmed compliance"
        )
    if filters.source:
        words.append(f"({either('', filters.source)} records)")
    return xml_text("Ombudsearch: " + " ".join(w for w in words if w))


def newest(engine: Engine, conditions: list[ColumnElement[bool]]) -> list[Any]:
    """The newest FEED_SIZE matches: by decision date, then by when they arrived."""
    d, o = DECISIONS.c, ORGANISATIONS.c
    columns = [
        d.reference, o.name.label("council"), d.outcome, d.outcome_text, d.decided_on,
        d.summary, d.category, d.category_slug, d.subcategory, d.subcategory_slug,
        d.source_url, d.updated_at,
    ]  # fmt: skip
    query = (
        select(*columns)
        .select_from(DECISIONS_WITH_BODIES)
        .where(*conditions)
        .order_by(d.decided_on.desc().nulls_last(), d.ingested_at.desc(), d.reference.desc())
        .limit(FEED_SIZE)
    )
    with engine.connect() as connection:
        return list(connection.execute(query).mappings())


class _LinkRelations:
    """Puts `rel` and `type` back on an entry's links, as a feedgen entry extension.

    feedgen 1.0.0 writes entry links with their href only (its `atom_entry` reads `rel` off
    the new XML element instead of the link's dict), so every link would read as `alternate`
    and a reader could not tell the API from the LGSCO page.
    """

    def __init__(self) -> None:
        self.links: list[dict[str, str]] = []

    def extend_atom(self, entry: Any) -> None:
        elements = [e for e in entry if e.tag in ("link", f"{{{ATOM_NS}}}link")]
        for element, link in zip(elements, self.links, strict=True):
            element.set("rel", link["rel"])
            element.set("type", link["type"])


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def atom_feed(request: Request, title: str, rows: list[Any]) -> bytes:
    """The Atom document: feed id and self link are this request's URL."""
    base_url = str(request.base_url).rstrip("/")
    search_url = base_url + "/v1/decisions" + (f"?{request.url.query}" if request.url.query else "")
    feed = FeedGenerator()
    feed.id(str(request.url))
    feed.title(title)
    feed.author({"name": "Ombudsearch"})
    feed.link(href=str(request.url), rel="self", type=ATOM)
    feed.link(href=search_url, rel="alternate", type="application/json")
    feed.language("en")
    feed.updated(max((row["updated_at"] for row in rows), default=datetime.now(UTC)))
    for row in rows:
        url = base_url + reference_path(row["reference"])
        outcome = OUTCOME_LABELS.get(row["outcome"] or "", row["outcome_text"] or "No outcome")
        entry = feed.add_entry(order="append")
        entry.id(url)
        body = row["council"] or "Body not named"
        entry.title(xml_text(f"{body} — {row['reference']} — {outcome}"))
        links = [{"href": url, "rel": "alternate", "type": "application/json"}]
        if row["source_url"]:
            links.append({"href": row["source_url"], "rel": "related", "type": "text/html"})
        entry.link(links)
        entry.register_extension("link_relations", _LinkRelations, rss=False)
        entry.link_relations.links = links
        entry.updated(row["updated_at"])
        if row["decided_on"]:
            entry.published(_midnight(row["decided_on"]))
        entry.summary(xml_text(row["summary"] or outcome))
        for kind in ("category", "subcategory"):
            if row[kind]:
                entry.category(term=row[f"{kind}_slug"] or row[kind], label=row[kind])
    document: bytes = feed.atom_str(pretty=True)
    return document


@router.get(
    "/decisions/feed.atom",
    operation_id="decisions_feed",
    summary="Follow a query: an Atom feed of the newest matching decisions",
    description=f"The newest {FEED_SIZE} decisions matching the filters of `/v1/decisions` "
    "(and `q`), newest decision date first, as an Atom feed for any feed reader. Each entry "
    "links to the decision in the API (`alternate`) and to its page on the LGSCO website "
    "(`related`) when known; `published` is the decision date, `updated` when the record "
    "last changed.",
    response_class=Response,
    responses={
        200: {
            "description": "An Atom 1.0 feed",
            "content": {ATOM: {"schema": {"type": "string"}, "example": ATOM_EXAMPLE}},
        },
        **PROBLEMS,
    },
)
async def decisions_feed(
    request: Request,
    filters: Annotated[DecisionFilters, Depends(filter_parameters)],
    q: FullText = None,
    semantic: SemanticRatio = 0.0,
) -> Response:
    text = (q or "").strip()
    conditions = await matching_conditions(request, filters, text, semantic)
    engine = request.app.state.engine

    def read() -> tuple[dict[str, dict[str, str]], list[Any]]:
        return _names(engine, filters), newest(engine, conditions)

    names, rows = await run_in_threadpool(read)
    document = atom_feed(request, feed_title(filters, text, names), rows)
    return Response(document, media_type=ATOM)
