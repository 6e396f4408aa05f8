"""The filters of /v1/decisions, written once as data and turned into both Meilisearch and SQL.

Each `FilterSpec` names a query parameter, the index attribute and the database column it
constrains, and how. `meili_filter()` and `sql_conditions()` both read the same specs, so search
(Meilisearch) and counting/exporting (PostgreSQL) cannot disagree about what a filter means.

Every value that reaches a Meilisearch filter string goes through `quote()`: user text is always
a quoted string literal there, never syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

from sqlalchemy import ColumnElement, Text, cast, false, true
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import SQLModel

from app.search.index import days_since_epoch, epoch_seconds
from app.vocabulary import slugify

DECISIONS = SQLModel.metadata.tables["decision"]
ORGANISATIONS = SQLModel.metadata.tables["organisation"]
# What `sql_conditions` constrains: each decision with the body it is about.
# An outer join: a decision whose body no source names is still matched and counted.
DECISIONS_WITH_BODIES = DECISIONS.outerjoin(
    ORGANISATIONS, DECISIONS.c.organisation_id == ORGANISATIONS.c.id
)

# any_of: one of the values; flag: a boolean equals the value; present: the column is (not) null.
Kind = Literal["any_of", "any_of_array", "at_least", "at_most", "flag", "present"]


@dataclass(frozen=True)
class FilterSpec:
    """One query parameter: which index attribute and which column it constrains, and how."""

    param: str
    attribute: str
    column: str  # "table.column"
    kind: Kind


SPECS: tuple[FilterSpec, ...] = (
    FilterSpec("council", "council_slug", "organisation.slug", "any_of"),
    FilterSpec("category", "category_slug", "decision.category_slug", "any_of"),
    FilterSpec("subcategory", "subcategory_slug", "decision.subcategory_slug", "any_of"),
    FilterSpec("outcome", "outcome", "decision.outcome", "any_of"),
    FilterSpec("remedy_type", "remedy_types", "decision.remedy_types", "any_of_array"),
    FilterSpec("source", "source", "decision.source", "any_of"),
    FilterSpec("remedy_min", "remedy_total_pence", "decision.remedy_total_pence", "at_least"),
    FilterSpec("remedy_max", "remedy_total_pence", "decision.remedy_total_pence", "at_most"),
    FilterSpec("decided_from", "decided_days", "decision.decided_on", "at_least"),
    FilterSpec("decided_to", "decided_days", "decision.decided_on", "at_most"),
    FilterSpec("kind", "kind", "decision.kind", "any_of"),
    FilterSpec("status", "status", "decision.status", "any_of"),
    FilterSpec("further_report", "further_report", "decision.further_report", "flag"),
    FilterSpec(
        "compliance_confirmed",
        "compliance_confirmed",
        "decision.compliance_confirmed_on",
        "present",
    ),
    FilterSpec("statute", "statute_slugs", "decision.statute_slugs", "any_of_array"),
    FilterSpec("updated_since", "updated_at", "decision.updated_at", "at_least"),
)


@dataclass
class DecisionFilters:
    """Filter values, normalised: slugs, pence and dates. Empty list / None: no constraint."""

    council: list[str] = field(default_factory=list)
    category: list[str] = field(default_factory=list)
    subcategory: list[str] = field(default_factory=list)
    outcome: list[str] = field(default_factory=list)
    remedy_type: list[str] = field(default_factory=list)
    source: list[str] = field(default_factory=list)
    remedy_min: int | None = None  # pence
    remedy_max: int | None = None  # pence
    decided_from: date | None = None
    decided_to: date | None = None
    kind: list[str] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    further_report: bool | None = None
    compliance_confirmed: bool | None = None
    statute: list[str] = field(default_factory=list)  # slugs
    updated_since: datetime | None = None  # timezone-aware

    def values(self, spec: FilterSpec) -> list[str] | bool | int | date | None:
        value: list[str] | bool | int | date | None = getattr(self, spec.param)
        return value


def quote(value: str) -> str:
    """A Meilisearch filter string literal: double quotes, with backslash and quote escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def slug_of(value: str) -> str:
    """A slug given as is, or a name ("Kent County Council") turned into its slug."""
    return slugify(value)


def _meili_number(spec: FilterSpec, value: int | date) -> int | float:
    if isinstance(value, datetime):  # before date: a datetime is a date too
        return epoch_seconds(value)
    return days_since_epoch(value) if isinstance(value, date) else value


def meili_filter(filters: DecisionFilters) -> list[str]:
    """One expression per active parameter; Meilisearch ANDs the list."""
    expressions = []
    for spec in SPECS:
        value = filters.values(spec)
        if value is None or value == []:
            continue
        if spec.kind in ("any_of", "any_of_array"):
            assert isinstance(value, list)
            expressions.append(f"{spec.attribute} IN [{', '.join(quote(v) for v in value)}]")
        elif spec.kind in ("flag", "present"):
            expressions.append(f"{spec.attribute} = {'true' if value else 'false'}")
        else:
            assert isinstance(value, int | date)
            op = ">=" if spec.kind == "at_least" else "<="
            expressions.append(f"{spec.attribute} {op} {_meili_number(spec, value)}")
    return expressions


def _column(spec: FilterSpec) -> ColumnElement[object]:
    table, name = spec.column.split(".")
    source = ORGANISATIONS if table == "organisation" else DECISIONS
    return source.c[name]


def sql_conditions(filters: DecisionFilters) -> list[ColumnElement[bool]]:
    """The same constraints as `meili_filter`, for a query over decision JOIN organisation."""
    conditions: list[ColumnElement[bool]] = []
    for spec in SPECS:
        value = filters.values(spec)
        if value is None or value == []:
            continue
        column = _column(spec)
        if spec.kind == "any_of":
            assert isinstance(value, list)
            conditions.append(column.in_(value))
        elif spec.kind == "any_of_array":
            assert isinstance(value, list)
            conditions.append(cast(column, ARRAY(Text)).overlap(value))
        elif spec.kind == "flag":
            conditions.append(column.is_(true()) if value else column.is_(false()))
        elif spec.kind == "present":
            conditions.append(column.is_not(None) if value else column.is_(None))
        elif spec.kind == "at_least":
            conditions.append(column >= value)
        else:
            conditions.append(column <= value)
    return conditions


_RELATIVE = re.compile(r"^-([0-9]{1,4})([dwmy])$")


def parse_day(text: str, today: date | None = None) -> date:
    """An ISO date (2024-03-01) or a time ago: -30d, -4w, -12m, -2y. ValueError otherwise."""
    today = today or date.today()
    match = _RELATIVE.match(text.strip())
    if match is None:
        return date.fromisoformat(text.strip())
    amount, unit = int(match.group(1)), match.group(2)
    if unit == "d":
        return today - timedelta(days=amount)
    if unit == "w":
        return today - timedelta(weeks=amount)
    months = amount * (12 if unit == "y" else 1)
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    month += 1
    if year < 1:
        raise ValueError(f"{text!r} reaches before year 1")
    last_day = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(today.day, last_day))
