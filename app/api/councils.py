"""/v1/councils and /v1/councils/{slug}: who is complained about, how often, with what result.

Every figure is an aggregate computed by PostgreSQL (GROUP BY over the decision rows), so a
request costs one grouped query per section whatever the number of decisions. Meilisearch is
used for one thing only: the typo-tolerant type-ahead of `q`, through a facet search over
council names, whose matching names are then read back from PostgreSQL, the source of truth.
"""

from __future__ import annotations

import difflib
import math
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, Float, Integer, Numeric, Select, cast, func, or_, select
from sqlmodel import Session, col

from app.api.compliance import (
    COMPLIANCE_CONFIRMED,
    COMPLIANCE_MEDIAN_DAYS,
    FURTHER_REPORTS,
    REPORTS,
)
from app.api.rates import (
    RATE_RELIABLE,
    UPHELD_RATE,
    UPHELD_RATE_HIGH,
    UPHELD_RATE_LOW,
    rate_fields,
)
from app.db import SessionDep
from app.models import Decision, Organisation, Payment
from app.problems import ProblemError, problem_responses
from app.search.client import MeiliError
from app.vocabulary import BodyType

router = APIRouter(prefix="/v1", tags=["councils"])

SortParam = Literal["name", "-decisions", "-remedy_total", "-upheld_rate"]
BodyTypeParam = BodyType  # the record's own vocabulary (app/vocabulary.py)
TOP = 5  # entries in each ranked section of a council's profile

PROBLEMS = problem_responses(
    s400="Unknown query parameter",
    s404="No council with this slug",
    s422="Invalid parameter value",
    s503="Search unavailable (only `q` needs it)",
)


# --- response shapes ---------------------------------------------------------------------------


class CouncilItem(BaseModel):
    """One body complained about, with the headline figures of its decisions."""

    name: str = Field(description="Name as published", examples=["Wexmoor District Council"])
    slug: str = Field(
        description="URL slug; the `council` filter of /v1/decisions takes it",
        examples=["wexmoor-district-council"],
    )
    body_type: BodyTypeParam = Field(
        description="council, care_provider (an adult social care provider), nhs, school or other",
        examples=["council"],
    )
    decisions: int = Field(description="Decisions about this body", examples=[42])
    upheld: int = Field(description="Decisions with outcome `upheld`", examples=[25])
    with_outcome: int = Field(
        description="Decisions with a known outcome: the n of `upheld_rate`", examples=[41]
    )
    upheld_rate: float | None = UPHELD_RATE
    upheld_rate_low: float | None = UPHELD_RATE_LOW
    upheld_rate_high: float | None = UPHELD_RATE_HIGH
    rate_reliable: bool = RATE_RELIABLE
    remedy_total: float = Field(
        description="Pounds all its decisions ask it to pay or refund (sum of their "
        "`remedy_total`), 2 decimal places",
        examples=[12450.5],
    )
    url: str = Field(
        description="This body's profile", examples=["/v1/councils/wexmoor-district-council"]
    )


class CouncilListMeta(BaseModel):
    total: int = Field(description="Bodies matching the query", examples=[318])
    page: int = Field(description="This page, from 1", examples=[1])
    per_page: int = Field(description="Bodies per page", examples=[100])
    pages: int = Field(description="Number of pages (0 when nothing matches)", examples=[4])


class CouncilList(BaseModel):
    data: list[CouncilItem] = Field(description="This page of bodies, in the order of `sort`")
    meta: CouncilListMeta = Field(description="Counts and paging")


class YearCount(BaseModel):
    year: int = Field(description="Calendar year of the decision date", examples=[2024])
    decisions: int = Field(
        description="Decisions dated that year (the four outcomes plus those without one)",
        examples=[12],
    )
    upheld: int = Field(description="Of those, upheld", examples=[7])
    not_upheld: int = Field(description="Of those, not upheld", examples=[2])
    closed_after_initial_enquiries: int = Field(
        description="Of those, closed after initial enquiries (not investigated)", examples=[2]
    )
    other: int = Field(description="Of those, any other outcome", examples=[0])


class Comparison(BaseModel):
    """This body's uphold rate against the average of bodies of the same kind."""

    body_type: BodyTypeParam = Field(
        description="The kind compared with: council, care_provider, nhs, school or other",
        examples=["council"],
    )
    peers: int = Field(
        description="Bodies of this kind with at least one decision with a known outcome "
        "(this body included when it has one)",
        examples=[298],
    )
    peer_upheld_rate: float | None = Field(
        description="The average of those bodies' uphold rates (each body counts once, "
        "whatever its number of decisions), 4 decimal places; null when there are none",
        examples=[0.5512],
    )
    difference: float | None = Field(
        description="This body's `upheld_rate` minus `peer_upheld_rate`, 4 decimal places: "
        "above 0, upheld more often than its kind; null when either rate is null",
        examples=[0.0586],
    )
    difference_clear: bool | None = Field(
        description="true when `peer_upheld_rate` lies outside this body's 95% interval "
        "(`upheld_rate_low`–`upheld_rate_high`): the difference is larger than the "
        "uncertainty of its rate; false when it could be chance; null when either rate is null",
        examples=[False],
    )
    summary: str = Field(
        description="The comparison in words, saying whether the difference is clear",
        examples=[
            "Upheld 61% (46–74%) against 55% for councils on average: the difference is "
            "within the uncertainty of its rate, so it may be chance."
        ],
    )


class CategoryCount(BaseModel):
    category: str = Field(description="LGSCO category", examples=["Housing"])
    category_slug: str = Field(description="Category slug", examples=["housing"])
    count: int = Field(description="Decisions about this body in the category", examples=[9])


class LargestPayment(BaseModel):
    reference: str = Field(description="The decision asking for it", examples=["23 000 006"])
    amount: float = Field(
        description="Pounds: amount × count (e.g. £150 each to two people is 300.0)",
        examples=[2000.0],
    )
    count: int = Field(description="How many people get an equal share", examples=[1])
    recipient: str | None = Field(description="Who is paid, as written", examples=["Ms B"])
    decided_on: str | None = Field(description="Decision date (ISO)", examples=["2024-09-30"])


class RecentDecision(BaseModel):
    reference: str = Field(description="As published", examples=["23 000 006"])
    decided_on: str | None = Field(description="Decision date (ISO)", examples=["2024-09-30"])
    outcome: str | None = Field(
        description="upheld, not_upheld, closed_after_initial_enquiries, other or null",
        examples=["upheld"],
    )
    summary: str = Field(description="The decision's summary", examples=["Ms B complained…"])
    url: str = Field(description="The full record", examples=["/v1/decisions/23-000-006"])


class CouncilProfile(CouncilItem):
    """The list figures plus the breakdowns a profile page shows."""

    reports: int = REPORTS
    further_reports: int = FURTHER_REPORTS
    compliance_confirmed: int = COMPLIANCE_CONFIRMED
    compliance_median_days: float | None = COMPLIANCE_MEDIAN_DAYS

    decisions_by_year: list[YearCount] = Field(
        description="Decisions per year and outcome, oldest first (undated decisions left out)"
    )
    comparison: Comparison = Field(
        description="Uphold rate against the average of bodies of the same kind"
    )
    outcomes: dict[str, int] = Field(
        description="Decisions per outcome; `unknown` counts those without one",
        examples=[{"upheld": 25, "not_upheld": 10, "closed_after_initial_enquiries": 7}],
    )
    top_categories: list[CategoryCount] = Field(
        description=f"The {TOP} categories with most decisions, most first"
    )
    largest_payments: list[LargestPayment] = Field(
        description=f"The {TOP} largest payments and refunds asked for (amount × count; not "
        "waivers, not money already paid before the decision)"
    )
    recent_decisions: list[RecentDecision] = Field(
        description=f"The {TOP} newest decisions, newest first"
    )


class CouncilOut(BaseModel):
    data: CouncilProfile = Field(description="The body and its figures")


# --- queries -------------------------------------------------------------------------------

_DECISIONS = func.count(col(Decision.id))
_UPHELD = func.count(col(Decision.id)).filter(col(Decision.outcome) == "upheld")
_KNOWN = func.count(col(Decision.outcome))
_REMEDY = func.coalesce(func.sum(col(Decision.remedy_total_pence)), 0)
_RATE = cast(_UPHELD, Float) / func.nullif(_KNOWN, 0)
_YEAR_OUTCOMES = ("upheld", "not_upheld", "closed_after_initial_enquiries", "other")


def _order(sort: str, min_rate_n: int) -> list[Any]:
    """The ORDER BY of a sort (then name and slug); by rate, reliable rates first."""
    orders: dict[str, list[Any]] = {
        "name": [],
        "-decisions": [_DECISIONS.desc()],
        "-remedy_total": [_REMEDY.desc()],
        "-upheld_rate": [(min_rate_n <= _KNOWN).desc(), _RATE.desc().nulls_last()],
    }
    return orders[sort]


def _figures() -> Select[*tuple[Any, ...]]:
    """Organisations with their aggregates; bodies without decisions show zeros."""
    return (
        select(
            col(Organisation.id),
            col(Organisation.name),
            col(Organisation.slug),
            col(Organisation.body_type),
            _DECISIONS.label("decisions"),
            _UPHELD.label("upheld"),
            _KNOWN.label("with_outcome"),
            _REMEDY.label("remedy_pence"),
        )
        .select_from(Organisation)
        .outerjoin(Decision, col(Decision.organisation_id) == col(Organisation.id))
        .group_by(col(Organisation.id))
    )


def _item(row: Any, min_rate_n: int) -> dict[str, Any]:
    return {
        "name": row.name,
        "slug": row.slug,
        "body_type": row.body_type,
        "decisions": row.decisions,
        "upheld": row.upheld,
        "with_outcome": row.with_outcome,
        **rate_fields(row.upheld, row.with_outcome, min_rate_n),
        "remedy_total": round(int(row.remedy_pence) / 100, 2),
        "url": f"/v1/councils/{row.slug}",
    }


def _conditions(names: list[str] | None, q: str | None, body_type: list[str]) -> list[Any]:
    conditions: list[ColumnElement[bool]] = []
    if body_type:
        conditions.append(col(Organisation.body_type).in_(body_type))
    if q is not None:
        # Facet search matches word prefixes with typos; a plain substring ("moor") also counts.
        # PostgreSQL text cannot hold NUL: a pasted one matches as if it were not there.
        q = q.replace("\x00", "")
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(
            or_(col(Organisation.name).in_(names or []), col(Organisation.name).ilike(pattern))
        )
    return conditions


def _list_page(
    session: Session, conditions: list[Any], sort: str, page: int, per_page: int, min_rate_n: int
) -> tuple[int, list[dict[str, Any]]]:
    total = session.scalar(select(func.count()).select_from(Organisation).where(*conditions)) or 0
    rows = session.execute(
        _figures()
        .where(*conditions)
        .order_by(*_order(sort, min_rate_n), col(Organisation.name), col(Organisation.slug))
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return total, [_item(row, min_rate_n) for row in rows]


async def _matching_names(request: Request, q: str) -> list[str]:
    """Council names Meilisearch's facet search finds for `q` (typo tolerant, prefix)."""
    state = request.app.state
    try:
        found = await state.meili.request(
            "POST",
            f"/indexes/{state.index_name}/facet-search",
            {"facetName": "council_name", "facetQuery": q},
        )
    except MeiliError as exc:
        if exc.code == "index_not_found":
            return []
        raise ProblemError(
            503, "Search is unavailable; try again shortly, or list councils without q.",
            type="/problems/search-unavailable", title="Search unavailable",
            headers={"Retry-After": "5"},
        ) from exc  # fmt: skip
    return [hit["value"] for hit in found.get("facetHits", [])]


# --- endpoints -------------------------------------------------------------------------------


@router.get(
    "/councils",
    operation_id="list_councils",
    summary="Councils and other bodies, with decision counts, uphold rate and remedy totals",
    response_model=CouncilList,
    responses=PROBLEMS,
)
async def list_councils(
    request: Request,
    session: SessionDep,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Type-ahead over names: word prefixes, tolerant of typos, or any part "
            "of the name; blank lists all",
            examples=["wexmor"],
        ),
    ] = None,
    body_type: Annotated[
        list[BodyTypeParam],
        Query(description="Only bodies of this type (repeatable: OR)", examples=[["council"]]),
    ] = [],  # noqa: B006 -- FastAPI copies defaults per request
    sort: Annotated[
        SortParam,
        Query(
            description="`name` (A–Z), `-decisions`, `-remedy_total` or `-upheld_rate` (most "
            "first; ties by name; by rate, bodies with a reliable rate first)",
            examples=["-decisions"],
        ),
    ] = "name",
    page: Annotated[int, Query(ge=1, le=100_000, description="Page, from 1", examples=[1])] = 1,
    per_page: Annotated[
        int, Query(ge=1, le=500, description="Bodies per page, 1–500", examples=[100])
    ] = 100,
) -> dict[str, Any]:
    q = (q or "").strip() or None  # a cleared search box lists everything
    names = await _matching_names(request, q) if q is not None else None
    conditions = _conditions(names, q, list(body_type))
    min_rate_n = request.app.state.settings.min_rate_n
    total, items = await run_in_threadpool(
        _list_page, session, conditions, sort, page, per_page, min_rate_n
    )
    return {
        "data": items,
        "meta": {
            "total": total,
            "page": page,
            "per_page": per_page,
            "pages": math.ceil(total / per_page),
        },
    }


def _suggestions(session: Session, slug: str) -> list[str]:
    """Closest known slugs; a slug typed short ("wexmor") is compared with slug prefixes too."""
    slugs = session.scalars(select(col(Organisation.slug))).all()
    scored = []
    for known in slugs:
        whole = difflib.SequenceMatcher(None, slug, known).ratio()
        prefix = difflib.SequenceMatcher(None, slug, known[: len(slug)]).ratio()
        scored.append((max(whole, prefix), known))
    return [
        known for score, known in sorted(scored, key=lambda s: (-s[0], s[1]))[:3] if score >= 0.6
    ]


def _not_found(session: Session, slug: str) -> ProblemError:
    close = _suggestions(session, slug)
    hint = f"; did you mean {', '.join(close)}?" if close else "; search with /v1/councils?q=…"
    return ProblemError(
        404, f"No council with slug {slug!r}{hint}", type="/problems/unknown-council",
        title="Unknown council", suggestions=close,
    )  # fmt: skip


def _sections(session: Session, organisation_id: int) -> dict[str, Any]:
    """The profile's breakdowns: one grouped (or limited) query each."""
    of_body = col(Decision.organisation_id) == organisation_id
    year = cast(func.extract("year", col(Decision.decided_on)), Integer)
    per_outcome = [
        func.count(col(Decision.id)).filter(col(Decision.outcome) == outcome).label(outcome)
        for outcome in _YEAR_OUTCOMES
    ]
    years = session.execute(
        select(year.label("year"), _DECISIONS.label("decisions"), *per_outcome)
        .where(of_body, col(Decision.decided_on).is_not(None))
        .group_by(year)
        .order_by(year)
    ).all()
    outcomes = session.execute(
        select(func.coalesce(col(Decision.outcome), "unknown"), _DECISIONS)
        .where(of_body)
        .group_by(col(Decision.outcome))
        .order_by(_DECISIONS.desc(), col(Decision.outcome))
    ).all()
    categories = session.execute(
        select(func.min(col(Decision.category)), col(Decision.category_slug), _DECISIONS)
        .where(of_body, col(Decision.category_slug).is_not(None))
        .group_by(col(Decision.category_slug))
        .order_by(_DECISIONS.desc(), col(Decision.category_slug))
        .limit(TOP)
    ).all()
    line_total = col(Payment.amount_pence) * col(Payment.count)
    payments = session.execute(
        select(
            col(Decision.reference),
            line_total,
            col(Payment.count),
            col(Payment.recipient),
            col(Decision.decided_on),
        )
        .join(Decision, col(Decision.id) == col(Payment.decision_id))
        .where(
            of_body,
            col(Payment.kind).in_(["payment", "refund"]),
            col(Payment.already_made).is_(False),
            col(Payment.own).is_(True),  # not another body's share of a joint decision
        )
        .order_by(line_total.desc(), col(Decision.decided_on).desc().nulls_last(), col(Payment.id))
        .limit(TOP)
    ).all()
    recent = session.execute(
        select(
            col(Decision.reference),
            col(Decision.decided_on),
            col(Decision.outcome),
            col(Decision.summary),
        )
        .where(of_body)
        .order_by(col(Decision.decided_on).desc().nulls_last(), col(Decision.reference).desc())
        .limit(TOP)
    ).all()
    reports, further, confirmed, median_days = session.execute(
        select(
            func.count().filter(col(Decision.kind) == "report"),
            func.count().filter(col(Decision.further_report).is_(True)),
            func.count(col(Decision.compliance_confirmed_on)),
            func.percentile_cont(0.5).within_group(
                col(Decision.compliance_confirmed_on) - col(Decision.decided_on)
            ),
        ).where(of_body)
    ).one()
    return {
        "reports": reports,
        "further_reports": further,
        "compliance_confirmed": confirmed,
        "compliance_median_days": None if median_days is None else round(float(median_days), 1),
        "decisions_by_year": [dict(row._mapping) for row in years],
        "outcomes": {str(outcome): int(n) for outcome, n in outcomes},
        "top_categories": [
            {"category": name or slug, "category_slug": slug, "count": n}
            for name, slug, n in categories
        ],
        "largest_payments": [
            {
                "reference": ref,
                "amount": round(pence / 100, 2),
                "count": count,
                "recipient": recipient,
                "decided_on": day.isoformat() if day else None,
            }
            for ref, pence, count, recipient, day in payments
        ],
        "recent_decisions": [
            {
                "reference": ref,
                "decided_on": day.isoformat() if day else None,
                "outcome": outcome,
                "summary": summary,
                "url": "/v1/decisions/" + ref.replace(" ", "-"),
            }
            for ref, day, outcome, summary in recent
        ],
    }


def _comparison(session: Session, body_type: str, item: dict[str, Any]) -> dict[str, Any]:
    """The unweighted average uphold rate of the bodies of one kind (one grouped query).

    Unweighted, so that a reporter's "councils like this one uphold X%" is about councils, not
    dominated by the few with most decisions; bodies without a known outcome have no rate and
    are left out.
    """
    per_body = (
        select((cast(_UPHELD, Numeric) / _KNOWN).label("rate"))
        .select_from(Organisation)
        .join(Decision, col(Decision.organisation_id) == col(Organisation.id))
        .where(col(Organisation.body_type) == body_type)
        .group_by(col(Organisation.id))
        .having(_KNOWN > 0)
        .subquery()
    )
    peers, average = session.execute(
        select(func.count(), func.round(func.avg(per_body.c.rate), 4))
    ).one()
    peer_rate = None if average is None else Decimal(average)
    rate = item["upheld_rate"]
    difference = clear = None
    if rate is not None and peer_rate is not None:
        difference = float(round(Decimal(str(rate)) - peer_rate, 4))
        clear = not item["upheld_rate_low"] <= float(peer_rate) <= item["upheld_rate_high"]
    comparison = {
        "body_type": body_type,
        "peers": peers,
        "peer_upheld_rate": None if peer_rate is None else float(peer_rate),
        "difference": difference,
        "difference_clear": clear,
    }
    return comparison | {"summary": comparison_words(item, comparison)}


KIND_WORDS = {
    "council": "councils",
    "care_provider": "care providers",
    "nhs": "NHS bodies",
    "school": "schools",
    "other": "bodies of its kind",
}


def rate_words(rate: float | None, low: float | None, high: float | None) -> str:
    """ "61% (46–74%)": a rate with its 95% interval, as the explorer prints it too."""
    if rate is None or low is None or high is None:
        return "–"
    return f"{rate:.0%} ({low * 100:.0f}–{high:.0%})"


def comparison_words(item: dict[str, Any], comparison: dict[str, Any]) -> str:
    """The comparison as a sentence a reporter can quote with its caveat."""
    peers = KIND_WORDS.get(comparison["body_type"], "bodies of its kind")
    peer_rate = comparison["peer_upheld_rate"]
    if item["upheld_rate"] is None:
        return "No decision about this body has a known outcome: there is no rate to compare."
    if peer_rate is None:
        return f"No other {peers} have a known outcome to compare with."
    shown = rate_words(item["upheld_rate"], item["upheld_rate_low"], item["upheld_rate_high"])
    head = f"Upheld {shown} against {peer_rate:.0%} for {peers} on average"
    if comparison["difference_clear"]:
        side = "more" if comparison["difference"] > 0 else "less"
        return f"{head}: clearly {side} often, beyond the uncertainty of its rate."
    return f"{head}: the difference is within the uncertainty of its rate, so it may be chance."


@router.get(
    "/councils/{slug}",
    operation_id="get_council",
    summary="One council's profile: figures, outcomes by year, rate against its kind, "
    "categories, payments, latest",
    response_model=CouncilOut,
    responses=PROBLEMS,
)
def get_council(
    request: Request,
    session: SessionDep,
    slug: Annotated[
        str,
        Path(
            max_length=200,
            description="The body's slug, as in /v1/councils",
            examples=["wexmoor-district-council"],
        ),
    ],
) -> dict[str, Any]:
    min_rate_n = request.app.state.settings.min_rate_n
    row = session.execute(_figures().where(col(Organisation.slug) == slug)).one_or_none()
    if row is None:
        raise _not_found(session, slug)
    organisation_id = session.scalar(
        select(col(Organisation.id)).where(col(Organisation.slug) == slug)
    )
    assert organisation_id is not None
    item = _item(row, min_rate_n)
    comparison = _comparison(session, item["body_type"], item)
    return {"data": {**item, **_sections(session, organisation_id), "comparison": comparison}}


def figures_of(session: Session, slugs: list[str], min_rate_n: int) -> dict[str, dict[str, Any]]:
    """The /v1/councils item of each of these bodies, by slug (unknown slugs left out): what
    other views of a body (the reconciliation service's data extension) show of it."""
    if not slugs:
        return {}
    rows = session.execute(_figures().where(col(Organisation.slug).in_(slugs))).all()
    return {row.slug: _item(row, min_rate_n) for row in rows}
