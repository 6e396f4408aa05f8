"""Hand-written decisions of four fictional bodies, with every figure known in advance.

Shared by the councils, categories and stats tests; the table of expected figures is in
test_councils.py. `STATS_EXTRA` adds what the ten above never have (an undated decision, one
without a remedy section, an `other` outcome, apology and procedure review): the stats tests
load both lists, the others only `DECISIONS`, so their figures stay as they are.
"""

from __future__ import annotations

import hashlib
from typing import Any

import httpx
from sqlalchemy import Engine

from app.search.client import MeiliClient
from app.search.index import ensure_index
from ingest.documents import DocumentResult, RawDocument
from ingest.load import Loader
from ingest.parse.record import parse_text

WEXMOOR = "Wexmoor District Council"
HARTSBY = "Hartsby Borough Council"
SUNNY = "Sunny Days Care Ltd"
ASHCOMBE = "Ashcombe City Council"
PELLHAM = "Pellham Town Council"

Row = tuple[str, str, str | None, str | None, str | None, str | None]

# (body, reference, category, Decision line, date, agreed action); None leaves the line (or the
# agreed action section) out.
DECISIONS: list[Row] = [
    (WEXMOOR, "23 000 001", "Housing > Homelessness", "Upheld: maladministration and injustice",
     "12 March 2024",
     "The Council will pay Ms B £250 for distress and refund £1,000.50 of fees. The Council has "
     "already paid Ms B £300. It will pay Mr and Mrs C £150 each. It will waive the £400 charge."),
    (WEXMOOR, "23 000 002", "Housing > Homelessness", "Not upheld: no maladministration",
     "2 February 2023", "None."),
    (WEXMOOR, "23 000 003", "Education > Special educational needs", "Upheld", "5 June 2024",
     "The Council will pay Ms B £500."),
    (WEXMOOR, "23 000 004", None, "Closed after initial enquiries: out of jurisdiction",
     "1 January 2022", "None."),
    (WEXMOOR, "23 000 005", "Housing > Allocations", None, "1 August 2023", "None."),
    (WEXMOOR, "23 000 006", "Education > School admissions", "Upheld", "30 September 2024",
     "The Council will pay Ms B £2,000 for distress and pay Ms B £100 for time and trouble."),
    (HARTSBY, "23 100 001", "Adult care services > Charging", "Upheld", "3 March 2023",
     "The Council will pay Mr D £5,000."),
    (HARTSBY, "23 100 002", "Housing > Homelessness", "Not upheld", "9 May 2023", "None."),
    (SUNNY, "23 200 001", "Adult care services > Residential care", "Upheld", "7 July 2024",
     "The care provider will pay Mrs E £100."),
    (ASHCOMBE, "23 300 001", None, None, "4 April 2024", "None."),
]  # fmt: skip

# Upheld, undated, no remedy section (remedy_total null, no remedy types); "Withdrawn" is the
# outcome `other`, with £300 and three remedy types.
STATS_EXTRA: list[Row] = [
    (PELLHAM, "23 400 001", "Planning and development > Enforcement",
     "Upheld: maladministration, no injustice", None, None),
    (PELLHAM, "23 400 002", "Planning and development > Enforcement", "Withdrawn",
     "20 March 2024",
     "The Council will apologise to Mr F and pay him £300 and review its procedures."),
]  # fmt: skip


def decision_text(
    body: str,
    reference: str,
    category: str | None,
    outcome: str | None,
    day: str | None,
    action: str | None,
) -> str:
    """A decision in the LGSCO plain-text layout (header lines, numbered sections)."""
    lines = [f"{body} ({reference})", ""]
    if category:
        lines += [f"Category : {category}", ""]
    if outcome:
        lines += [f"Decision : {outcome}", ""]
    if day:
        lines += [f"Decision date : {day}", ""]
    lines += [
        f"Summary: Ms B complained about {body} ({reference}).",
        "",
        "The complaint",
        "1. Ms B complained the body took too long to act.",
        "",
    ]
    if action:
        lines += ["Agreed action", f"2. {action}", ""]
    lines += [
        "Final decision",
        "3. I have completed my investigation.",
        "",
    ]
    return "\n".join(lines)


def _raw(text: str, reference: str) -> RawDocument:
    location, digest = f"mem:{reference}", hashlib.sha256(text.encode()).hexdigest()
    return RawDocument(location, digest, lambda: DocumentResult(location, digest, parse_text(text)))


def raw_documents(rows: list[Row]) -> list[RawDocument]:
    return [_raw(decision_text(*row), row[1]) for row in rows]


async def load_decisions(
    engine: Engine, meili: MeiliClient, index_name: str, rows: list[Row] = DECISIONS
) -> None:
    """Load `rows` (DECISIONS unless told) into the test's database and index, empty before."""
    await ensure_index(meili, index_name)
    summary = await Loader(engine, meili, index_name).load(raw_documents(rows))
    assert (summary.created, summary.failed) == (len(rows), 0)


async def get_stats(client: httpx.AsyncClient, **params: Any) -> Any:
    """GET /v1/stats with `params`, which must answer 200; its JSON."""
    response = await client.get("/v1/stats", params=params)
    assert response.status_code == 200, response.text
    return response.json()
