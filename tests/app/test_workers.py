"""Several workers, one budget: `ombudsman serve` with WORKERS=2 and the rate-limit counts in a
real Redis (Debian's redis-server, which `make test` installs) gives a client the configured
number of requests in total, not that many per worker (issue 15)."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from app.stack import Services, _free_port
from tests.app.served import service_env, serving
from tests.conftest import scratch_database

REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"
BUDGET = 20


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    if not Path(REDIS).exists():
        pytest.skip("redis-server not installed (`make redis` installs Debian's, as root)")
    port = _free_port()
    proc = subprocess.Popen(
        [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while (
            subprocess.run(
                ["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True, check=False
            ).stdout.strip()
            != "PONG"
        ):
            assert proc.poll() is None, "redis-server exited"
            assert time.monotonic() < deadline, "redis-server did not answer PING"
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(10)


def _serve_process(index: str) -> psutil.Process:
    """The `ombudsman serve` process of this test (the one serving `index`)."""
    for process in psutil.process_iter(["cmdline"]):
        try:
            if "serve" in (process.info["cmdline"] or []) and (
                process.environ().get("MEILI_INDEX") == index
            ):
                return process
        except psutil.Error:  # gone, or not ours to read
            continue
    raise AssertionError("no serve process found")


def test_two_workers_share_one_budget(
    services: Services, template_database: str, redis_url: str, tmp_path: Path
) -> None:
    name = f"test_{uuid.uuid4().hex[:12]}"
    with scratch_database(services, name, template_database) as url:
        env = service_env(
            services, url, name, tmp_path / "data",
            WORKERS="2", RATE_LIMIT_ENABLED="true", RATE_LIMIT=f"{BUDGET}/minute",
            RATE_LIMIT_STORAGE=redis_url,
        )  # fmt: skip
        with serving(env, tmp_path / "serve.log", demo=50) as base:
            parent = _serve_process(name)
            workers = parent.children()
            assert len(workers) >= 2, workers
            # A new connection each time, so the kernel hands requests to both workers.
            statuses = []
            for _ in range(BUDGET * 2):
                with httpx.Client(timeout=30) as client:
                    statuses.append(client.get(f"{base}/v1/categories").status_code)
    assert statuses.count(200) == BUDGET
    assert statuses.count(429) == BUDGET
