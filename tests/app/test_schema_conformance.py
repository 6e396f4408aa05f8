"""The OpenAPI schema says exactly what the API accepts (issue 18): Schemathesis, every check
and every phase, against a real `ombudsman serve` over real PostgreSQL and Meilisearch with the
synthetic demo loaded, must report zero failures.

"Every check" includes the two that judge the schema itself: a request the schema allows must
not be refused (`positive_data_acceptance`) and one it forbids must not be served
(`negative_data_rejection`). `schemathesis.toml` (project root) says which statuses count as
refusals; the README shows how to run it with more examples. Fixed seed: CI sends the same
requests every time. `SCHEMATHESIS_EXAMPLES` and `SCHEMATHESIS_SEED` override both.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.config import PROJECT_ROOT
from tests.app.served import DEMO, serving

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "60"))
SEED = int(os.environ.get("SCHEMATHESIS_SEED", "2026"))
PHASES = "examples,coverage,fuzzing,stateful"
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
HOOKS = "tests.schemathesis_hooks"  # drops negative cases that are valid as sent (see there)


@pytest.fixture
def served(cli_env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    """`ombudsman serve` on this test's database and index, with the demo loaded."""
    with serving(cli_env, tmp_path / "serve.log") as base:
        yield base


def test_schemathesis_finds_nothing(served: str) -> None:
    assert httpx.get(f"{served}/v1/decisions", timeout=10).json()["meta"]["total"] == DEMO
    command = [
        str(SCHEMATHESIS), "--config-file", str(PROJECT_ROOT / "schemathesis.toml"), "--no-color",
        "run", f"{served}/openapi.json", "--checks", "all", "--phases", PHASES,
        "--max-examples", str(EXAMPLES), "--seed", str(SEED), "--workers", "2",
        "--request-timeout", "30", "--generation-database", "none",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "SCHEMATHESIS_HOOKS": HOOKS}
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=900, check=False, env=env, cwd=PROJECT_ROOT
    )
    report = result.stdout[-12_000:] + result.stderr[-2_000:]
    assert result.returncode == 0, report
    assert " failure" not in result.stdout, report
