"""The local stack starts, is found again, survives crashes and stops cleanly."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import psycopg
import pytest

from app import stack
from app.config import PROJECT_ROOT, Settings
from app.stack import Services, StackError, _free_port, _Meilisearch, _Postgres, local_services

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL") and os.environ.get("MEILI_URL")),
    reason="external services in use: the local stack is not started",
)


def _ours(data_dir: Path) -> list[psutil.Process]:
    """Live postgres or meilisearch processes working on data_dir."""
    found = []
    for proc in psutil.process_iter(["name", "cmdline"]):
        try:
            if proc.info["name"] in ("postgres", "meilisearch") and str(data_dir) in " ".join(
                proc.info["cmdline"] or []
            ):
                found.append(proc)
        except psutil.Error:
            continue
    return found


def test_a_second_command_reuses_the_running_stack(
    settings: Settings, services: Services, stack_data_dir: Path
) -> None:
    with local_services(settings, data_dir=stack_data_dir) as again:
        assert again.database_url == services.database_url
        assert again.meili_url == services.meili_url
        assert again.started_here == []


def test_external_urls_start_nothing(tmp_path: Path) -> None:
    external = Settings(database_url="postgresql://u@db.invalid/x", meili_url="http://m.invalid")
    with local_services(external, data_dir=tmp_path) as found:
        assert found.started_here == []
        assert found.database_url == "postgresql://u@db.invalid/x"
    assert list(tmp_path.iterdir()) == []


def test_missing_binary_says_what_to_do(tmp_path: Path) -> None:
    settings = Settings(database_url="postgresql://u@db.invalid/x", meili_binary=tmp_path / "none")
    with (
        pytest.raises(StackError, match=r"run `make tools`"),
        local_services(settings, data_dir=tmp_path),
    ):
        pass


@contextlib.contextmanager
def _first_port_taken(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """The race between finding a free port and binding it, lost once: the first port the
    stack picks is held by another listener; the ones after it are really free."""
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        ports = iter([taken])
        monkeypatch.setattr(stack, "_free_port", lambda: next(ports, None) or _free_port())
        yield taken


def _start_warning(caplog: pytest.LogCaptureFixture) -> str:
    [warning] = [r.getMessage() for r in caplog.records if "exited at start" in r.getMessage()]
    return warning


def test_meilisearch_on_a_port_taken_meanwhile_starts_again_on_another(
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with _first_port_taken(monkeypatch) as taken:
        meili = _Meilisearch(settings, tmp_path)
        try:
            url = meili.start()
            assert httpx.get(f"{url}/health").json() == {"status": "available"}
            assert url != f"http://127.0.0.1:{taken}"
        finally:
            meili.stop()
    warning = _start_warning(caplog)
    assert "attempt 1" in warning
    assert "in use" in warning.lower()


def test_meilisearch_starts_with_a_key_that_begins_with_a_dash(
    settings: Settings, tmp_path: Path
) -> None:
    """One generated key in 64 starts with "-" (secrets.token_urlsafe); passed as a separate
    argument, Meilisearch took it for a flag ("unexpected argument '-s' found") and every start
    on that data directory failed (seen in a CI run)."""
    meili = _Meilisearch(settings, tmp_path)
    meili.keyfile.write_text("-s" + "k" * 30)
    try:
        url = meili.start()
        health = httpx.get(f"{url}/health").json()
        keys = httpx.get(f"{url}/keys", headers={"Authorization": f"Bearer -s{'k' * 30}"})
    finally:
        meili.stop()
    assert health == {"status": "available"}
    assert keys.status_code == 200


def test_postgres_on_a_port_taken_meanwhile_starts_again_on_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with _first_port_taken(monkeypatch) as taken:
        postgres = _Postgres(tmp_path, fast=True)
        try:
            url = postgres.start()
            with psycopg.connect(url.replace("+psycopg", "")) as conn:
                assert conn.execute("SELECT 1").fetchone() == (1,)
            assert f":{taken}/" not in url
        finally:
            postgres.stop()
    warning = _start_warning(caplog)
    assert warning.startswith("PostgreSQL exited at start (attempt 1): exit code 1;")
    assert "could not" in warning


def test_meilisearch_that_cannot_start_says_why(settings: Settings, tmp_path: Path) -> None:
    """Its own words, not only a log path: CI shows the error, not the log file."""
    meili = _Meilisearch(settings, tmp_path)
    meili.db_path.mkdir(parents=True)
    (meili.db_path / "VERSION").write_text("99.0.0")  # a database from a newer Meilisearch
    with pytest.raises(StackError) as refused:
        meili.start()
    message = str(refused.value)
    assert message.startswith(f"Meilisearch exited at start; see {meili.logfile}:\nexit code 1;")
    assert "Your database version (99.0.0) is incompatible" in message
    assert "Stack backtrace" not in message
    assert message.count("exit code") == 1  # the last attempt's words, once
    assert meili.proc is None


def test_restart_after_kill_9_keeps_data(tmp_path: Path) -> None:
    settings = Settings()
    data = tmp_path / "data"
    with local_services(settings, data_dir=data) as first:
        with psycopg.connect(first.database_url.replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute("CREATE TABLE kept (x int)")
            conn.execute("INSERT INTO kept VALUES (42)")
        for proc in _ours(data):  # a crash: no shutdown, stale postmaster.pid left behind
            proc.kill()
        psutil.wait_procs(_ours(data), timeout=10)
        assert (data / "pg" / "postmaster.pid").exists()
    with local_services(settings, data_dir=data) as second:
        with psycopg.connect(second.database_url.replace("+psycopg", "")) as conn:
            assert conn.execute("SELECT x FROM kept").fetchall() == [(42,)]
        assert httpx.get(f"{second.meili_url}/health").json() == {"status": "available"}
    assert _ours(data) == []


def _serve(data: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATA_DIR": str(data), "PORT": str(port), "LOG_LEVEL": "warning"}
    env.pop("DATABASE_URL", None)
    env.pop("MEILI_URL", None)
    return subprocess.Popen(
        [sys.executable, "-m", "app", "serve"],
        env=env,
        cwd=PROJECT_ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_ready(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, "serve exited early"
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("serve did not become ready")


def test_serve_ctrl_c_and_kill_9_leave_nothing_behind(tmp_path: Path) -> None:
    data = tmp_path / "serve"
    port = _free_port()
    proc = _serve(data, port)
    _wait_ready(port, proc)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C sends to the terminal's process group
    assert proc.wait(60) == 0
    assert _ours(data) == []

    proc = _serve(data, port)
    _wait_ready(port, proc)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)
    psutil.wait_procs(_ours(data), timeout=15)  # children follow their parent (PDEATHSIG)
    assert _ours(data) == []

    proc = _serve(data, port)  # and the next start is clean
    try:
        _wait_ready(port, proc)
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(60)
    assert _ours(data) == []
