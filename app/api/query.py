"""The query parameters shared by /v1/decisions, its export, feed and /v1/stats.

`decision_filters` is a FastAPI dependency: it declares (and documents) every filter parameter
once and turns the raw strings into `DecisionFilters` (slugs, pence, dates). Bad values are a
422 problem naming the parameter; unknown parameters are rejected app-wide (strictness.py).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated

from fastapi import Query, Request
from sqlalchemy import ColumnElement

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
MAX_VALUES = 50  # repeated values of one parameter (maxItems in the OpenAPI schema)

FullText = Annotated[
    str | None,
    Query(
        description='Full text. "exact phrase" and -excluded words work; typos are forgiven; '
        "synonyms such as EHCP and education, health and care plan find each other.",
        examples=['"education, health and care plan" -transport'],
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
    if value is None:
        return None
    try:
        pounds = Decimal(value.replace(",", "").removeprefix("£"))
    except InvalidOperation:
        raise _invalid(
            param, f"{value!r} is not an amount in pounds (e.g. 1000 or 250.50)"
        ) from None
    if not pounds.is_finite() or pounds < 0 or pounds > 10**9:
        raise _invalid(param, f"{value!r} is not an amount between 0 and 1,000,000,000 pounds")
    return int((pounds * 100).to_integral_value())


def _day(param: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return parse_day(value)
    except ValueError:
        raise _invalid(
            param, f"{value!r} is not a date: use YYYY-MM-DD or a time ago such as -30d, -12m, -2y"
        ) from None


def _slugs(param: str, values: list[str]) -> list[str]:
    slugs = []
    for value in values:
        if len(value) > 200:
            raise _invalid(param, "a value is longer than 200 characters")
        slug = slug_of(value)
        if not slug:
            raise _invalid(param, f"{value!r} names nothing")
        slugs.append(slug)
    return list(dict.fromkeys(slugs))


def decision_filters(
    council: Annotated[
        list[str],
        Query(
            max_length=MAX_VALUES,
            description="Council or other body, by slug or name (any case). Repeat for OR.",
            examples=["kent-county-council"],
        ),
    ] = [],  # noqa: B006  (FastAPI copies defaults per request)
    category: Annotated[
        list[str],
        Query(
            max_length=MAX_VALUES,
            description="LGSCO category, by slug or name. Repeat for OR.",
            examples=["children-s-care-services"],
        ),
    ] = [],  # noqa: B006
    subcategory: Annotated[
        list[str],
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
            description="Smallest remedy total in pounds, inclusive. Decisions with no remedy "
            "section never match a remedy bound.",
            examples=["1000"],
        ),
    ] = None,
    remedy_max: Annotated[
        str | None,
        Query(description="Largest remedy total in pounds, inclusive.", examples=["5000"]),
    ] = None,
    decided_from: Annotated[
        str | None,
        Query(
            description="Decided on or after: an ISO date or a time ago (-30d, -4w, -12m, -2y).",
            examples=["2022-01-01"],
        ),
    ] = None,
    decided_to: Annotated[
        str | None,
        Query(description="Decided on or before: an ISO date or a time ago.", examples=["-30d"]),
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
    )
    return filters


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
            state.meili, state.index_name, text, filters, hybrid_of(text, semantic)
        )
    except MeiliError as exc:
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
