"""The query parameters shared by /v1/decisions, its export, feed and /v1/stats.

`decision_filters` is a FastAPI dependency: it declares (and documents) every filter parameter
once and turns the raw strings into `DecisionFilters` (slugs, pence, dates). Bad values are a
422 problem naming the parameter; unknown parameters are rejected app-wide (strictness.py).
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Annotated

from fastapi import Query, Request
from pydantic import WithJsonSchema
from sqlalchemy import ColumnElement

from app.api import patterns
from app.api.model_query import ModelQuery
from app.problems import ProblemError
from app.search.client import MeiliError
from app.search.embeddings import embedder
from app.search.filters import DecisionFilters, parse_day, slug_of, sql_conditions
from app.search.matching import Hybrid, matching_references, reference_in
from app.vocabulary import DecisionKind, Outcome, RemedyType, Source, Status

# The vocabularies are the record's own (app/vocabulary.py): one list, no copy to drift.
OutcomeParam = Outcome
RemedyTypeParam = RemedyType
SourceParam = Source
log = logging.getLogger("ombudsearch.search")
MAX_VALUES = 50  # repeated values of one parameter (maxItems in the OpenAPI schema)
# A council, category or sub-category, by slug or name: at least one ASCII letter or digit.
# The schema states the rules; `_slugs` enforces them with messages a reader can act on.
SlugOrName = Annotated[
    str,
    WithJsonSchema(
        {"type": "string", "maxLength": patterns.MAX_VALUE_CHARS, "pattern": patterns.NAMED}
    ),
]
_NAMED = patterns.matcher(patterns.NAMED)
_AMOUNT = patterns.matcher(patterns.AMOUNT)
_DAY = patterns.matcher(patterns.DAY)
_INSTANT = patterns.matcher(patterns.INSTANT)

FullText = Annotated[
    str | None,
    Query(
        description='Full text. "exact phrase" and -excluded words work; typos are forgiven; '
        "synonyms such as EHCP and education, health and care plan find each other.",
        examples=['"education, health and care plan" -transport'],
        min_length=1,
        max_length=500,
    ),
]


SemanticRatio = Annotated[
    float,
    Query(
        ge=0.0,
        le=1.0,
        description="With q: the weight of meaning against words (hybrid search). 0, the "
        "default, is keyword search only; 0.5 mixes both; 1 ranks by meaning alone. Above 0, "
        "the matches are the keyword matches plus the 100 decisions nearest to q in meaning "
        "(docs/semantic.md). No effect without q.",
        examples=[0.5],
    ),
]


def hybrid_of(text: str, semantic: float) -> Hybrid | None:
    """The hybrid search `semantic` asks for, with `text` embedded; None for keyword only."""
    if semantic <= 0 or not text:
        return None
    return Hybrid(semantic, embedder().embed_query(text))


def _invalid(param: str, detail: str) -> ProblemError:
    return ProblemError(
        422,
        f"{param}: {detail}",
        type="/problems/invalid-parameters",
        title="Invalid parameters",
        errors=[{"location": f"query.{param}", "message": detail}],
    )


def _pence(param: str, value: str | None) -> int | None:
    """Pence of an amount written as patterns.AMOUNT says (the schema's pattern)."""
    if value is None:
        return None
    try:
        if not _AMOUNT.search(value):
            raise InvalidOperation
        pounds = Decimal(value.replace(",", "").removeprefix("£"))
    except InvalidOperation:
        raise _invalid(
            param, f"{value!r} is not an amount in pounds (e.g. 1000 or 250.50)"
        ) from None
    if not pounds.is_finite() or pounds < 0 or pounds > 10**9:
        raise _invalid(param, f"{value!r} is not an amount between 0 and 1,000,000,000 pounds")
    return int((pounds * 100).to_integral_value())


def _day(param: str, value: str | None) -> date | None:
    """A date written as patterns.DAY says (the schema's pattern: real days only)."""
    if value is None:
        return None
    try:
        if not _DAY.search(value):
            raise ValueError(value)
        return parse_day(value)
    except ValueError:
        raise _invalid(
            param, f"{value!r} is not a date: use YYYY-MM-DD or a time ago such as -30d, -12m, -2y"
        ) from None


def _instant(param: str, value: str | None) -> datetime | None:
    """A moment written as patterns.INSTANT says, in UTC (no offset: UTC; a date: its start)."""
    if value is None:
        return None
    try:
        if not _INSTANT.search(value):
            raise ValueError(value)
        if value.startswith("-"):
            moment = datetime.combine(parse_day(value), time(), UTC)
        else:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise _invalid(
            param,
            f"{value!r} is not a time: use an ISO date or date and time (2026-12-01, "
            "2026-12-01T09:30:00Z, 2026-12-01T09:30+01:00) or a time ago such as -7d",
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # after 9999-12-31 in UTC: later than anything stored
        return datetime.max.replace(tzinfo=UTC)


def _slugs(param: str, values: list[str]) -> list[str]:
    slugs = []
    for value in values:
        if len(value) > patterns.MAX_VALUE_CHARS:
            raise _invalid(param, "a value is longer than 200 characters")
        slug = slug_of(value) if _NAMED.search(value) else ""
        if not slug:
            raise _invalid(param, f"{value!r} names nothing")
        slugs.append(slug)
    return list(dict.fromkeys(slugs))


def decision_filters(
    council: Annotated[
        list[SlugOrName],
        Query(
            max_length=MAX_VALUES,
            description="Council or other body, by slug or name (any case), with at least "
            "one letter or digit. Repeat for OR.",
            examples=["kent-county-council"],
        ),
    ] = [],  # noqa: B006  (FastAPI copies defaults per request)
    category: Annotated[
        list[SlugOrName],
        Query(
            max_length=MAX_VALUES,
            description="LGSCO category, by slug or name. Repeat for OR.",
            examples=["children-s-care-services"],
        ),
    ] = [],  # noqa: B006
    subcategory: Annotated[
        list[SlugOrName],
        Query(
            max_length=MAX_VALUES,
            description="LGSCO sub-category, by slug or name. Repeat for OR.",
            examples=["child-protection"],
        ),
    ] = [],  # noqa: B006
    outcome: Annotated[
        list[OutcomeParam],
        Query(
            max_length=MAX_VALUES,
            description="Normalised outcome. Repeat for OR.",
            examples=["upheld"],
        ),
    ] = [],  # noqa: B006
    remedy_type: Annotated[
        list[RemedyTypeParam],
        Query(
            max_length=MAX_VALUES,
            description="Decisions whose remedy includes this type. Repeat for OR.",
            examples=["financial_payment"],
        ),
    ] = [],  # noqa: B006
    source: Annotated[
        list[SourceParam],
        Query(
            max_length=MAX_VALUES,
            description="Where the record came from; `synthetic` is fictional demo data.",
            examples=["lgsco"],
        ),
    ] = [],  # noqa: B006
    remedy_min: Annotated[
        str | None,
        Query(
            description="Smallest remedy total in pounds, inclusive: digits, optionally with "
            "thousands commas, pence and a £ sign (1000, 1,000, £250.50), below a billion. "
            "Decisions with no remedy section never match a remedy bound.",
            examples=["1000"],
            json_schema_extra={"pattern": patterns.AMOUNT},
        ),
    ] = None,
    remedy_max: Annotated[
        str | None,
        Query(
            description="Largest remedy total in pounds, inclusive, written like remedy_min.",
            examples=["5000"],
            json_schema_extra={"pattern": patterns.AMOUNT},
        ),
    ] = None,
    decided_from: Annotated[
        str | None,
        Query(
            description="Decided on or after: an ISO date (YYYY-MM-DD, a real day from year "
            "1000) or a time ago: -30d, -4w, -12m (up to 9999) or -2y (up to 999).",
            examples=["2022-01-01"],
            json_schema_extra={"pattern": patterns.DAY},
        ),
    ] = None,
    decided_to: Annotated[
        str | None,
        Query(
            description="Decided on or before: an ISO date or a time ago, as decided_from.",
            examples=["-30d"],
            json_schema_extra={"pattern": patterns.DAY},
        ),
    ] = None,
    kind: Annotated[
        list[DecisionKind],
        Query(
            max_length=MAX_VALUES,
            description="`statement` (the usual decision) or `report` (a formal public report, "
            "which the body must answer). Repeat for OR.",
            examples=["report"],
        ),
    ] = [],  # noqa: B006
    status: Annotated[
        list[Status],
        Query(
            max_length=MAX_VALUES,
            description="`published`, or `removed`: the LGSCO page has gone (404/410) since we "
            "stored it; the record is kept. Default: both.",
            examples=["removed"],
        ),
    ] = [],  # noqa: B006
    further_report: Annotated[
        bool | None,
        Query(
            description="true: a further report was issued because the body did not comply "
            "with the Ombudsman's recommendations; false: none was.",
            examples=[True],
        ),
    ] = None,
    compliance_confirmed: Annotated[
        bool | None,
        Query(
            description="true: the Ombudsman has said it is satisfied with the body's response "
            "(`compliance_confirmed_on` is set); false: it has not (yet).",
            examples=[False],
        ),
    ] = None,
    statute: Annotated[
        list[SlugOrName],
        Query(
            max_length=MAX_VALUES,
            description="Decisions citing this legislation or guidance, by label or slug (any "
            "case): `Care Act 2014 s42`, `care-act-2014-s42`, `Housing Act 1996 Part 7`, "
            "`SEND Code of Practice`, `Equality Act 2010`. Repeat for OR.",
            examples=["Care Act 2014 s42"],
        ),
    ] = [],  # noqa: B006
    updated_since: Annotated[
        str | None,
        Query(
            description="Added, changed or removed at or after this time (`updated_at`): an "
            "ISO date (its start, UTC) or date and time, with Z or an offset up to ±14:00 (none: "
            "UTC), or a time ago such as -7d. With sort=-updated_at, what changed since you "
            "last looked; removed decisions are included (see `status`).",
            examples=["2026-12-01T09:00:00Z"],
            json_schema_extra={"pattern": patterns.INSTANT},
        ),
    ] = None,
) -> DecisionFilters:
    filters = DecisionFilters(
        council=_slugs("council", council),
        category=_slugs("category", category),
        subcategory=_slugs("subcategory", subcategory),
        outcome=list(dict.fromkeys(outcome)),
        remedy_type=list(dict.fromkeys(remedy_type)),
        source=list(dict.fromkeys(source)),
        remedy_min=_pence("remedy_min", remedy_min),
        remedy_max=_pence("remedy_max", remedy_max),
        decided_from=_day("decided_from", decided_from),
        decided_to=_day("decided_to", decided_to),
        kind=list(dict.fromkeys(kind)),
        status=list(dict.fromkeys(status)),
        further_report=further_report,
        compliance_confirmed=compliance_confirmed,
        statute=_slugs("statute", statute),
        updated_since=_instant("updated_since", updated_since),
    )
    return filters


# The endpoints' dependency: `decision_filters`'s parameters validated in one pydantic call
# instead of FastAPI's one at a time (app/api/model_query.py says why, and how they stay in
# the OpenAPI document and the strictness check).
filter_parameters = ModelQuery(decision_filters)


async def full_text_references(
    request: Request, q: str | None, filters: DecisionFilters, semantic: float = 0.0
) -> list[str] | None:
    """The references `q` matches (None without `q`: then Meilisearch is not asked at all);
    with `semantic` > 0, the matches of that hybrid search (app/search/matching.py)."""
    text = (q or "").strip()
    if not text:
        return None
    state = request.app.state
    try:
        return await matching_references(
            state.meili, state.index_name, text, filters, hybrid_of(text, semantic),
            timeout=state.settings.meili_listing_timeout_s,
        )  # fmt: skip
    except MeiliError as exc:
        # Said in the log as well: a 503 for a Meilisearch timeout and one for a request it
        # refused look the same to the client.
        log.warning("full-text matching failed for q=%r: %s", text[:80], exc)
        raise ProblemError(
            503, "Full-text search is unavailable; try again shortly, or leave out q.",
            type="/problems/search-unavailable", title="Search unavailable",
            headers={"Retry-After": "5"},
        ) from exc  # fmt: skip


async def matching_conditions(
    request: Request, filters: DecisionFilters, q: str | None, semantic: float = 0.0
) -> list[ColumnElement[bool]]:
    """SQL conditions for the filters and, with `q`, the references Meilisearch matches."""
    conditions = sql_conditions(filters)
    references = await full_text_references(request, q, filters, semantic)
    if references is not None:
        conditions.append(reference_in(references))
    return conditions
