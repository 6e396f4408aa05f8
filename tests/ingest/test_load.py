"""Loading into real PostgreSQL and real Meilisearch: exact rows, idempotence, recovery."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, col, select

from app.models import Decision, Organisation, Payment
from app.search.client import MeiliClient
from app.search.index import ensure_index
from ingest.documents import DocumentResult, RawDocument, iter_raw_documents
from ingest.load import Loader
from ingest.maintenance import compare, rebuild_index
from ingest.parse.record import parse_text
from tests.corpus import corpus_path


def _corpus_documents() -> list[RawDocument]:
    return list(iter_raw_documents(corpus_path("decisions")))


def _synthetic(reference: str, council: str = "Wexmoor District Council", pay: str = "£250") -> str:
    return f"""{council} ({reference})

Category : Housing > Homelessness

Decision : Upheld

Decision date : 12 March 2024

Summary: Ms B complained the Council delayed her homelessness application.

The complaint
1. Ms B complained the Council took too long to decide her application.

Agreed action
2. Within one month of the final decision the Council will pay Ms B {pay} for the distress caused.

Final decision
3. I have completed my investigation. There was fault causing injustice.
"""


def _document(reference: str, **kwargs: Any) -> RawDocument:
    body = _synthetic(reference, **kwargs)
    location, digest = f"mem:{reference}", hashlib.sha256(body.encode()).hexdigest()
    return RawDocument(location, digest, lambda: DocumentResult(location, digest, parse_text(body)))


async def _loader(engine: Engine, meili: MeiliClient, index_name: str) -> Loader:
    await ensure_index(meili, index_name)
    return Loader(engine, meili, index_name)


async def _search_refs(meili: MeiliClient, index_name: str, **query: Any) -> list[str]:
    found = await meili.request(
        "POST", f"/indexes/{index_name}/search", {"q": "", "limit": 1000, **query}
    )
    return sorted(hit["reference"] for hit in found["hits"])


async def test_corpus_lands_with_exact_money(
    engine: Engine, meili: MeiliClient, index_name: str
) -> None:
    loader = await _loader(engine, meili, index_name)
    summary = await loader.load(_corpus_documents())
    assert (summary.seen, summary.created, summary.failed) == (2, 2, 0)
    with Session(engine) as session:
        cumbria = session.exec(
            select(Decision).where(col(Decision.reference) == "17 015 692")
        ).one()
        assert cumbria.remedy_total_pence == 110_000
        assert cumbria.decided_on is not None
        assert cumbria.decided_on.isoformat() == "2019-05-07"
        payments = session.execute(
            select(Payment.amount_pence, Payment.recipient, Payment.count)
            .where(col(Payment.decision_id) == cumbria.id)
            .order_by(col(Payment.position))
        ).all()
        assert [tuple(p) for p in payments] == [
            (30_000, "Mr Q", 1),
            (20_000, "Mr Q", 1),
            (20_000, "Mr Q", 1),
            (20_000, "D and G", 2),
        ]
        slugs = session.execute(select(Organisation.slug).order_by(col(Organisation.slug))).all()
        assert [s for (s,) in slugs] == ["cumbria-county-council", "warwickshire-county-council"]
        assert session.scalar(text("SELECT count(*) FROM decision WHERE NOT indexed")) == 0
    assert await _search_refs(meili, index_name, q='"action log"') == ["17 015 692"]
    assert await _search_refs(meili, index_name, filter="remedy_total_pence = 50000") == [
        "24 013 077"
    ]


async def test_second_run_writes_nothing(
    engine: Engine, meili: MeiliClient, index_name: str
) -> None:
    loader = await _loader(engine, meili, index_name)
    await loader.load(_corpus_documents())
    with Session(engine) as session:
        before = session.execute(
            text("SELECT reference, updated_at, xmin::text FROM decision")
        ).all()
    tasks_before = (await meili.request("GET", f"/tasks?indexUids={index_name}"))["total"]

    again = await loader.load(_corpus_documents())

    assert (again.seen, again.created, again.updated, again.unchanged) == (2, 0, 0, 2)
    with Session(engine) as session:
        after = session.execute(
            text("SELECT reference, updated_at, xmin::text FROM decision")
        ).all()
    assert sorted(after) == sorted(before)  # same row versions: not even rewritten in place
    assert (await meili.request("GET", f"/tasks?indexUids={index_name}"))["total"] == tasks_before


async def test_changed_content_replaces_the_stored_version(
    engine: Engine, meili: MeiliClient, index_name: str
) -> None:
    loader = await _loader(engine, meili, index_name)
    await loader.load([_document("22 000 001", pay="£250")])
    changed = await loader.load([_document("22 000 001", pay="£1,250.50")])
    assert (changed.created, changed.updated) == (0, 1)
    with Session(engine) as session:
        amounts = session.execute(select(Payment.amount_pence)).all()
        total = session.scalar(select(Decision.remedy_total_pence))
    assert [a for (a,) in amounts] == [125_050]
    assert total == 125_050
    assert await _search_refs(meili, index_name, filter="remedy_total_pence = 125050") == [
        "22 000 001"
    ]
    assert await _search_refs(meili, index_name, filter="remedy_total_pence = 25000") == []


async def test_parser_version_bump_reparses(
    engine: Engine, meili: MeiliClient, index_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    loader = await _loader(engine, meili, index_name)
    with monkeypatch.context() as older:
        older.setattr("ingest.load.PARSER_VERSION", "0")
        await loader.load([_document("22 000 002")])
    summary = await loader.load([_document("22 000 002")])
    assert (summary.updated, summary.unchanged) == (1, 0)
    again = await loader.load([_document("22 000 002")])
    assert (again.updated, again.unchanged) == (0, 1)


async def test_unchanged_documents_are_not_parsed(
    engine: Engine, meili: MeiliClient, index_name: str
) -> None:
    loader = await _loader(engine, meili, index_name)
    await loader.load([_document("22 000 008")])
    parsed: list[str] = []
    original = _document("22 000 008")

    def spy() -> DocumentResult:
        parsed.append(original.location)
        return original.parse()

    summary = await loader.load([replace(original, parse=spy)])
    assert (summary.seen, summary.unchanged, parsed) == (1, 1, [])


async def test_bad_documents_are_reported_and_good_ones_land(
    engine: Engine, meili: MeiliClient, index_name: str, tmp_path: Path
) -> None:
    (tmp_path / "good.txt").write_text(_synthetic("22 000 003"))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "garbage.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 council (22 000 009)".encode("latin-1"))
    (tmp_path / "lines.jsonl").write_text(
        '[1, 2]\n{"text": "no reference anywhere"}\n'
        + '{"text": '
        + json.dumps(_synthetic("22 000 004"))
        + "}\n"
    )
    (tmp_path / "noref.txt").write_text("A page about something else entirely.")
    loader = await _loader(engine, meili, index_name)
    summary = await loader.load(iter_raw_documents(tmp_path))
    reasons = {f.location.removeprefix(str(tmp_path) + "/"): f.reason for f in summary.failures}
    assert reasons == {
        "empty.txt": "empty file",
        "garbage.txt": "binary content, not a text document",
        "latin1.txt": "invalid UTF-8 at byte 3",
        "lines.jsonl:1": "JSON line is not an object",
        "lines.jsonl:2": "no decision reference found",
        "noref.txt": "no decision reference found",
    }
    assert (summary.created, summary.failed) == (2, 6)
    assert await _search_refs(meili, index_name) == ["22 000 003", "22 000 004"]


async def test_same_reference_twice_in_one_batch_the_later_wins(
    engine: Engine, meili: MeiliClient, index_name: str
) -> None:
    loader = await _loader(engine, meili, index_name)
    summary = await loader.load(
        [_document("22 000 005", pay="£100"), _document("22 000 005", pay="£300")]
    )
    assert (summary.created, summary.updated) == (1, 1)
    with Session(engine) as session:
        assert session.scalar(select(Decision.remedy_total_pence)) == 30_000


async def test_rows_left_unindexed_by_a_crash_are_indexed_by_the_next_run(
    engine: Engine, meili: MeiliClient, index_name: str
) -> None:
    loader = await _loader(engine, meili, index_name)
    await loader.load([_document("22 000 006"), _document("22 000 007")])
    # What a kill between the PostgreSQL commit and the Meilisearch task leaves behind:
    with Session(engine) as session, session.begin():
        session.execute(text("UPDATE decision SET indexed = false WHERE reference = '22 000 007'"))
    await meili.run("DELETE", f"/indexes/{index_name}/documents/22000007")
    assert (await compare(engine, meili, index_name)).missing == ["22 000 007"]

    summary = await loader.load([_document("22 000 006"), _document("22 000 007")])

    assert summary.unchanged == 2
    assert (await compare(engine, meili, index_name)).ok
    assert await _search_refs(meili, index_name) == ["22 000 006", "22 000 007"]


async def test_check_finds_drift_and_reindex_repairs_it(
    engine: Engine, meili: MeiliClient, index_name: str
) -> None:
    loader = await _loader(engine, meili, index_name)
    await loader.load([_document(f"22 000 {n:03d}") for n in range(10, 15)])
    await meili.run("DELETE", f"/indexes/{index_name}/documents/22000010")
    await meili.run(
        "PUT",
        f"/indexes/{index_name}/documents",
        # `_vectors` null: the index's userProvided embedder refuses a new document without it
        [{"id": "22000011", "reference": "22 000 011", "content_hash": "old"},
         {"id": "99999999", "reference": "99 999 999", "content_hash": "x",
          "_vectors": {"decisions": None}}],
    )  # fmt: skip
    drift = await compare(engine, meili, index_name)
    assert (drift.missing, drift.stale, drift.extra) == (
        ["22 000 010"],
        ["22 000 011"],
        ["99 999 999"],
    )
    assert (drift.in_postgres, drift.in_meilisearch) == (5, 5)

    assert await rebuild_index(engine, meili, index_name) == 5

    assert (await compare(engine, meili, index_name)).ok
    indexes = await meili.request("GET", "/indexes?limit=1000")
    assert [i["uid"] for i in indexes["results"] if i["uid"].startswith(index_name)] == [index_name]
