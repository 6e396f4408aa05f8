"""/v1/decisions/export on real PostgreSQL and Meilisearch: the 1,103-decision search corpus
plus hand-written decisions whose summaries hold what breaks naive CSV (commas, quotes,
newlines) and what a spreadsheet would run as a formula.

A CSV must open in a spreadsheet exactly as the data is, so the tests read it back with the
csv module; an export must be the whole search, so row counts are compared with `meta.total`.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from starlette.types import Message

from app.api.export import CHUNK_CHARS, COLUMNS, FORMULA_STARTS, export_filename
from app.config import PROJECT_ROOT
from tests.app.search_corpus import SYNTHETIC, TRICKY, TRICKY_COUNCIL, LoadedCorpus
from tests.app.test_filters import MATRIX

TOTAL = SYNTHETIC + 3 + len(TRICKY)


@pytest.fixture(scope="module")
def corpus(tricky: LoadedCorpus) -> LoadedCorpus:
    return tricky


async def _export(corpus: LoadedCorpus, **params: Any) -> httpx.Response:
    response = await corpus.client.get("/v1/decisions/export", params=params)
    assert response.status_code == 200, response.text
    return response


def _csv_rows(response: httpx.Response) -> list[list[str]]:
    assert response.content.startswith(b"\xef\xbb\xbf"), "no UTF-8 byte-order mark"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def _csv_records(response: httpx.Response) -> dict[str, dict[str, str]]:
    header, *rows = _csv_rows(response)
    assert header == list(COLUMNS)
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows}


def _ndjson(response: httpx.Response) -> list[dict[str, Any]]:
    return [json.loads(line) for line in response.text.splitlines()]


# --- CSV: the file a spreadsheet opens ---------------------------------------------------------


async def test_csv_is_utf8_with_bom_header_and_attachment(corpus: LoadedCorpus) -> None:
    response = await _export(corpus, council="Kent County Council", outcome="upheld")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    today = datetime.now(UTC).date().isoformat()
    assert response.headers["content-disposition"] == (
        "attachment; filename="
        f'"ombudsearch-decisions-council-kent-county-council_outcome-upheld-{today}.csv"'
    )
    assert _csv_rows(response) == [list(COLUMNS)]  # no such council in the corpus: header only


async def test_commas_quotes_and_newlines_read_back_exactly(corpus: LoadedCorpus) -> None:
    records = _csv_records(await _export(corpus, council=TRICKY_COUNCIL))
    assert set(records) == set(TRICKY)
    tricky = records["91 000 001"]
    assert tricky["summary"] == TRICKY["91 000 001"]
    assert tricky["council"] == TRICKY_COUNCIL
    assert tricky["payments"] == "£300.00 to Ms B"
    assert tricky["payments_count"] == "1"
    assert tricky["remedy_total"] == "300.00"
    assert tricky["url"] == "http://testserver/v1/decisions/91-000-001"


async def test_formula_cells_are_neutralised(corpus: LoadedCorpus) -> None:
    records = _csv_records(await _export(corpus, council=TRICKY_COUNCIL))
    for reference, summary in TRICKY.items():
        expected = "'" + summary if summary.startswith(FORMULA_STARTS) else summary
        assert records[reference]["summary"] == expected
    assert records["91 000 002"]["summary"] == "'" + TRICKY["91 000 002"]


async def test_no_cell_of_the_whole_export_can_run_as_a_formula(corpus: LoadedCorpus) -> None:
    _header, *rows = _csv_rows(await _export(corpus))
    assert len(rows) == TOTAL
    starts = [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS)]
    assert starts == []


# --- the whole search, with the JSON API's values ------------------------------------------------

QUERIES: list[dict[str, Any]] = [
    *MATRIX,
    {"q": "EHCP"},
    {"q": "apology", "outcome": ["upheld"]},
    {"q": "bin collections", "council": ["ashvale-borough-council"]},
    {"q": "nothing-matches-this-zzzqqq"},
]


@pytest.mark.parametrize(
    "params", QUERIES, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "all"
)
async def test_row_count_equals_search_total(corpus: LoadedCorpus, params: dict[str, Any]) -> None:
    search = await corpus.client.get("/v1/decisions", params=params)
    assert search.status_code == 200, search.text
    total = search.json()["meta"]["total"]
    rows = _csv_rows(await _export(corpus, **params))
    assert len(rows) - 1 == total
    assert len(_ndjson(await _export(corpus, format="ndjson", **params))) == total
    if not params:
        assert total == TOTAL


async def test_q_export_holds_exactly_the_search_matches(corpus: LoadedCorpus) -> None:
    params = {"q": "EHCP", "per_page": "100"}
    found = (await corpus.client.get("/v1/decisions", params=params)).json()
    assert found["meta"]["total"] <= 100
    exported = _ndjson(await _export(corpus, q="EHCP", format="ndjson"))
    assert {r["reference"] for r in exported} == {item["reference"] for item in found["data"]}


async def test_values_equal_the_json_api(corpus: LoadedCorpus) -> None:
    lines = _ndjson(await _export(corpus, format="ndjson"))
    csv_records = _csv_records(await _export(corpus))
    assert [line["reference"] for line in lines] == list(csv_records)
    sample = lines[::37] + [line for line in lines if line["reference"] in TRICKY]
    with_payments = 0
    for line in sample:
        assert list(line) == list(COLUMNS)
        full = (await corpus.client.get(f"/v1/decisions/{line['reference']}")).json()["data"]
        assert line["url"] == "http://testserver" + full["url"]
        assert line["council"] == full["council"]["name"]
        assert line["council_slug"] == full["council"]["slug"]
        same = set(COLUMNS) - {"url", "council", "council_slug", "payments", "payments_count"}
        assert {k: line[k] for k in same} == {k: full[k] for k in same}
        assert line["payments_count"] == len(full["payments"])
        for payment in full["payments"]:
            assert f"£{payment['amount']:,.2f}" in line["payments"]
            assert (payment["recipient"] or "") in line["payments"]
        with_payments += bool(full["payments"])
        # The CSV row says the same, as text.
        row = csv_records[line["reference"]]
        assert row["remedy_types"] == ";".join(line["remedy_types"])
        assert row["remedy_total"] == (
            "" if line["remedy_total"] is None else f"{line['remedy_total']:.2f}"
        )
        assert row["decided_on"] == (line["decided_on"] or "")
        assert row["payments"] == line["payments"]
    assert with_payments >= 5, "the sample should include decisions with payments"


async def test_payments_with_counts_are_summarised(corpus: LoadedCorpus) -> None:
    lines = _ndjson(await _export(corpus, format="ndjson", remedy_type="financial_payment"))
    parts = [part for line in lines for part in line["payments"].split("; ")]
    several = [part for part in parts if " × " in part]
    assert several, "the corpus has payments to several people at once"
    assert all(re.fullmatch(r"£[\d,]+\.\d\d × \d+( \(\w+\))? (to|for) .+", p) for p in several)


async def test_default_order_is_newest_first(corpus: LoadedCorpus) -> None:
    lines = _ndjson(await _export(corpus, format="ndjson", q="apology"))
    days = [line["decided_on"] for line in lines if line["decided_on"]]
    assert days == sorted(days, reverse=True)
    oldest = _ndjson(await _export(corpus, format="ndjson", sort="decided_on"))
    days = [line["decided_on"] for line in oldest if line["decided_on"]]
    assert days == sorted(days)
    assert all(line["decided_on"] for line in oldest[: len(days)]), "undated decisions last"


# --- formats, errors and the file name ------------------------------------------------------------


async def test_ndjson_lines_parse(corpus: LoadedCorpus) -> None:
    response = await _export(corpus, format="ndjson", source="synthetic")
    assert response.headers["content-type"] == "application/x-ndjson"
    assert response.headers["content-disposition"].endswith('.ndjson"')
    assert not response.content.startswith(b"\xef\xbb\xbf")
    lines = _ndjson(response)
    assert len(lines) == SYNTHETIC
    assert all(isinstance(line["remedy_types"], list) for line in lines)


@pytest.mark.parametrize("value", ["xlsx", "XLSX"])
async def test_xlsx_is_not_offered(corpus: LoadedCorpus, value: str) -> None:
    response = await corpus.client.get("/v1/decisions/export", params={"format": value})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert "cannot be streamed" in response.json()["detail"]


@pytest.mark.parametrize(
    "params", [{"format": "pdf"}, {"sort": "relevance"}, {"outcome": "maybe"}, {"remedy_min": "x"}]
)
async def test_bad_values_are_422_problems(corpus: LoadedCorpus, params: dict[str, str]) -> None:
    response = await corpus.client.get("/v1/decisions/export", params=params)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"


async def test_unknown_parameter_is_400(corpus: LoadedCorpus) -> None:
    response = await corpus.client.get("/v1/decisions/export", params={"per_page": "5"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"


SAFE_NAME = re.compile(r"ombudsearch-decisions-[a-z0-9_-]+-\d{4}-\d{2}-\d{2}\.(csv|ndjson)")


@pytest.mark.parametrize(
    ("params", "description"),
    [
        ([], "all"),
        ([("format", "csv"), ("sort", "decided_on")], "all"),
        ([("q", '"EHC plan" -transport')], "q-ehc-plan-transport"),
        ([("council", "a"), ("council", "B c")], "council-a_council-b-c"),
        (
            [("remedy_min", "1000.50"), ("decided_from", "-30d")],
            "remedy_min-1000-50_decided_from-30d",
        ),
        ([("q", '"\r\n/../;filename=x.exe')], "q-filename-x-exe"),
    ],
)
def test_filename_describes_the_query_safely(
    params: list[tuple[str, str]], description: str
) -> None:
    name = export_filename(params, "csv", date(2024, 5, 1))
    assert name == f"ombudsearch-decisions-{description}-2024-05-01.csv"
    assert SAFE_NAME.fullmatch(name)


def test_filename_is_bounded() -> None:
    name = export_filename([("q", "word " * 200), ("council", "x" * 500)], "ndjson", date.today())
    assert SAFE_NAME.fullmatch(name)
    assert len(name) <= 140


# --- streaming ---------------------------------------------------------------------------------


async def test_the_body_is_streamed_in_bounded_chunks(corpus: LoadedCorpus) -> None:
    """Called as the server would call it: the body arrives as many messages, the header first
    and alone, none much bigger than a chunk, so nothing holds the whole export."""
    messages: list[Message] = []
    finished = asyncio.Event()
    requests = iter([{"type": "http.request", "body": b"", "more_body": False}])

    async def receive() -> Message:
        """The request, then (as a server does) a disconnect only once the response ended."""
        request = next(requests, None)
        if request is not None:
            return request
        await finished.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        messages.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body"):
            finished.set()

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": "/v1/decisions/export", "raw_path": b"/v1/decisions/export",
        "query_string": b"format=csv", "root_path": "", "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 1), "server": ("testserver", 80),
    }  # fmt: skip
    await corpus.app(scope, receive, send)
    assert messages[0]["type"] == "http.response.start"
    assert messages[0]["status"] == 200
    bodies = [m for m in messages if m["type"] == "http.response.body"]
    assert all(m.get("more_body") for m in bodies[:-1])
    assert bodies[0]["body"] == ("\ufeff" + ",".join(COLUMNS) + "\r\n").encode()
    sizes = [len(m["body"]) for m in bodies]
    assert len([s for s in sizes if s]) >= 5, sizes
    assert max(sizes) <= 4 * CHUNK_CHARS + 20_000  # a chunk, plus one row, in UTF-8
    data = b"".join(m["body"] for m in bodies)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert len(rows) == TOTAL + 1


def test_docs_list_exactly_the_columns() -> None:
    """docs/export.md is the column set's documentation: it must not drift from the code."""
    text = (PROJECT_ROOT / "docs" / "export.md").read_text()
    documented = re.findall(r"^\| `(\w+)` \|", text, flags=re.MULTILINE)
    assert documented == list(COLUMNS)
