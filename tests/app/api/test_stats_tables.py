"""/v1/stats beyond the figures of test_stats.py: intervals, compliance, pages and whole CSV tables.

The decisions are those of test_stats.py (tests/app/api/bodies.py, DECISIONS + STATS_EXTRA).
"""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import Engine, text, update

from app.api.rates import rate_fields
from app.search.filters import DECISIONS as DECISION_TABLE
from tests.app.api.bodies import get_stats


def _by_key(body: Any) -> dict[str | None, Any]:
    return {r["key"]: r for r in body["data"]}


async def test_every_rate_has_its_interval(loaded: httpx.AsyncClient) -> None:
    rows = _by_key(await get_stats(loaded))
    # Wexmoor: 3 upheld of 5 with a known outcome (23 000 005 has none).
    wexmoor = rows["wexmoor-district-council"]
    assert wexmoor["with_outcome"] == 5
    assert wexmoor["upheld_rate"] == 0.6
    assert (wexmoor["upheld_rate_low"], wexmoor["upheld_rate_high"]) == (0.2307, 0.8824)
    assert wexmoor["rate_reliable"] is False  # 5 < MIN_RATE_N (30)
    # Sunny Days: 1 of 1; Ashcombe: no known outcome, so no rate and no interval.
    assert {k: rows["sunny-days-care-ltd"][k] for k in ("upheld_rate_low", "upheld_rate_high")} == {
        "upheld_rate_low": 0.2065,
        "upheld_rate_high": 1.0,
    }
    ashcombe = rows["ashcombe-city-council"]
    assert (ashcombe["upheld_rate"], ashcombe["upheld_rate_low"]) == (None, None)
    assert ashcombe["upheld_rate_high"] is None
    assert ashcombe["rate_reliable"] is False
    for row in rows.values():
        assert {k: row[k] for k in ("upheld_rate", "upheld_rate_low", "upheld_rate_high",
                                    "rate_reliable")} == rate_fields(
            row["upheld"], row["with_outcome"], 30
        )  # fmt: skip


async def test_sorting_by_rate_puts_reliable_groups_first(
    app: FastAPI, loaded: httpx.AsyncClient
) -> None:
    kept = app.state.settings
    app.state.settings = kept.model_copy(update={"min_rate_n": 2})
    try:
        up = await get_stats(loaded, sort="upheld_rate")
        down = await get_stats(loaded, sort="-upheld_rate")
    finally:
        app.state.settings = kept
    # Reliable (two or more known outcomes): Wexmoor 0.6, Hartsby 0.5, Pellham 0.5; then Sunny
    # Days (1.0 from one decision) whichever way, and Ashcombe (no rate) last.
    assert [r["key"].split("-")[0] for r in up["data"]] == [
        "hartsby", "pellham", "wexmoor", "sunny", "ashcombe",
    ]  # fmt: skip
    assert [r["key"].split("-")[0] for r in down["data"]] == [
        "wexmoor", "hartsby", "pellham", "sunny", "ashcombe",
    ]  # fmt: skip
    assert [r["rate_reliable"] for r in down["data"]] == [True, True, True, False, False]


async def test_compliance_counts_and_median_days(loaded: httpx.AsyncClient, engine: Engine) -> None:
    d = DECISION_TABLE.c
    with engine.begin() as connection:
        for reference, days in (("23 000 001", 30), ("23 000 003", 91), ("23 000 006", 60)):
            connection.execute(
                update(DECISION_TABLE)
                .where(d.reference == reference)
                .values(kind="report", compliance_confirmed_on=d.decided_on + timedelta(days=days))
            )
        connection.execute(
            update(DECISION_TABLE)
            .where(d.reference == "23 100 001")
            .values(kind="report", further_report=True)
        )
    rows = _by_key(await get_stats(loaded))
    wexmoor, hartsby = rows["wexmoor-district-council"], rows["hartsby-borough-council"]
    assert (wexmoor["reports"], wexmoor["further_reports"], wexmoor["compliance_confirmed"]) == (
        3, 0, 3,
    )  # fmt: skip
    assert wexmoor["compliance_median_days"] == 60.0
    assert (hartsby["reports"], hartsby["further_reports"], hartsby["compliance_confirmed"]) == (
        1, 1, 0,
    )  # fmt: skip
    assert hartsby["compliance_median_days"] is None
    kinds = _by_key(await get_stats(loaded, group_by="kind"))
    assert kinds["report"]["count"] == 4
    assert kinds["report"]["compliance_confirmed"] == 3


async def test_pages_and_links(loaded: httpx.AsyncClient) -> None:
    first = await get_stats(loaded, group_by="month", sort="key", per_page=4)
    assert first["meta"] | {"warnings": []} == first["meta"]
    assert (first["meta"]["page"], first["meta"]["per_page"], first["meta"]["pages"]) == (1, 4, 3)
    assert first["meta"]["groups"] == 11
    assert first["links"]["prev"] is None
    assert first["links"]["next"] == "/v1/stats?group_by=month&sort=key&per_page=4&page=2"
    keys = [r["key"] for r in first["data"]]
    page = first
    while page["links"]["next"]:
        page = (await loaded.get(page["links"]["next"])).json()
        keys += [r["key"] for r in page["data"]]
    assert len(keys) == 11
    assert len(set(keys)) == 11
    assert page["meta"]["page"] == 3
    assert len(page["data"]) == 3
    assert page["links"]["prev"] == "/v1/stats?group_by=month&sort=key&per_page=4&page=2"
    beyond = await get_stats(loaded, group_by="month", per_page=4, page=9)
    assert beyond["data"] == []
    assert beyond["meta"]["groups"] == 11
    assert beyond["meta"]["total"] == 12


async def test_limit_is_a_deprecated_alias_of_per_page(loaded: httpx.AsyncClient) -> None:
    assert (await get_stats(loaded, limit=2))["meta"]["per_page"] == 2
    assert (await get_stats(loaded, limit=2, per_page=3))["meta"]["per_page"] == 3  # per_page wins
    schema = (await loaded.get("/openapi.json")).json()
    parameters = {p["name"]: p for p in schema["paths"]["/v1/stats"]["get"]["parameters"]}
    assert parameters["limit"]["deprecated"] is True
    assert parameters["format"]["schema"]["enum"] == ["json", "csv"]


def _csv(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


async def test_csv_has_every_group_and_the_json_figures(loaded: httpx.AsyncClient) -> None:
    response = await loaded.get(
        "/v1/stats", params={"group_by": "month", "sort": "key", "per_page": 2, "format": "csv"}
    )
    rows = _csv(response)
    assert response.headers["content-disposition"] == (
        'attachment; filename="ombudsearch-stats-group_by-month-'
        + response.headers["content-disposition"].rsplit("-month-", 1)[1]
    )
    assert "page" not in response.headers["content-disposition"]
    listed = (await get_stats(loaded, group_by="month", sort="key", per_page=100))["data"]
    assert [r["key"] for r in rows] == [r["key"] or "" for r in listed]
    march = next(r for r in rows if r["key"] == "2024-03")
    assert march["label"] == "March 2024"
    assert march["remedy_total"] == "1850.50"
    assert (march["upheld_rate"], march["rate_reliable"]) == ("0.5", "false")
    assert march["upheld_rate_low"] == "0.0945"


async def test_csv_cells_cannot_run_as_formulas(loaded: httpx.AsyncClient, engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE organisation SET name = '=HYPERLINK(1)' WHERE slug LIKE 'w%'")
        )
    rows = _csv(await loaded.get("/v1/stats", params={"format": "csv"}))
    assert "'=HYPERLINK(1)" in [r["label"] for r in rows]


async def _asgi_get(app: FastAPI, path: str, query: bytes) -> tuple[Any, list[bytes]]:
    """The response's start message and each body message as sent (httpx's ASGI transport
    would join them): how many messages the app sent is what shows it streamed."""
    messages: list[Any] = []
    done = asyncio.Event()
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query,
        "headers": [(b"host", b"test")], "client": ("127.0.0.1", 1234),
        "server": ("test", 80), "root_path": "",
    }  # fmt: skip
    sent_request = False

    async def receive() -> Any:
        nonlocal sent_request
        if not sent_request:
            sent_request = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: Any) -> None:
        messages.append(message)

    await app(scope, receive, send)
    done.set()
    bodies = [m.get("body", b"") for m in messages if m["type"] == "http.response.body"]
    return messages[0], [b for b in bodies if b]


async def test_a_csv_of_5000_groups_is_streamed(app: FastAPI, engine: Engine) -> None:
    """5,000 bodies with one decision each, inserted with SQL: every group, in many chunks."""
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO organisation (slug, name, body_type) "
                "SELECT 'body-' || lpad(n::text, 5, '0'), 'Body ' || n, 'council' "
                "FROM generate_series(1, 5000) AS n"
            )
        )
        connection.execute(
            text(
                "INSERT INTO decision (reference, organisation_id, outcome, summary, body, "
                "source, content_hash, parser_version, decided_on, outcome_inferred) "
                "SELECT '8' || lpad(o.id::text, 7, '0'), "
                "o.id, CASE WHEN o.id % 2 = 0 THEN 'upheld' ELSE 'not_upheld' END, "
                "'A summary', 'A body', 'synthetic', 'h' || o.id, '1', DATE '2024-01-01', false "
                "FROM organisation o"
            )
        )
    start, bodies = await _asgi_get(app, "/v1/stats", b"format=csv&sort=key")
    assert start["status"] == 200
    assert b"etag" not in dict(start["headers"])  # streamed, not buffered and hashed
    data = b"".join(bodies)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 5000
    assert rows[0]["key"] == "body-00001"
    assert rows[-1]["key"] == "body-05000"
    assert {r["count"] for r in rows} == {"1"}
    assert len(bodies) >= 5  # about 64 KiB each: the table was never one body in memory
