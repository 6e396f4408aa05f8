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

import psutil
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


class CpuMeter:
    """CPU seconds used by this process, Meilisearch and PostgreSQL over a stretch of time:
    where an ingest's time goes besides Meilisearch's own indexing, per document."""

    def __init__(self, data_dir: Path) -> None:
        marker = str(data_dir)
        self.meili = [p for p in _named("meilisearch") if marker in " ".join(p.cmdline())]
        masters = [p for p in _named("postgres") if marker in " ".join(p.cmdline())]
        self.postgres = masters
        self.start = self.read()

    def _postgres_processes(self) -> list[psutil.Process]:
        found = list(self.postgres)
        for master in self.postgres:
            found += master.children(recursive=True)
        return found

    def read(self) -> dict[str, float]:
        def seconds(processes: list[psutil.Process]) -> float:
            total = 0.0
            for proc in processes:
                try:
                    times = proc.cpu_times()
                except psutil.Error:
                    continue
                total += times.user + times.system
            return total

        mine = time.process_time()
        return {
            "ours": mine,
            "meilisearch": seconds(self.meili),
            "postgresql": seconds(self._postgres_processes()),
        }

    def since_start(self) -> dict[str, float]:
        now = self.read()
        return {name: now[name] - self.start.get(name, 0.0) for name in now}


def _named(name: str) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["name"]):
        if proc.info["name"] == name:
            found.append(proc)
    return found


def _per_thousand(cpu: dict[str, float], count: int) -> str:
    return ", ".join(f"{name} {seconds * 1000 / count:.1f} s" for name, seconds in cpu.items())


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
    meili: MeiliClient,
    count: int,
    *,
    vectors: bool,
    length: Length = "realistic",
    cpu: dict[str, float] | None = None,
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
    meter = CpuMeter(BENCH_DIR)
    started = time.perf_counter()
    tasks = []
    for i in range(0, len(documents), BATCH_SIZE):
        batch = documents[i : i + BATCH_SIZE]
        tasks.append(await meili.request("POST", f"/indexes/{name}/documents", batch))
    for task in tasks:
        await meili.wait_task(task, timeout=1800)
    elapsed = time.perf_counter() - started
    if cpu is not None:
        cpu.update(meter.since_start())
    await delete_index(meili, name)
    return count / elapsed


async def bench_ingest(
    engine: object, meili: MeiliClient, path: Path, cpu: dict[str, float]
) -> tuple[float, float, int]:
    name = "bench_ingest"
    await delete_index(meili, name)
    await ensure_index(meili, name)
    loader = Loader(engine, meili, name)  # type: ignore[arg-type]
    meter = CpuMeter(BENCH_DIR)
    started = time.perf_counter()
    first = await loader.load(iter_raw_documents(path))
    first_s = time.perf_counter() - started
    cpu.update(meter.since_start())
    started = time.perf_counter()
    second = await loader.load(iter_raw_documents(path))
    second_s = time.perf_counter() - started
    assert second.unchanged == first.created, (first, second)
    await delete_index(meili, name)
    return first.created / first_s, second_s / first_s, first.created


BENCH_DIR = PROJECT_ROOT / ".data" / "bench"


def run(count: int, length: Length = "realistic") -> None:
    settings = get_settings()
    print(f"machine: {_machine()}")
    print(f"corpus: {count} synthetic decisions of {length} length")
    parse_rate = bench_parse(min(count, 5_000), length)
    print(f"parse: {parse_rate:,.0f} decisions/s on one core")
    with local_services(settings, data_dir=BENCH_DIR) as services:
        admin = services.database_url.replace("+psycopg", "").rsplit("/", 1)[0] + "/postgres"
        url = _fresh_database(admin, "bench")
        migrate.upgrade(url)
        engine = make_engine(url, pool_size=2)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "corpus.jsonl"
            write_jsonl(path, count, seed=2, length=length)

            raw_cpu: dict[str, float] = {}
            ingest_cpu: dict[str, float] = {}

            async def go() -> tuple[float, float, tuple[float, float, int]]:
                async with MeiliClient(services.meili_url, services.meili_key, timeout=60) as meili:
                    plain = await bench_raw_meili(meili, count, vectors=False, length=length)
                    raw = await bench_raw_meili(
                        meili, count, vectors=True, length=length, cpu=raw_cpu
                    )
                    ours = await bench_ingest(engine, meili, path, ingest_cpu)
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
    print(
        f"CPU per 1,000 documents, raw indexing with vectors: {_per_thousand(raw_cpu, count)}; "
        f"ingest: {_per_thousand(ingest_cpu, created)} ({os.cpu_count()} cores)"
    )
    raw_cores = sum(raw_cpu.values()) * raw / count  # CPU seconds per second of the run
    ingest_cores = sum(ingest_cpu.values()) * rate / max(created, 1)
    print(
        f"cores busy on average: raw indexing {raw_cores:.2f}, ingest {ingest_cores:.2f} of "
        f"{os.cpu_count()}: what ingest spends besides Meilisearch's share has to fit beside it"
    )
