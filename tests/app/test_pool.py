"""Slow and stalled clients cannot exhaust the database pool: over a real uvicorn server, raw
sockets start exports of the 1,103-decision corpus and stop reading. Meanwhile searches, stats
and single decisions answer; one export too many is a 503 problem at once; and the slots and
connections come back when the stalled clients go (or are cut off)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.config import Settings
from app.main import create_app
from app.stack import Services
from tests.app.search_corpus import LoadedCorpus
from tests.app.test_limits import serving

EXPORT = "/v1/decisions/export?format=ndjson"
SEND_BUFFER = 16_384  # so the ~1 MB export cannot fit in the server's socket buffers
DEADLINE_S = 20  # how long a test waits for something that should happen, before failing


def pooled_app(
    corpus: LoadedCorpus, settings: Settings, services: Services, **update: Any
) -> FastAPI:
    """The app on the corpus with a small pool: 3 connections kept, 3 more under load."""
    configured = settings.model_copy(
        update={"meili_index": corpus.index_name, "db_pool_size": 3, "db_pool_timeout_s": 5}
        | update
    )
    url = corpus.engine.url.render_as_string(hide_password=False)
    return create_app(configured, replace(services, database_url=url))


@contextmanager
def stalled_export(port: int) -> Iterator[tuple[int, socket.socket]]:
    """An export whose client reads the status and headers and then nothing more (a tiny
    receive window, so the server's buffers, not the client's, fill up); yields the status and
    the socket, closed (reset) on leaving."""
    conn = socket.socket()
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    conn.settimeout(DEADLINE_S)
    conn.connect(("127.0.0.1", port))
    try:
        conn.sendall(f"GET {EXPORT} HTTP/1.1\r\nHost: t\r\n\r\n".encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(1)
            assert chunk, "closed before the headers"
            head += chunk
        yield int(head.split()[1]), conn
    finally:
        conn.close()


def wait_for(condition: Any, what: str) -> None:
    """Poll `condition()` until true; fail (not measure) if it never becomes true."""
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.05)


def export_succeeds(client: httpx.Client) -> bool:
    response = client.get(EXPORT)
    if response.status_code == 503:
        return False
    assert response.status_code == 200, response.text
    assert len(response.text.splitlines()) == 1_103
    return True


def test_stalled_exports_leave_the_pool_to_everyone_else(
    corpus: LoadedCorpus, settings: Settings, services: Services
) -> None:
    app = pooled_app(corpus, settings, services, export_concurrency=2, export_send_timeout_s=600)
    with (
        serving(app, send_buffer=SEND_BUFFER) as port,
        httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=DEADLINE_S) as client,
    ):
        with ExitStack() as stalled:
            # As many stalled exports as the pool has connections (3 kept + 3 overflow): two
            # get slots and stall; the rest are refused at once, taking no connection.
            attempts = [stalled.enter_context(stalled_export(port)) for _ in range(6)]
            assert [status for status, _ in attempts] == [200, 200, 503, 503, 503, 503]
            assert app.state.export_slots.in_use == 2

            # Every other route still gets connections while the two exports stall.
            reference = client.get("/v1/decisions?per_page=1").json()["data"][0]["reference"]
            for path in (
                "/v1/decisions?outcome=upheld",
                "/v1/stats?group_by=council",
                f"/v1/decisions/{reference.replace(' ', '-')}",
                "/v1/councils",
                "/v1/decisions/feed.atom",
                "/readyz",
            ):
                assert client.get(path).status_code == 200, path

            refused = client.get(EXPORT)
            assert refused.status_code == 503
            assert refused.headers["content-type"] == "application/problem+json"
            assert refused.headers["retry-after"] == "5"
            body = refused.json()
            assert (body["type"], body["title"]) == ("/problems/exports-busy", "Exports busy")
            assert body["detail"].startswith("All 2 export slots are busy")
            assert app.state.export_slots.in_use == 2  # refusals take no slot

        # The stalled clients are gone: their slots and connections come back.
        wait_for(lambda: app.state.export_slots.in_use == 0, "export slots given back")
        wait_for(lambda: app.state.engine.pool.checkedout() == 0, "connections given back")
        assert export_succeeds(client)
        assert export_succeeds(client)  # one after the other: nothing leaked by the first


def test_a_client_that_stops_reading_is_cut_off(
    corpus: LoadedCorpus, settings: Settings, services: Services
) -> None:
    app = pooled_app(corpus, settings, services, export_concurrency=1, export_send_timeout_s=3)
    with (
        serving(app, send_buffer=SEND_BUFFER) as port,
        httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=DEADLINE_S) as client,
        stalled_export(port) as (status, stalled),
    ):
        assert status == 200
        # The stalled export holds the only slot until its send timeout cuts it off.
        wait_for(lambda: export_succeeds(client), "an export after the stalled one was cut off")
        wait_for(lambda: app.state.engine.pool.checkedout() == 0, "connections given back")
        # What the stalled client gets when it reads again: the body so far, then the end of
        # the connection, without the last chunk: a truncated download, never a complete one.
        received = b""
        while chunk := stalled.recv(65536):
            received += chunk
        assert received
        assert not received.endswith(b"0\r\n\r\n")


@pytest.mark.parametrize(("exports", "pool"), [(10, 10), (12, 10)])
def test_exports_must_leave_connections_for_other_requests(exports: int, pool: int) -> None:
    with pytest.raises(ValueError, match="EXPORT_CONCURRENCY"):
        Settings(export_concurrency=exports, db_pool_size=pool)


async def test_no_free_connection_is_a_busy_problem_not_a_hang(
    corpus: LoadedCorpus, settings: Settings, services: Services
) -> None:
    """Every pooled connection held (2 kept + 2 overflow): the next request waits
    db_pool_timeout_s, then gets a 503 saying the database is busy, and is served once one is
    given back."""
    app = pooled_app(
        corpus, settings, services, db_pool_size=2, db_pool_timeout_s=0.5, export_concurrency=1
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            held = [app.state.engine.connect() for _ in range(4)]
            try:
                busy = await client.get("/v1/decisions/23-000-001")
            finally:
                for connection in held:
                    connection.close()
            assert busy.status_code == 503
            assert busy.headers["content-type"] == "application/problem+json"
            assert busy.headers["retry-after"] == "5"
            assert busy.json()["type"] == "/problems/database-busy"
            assert (await client.get("/v1/stats?group_by=outcome")).status_code == 200
