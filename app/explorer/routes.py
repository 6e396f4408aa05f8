"""Explorer pages (HTML), outside /v1: the API's own handlers, rendered for people.

Each page calls the very functions that answer /v1 (search, stats, a decision, a council), with
parameters parsed by the same dependencies, so a page can never show a figure the API would not
give for the same query string; the templates only arrange it. Errors are the API's problems,
rendered as pages (problem_page.py).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import select
from sqlmodel import Session, col

from app.api import councils, decisions, similar, stats
from app.api.decisions import OUTCOME_LABELS, SortParam
from app.api.model_query import ModelQueryRoute
from app.api.query import FullText, SemanticRatio, filter_parameters
from app.db import SessionDep
from app.explorer import problem_page
from app.explorer.charts import Bar, column_chart, rate_chart
from app.explorer.figures import FiguresCache
from app.explorer.links import (
    EmptyParameters,
    active_filters,
    downloads,
    drop_empty_parameters,
    form_fields,
    sort_links,
    stats_csv,
    with_query,
)
from app.explorer.templates import STATIC, page_url, pounds, rate, short_pounds, templates
from app.models import Decision, Organisation
from app.problems import ProblemError
from app.search.filters import DecisionFilters

router = APIRouter(
    include_in_schema=False,
    dependencies=[Depends(drop_empty_parameters)],
    route_class=ModelQueryRoute,
)

FACETS = "council,category,outcome,year,remedy_type,kind,status"
FACET_SHOWN = 10  # values of each facet listed before "n more"


def _year_charts(rows: list[dict[str, Any]], csv_url: str) -> dict[str, Any]:
    """Decisions and remedy totals per year, as two column charts and one table."""
    dated = sorted((row for row in rows if row["key"] is not None), key=lambda row: row["key"])
    return {
        "rows": dated,
        "csv_url": csv_url,
        "undated": sum(row["count"] for row in rows if row["key"] is None),
        "decisions": column_chart(
            "Decisions per year",
            [Bar(str(row["key"]), row["count"], f"{row['count']:,}") for row in dated],
            lambda value: f"{value:,.0f}",
            whole=True,
        ),
        "remedies": column_chart(
            "Remedy totals per year",
            [
                Bar(str(row["key"]), row["remedy_total"], pounds(row["remedy_total"]))
                for row in dated
            ],
            short_pounds,
        ),
    }


def rate_bar(row: dict[str, Any], highlight: bool = False) -> Bar:
    """A rate as a bar with its interval; greyed when from too few decisions."""
    return Bar(
        row.get("label") or row.get("name") or "",
        row["upheld_rate"] or 0.0,
        rate(row),
        highlight,
        muted=not row["rate_reliable"],
        low=row["upheld_rate_low"],
        high=row["upheld_rate_high"],
    )


def _uphold_chart(
    rows: list[dict[str, Any]], average: float | None, csv_url: str
) -> dict[str, Any]:
    bars = [rate_bar(row) for row in rows]
    return {
        "rows": rows,
        "csv_url": csv_url,
        "any_unreliable": any(not row["rate_reliable"] for row in rows),
        "average": average,
        "chart": rate_chart(
            f"Uphold rate of the {len(rows)} councils with most decisions"
            if len(rows) > 1
            else "Uphold rate of the council with most decisions",
            bars,
            average,
            "All matching",
        ),
    }


def _overall_rate(outcome_facet: list[dict[str, Any]]) -> float | None:
    """Upheld ÷ decisions with an outcome, as /v1/stats computes `upheld_rate`."""
    known = sum(value["count"] for value in outcome_facet)
    upheld = sum(value["count"] for value in outcome_facet if value["value"] == "upheld")
    return round(upheld / known, 4) if known else None


@router.get("/", response_class=HTMLResponse)
async def search_page(
    request: Request,
    filters: Annotated[DecisionFilters, Depends(filter_parameters)],
    q: FullText = None,
    sort: SortParam | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
    facets: Annotated[
        str | None, Query(description="Accepted, ignored: the page shows its own")
    ] = None,
    semantic: SemanticRatio = 0.0,
) -> Response:
    found = await decisions.search_decisions(
        request, filters, q=q, sort=sort, page=page, per_page=per_page, facets=FACETS,
        semantic=semantic,
    )  # fmt: skip
    text = (q or "").strip()
    figures = await request.app.state.explorer_figures.get(request, q, filters, semantic)
    pairs = request.query_params.multi_items()
    names = {
        facet: {value["value"]: value["label"] for value in values}
        for facet, values in found["facets"].items()
    }
    for node in figures.categories:
        names.setdefault("category", {}).setdefault(node["slug"], node["name"])
    shown, hidden = form_fields(pairs)
    if filters.category:  # the select's options are slugs; the query may name a category
        shown["category"] = filters.category[0]
    order = decisions.effective_sort(sort, text)
    return templates.TemplateResponse(
        request,
        "search.html",
        {
            "found": found,
            "q": text,
            "form": shown,
            "hidden": hidden,
            "sorts": sort_links("/", pairs, order, bool(text)),
            "all_sorts": sort_links("/", pairs, order, True),
            "active": active_filters("/", pairs, names),
            "downloads": downloads(pairs),
            "first_page": with_query("/", [(k, v) for k, v in pairs if k != "page"]),
            "categories": figures.categories,
            "outcomes": OUTCOME_LABELS,
            "facet_shown": FACET_SHOWN,
            "years": _year_charts(figures.by_year, stats_csv(pairs, "year", "key")),
            "uphold": _uphold_chart(
                figures.top_councils,
                _overall_rate(found["facets"]["outcome"]),
                stats_csv(pairs, "council", "-count"),
            ),
            "min_rate_n": request.app.state.settings.min_rate_n,
            "warnings": [*found["meta"]["warnings"]],
        },
    )


SIMILAR_SHOWN = 5


async def similar_to(request: Request, reference: str) -> list[dict[str, Any]]:
    """Up to SIMILAR_SHOWN decisions like this one, as /v1/decisions/{reference}/similar lists
    them; none when the search engine cannot say (the page is whole without them)."""
    state = request.app.state
    body = similar.meili_similar_body(reference, DecisionFilters(), SIMILAR_SHOWN)
    try:
        hits, _ = await similar.similar_hits(
            state.meili, state.index_name, state.engine, reference, body
        )
    except ProblemError:
        return []
    return [decisions._item(hit, with_highlights=False) for hit in hits]


@router.get("/decisions/{reference}", response_class=HTMLResponse)
async def decision_page(
    request: Request,
    reference: Annotated[str, Path(max_length=40)],
    session: SessionDep,
) -> Response:
    record = (await run_in_threadpool(decisions.get_decision, reference, session))["data"]
    canonical = page_url(record["url"])
    if request.url.path != canonical:  # 17015692 and "17 015 692" are 17-015-692
        return RedirectResponse(canonical, status_code=308)
    alike = await similar_to(request, record["reference"])
    return templates.TemplateResponse(
        request,
        "decision.html",
        {
            "d": record,
            "api_url": record["url"],
            "outcome_label": OUTCOME_LABELS.get(record["outcome"] or "", record["outcome_text"]),
            "similar": alike,
            "search_council": (
                with_query("/", [("council", record["council"]["slug"])])
                if record["council"]
                else "/"
            ),
        },
    )


def _only_synthetic(session: Session, slug: str) -> bool:
    """Whether every decision about this body is synthetic demo data (a fictional council)."""
    sources = session.scalars(
        select(col(Decision.source))
        .join(Organisation, col(Decision.organisation_id) == col(Organisation.id))
        .where(col(Organisation.slug) == slug)
        .distinct()
    ).all()
    return list(sources) == ["synthetic"]


@router.get("/councils/{slug}", response_class=HTMLResponse)
async def council_page(
    request: Request,
    slug: Annotated[str, Path(max_length=200)],
    session: SessionDep,
) -> Response:

    def read() -> tuple[dict[str, Any], bool, list[dict[str, Any]]]:
        profile = councils.get_council(request, session, slug)["data"]  # a 404 if unknown
        by_year = stats.compute(
            session, DecisionFilters(council=[slug]), None, "year", "key", 1000, 1,
            request.app.state.settings.min_rate_n,
        )  # fmt: skip
        return profile, _only_synthetic(session, slug), by_year[0]

    profile, fictional, by_year = await run_in_threadpool(read)
    comparison = profile["comparison"]
    kind = profile["body_type"].replace("_", " ")
    bars = [rate_bar(profile, highlight=True)]
    return templates.TemplateResponse(
        request,
        "council.html",
        {
            "c": profile,
            "fictional": fictional,
            "api_url": f"/v1/councils/{slug}",
            "search_url": with_query("/", [("council", slug)]),
            "years": _year_charts(by_year, stats_csv([("council", slug)], "year", "key")),
            "min_rate_n": request.app.state.settings.min_rate_n,
            "outcomes": OUTCOME_LABELS,
            "comparison_chart": rate_chart(
                f"Uphold rate of {profile['name']} against the average {kind}",
                bars,
                comparison["peer_upheld_rate"],
                f"Average {kind}",
            ),
        },
    )


async def _redirect_without_empty(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, EmptyParameters)
    return RedirectResponse(exc.url, status_code=303)


def install(app: FastAPI) -> None:
    """Add the pages, their assets under /static, and problems rendered as pages."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_exception_handler(EmptyParameters, _redirect_without_empty)
    app.state.problem_page = problem_page.render
    app.state.explorer_figures = FiguresCache()
