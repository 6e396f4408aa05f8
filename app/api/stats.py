"""/v1/stats: counts, uphold rates and remedy figures per council, category, outcome, year…

A reporter's question ("which councils pay most for SEND complaints?") is an aggregate over the
very set /v1/decisions finds, so the filters are the same dependency and the same SQL
(`sql_conditions`); with `q`, Meilisearch only supplies the matching references and PostgreSQL
does the counting. Everything is one statement: the matched decisions as a CTE, one GROUP BY
over it, the number of groups as a window and the number of decisions as a scalar subquery, so
no decision row is ever loaded into Python and every figure is exact (money in integer pence
until the last step).
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Generator
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, get_args

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy import (
    CTE,
    ColumnElement,
    Connection,
    Numeric,
    Select,
    cast,
    func,
    select,
    text,
    true,
)
from sqlmodel import Session

from app.api.compliance import (
    COMPLIANCE_CONFIRMED,
    COMPLIANCE_MEDIAN_DAYS,
    FURTHER_REPORTS,
    REPORTS,
)
from app.api.decisions import OUTCOME_LABELS
from app.api.decisions import _url as page_url
from app.api.export import (
    YIELD_PER,
    ExportResponse,
    ExportSlots,
    csv_chunks,
    export_filename,
)
from app.api.labels import council_warnings, current_labels
from app.api.model_query import ModelQueryRoute
from app.api.query import (
    FullText,
    SemanticRatio,
    filter_parameters,
    full_text_references,
)
from app.api.rates import (
    RATE_RELIABLE,
    UPHELD_RATE,
    UPHELD_RATE_HIGH,
    UPHELD_RATE_LOW,
    rate_fields,
)
from app.db import SessionDep
from app.problems import problem_responses
from app.search.filters import (
    DECISIONS,
    DECISIONS_WITH_BODIES,
    ORGANISATIONS,
    DecisionFilters,
    sql_conditions,
)
from app.search.matching import MAX_MATCHES, reference_in
from app.vocabulary import pence_to_pounds

router = APIRouter(prefix="/v1", tags=["stats"], route_class=ModelQueryRoute)
DEFAULT_MIN_RATE_N = 30  # MIN_RATE_N's default (app/config.py); the endpoint passes the setting

GroupBy = Literal[
    "council", "category", "subcategory", "outcome", "year", "month", "remedy_type", "kind",
    "statute",
]  # fmt: skip
SortParam = Literal[
    "count", "-count", "upheld", "-upheld", "upheld_rate", "-upheld_rate",
    "remedy_total", "-remedy_total", "remedy_median", "-remedy_median",
    "remedy_max", "-remedy_max", "with_payment", "-with_payment", "key", "-key",
]  # fmt: skip
SORTS: tuple[str, ...] = get_args(SortParam)

PROBLEMS = problem_responses(
    s400="Unknown query parameter",
    s422="Invalid parameter value",
    s503="Search unavailable (only `q` needs it)",
)

# Labels of the null group: the decisions the grouping field says nothing about.
NULL_LABELS: dict[str, str] = {
    "council": "Body not named",
    "category": "Uncategorised",
    "subcategory": "Uncategorised",
    "outcome": "No outcome recorded",
    "year": "Undated",
    "month": "Undated",
    "remedy_type": "No remedy recorded",
    "statute": "No statute found",
}


# --- response shapes ---------------------------------------------------------------------------


class StatsRow(BaseModel):
    """One group of the matched decisions and its figures."""

    key: str | None = Field(
        description="The group: a council, category or sub-category slug, an outcome, a year "
        "(`2024`), a month (`2024-03`) or a remedy type; null for decisions without one "
        "(uncategorised, no outcome, undated, no remedy)",
        examples=["wexmoor-district-council"],
    )
    label: str = Field(
        description="Human name of the group (council or category name, `Not upheld`, "
        "`March 2024`, `Financial payment`, `Uncategorised`…)",
        examples=["Wexmoor District Council"],
    )
    count: int = Field(
        description="Matched decisions in the group (with remedy_type, a decision counts "
        "once in each of its types)",
        examples=[42],
    )
    upheld: int = Field(description="Of those, outcome `upheld`", examples=[25])
    with_outcome: int = Field(
        description="Of those, decisions with a known outcome: the n of `upheld_rate`",
        examples=[41],
    )
    upheld_rate: float | None = UPHELD_RATE
    upheld_rate_low: float | None = UPHELD_RATE_LOW
    upheld_rate_high: float | None = UPHELD_RATE_HIGH
    rate_reliable: bool = RATE_RELIABLE
    remedy_total: float = Field(
        description="Pounds the group's decisions ask for (sum of `remedy_total`), 2 dp",
        examples=[12450.5],
    )
    remedy_median: float | None = Field(
        description="Median `remedy_total` in pounds over decisions with one (a remedy section "
        "was found; 0 counts), 2 dp; null when none has one",
        examples=[250.0],
    )
    remedy_max: float | None = Field(
        description="Largest `remedy_total` in pounds, 2 dp; null when none has one",
        examples=[5000.0],
    )
    with_payment: int = Field(
        description="Decisions asking for money: `remedy_total` above 0", examples=[18]
    )
    reports: int = REPORTS
    further_reports: int = FURTHER_REPORTS
    compliance_confirmed: int = COMPLIANCE_CONFIRMED
    compliance_median_days: float | None = COMPLIANCE_MEDIAN_DAYS


class StatsMeta(BaseModel):
    total: int = Field(
        description="Decisions matched by the filters: /v1/decisions `meta.total` for the same "
        "query",
        examples=[1103],
    )
    groups: int = Field(description="Number of groups, all pages together", examples=[318])
    page: int = Field(description="This page of groups, from 1", examples=[1])
    per_page: int = Field(description="Groups per page", examples=[100])
    pages: int = Field(description="Number of pages (0 when there is no group)", examples=[4])
    group_by: GroupBy = Field(description="The grouping asked for", examples=["council"])
    warnings: list[str] = Field(
        description="What may make the figures surprising, e.g. a council filter naming no council",
        examples=[["No council matches 'wexmor'; did you mean Wexmoor District Council?"]],
    )


class StatsLinks(BaseModel):
    self: str = Field(description="This page", examples=["/v1/stats?group_by=council&page=2"])
    next: str | None = Field(
        description="The next page; null on the last", examples=["/v1/stats?page=3"]
    )
    prev: str | None = Field(
        description="The previous page; null on the first", examples=["/v1/stats?page=1"]
    )


class StatsList(BaseModel):
    data: list[StatsRow] = Field(description="This page of groups, in the order of `sort`")
    meta: StatsMeta = Field(description="Totals, paging and what was asked")
    links: StatsLinks = Field(description="This page, the next and the previous")


# --- the query --------------------------------------------------------------------------------


def _conditions(filters: DecisionFilters, references: list[str] | None) -> list[Any]:
    conditions = sql_conditions(filters)
    if references is not None:
        conditions.append(reference_in(references))
    return conditions


def matched(filters: DecisionFilters, references: list[str] | None) -> CTE:
    """The decisions the filters (and full-text matches, when given) select: one row each."""
    conditions = _conditions(filters, references)
    d, o = DECISIONS.c, ORGANISATIONS.c
    columns = [
        d.id, d.outcome, d.remedy_total_pence, d.decided_on, d.remedy_types,
        d.category_slug, d.category, d.subcategory_slug, d.subcategory, d.kind,
        d.further_report, d.compliance_confirmed_on, d.statutes,
        o.slug.label("council_slug"), o.name.label("council_name"),
    ]  # fmt: skip
    return select(*columns).select_from(DECISIONS_WITH_BODIES).where(*conditions).cte("matched")


def _grouping(m: CTE, group_by: str) -> tuple[Any, ColumnElement[Any], ColumnElement[Any] | None]:
    """(FROM clause, key expression, label expression or None when labelled in Python)."""
    if group_by == "remedy_type":
        # A decision counts once in each of its types; one without any forms the null group.
        types = (
            func.unnest(m.c.remedy_types)
            .table_valued("remedy_type")
            .render_derived()
            .lateral("types")
        )
        return m.outerjoin(types, true()), types.c.remedy_type, None
    if group_by == "statute":
        # As remedy_type: once under each statute cited; those citing none form the null group.
        cited = (
            func.jsonb_array_elements(m.c.statutes)
            .table_valued("value")
            .render_derived()
            .lateral("cited")
        )
        return (
            m.outerjoin(cited, true()),
            cited.c.value.op("->>")("slug"),
            func.min(cited.c.value.op("->>")("label")),
        )
    if group_by in ("year", "month"):
        pattern = "YYYY" if group_by == "year" else "YYYY-MM"
        return m, func.to_char(m.c.decided_on, pattern), None
    if group_by in ("outcome", "kind"):
        return m, m.c[group_by], None
    slug, name = {
        "council": (m.c.council_slug, m.c.council_name),
        "category": (m.c.category_slug, m.c.category),
        "subcategory": (m.c.subcategory_slug, m.c.subcategory),
    }[group_by]
    return m, slug, func.min(name)


def stats_query(
    filters: DecisionFilters,
    references: list[str] | None,
    group_by: str,
    sort: str,
    limit: int | None,
    offset: int = 0,
    min_rate_n: int = DEFAULT_MIN_RATE_N,
) -> Select[Any]:
    """One statement: the groups with their figures, the group count and the matched total.

    `limit` None: every group (the CSV streams them all).
    """
    m = matched(filters, references)
    source, key, label = _grouping(m, group_by)
    pence = m.c.remedy_total_pence
    upheld = func.count().filter(m.c.outcome == "upheld")
    known = func.count(m.c.outcome)
    metrics: dict[str, ColumnElement[Any]] = {
        "key": key,
        "count": func.count(),
        "upheld": upheld,
        "with_outcome": known,
        "upheld_rate": func.round(cast(upheld, Numeric) / func.nullif(known, 0), 4),
        "remedy_total": func.coalesce(func.sum(pence), 0),
        "remedy_median": func.round(
            cast(func.percentile_cont(0.5).within_group(pence), Numeric) / 100, 2
        ),
        "remedy_max": func.max(pence),
        "with_payment": func.count().filter(pence > 0),
        "reports": func.count().filter(m.c.kind == "report"),
        "further_reports": func.count().filter(m.c.further_report.is_(true())),
        "compliance_confirmed": func.count(m.c.compliance_confirmed_on),
        # date - date is a number of days; percentile_cont leaves out the nulls.
        "compliance_median_days": func.round(
            cast(
                func.percentile_cont(0.5).within_group(
                    m.c.compliance_confirmed_on - m.c.decided_on
                ),
                Numeric,
            ),
            1,
        ),
    }
    columns = {name: expr.label(name) for name, expr in metrics.items()}
    field = sort.removeprefix("-")
    primary = columns[field].desc() if sort.startswith("-") else columns[field].asc()
    order = [primary.nulls_last(), columns["key"].asc().nulls_last()]
    if field == "upheld_rate":
        # Reliable rates first, either way: a 100% from 2 decisions must not top the table.
        order.insert(0, (known >= min_rate_n).desc())
    query = (
        select(
            *columns.values(),
            (label if label is not None else key).label("label"),
            func.count().over().label("groups"),
            # Counted apart from `matched` so the CTE is used once: PostgreSQL then inlines it
            # instead of writing all matched rows to disk (measured: 180 → see benchmarks).
            select(func.count())
            .select_from(DECISIONS_WITH_BODIES)
            .where(*_conditions(filters, references))
            .scalar_subquery()
            .label("total"),
        )
        .select_from(source)
        .group_by(key)
        .order_by(*order)
        .offset(offset)
    )
    return query if limit is None else query.limit(limit)


def _label(group_by: str, key: str | None, name: str | None) -> str:
    if key is None:
        return NULL_LABELS.get(group_by, "Unknown")
    if group_by == "outcome":
        return OUTCOME_LABELS.get(key, key)
    if group_by in ("remedy_type", "kind"):
        return key.replace("_", " ").capitalize()
    if group_by == "month":
        year, month = key.split("-")
        return f"{calendar.month_name[int(month)]} {year}"
    return name or key


def _rate(value: Any) -> float | None:
    return None if value is None else float(value)


def stats_row(group_by: str, row: Any, min_rate_n: int = DEFAULT_MIN_RATE_N) -> dict[str, Any]:
    return {
        "key": row.key,
        "label": _label(group_by, row.key, row.label),
        "count": row.count,
        "upheld": row.upheld,
        "with_outcome": row.with_outcome,
        **rate_fields(row.upheld, row.with_outcome, min_rate_n),
        "remedy_total": pence_to_pounds(int(row.remedy_total)),
        "remedy_median": _rate(row.remedy_median),
        "remedy_max": pence_to_pounds(row.remedy_max),
        "with_payment": row.with_payment,
        "reports": row.reports,
        "further_reports": row.further_reports,
        "compliance_confirmed": row.compliance_confirmed,
        "compliance_median_days": _rate(row.compliance_median_days),
    }


def compute(
    session: Session,
    filters: DecisionFilters,
    references: list[str] | None,
    group_by: str,
    sort: str,
    limit: int,
    page: int = 1,
    min_rate_n: int = DEFAULT_MIN_RATE_N,
) -> tuple[list[dict[str, Any]], int, int]:
    """(rows of page `page` of `limit` groups, groups in all, decisions matched)."""
    # Sorting 100,000 rows by group in memory rather than in temporary files (measured).
    session.execute(text("SET LOCAL work_mem = '32MB'"))
    query = stats_query(filters, references, group_by, sort, limit, (page - 1) * limit, min_rate_n)
    rows = session.execute(query).all()
    if not rows and page > 1:  # past the last page: the counts still come from the first
        first = session.execute(stats_query(filters, references, group_by, sort, 1)).first()
        return [], (first.groups if first else 0), (first.total if first else 0)
    if not rows:  # every matched decision is in some group, so no group means no decision
        return [], 0, 0
    return [stats_row(group_by, r, min_rate_n) for r in rows], rows[0].groups, rows[0].total


# --- the whole table as CSV ------------------------------------------------------------------

CSV_COLUMNS = (
    "key", "label", "count", "upheld", "with_outcome", "upheld_rate", "upheld_rate_low",
    "upheld_rate_high", "rate_reliable", "remedy_total", "remedy_median", "remedy_max",
    "with_payment", "reports", "further_reports", "compliance_confirmed",
    "compliance_median_days",
)  # fmt: skip
CSV_MONEY = ("remedy_total", "remedy_median", "remedy_max")
CSV_EXAMPLE = (
    "\ufeff" + ",".join(CSV_COLUMNS) + "\r\n"
    "wexmoor-district-council,Wexmoor District Council,42,25,41,0.6098,0.4583,0.7426,true,"
    "12450.50,250.00,5000.00,18,2,0,1,84.0\r\n"
)


def stream_rows(
    connection: Connection, query: Select[Any], group_by: str, min_rate_n: int
) -> Generator[dict[str, Any]]:
    """Every group off a server-side cursor, YIELD_PER at a time (as the export streams)."""
    with connection, connection.begin():
        connection.execute(text("SET LOCAL work_mem = '32MB'"))
        streaming = connection.execution_options(stream_results=True, yield_per=YIELD_PER)
        with streaming.execute(query) as result:
            for row in result:
                yield stats_row(group_by, row, min_rate_n)


async def _csv_response(
    request: Request,
    filters: DecisionFilters,
    references: list[str] | None,
    group_by: str,
    sort: str,
    min_rate_n: int,
) -> StreamingResponse:
    """Every group (not one page), streamed with the export's cells, slots and send timeout."""
    slots: ExportSlots = request.app.state.export_slots
    slots.take()
    try:
        query = stats_query(filters, references, group_by, sort, None, 0, min_rate_n)
        connection = await run_in_threadpool(request.app.state.engine.connect)
    except BaseException:
        slots.give_back()
        raise
    rows = stream_rows(connection, query, group_by, min_rate_n)
    chunks = csv_chunks(rows, CSV_COLUMNS, CSV_MONEY)
    params = [(k, v) for k, v in request.query_params.multi_items()]
    filename = export_filename(
        params, "csv", datetime.now(UTC).date(), "stats",
        ("format", "sort", "page", "per_page", "limit"),
    )  # fmt: skip
    return ExportResponse(
        chunks,
        closers=[chunks.close, rows.close, connection.close],
        give_back=slots.give_back,
        send_timeout_s=request.app.state.settings.export_send_timeout_s,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# --- the endpoint -----------------------------------------------------------------------------


@router.get(
    "/stats",
    operation_id="get_stats",
    summary="Counts, uphold rates and remedy figures of the matching decisions, per group",
    description="One row per group of the decisions the filters of `/v1/decisions` (and `q`) "
    "match, a page at a time (`page`, `per_page`); `format=csv` streams every group at once "
    "(no pages) with the export's spreadsheet-safe cells and a file name describing the query.",
    response_model=StatsList,
    responses={
        200: {
            "description": "The groups: JSON, or with format=csv every group as CSV "
            "(`Content-Disposition: attachment`)",
            "content": {"text/csv": {"schema": {"type": "string"}, "example": CSV_EXAMPLE}},
        },
        **PROBLEMS,
    },
)
async def get_stats(
    request: Request,
    filters: Annotated[DecisionFilters, Depends(filter_parameters)],
    session: SessionDep,
    q: FullText = None,
    group_by: Annotated[
        GroupBy,
        Query(
            description="One row per council, category, subcategory, outcome, year, month "
            "(`2024-03`), remedy_type (a decision counts in each of its types), kind "
            "(statement, report) or statute (a decision counts under each it cites)",
            examples=["council"],
        ),
    ] = "council",
    sort: Annotated[
        SortParam,
        Query(
            description="Order by count, upheld, upheld_rate, remedy_total, remedy_median, "
            "remedy_max, with_payment or key; `-` first for largest first. Nulls go last; "
            "ties by key. By upheld_rate, groups with a reliable rate (`rate_reliable`) come "
            "first either way",
            examples=["-remedy_total"],
        ),
    ] = "-count",
    page: Annotated[
        int, Query(ge=1, le=100_000, description="Page of groups, from 1", examples=[1])
    ] = 1,
    per_page: Annotated[
        int | None,
        Query(ge=1, le=1000, description="Groups per page, 1–1000 (default 100)", examples=[100]),
    ] = None,
    limit: Annotated[
        int | None,
        Query(
            ge=1,
            le=1000,
            deprecated=True,
            description="Deprecated: the former name of `per_page`, still honoured when "
            "`per_page` is not given",
            examples=[100],
        ),
    ] = None,
    format: Annotated[
        Literal["json", "csv"],
        Query(
            description="json (default: one page) or csv (every group, streamed; UTF-8 with "
            "a byte-order mark, text cells that a spreadsheet would run as formulas prefixed "
            "with ')",
            examples=["csv"],
        ),
    ] = "json",
    semantic: SemanticRatio = 0.0,
) -> Any:
    size = per_page or limit or 100
    min_rate_n = request.app.state.settings.min_rate_n
    references = await full_text_references(request, q, filters, semantic)
    if format == "csv":
        return await _csv_response(request, filters, references, group_by, sort, min_rate_n)
    warnings: list[str] = []
    if references is not None and len(references) >= MAX_MATCHES:
        warnings.append(f"q matched more than {MAX_MATCHES:,} decisions; figures cover the first")

    labels = await current_labels(request, {"council": filters.council})
    unknown = council_warnings(labels.council, filters.council)
    rows, groups, total = await run_in_threadpool(
        compute, session, filters, references, group_by, sort, size, page, min_rate_n
    )
    pages = math.ceil(groups / size)
    return {
        "data": rows,
        "meta": {
            "total": total,
            "groups": groups,
            "page": page,
            "per_page": size,
            "pages": pages,
            "group_by": group_by,
            "warnings": unknown + warnings,
        },
        "links": {
            "self": page_url(request),
            "next": page_url(request, page=page + 1) if page < pages else None,
            "prev": page_url(request, page=page - 1) if 1 < page <= pages + 1 else None,
        },
    }
