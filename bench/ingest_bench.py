"""Parse and ingest throughput (SPEC §6), with raw Meilisearch indexing measured beside ours.

- parse: documents a second on one core (`parse_text` over the synthetic corpus, in-process).
- raw Meilisearch: the same documents, already mapped, sent straight to a fresh index with the
  same settings in batches of the loader's BATCH_SIZE, waiting for every task: the ceiling our
  ingest can approach. Twice: with each document's embedding (computed beforehand, untimed),
  and with `_vectors` null, to show what indexing vectors costs Meilisearch.
- ingest: `Loader` end to end (read JSON lines, parse, upsert into PostgreSQL, index), then a
  second run of the same file (everything unchanged).
The services are the local stack under `.data/bench` (or DATABASE_URL / MEILI_URL).
"""

from __future__ import annotations

import asyncio
import os
import platform
import tempfile
import time
from pathlib import Path

import psycopg

from app import migrate
from app.config import PROJECT_ROOT, get_settings
from app.db import make_engine
from app.models import Decision, Organisation
from app.search.client import MeiliClient
from app.search.embeddings import MODEL_NAME
from app.search.index import delete_index, document_for, ensure_index
from app.stack import local_services
from ingest.demo import Length, generate, write_jsonl
from ingest.documents import iter_raw_documents
from ingest.load import BATCH_SIZE, Loader, embeddings_of
from ingest.parse.record import parse_text


def _machine() -> str:
    cpu = "unknown cpu"
    with open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    system = f"{platform.system()} {platform.machine()}"
    return f"{system}, {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"


def bench_parse(count: int, length: Length = "realistic") -> float:
    texts = [(d.text, d.url, d.metadata) for d in generate(count, seed=1, length=length)]
    started = time.perf_counter()
    for text, url, metadata in texts:
        parse_text(text, url=url, metadata=metadata, source="synthetic")
    return count / (time.perf_counter() - started)


def _fresh_database(admin_url: str, name: str) -> str:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


async def bench_raw_meili(
    meili: MeiliClient, count: int, *, vectors: bool, length: Length = "realistic"
) -> float:
    """Raw indexing of the mapped documents; with `vectors`, each carries its embedding
    (computed beforehand, untimed): the ceiling of an ingest that embeds."""
    documents = []
    records = [d.truth for d in generate(count, seed=2, length=length)]
    embedded = embeddings_of(records) if vectors else [None] * count
    for n, (record, vector) in enumerate(zip(records, embedded, strict=True)):
        organisation = Organisation(
            slug=record.council_slug or "x",
            name=record.council_name or "x",
            body_type=record.body_type,
        )
        decision = Decision(
            **record.model_dump(exclude={"council_name", "council_slug", "body_type", "payments"}),
            organisation_id=n,
            content_hash=str(n),
            embedding=vector,
            embedding_model=MODEL_NAME if vector else None,
        )
        documents.append(document_for(decision, organisation))
    name = "bench_raw"
    await delete_index(meili, name)
    await ensure_index(meili, name)
    started = time.perf_counter()
    tasks = []
    for i in range(0, len(documents), BATCH_SIZE):
        batch = documents[i : i + BATCH_SIZE]
        tasks.append(await meili.request("POST", f"/indexes/{name}/documents", batch))
    for task in tasks:
        await meili.wait_task(task, timeout=1800)
    elapsed = time.perf_counter() - started
    await delete_index(meili, name)
    return count / elapsed


async def bench_ingest(engine: object, meili: MeiliClient, path: Path) -> tuple[float, float, int]:
    name = "bench_ingest"
    await delete_index(meili, name)
    await ensure_index(meili, name)
    loader = Loader(engine, meili, name)  # type: ignore[arg-type]
    started = time.perf_counter()
    first = await loader.load(iter_raw_documents(path))
    first_s = time.perf_counter() - started
    started = time.perf_counter()
    second = await loader.load(iter_raw_documents(path))
    second_s = time.perf_counter() - started
    assert second.unchanged == first.created, (first, second)
    await delete_index(meili, name)
    return first.created / first_s, second_s / first_s, first.created


def run(count: int, length: Length = "realistic") -> None:
    settings = get_settings()
    print(f"machine: {_machine()}")
    print(f"corpus: {count} synthetic decisions of {length} length")
    parse_rate = bench_parse(min(count, 5_000), length)
    print(f"parse: {parse_rate:,.0f} decisions/s on one core")
    with local_services(settings, data_dir=PROJECT_ROOT / ".data" / "bench") as services:
        admin = services.database_url.replace("+psycopg", "").rsplit("/", 1)[0] + "/postgres"
        url = _fresh_database(admin, "bench")
        migrate.upgrade(url)
        engine = make_engine(url, pool_size=2)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "corpus.jsonl"
            write_jsonl(path, count, seed=2, length=length)

            async def go() -> tuple[float, float, tuple[float, float, int]]:
                async with MeiliClient(services.meili_url, services.meili_key, timeout=60) as meili:
                    plain = await bench_raw_meili(meili, count, vectors=False, length=length)
                    raw = await bench_raw_meili(meili, count, vectors=True, length=length)
                    ours = await bench_ingest(engine, meili, path)
                    return plain, raw, ours

            plain, raw, (rate, second_ratio, created) = asyncio.run(go())
        engine.dispose()
    print(
        f"raw Meilisearch indexing: {raw:,.0f} documents/s with their vectors, {plain:,.0f} "
        f"without (batches of {BATCH_SIZE})"
    )
    print(
        f"ingest end to end (embedding included): {rate:,.0f} decisions/s ({created} created) = "
        f"{rate / raw:.0%} of raw with vectors, {rate / plain:.0%} of raw without"
    )
    print(f"second run of the same file: {second_ratio:.1%} of the first run's time")
