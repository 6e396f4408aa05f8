"""/v1/decisions/export: every decision matching a query, as CSV or NDJSON, streamed.

A reporter wants the whole result set in a spreadsheet, not page 1 of 20. There is no cap and no
page size, so the body is never built in memory: rows come from PostgreSQL through a
server-side cursor (`stream_results`, 1,000 rows per fetch) inside a sync generator that
Starlette iterates in its threadpool, and go out in chunks of about 64 KiB. Memory stays flat
whether 10 or 100,000 decisions match.

The filters are those of /v1/decisions (`decision_filters`, turned into SQL by
`sql_conditions`); with `q` the rows are restricted to the references Meilisearch matches, so
the row count equals `meta.total` of the same search. The columns are documented in
docs/export.md, in the order of `COLUMNS`.

Bounded: an export holds one pooled database connection (and its server-side cursor) from before
its headers until its last row, and a client that stops reading would otherwise hold it for
ever: the stream waits on the socket, not on the database. So that slow or stalled downloads
can never take the connections searches need:

- At most EXPORT_CONCURRENCY exports stream at once per process (`ExportSlots`), always fewer
  than DB_POOL_SIZE (the settings refuse otherwise). One more is answered at once with a 503
  problem and `Retry-After`, before any connection is taken: queueing it would only hold a
  request open with nothing to show, and the client can retry.
- A stream whose client has accepted nothing for EXPORT_SEND_TIMEOUT_S is cut off (the
  connection is closed mid-body, so the client sees a truncated download, never a complete
  one), and its slot and database connection are given back. A client that disconnects gives
  them back at once.

Reading in batches over fresh connections (keyset pages) would hold no connection during a
stall, but would no longer be one snapshot (decisions ingested mid-export could appear or move);
slots plus the send timeout keep the snapshot and bound the cost instead.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from sqlalchemy import ColumnElement, Connection, Select, func, literal_column, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlmodel import SQLModel
from starlette.types import Message, Receive, Scope, Send

from app.api.decisions import reference_path
from app.api.model_query import ModelQueryRoute
from app.api.query import (
    FullText,
    SemanticRatio,
    filter_parameters,
    matching_conditions,
)
from app.problems import ProblemError, problem_responses
from app.search.filters import DECISIONS, DECISIONS_WITH_BODIES, ORGANISATIONS, DecisionFilters
from app.vocabulary import pence_to_pounds

log = logging.getLogger("ombudsearch.export")
router = APIRouter(prefix="/v1", tags=["export"], route_class=ModelQueryRoute)

PAYMENTS = SQLModel.metadata.tables["payment"]
COLUMNS = (
    "reference", "url", "council", "council_slug", "body_type", "category", "subcategory",
    "outcome", "outcome_text", "decided_on", "remedy_total", "waived_total", "payments_count",
    "payments", "remedy_types", "complainants", "deadlines", "summary", "source", "source_url",
    "kind", "compliance_confirmed_on", "further_report", "related_references", "status",
    "removed_on",
)  # fmt: skip
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "ndjson": "application/x-ndjson"}
YIELD_PER = 1_000  # rows per fetch from the server-side cursor
CHUNK_CHARS = 64 * 1024  # characters buffered before a chunk is sent
EXPORT_RETRY_AFTER_S = 5  # seconds a client refused an export slot is told to wait
# A spreadsheet runs a cell beginning with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SORTS: dict[str, list[ColumnElement[Any]]] = {
    "-decided_on": [DECISIONS.c.decided_on.desc().nulls_last(), DECISIONS.c.reference.desc()],
    "decided_on": [DECISIONS.c.decided_on.asc().nulls_last(), DECISIONS.c.reference.asc()],
    "-remedy_total": [
        DECISIONS.c.remedy_total_pence.desc().nulls_last(),
        DECISIONS.c.reference.desc(),
    ],
    "remedy_total": [
        DECISIONS.c.remedy_total_pence.asc().nulls_last(),
        DECISIONS.c.reference.asc(),
    ],
    "-updated_at": [DECISIONS.c.updated_at.desc(), DECISIONS.c.reference.desc()],
}
PROBLEMS = problem_responses(
    s400="Unknown query parameter",
    s422="Invalid parameter value, or a format that is not offered (xlsx)",
    s503="Search unavailable (only with q), or every export slot is busy (Retry-After)",
)
CSV_EXAMPLE = (
    "\ufeffreference,url,council,council_slug,body_type,category,subcategory,outcome,"
    "outcome_text,decided_on,remedy_total,waived_total,payments_count,payments,remedy_types,"
    "complainants,deadlines,summary,source,source_url,kind,compliance_confirmed_on,"
    "further_report,related_references,status,removed_on\r\n"
    "17 015 692,https://api.example/v1/decisions/17-015-692,Kent County Council,"
    "kent-county-council,council,Education,Special educational needs,upheld,"
    'Upheld: maladministration and injustice,2019-05-07,1100.00,,2,"£300.00 to Mr Q; '
    '£400.00 × 2 to D and G",apology;financial_payment,Mr Q,within one month of the final '
    'decision,"Mr Q complains about the Council\'s delay, which ""harmed"" his son.",lgsco,'
    "https://www.lgo.org.uk/decisions/education/special-educational-needs/17-015-692,"
    "statement,,false,,published,\r\n"
)


# --- the query ---------------------------------------------------------------------------------


def _payments_json() -> Any:
    """A decision's payments as one JSON array of [pence, count, recipient, kind, already_made,
    payer]: a correlated subquery, so one streamed row carries everything (no query per
    decision)."""
    item = func.json_build_array(
        PAYMENTS.c.amount_pence, PAYMENTS.c.count, PAYMENTS.c.recipient, PAYMENTS.c.kind,
        PAYMENTS.c.already_made, PAYMENTS.c.payer,
    )  # fmt: skip
    aggregated = func.json_agg(aggregate_order_by(item, PAYMENTS.c.position))
    return (
        select(func.coalesce(aggregated, literal_column("'[]'::json")))
        .where(PAYMENTS.c.decision_id == DECISIONS.c.id)
        .scalar_subquery()
    )


def _related_references() -> Any:
    """The other references sharing this decision's text, as an array (empty for none)."""
    other = DECISIONS.alias("other")
    return func.array(
        select(other.c.reference)
        .where(
            other.c.text_fingerprint == DECISIONS.c.text_fingerprint,
            other.c.id != DECISIONS.c.id,
        )
        .order_by(other.c.reference)
        .scalar_subquery()
    )


def export_query(conditions: list[ColumnElement[bool]], sort: str) -> Select[Any]:
    """The rows of an export over decision JOIN organisation, in the order `sort` names."""
    d, o = DECISIONS.c, ORGANISATIONS.c
    columns = [
        d.reference, o.name.label("council"), o.slug.label("council_slug"), o.body_type,
        d.category, d.subcategory, d.outcome, d.outcome_text, d.decided_on,
        d.remedy_total_pence, d.waived_total_pence, _payments_json().label("payments"),
        d.remedy_types, d.complainants, d.deadlines, d.summary, d.source, d.source_url,
        d.kind, d.compliance_confirmed_on, d.further_report,
        _related_references().label("related_references"), d.status, d.removed_on,
    ]  # fmt: skip
    return (
        select(*columns)
        .select_from(DECISIONS_WITH_BODIES)
        .where(*conditions)
        .order_by(*SORTS[sort])
    )


# --- one row -------------------------------------------------------------------------------------


def _pounds(pence: int) -> str:
    return f"£{Decimal(pence) / 100:,.2f}"


def payments_summary(payments: list[list[Any]]) -> str:
    """ "£300.00 to Mr Q; £200.00 × 2 to D and G": every sum in the order the decision states
    them, with its kind when it is not a plain payment and whether it was already made."""
    parts = []
    for pence, count, recipient, kind, already_made, payer in payments:
        text = _pounds(pence) + (f" × {count}" if count > 1 else "")
        text += "" if kind == "payment" else f" ({kind})"
        if recipient:
            text += f" {'for' if kind == 'waiver' else 'to'} {recipient}"
        text += f" by {payer}" if payer else ""
        text += " (already made)" if already_made else ""
        parts.append(text)
    return "; ".join(parts)


def export_record(row: Any, base_url: str) -> dict[str, Any]:
    """One decision as the export's columns, with the JSON API's values (lists as lists)."""
    record = {name: row[name] for name in COLUMNS if name in row}
    record["url"] = base_url + reference_path(row["reference"])
    record["decided_on"] = row["decided_on"].isoformat() if row["decided_on"] else None
    record["remedy_total"] = pence_to_pounds(row["remedy_total_pence"])
    record["waived_total"] = pence_to_pounds(row["waived_total_pence"])
    record["payments_count"] = len(row["payments"])
    record["payments"] = payments_summary(row["payments"])
    record["remedy_types"] = list(row["remedy_types"])
    record["complainants"] = list(row["complainants"])
    record["deadlines"] = list(row["deadlines"])
    record["related_references"] = list(row["related_references"])
    for day in ("compliance_confirmed_on", "removed_on"):
        record[day] = row[day].isoformat() if row[day] else None
    return {name: record[name] for name in COLUMNS}


def neutralise(cell: str) -> str:
    """A text cell a spreadsheet would run as a formula, prefixed with ' so it shows as text."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


MONEY_COLUMNS = ("remedy_total", "waived_total")


def csv_cells(
    record: dict[str, Any],
    columns: Sequence[str] = COLUMNS,
    money: Sequence[str] = MONEY_COLUMNS,
) -> list[str]:
    """A record as CSV cells: money with 2 decimals, lists ";"-joined, text neutralised.

    `columns` and `money` name another table's columns (the stats CSV uses the same cells).
    """
    cells = []
    for name in columns:
        value = record[name]
        if value is None:
            cells.append("")
        elif name in money:
            cells.append(f"{value:.2f}")
        elif isinstance(value, bool):
            cells.append("true" if value else "false")
        elif isinstance(value, int):
            cells.append(str(value))
        elif isinstance(value, list):
            cells.append(neutralise((";" if name == "remedy_types" else "; ").join(value)))
        else:
            cells.append(neutralise(str(value)))
    return cells


# --- streaming -----------------------------------------------------------------------------------


def stream_records(
    connection: Connection, query: Select[Any], base_url: str
) -> Generator[dict[str, Any]]:
    """Records straight off a server-side cursor: at most YIELD_PER rows held at a time.

    The connection is opened by the caller before the response starts, so a database that is
    down is a 503 problem rather than a download cut off after its headers; it is closed here.
    """
    with connection:
        streaming = connection.execution_options(stream_results=True, yield_per=YIELD_PER)
        # The result is closed explicitly, so a stream ended early (client gone, cut off)
        # closes its server-side cursor too, rather than leaving it to the garbage collector.
        with streaming.execute(query) as result:
            for row in result.mappings():
                yield export_record(row, base_url)


def csv_chunks(
    records: Iterable[dict[str, Any]],
    columns: Sequence[str] = COLUMNS,
    money: Sequence[str] = MONEY_COLUMNS,
) -> Generator[bytes]:
    """UTF-8 with a byte-order mark (so Excel reads it as UTF-8), header first, sent at once."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(columns)
    yield _drain(buffer)
    for record in records:
        writer.writerow(csv_cells(record, columns, money))
        if buffer.tell() >= CHUNK_CHARS:
            yield _drain(buffer)
    if buffer.tell():
        yield _drain(buffer)


def ndjson_chunks(records: Iterable[dict[str, Any]]) -> Generator[bytes]:
    """One JSON object per line, UTF-8, no byte-order mark (JSON forbids one)."""
    buffer = io.StringIO()
    for record in records:
        buffer.write(json.dumps(record, ensure_ascii=False) + "\n")
        if buffer.tell() >= CHUNK_CHARS:
            yield _drain(buffer)
    if buffer.tell():
        yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    return data


# --- bounded: export slots and stalled clients ---------------------------------------------------


class ExportSlots:
    """At most `size` exports streaming at once; taking a slot never waits.

    Not locked: it is used from one event loop and neither method awaits.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.in_use = 0

    def try_take(self) -> bool:
        if self.in_use >= self.size:
            return False
        self.in_use += 1
        return True

    def give_back(self) -> None:
        self.in_use -= 1

    def take(self) -> None:
        """A slot, or the 503 problem that says they are all busy (with Retry-After)."""
        if self.try_take():
            return
        log.warning("export refused: all %d export slots are busy", self.size)
        raise ProblemError(
            503,
            f"All {self.size} export slots are busy with other downloads; try again in a few "
            "seconds.",
            type="/problems/exports-busy",
            title="Exports busy",
            headers={"Retry-After": str(EXPORT_RETRY_AFTER_S)},
        )


class _Stalled(Exception):
    """The client accepted nothing for the send timeout."""


class ExportResponse(StreamingResponse):
    """A streamed export that gives back its slot and connection however the stream ends.

    Ends: the last row sent; the client gone (Starlette cancels the stream); or no chunk
    accepted for `send_timeout_s` (`_Stalled`), when the app returns without finishing the body
    so the server closes the connection (uvicorn logs "ASGI callable returned without
    completing response", after our own warning saying why).
    """

    def __init__(
        self,
        chunks: Iterator[bytes],
        *,
        closers: list[Callable[[], object]],
        give_back: Callable[[], None],
        send_timeout_s: float,
        media_type: str,
        headers: dict[str, str],
    ) -> None:
        super().__init__(chunks, media_type=media_type, headers=headers)
        self.closers = closers
        self.give_back = give_back
        self.send_timeout_s = send_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_or_give_up(message: Message) -> None:
            # Cancelling uvicorn's send while it waits for the socket to drain is safe: it has
            # written nothing of this message yet.
            try:
                with anyio.fail_after(self.send_timeout_s):
                    await send(message)
            except TimeoutError:
                raise _Stalled from None

        try:
            await super().__call__(scope, receive, send_or_give_up)
        except _Stalled:
            log.warning("export cut off: the client read nothing for %g s", self.send_timeout_s)
        finally:
            self.give_back()
            # No thread is iterating the rows now (a cancelled stream waits for the running
            # fetch to finish), so closing here cannot race one. Shielded: a server shutting
            # down must still return the connection to the pool.
            with anyio.CancelScope(shield=True):
                await run_in_threadpool(self._close)

    def _close(self) -> None:
        for close in self.closers:
            close()


# --- the file name -------------------------------------------------------------------------------


MAX_DESCRIPTION = 100


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def export_filename(
    params: Iterable[tuple[str, str]],
    extension: str,
    today: date,
    what: str = "decisions",
    ignored: Sequence[str] = ("format", "sort"),
) -> str:
    """ "ombudsearch-decisions-council-kent-county-council_outcome-upheld-2024-05-01.csv":
    the query in the name, letters, digits, - and _ only, so it is safe in any header and
    file system; the description is cut at a word to at most MAX_DESCRIPTION characters."""
    parts = []
    for name, value in params:
        if name in ignored:
            continue
        part = "-".join(p for p in (_slug(name).replace("-", "_"), _slug(value)) if p)
        if part:
            parts.append(part)
    description = "_".join(parts) or "all"
    if len(description) > MAX_DESCRIPTION:
        cut = description[:MAX_DESCRIPTION]
        description = cut[: max(cut.rfind("-"), cut.rfind("_"))].rstrip("-_") or cut
    return f"ombudsearch-{what}-{description}-{today.isoformat()}.{extension}"


# --- the endpoint ------------------------------------------------------------------------------


def _format(value: str) -> Literal["csv", "ndjson"]:
    if value == "csv":
        return "csv"
    if value == "ndjson":
        return "ndjson"
    if value.lower() in ("xlsx", "xls"):
        detail = (
            f"format: {value} is not offered: a spreadsheet file cannot be streamed, and an "
            "export has no size limit. Use format=csv, which Excel and other spreadsheets open."
        )
    else:
        detail = f"format: {value!r} is not a format; use csv or ndjson"
    raise ProblemError(
        422, detail, type="/problems/invalid-parameters", title="Invalid parameters",
        errors=[{"location": "query.format", "message": detail.removeprefix("format: ")}],
    )  # fmt: skip


@router.get(
    "/decisions/export",
    operation_id="export_decisions",
    summary="Download every matching decision as CSV or NDJSON",
    description="Every decision matching the filters of `/v1/decisions` (and `q`), streamed: "
    "no cap and no pages. One row per decision with the columns of docs/export.md (payments "
    "summarised in one cell). CSV is UTF-8 with a byte-order mark, quoted by the rules Excel "
    "reads; a text cell beginning with =, +, -, @, tab or carriage return is prefixed with ' "
    "so it cannot run as a formula. NDJSON has the same fields, lists as JSON lists. "
    "The file name describes the query. Newest first by default, also with `q`. `xlsx` is "
    "not offered: a spreadsheet file cannot be streamed.",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The decisions, streamed; `Content-Disposition: attachment` with a "
            "file name describing the query",
            "content": {
                "text/csv": {"schema": {"type": "string"}, "example": CSV_EXAMPLE},
                "application/x-ndjson": {
                    "schema": {"type": "string"},
                    "example": '{"reference": "17 015 692", "url": "https://api.example/v1/'
                    'decisions/17-015-692", "council": "Kent County Council", "…": "…", '
                    '"remedy_types": ["apology", "financial_payment"]}\n',
                },
            },
        },
        **PROBLEMS,
    },
)
async def export_decisions(
    request: Request,
    filters: Annotated[DecisionFilters, Depends(filter_parameters)],
    q: FullText = None,
    format: Annotated[
        str,
        Query(
            description="csv (default; UTF-8 with BOM, opens in Excel) or ndjson (one JSON "
            "object per line). xlsx is not offered: it cannot be streamed.",
            examples=["csv"],
            # An enum in the schema, a string to the handler: xlsx gets its own explanation.
            json_schema_extra={"enum": ["csv", "ndjson"]},
        ),
    ] = "csv",
    sort: Annotated[
        Literal["-decided_on", "decided_on", "-remedy_total", "remedy_total", "-updated_at"],
        Query(
            description="Order: -decided_on (newest first, the default), decided_on, "
            "-remedy_total, remedy_total, -updated_at (last changed first); ties by "
            "reference. Relevance is not offered.",
            examples=["-decided_on"],
        ),
    ] = "-decided_on",
    semantic: SemanticRatio = 0.0,
) -> StreamingResponse:
    kind = _format(format)
    base_url = str(request.base_url).rstrip("/")
    settings = request.app.state.settings
    slots: ExportSlots = request.app.state.export_slots  # made by create_app
    # The slot first: a refused export must cost nothing (with q, listing the matches would).
    slots.take()
    try:
        query = export_query(await matching_conditions(request, filters, q, semantic), sort)
        connection = await run_in_threadpool(request.app.state.engine.connect)
    except BaseException:
        slots.give_back()
        raise
    records = stream_records(connection, query, base_url)
    chunks = csv_chunks(records) if kind == "csv" else ndjson_chunks(records)
    filename = export_filename(request.query_params.multi_items(), kind, datetime.now(UTC).date())
    return ExportResponse(
        chunks,
        closers=[chunks.close, records.close, connection.close],
        give_back=slots.give_back,
        send_timeout_s=settings.export_send_timeout_s,
        media_type=MEDIA_TYPES[kind],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
