"""Faults on the real stack: Meilisearch or PostgreSQL stops while the API serves, then comes back.

The module starts its own PostgreSQL and Meilisearch (app/stack.py, as `make run` does) so it
can stop them without disturbing the session's services, loads a small synthetic corpus, and
serves the app with a real uvicorn server in a thread. Each scenario stops one service, checks
the degraded answers, starts the service again on the same port and data, and checks that the
same app (never restarted) answers as it did before.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request
from sqlalchemy import Engine, text

from app import migrate, stack
from app.config import PROJECT_ROOT, Settings
from app.db import get_session, make_engine
from app.main import create_app
from app.search.client import MeiliClient
from app.search.index import ensure_index
from app.stack import Services, _free_port, _Meilisearch, _Postgres
from ingest.demo import write_jsonl
from ingest.documents import iter_raw_documents
from ingest.load import Loader
from tests.conftest import ombudsman

DECISIONS = 40
DEADLINE_S = 30.0  # how long a poll waits for a state before the test fails
DEGRADED = (
    "Search engine unavailable: answered from the database (same filters, totals and facets; "
    "no full text)."
)


@dataclass
class PrivateStack:
    """Services this module alone uses, and the app serving on them."""

    postgres: _Postgres
    meili: _Meilisearch
    services: Services
    settings: Settings
    http: httpx.Client

    def _restart(self, start: Callable[[], str], url: str) -> None:
        """Start a stopped service again on the port the app knows (stack.py picks a free
        one; here it must be the old one, or the app would look elsewhere)."""
        port = urlsplit(url).port
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(stack, "_free_port", lambda: port)
            assert start() == url

    def stop_meili(self) -> None:
        self.meili.stop()  # SIGTERM, waits for the exit

    def start_meili(self) -> None:
        if self.meili.proc is None:
            self._restart(self.meili.start, self.services.meili_url)

    def stop_postgres(self) -> None:
        self.postgres.stop()  # SIGINT: fast shutdown, waits for the exit

    def start_postgres(self) -> None:
        if self.postgres.proc is None:
            self._restart(self.postgres.start, self.services.database_url)


@contextlib.contextmanager
def _serving(app: FastAPI) -> Iterator[str]:
    """The app on a real uvicorn server (own thread, own event loop); yields its base URL."""
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="recovery-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + DEADLINE_S
    while not server.started:
        assert thread.is_alive(), "uvicorn exited at start"
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(DEADLINE_S)


async def _load(settings: Settings, services: Services) -> None:
    migrate.upgrade(services.database_url)
    corpus = settings.data_dir / "corpus.jsonl"
    write_jsonl(corpus, DECISIONS, seed=5)
    engine = make_engine(services.database_url, pool_size=2)
    try:
        async with MeiliClient(services.meili_url, services.meili_key, timeout=60) as meili:
            await ensure_index(meili, settings.meili_index)
            summary = await Loader(engine, meili, settings.meili_index).load(
                iter_raw_documents(corpus)
            )
        assert (summary.created, summary.failed) == (DECISIONS, 0), summary.failures
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
async def private(settings: Settings) -> AsyncIterator[PrivateStack]:
    data_dir = PROJECT_ROOT / ".data" / f"test-recovery-{os.getpid()}"
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    mine = settings.model_copy(update={"data_dir": data_dir, "meili_index": "recovery"})
    postgres, meili = _Postgres(data_dir, fast=True), _Meilisearch(mine, data_dir)
    try:
        services = Services(postgres.start(), meili.start(), meili.key())
        await _load(mine, services)
        with (
            _serving(create_app(mine, services)) as base_url,
            httpx.Client(base_url=base_url, timeout=DEADLINE_S) as http,
        ):
            yield PrivateStack(postgres, meili, services, mine, http)
    finally:
        meili.stop()
        postgres.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def _until(private: PrivateStack, path: str, status: int) -> httpx.Response:
    """Poll `path` until it answers `status` (bounded: fail after DEADLINE_S)."""
    deadline = time.monotonic() + DEADLINE_S
    while True:
        response = private.http.get(path)
        if response.status_code == status:
            return response
        assert time.monotonic() < deadline, f"{path}: still {response.status_code}"
        time.sleep(0.1)


def _is_problem(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "5"


@pytest.fixture
def healthy(private: PrivateStack) -> Iterator[PrivateStack]:
    """Both services up and the app ready, before and after the test (even a failed one)."""
    private.start_postgres()
    private.start_meili()
    _until(private, "/readyz", 200)
    yield private
    private.start_postgres()
    private.start_meili()


def _answers(http: httpx.Client) -> dict[str, Any]:
    """What the app says about the corpus, in a form to compare before and after a fault."""
    every = http.get("/v1/decisions", params={"facets": "council,outcome", "per_page": 5})
    assert every.status_code == 200, every.text
    body = every.json()
    council = body["facets"]["council"][0]["value"]
    reference = body["data"][0]["reference"]
    answers: dict[str, Any] = {"all": body["meta"]["total"]}
    for name, params in {
        "upheld": {"outcome": "upheld"},
        "council": {"council": council},
        "council_upheld": {"council": council, "outcome": "upheld", "sort": "-remedy_total"},
    }.items():
        found = http.get("/v1/decisions", params=params)
        assert found.status_code == 200, found.text
        answers[name] = (params, found.json()["meta"]["total"], found.json()["data"])
    answers["reference"] = reference
    return answers


def test_meilisearch_stopped_then_back(healthy: PrivateStack) -> None:
    http = healthy.http
    before = _answers(http)
    assert before["all"] == DECISIONS
    stats = http.get("/v1/stats", params={"group_by": "outcome"}).json()
    assert sum(row["count"] for row in stats["data"]) == DECISIONS
    searched = http.get("/v1/decisions", params={"q": "council"})
    assert searched.status_code == 200
    assert searched.json()["meta"]["total"] > 0

    healthy.stop_meili()
    ready = http.get("/readyz")
    _is_problem(ready, 503)
    assert ready.json()["checks"] == {"postgres": "ok", "meilisearch": "down"}
    for name in ("upheld", "council", "council_upheld"):
        params, total, data = before[name]
        degraded = http.get("/v1/decisions", params=params)
        assert degraded.status_code == 200, degraded.text
        assert degraded.json()["meta"]["total"] == total
        assert degraded.json()["data"] == data
        assert degraded.json()["meta"]["warnings"] == [DEGRADED]
    _is_problem(http.get("/v1/decisions", params={"q": "council"}), 503)
    record = http.get(f"/v1/decisions/{before['reference']}")
    assert record.status_code == 200, record.text
    assert http.get("/v1/stats", params={"group_by": "outcome"}).json() == stats
    for path in ("/v1/councils", "/v1/categories", "/v1/decisions/feed.atom"):
        assert http.get(path).status_code == 200, path
    export = http.get("/v1/decisions/export", params={"format": "csv"})
    assert export.status_code == 200
    assert len(export.text.strip().splitlines()) == DECISIONS + 1  # header and one per decision

    healthy.start_meili()  # same port, same data, same master key; the app is not restarted
    assert _until(healthy, "/readyz", 200).json()["checks"] == {
        "postgres": "ok",
        "meilisearch": "ok",
    }
    again = http.get("/v1/decisions", params={"q": "council"})
    assert again.status_code == 200, again.text
    assert again.json() == searched.json()
    after = _answers(http)
    assert after == before
    assert http.get("/v1/decisions").json()["meta"]["warnings"] == []


# What PostgreSQL answers: 503 while it is down.
FROM_POSTGRES = [
    "/v1/stats?group_by=council",
    "/v1/stats?group_by=outcome&q=council",
    "/v1/councils",
    "/v1/categories",
    "/v1/decisions/export?format=csv",
    "/v1/decisions/export?format=ndjson",
    "/v1/decisions/feed.atom",
]
# What Meilisearch answers alone, but for names of councils and categories, which the app reads
# from PostgreSQL and keeps for a minute (app/api/labels.py): the same answer while they are
# fresh, a 503 once they are not.
FROM_MEILISEARCH = [
    "/v1/decisions",
    "/v1/decisions?q=council",
    "/v1/decisions?outcome=upheld&facets=council,category",
]


def test_postgres_stopped_then_back(healthy: PrivateStack) -> None:
    http = healthy.http
    reference = http.get("/v1/decisions").json()["data"][0]["reference"]
    council = http.get("/v1/councils").json()["data"][0]["slug"]
    from_postgres = [*FROM_POSTGRES, f"/v1/decisions/{reference}", f"/v1/councils/{council}"]
    before = {path: http.get(path) for path in from_postgres + FROM_MEILISEARCH}
    assert {path: r.status_code for path, r in before.items()} == dict.fromkeys(before, 200)

    healthy.stop_postgres()
    assert http.get("/healthz").status_code == 200
    ready = http.get("/readyz")
    _is_problem(ready, 503)
    assert ready.json()["checks"] == {"postgres": "down", "meilisearch": "ok"}
    for path in from_postgres:
        down = http.get(path)
        _is_problem(down, 503)
        assert down.json()["title"] == "Database unavailable", path
    for path in FROM_MEILISEARCH:
        answer = http.get(path)
        if answer.status_code == 503:
            _is_problem(answer, 503)
            assert answer.json()["title"] == "Database unavailable", path
        else:
            assert answer.content == before[path].content, path

    healthy.start_postgres()  # same port and data; the app and its connection pool live on
    _until(healthy, "/readyz", 200)
    for path, earlier in before.items():
        after = http.get(path)
        assert after.status_code == 200, (path, after.text)
        assert after.content == earlier.content, path


def test_a_connection_lost_before_its_session_closes_is_no_error(engine: Engine) -> None:
    """get_session closes after the endpoint returned: PostgreSQL may have dropped the
    connection by then (a restart). The answer is complete; the pool discards the corpse."""
    app = FastAPI()
    app.state.engine = engine
    dependency = get_session(Request({"type": "http", "app": app}))
    session = next(dependency)
    pid = session.scalar(text("SELECT pg_backend_pid()"))  # a read transaction is now open
    with engine.connect() as other:
        assert other.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        deadline = time.monotonic() + DEADLINE_S
        while other.scalar(
            text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
        ):
            assert time.monotonic() < deadline, "the backend outlived pg_terminate_backend"
            time.sleep(0.02)
            other.rollback()  # a fresh snapshot of pg_stat_activity
    with pytest.raises(StopIteration):
        next(dependency)  # closes the session: the rollback meets the dead connection
    with engine.connect() as again:
        assert again.scalar(text("SELECT pg_backend_pid()")) != pid


def test_meilisearch_down_at_start_up_then_up(healthy: PrivateStack) -> None:
    """An app started before its Meilisearch (a fresh index, no search key yet) serves degraded,
    then prepares the index and its key in the background once Meilisearch answers, and fills
    the new index from PostgreSQL (app/search/refill.py) before it answers from it."""
    healthy.stop_meili()
    late = healthy.settings.model_copy(update={"meili_index": "recovery-late"})
    with (
        _serving(create_app(late, healthy.services)) as base_url,
        httpx.Client(base_url=base_url, timeout=DEADLINE_S) as http,
    ):
        degraded = http.get("/v1/decisions")
        assert degraded.status_code == 200
        assert degraded.json()["meta"]["warnings"] == [DEGRADED]
        healthy.start_meili()
        seen = set()
        deadline = time.monotonic() + DEADLINE_S
        while (found := http.get("/v1/decisions", params={"q": "council"})).status_code != 200:
            seen.add(found.status_code)
            assert time.monotonic() < deadline, found.text
            time.sleep(0.1)
        assert seen <= {503}, seen
        # Searched only once refilled: every decision the words match, never a half-empty index.
        expected = healthy.http.get("/v1/decisions", params={"q": "council"}).json()
        assert found.json()["meta"]["total"] == expected["meta"]["total"] > 0


def test_meilisearch_back_without_its_data(healthy: PrivateStack) -> None:
    """Meilisearch back empty (a lost volume): the app creates its index and key again by
    itself and refills the index from PostgreSQL, answering degraded meanwhile (never an error,
    never an empty result); `ombudsman reindex` afterwards changes nothing."""
    http = healthy.http
    before = _answers(http)
    searched = http.get("/v1/decisions", params={"q": "council"}).json()

    healthy.stop_meili()
    shutil.rmtree(healthy.meili.db_path)
    healthy.start_meili()  # same port and master key, no index, no search key
    seen = set()
    deadline = time.monotonic() + DEADLINE_S
    while (ready := http.get("/readyz")).status_code != 200:
        seen.add(http.get("/v1/decisions", params={"q": "council"}).status_code)
        upheld = http.get("/v1/decisions", params={"outcome": "upheld"})
        assert upheld.status_code == 200, upheld.text
        if upheld.json()["meta"]["warnings"]:  # no index yet: answered from PostgreSQL
            assert upheld.json()["meta"]["warnings"] == [DEGRADED]
            assert upheld.json()["meta"]["total"] == before["upheld"][1]
        assert time.monotonic() < deadline, ready.text
        time.sleep(0.1)
    assert seen <= {503}, seen
    assert http.get("/v1/decisions", params={"q": "council"}).json() == searched
    assert _answers(http) == before

    env = {
        **os.environ,
        "DATABASE_URL": healthy.services.database_url,
        "MEILI_URL": healthy.services.meili_url,
        "MEILI_MASTER_KEY": healthy.services.meili_key or "",
        "MEILI_INDEX": healthy.settings.meili_index,
        "DATA_DIR": str(healthy.settings.data_dir),
        "LOG_LEVEL": "warning",
    }
    done = ombudsman("reindex", env=env)
    assert done.returncode == 0, done.stderr
    assert http.get("/v1/decisions", params={"q": "council"}).json() == searched
    assert _answers(http) == before
