"""A real `ombudsman serve` over a test's database and index, with the synthetic demo loaded:
for tests that talk to the API the way its users do, over HTTP (schemathesis, MCP clients,
OpenRefine's reconciliation calls)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from app.config import PROJECT_ROOT
from app.stack import Services, _free_port

DEMO = 300


def service_env(
    services: Services, database_url: str, index: str, data_dir: Path, **settings: str
) -> dict[str, str]:
    """The environment of a server on this database and index, with these settings added."""
    return {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": database_url,
        "MEILI_URL": services.meili_url,
        "MEILI_MASTER_KEY": services.meili_key or "",
        "MEILI_INDEX": index,
        "DATA_DIR": str(data_dir),
        "LOG_LEVEL": "warning",
        **settings,
    }


@contextmanager
def serving(env: dict[str, str], log: Path, demo: int = DEMO) -> Iterator[str]:
    """The base URL of `ombudsman serve` started with `env` (DATABASE_URL, MEILI_URL…)."""
    port = _free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "app", "serve"],
            # The suite's generous Meilisearch timeout (tests/conftest.py:settings): a loaded CI
            # machine can stall it for seconds, and a timeout is a 503, which schemathesis
            # rightly counts as a failure (seen once in a clean-clone run, hybrid stats).
            env={"MEILI_TIMEOUT_S": "30", **env, "PORT": str(port), "DEMO_COUNT": str(demo)},
            cwd=PROJECT_ROOT,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=out,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, f"serve exited: {log.read_text()[-2000:]}"
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "serve did not become ready in 120 s"
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        proc.wait(60)
