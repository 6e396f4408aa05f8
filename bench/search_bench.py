"""Search latency and throughput over real HTTP, ours beside raw Meilisearch (SPEC §6, issue 5).

What runs:
- the local stack under `.data/bench`; a database and an index both named `bench_search`,
  holding `count` synthetic decisions (loaded once, reused while they still hold that many);
- the API for real: `python -m app serve` in a subprocess, bound to those services;
- for each search of a matrix, the API's `GET /v1/decisions?...` and the very request body the
  API sends to Meilisearch for it (built by `meili_search_body`), POSTed straight to
  `/indexes/bench_search/search`.

How it measures, and why:
- one client: sequential requests on one keep-alive connection of a raw-socket HTTP/1.1 client
  with TCP_NODELAY that writes each request in a single `sendall`. A pooled Python client that
  writes headers and body separately meets Nagle and delayed ACK (~45 ms a request, SPEC §6),
  and httpx itself costs more than Meilisearch answers in; this client adds tens of
  microseconds. Meilisearch's own `processingTimeMs` is recorded beside the raw wall time.
  The API's request and the raw one alternate (`measure_pair`), so both meet the same machine.
- 16 clients: `wrk` (C, event loop) when installed, so the load generator is not what limits
  throughput (an httpx client tops out near 750 requests a second here); otherwise the same
  raw-socket client on asyncio, which is printed as the generator used.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import func, select
from sqlmodel import Session, col

from app import migrate
from app.api.decisions import meili_search_body, reference_path
from app.api.query import decision_filters
from app.config import PROJECT_ROOT, get_settings
from app.db import make_engine
from app.models import Decision
from app.search.client import MeiliClient, MeiliError
from app.search.index import delete_index, ensure_index
from app.stack import Services, local_services
from ingest.demo import Length, write_jsonl
from ingest.documents import iter_raw_documents
from ingest.load import Loader

NAME = "bench_search"  # database and index
SEED = 5
DATA_DIR = PROJECT_ROOT / ".data" / "bench"
CONNECTIONS = 16
MAX_RATIO = 1.25  # issue 15: p50 at most 1.25x raw Meilisearch
MIN_THROUGHPUT = 0.70  # issue 15: at least 70 % of raw throughput at CONNECTIONS clients
HOST = "127.0.0.1"
FILTER_PARAMS = {
    "council",
    "category",
    "subcategory",
    "outcome",
    "remedy_type",
    "source",
    "remedy_min",
    "remedy_max",
    "decided_from",
    "decided_to",
}
LIST_PARAMS = {"council", "category", "subcategory", "outcome", "remedy_type", "source"}


@dataclass(frozen=True)
class Search:
    """One line of the matrix: a name and the query string of `GET /v1/decisions`."""

    name: str
    params: tuple[tuple[str, str], ...]

    @property
    def query(self) -> str:
        return urllib.parse.urlencode(self.params)


MATRIX = (
    Search(
        "filter + facets",
        (
            ("outcome", "upheld"),
            ("category", "education"),
            ("facets", "council,outcome"),
        ),
    ),
    Search("q (ranked, highlights)", (("q", "delay"),)),
    Search(
        "q + filters + facets",
        (
            ("q", "delay"),
            ("outcome", "upheld"),
            ("category", "education"),
            ("facets", "council,outcome"),
        ),
    ),
    Search("deep page (offset 50,000)", (("page", "2500"), ("per_page", "20"))),
)


# -- the Meilisearch request the API would send ------------------------------------------------


def raw_body(search: Search) -> dict[str, Any]:
    """The body `GET /v1/decisions?<search>` sends to Meilisearch, built by the API's own code."""
    filters: dict[str, Any] = {}
    rest: dict[str, str] = {}
    for key, value in search.params:
        if key in LIST_PARAMS:
            filters.setdefault(key, []).append(value)
        elif key in FILTER_PARAMS:
            filters[key] = value
        else:
            rest[key] = value
    wanted = [f.strip() for f in rest.get("facets", "").split(",") if f.strip()]
    return meili_search_body(
        rest.get("q", "").strip(),
        decision_filters(**filters),
        rest.get("sort"),
        int(rest.get("page", 1)),
        int(rest.get("per_page", 20)),
        wanted,
    )


def body_bytes(body: dict[str, Any]) -> bytes:
    """JSON as httpx encodes it for the API's Meilisearch client (compact, UTF-8)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


# -- a raw-socket HTTP/1.1 client ---------------------------------------------------------------


def get_request(port: int, target: str) -> bytes:
    return f"GET {target} HTTP/1.1\r\nHost: {HOST}:{port}\r\nAccept: */*\r\n\r\n".encode()


def post_request(port: int, target: str, body: bytes, key: str | None) -> bytes:
    auth = f"Authorization: Bearer {key}\r\n" if key else ""
    head = (
        f"POST {target} HTTP/1.1\r\nHost: {HOST}:{port}\r\n{auth}"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def _parse_head(head: bytes) -> tuple[int, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers


class Connection:
    """One keep-alive connection; each request goes out in one write, TCP_NODELAY set."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection((HOST, port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = bytearray()

    def close(self) -> None:
        self.sock.close()

    def _fill(self) -> None:
        chunk = self.sock.recv(262_144)
        if not chunk:
            raise ConnectionError("server closed the connection")
        self.buffer += chunk

    def _take_until(self, marker: bytes) -> bytes:
        while (end := self.buffer.find(marker)) < 0:
            self._fill()
        data = bytes(self.buffer[:end])
        del self.buffer[: end + len(marker)]
        return data

    def _take(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self._fill()
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data

    def exchange(self, request: bytes) -> tuple[int, bytes]:
        """Send one request, read its whole response: (status, body)."""
        self.sock.sendall(request)
        status, headers = _parse_head(self._take_until(b"\r\n\r\n"))
        if headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while size := int(self._take_until(b"\r\n").split(b";")[0], 16):
                parts.append(self._take(size))
                self._take(2)
            self._take_until(b"\r\n")  # no trailers are sent
            return status, b"".join(parts)
        return status, self._take(int(headers.get("content-length", "0")))


# -- one client: latency -----------------------------------------------------------------------


@dataclass
class Latency:
    """Wall times (ms) of sequential requests, plus Meilisearch's own time when it reports one."""

    wall_ms: list[float] = field(default_factory=list)
    processing_ms: list[float] = field(default_factory=list)
    errors: int = 0
    size: int = 0

    def p(self, q: float) -> float:
        return percentile(self.wall_ms, q)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile: a time some request really took."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def _record(result: Latency, status: int, body: bytes, elapsed_ms: float) -> None:
    result.wall_ms.append(elapsed_ms)
    result.size = len(body)
    if status != 200:
        result.errors += 1
    elif body.startswith(b"{") and b'"processingTimeMs"' in body:
        result.processing_ms.append(float(json.loads(body)["processingTimeMs"]))


def _timed(conn: Connection, request: bytes) -> tuple[int, bytes, float]:
    started = time.perf_counter()
    status, body = conn.exchange(request)
    return status, body, (time.perf_counter() - started) * 1000


def measure_latency(port: int, requests: list[bytes], warmup: int, timed: int) -> Latency:
    """Sequential requests on one connection, cycling through `requests`; warm-up not kept."""
    result = Latency()
    conn = Connection(port)
    try:
        for n in range(warmup + timed):
            status, body, elapsed = _timed(conn, requests[n % len(requests)])
            if n >= warmup:
                _record(result, status, body, elapsed)
    finally:
        conn.close()
    return result


def measure_pair(
    ours: tuple[int, list[bytes]], raw: tuple[int, list[bytes]], warmup: int, timed: int
) -> tuple[Latency, Latency]:
    """The API's requests and raw Meilisearch's, one of each in turn, `timed` times each
    (cycling through each list, so the n-th of ours and the n-th raw ask the same).

    Alternating puts both under the same machine at the same moment: on this shared 2-core
    machine the speed drifts by a third over minutes (measured), and a block of 500 of ours
    followed by 500 raw compared two different machines. Which of the two goes first alternates
    too: the second asks Meilisearch what it has just answered, from warm caches, and the first
    visit of each of 200 references was what made our p99 (34 ms against raw's 3).
    """
    results = (Latency(), Latency())
    conns = (Connection(ours[0]), Connection(raw[0]))
    try:
        for n in range(warmup + timed):
            pairs = list(zip(conns, (ours[1], raw[1]), results, strict=True))
            for conn, requests, result in pairs if n % 2 == 0 else reversed(pairs):
                status, body, elapsed = _timed(conn, requests[n % len(requests)])
                if n >= warmup:
                    _record(result, status, body, elapsed)
    finally:
        for conn in conns:
            conn.close()
    return results


# -- 16 clients: throughput --------------------------------------------------------------------


@dataclass
class Throughput:
    rps: float
    errors: int
    requests: int
    generator: str


WRK_SCRIPT = """
wrk.method = {method}
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
{auth}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {{"requests":%d,"duration_us":%d,"errors":%d}}\\n',
    summary.requests, summary.duration,
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def _lua_string(text: str) -> str:
    level = "=" * 4
    assert f"]{level}]" not in text
    return f"[{level}[{text}]{level}]"


def wrk_throughput(url: str, body: bytes | None, key: str | None, duration: float) -> Throughput:
    """`wrk` with CONNECTIONS connections on one thread (leaving the cores to the servers)."""
    auth = f'wrk.headers["Authorization"] = "Bearer {key}"' if key else ""
    script = WRK_SCRIPT.format(
        method='"POST"' if body is not None else '"GET"',
        body=_lua_string(body.decode()) if body is not None else "nil",
        auth=auth,
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        lua.write(script)
        lua.flush()
        out = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{CONNECTIONS}",
                f"-d{duration:g}s",
                "--timeout",
                "5s",
                "-s",
                lua.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    line = next(x for x in out.splitlines() if x.startswith("BENCH "))
    figures = json.loads(line.removeprefix("BENCH "))
    return Throughput(
        rps=figures["requests"] / (figures["duration_us"] / 1e6),
        errors=figures["errors"],
        requests=figures["requests"],
        generator="wrk",
    )


async def _client_loop(port: int, request: bytes, stop: float, counts: list[int]) -> None:
    """One asyncio client: the fallback load generator when wrk is not installed."""
    reader, writer = await asyncio.open_connection(HOST, port)
    writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        while time.perf_counter() < stop:
            writer.write(request)
            status, headers = _parse_head((await reader.readuntil(b"\r\n\r\n"))[:-4])
            if headers.get("transfer-encoding", "").lower() == "chunked":
                while size := int((await reader.readuntil(b"\r\n"))[:-2].split(b";")[0], 16):
                    await reader.readexactly(size + 2)
                await reader.readuntil(b"\r\n")
            else:
                await reader.readexactly(int(headers.get("content-length", "0")))
            counts[0 if status == 200 else 1] += 1
    finally:
        writer.close()


def async_throughput(port: int, request: bytes, duration: float) -> Throughput:
    counts = [0, 0]

    async def go() -> float:
        started = time.perf_counter()
        stop = started + duration
        await asyncio.gather(
            *(_client_loop(port, request, stop, counts) for _ in range(CONNECTIONS))
        )
        return time.perf_counter() - started

    elapsed = asyncio.run(go())
    return Throughput(sum(counts) / elapsed, counts[1], sum(counts), "asyncio raw sockets")


def throughput(
    port: int, target: str, body: bytes | None, key: str | None, duration: float
) -> Throughput:
    if shutil.which("wrk"):
        return wrk_throughput(f"http://{HOST}:{port}{target}", body, key, duration)
    request = (
        post_request(port, target, body, key) if body is not None else get_request(port, target)
    )
    return async_throughput(port, request, duration)


# -- the corpus --------------------------------------------------------------------------------


def _admin_url(services: Services) -> str:
    return services.database_url.replace("+psycopg", "").rsplit("/", 1)[0] + "/postgres"


def database_url(services: Services) -> str:
    return services.database_url.rsplit("/", 1)[0] + f"/{NAME}"


# A realistic corpus averages about 14,000 characters a body, a short one about 4,000.
_REALISTIC_CHARS = 8_000


def _stored(services: Services) -> tuple[int, Length]:
    """Decisions in the bench database (0 when it does not exist yet), and their length."""
    with psycopg.connect(_admin_url(services), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (NAME,)).fetchone():
            return 0, "short"
    engine = make_engine(database_url(services), pool_size=1)
    try:
        with Session(engine) as session:
            count, chars = session.execute(
                select(func.count(), func.avg(func.length(col(Decision.body))))
            ).one()
    except Exception:  # no schema yet: a load that never finished
        return 0, "short"
    finally:
        engine.dispose()
    return int(count or 0), "realistic" if (chars or 0) > _REALISTIC_CHARS else "short"


async def _indexed(meili: MeiliClient) -> int:
    try:
        stats = await meili.request("GET", f"/indexes/{NAME}/stats")
    except MeiliError:
        return 0
    return int(stats["numberOfDocuments"])


def _fresh_database(services: Services) -> str:
    with psycopg.connect(_admin_url(services), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{NAME}"')
    url = database_url(services)
    migrate.upgrade(url)
    return url


async def _load(services: Services, meili: MeiliClient, count: int, length: Length) -> None:
    url = _fresh_database(services)
    await delete_index(meili, NAME)
    await ensure_index(meili, NAME)
    engine = make_engine(url, pool_size=2)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "corpus.jsonl"
            write_jsonl(path, count, seed=SEED, length=length)
            summary = await Loader(engine, meili, NAME).load(iter_raw_documents(path))
    finally:
        engine.dispose()
    if summary.created != count:
        raise RuntimeError(f"loaded {summary.created} of {count} decisions: {summary}")


def ensure_corpus(
    services: Services, count: int, length: Length = "realistic", fresh: bool = False
) -> None:
    """Load `count` decisions of `length` unless the database and the index hold just those
    (or `fresh`: from scratch whatever they hold, as the first real crawl would)."""

    async def go() -> None:
        async with MeiliClient(services.meili_url, services.meili_key, timeout=60) as meili:
            (stored, found), indexed = _stored(services), await _indexed(meili)
            if stored == indexed == count and found == length and not fresh:
                print(f"corpus: reusing {count:,} {length} decisions in {NAME!r}")
                return
            print(
                f"corpus: loading {count:,} {length} synthetic decisions "
                f"(found {stored:,} {found}/{indexed:,})"
            )
            started = time.perf_counter()
            await _load(services, meili, count, length)
            elapsed = time.perf_counter() - started
            print(f"corpus: loaded in {elapsed:,.0f} s ({count / elapsed:,.0f} decisions/s)")

    asyncio.run(go())


def print_sizes(services: Services) -> None:
    """What the corpus costs on disk: PostgreSQL's database and Meilisearch's files."""

    async def meili_sizes() -> tuple[int, int]:
        async with MeiliClient(services.meili_url, services.meili_key, timeout=60) as meili:
            stats = await meili.request("GET", "/stats")
        return int(stats["databaseSize"]), int(stats["usedDatabaseSize"])

    with psycopg.connect(_admin_url(services), autocommit=True) as conn:
        row = conn.execute("SELECT pg_database_size(%s)", (NAME,)).fetchone()
    postgres = int(row[0]) if row else 0
    on_disk, used = asyncio.run(meili_sizes())
    print(
        f"sizes: PostgreSQL database {NAME!r} {postgres / 2**20:,.0f} MB; Meilisearch "
        f"{on_disk / 2**20:,.0f} MB on disk ({used / 2**20:,.0f} MB used; every index of the "
        "bench stack)"
    )


def sample_references(services: Services, n: int) -> list[str]:
    engine = make_engine(database_url(services), pool_size=1)
    try:
        with Session(engine) as session:
            rows = session.scalars(
                select(col(Decision.reference)).order_by(func.random()).limit(n)
            ).all()
    finally:
        engine.dispose()
    return list(rows)


# -- the API server ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _wait_ready(port: int, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the API exited with {proc.returncode}: see {DATA_DIR / 'api.log'}")
        with contextlib.suppress(OSError):
            conn = Connection(port)
            try:
                if conn.exchange(get_request(port, "/readyz"))[0] == 200:
                    return
            finally:
                conn.close()
        time.sleep(0.2)
    raise RuntimeError(f"the API was not ready after {timeout:.0f}s")


@contextlib.contextmanager
def api_server(services: Services, workers: int = 1) -> Iterator[tuple[int, int]]:
    """`python -m app serve` on a free port, bound to the bench services: (port, pid)."""
    port = _free_port()
    env = dict(
        os.environ,
        DATABASE_URL=database_url(services),
        MEILI_URL=services.meili_url,
        MEILI_MASTER_KEY=services.meili_key or "",
        MEILI_INDEX=NAME,
        DEMO_COUNT="0",
        LOG_LEVEL="warning",
        PORT=str(port),
        HOST=HOST,
        WORKERS=str(workers),
    )
    with (DATA_DIR / "api.log").open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "app", "serve"], env=env, stdout=log, stderr=log
        )
        try:
            _wait_ready(port, proc)
            yield port, proc.pid
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


# -- the run -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    """What `python -m bench` passes in: corpus size and how long to measure."""

    count: int = 100_000
    length: Length = "realistic"  # the real corpus's lengths; "short": about 650 words each
    fresh: bool = False  # the rehearsal: load the corpus from scratch and say what it cost
    workers: int = 2  # also measured with this many API workers (1: not)
    duration: float = 10.0
    warmup: int = 50
    requests: int = 500
    soak: float = 60.0


@dataclass
class Line:
    """The figures of one search: ours and raw, at 1 and at CONNECTIONS clients."""

    name: str
    ours: Latency
    raw: Latency
    ours_load: Throughput
    raw_load: Throughput

    @property
    def ratio(self) -> float:
        return self.ours.p(50) / self.raw.p(50)

    @property
    def load_ratio(self) -> float:
        return self.ours_load.rps / self.raw_load.rps

    @property
    def errors(self) -> int:
        return self.ours.errors + self.ours_load.errors + self.raw.errors + self.raw_load.errors

    def verdict(self) -> str:
        """Issue 15's targets (SPEC §6 tightened): p50 ≤ 1.25× raw, p99 < 50 ms, no errors,
        ≥ 70 % of raw throughput at CONNECTIONS clients."""
        misses = []
        if self.ratio > MAX_RATIO:
            misses.append(f"p50 > {MAX_RATIO}x raw")
        if self.ours.p(99) >= 50:
            misses.append("p99 >= 50 ms")
        if self.errors:
            misses.append("errors")
        if self.load_ratio < MIN_THROUGHPUT:
            misses.append(f"throughput < {MIN_THROUGHPUT:.0%} of raw")
        return "meets" if not misses else "MISSES: " + ", ".join(misses)


def check_same_results(port: int, meili_port: int, search: Search, key: str | None) -> None:
    """The API and raw Meilisearch agree on total and hits: the raw body is the API's."""
    ours = _json(port, get_request(port, f"/v1/decisions?{search.query}"))
    target = f"/indexes/{NAME}/search"
    raw = _json(meili_port, post_request(meili_port, target, body_bytes(raw_body(search)), key))
    same = ours["meta"]["total"] == raw["totalHits"] and [h["reference"] for h in raw["hits"]] == [
        d["reference"] for d in ours["data"]
    ]
    if not same:
        raise RuntimeError(f"{search.name}: the API and raw Meilisearch disagree")


def _json(port: int, request: bytes) -> Any:
    conn = Connection(port)
    try:
        status, body = conn.exchange(request)
    finally:
        conn.close()
    if status != 200:
        raise RuntimeError(f"HTTP {status}: {body[:300]!r}")
    return json.loads(body)


def bench_search(
    search: Search, port: int, meili_port: int, key: str | None, options: Options
) -> Line:
    check_same_results(port, meili_port, search, key)
    target = f"/v1/decisions?{search.query}"
    raw_target = f"/indexes/{NAME}/search"
    body = body_bytes(raw_body(search))
    ours, raw = measure_pair(
        (port, [get_request(port, target)]),
        (meili_port, [post_request(meili_port, raw_target, body, key)]),
        options.warmup,
        options.requests,
    )
    ours_load = throughput(port, target, None, None, options.duration)
    raw_load = throughput(meili_port, raw_target, body, key, options.duration)
    return Line(search.name, ours, raw, ours_load, raw_load)


def _ms(latency: Latency) -> str:
    return " / ".join(f"{latency.p(q):.1f}" for q in (50, 95, 99))


def print_table(lines: list[Line]) -> None:
    head = (
        f"{'query':<27} {'ours p50/p95/p99 ms':>20} {'raw p50/p95/p99 ms':>19} {'meili':>6} "
        f"{'p50 x':>6} {'ours/s':>7} {'raw/s':>7} {'thru':>5} {'err':>4}  verdict"
    )
    print(head)
    print("-" * len(head))
    for line in lines:
        meili = statistics.median(line.raw.processing_ms) if line.raw.processing_ms else 0
        print(
            f"{line.name:<27} {_ms(line.ours):>20} {_ms(line.raw):>19} {meili:>6.0f} "
            f"{line.ratio:>6.2f} {line.ours_load.rps:>7,.0f} {line.raw_load.rps:>7,.0f} "
            f"{line.load_ratio:>5.0%} {line.errors:>4}  {line.verdict()}"
        )
    print(
        "meili = Meilisearch's processingTimeMs (p50) for the raw query; p50 x = ours/raw "
        f"(target <= {MAX_RATIO}); thru = ours/raw requests a second at {CONNECTIONS} clients "
        f"(target >= {MIN_THROUGHPUT:.0%}); p99 target < 50 ms"
    )
    print("response bytes ours/raw: " + ", ".join(f"{x.ours.size:,}/{x.raw.size:,}" for x in lines))


def bench_reference(services: Services, port: int, options: Options) -> None:
    references = sample_references(services, 500)
    requests = [get_request(port, reference_path(ref)) for ref in references]
    result = measure_latency(port, requests, options.warmup, options.requests)
    verdict = "meets" if result.p(99) < 5 and not result.errors else "MISSES"
    print(
        f"GET /v1/decisions/{{reference}}, 1 client, {len(references)} references: "
        f"p50 {result.p(50):.1f} ms, p95 {result.p(95):.1f} ms, p99 {result.p(99):.1f} ms, "
        f"{result.errors} errors, {result.size:,} bytes; target < 5 ms: {verdict}"
    )


def bench_workers(
    services: Services, meili_port: int, single: list[Line], options: Options
) -> None:
    """The matrix again on `options.workers` uvicorn workers, against the one-worker figures
    of the same run: what a second process buys on this machine's cores."""
    n = options.workers
    with api_server(services, workers=n) as (port, _):
        print(f"workers: {n} (WORKERS={n}), same queries; 16 clients against 1 worker's")
        head = f"{'query':<27} {'1 client p50 ms':>16} {f'{CONNECTIONS} clients req/s':>20}"
        print(f"{head}  (1 worker -> {n} workers; raw Meilisearch req/s)")
        for search, one in zip(MATRIX, single, strict=True):
            target = f"/v1/decisions?{search.query}"
            latency = measure_latency(port, [get_request(port, target)], options.warmup, 200)
            load = throughput(port, target, None, None, options.duration)
            print(
                f"{search.name:<27} {one.ours.p(50):>7.1f} -> {latency.p(50):<6.1f} "
                f"{one.ours_load.rps:>9,.0f} -> {load.rps:<8,.0f}  raw {one.raw_load.rps:,.0f}, "
                f"errors {latency.errors + load.errors}"
            )


def run(options: Options) -> None:
    generator = "wrk -t1" if shutil.which("wrk") else "asyncio raw sockets (wrk not installed)"
    print(
        f"search: {options.count:,} decisions; 1 client = {options.warmup} warm-up then "
        f"{options.requests} timed sequential requests each, ours and raw alternating (raw "
        "sockets, TCP_NODELAY, keep-alive); "
        f"{CONNECTIONS} clients = {generator} for {options.duration:g} s"
    )
    print(f"load average before: {_load_average()}")
    with local_services(get_settings(), data_dir=DATA_DIR) as services:
        ensure_corpus(services, options.count, options.length, options.fresh)
        print_sizes(services)
        meili_port = int(urllib.parse.urlsplit(services.meili_url).port or 80)
        with api_server(services) as (port, pid):
            print(f"API: python -m app serve on port {port} (pid {pid}); Meilisearch {meili_port}")
            lines = []
            for search in MATRIX:
                lines.append(bench_search(search, port, meili_port, services.meili_key, options))
                print(f"  measured {search.name}")
            print_table(lines)
            bench_reference(services, port, options)
            from bench.reporting_bench import (  # imports this module
                bench_export,
                bench_pages,
                bench_soak,
                bench_stats,
            )

            bench_stats(port, options)
            bench_pages(port, options)
            bench_export(port, pid, options.count)
            bench_soak(port, pid, options.soak)
        if options.workers > 1:
            bench_workers(services, meili_port, lines, options)
    print(f"load average after: {_load_average()} (1, 5, 15 min)")


def _load_average() -> str:
    """Other processes on the machine skew every figure: printed so a record can say so."""
    return " ".join(f"{x:.1f}" for x in os.getloadavg())
