"""What changed, and what decisions cite: `updated_since` with sort=-updated_at sees a re-ingest
of changed text and a removal by the crawler (its own `mark_removed`); a changed decision keeps
its earlier text's hash in `versions`; `statute` filters, facets and groups.

The decisions are tests/app/api/bodies.py's DECISIONS; 23 000 002 is then re-ingested with a
new agreed action citing the Housing Act 1996 and the Homelessness Code of Guidance.
"""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, func, select, text

from app.search.client import MeiliClient
from ingest.crawl.state import mark_removed
from ingest.load import Loader
from ingest.parse.record import parse_text
from tests.app.api.bodies import DECISIONS, WEXMOOR, decision_text, load_decisions, raw_documents

CHANGED = (
    WEXMOOR, "23 000 002", "Housing > Homelessness", "Not upheld: no maladministration",
    "2 February 2023",
    "None. The Council followed section 188(1) of the Housing Act 1996 and the Homelessness "
    "Code of Guidance; s.188 of the Housing Act requires no more.",
)  # fmt: skip
REMOVED_URL = "https://www.lgo.org.uk/decisions/housing/allocations/23-000-003"


def _hash(row: tuple[Any, ...]) -> str:
    record = parse_text(decision_text(*row))
    return hashlib.sha256(f"{record.summary}\n{record.body}".encode()).hexdigest()


@pytest.fixture
async def changed(
    client: httpx.AsyncClient, engine: Engine, meili: MeiliClient, index_name: str
) -> datetime:
    """Load, note the time, then change one decision and remove another; the time noted."""
    await load_decisions(engine, meili, index_name)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE decision SET source_url = :url WHERE reference = '23 000 003'"),
            {"url": REMOVED_URL},
        )
        since = connection.scalar(select(func.now()))
    assert since is not None
    loader = Loader(engine, meili, index_name)
    # The changed text, and an unchanged one again (which must not move).
    summary = await loader.load(raw_documents([CHANGED, DECISIONS[0]]))
    assert (summary.updated, summary.unchanged) == (1, 1)
    assert mark_removed(engine, REMOVED_URL, date(2026, 12, 1)) == 1
    await loader.index_pending()  # as the crawler does after marking
    return since


async def _get(client: httpx.AsyncClient, path: str, **params: Any) -> Any:
    response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response


async def test_updated_since_lists_changes_and_removals(
    client: httpx.AsyncClient, changed: datetime
) -> None:
    params = {"updated_since": changed.isoformat(), "sort": "-updated_at"}
    body = (await _get(client, "/v1/decisions", **params)).json()
    assert [(d["reference"], d["status"]) for d in body["data"]] == [
        ("23 000 003", "removed"),  # the removal came last
        ("23 000 002", "published"),
    ]
    times = [datetime.fromisoformat(d["updated_at"]) for d in body["data"]]
    assert times[0] >= times[1] >= changed
    everything = (await _get(client, "/v1/decisions", sort="-updated_at")).json()
    assert [d["reference"] for d in everything["data"][:2]] == ["23 000 003", "23 000 002"]
    assert everything["meta"]["total"] == len(DECISIONS)


async def test_stats_export_and_feed_take_the_same_filter(
    client: httpx.AsyncClient, changed: datetime
) -> None:
    since = changed.isoformat()
    stats = (await _get(client, "/v1/stats", updated_since=since)).json()
    assert stats["meta"]["total"] == 2
    export = await _get(client, "/v1/decisions/export", updated_since=since, sort="-updated_at")
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert [r["reference"] for r in rows] == ["23 000 003", "23 000 002"]
    feed = await _get(client, "/v1/decisions/feed.atom", updated_since=since)
    assert feed.text.count("<entry>") == 2
    later = (await _get(client, "/v1/decisions", updated_since="9999-12-31T23:59Z")).json()
    assert later["meta"]["total"] == 0


async def test_a_changed_decision_keeps_its_earlier_version(
    client: httpx.AsyncClient, changed: datetime
) -> None:
    record = (await _get(client, "/v1/decisions/23-000-002")).json()["data"]
    assert record["content_hash"] == _hash(CHANGED)
    (version,) = record["versions"]
    assert version["content_hash"] == _hash(DECISIONS[1])
    assert version["seen_from"] == record["ingested_at"]
    assert version["seen_to"] == record["updated_at"]
    assert datetime.fromisoformat(version["seen_to"]) >= changed
    untouched = (await _get(client, "/v1/decisions/23-000-001")).json()["data"]
    assert untouched["versions"] == []
    assert untouched["content_hash"] == _hash(DECISIONS[0])
    assert datetime.fromisoformat(untouched["updated_at"]) < changed


async def test_statutes_are_stored_filtered_faceted_and_grouped(
    client: httpx.AsyncClient, changed: datetime
) -> None:
    record = (await _get(client, "/v1/decisions/23-000-002")).json()["data"]
    assert record["statutes"] == [
        {"act": "Housing Act 1996", "section": "188", "label": "Housing Act 1996 s188",
         "slug": "housing-act-1996-s188"},
        {"act": "Homelessness Code of Guidance", "section": None,
         "label": "Homelessness Code of Guidance", "slug": "homelessness-code-of-guidance"},
    ]  # fmt: skip
    for value in ("Housing Act 1996 s188", "housing-act-1996-s188", "HOUSING ACT 1996 S188"):
        found = (await _get(client, "/v1/decisions", statute=value)).json()
        assert [d["reference"] for d in found["data"]] == ["23 000 002"]
    none = (await _get(client, "/v1/decisions", statute="Care Act 2014 s42")).json()
    assert none["meta"]["total"] == 0
    faceted = (await _get(client, "/v1/decisions", facets="statute")).json()
    assert [(f["label"], f["count"]) for f in faceted["facets"]["statute"]] == [
        ("Homelessness Code of Guidance", 1),
        ("Housing Act 1996 s188", 1),
    ]
    applied = (await client.get(faceted["facets"]["statute"][1]["url"])).json()
    assert applied["meta"]["total"] == 1
    grouped = (await _get(client, "/v1/stats", group_by="statute", sort="key")).json()
    assert [(r["key"], r["label"], r["count"]) for r in grouped["data"]] == [
        ("homelessness-code-of-guidance", "Homelessness Code of Guidance", 1),
        ("housing-act-1996-s188", "Housing Act 1996 s188", 1),
        (None, "No statute found", len(DECISIONS) - 1),
    ]
    stats = (await _get(client, "/v1/stats", statute="housing-act-1996-s188")).json()
    assert stats["meta"]["total"] == 1


@pytest.mark.parametrize(
    "value", ["yesterday", "2026-12-01T25:00", "2026-02-30", "2026-12-01T10:00+15:00", ""]
)
async def test_bad_times_are_422_problems(client: httpx.AsyncClient, value: str) -> None:
    response = await client.get("/v1/decisions", params={"updated_since": value})
    assert response.status_code == 422, response.text
    assert "updated_since" in response.text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-12-01", datetime(2026, 12, 1, tzinfo=UTC)),
        ("2026-12-01T10:30", datetime(2026, 12, 1, 10, 30, tzinfo=UTC)),
        ("2026-12-01T10:30:05.25+01:00", datetime(2026, 12, 1, 9, 30, 5, 250000, tzinfo=UTC)),
        ("9999-12-31T23:59-14:00", datetime.max.replace(tzinfo=UTC)),
    ],
)
def test_times_are_read_in_utc(value: str, expected: datetime) -> None:
    from app.api.query import _instant

    assert _instant("updated_since", value) == expected


async def test_migration_hash_is_the_loader_hash(
    engine: Engine, meili: MeiliClient, index_name: str
) -> None:
    """Migration 0006 fills text_hash in SQL for stored decisions: it must be the loader's
    hash, or the first re-ingest of every unchanged text would record a false version."""
    await load_decisions(engine, meili, index_name)
    with engine.connect() as connection:
        pairs = connection.execute(
            text(
                "SELECT text_hash, encode(sha256(convert_to(summary || E'\\n' || body, "
                "'UTF8')), 'hex') FROM decision"
            )
        ).all()
    assert len(pairs) == len(DECISIONS)
    assert all(loaded == migrated for loaded, migrated in pairs)
